"""Hand edits are never silently overwritten: a build refuses to replace a leaf edited in Word (E5010,
exit 5, nothing written) unless forced, and `harvest` shows each changed cell with its YAML line."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from builder.commands.harvest import format_harvest, harvest
from builder.errors import Category, DossierError
from builder.pipeline import build

from conftest import REPO, only_example

SPEC = "3.2.P.5.1"
STABILITY = "3.2.P.8.3"


@pytest.fixture
def built(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    build(tmp_path, ["examplinib"], ["fda"])
    return tmp_path


def _leaf(root: Path, number: str, kind: str = "") -> Path:
    folder = root / "output/examplinib/fda"
    leaves = json.loads((folder / "manifest.json").read_text())["leaves"]
    return folder / next(lf["path"] for lf in leaves if lf["number"] == number and kind in lf["path"])


def _edit_cell(path: Path, table: int, row: int, column: int, text: str) -> str:
    """Edit one table cell's text as Word would save it; return the text it had."""
    document = docx.Document(path)
    paragraph = document.tables[table].rows[row].cells[column].paragraphs[0]
    before = paragraph.text
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(path)
    return before


def _line_of(root: Path, rel: str, needle: str, after: str = "") -> int:
    text = (root / rel).read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def test_a_hand_edited_leaf_is_not_replaced_and_is_named(built):
    spec, stability = _leaf(built, SPEC), _leaf(built, STABILITY, "stability-data")
    _edit_cell(spec, 0, 1, 2, "97.0 % to 103.0 %")
    _edit_cell(stability, 1, 3, 2, "100.6")
    edited = {p: p.read_bytes() for p in (spec, stability)}
    manifest = (built / "output/examplinib/fda/manifest.json").read_bytes()
    with pytest.raises(DossierError) as caught:
        build(built, ["examplinib"], ["fda"])
    assert caught.value.category == Category.VERIFICATION
    problems = caught.value.diagnostics
    assert [d.code for d in problems] == ["E5010", "E5010"]
    named = {d.origin.path for d in problems}
    assert named == {p.relative_to(built).as_posix() for p in (spec, stability)}
    assert all(p.read_bytes() == data for p, data in edited.items())  # nothing replaced
    assert (built / "output/examplinib/fda/manifest.json").read_bytes() == manifest


def test_force_replaces_the_hand_edited_leaf(built):
    stability = _leaf(built, STABILITY, "stability-data")
    original = stability.read_bytes()
    _edit_cell(stability, 1, 3, 2, "100.6")
    build(built, ["examplinib"], ["fda"], force=True)
    assert stability.read_bytes() == original
    assert harvest(built, ["examplinib"], ["fda"]) == []


def test_harvest_shows_the_changed_cell_and_the_yaml_line_of_its_value(built):
    stability = _leaf(built, STABILITY, "stability-data")
    rows = docx.Document(stability).tables[1].rows
    assert rows[3].cells[0].text == "Assay (HPLC)" and rows[1].cells[2].text == "0"
    before = _edit_cell(stability, 1, 3, 2, "100.6")
    found = harvest(built, ["examplinib"], ["fda"])
    assert len(found) == 1 and not found[0].content_changed
    (edit,) = found[0].edits
    assert (edit.place, edit.before, edit.after) == ("Table 2, row 4, column 3", before, "100.6")
    # table 2 is the blister pack of batch F050P2409: its assay at time point 0
    line = _line_of(built, "content/examplinib/core/drug-product.yaml", "assay:", "id: lt-f050p2409-blister")
    (source,) = edit.sources
    assert source.path.endswith("studies[lt-f050p2409-blister].results.assay[0]")
    assert source.where.startswith(f"content/examplinib/core/drug-product.yaml:{line}:")
    text, markdown = format_harvest(found), format_harvest(found, markdown=True)
    assert "'100.4' → '100.6'" in text and source.where in text
    assert "| Table 2, row 4, column 3 | 100.4 | 100.6 |" in markdown


def test_harvest_places_an_edited_specification_criterion(built):
    spec = _leaf(built, SPEC)
    cells = docx.Document(spec).tables[0].rows[3].cells  # rows 1-2 are the header
    test_name, criterion = cells[0].text, cells[2].text
    _edit_cell(spec, 0, 3, 2, "97.0 % to 103.0 %")
    (edit,) = harvest(built, ["examplinib"], ["fda"])[0].edits
    assert edit.before == criterion and edit.after == "97.0 % to 103.0 %"
    assert edit.sources, format_harvest(harvest(built, ["examplinib"], ["fda"]))
    where = edit.sources[0].where
    rel, line = where.split(":")[0], int(where.split(":")[1])
    assert criterion in (built / rel).read_text(encoding="utf-8").splitlines()[line - 1]
    assert "tests[" in edit.sources[0].path and test_name


def test_harvest_points_a_narrative_list_item_at_its_line_in_the_block_scalar(built):
    path = _leaf(built, "3.2.P.3.5")
    document = docx.Document(path)
    item = next(p for p in document.paragraphs if p.text.startswith("Stage 1"))
    item.runs[-1].text = item.runs[-1].text.replace("the development", "the documented development")
    document.save(path)
    (edit,) = harvest(built, ["examplinib"], ["fda"])[0].edits
    assert "documented development" in edit.after and edit.place == "paragraph (List Bullet)"
    line = _line_of(built, "content/examplinib/fda.yaml", "- **Stage 1")
    assert [s.where.rsplit(":", 1)[0] for s in edit.sources] == [f"content/examplinib/fda.yaml:{line}"]
