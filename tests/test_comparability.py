"""ICH Q5E comparability (3.2.S.2.6, 3.2.P.2): pre- and post-change lots side by side against pre-defined
ranges, every result judged (conforms, outside, not checked), findings at the result's line."""
from __future__ import annotations

import pytest

from builder.errors import DossierError
from builder.views import KINDS

from testumab import DP, DS, built, diagnostics, edit, justify, make_project, only, open_leaf, rows, table_with

STUDY = "drug_substances[testumab-ds].comparability[a-to-b]"


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


def codes(found, prefix: str = "F48") -> list:
    return sorted(f.code for f in found if f.code.startswith(prefix))


def test_the_test_root_states_a_comparable_change_without_findings(project):
    assert codes(diagnostics(project)) == []


def test_the_table_puts_pre_and_post_change_lots_side_by_side(project):
    document, _ = open_leaf(built(project), "3.2.S.2.6")
    table = table_with(document, "Quality attribute")
    cells = rows(table)
    assert cells[0][:4] == ["Quality attribute", "Analytical procedure", "Pre-defined acceptance range",
                            "Pre-change: Process A (clinical, 200 L)"]
    assert cells[0][-1] == "Post-change: Process B (commercial, 2000 L)"
    assert cells[1][3:] == ["T-A-001", "T-A-002", "T-A-TOX", "T-B-001", "T-B-002"]
    # results of lots that are batches come from the batch (typed once, in 3.2.S.4.4); others as stated
    assert cells[2] == ["Purity (SEC) monomer", "AP-03", "NLT 98.0 %\n(historical range of pre-change lots: minimum "
                        "of the Process A lots minus method variability)", "98.9 %", "99.1 %", "98.4 %", "99.0 %", "98.8 %"]
    assert cells[4][:3] == ["Afucosylated glycans", "HILIC-FLD (AP-07)", "4.0–8.0 %"]
    lots = rows(table_with(document, "Lot"))
    assert lots[1] == ["T-A-001", "Pre-change", "200 L", "Example Biologics Manufacturing Ltd.", "2023-02-01"]
    assert lots[3] == ["T-A-TOX", "Pre-change", "50 L", "–", "2022-10-01"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "All 6 post-change results (2 lots) are within the pre-defined ranges." in text
    assert "Comparability protocol CP-T-001 version 1.0, approved 2024-06-01" in text


def test_a_post_change_result_outside_its_range_is_an_error_at_its_line(project):
    line = edit(project, DS, "b-002: 6.3 %", "b-002: 8.3 %")
    finding = only(diagnostics(project), "F4811")[0]
    assert finding.severity == "error"
    assert (finding.origin.path, finding.origin.line) == (DS, line)
    assert finding.field == f"{STUDY}.attributes[afucosylation].results.b-002"
    assert "T-B-002 = 8.3 %" in finding.message and "4.0–8.0 %" in finding.message
    with pytest.raises(DossierError):
        built(project)
    justify(project, "F4811", finding.field)
    text = "\n".join(p.text for p in open_leaf(built(project), "3.2.S.2.6")[0].paragraphs)
    assert "Post-change results outside the pre-defined ranges (1): Afucosylated glycans, T-B-002 (8.3 %)." in text
    assert "All 6" not in text


def test_a_result_taken_from_a_batch_is_found_at_the_batch_line(project):
    """Within the release criterion (80–125 %), outside the comparability range (90–110 %): in spec is not enough."""
    line = edit(project, DS, "sec: 98.8 %, potency: 99 %", "sec: 98.8 %, potency: 112 %")
    finding = only(diagnostics(project), "F4811")[0]
    assert (finding.origin.path, finding.origin.line) == (DS, line)
    assert finding.field == f"{STUDY}.attributes[potency].results.b-002"
    assert not [f for f in diagnostics(project) if f.code == "F4101"]


def test_a_pre_change_result_outside_the_range_is_a_warning(project):
    edit(project, DS, "results: {a-tox: 98.4 %}", "results: {a-tox: 97.4 %}")
    finding = only(diagnostics(project), "F4812")[0]
    assert finding.severity == "warning" and "T-A-TOX" in finding.message


@pytest.mark.parametrize("result, reason", [("Comparable", "not a number"), ("NT", "not evaluated")])
def test_a_result_that_cannot_be_judged_is_a_warning_never_a_pass(project, result, reason):
    edit(project, DS, "results: {a-tox: 96 %}", f"results: {{a-tox: 96 %, b-001: {result}}}")
    found = diagnostics(project)
    warning = only(found, "F4813")[0]
    assert warning.severity == "warning" and reason in warning.message
    text = "\n".join(p.text for p in open_leaf(built(project), "3.2.S.2.6")[0].paragraphs)
    assert "The post-change results that could be judged (5 of 6) are within the pre-defined ranges." in text
    assert "Results not judged against a pre-defined range (1): Relative potency (bioassay): T-B-001." in text


def test_a_report_only_range_sets_no_criterion_said_once_per_attribute(project):
    line = edit(project, DS, "range: 4.0–8.0 %", "range: Report result")
    found = [f for f in diagnostics(project) if f.code == "F4813"]
    assert len(found) == 1 and "only asks to report" in found[0].message and found[0].origin.line == line
    text = "\n".join(p.text for p in open_leaf(built(project), "3.2.S.2.6")[0].paragraphs)
    assert ("Results not judged against a pre-defined range (5): Afucosylated glycans: T-A-001, T-A-002, T-A-TOX, "
            "T-B-001, T-B-002.") in text
    assert "(4 of 6)" in text


def test_a_range_not_understood_is_said_once(project):
    line = edit(project, DS, "range: 4.0–8.0 %", "range: NMT 8.0 zorbs")
    found = diagnostics(project)
    warning = only(found, "F4814")[0]
    assert warning.origin.line == line and warning.severity == "warning"
    assert not [f for f in found if f.code == "F4813"]


def test_a_descriptive_range_leaves_every_result_to_the_reviewer(project):
    edit(project, DS, "range: 4.0–8.0 %", "range: similar to Process A")
    found = [f for f in diagnostics(project) if f.code == "F4813"]
    assert len(found) == 5 and all("descriptive" in f.message for f in found)


def test_ranges_set_after_the_post_change_data_are_an_error(project):
    line = edit(project, DS, "batch: b-001, tested: 2024-10-15", "batch: b-001, tested: 2024-05-15")
    finding = only(diagnostics(project), "F4815")[0]
    assert finding.severity == "error" and finding.origin.line == line
    assert "T-B-001" in finding.message and "2024-06-01" in finding.message


@pytest.mark.parametrize("old, new, code, text", [
    ("{id: a-tox, role: pre-change, number: T-A-TOX,", "{id: a-tox, role: pre-change,", "E2530", "either `batch`"),
    ("{id: a-001, role: pre-change, batch: a-001}", "{id: a-001, role: pre-change, batch: a-009}", "E2508",
     "unknown batch 'a-009'"),
    ("{id: b-002, role: post-change, batch: b-002, tested: 2024-11-15}",
     "{id: b-002, role: post-change, number: T-B-002}", "E2505", "no result for lot 'b-002'"),
    ("- id: afucosylation\n            attribute: Afucosylated glycans\n", "- id: afucosylation\n", "E2531",
     "give `attribute`"),
    ("results: {a-tox: 98.4 %}", "results: {a-tox: 98.4 %, b-009: 99.0 %}", "E2508", "unknown comparability lot"),
    ("results: {a-tox: 98.4 %}", "results: {a-tox: '9,84 %'}", "E2620", "comma"),
    ("role: pre-change, batch: a-002", "role: before, batch: a-002", "E2209", "pre-change, post-change"),
    ("test: potency\n", "test: potenzy\n", "E2508", "unknown specification test 'potenzy'"),
])
def test_bad_input_is_a_positioned_error(project, old, new, code, text):
    line = edit(project, DS, old, new)
    errors = [d for d in diagnostics(project) if d.severity == "error"]
    found = only(errors, code)[0]
    assert text in found.message and found.origin.path == DS
    assert found.origin.line == line or code == "E2505"  # a missing result is said at the attribute's results


def test_a_study_without_post_change_lots_is_an_error(project):
    for lot in ("b-001", "b-002"):
        edit(project, DS, f"role: post-change, batch: {lot}", f"role: pre-change, batch: {lot}")
    found = only([d for d in diagnostics(project) if d.severity == "error"], "E2532")[0]
    assert "no post-change lot" in found.message and found.field == f"{STUDY}.lots"


def test_the_drug_product_states_its_own_comparability_in_3_2_p_2_in_chinese_for_nmpa(project):
    edit(project, DP, "    composition:\n", """    comparability:
      - id: site-transfer
        change: 灌装场地转移
        pre_change: 场地1
        post_change: 场地2
        lots:
          - {id: old, role: pre-change, number: F-01}
          - {id: new, role: post-change, batch: p-001}
        attributes:
          - {id: sec, test: sec, range: NLT 98.0 %, results: {old: 98.5 %}}
    composition:
""")
    document, _ = open_leaf(built(project, "nmpa"), "3.2.P.2")
    cells = rows(table_with(document, "质量属性"))
    assert cells[0][2:] == ["预先规定的可接受范围", "变更前：场地1", "变更后：场地2"]
    assert cells[2] == ["Purity (SEC) monomer", "AP-03", "NLT 98.0 %", "98.5 %", "98.7 %"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Testumab Injection was developed as a ready-to-use solution." in text
    assert "变更后全部1项结果（1批）均在预先规定的可接受范围内。" in text


def test_without_comparability_the_leaf_is_the_narrative_as_before():
    narrative, development = KINDS["narrative"], KINDS["process-development"]
    from builder.model import DrugSubstance
    from builder.scope import Scope
    from builder.views.base import DocContext

    owner = DrugSubstance(id="x", substance="x", manufacturer="m", narrative={"3.2.S.2.6": "One.\n\n- a\n- b"})
    scope = Scope(content=None, profile=None, substance=owner)
    before = [b.xml for b in narrative.blocks(scope, "3.2.S.2.6", DocContext(9000))]
    after = [b.xml for b in development.blocks(scope, "3.2.S.2.6", DocContext(9000))]
    assert before == after and development.present(scope, "3.2.S.2.6")
    assert not development.present(Scope(content=None, profile=None, substance=DrugSubstance(
        id="x", substance="x", manufacturer="m")), "3.2.S.2.6")
