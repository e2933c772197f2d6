"""3.2.A.2 adventitious agents (ICH Q5A(R2)): bank and bulk testing, viral clearance per step and model
virus with exact LRVs, the overall row computed (≥ carried), and the checks of modalities.md §3."""
from __future__ import annotations

from decimal import Decimal

import pytest

from builder.cmc.clearance import LogReduction, read_lrv, recompute
from builder.cmc.numbers import Unreadable
from builder.model_safety import ClearanceResult
from builder.views import KINDS

from testumab import APP, built, diagnostics, edit, justify, make_project, only, open_leaf, rows, table_with

ITEM = "appendices.adventitious_agents[viral-safety]"
STEPS = f"{ITEM}.clearance.steps"


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


def codes(found) -> list:
    return sorted(f.code for f in found if f.code.startswith("F48"))


@pytest.mark.parametrize("region", ["fda", "ema", "nmpa"])
def test_the_test_root_is_clean_in_every_region(project, region):
    """Every finding a test below expects is one its edit causes (the root is written in English only, so
    NMPA names what it would print in English: W2350, tests/test_nmpa_localisation.py)."""
    assert [str(d) for d in diagnostics(project, region) if d.code not in ("W2350", "W2351")] == []


def test_the_clearance_table_has_steps_as_rows_viruses_as_columns_and_a_computed_overall_row(project):
    document, _ = open_leaf(built(project), "3.2.A.2")
    cells = rows(table_with(document, "Process step (mechanism)"))
    assert cells[0][1] == "Log10 reduction value (LRV)"
    assert cells[1][1:] == ["X-MuLV\n(enveloped; ssRNA; 80–110 nm)", "PRV\n(enveloped; dsDNA; 120–200 nm)",
                            "Reo-3\n(non-enveloped; dsRNA; 60–80 nm)", "MVM\n(non-enveloped; ssDNA; 18–24 nm)"]
    assert cells[2] == ["Protein A chromatography\n(partitioning)", "2.4 ± 0.4", "3.1 ± 0.5", "1.9 ± 0.4",
                        "0.8 ± 0.3\n(not claimed)\n≤ 1 log10"]
    assert cells[3] == ["Low-pH hold (pH 3.6, 60 min)\n(inactivation)", "≥ 5.2 ± 0.3", "≥ 4.9 ± 0.4", "n/t", "n/t"]
    # the overall row: the claimed steps summed exactly, a lower bound (≥) where any claimed value is one
    assert cells[-1] == ["Overall reduction (sum of claimed steps)", "≥ 17.7", "≥ 17.2", "≥ 10.0", "8.5"]
    titres = rows(table_with(document, "Process step (mechanism)", index=1))
    assert titres[1] == ["Anion-exchange chromatography (flow-through)", "MVM", "100 mL", "7.1 log10 TCID50/mL",
                         "110 mL", "2.66 log10 TCID50/mL", "4.40"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Testumab is produced in a CHO cell line." in text and "greater than 1.0 log10" in text


def test_the_testing_table_lists_each_test_per_material(project):
    document, _ = open_leaf(built(project), "3.2.A.2")
    cells = rows(table_with(document, "Test"))
    assert cells[0] == ["Test", "Analytical procedure", "Material tested", "Acceptance criterion", "Result"]
    assert cells[1] == ["Sterility", "Ph. Eur. 2.6.1", "CHO master cell bank (MCB-T01)", "No growth", "No growth"]
    assert [r[2] for r in cells[3:7]] == ["CHO master cell bank (MCB-T01)", "CHO working cell bank (WCB-T01)",
                                          "End-of-production cells (EOPC-T01)", "Unprocessed bulk (T-23-001)"]


def test_nmpa_words_the_tables_in_chinese(project):
    document, _ = open_leaf(built(project, "nmpa"), "3.2.A.2")
    cells = rows(table_with(document, "工艺步骤"))
    assert cells[1][1] == "X-MuLV\n（有包膜；ssRNA；80–110 nm）"
    assert cells[2][0] == "Protein A chromatography\n（分配去除）" and cells[2][4].endswith("（不计入）\n≤ 1 log10")
    assert cells[3][3] == "未检测"
    assert cells[-1] == ["总降低对数值（计入步骤之和）", "≥ 17.7", "≥ 17.2", "≥ 10.0", "8.5"]
    assert rows(table_with(document, "检查项目"))[0][2] == "检测样品"


@pytest.mark.parametrize("text, value, quantum, at_least, ci", [
    ("4.5", "4.5", "0.1", False, None), ("≥ 5.2", "5.2", "0.1", True, None), ("4.50 ± 0.30", "4.50", "0.01", False, "0.30"),
    (">= 5.2 ± 0.3", "5.2", "0.1", True, "0.3"), ("≥5", "5", "1", True, None), ("-0.2", "-0.2", "0.1", False, None),
])
def test_an_lrv_is_read_exactly(text, value, quantum, at_least, ci):
    lrv = read_lrv(text)
    assert (lrv.value, lrv.quantum, lrv.at_least) == (Decimal(value), Decimal(quantum), at_least)
    assert lrv.ci == (Decimal(ci) if ci else None) and isinstance(lrv.value, Decimal)


@pytest.mark.parametrize("text", ["high", "< 1.0", "≤ 2.0", "4,5", "4.5 ± -0.3", "≥", "1e400", "nan"])
def test_an_lrv_that_cannot_be_read_exactly_is_refused(text):
    with pytest.raises(Unreadable):
        read_lrv(text)


def test_an_lrv_is_recomputed_from_titres_and_volumes_in_exact_decimals(project):
    from builder.cmc.findings import Rules
    from conftest import REPO

    class Product:
        number_style = ""

    reading = Rules.load(REPO / "templates").reading(type("C", (), {"product": Product})())
    result = ClearanceResult(load_volume="100 mL", load_titre="7.1 log10 TCID50/mL", output_volume="0.110 L",
                             output_titre="4.6 × 10^2 TCID50/mL")
    lrv = recompute(result, reading)
    # log10(100 mL × 10^7.1) − log10(110 mL × 460) = 9.1 − 4.70415… = 4.39584948316…, the litre converted exactly
    assert isinstance(lrv.value, Decimal) and str(lrv.value).startswith("4.39584948316")
    assert not lrv.at_least and LogReduction(Decimal("4.4"), Decimal("0.1")).agrees(lrv)
    below = recompute(ClearanceResult(load_volume="100 mL", load_titre="7.1 log10 TCID50/mL", output_volume="100 mL",
                                      output_titre="≤ 1.2 log10 TCID50/mL"), reading)
    assert below.at_least and below.value == Decimal("5.9") and below.shown() == "≥ 5.90"


def test_a_stated_lrv_its_titres_contradict_is_an_error(project):
    line = edit(project, APP, 'lrv: "4.4"', 'lrv: "4.8"')
    finding = only(diagnostics(project), "F4821")[0]
    assert finding.severity == "error" and finding.origin.line == line
    assert finding.field == f"{STEPS}[aex].results.mvm" and "4.40" in finding.message


def test_a_lower_bound_needs_the_output_below_detection(project):
    edit(project, APP, 'lrv: "4.4"', 'lrv: "≥ 4.4"')
    assert "≥ 4.4" in only(diagnostics(project), "F4821")[0].message


def test_a_claimed_lrv_not_above_the_minimum_is_an_error_and_moves_the_sum(project):
    line = edit(project, APP, 'mvm: {lrv: 0.8 ± 0.3, claimed: "false", note: "≤ 1 log10"}', "mvm: {lrv: 0.8 ± 0.3}")
    found = diagnostics(project)
    small = only(found, "F4822")[0]
    assert small.origin.line == line and small.field == f"{STEPS}[protein-a].results.mvm"
    overall = only(found, "F4824")[0]   # the stated 8.5 no longer matches: 0.8 + 4.4 + 4.1 = 9.3
    assert "9.3" in overall.message and overall.field == f"{ITEM}.clearance.overall.mvm"


def test_the_minimum_claimed_lrv_is_data(project):
    edit(project, "templates/common/viral-safety.yaml", 'minimum_claimed_lrv: "1.0"', 'minimum_claimed_lrv: "2.0"')
    found = only(diagnostics(project), "F4822")
    assert [f.field for f in found] == [f"{STEPS}[protein-a].results.reo-3"]   # 1.9 ≤ 2.0; 2.4 > 2.0
    justify(project, "F4822", found[0].field, "Protein A is a robust partitioning step across the platform.")
    text = "\n".join(p.text for p in open_leaf(built(project), "3.2.A.2")[0].paragraphs)
    assert "greater than 2.0 log10" in text


def test_claimed_steps_of_one_mechanism_are_a_warning_per_virus(project):
    edit(project, APP, "mechanism: charge", "mechanism: partitioning")
    found = only(diagnostics(project), "F4823")
    assert sorted(f.field for f in found) == [f"{STEPS}[aex].results.{v}" for v in ("prv", "reo-3", "x-mulv")]
    assert all(f.severity == "warning" and "Protein A chromatography" in f.message for f in found)


def test_a_stated_overall_must_be_the_computed_sum_bound_included(project):
    line = edit(project, APP, "overall: {x-mulv: ≥ 17.7,", "overall: {x-mulv: 17.7,")
    finding = only(diagnostics(project), "F4824")[0]
    assert finding.origin.line == line and "≥ 17.7" in finding.message


def test_a_claimed_step_without_worst_case_conditions_is_a_warning(project):
    edit(project, APP, "            worst_case: pH 3.8, 50 min, 15 °C\n", "")
    finding = only(diagnostics(project), "F4825")[0]
    assert finding.severity == "warning" and finding.field == f"{STEPS}[low-ph]"


def test_a_failed_bank_test_is_an_error_and_a_test_without_criterion_a_warning(project):
    line = edit(project, APP, "results: {mcb: Negative, wcb: Negative, eopc: Negative, bulk: Negative}",
                "results: {mcb: Negative, wcb: Positive, eopc: Negative, bulk: Negative}")
    finding = only(diagnostics(project), "F4827")[0]
    assert finding.severity == "error" and finding.origin.line == line and "WCB-T01" in finding.message
    edit(project, APP, "          criterion: No growth\n", "")
    assert only(diagnostics(project), "F4828")[0].field == f"{ITEM}.tests[sterility]"


@pytest.mark.parametrize("old, new, code, text", [
    ("reo-3: {lrv: ≥ 4.8 ± 0.3}", "hav: {lrv: ≥ 4.8 ± 0.3}", "E2508", "unknown model virus 'hav'"),
    ("prv: {lrv: 4.0 ± 0.4}", "prv: {lrv: high}", "E2621", "'high' is not a log10 reduction value"),
    ("prv: {lrv: 4.0 ± 0.4}", "prv: {lrv: < 1.0}", "E2621", "a value or a lower bound"),
    ("prv: {lrv: 4.0 ± 0.4}", "prv: {load_volume: 10 mL}", "E2533", "`load_titre`, `output_volume`, `output_titre`"),
    ("prv: {lrv: 4.0 ± 0.4}", "prv: {note: none}", "E2534", "no LRV"),
    ("load_titre: 7.1 log10 TCID50/mL", "load_titre: 7.1 log10", "E2621", "expected a titre"),
    ("load_titre: 7.1 log10 TCID50/mL", "load_titre: 7.1 log10 PFU/mL", "E2621", "not in commensurable units"),
    ("output_volume: 110 mL", "output_volume: 110 mg", "E2621", "not a volume"),
    ("mechanism: charge", "mechanism: ionic", "E2209", "inactivation, partitioning"),
    ("envelope: non-enveloped, genome: ssDNA", "envelope: naked, genome: ssDNA", "E2209", "enveloped, non-enveloped"),
    ("results: {mcb: Negative, eopc: Negative, bulk: Negative}", "results: {mcb: Negative, mwcb: Negative}", "E2508",
     "unknown tested material 'mwcb'"),
    ("overall: {x-mulv: ≥ 17.7, mvm: \"8.5\"}", "overall: {x-mulv: ≥ 17.7, mvm: about 8}", "E2621", "about 8"),
])
def test_bad_input_is_a_positioned_error_not_a_traceback(project, old, new, code, text):
    line = edit(project, APP, old, new)
    errors = [d for d in diagnostics(project) if d.severity == "error"]
    found = only(errors, code)[0]
    assert text in found.message, found.message
    assert found.origin.path == APP and found.origin.line == line


def test_without_testing_or_clearance_the_leaf_is_the_narrative_as_before():
    from builder.model import AppendixItem
    from builder.model_safety import SafetyEvaluation
    from builder.scope import Scope
    from builder.views.base import DocContext

    text = "No material of human or animal origin is used.\n\n1. one\n2. two"
    old = AppendixItem(id="a", title="T", narrative=text)
    new = SafetyEvaluation(id="a", title="T", narrative=text)
    blocks = lambda kind, item: [b.xml for b in KINDS[kind].blocks(Scope(None, None, item=item), "3.2.A.2",  # noqa: E731
                                                                   DocContext(9000))]
    assert blocks("appendix-item", old) == blocks("adventitious-agents", new)


def test_the_new_leaves_pass_openxml_audit(project):
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    for region in ("fda", "nmpa"):
        folder = built(project, region)
        for number in ("3.2.A.2", "3.2.S.2.6", "3.2.P.2"):
            path = open_leaf(folder, number)[1]
            result = OpenXmlValidator().validate(path)
            assert not [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR], path


def test_every_new_label_has_a_chinese_wording(repo):
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    common = yaml.load((repo / "templates/common/profile.yaml").read_text(encoding="utf-8"))["labels"]
    chinese = yaml.load((repo / "templates/nmpa/region.yaml").read_text(encoding="utf-8"))["labels"]
    ours = [k for k in common if k.startswith(("mechanism_", "clearance_", "comparability_", "lrv_", "load_", "output_",
                                                   "approach_"))]
    ours += ["agent_testing", "material_tested", "viral_clearance", "model_virus", "enveloped", "non_enveloped",
             "not_tested_short", "not_claimed", "pre_change", "post_change", "predefined_range", "quality_attribute",
             "process_role", "list_separator", "list_comma", "in_parentheses", "result"]
    assert len(ours) > 30 and not [k for k in ours if k not in chinese or chinese[k] == common[k]]
