"""End to end: the second shipped example, an AAV9 gene therapy (content/examparvovec), built for FDA,
EMA and NMPA; the documents are opened and the key facts read back.

The assertions look rows and leaves up by what they say (a test name, a CTD number), never by position
or count, so they keep holding when records are added or reordered. Cell banks, starting materials,
critical reagents, process parameters and hold times, the dose, handling and facility areas are records
(no structured-facts notes are left in the product folder).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from builder.errors import Diagnostics
from builder.pipeline import build

from conftest import REPO

PRODUCT = "examparvovec"
REGIONS = ("fda", "ema", "nmpa")
DS_TITRE = "2.5–4.0 × 10¹³ vg/mL"
DP_TITRE = "1.6–2.4 × 10¹³ vg/mL"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The AAV product alone (with every region profile), built once for the three regions."""
    root = tmp_path_factory.mktemp("aav")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "content" / PRODUCT, root / "content" / PRODUCT)
    shutil.copytree(REPO / "content" / "platforms", root / "content" / "platforms")  # its process is the platform's
    diags = Diagnostics()
    build(root, [PRODUCT], None, False, diags)
    return root, diags


def manifest(root: Path, region: str) -> dict:
    return json.loads((root / "output" / PRODUCT / region / "manifest.json").read_text())


def leaf_paths(root: Path, region: str, number: str) -> list[Path]:
    return [root / "output" / PRODUCT / region / leaf["path"]
            for leaf in manifest(root, region)["leaves"] if leaf["number"] == number]


def open_leaf(root: Path, region: str, number: str):
    paths = leaf_paths(root, region, number)
    assert paths, f"no {number} leaf for {region}"
    return docx.Document(paths[0])


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def rows(document) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in document.tables for row in t.rows]


def row_with(document, first_cell: str) -> list[str]:
    found = [r for r in rows(document) if r and first_cell in r[0]]
    assert found, f"no row starting with {first_cell!r}"
    return found[0]


def test_builds_for_every_region_with_every_result_conforming(built):
    root, diags = built
    for region in REGIONS:
        assert manifest(root, region)["leaves"], region
        verdicts = json.loads((root / "output" / PRODUCT / region / "findings.json").read_text())["verdicts"]
        assert verdicts["out_of_specification"] == 0 and verdicts["unreadable"] == 0, (region, verdicts)
        assert verdicts["checked"] > 500, (region, verdicts)
    # no error and no warning: every finding left is one the example explains (justified)
    assert not diags.errors and not diags.warnings, [str(d) for d in diags.errors + diags.warnings]
    assert {d.severity for d in diags.items} <= {"justified", "info"}, sorted({d.severity for d in diags.items})
    assert any(d.code == "F4304" for d in diags.items)  # the 24 months rest on the Process A data, as said


@pytest.mark.parametrize("region, titre", [("fda", "Vector genome titer (ddPCR)"),
                                           ("ema", "Vector genome titre (ddPCR)"),
                                           ("nmpa", "载体基因组滴度（微滴数字PCR）")])
def test_specifications_state_the_titre_in_vector_genomes_per_ml(built, region, titre):
    root, _ = built
    ds = row_with(open_leaf(root, region, "3.2.S.4.1"), titre)
    dp = row_with(open_leaf(root, region, "3.2.P.5.1"), titre)
    if region == "nmpa":
        assert ds[-1] == "应为2.5～4.0×10¹³ vg/ml" and dp[-1] == "应为1.6～2.4×10¹³ vg/ml"
    else:
        assert ds[-1] == DS_TITRE and dp[-1] == DP_TITRE


def test_regional_compendia_and_terms(built):
    root, _ = built
    fda, ema, nmpa = (open_leaf(root, r, "3.2.P.5.1") for r in REGIONS)
    assert "USP <71>" in row_with(fda, "Sterility")[1]
    assert "Ph. Eur. 2.6.1" in row_with(ema, "Sterility")[1]
    assert "通则1101" in row_with(nmpa, "无菌检查")[1]
    assert row_with(nmpa, "无菌检查")[-1] == "应无菌生长"
    assert "finished product" in all_text(ema)
    assert "Expiration dating period: 24 months" in all_text(open_leaf(root, "fda", "3.2.P.8.1"))


