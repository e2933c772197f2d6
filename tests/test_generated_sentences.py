"""Generated text is true (issue 15 item 2): every sentence the builder writes comes from data that
exists. Each case takes the supporting data away (or changes it) and sees the sentence change or
disappear; a last test keeps the list complete: every sentence label of the common profile is either
proven here or names the test file that proves it.

Cases read the text the pipeline builds for each leaf (the same blocks `invoke build` writes); the
rendered documents are opened by test_build_example.py and the per-region label tests.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.errors import Diagnostics, DossierError
from builder.pipeline import prepare
from builder.project import Project
from ruamel.yaml import YAML
from conftest import REPO, only_example

DS = "content/examplinib/core/drug-substance.yaml"
DP = "content/examplinib/core/drug-product.yaml"
PRODUCT = "content/examplinib/core/product.yaml"
DS_STAB = "32s7-stab/stability-summary.docx"
EXCIPIENT = "32p4-contr-excip/microcrystalline-cellulose/specifications.docx"
COMPOSITION = "32p1-desc-comp/description-and-composition.docx"
FORMULA = "32p3-manuf/batch-formula.docx"
IMPURITIES = "32s3-charac/impurities.docx"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sentences") / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture
def project(pristine, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(pristine, root)
    return root


def texts(root: Path, region: str = "fda") -> tuple[dict[str, str], list]:
    """Leaf path suffix → everything the leaf prints, one unit per line; and the diagnostics."""
    diags = Diagnostics()
    try:
        dossier = prepare(Project(root), ["examplinib"], [region], diags=diags)[0]
    except DossierError as exc:  # a case must stay buildable: its sentence is the point, not an error
        raise AssertionError("\n".join(str(d) for d in exc.diagnostics)) from exc
    return {path: "\n".join(units) for path, units in dossier.texts.items()}, diags.items


def leaf(all_texts: dict[str, str], suffix: str) -> str:
    found = [text for path, text in all_texts.items() if path.endswith(suffix)]
    assert len(found) == 1, suffix
    return found[0]


def rewrite(root: Path, rel: str, func) -> None:
    path = root / rel
    before = path.read_text(encoding="utf-8")
    after = func(before)
    assert after != before, f"the case no longer applies to {rel}"
    path.write_text(after, encoding="utf-8")


def replace(old: str, new: str, count: int = 1):
    return lambda text: text.replace(old, new, count)


def in_study(study: str, old: str, new: str):
    """Replace within one stability study's lines only (from its `- id:` to the next one)."""
    def edit(text: str) -> str:
        start = text.index(f"- id: {study}\n")
        end = text.find("        - id: ", start + 1)
        end = len(text) if end < 0 else end
        return text[:start] + re.sub(old, new, text[start:end]) + text[end:]
    return edit


# --------------------------------------------------------------------------------- stability

def test_data_available_states_the_batch_with_least_data(project):
    before = leaf(texts(project)[0], DS_STAB)
    assert "Long-term data are available for up to 18 months on every batch." in before
    rewrite(project, DS, in_study("ds-lt-exm2502001", r", ([^,\]\n]+), –\]", ", –, –]"))  # its 18-month pull not yet tested
    after = leaf(texts(project)[0], DS_STAB)
    assert "Long-term data are available for up to 12 months on every batch." in after
    assert "up to 18 months" not in after


def test_the_q1e_ceiling_follows_the_data(project):
    assert "these data support a proposed period of up to 30 months; 36 months is proposed." in \
        leaf(texts(project)[0], DS_STAB)
    rewrite(project, DS, in_study("ds-lt-exm2502001", r", ([^,\]\n]+), –\]", ", –, –]"))
    after = leaf(texts(project)[0], DS_STAB)
    assert "support a proposed period of up to 24 months; 36 months is proposed." in after


def test_no_accelerated_sentence_without_an_accelerated_study(project):
    assert "No significant change was observed at the accelerated condition." in leaf(texts(project)[0], DS_STAB)
    rewrite(project, DS, replace("          type: accelerated\n", "          type: stress\n", 3))
    after = leaf(texts(project)[0], DS_STAB)
    assert "accelerated condition" not in after
    assert "Long-term data are available for up to 18 months on every batch." in after


