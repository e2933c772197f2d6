"""Readiness per region (issue 12, part 3), computed from deliberately incomplete copies of a small AAV
product: exact counts and scores, the documents and JSON it writes, and the figures `invoke check` prints."""
from __future__ import annotations

import json
import subprocess
import sys

import docx
import pytest

from builder.commands.readiness import readiness, readiness_of
from builder.commands.readiness_docs import write_readiness
from builder.errors import Diagnostics
from builder.pipeline import prepare
from builder.project import Project

from conftest import REPO, edit
from test_risks import NMPA, PRODUCT, RISKS, make

DP = f"content/{PRODUCT}/core/drug-product.yaml"


@pytest.fixture
def project(tmp_path):
    return make(tmp_path / "p")


def one(root, region: str = "fda"):
    (found,) = readiness(root, [PRODUCT], [region])
    return found


def counts(found) -> dict:
    return {b.kind: b.count for b in found.blockers if b.count}


def incomplete(root):
    """A required leaf missing, placeholder text, a result that cannot be checked; the register has one open
    high risk already."""
    edit(root, DP, "      3.2.P.5.6: Criteria follow the drug substance.\n", "")
    edit(root, DP, "developed for frozen storage.", "developed for frozen storage. TODO add the robustness study.")
    edit(root, DP, "potency: 99 %", "potency: see report")
    return root


def test_a_complete_region_is_blocked_only_by_its_open_high_risk(project):
    found = one(project)
    assert counts(found) == {"open-high-risk": 1} and found.score == 95
    assert found.blockers[5].details == ["potency: Will the potency assay be validated by the PPQ lots?"]


def test_an_incomplete_region_gets_each_blocker_counted(project):
    found = one(incomplete(project))
    assert counts(found) == {"missing-leaf": 1, "placeholder": 1, "unchecked-result": 1, "open-high-risk": 1}
    assert found.score == 100 - 10 - 5 - 1 - 5 == 79
    by_kind = {b.kind: b for b in found.blockers}
    assert by_kind["missing-leaf"].details[0].startswith("E2402 3.2.P.5.6 Justification of Specification(s) has no content")
    assert by_kind["placeholder"].details == [
        "3.2.P.2 m3/32-body-data/32p-drug-prod/testavec-vial/32p2-pharm-dev/pharmaceutical-development.docx: 'TODO'"]
    assert by_kind["unchecked-result"].details[0].startswith("F4104 ")
    assert found.summary() == ("readiness 79/100 (1 missing-leaf, 1 placeholder, 1 unchecked-result, 1 open-high-risk; "
                               "master files: none cited)")


def test_closing_the_risk_and_filling_the_leaf_raise_the_score(project):
    incomplete(project)
    edit(project, RISKS, "    status: open\n    review: 2026-07-01", "    status: closed\n    review: 2026-07-01")
    edit(project, DP, "    narrative:\n", "    narrative:\n      3.2.P.5.6: Criteria follow the drug substance.\n")
    found = one(project)
    assert counts(found) == {"placeholder": 1, "unchecked-result": 1} and found.score == 94


def test_open_findings_are_counted_by_severity(project):
    edit(project, RISKS, "review: 2026-07-01", "review: 2026-05-01")             # F5104, a warning
    edit(project, RISKS, 'residual: {likelihood: "1", impact: "3"}', 'residual: {likelihood: "3", impact: "3"}')  # F5006
    found = one(project)
    assert counts(found) == {"open-error": 1, "open-warning": 1, "open-high-risk": 1}
    assert found.score == 100 - 5 - 1 - 5


def test_a_mitigated_risk_counts_by_its_residual(project):
    edit(project, RISKS, "    status: open\n    review: 2026-07-01",
         '    status: mitigated\n    residual: {likelihood: "3", impact: "5"}\n    review: 2026-07-01')
    assert counts(one(project)) == {"open-high-risk": 1}
    edit(project, RISKS, 'residual: {likelihood: "3", impact: "5"}', 'residual: {likelihood: "1", impact: "5"}')
    assert counts(one(project)) == {}


def test_a_missing_node_extension_is_a_regional_item(project):
    edit(project, NMPA, "  - id: other\n    title: 其他资料\n    narrative: 无。\n", "")
    found = one(project, "nmpa")
    assert found.blockers[6].kind == "regional-item" and found.blockers[6].count == 1
    assert "3.2.R.6其他" in found.blockers[6].details[0]


def test_english_only_text_in_a_chinese_region(project):
    before = one(project, "nmpa")
    edit(project, NMPA, "    narrative: 无。\n", "    narrative: Nothing further is provided for this section.\n")
    after = one(project, "nmpa")
    assert after.blockers[7].count == before.blockers[7].count + 1
    assert [d for d in after.blockers[7].details if d.startswith("3.2.R ")] == [
        "3.2.R m3/32-body-data/32r-reg-info/regional-information-other.docx: Nothing further is provided for this section."]
    assert not any("3.2.R" in d for d in before.blockers[7].details)    # the Chinese documents are not flagged
    assert one(project, "fda").blockers[7].count == 0                    # English regions are not scanned


def test_a_region_whose_content_does_not_validate_scores_zero(project):
    (project / f"content/{PRODUCT}/fda.yaml").write_text("product:\n  nmae: x\n", encoding="utf-8")
    found = {r.region: r for r in readiness(project, [PRODUCT])}
    assert found["fda"].assessed is False and found["fda"].score == 0
    assert "E2202" in found["fda"].blockers[0].details[0]
    assert found["ema"].assessed and found["ema"].score == 95


def test_check_prints_the_same_figures(project):
    incomplete(project)
    edit(project, DP, "    narrative:\n", "    narrative:\n      3.2.P.5.6: Criteria follow the drug substance.\n")
    dossiers = prepare(Project(project), [PRODUCT], ["fda", "nmpa"], diags=Diagnostics())
    by_pair = readiness_of(dossiers, project / "templates")
    for region in ("fda", "nmpa"):
        assert by_pair[(PRODUCT, region)].summary() == one(project, region).summary()


def test_the_reports_are_written_as_word_markdown_and_json(project):
    found = readiness(incomplete(project), [PRODUCT])
    paths = write_readiness(found, project)
    folder = project / "output" / PRODUCT
    assert sorted(p.name for p in paths) == sorted(f"readiness-{r}.{s}" for r in ("fda", "ema", "nmpa")
                                                   for s in ("json", "md", "docx"))
    data = json.loads((folder / "readiness-fda.json").read_text(encoding="utf-8"))
    assert data["score"] == 79 and data["master_files"] == 0
    assert {b["kind"]: b["count"] for b in data["blockers"]}["missing-leaf"] == 1
    text = (folder / "readiness-fda.md").read_text(encoding="utf-8")
    assert "**Readiness score: 79 of 100" in text and "| Required leaves missing | 1 | 10 |" in text
    assert "| Master-file references without their document | 0 | 10 |" in text
    document = docx.Document(folder / "readiness-nmpa.docx")
    assert document.paragraphs[0].text == "申报准备度"
    table = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["项目", "数量", "权重"] and table[1] == ["缺少的必需文件", "1", "10"]


def test_invoke_check_prints_readiness_for_the_example():
    result = subprocess.run([sys.executable, "-m", "invoke", "check", "--product", "examparvovec", "--region", "fda"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "examparvovec/fda: 87 leaves planned, no errors;" in result.stdout
    assert "; readiness 90/100 (2 open-high-risk; master files: none cited)" in result.stdout
