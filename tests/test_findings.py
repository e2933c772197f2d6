"""Cross-section checks: every kind of finding, at the YAML line of the fact, and justifications."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.errors import Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project

from conftest import REPO, only_example

DP = "content/examplinib/core/drug-product.yaml"
DS = "content/examplinib/core/drug-substance.yaml"


@pytest.fixture
def project(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    return tmp_path


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> int:
    """Replace text in a content file; return the 1-based line of the first replacement."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def findings(root: Path, region: str = "fda") -> list:
    diags = Diagnostics()
    try:
        prepare(Project(root), ["examplinib"], [region], diags=diags)
    except DossierError:
        pass
    return [d for d in diags.items if d.code.startswith(("F", "W49"))]


def only(found, code):
    matches = [f for f in found if f.code == code]
    assert matches, [str(f) for f in found]
    return matches


def test_the_example_has_only_the_expected_findings(project):
    codes = sorted((f.code, f.severity) for f in findings(project))
    assert codes == [("F4205", "justified")] * 8 + [("F4301", "warning"), ("F4301", "warning"), ("F4501", "justified")]


def test_an_out_of_specification_batch_result_is_an_error_at_its_line(project):
    line = edit(project, DP, "          assay: 100.4\n", "          assay: 105.06\n")
    finding = only(findings(project), "F4101")[0]
    assert finding.severity == "error"
    assert (finding.origin.path, finding.origin.line) == (DP, line)
    assert finding.field == "drug_products[examplinib-fct].batches[f050p2409].results.assay"
    assert "F050P2409" in finding.message and "105.06" in finding.message and "95.0 % to 105.0 %" in finding.message


def test_results_are_rounded_to_the_precision_of_the_criterion(project):
    edit(project, DP, "          assay: 100.4\n", "          assay: 105.04\n")
    assert not [f for f in findings(project) if f.code == "F4101"]


def test_an_out_of_specification_stability_result_and_a_significant_change(project):
    edit(project, DP, "assay: [100.4, 99.8, 99.3]", "assay: [100.4, 97.0, 92.1]")
    found = findings(project)
    oos = only(found, "F4201")[0]
    assert "92.1" in oos.message and "92.5 % to 105.0 %" in oos.message and oos.origin.column > 20
    change = only(found, "F4202")[0]
    assert change.severity == "warning" and "5 %" in change.message


def test_an_error_level_finding_fails_the_build_unless_justified(project):
    edit(project, DP, "          assay: 100.4\n", "          assay: 105.06\n")
    with pytest.raises(DossierError) as caught:
        build(project, ["examplinib"], ["fda"])
    assert any(d.code == "F4101" for d in caught.value.diagnostics)
    assert not (project / "output/examplinib/fda").exists()
    edit(project, "content/examplinib/core/product.yaml", "justifications:\n", """justifications:
  - id: oos-investigated
    code: F4101
    path: drug_products[examplinib-fct].batches[f050p2409].results.assay
    reason: Laboratory error confirmed by investigation OOS-2024-017; the retest result is 100.4 %.
""")
    build(project, ["examplinib"], ["fda"])
    report = json.loads((project / "output/examplinib/fda/findings.json").read_text())["findings"]
    assert [f["severity"] for f in report if f["code"] == "F4101"] == ["justified"]


def test_a_stale_justification_is_a_warning(project):
    edit(project, "content/examplinib/core/product.yaml", "code: F4501", "code: F4502")
    assert only(findings(project), "W4901")[0].severity == "warning"


def test_components_must_add_up_to_the_unit_weight(project):
    edit(project, DP, "unit_weight: 250.0 mg", "unit_weight: 251.0 mg")
    finding = only(findings(project), "F4401")[0]
    assert "250.00 mg" in finding.message and "251.0 mg" in finding.message


def test_an_impurity_limit_above_its_threshold_needs_a_justification(project):
    edit(project, DS, "release: NMT 0.10 %", "release: NMT 0.12 %")
    finding = only(findings(project), "F4501")
    assert any(f.severity == "error" and "identification threshold of 0.10 %" in f.message for f in finding)


def test_a_shelf_life_criterion_narrower_than_release_is_an_error(project):
    edit(project, DP, "shelf_life: 92.5 % to 105.0 % of label claim", "shelf_life: 96.0 % to 105.0 % of label claim")
    assert only(findings(project), "F4601")[0].severity == "error"