def test_a_significant_change_at_accelerated_is_stated_and_the_ceiling_drops(project):
    rewrite(project, DS, in_study("ds-acc-exm2403001", r"assay: \[99\.6, 99\.3, 99\.1\]", "assay: [99.6, 99.3, 97.5]"))
    justify(project, "F4201", "drug_substances[examplinib-mesylate-acme].stability.studies[ds-acc-exm2403001].results.assay")
    after = leaf(texts(project)[0], DS_STAB)
    assert "A significant change was observed at the accelerated condition." in after
    assert "No significant change" not in after
    assert "up to 30 months" not in after


def justify(root: Path, code: str, path: str) -> None:
    """The writer's recorded justification of a finding (product.yaml `justifications:`), so the case builds."""
    rewrite(root, PRODUCT, replace("justifications:\n", f"justifications:\n  - id: j-test\n    code: {code}\n"
                                   f"    path: {path}\n    reason: Investigated; see the OOS report.\n"))


def test_no_conclusions_without_long_term_data(project):
    rewrite(project, DS, replace("          type: long-term\n", "          type: stress\n", 3))
    after = leaf(texts(project)[0], DS_STAB)
    assert "Long-term data" not in after and "ICH Q1E these data" not in after and "accelerated condition" not in after


def test_nmpa_states_the_same_conclusions_in_chinese(project):
    before = leaf(texts(project, "nmpa")[0], DS_STAB)
    assert "加速试验条件下未发生显著变化。" in before
    rewrite(project, DS, replace("          type: accelerated\n", "          type: stress\n", 3))
    assert "加速试验条件下" not in leaf(texts(project, "nmpa")[0], DS_STAB)


# --------------------------------------------------------------------------------- excipients

def test_the_compendial_statement_only_for_a_compendial_excipient(project):
    before = leaf(texts(project)[0], EXCIPIENT)
    assert "Microcrystalline cellulose complies with the current USP–NF monograph" in before
    rewrite(project, DP, replace("        function: Diluent, dry binder\n        standard: compendial\n        narrative:",
                                 "        function: Diluent, dry binder\n        standard: In-house standard IHS-12\n"
                                 "        narrative:"))
    after, diags = texts(project)
    text = leaf(after, EXCIPIENT)
    assert "monograph; it is tested" not in text
    assert "Microcrystalline cellulose is tested according to In-house standard IHS-12." in text
    warning = next(d for d in diags if d.code == "W2516")
    assert warning.origin.path == DP and "microcrystalline-cellulose" in warning.message


def test_the_compendial_statement_names_each_regions_pharmacopoeia(project):
    assert "complies with the current Ph. Eur. monograph" in leaf(texts(project, "ema")[0], EXCIPIENT)
    assert "符合现行版中国药典 (ChP)相应品种项下的规定" in leaf(texts(project, "nmpa")[0], EXCIPIENT)


# --------------------------------------------------------------------------------- composition

def test_the_overage_note_only_where_an_overage_is_stated(project):
    assert "Overage: Film-coating system" in leaf(texts(project)[0], COMPOSITION)
    rewrite(project, DP, lambda t: re.sub(r"\n        overage: [^\n]*", "", t, count=1))
    assert "Overage" not in leaf(texts(project)[0], COMPOSITION)


def test_the_removed_note_follows_the_removed_flag_and_the_total_leaves_the_row_out(project):
    before = leaf(texts(project)[0], COMPOSITION)
    assert "removed during manufacture" not in before
    water = ("      - id: purified-water\n        component: Purified water\n        function: Coating solvent\n"
             "        standard: compendial\n        removed: true\n        quantities: {50mg: 40.00, 100mg: 80.00}\n")
    rewrite(project, DP, replace("\n    batch_formula:\n", "\n" + water + "    batch_formula:\n"))
    after = leaf(texts(project)[0], COMPOSITION)
    assert "Purified water is removed during manufacture and is not part of the total." in after
    assert before.count("250.00") == after.count("250.00") == 1 and "290.00" not in after


def test_the_batch_formula_caption_states_the_batch_once_and_never_hides_the_real_size(project):
    before = leaf(texts(project)[0], FORMULA)
    caption = "Table 1: Batch formula: Commercial batch, 50 mg (600 000 film-coated tablets from 144.0 kg of final blend)"
    assert caption + "\n" in before
    rewrite(project, DP, replace("        units: 600000\n", "        units: 500000\n"))
    after = leaf(texts(project)[0], FORMULA)
    assert caption + " (500000 units)" in after   # the label no longer states the batch: the real size is added


# --------------------------------------------------------------------------------- thresholds