def test_batch_analyses_show_process_a_and_process_b_lots(built):
    root, _ = built
    document = open_leaf(root, "fda", "3.2.S.4.4")
    header = rows(document)[0]
    assert {"SGA-2103", "SGA-2109", "SGA-2204", "SGB-2502", "SGB-2504", "SGB-2505"} <= set(header)
    scale = row_with(document, "Scale")
    assert any("Process A" in c for c in scale) and any("Process B" in c for c in scale)
    titre = row_with(document, "Vector genome titer")
    assert titre[1] == DS_TITRE and titre[header.index("SGB-2502")] == "3.1"
    rcaav = row_with(document, "Replication-competent AAV")
    assert rcaav[1] == "< 1 IU per 1.0 × 10⁸ vg"


def test_composition_is_stated_in_vector_genomes_per_ml_and_per_vial(built):
    root, _ = built
    for region, name in (("fda", "Sulfamigene examparvovec"), ("nmpa", "舒法米基因艾克帕沃韦克")):
        document = open_leaf(root, region, "3.2.P.1")
        row = row_with(document, name)
        assert "2.0 × 10¹³ vg/mL" in row, (region, row)
        assert any(c.replace("^14", "¹⁴") == "1.1 × 10¹⁴ vg" for c in row), (region, row)  # per 5.5 mL vial
        assert not any("w/w" in c for r in rows(document) for c in r), region  # a suspension has no % w/w


def test_comparability_and_viral_clearance_are_tabled_against_their_ranges(built):
    root, _ = built
    development = open_leaf(root, "fda", "3.2.S.2.6")
    hcp = row_with(development, "Residual host-cell protein")
    assert hcp[2].startswith("NMT 42 ng per 1.0 × 10¹³ vg") and hcp[-3:] == ["12", "9", "14"]
    assert row_with(development, "In vivo potency")[-1] == "68 %"
    safety = open_leaf(root, "fda", "3.2.A.2")
    overall = [r for r in rows(safety) if r and r[0].startswith("Overall")]
    assert overall and overall[0][1:] == ["≥ 17.7", "≥ 16.6", "≥ 10.2", "4.6"]
    assert "(not claimed)" in row_with(safety, "Virus-retentive filtration")[-1]


def test_stability_is_q5c_frozen_real_time_with_freeze_thaw_and_in_use(built):
    root, _ = built
    labels = ("No significant change was observed at the accelerated condition",
              "A significant change was observed at the accelerated condition", "Under ICH Q1E",
              "加速试验条件下", "按ICH Q1E")
    for region in REGIONS:
        summary = all_text(open_leaf(root, region, "3.2.P.8.1"))
        assert "≤ −60 °C" in summary or "−60 °C及以下" in summary
        assert not any(label in summary for label in labels), region
        assert "Q1E" not in summary, region
    data = all_text(open_leaf(root, "fda", "3.2.P.8.3"))
    assert "Time point (cycles)" in data and "Time point (h)" in data and "Time point (months)" in data
    assert "考察时间 (次冻融)" in all_text(open_leaf(root, "nmpa", "3.2.P.8.3"))


def test_nmpa_documents_are_in_chinese(built):
    root, _ = built
    leaves = {leaf["number"]: leaf["title"] for leaf in manifest(root, "nmpa")["leaves"]}
    assert leaves["3.2.S.4.1"] == "质量标准" and leaves["3.2.P.8.1"] == "稳定性总结和结论"
    document = open_leaf(root, "nmpa", "3.2.S.4.1")
    assert document.paragraphs[0].text.startswith("3.2.S.4.1 质量标准")
    assert "舒法米基因艾克帕沃韦克注射液" in document.sections[0].header.paragraphs[0].text
    potency = row_with(document, "效价")
    assert potency[-1] == "应为50%～150%"
    assert sum(1 for n in manifest(root, "nmpa")["leaves"] if n["number"].startswith("3.2.R")) >= 6
    for number in ("3.2.S.2.6", "3.2.A.2", "3.2.P.2"):
        text = all_text(open_leaf(root, "nmpa", number))
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 200, number
        assert "Conforms" not in text and "No growth" not in text, number


def test_no_notes_are_left_in_the_product_folder():
    assert not list((REPO / "content" / PRODUCT).rglob("*.md"))


