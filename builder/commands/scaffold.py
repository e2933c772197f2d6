"""`invoke new-product`: start a product from an existing one, so a writer edits facts, not structure.

The copy is a new folder under content/; nothing existing is ever overwritten. Only `product.id`
changes (it must equal the folder name); every other fact is the source's, to be replaced.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import content_error, environment_error
from ..project import PLATFORMS
from ..schema import SLUG, WINDOWS_RESERVED
from ..source import load_file


def new_product(root: Path, product_id: str, source: str) -> Path:
    content = root / "content"
    if not SLUG.fullmatch(product_id):
        raise content_error("E2801", f"'{product_id}' is not an identifier (lowercase a-z, 0-9 and '-')", None, "--id")
    if WINDOWS_RESERVED.fullmatch(product_id):
        raise content_error("E2801", f"'{product_id}' is a reserved device name on Windows; a folder cannot have it",
                            None, "--id")
    if product_id == PLATFORMS:
        raise content_error("E2801", f"'{product_id}' is the folder of shared platforms (content/{PLATFORMS}/), "
                            "not a product id", None, "--id")
    if not (content / source / "core").is_dir():
        raise environment_error("E4030", f"no product '{source}' to start from", content / source)
    target = content / product_id
    if target.exists():
        raise environment_error("E4031", f"content/{product_id} already exists; choose another id", target)
    staging = content / f".new-{os.getpid()}-{product_id}"  # swept by pid (strays.py)
    try:
        shutil.copytree(content / source, staging)
        _rename(staging, source, product_id)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing half-copied is left under content/
    return target


def _rename(folder: Path, old: str, new: str) -> None:
    """Rewrite the one line that holds `product.id`, found by the loader (comments and layout kept)."""
    for path in sorted((folder / "core").glob("*.yaml")):
        root = load_file(path, path.name).root
        product = root.data.get("product") if root.is_map else None
        ident = product.data.get("id") if product is not None and product.is_map else None
        if ident is not None and ident.data == old:
            lines = path.read_text(encoding="utf-8").split("\n")
            row = ident.origin.line - 1
            lines[row] = lines[row].replace(old, new, 1)
            path.write_text("\n".join(lines), encoding="utf-8")
            return
