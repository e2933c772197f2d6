"""The joint regulatory risk register (issue 12, parts 1–2): the `risks:` records, their checks (F5xxx), each
made to fire by a small edit of a small AAV product (tests/data/aav-mini + tests/data/risks), and the
register documents `invoke risks` writes, opened and read back."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from builder.commands.risk_docs import write_registers
from builder.commands.risk_register import registers
from builder.errors import Diagnostics
from builder.pipeline import prepare
from builder.project import Project
from builder.risks import SET, UNKNOWN, UNSET, field_state

from conftest import REPO, edit, prepared_diagnostics

PRODUCT = "aavmini"
RISKS = f"content/{PRODUCT}/core/risks.yaml"
NMPA = f"content/{PRODUCT}/nmpa.yaml"


def make(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "tests/data/aav-mini", root / "content" / PRODUCT)
    shutil.copy(REPO / "tests/data/risks/risks.yaml", root / RISKS)
    with open(root / NMPA, "a", encoding="utf-8") as overlay:
        overlay.write((REPO / "tests/data/risks/nmpa.yaml").read_text(encoding="utf-8"))
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    return make(tmp_path / "p")


def found(root: Path, region: str = "fda", prefix: str = "F5") -> list:
    return [d for d in prepared_diagnostics(root, PRODUCT, region) if d.code.startswith(prefix)]


def content(root: Path, region: str):
    return prepare(Project(root), [PRODUCT], [region], diags=Diagnostics())[0].content


# --- the records -----------------------------------------------------------------------------------

def test_the_register_is_read_with_positions_and_merged_by_id(project):
    fda, nmpa = content(project, "fda"), content(project, "nmpa")
    assert [r.id for r in fda.risks] == ["potency", "shipping", "china-only"]
    potency = fda.risks[0]
    assert (potency.likelihood, potency.impact, potency.owner, potency.status) == ("3", "5", "both", "open")
    assert str(potency.where("likelihood")) == f"{RISKS}:8:17"
    assert nmpa.risks[0].likelihood == "4" and nmpa.risks[0].impact == "5"       # the overlay's, by id
    assert nmpa.risks[0].question.startswith("效价测定") and nmpa.risks[0].owner == "both"
    assert nmpa.risks[0].actions[0].due == "2026-09-30"                          # kept from the core


def test_the_example_register_is_clean():
    for region in ("fda", "ema", "nmpa"):
        assert [d for d in prepared_diagnostics(REPO, "examparvovec", region) if d.code.startswith("F5")] == []


def test_an_unknown_field_of_a_risk_is_a_content_error(project):
    line = edit(project, RISKS, "    owner: cdmo\n", "    owner: cdmo\n    likelyhood: \"2\"\n")
    errors = [d for d in prepared_diagnostics(project, PRODUCT) if d.code == "E2202"]
    assert errors and "did you mean 'likelihood'" in errors[0].message and errors[0].origin.line == line + 1


def test_field_state_reads_paths_as_check_prints_them(project):
    fda = content(project, "fda")
    assert field_state(fda, "drug_products[testavec-vial].specification.tests[potency].potency") == SET
    assert field_state(fda, "drug_products[testavec-vial].batches[dp-9]") == UNSET
    assert field_state(fda, "drug_products[testavec-vial].release_strategy") == UNSET
    assert field_state(fda, "drug_products[testavec-vial].narrative.3.2.P.2") == SET
    assert field_state(fda, "drug_products[testavec-vial].narrative.3.2.P.7") == UNSET
    assert field_state(fda, "drug_products[testavec-vial].specification.tests[potency].potncy") == UNKNOWN
    assert field_state(fda, "drug_prodcts[testavec-vial]") == UNKNOWN


# --- consistency (errors) --------------------------------------------------------------------------

def test_a_level_not_on_the_scale(project):
    line = edit(project, RISKS, 'likelihood: "2"\n    impact: "3"', 'likelihood: "7"\n    impact: "3"')
    (finding,) = found(project)
    assert (finding.code, finding.severity, finding.field) == ("F5001", "error", "risks[shipping].likelihood")
    assert "'7' is not a likelihood level (1, 2, 3, 4, 5)" in finding.message and finding.origin.line == line


def test_a_typed_score_and_band_are_recomputed(project):
    edit(project, RISKS, '    impact: "5"\n', '    impact: "5"\n    score: "12"\n    band: medium\n')
    codes = {(d.code, d.field): d.message for d in found(project)}
    assert "score 12 is typed, but the levels give 15" in codes[("F5003", "risks[potency].score")]
    assert "score 15 is high" in codes[("F5004", "risks[potency].band")]


def test_a_typed_score_that_matches_is_quiet(project):
    edit(project, RISKS, '    impact: "5"\n', '    impact: "5"\n    score: "15"\n    band: high\n')
    assert found(project) == []


def test_a_residual_above_the_initial_score(project):
    edit(project, RISKS, 'residual: {likelihood: "1", impact: "3"}', 'residual: {likelihood: "3", impact: "3"}')
    (finding,) = found(project)
    assert finding.code == "F5006" and "residual score 9 is above the initial score 6" in finding.message


def test_an_area_that_is_neither_a_section_nor_a_named_area(project):
    edit(project, RISKS, "area: supply", "area: 3.2.P.9")
    (finding,) = found(project)
    assert finding.code == "F5002" and finding.field == "risks[shipping].area" and "3.2.P.9" in finding.message


def test_links_to_no_field_no_section_and_no_region(project):
    edit(project, RISKS, 'fields: ["drug_products[testavec-vial].batches[dp-9]"]',
         'fields: ["drug_products[testavec-vial].batchez[dp-9]"]\n        sections: ["3.2.P.9.1"]')
    edit(project, RISKS, "regions: [nmpa]", "regions: [nmpa, pmda]")
    messages = sorted((d.code, d.field) for d in found(project, "nmpa"))
    assert messages == [("F5005", "risks[china-only].regions[1]"), ("F5005", "risks[potency].data_gaps[ppq-lot].fields"),
                        ("F5005", "risks[potency].data_gaps[ppq-lot].sections")]


# --- governance (warnings) -------------------------------------------------------------------------

def test_a_data_gap_the_content_has_filled(project):
    edit(project, RISKS, "drug_products[testavec-vial].batches[dp-9]", "drug_products[testavec-vial].batches[dp-2]")
    (finding,) = found(project)
    assert (finding.code, finding.severity, finding.field) == ("F5101", "warning", "risks[potency].data_gaps[ppq-lot]")
    assert "update the register" in finding.message


def test_a_gap_linked_to_a_built_section_is_filled_unless_it_holds_a_placeholder(project):
    edit(project, RISKS, 'fields: ["drug_products[testavec-vial].batches[dp-9]"]', 'sections: ["3.2.P.5.6"]')
    assert [d.code for d in found(project)] == ["F5101"]
    edit(project, f"content/{PRODUCT}/core/drug-product.yaml", "Criteria follow the drug substance.",
         "Criteria follow the drug substance. TODO justify the endotoxin limit.")
    assert found(project) == []


def test_a_gap_linked_to_a_section_the_region_does_not_build_is_open(project):
    edit(project, RISKS, 'fields: ["drug_products[testavec-vial].batches[dp-9]"]', 'sections: ["3.2.A.3"]')
    assert found(project) == []


def test_a_high_risk_without_fallback_or_dated_action(project):
    edit(project, RISKS, "    fallback: File with the enzyme assay and a commitment.\n", "")
    edit(project, RISKS, ", due: 2026-09-30}", "}")
    codes = sorted((d.code, d.field) for d in found(project))
    assert codes == [("F5102", "risks[potency].fallback"), ("F5103", "risks[potency].actions[validate].due")]


def test_a_high_risk_without_any_action(project):
    edit(project, RISKS, "      - {id: validate, action: Validate the potency assay, owner: cdmo, due: 2026-09-30}\n",
         "")
    edit(project, RISKS, "    actions:\n", "")
    assert [(d.code, d.field) for d in found(project)] == [("F5103", "risks[potency].actions")]


def test_a_medium_risk_needs_no_fallback(project):
    assert "fallback" not in (project / RISKS).read_text().split("id: shipping")[1].split("id: china-only")[0]
    assert found(project) == []


def test_a_review_date_before_the_dossier_date(project):
    line = edit(project, RISKS, "review: 2026-07-01", "review: 2026-05-31")    # as_of is 2026-06-01
    (finding,) = found(project)
    assert (finding.code, finding.severity, finding.origin.line) == ("F5104", "warning", line)
    assert "2026-05-31 has passed (the dossier is as of 2026-06-01)" in finding.message


def test_the_review_date_is_judged_against_as_of_not_the_clock(project):
    edit(project, f"content/{PRODUCT}/core/product.yaml", "as_of: 2026-06-01", "as_of: 2026-07-02")
    assert [d.code for d in found(project)] == ["F5104"]
    edit(project, f"content/{PRODUCT}/core/product.yaml", "as_of: 2026-07-02", "as_of: 2026-07-01")
    assert found(project) == []


def test_an_accepted_risk_carries_its_rationale(project):
    edit(project, RISKS, "    status: mitigated\n", "    status: accepted\n")
    (finding,) = found(project)
    assert (finding.code, finding.field) == ("F5105", "risks[shipping].rationale")
    edit(project, RISKS, "    status: accepted\n", "    status: accepted\n    rationale: Routes are short.\n")
    assert found(project) == []


def test_only_the_risks_of_the_region_are_checked(project):
    edit(project, RISKS, 'likelihood: "2"\n    impact: "4"', 'likelihood: "9"\n    impact: "4"')
    assert found(project, "fda") == []
    assert [d.code for d in found(project, "nmpa")] == ["F5001"]


# --- the documents ---------------------------------------------------------------------------------

def rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture
def written(project):
    paths = write_registers(registers(project, [PRODUCT]), project / "output")
    return project, paths


def test_the_register_documents_are_written_per_region(written):
    project, paths = written
    names = sorted(p.name for p in paths)
    assert names == [f"risk-register-{r}.{s}" for r in ("ema", "fda", "nmpa") for s in ("docx", "md")]
    assert all(p.parent == project / "output" / PRODUCT for p in paths)


def test_the_heat_map_places_each_risk_and_colours_its_band(written):
    project, _ = written
    document = docx.Document(project / "output" / PRODUCT / "risk-register-fda.docx")
    heat = document.tables[0]
    grid = rows(heat)
    assert grid[0] == ["Likelihood ↓  Impact →", "1 negligible", "2 minor", "3 moderate", "4 major (filing delayed)",
                       "5 critical (patient safety or approval at stake)"]
    assert [r[0] for r in grid[1:]] == ["5 almost certain", "4 likely", "3 possible", "2 unlikely", "1 rare"]
    assert grid[3][5] == "potency"          # likelihood 3 × impact 5
    assert grid[4][3] == "shipping"         # 2 × 3
    assert sum(cell != "" for row in grid[1:] for cell in row[1:]) == 2   # china-only is NMPA's only
    fills = {(r, c): heat.rows[r].cells[c]._tc.tcPr.xpath("./w:shd/@w:fill") for r in (1, 3, 5) for c in (1, 5)}
    assert fills[(3, 5)] == ["FFC7CE"] and fills[(5, 1)] == ["C6EFCE"] and fills[(1, 1)] == ["FFEB9C"]


def test_the_register_table_has_a_row_per_risk(written):
    project, _ = written
    document = docx.Document(project / "output" / PRODUCT / "risk-register-fda.docx")
    table = rows(document.tables[1])
    assert table[0] == ["ID", "Question", "CMC area", "Regions", "Likelihood", "Impact", "Score", "Band", "Owner",
                        "Status", "Review"]
    assert table[1] == ["potency", "Will the potency assay be validated by the PPQ lots?", "3.2.P.5.3", "all",
                        "3 possible", "5 critical (patient safety or approval at stake)", "15", "high",
                        "Sponsor and CDMO", "open", "2026-07-01"]
    assert table[2][:3] == ["shipping", "Do shipping studies cover the longest route?", "Supply"]
    assert len(table) == 3
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Score = Likelihood × Impact; bands: low 1–4; medium 5–12; high 13–25" in text
    assert document.sections[0].page_width > document.sections[0].page_height          # landscape template


def test_the_nmpa_register_is_in_chinese_and_shows_where_regions_differ(written):
    project, _ = written
    document = docx.Document(project / "output" / PRODUCT / "risk-register-nmpa.docx")
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0] == "联合监管风险登记表"
    assert "风险热图（可能性 × 影响；单元格内为风险编号）" in paragraphs
    heat, register = rows(document.tables[0]), rows(document.tables[1])
    assert heat[2][5] == "potency" and heat[0][1] == "1 可忽略"        # 4 × 5 in NMPA
    assert register[1][:2] == ["potency", "效价测定能否在 PPQ 批之前完成验证？"]
    assert register[1][6:10] == ["20", "高", "申办方和受托生产企业", "未关闭"]
    assert [r[0] for r in register[1:]] == ["potency", "shipping", "china-only"]
    differ = rows(document.tables[-1])
    assert differ[0] == ["编号", "项目", "美国FDA", "欧盟EMA", "中国NMPA"]
    assert ["potency", "可能性", "3 可能", "3 可能", "4 很可能"] in differ
    assert ["potency", "评分", "15", "15", "20"] in differ
    details = [rows(t) for t in document.tables[2:-1]]
    assert ["备选策略", "以酶活性测定申报并作出承诺。"] in details[0]
    assert ["措施", "• 验证效价测定方法 (受托生产企业; 截止 2026-09-30)"] in details[0]


def test_the_markdown_prints_the_same_tables(written):
    project, _ = written
    text = (project / "output" / PRODUCT / "risk-register-fda.md").read_text(encoding="utf-8")
    assert text.startswith("# Joint regulatory risk register\n")
    assert "| 3 possible |  |  |  |  | potency |" in text
    assert ("| potency | Will the potency assay be validated by the PPQ lots? | 3.2.P.5.3 | all | 3 possible | "
            "5 critical (patient safety or approval at stake) | 15 | high | Sponsor and CDMO | open | 2026-07-01 |") in text
    assert "| potency | Likelihood | 3 possible | 3 possible | 4 likely |" in text
    assert "| Data gaps | • Potency of a third PPQ lot (open: drug_products[testavec-vial].batches[dp-9]) |" in text


def test_the_documents_are_reproducible(written):
    project, paths = written
    before = {p: p.read_bytes() for p in paths}
    again = write_registers(registers(project, [PRODUCT]), project / "output")
    assert {p: p.read_bytes() for p in again} == before


def test_the_example_register_renders_for_each_region(tmp_path):
    found_registers = {r.region: r for r in registers(REPO, ["examparvovec"])}
    assert {k: len(v.rows) for k, v in found_registers.items()} == {"fda": 7, "ema": 8, "nmpa": 10}
    nmpa = found_registers["nmpa"]
    assert {d.risk for d in nmpa.divergences} == {"potency-assay", "comparability-a-b", "cryo-shipping"}
    from builder.commands.risk_docs import register_docx, register_markdown

    data = register_docx(nmpa)
    path = tmp_path / "nmpa.docx"
    path.write_bytes(data)
    register = rows(docx.Document(path).tables[1])
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in row[1]) for row in register[1:])   # every question in Chinese
    assert "| nifdc-testing |" in register_markdown(nmpa)


def test_a_product_without_risks_gets_no_register(project):
    (project / RISKS).unlink()
    (project / NMPA).write_text((project / NMPA).read_text(encoding="utf-8").split("\nrisks:")[0], encoding="utf-8")
    assert registers(project, [PRODUCT]) == []


def test_a_risk_left_in_english_in_a_chinese_region_is_said(project):
    edit(project, NMPA, "    question: 运输研究是否覆盖最长路线？\n", "")
    diags = Diagnostics()
    registers(project, [PRODUCT], ["nmpa"], diags)
    (warning,) = [d for d in diags.items if d.code == "W5201"]
    assert warning.field == "risks[shipping].question" and "Do shipping studies cover" in warning.message
    assert str(warning.origin).startswith(RISKS)
