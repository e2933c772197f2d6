"""Stability per modality: ICH Q5C for an AAV product (real-time data at ≤ −60 °C, freeze–thaw in
cycles, in-use and shipping in hours), the ICH Q1E storage case from data for small molecules, and
checks that run only where the profile selects them."""
from __future__ import annotations

import shutil

import pytest
from ruamel.yaml import YAML

from aav_project import DP, DS, S, SUMMARY, built, codes, diagnostics, edit, make, paragraphs, rows
from conftest import REPO, only_example

EXAMPLE_DP = "content/examplinib/core/drug-product.yaml"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = make(tmp_path_factory.mktemp("aav"))
    return {region: built(root, region) for region in ("fda", "nmpa")}


@pytest.fixture
def project(tmp_path):
    return make(tmp_path)


def test_the_aav_summary_states_the_real_time_basis_and_no_q1e_or_accelerated_sentence(outputs):
    text = " ".join(paragraphs(outputs["fda"] / SUMMARY))
    assert "Long-term data are available for up to 12 months on every batch." in text
    assert "The proposed expiration dating period is based on real-time data at the storage condition" in text
    for absent in ("accelerated", "Q1E", "significant change", "extrapolation of"):
        assert absent not in text, absent
    chinese = " ".join(paragraphs(outputs["nmpa"] / SUMMARY))
    assert "拟定有效期依据贮藏条件下的实时稳定性数据确定，未进行外推。" in chinese
    assert "加速" not in chinese and "Q1E" not in chinese and "based on" not in chinese


def test_supportive_studies_are_listed_in_their_own_time_units(outputs):
    table = rows(outputs["fda"] / SUMMARY)
    assert table[0][-1] == "Time points"
    studies = {(r[1], r[-1]) for r in table[1:]}
    assert studies == {("long-term", "0–12 months"), ("freeze–thaw", "0–5 cycles"), ("in-use", "0–24 h"),
                       ("shipping", "0–72 h")}
    chinese = {(r[1], r[-1]) for r in rows(outputs["nmpa"] / SUMMARY)[1:]}
    assert ("冻融试验", "0–5 次冻融") in chinese and ("运输稳定性试验", "0–72 小时") in chinese
    data = rows(outputs["fda"] / f"{S}/32s7-stab/stability-data.docx", 2)   # the drug substance's freeze–thaw study
    assert data[0][2] == "Time point (cycles)" and data[1][2:] == ["0", "1", "3"]


def test_frozen_conditions_are_free_text_and_no_zone_or_q1e_check_runs(project):
    found = codes(project)
    assert not found, [str(f) for f in found]   # ≤ −60 °C is no zone II condition, and F4203 is not selected
    assert all(d.severity != "error" for d in diagnostics(project))


def test_a_shelf_life_beyond_the_real_time_data_is_a_warning_at_its_line(project):
    line = edit(project, DP, "      period: 12 months\n      storage: Store at or below −60 °C. After",
                "      period: 24 months\n      storage: Store at or below −60 °C. After")
    finding = [f for f in codes(project) if f.code == "F4304"]
    assert len(finding) == 1 and finding[0].severity == "warning"
    assert (finding[0].origin.path, finding[0].origin.line) == (DP, line)
    assert finding[0].field == "drug_products[testavec-vial].stability.period"
    assert "24 months" in finding[0].message and "12 months on every batch" in finding[0].message
    assert "batch" in finding[0].message and not any(f.code in ("F4301", "F4202") for f in codes(project))


def test_the_batch_with_least_real_time_data_is_named(project):
    edit(project, DP, "            potency: [102 %, 100 %, 101 %, 99 %, 100 %]",
         "            potency: [102 %, 100 %, 101 %, –, –]")
    edit(project, DP, "            titre: [2.1 × 10^13 vg/mL, 2.1 × 10^13 vg/mL, 2.0 × 10^13 vg/mL, 2.1 × 10^13 vg/mL, "
                      "2.0 × 10^13 vg/mL]",
         "            titre: [2.1 × 10^13 vg/mL, 2.1 × 10^13 vg/mL, 2.0 × 10^13 vg/mL, –, –]")
    finding = [f for f in codes(project) if f.code == "F4304"]
    assert finding and "6 months on every batch (batch DP-002 has the least)" in finding[0].message


def test_no_real_time_sentence_when_the_data_do_not_cover_the_period(project):
    edit(project, DP, "      period: 12 months\n      storage: Store at or below −60 °C. After",
         "      period: 18 months\n      storage: Store at or below −60 °C. After")
    text = " ".join(paragraphs(built(project, "fda") / SUMMARY))
    assert "up to 12 months on every batch" in text and "real-time" not in text and "Q1E" not in text


def test_a_missing_supporting_study_is_a_warning_for_the_programme_it_applies_to(project):
    text = (project / DP).read_text(encoding="utf-8")
    (project / DP).write_text(text[: text.index("        - id: sh-dp-1")], encoding="utf-8")
    line = text[: text.index("        - id: lt-dp-1")].count("\n") + 1
    found = [f for f in codes(project) if f.code == "F4303"]
    assert [(f.field, f.severity, f.origin.line) for f in found] == [
        ("drug_products[testavec-vial].stability.studies[shipping]", "warning", line)]
    assert "shipping" in found[0].message and "AAV gene therapy" in found[0].message
    # the drug substance has no in-use or shipping study, and needs none (supporting_applies_to: drug_product)
    edit(project, DS, "          type: freeze-thaw", "          type: stress")
    found = [f.field for f in codes(project) if f.code == "F4303"]
    assert "drug_substances[aav9-bulk].stability.studies[freeze-thaw]" in found and len(found) == 2