def test_drug_product_batches_must_use_known_drug_substance_batches(project):
    """A reference to nothing is a validation error (E2508) now, not a finding: nothing after validate runs."""
    line = edit(project, DP, "drug_substance_batches: [exm2403001]", "drug_substance_batches: [exm9999999]")
    diags = Diagnostics()
    with pytest.raises(DossierError):
        prepare(Project(project), ["examplinib"], ["fda"], diags=diags)
    error = only(diags.items, "E2508")[0]
    assert "unknown drug-substance batch 'exm9999999'" in error.message and error.origin.line == line
    assert error.field.endswith(".drug_substance_batches") and not any(d.code.startswith("F") for d in diags.items)


def test_release_and_shelf_life_units_must_agree(project):
    edit(project, DP, "shelf_life: NMT 1.0 %", "shelf_life: NMT 1.0 mg")
    assert only(findings(project), "F4602")[0].severity == "error"


def test_release_and_shelf_life_are_compared_in_one_unit(project):
    edit(project, DP, "shelf_life: NMT 1.0 %", "shelf_life: NMT 10000 ppm")   # = 1.0 %: wider than 0.50 %
    assert not [f for f in findings(project) if f.code in ("F4601", "F4602")]
    edit(project, DP, "shelf_life: NMT 10000 ppm", "shelf_life: NMT 4000 ppm")  # = 0.40 %: narrower
    assert "narrower" in only(findings(project), "F4601")[0].message


def test_a_criterion_is_printed_identically_wherever_it_appears(project):
    from builder.pipeline import build
    import docx

    build(project, ["examplinib"], ["fda"])
    base = project / "output/examplinib/fda/m3/32-body-data/32p-drug-prod/examplinib-fct"
    spec = docx.Document(base / "32p5-contr-drug-prod/32p51-spec/specifications.docx").tables[0]
    batches = docx.Document(base / "32p5-contr-drug-prod/32p54-batch-analys/batch-analyses.docx").tables[0]
    stability = docx.Document(base / "32p8-stab/stability-data.docx").tables[0]
    release = {r.cells[0].text: r.cells[2].text for r in spec.rows[2:]}
    shelf = {r.cells[0].text: r.cells[3].text for r in spec.rows[2:]}
    assert {r.cells[0].text: r.cells[1].text for r in batches.rows if r.cells[0].text in release} == release
    assert all(shelf[r.cells[0].text] == r.cells[1].text for r in stability.rows[2:])


def test_a_dissolution_result_meeting_only_stage_2_is_a_warning(project):
    twelve = "82, 84, 79, 86, 88, 81, 83, 85, 80, 78, 87, 84"   # USP <711> S2: mean ≥ Q, none < Q − 15
    edit(project, DP, "          dissolution: 96 (93–99)\n", f"          dissolution: {twelve}\n")
    finding = only(findings(project), "F4102")[0]
    assert finding.severity == "warning" and "stage 2" in finding.message


def test_a_dissolution_mean_that_cannot_decide_stage_1_is_not_checked(project):
    line = edit(project, DP, "          dissolution: 96 (93–99)\n", "          dissolution: 82 (76–88)\n")
    finding = only(findings(project), "F4104")[0]
    assert finding.origin.line == line and "unit values are needed" in finding.message


def test_no_long_term_study_at_a_condition_the_region_accepts_is_a_warning(project):
    text = (project / DP).read_text(encoding="utf-8")
    (project / DP).write_text(text.replace("condition: 25 °C ± 2 °C / 60 %RH ± 5 %RH", "condition: 21 °C / 45 %RH"),
                              encoding="utf-8")
    assert "25 °C ± 2 °C / 60 %RH ± 5 %RH" in only(findings(project), "F4203")[0].message


def test_composition_shows_percent_w_w_totals_and_overages(project):
    import docx

    build(project, ["examplinib"], ["fda"])
    document = docx.Document(project / "output/examplinib/fda/m3/32-body-data/32p-drug-prod/examplinib-fct/"
                                       "32p1-desc-comp/description-and-composition.docx")
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells][3:] == ["mg per unit", "% w/w", "mg per unit", "% w/w"]
    active = [c.text for c in table.rows[2].cells]
    assert active[3:] == ["60.78", "24.3", "121.57", "24.3"]
    assert [c.text for c in table.rows[-1].cells][3:] == ["250.00", "100.0", "500.00", "100.0"]
    notes = [p.text for p in document.paragraphs if p.style.name == "Note"]
    assert notes and notes[0].startswith("Overage: Film-coating system") and "10 % excess" in notes[0]
