"""Hand edits are never silently overwritten: a leaf in `output/` that differs from what its manifest
recorded was edited after the build (someone opened it in Word and saved), and a build refuses to
replace it unless forced.

The manifest is the build's own record (`sha256` per leaf), so an edit is found without any copy of
the old file. `invoke harvest` then shows what the edit changed, for the writer to carry into the YAML.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import Category, Diagnostic, DossierError, Origin


@dataclass(frozen=True)
class EditedLeaf:
    """A built leaf whose bytes no longer match the manifest: where it is and what the build recorded."""

    product: str
    region: str
    path: str            # relative to the region folder
    number: str
    recorded: str        # the SHA-256 the build wrote in manifest.json

    def file(self, output: Path) -> Path:
        return output / self.product / self.region / self.path


def edited_leaves(output: Path, product: str, region: str) -> list[EditedLeaf]:
    """The leaves of one built region whose files differ from their manifest entry (none: not built yet,
    or a manifest that cannot be read, which `invoke verify` reports)."""
    folder = output / product / region
    try:
        leaves = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["leaves"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    found = []
    for leaf in leaves if isinstance(leaves, list) else ():
        if not isinstance(leaf, dict) or not isinstance(leaf.get("path"), str):
            continue
        path = folder / leaf["path"]
        if path.is_file() and not path.is_symlink() and _digest(path) != leaf.get("sha256"):
            found.append(EditedLeaf(product, region, leaf["path"], str(leaf.get("number", "")), leaf.get("sha256")))
    return found


def refuse_hand_edits(root: Path, pairs: list[tuple[str, str]]) -> None:
    """Raise E5010 naming every hand-edited leaf of the (product, region) pairs about to be replaced."""
    output = root / "output"
    edited = [leaf for product, region in pairs for leaf in edited_leaves(output, product, region)]
    if edited:
        raise DossierError(Category.VERIFICATION, [_refusal(root, leaf) for leaf in edited])


def _refusal(root: Path, leaf: EditedLeaf) -> Diagnostic:
    where = leaf.file(root / "output").relative_to(root).as_posix()
    return Diagnostic("E5010", f"{leaf.number}: edited since the build wrote it (its SHA-256 differs from "
                      f"manifest.json); not replaced. See the edit with `invoke harvest --product {leaf.product} "
                      f"--region {leaf.region}`, carry it into the content, then `invoke build --force`", Origin(where))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
