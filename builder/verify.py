"""`invoke verify`: recompute a build's manifest and name every file that differs, is missing or extra.

A reviewer or an auditor can confirm that what is in `output/` is exactly what the build wrote,
and that it was built from the inputs now in the repository.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import Category, Diagnostic, DossierError, Origin


def verify(root: Path, products=None, regions=None) -> list[Path]:
    """Return the verified manifests; raise (exit 5) listing every mismatch."""
    output = root / "output"
    manifests = sorted(m for m in output.glob("*/*/manifest.json")
                       if (not products or m.parent.parent.name in products) and (not regions or m.parent.name in regions))
    if not manifests:
        raise DossierError(Category.VERIFICATION, [Diagnostic("E5000", "no built output to verify (run invoke build)")])
    problems = [p for manifest in manifests for p in _check(root, manifest)]
    if problems:
        raise DossierError(Category.VERIFICATION, problems)
    return manifests


def _check(root: Path, manifest_path: Path) -> list[Diagnostic]:
    folder = manifest_path.parent
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        leaves, inputs = manifest["leaves"], manifest["inputs"]
    except (ValueError, KeyError, TypeError) as exc:
        return [Diagnostic("E5001", f"manifest is unreadable or incomplete ({type(exc).__name__})", _at(root, manifest_path))]
    problems = [_compare(root, folder / leaf["path"], leaf["sha256"], "output") for leaf in leaves]
    problems += [_compare(root, root / item["path"], item["sha256"], "input") for item in inputs
                 if item["role"] != "template" or (root / item["path"]).exists()]
    listed = {leaf["path"] for leaf in leaves} | {"manifest.json"}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.relative_to(folder).as_posix() not in listed:
            problems.append(Diagnostic("E5004", "extra file not listed in the manifest", _at(root, path)))
    return [p for p in problems if p]


def _compare(root: Path, path: Path, expected: str, role: str) -> Diagnostic | None:
    if not path.is_file():
        return Diagnostic("E5002", f"{role} file listed in the manifest is missing", _at(root, path))
    if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
        what = "differs from what the build wrote" if role == "output" else "changed since the build (rebuild)"
        return Diagnostic("E5003", f"{role} file {what}: SHA-256 does not match the manifest", _at(root, path))
    return None


def _at(root: Path, path: Path) -> Origin:
    try:
        return Origin(path.relative_to(root).as_posix())
    except ValueError:
        return Origin(path.as_posix())