def test_a_post_thaw_in_use_period_in_hours_is_compared_exactly(project):
    """A shelf life in hours against long-term data in months: 8766 h is 12 months, 8767 h is more."""
    edit(project, DP, "      period: 12 months\n      storage: Store", "      period: 8766 hours\n      storage: Store")
    assert not [f for f in codes(project) if f.code == "F4304"]
    edit(project, DP, "      period: 8766 hours", "      period: 8767 hours")
    assert [f.code for f in codes(project)] == ["F4304"]


def test_a_profile_cannot_select_q1e_where_it_extrapolates_nothing(project):
    profile = "templates/modalities/aav-gene-therapy.yaml"
    line = edit(project, profile, "  - real-time-shelf-life\n", "  - q1e-extrapolation\n")
    index = YAML(typ="safe").load((project / profile).read_text(encoding="utf-8"))["checks"].index("q1e-extrapolation")
    error = [d for d in diagnostics(project) if d.code == "E2316"]
    assert [(e.origin.path, e.origin.line, e.field) for e in error] == [(profile, line, f"checks[{index}]")]
    assert "extrapolation: q1e" in error[0].message and "says none" in error[0].message


# --- small molecules: the Q1E storage case is what the data state -----------------------------------

@pytest.fixture
def example(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    return tmp_path


def example_findings(root, region="fda"):
    from builder.errors import Diagnostics, DossierError
    from builder.pipeline import prepare
    from builder.project import Project

    diags = Diagnostics()
    try:
        prepare(Project(root), ["examplinib"], [region], diags=diags)
    except DossierError:
        pass
    return [d for d in diags.items if d.code.startswith("F43")]


def _conditions(root, old, new):
    path = root / EXAMPLE_DP
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_refrigerated_programme_gets_the_refrigerated_ceiling(example):
    _conditions(example, "condition: 25 °C ± 2 °C / 60 %RH ± 5 %RH", "condition: 5 °C ± 3 °C")
    found = [f for f in example_findings(example) if f.field.startswith("drug_products")]
    assert [f.code for f in found] == ["F4301"] and "ICH Q1E limit of 24 months" in found[0].message  # X = 18


def test_a_condition_the_profile_does_not_list_is_said_not_guessed(example):
    _conditions(example, "condition: 25 °C ± 2 °C / 60 %RH ± 5 %RH", "condition: 25 °C / 60 % RH")
    found = [f for f in example_findings(example) if f.field.startswith("drug_products")]
    assert [(f.code, f.severity) for f in found] == [("F4305", "warning")]
    assert "25 °C / 60 % RH" in found[0].message and "storage_case" in found[0].message
    _conditions(example, "      storage: Store below 30 °C. Store in the original package",
                "      storage_case: room-temperature\n      storage: Store below 30 °C. Store in the original package")
    found = [f for f in example_findings(example) if f.field.startswith("drug_products")]
    assert [f.code for f in found] == ["F4301"] and "limit of 30 months" in found[0].message


def test_a_stated_storage_case_wins_over_the_condition(example):
    _conditions(example, "      storage: Store below 30 °C. Store in the original package",
                "      storage_case: frozen\n      storage: Store below 30 °C. Store in the original package")
    found = [f for f in example_findings(example) if f.field.startswith("drug_products")]
    assert "ICH Q1E limit of 18 months" in found[0].message   # frozen: no extrapolation, Y = X


def test_nmpa_prints_the_aav_summary_in_chinese_only(outputs):
    generated = paragraphs(outputs["nmpa"] / SUMMARY)[2:]   # below the heading and the subject line
    assert generated[-1].endswith("12个月。贮藏：于−60 °C以下保存；解冻后于2 °C～8 °C条件下8小时内使用。")
    for text in generated:
        assert not any(word in text for word in ("Long-term", "proposed", "months", "Storage", "shelf")), text


def test_q1a_significant_change_is_not_applied_where_accelerated_data_are_only_supportive(project):
    """An AAV study at 25 °C that drifts: its out-of-specification result is found, but no Q1A(R2)
    significant change (F4202) is claimed, and the summary says nothing of an accelerated condition."""
    edit(project, DP, "          type: in-use\n          condition: 2 °C to 8 °C after thawing",
         "          type: accelerated\n          condition: 25 °C ± 2 °C")
    edit(project, DP, "            potency: [99 %, 99 %, 98 %, 97 %]", "            potency: [99 %, 90 %, 80 %, 60 %]")
    found = {f.code for f in codes(project)}
    assert "F4201" in found and not found & {"F4202", "F4203", "F4301"}
    text = " ".join(paragraphs(built_with_justification(project) / SUMMARY))
    assert "accelerated condition" not in text and "significant change" not in text


def built_with_justification(project):
    edit(project, "content/aavmini/core/product.yaml", "sites:\n", """justifications:
  - id: oos
    code: F4201
    path: drug_products[testavec-vial].stability.studies[iu-dp-1].results.potency
    reason: Supportive study at 25 °C; potency loss at 25 °C is expected.
sites:
""")
    return built(project, "fda")
