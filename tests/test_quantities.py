"""Quantities in content: every mistake in one is a positioned error (never a traceback), and the checks
use the quantity model end to end (the symptoms of the issue "numbers … never silently wrong")."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from builder.errors import Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project

from conftest import REPO
from test_findings import DP, DS, edit, findings, only, project  # noqa: F401  (fixture)


E_COLI = "\n          release: Absent in 1 g\n"


def errors(root, region="fda") -> list:
    diags = Diagnostics(limit=10_000)
    with pytest.raises(DossierError):
        prepare(Project(root), ["examplinib"], [region], diags=diags)
    return diags.errors


# --- the symptoms ---------------------------------------------------------------------------------

def _titre(root):
    """Turn the water test into a vector-genome titre test with one batch result."""
    edit(root, DP, "          release: NMT 6.0 %\n          result_unit: \"%\"\n",
         "          release: 1.6–2.4 × 10^13 vg/mL\n")


def test_a_tenfold_low_titre_is_out_of_specification(project):
    _titre(project)
    line = edit(project, DP, "          water: 4.2\n", "          water: 1.8 × 10^12 vg/mL\n")
    found = [f for f in findings(project) if f.code == "F4101"]
    assert [(f.origin.line, f.field.endswith("results.water")) for f in found] == [(line, True)]
    assert "1.6 × 10^13" in found[0].message


def test_an_in_range_titre_with_another_power_of_ten_conforms(project):
    _titre(project)
    edit(project, DP, "          water: 4.2\n", "          water: 21 × 10^12 vg/mL\n")
    assert not [f for f in findings(project) if f.code in ("F4101", "F4104") and "water" in f.field]


def test_a_result_without_the_criterions_power_of_ten_is_an_error(project):
    edit(project, DP, "          release: NMT 6.0 %\n          result_unit: \"%\"\n",
         "          release: 1.6–2.4 × 10^13 vg/mL\n")
    line = edit(project, DP, "          water: 4.2\n", "          water: 2.1\n")
    found = [e for e in errors(project) if e.code == "E2620" and e.origin.line == line]
    assert found and "power of ten" in found[0].message and "result_unit" in found[0].message


def test_a_limit_per_vector_genomes_is_read_with_its_basis(project):
    edit(project, DP, "          release: NMT 6.0 %\n          result_unit: \"%\"\n",
         "          release: NMT 10 ng per 1.0 × 10^13 vg\n")
    ok = edit(project, DP, "          water: 4.2\n", "          water: 0.9 pg/10^9 vg\n")
    bad = edit(project, DP, "          water: 4.0\n", "          water: 12 ng/1.0 × 10^13 vg\n")
    other = edit(project, DP, "          water: 4.3\n", "          water: 3.2 ng/mL\n")
    found = findings(project)
    assert [f.origin.line for f in found if f.code == "F4101"] == [bad]
    assert ok not in [f.origin.line for f in found if f.code.startswith("F41")]
    unchecked = only(found, "F4104")
    assert [f.origin.line for f in unchecked] == [other] and "not commensurable" in unchecked[0].message


@pytest.mark.parametrize("result", ["Positive", "阳性"])
def test_a_positive_result_fails_a_negative_criterion(project, result):
    edit(project, DP, E_COLI, E_COLI.replace("Absent in 1 g", "Negative"))
    line = edit(project, DP, "          e-coli: Absent\n", f"          e-coli: {result}\n")
    found = only(findings(project), "F4101")
    assert [f.origin.line for f in found] == [line]


def test_a_failed_sterility_test_fails(project):
    edit(project, DP, E_COLI, E_COLI.replace("Absent in 1 g", "Sterile (no growth)"))
    line = edit(project, DP, "          e-coli: Absent\n", "          e-coli: Growth\n")
    assert [f.origin.line for f in only(findings(project), "F4101")] == [line]


def test_a_shelf_life_in_years_is_read_in_months(project):
    edit(project, DP, "      period: 36 months\n", "      period: 3 years\n")
    found = [f for f in findings(project) if f.code == "F4301" and f.field.startswith("drug_products")]
    assert found and "3 years" in found[0].message and "30 months" in found[0].message
    edit(project, DP, "      period: 3 years\n", "      period: 2.5 years\n")
    assert not [f for f in findings(project) if f.code == "F4301" and f.field.startswith("drug_products")]


def test_time_points_in_the_studys_own_unit(project):
    """In hours: the table says so, and Q1E arithmetic converts (18 months of data become 18 hours)."""
    edit(project, DP, "          timepoints: [0, 3, 6]\n", "          timepoints: [0, 3, 6]\n          time_unit: hours\n")
    edit(project, DP, "          timepoints: [0, 3, 6, 9, 12, 18, 24]\n",
         "          timepoints: [0, 3, 6, 9, 12, 18, 24]\n          time_unit: cycles\n")
    assert any(f.code == "F4302" and "cycles" in f.message for f in findings(project))
    folders = build(project, ["examplinib"], ["fda"])
    from docx import Document

    doc = Document(folders[0] / STABILITY_DATA)
    headers = {c.text for t in doc.tables for c in t.rows[0].cells}
    assert {"Time point (h)", "Time point (cycles)", "Time point (months)"} <= headers


STABILITY_DATA = "m3/32-body-data/32p-drug-prod/examplinib-fct/32p8-stab/stability-data.docx"


# --- composition for every dosage form ---------------------------------------------------------

def test_q_s_builds_and_prints_as_typed(project):
    edit(project, DP, "        quantities: {50mg: 1.20, 100mg: 2.40}\n", "        quantities: {50mg: q.s., 100mg: q.s.}\n")
    assert not [f for f in findings(project) if f.code.startswith("F44")]
    folders = build(project, ["examplinib"], ["fda"])
    from docx import Document

    doc = Document(folders[0] / "m3/32-body-data/32p-drug-prod/examplinib-fct/32p1-desc-comp/description-and-composition.docx")
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "q.s." in cells and "mg per unit" in cells and "250.0" in cells


def test_the_other_components_must_leave_room_for_q_s(project):
    edit(project, DP, "        quantities: {50mg: 1.20, 100mg: 2.40}\n", "        quantities: {50mg: q.s., 100mg: q.s.}\n")
    edit(project, DP, "        quantities: {50mg: 93.42, 100mg: 186.83}\n", "        quantities: {50mg: 193.42, 100mg: 186.83}\n")
    assert "already add up to" in only(findings(project), "F4401")[0].message


def test_a_subtotal_is_checked_like_the_total(project):
    line = edit(project, DP, "      - id: film-coating-system\n",
                "      - id: core-tablet\n        component: Core tablet weight\n        subtotal: \"true\"\n"
                "        quantities: {50mg: 240.0 mg, 100mg: 470.0 mg}\n      - id: film-coating-system\n")
    found = only(findings(project), "F4401")
    assert [(f.origin.line, "Core tablet weight" in f.message) for f in found] == [(line + 3, True)]


def test_rows_of_another_dimension_cannot_be_added_to_the_total(project):
    line = edit(project, DP, "        quantities: {50mg: 1.20, 100mg: 2.40}\n",
                "        quantities: {50mg: 0.10 mL, 100mg: 2.40}\n")
    found = only(findings(project), "F4402")
    assert found[0].origin.line == line and "another dimension" in found[0].message


# --- every mistake in a quantity is a positioned error ---------------------------------------------

@pytest.mark.parametrize("file, old, new, code", [
    (DP, "        quantities: {50mg: 1.20, 100mg: 2.40}\n", "        quantities: {50mg: \"1,20\", 100mg: 2.40}\n", "E2506"),
    (DP, "        quantities: {50mg: 1.20, 100mg: 2.40}\n", "        quantities: {50mg: a pinch, 100mg: 2.40}\n", "E2506"),
    (DP, "        quantities: {50mg: 1.20, 100mg: 2.40}\n", "        quantities: {50mg: q.s. to lots, 100mg: 2.40}\n", "E2506"),
    (DP, "        unit_weight: 250.0 mg\n", "        unit_weight: heavy\n", "E2621"),
    ("content/examplinib/core/product.yaml", "  max_daily_dose: 200 mg", "  max_daily_dose: 0 mg", "E2513"),
    ("content/examplinib/core/product.yaml", "  max_daily_dose: 200 mg", "  max_daily_dose: 200", "E2513"),
    ("content/examplinib/core/product.yaml", "  max_daily_dose: 200 mg", "  max_daily_dose: 200 mL", "E2513"),
    (DP, "      period: 36 months\n", "      period: 36\n", "E2621"),
    (DP, "      period: 36 months\n", "      period: forever\n", "E2621"),
    (DP, "          timepoints: [0, 3, 6]\n", "          timepoints: [0, three, 6]\n", "E2621"),
    (DP, "          result_unit: \"%\"\n", "          result_unit: furlongs\n", "E2621"),
    (DP, "          water: 4.2\n", "          water: 4,2\n", "E2620"),
    (DP, "          water: 4.2\n", "          water: 4.2E\n", "E2620"),
    (DP, "          water: 4.2\n", "          water: inf\n", "E2620"),
    (DS, "          water: 0.3\n", "          water: 0.3 × 10E1\n", "E2620"),
])
def test_a_mistake_in_a_quantity_is_an_error_at_its_line(project, file, old, new, code):
    line = edit(project, file, old, new)
    found = [e for e in errors(project) if e.code == code]
    assert found and found[0].origin.path == file and found[0].origin.line == line, [str(e) for e in errors(project)]
    assert "expected" in found[0].message or "write" in found[0].message or "not" in found[0].message


def test_a_criterion_that_cannot_be_read_is_a_warning_at_its_own_line(project):
    line = edit(project, DP, "          release: NMT 6.0 %\n", "          release: NMT 6 furlongs\n")
    found = only(findings(project), "F4001")
    assert found[0].origin.line == line and found[0].severity == "warning"
    assert any(f.code == "F4104" and "criterion not understood" in f.message for f in findings(project))


def test_the_check_task_reports_the_tally_and_exits_2_on_a_quantity_mistake(project):
    edit(project, DP, "          water: 4.2\n", "          water: 4,2\n")
    shutil.copy(REPO / "tasks.py", project / "tasks.py")
    run = subprocess.run([sys.executable, "-m", "invoke", "check", "--region", "fda"], cwd=project,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{DP}:" in run.stderr and "E2620" in run.stderr


def test_findings_json_counts_the_pairs(project):
    folders = build(project, ["examplinib"], ["fda"])
    verdicts = json.loads((folders[0] / "findings.json").read_text())["verdicts"]
    assert verdicts["pairs"] == verdicts["checked"] + verdicts["not_checked"] + verdicts["unreadable"]
    assert verdicts["checked"] > 600 and verdicts["not_checked"] == verdicts["of_which_not_evaluated"] > 0


def test_a_fill_volume_is_the_sum_of_the_volume_rows_solutes_aside(project):
    edit(project, DP, "        unit_weight: 250.0 mg\n", "        unit_weight: 10.0 mL\n")
    line = edit(project, DP, "        quantities: {50mg: 10.00, 100mg: 20.00}\n",
                "        quantities: {50mg: q.s. to 10.0 mL, 100mg: 20.00}\n")
    assert not [f for f in findings(project) if f.code in ("F4401", "F4402")]
    edit(project, DP, "q.s. to 10.0 mL", "q.s. to 9.0 mL")
    found = only(findings(project), "F4401")
    assert found[0].origin.line == line and "q.s. to 9.0 mL" in found[0].message
