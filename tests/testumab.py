"""The Testumab test root (tests/data/testumab, a fictional mAb): copied with templates/ into a tmp
folder, edited per test, checked or built, and its documents opened."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx

from builder.errors import Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project

from conftest import REPO

PRODUCT = "testumab"
CORE = f"content/{PRODUCT}/core"
DS, DP, APP = f"{CORE}/drug-substance.yaml", f"{CORE}/drug-product.yaml", f"{CORE}/product.yaml"


def make_project(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "tests" / "data" / PRODUCT, root / "content" / PRODUCT)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace `old` (once, it must be there) in a file; return the 1-based line where it started."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def diagnostics(root: Path, region: str = "fda") -> list:
    """Everything `invoke check` would report for one region (errors included, never raised)."""
    diags = Diagnostics()
    try:
        prepare(Project(root), [PRODUCT], [region], diags=diags)
    except DossierError as exc:
        return list(exc.diagnostics) + [d for d in diags.items if d.severity != "error"]
    return list(diags.items)


def only(found, code: str) -> list:
    matches = [f for f in found if f.code == code]
    assert matches, [str(f) for f in found]
    return matches


def built(root: Path, region: str = "fda") -> Path:
    build(root, [PRODUCT], [region])
    return root / "output" / PRODUCT / region


def open_leaf(folder: Path, number: str, index: int = 0):
    leaves = json.loads((folder / "manifest.json").read_text())["leaves"]
    match = [leaf for leaf in leaves if leaf["number"] == number][index]
    return docx.Document(folder / match["path"]), folder / match["path"]


def table_with(document, header: str, index: int = 0):
    """The `index`-th table whose first row has a cell starting with `header`."""
    found = [t for t in document.tables if any(c.text.startswith(header) for c in t.rows[0].cells)]
    assert len(found) > index, f"no table headed {header!r}: {[t.rows[0].cells[0].text for t in document.tables]}"
    return found[index]


def rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def justify(root: Path, code: str, path: str, reason: str = "Investigated; see report.") -> None:
    text = (root / APP).read_text(encoding="utf-8")
    entry = f"  - id: j-{code.lower()}-{len(text) % 997}\n    code: {code}\n    path: {path}\n    reason: {reason}\n"
    head = "" if "justifications:" in text else "\njustifications:\n"
    (root / APP).write_text(text + head + entry, encoding="utf-8")
