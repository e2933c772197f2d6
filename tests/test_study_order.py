"""Order under control (issue 15 item 4): stability tables list each batch's long-term before its
intermediate before its accelerated studies by default, from the studies' type and batch; an overlay's
`place:` with `study_order: as-written` puts a study exactly where the reviewer wants it."""
from __future__ import annotations

import shutil

import docx
import pytest

from conftest import REPO, edit, only_example
from builder.pipeline import build

NMPA = "content/examplinib/nmpa.yaml"
LEAF = "output/examplinib/nmpa/m3/32-body-data/32p-drug-prod/examplinib-fct/32p8-stab"


def _project(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    return tmp_path


def _summary_rows(root):
    table = docx.Document(str(root / LEAF / "stability-summary.docx")).tables[0]
    return [(r.cells[0].text, r.cells[1].text, r.cells[2].text[:5]) for r in table.rows[1:]]


def _captions(root):
    return [p.text for p in docx.Document(str(root / LEAF / "stability-data.docx")).paragraphs
            if p.text.startswith(("表", "Table")) or "F050P2409" in p.text]


@pytest.fixture
def project(tmp_path):
    return _project(tmp_path)


def test_overlay_long_term_studies_precede_the_accelerated_ones_of_their_batch(project):
    build(project, ["examplinib"], ["nmpa"])
    first_batch = [row for row in _summary_rows(project) if row[0] == "F050P2409"]
    assert [(t, c) for _, t, c in first_batch] == [
        ("长期试验", "25 °C"), ("长期试验", "25 °C"), ("长期试验", "30 °C"), ("长期试验", "30 °C"),
        ("加速试验", "40 °C"), ("加速试验", "40 °C")]
    captions = [c for c in _captions(project) if "F050P2409" in c]
    assert ["加速试验" in c for c in captions] == [False, False, False, False, True, True]


def test_as_written_keeps_an_overlay_placement(project):
    edit(project, NMPA, "        - id: lt30-f050p2409-bottle\n",
         "        - id: lt30-f050p2409-bottle\n          place: {after: acc-f050p2409-blister}\n")
    build(project, ["examplinib"], ["nmpa"])
    default = [(t, c) for b, t, c in _summary_rows(project) if b == "F050P2409"]
    assert default[2] == ("长期试验", "30 °C") and default[-1] == ("加速试验", "40 °C")   # by type: placement within type only
    text = (project / NMPA).read_text(encoding="utf-8")
    marker = "        - id: lt30-f050p2409-bottle\n"
    head = text[: text.index(marker)]
    at = head.rindex("    stability:\n") + len("    stability:\n")
    (project / NMPA).write_text(text[:at] + "      study_order: as-written\n" + text[at:], encoding="utf-8")
    build(project, ["examplinib"], ["nmpa"])
    written = [(t, c) for b, t, c in _summary_rows(project) if b == "F050P2409"]
    assert written == [("长期试验", "25 °C"), ("长期试验", "25 °C"), ("加速试验", "40 °C"), ("加速试验", "40 °C"),
                       ("长期试验", "30 °C"), ("长期试验", "30 °C")]