def test_cell_banks_plasmids_and_critical_reagents_are_tabled_in_3_2_s_2_3(built):
    root, _ = built
    document = open_leaf(root, "fda", "3.2.S.2.3")
    wcb = row_with(document, "HEK293 suspension working cell bank WCB-S01")
    assert "Working cell bank" in wcb[1] and "P56" in wcb
    assert "Derived from: HEK293 suspension master cell bank MCB-S01" in wcb[2]
    plasmid = next(r for r in rows(document) if r[0].startswith("pBWG-Rep2Cap9"))
    assert "PL2-W02" in plasmid[2] and "PL-002" in plasmid[3]  # the bacterial bank it is made from
    assert "RM-014" in row_with(document, "Linear polyethylenimine")[3]
    viabilities = [r[-1] for r in rows(document) if r and r[0] == "Viability after thaw"]
    assert sorted(viabilities) == ["94 %", "95 %"]  # MCB-S01 and WCB-S01
    chinese = open_leaf(root, "nmpa", "3.2.S.2.3")
    assert "工作细胞库" in row_with(chinese, "HEK293悬浮工作细胞库WCB-S01")[1]
    assert "Working cell bank" not in all_text(chinese) and "Transfection reagent" not in all_text(chinese)


@pytest.mark.parametrize("region, parameter, critical, held", [
    ("fda", "Viable cell density at transfection", "Critical (CPP)", "AEX pool"),
    ("nmpa", "转染时活细胞密度", "关键工艺参数 (CPP)", "阴离子交换收集液")])
def test_process_parameters_and_hold_times_in_3_2_s_2_2(built, region, parameter, critical, held):
    root, _ = built
    document = open_leaf(root, region, "3.2.S.2.2")
    row = row_with(document, parameter)
    assert row[1:] == ["2.5", "1.8–3.3", critical]  # set point inside its proven acceptable range
    assert row_with(document, held)[1] == "72 h"
    dp = open_leaf(root, region, "3.2.P.3.3")
    assert any(r[1:3] == ["5.54", "5.43–5.65"] for r in rows(dp))  # fill weight (g) of the 5.5 mL vial


def test_dose_and_vials_in_3_2_p_1(built):
    root, diags = built
    for region in REGIONS:
        document = open_leaf(root, region, "3.2.P.1")
        assert "3.0 × 10¹³ vg/kg" in all_text(document), region
        vial = [r for r in rows(document) if "1.0 × 10¹⁴ vg" in r]
        assert vial and vial[0][-1] == "9", (region, vial)  # 30 kg × 1.5 mL/kg / 5.0 mL extractable
    assert not [d for d in diags.items if d.code.startswith("F492")]  # dose-and-fill ran and found nothing


def test_handling_and_facility_areas(built):
    root, _ = built
    summary = open_leaf(root, "fda", "3.2.P.8.1")
    assert row_with(summary, "Hold after thaw")[-1] == "24 h"
    assert "°F" in row_with(summary, "Storage")[1]
    assert row_with(open_leaf(root, "nmpa", "3.2.P.8.1"), "解冻后放置")[-1] == "24 h"
    assert "120 h" in row_with(open_leaf(root, "fda", "3.2.P.3.5"), "Fill/finish site")
    building = row_with(open_leaf(root, "fda", "3.2.A.1"), "Building 4")
    assert "Grade C" in building[2] and building[3].startswith("Yes")
    assert "BSL-2" in row_with(open_leaf(root, "nmpa", "3.2.A.1"), "4号楼")[-1]


def test_characterisation_rows_in_3_2_s_3_1(built):
    root, _ = built
    for region, attribute, result in (("fda", "Capsid melting temperature", "76 °C"), ("nmpa", "衣壳熔解温度", "76 °C")):
        assert row_with(open_leaf(root, region, "3.2.S.3.1"), attribute)[-1] == result, region


def test_potency_states_its_mechanism(built):
    root, _ = built
    for region, name, readout in (("fda", "Potency", "Quantitative"), ("nmpa", "效价", "定量")):
        for number in ("3.2.S.4.1", "3.2.P.5.1"):
            mechanism = [r for r in rows(open_leaf(root, region, number)) if r[0].startswith(name) and "SGSH" in r[1]]
            assert mechanism and mechanism[0][-1] == readout, (region, number)


def test_openxml_audit_finds_no_errors_in_any_leaf(built):
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    root, _ = built
    validator = OpenXmlValidator()
    for region in REGIONS:
        for leaf in manifest(root, region)["leaves"]:
            result = validator.validate(root / "output" / PRODUCT / region / leaf["path"])
            errors = [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]
            assert not errors, (region, leaf["path"], errors[:3])


def test_libreoffice_renders_the_chinese_specification(built, tmp_path, soffice):
    import subprocess

    root, _ = built
    source = tmp_path / "nmpa-spec.docx"
    shutil.copy(leaf_paths(root, "nmpa", "3.2.S.4.1")[0], source)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "nmpa-spec.pdf"
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        assert "质量标准" in text and "载体基因组滴度" in text