def test_the_threshold_table_follows_the_maximum_daily_dose(project):
    assert "Table 2: ICH thresholds for a maximum daily dose of 200 mg" in leaf(texts(project)[0], IMPURITIES)
    rewrite(project, PRODUCT, replace("max_daily_dose: 200 mg", "max_daily_dose: 150 mg"))
    after = leaf(texts(project)[0], IMPURITIES)
    assert "ICH thresholds for a maximum daily dose of 150 mg" in after and "thresholds for a maximum daily dose of 200" not in after


def test_no_threshold_table_without_a_maximum_daily_dose(project):
    rewrite(project, PRODUCT, lambda t: re.sub(r"\n  max_daily_dose: [^\n]*", "", t, count=1))
    assert "ICH thresholds" not in leaf(texts(project)[0], IMPURITIES)


# --------------------------------------------------------------------------------- completeness

# Sentence labels proven elsewhere, by the file that removes their data.
ELSEWHERE = {  # label → (test file, words of the sentence that file asserts after changing its data)
    "stability_time": ("test_q5c_stability.py", "up to 12 months on every batch"),
    "stability_real_time_shelf_life": ("test_q5c_stability.py", "based on real-time data at the storage condition"),
    "stability_real_time_retest_period": ("test_q5c_stability.py", "real-time"),
    "comparability_within": ("test_comparability.py", "post-change results (2 lots) are within"),
    "comparability_within_judged": ("test_comparability.py", "that could be judged (5 of 6)"),
    "comparability_outside": ("test_comparability.py", "Post-change results outside the pre-defined ranges (1)"),
    "comparability_pre_outside": ("test_comparability.py", "test_a_pre_change_result_outside_the_range"),
    "comparability_unchecked": ("test_comparability.py", "test_a_result_that_cannot_be_judged"),
    "clearance_note": ("test_safety.py", "greater than 2.0 log10"),
    "lot_chain": ("test_modality_roots.py", "Chain of identity of lot EXC-24-0012"),
    "comparability_protocol": ("test_comparability.py", "Comparability protocol CP-T-001 version 1.0, approved"),
    "comparability_results": ("test_comparability.py", "test_the_table_puts_pre_and_post_change_lots_side_by_side"),
    "master_file_dmf": ("test_master_files.py", "This information is provided in DMF Type II No. 012345"),
    "master_file_dmf_authorisation": ("test_master_files.py", "letter of authorization\" not in fda"),
    "master_file_cep": ("test_master_files.py", "Pharmacopoeia (CEP) R1-CEP 2015-123-Rev 02 held by"),
    "master_file_cep_copy": ("test_master_files.py", "\"a copy\" not in ema"),
    "master_file_asmf": ("test_master_files.py", "restricted part of the Active Substance Master File EMEA/ASMF/00123"),
    "master_file_asmf_authorisation": ("test_master_files.py", "a letter of access is provided in Module 1 (1.2, annex)"),
    "master_file_registration": ("test_master_files.py", "该原料药与本制剂关联审评。"),
    "master_file_registration_authorisation": ("test_master_files.py", "\"授权使用书\" not in nmpa"),
    "period_statement": ("test_nmpa_localisation.py", "有效期：36个月。贮藏：密封，不超过30 °C保存。"),
}
HERE = {"stability_months", "stability_ceiling", "stability_no_change", "stability_change", "compendial_statement",
        "excipient_tested_to", "removed_note", "thresholds", "overage", "batch_formula"}
NOT_SENTENCES = {"qs"}  # "q.s.": an abbreviation, not a statement
REPORTS = {"risk_intro", "risk_divergence_none", "readiness_score", "readiness_ready", "draft_note"}  # reports, not leaves: docs/risks.md and docs/readiness.md tests


def _labels() -> dict:
    return YAML(typ="safe").load((REPO / "templates/common/profile.yaml").read_text(encoding="utf-8"))["labels"]


def _sentences() -> set[str]:
    """Labels that make a statement: they end with a full stop, or fill data into words."""
    labels = _labels()
    return {key for key, text in labels.items()
            if str(text).rstrip().endswith((".", "。")) or re.search(r"\{\w+\}", str(text)) and len(str(text)) > 40}


def test_every_sentence_label_is_proven_by_a_test():
    unproven = _sentences() - HERE - set(ELSEWHERE) - REPORTS - NOT_SENTENCES
    assert not unproven, f"sentence labels with no test that removes their data: {sorted(unproven)}"
    tests = Path(__file__).parent
    for key, (file, words) in ELSEWHERE.items():
        assert words in (tests / file).read_text(encoding="utf-8"), f"{file} no longer checks the '{key}' sentence"
