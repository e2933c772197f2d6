"""Manufacture and characterisation of biologics and ATMPs as data: cell banks, starting materials and
critical reagents (3.2.S.2.3), process parameters, IPCs and hold times (3.2.S.2.2, 3.2.P.3.3),
characterisation rows (3.2.S.3.1), potency linked to the mechanism of action (3.2.S.4.1, 3.2.P.5.1),
storage, shipping and in-use handling (3.2.S.2.5, 3.2.P.3.5, 3.2.S.7.1, 3.2.P.8.1), facility areas
(3.2.A.1); their positioned errors and the checks process-parameter-ranges and potency-mechanism.

The test product `tests/data/manufacture` (an AAV9 vector and its frozen suspension) is built in a
temporary project with the shipped templates, and the documents are opened to read their tables.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from builder.errors import Diagnostics, DossierError
from builder.modality import available_modalities
from builder.pipeline import build, prepare
from builder.project import Project

from conftest import REPO, prepare_text

DATA = REPO / "tests" / "data" / "manufacture"
DS = "content/avx/core/drug-substance.yaml"
DP = "content/avx/core/drug-product.yaml"
PRODUCT = "content/avx/core/product.yaml"


def make_project(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(DATA, root / "content" / "avx")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("avx"))
    build(root)
    return root


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


def manifest(root: Path, region: str) -> dict:
    return json.loads((root / "output/avx" / region / "manifest.json").read_text())


def open_leaf(root: Path, region: str, number: str):
    leaf = next(leaf for leaf in manifest(root, region)["leaves"] if leaf["number"] == number)
    return docx.Document(root / "output/avx" / region / leaf["path"])


def tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def captions(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Caption"]


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace text once in a content file; the 1-based line of the replacement."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def diagnostics(root: Path, region: str = "fda") -> list:
    diags = Diagnostics()
    try:
        prepare(Project(root), ["avx"], [region], diags=diags)
    except DossierError:
        pass
    return diags.items


def coded(items, code: str) -> list:
    found = [d for d in items if d.code == code]
    assert found, [str(d) for d in items]
    return found


# ---------------------------------------------------------------- the documents

def test_the_test_product_builds_with_no_findings(built):
    """No cross-section finding; the NMPA overlay translates only the records these tests read, so the
    localisation check's W2350 (English left in content, tests/test_nmpa_localisation.py) is expected."""
    for region in ("fda", "ema", "nmpa"):
        findings = json.loads((built / "output/avx" / region / "findings.json").read_text())["findings"]
        assert [f for f in findings if f["code"] != "W2350"] == []


def test_each_step_has_its_parameter_table_then_its_controls_then_its_hold_times(built):
    document = open_leaf(built, "fda", "3.2.S.2.2")
    assert captions(document)[:3] == [
        "Table 1: Process parameters: Cell expansion and triple transfection",
        "Table 2: In-process controls: Cell expansion and triple transfection",
        "Table 3: Hold times: Cell expansion and triple transfection"]
    parameters, controls, holds = tables(document)[:3]
    assert parameters[0] == ["Parameter", "Set point", "Range", "Criticality"]
    assert parameters[1] == ["Culture temperature (°C)", "37.0", "36.5–37.5", "Critical (CPP)"]
    assert parameters[4] == ["Agitation", "120 rpm", "110 rpm to 130 rpm", "Non-critical"]
    assert controls[0] == ["Control", "Acceptance criterion", "Action limit", "Use of result"]
    assert controls[2] == ["Bioburden of the harvest", "NMT 10 CFU/10 mL", "1 CFU/10 mL", "Acceptance"]
    assert controls[3][2:] == ["–", "For information"]
    assert holds == [["Material held", "Maximum time", "Hold condition"], ["Crude harvest", "24 h", "2 °C to 8 °C"]]
    assert "Table 5: Hold times: Affinity capture" in captions(document)  # a step without controls: no IPC table


def test_controls_without_action_limits_or_tests_for_information_keep_two_columns(built):
    controls = tables(open_leaf(built, "fda", "3.2.P.3.3"))[1]
    assert controls == [["Control", "Acceptance criterion"], ["Pre-filtration bioburden", "NMT 10 CFU/100 mL"],
                        ["Filter integrity after use", "Conforms"]]


def test_control_of_materials_lists_banks_their_testing_starting_materials_and_reagents(built):
    document = open_leaf(built, "fda", "3.2.S.2.3")
    assert captions(document) == [
        "Table 1: Cell banks and virus seeds", "Table 2: Testing of HEK293 MCB 001", "Table 3: Testing of HEK293 WCB 001",
        "Table 4: Testing of HEK293 end-of-production cells", "Table 5: Testing of E. coli MCB for pAAV-CAG-hAADC",
        "Table 6: Plasmids", "Table 7: Critical reagents"]
    banks, mcb_tests = tables(document)[:2]
    assert banks[0] == ["Bank", "Type", "Cell line and origin", "Passage", "Date prepared", "Storage"]
    assert banks[1][:2] == ["HEK293 MCB 001\nLot: MCB-HEK-001", "Master cell bank (MCB)"]
    assert banks[2][2] == "HEK293 (suspension-adapted)\nDerived from: HEK293 MCB 001"
    assert banks[3][1:] == ["End-of-production cells (EOPC)", "HEK293 (suspension-adapted)\nDerived from: HEK293 WCB 001",
                            "P45 (beyond the limit of in vitro cell age)", "–", "–"]
    assert mcb_tests[2] == ["Mycoplasma", "Ph. Eur. 2.6.7 (culture and indicator cell)", "Not detected"]
    plasmids, reagents = tables(document)[5:]
    assert plasmids[1][2] == "Example Plasmids LLC, Fargo (ND), USA\nCell bank: E. coli MCB for pAAV-CAG-hAADC"
    assert plasmids[2][4] == "Bacterial (E. coli), animal-origin-free media"
    assert reagents[1] == ["Polyethylenimine (PEI MAX)", "Transfection reagent\nTriple transfection",
                           "Example Polymers Inc.", "GMP grade; supplier CoA", "Synthetic\nNot of biological origin"]


def test_characterisation_rows_are_grouped_under_their_category(built):
    document = open_leaf(built, "fda", "3.2.S.3.1")
    assert document.paragraphs[2].text == "The vector was characterised on the three PPQ lots with orthogonal methods."
    rows = tables(document)[0]
    assert rows[0] == ["Attribute", "Method", "Result"]
    assert rows[1] == ["Capsid proteins"] * 3  # one cell spanning the three columns
    assert rows[2] == ["VP1:VP2:VP3 ratio", "CE-SDS (reduced)", "1:1.1:9.8 (three PPQ lots)"]
    assert [r[0] for r in rows].index("Capsid content") == 4


def test_the_specification_states_what_its_potency_test_reflects(built):
    for number in ("3.2.S.4.1", "3.2.P.5.1"):
        document = open_leaf(built, "fda", number)
        assert captions(document)[1] == "Table 2: Potency assays and the mechanism of action they reflect"
        assert tables(document)[1][1] == ["Potency (relative AADC activity, cell-based)",
                                          "AADC enzyme activity (L-DOPA to dopamine) in HEK293 cells after transduction",
                                          "Quantitative"]


def test_shipping_is_in_process_validation_and_handling_under_the_stability_summary(built):
    shipping = tables(open_leaf(built, "fda", "3.2.P.3.5"))[0]
    assert shipping[0] == ["Route", "Shipping condition", "Shipper or packaging", "Maximum duration", "Qualification"]
    assert shipping[1][3:] == ["96 h", "Shipping qualification SQ-011"]
    document = open_leaf(built, "fda", "3.2.P.8.1")
    assert captions(document)[-1] == "Table 2: Storage, shipping and handling"
    handling = tables(document)[-1]
    assert [row[0] for row in handling] == ["Stage", "Storage", "Shipping: Fill-finish site to distribution centre",
                                            "Thaw", "Hold after thaw (vial)", "In the administration syringe"]
    assert handling[1] == ["Storage", "≤ −60 °C", "6 months"]
    assert handling[4] == ["Hold after thaw (vial)", "2 °C to 8 °C\nDo not refreeze", "8 h"]
    assert tables(open_leaf(built, "fda", "3.2.S.2.5"))[0][1][0] == "Vector site to fill-finish suite"


def test_a_facility_has_its_narrative_site_and_areas(built):
    document = open_leaf(built, "fda", "3.2.A.1")
    texts = [p.text for p in document.paragraphs]
    assert "Manufacturing site: GTX Boston gene therapy plant, 100 Example Way, Boston, MA 02110, United States" in texts
    rows = tables(document)[0]
    assert rows[0] == ["Building / room", "Activities", "Classification", "Multi-product use", "Segregation and containment"]
    assert rows[1][3] == "Yes\nAAV products in campaigns, with validated changeover and cleaning"
    assert rows[2][3] == "No (dedicated)"


def test_nmpa_words_every_new_table_in_chinese(built):
    document = open_leaf(built, "nmpa", "3.2.S.2.2")
    assert captions(document)[0] == "表 1：工艺参数：细胞扩增及三质粒瞬时转染"  # step name from the nmpa overlay
    assert tables(document)[0][:2] == [["参数", "设定值", "范围", "关键性"], ["培养温度（°C）", "37.0", "36.5–37.5", "关键工艺参数 (CPP)"]]
    assert tables(document)[1][0] == ["控制项目", "可接受标准", "行动限", "结果用途"]
    assert tables(document)[1][3][3] == "仅供参考"
    materials = open_leaf(built, "nmpa", "3.2.S.2.3")
    assert captions(materials)[0] == "表 1：细胞库及病毒种子批" and tables(materials)[0][1][1] == "主细胞库 (MCB)"
    assert tables(open_leaf(built, "nmpa", "3.2.P.8.1"))[-1][0] == ["环节", "条件", "最长时间"]
    assert tables(open_leaf(built, "nmpa", "3.2.A.1"))[0][2][3] == "否（专用）"
    assert tables(open_leaf(built, "nmpa", "3.2.S.3.1"))[0][0] == ["项目", "方法", "结果"]
    assert tables(open_leaf(built, "nmpa", "3.2.S.4.1"))[1][1][2] == "定量"


def test_the_new_leaves_pass_openxml_audit(built):
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    validator = OpenXmlValidator()
    numbers = {"3.2.S.2.2", "3.2.S.2.3", "3.2.S.2.5", "3.2.S.3.1", "3.2.S.4.1", "3.2.S.7.1", "3.2.P.3.3", "3.2.P.3.5",
               "3.2.P.8.1", "3.2.A.1"}
    for region in ("fda", "nmpa"):
        for leaf in (lf for lf in manifest(built, region)["leaves"] if lf["number"] in numbers):
            result = validator.validate(built / "output/avx" / region / leaf["path"])
            errors = [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]
            assert not errors, (leaf["path"], errors[:3])


def test_libreoffice_converts_the_new_leaves_to_pdf(built, tmp_path, soffice):
    sample = []
    for region in ("fda", "nmpa"):
        for number in ("3.2.S.2.2", "3.2.S.2.3", "3.2.S.3.1", "3.2.P.8.1", "3.2.A.1"):
            leaf = next(lf for lf in manifest(built, region)["leaves"] if lf["number"] == number)
            target = tmp_path / f"{region}-{number.replace('.', '-')}.docx"
            shutil.copy(built / "output/avx" / region / leaf["path"], target)
            sample.append(target)
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *map(str, sample)], check=True, capture_output=True, timeout=300)
    for docx_file in sample:
        pdf = tmp_path / "pdf" / (docx_file.stem + ".pdf")
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000, pdf.name


def test_provenance_maps_the_new_values_to_their_leaves(built):
    from builder.provenance import renders

    dossier = prepare(Project(built), ["avx"], ["fda"])[0]
    by_number = {leaf.number: leaf for leaf in dossier.leaves}
    ds, dp = "drug_substances[avx-ds]", "drug_products[avx-dp]"
    assert renders(by_number["3.2.S.2.3"], f"{ds}.cell_banks[hek-mcb].tests[sterility].result")
    assert renders(by_number["3.2.S.2.3"], f"{ds}.critical_reagents[pei].grade")
    assert renders(by_number["3.2.S.2.2"], f"{ds}.process[upstream].parameters[temperature].range")
    assert renders(by_number["3.2.S.3.1"], f"{ds}.characterisation[vp-ratio].result")
    assert renders(by_number["3.2.P.3.5"], f"{dp}.handling.shipping[dp-dry-ice].maximum")
    assert not renders(by_number["3.2.P.3.5"], f"{dp}.handling.in_use[thaw].maximum")
    assert renders(by_number["3.2.P.8.1"], f"{dp}.handling.in_use[thaw].maximum")
    assert renders(by_number["3.2.A.1"], "appendices.facilities[boston-plant].areas[suite-1].classification")


# ---------------------------------------------------------------- nothing changes without the new records

def test_leaves_without_the_new_records_render_as_their_narrative_did():
    """The new kinds of 3.2.S.2.5, 3.2.S.3.1, 3.2.P.3.5 and 3.2.A.1 give exactly the narrative blocks."""
    from builder.views import KINDS
    from builder.views.base import DocContext

    core = """
    product: {id: p, name: P, inn: p, modality: small-molecule, sponsor: S, as_of: 2026-01-01, regions: [fda]}
    drug_substances:
      - id: api
        substance: api
        manufacturer: Acme
        narrative: {3.2.S.2.5: "Validated on **three** batches.", 3.2.S.3.1: "1. NMR\\n2. MS"}
    drug_products:
      - id: p-fct
        name: P
        dosage_form: tablet
        strengths: [{id: s10, label: 10 mg, unit_weight: 100 mg}]
        narrative: {3.2.P.3.5: Validated.}
    appendices:
      facilities: [{id: plant, title: Plant, narrative: "- one\\n- two"}]
    """
    _, leaves, _ = prepare_text(core)
    legacy = {"process-validation": "narrative", "characterisation": "narrative", "facility": "appendix-item"}
    seen = set()
    for leaf in leaves:
        if leaf.kind in legacy:
            new = KINDS[leaf.kind].blocks(leaf.scope, leaf.number, DocContext(9000))
            old = KINDS[legacy[leaf.kind]].blocks(leaf.scope, leaf.number, DocContext(9000))
            assert [b.xml for b in new] == [b.xml for b in old] and new, leaf.number
            seen.add(leaf.number)
    assert seen == {"3.2.S.2.5", "3.2.S.3.1", "3.2.P.3.5", "3.2.A.1"}


# ---------------------------------------------------------------- positioned errors

BAD = """
product: {id: p, name: P, inn: p, modality: biologic, sponsor: S, as_of: 2026-01-01, regions: [fda]}
sites: [{id: plant, name: Plant, address: 1 Way, country: US}]
drug_substances:
  - id: mab
    substance: mab
    manufacturer: Acme
    cell_banks:
      - {id: wcb, name: WCB 1, type: wcb, cell_line: CHO-K1, derived_from: mcb}
      - {id: x, name: X, type: master, cell_line: CHO-K1}
    starting_materials:
      - {id: p1, type: plasmid, name: p1, source: S, grade: G, bank: ecoli}
    process:
      - id: s1
        name: Culture
        description: Fed-batch culture.
        parameters:
          - {id: t, name: Temperature, criticality: critical}
          - {id: ph, name: pH, target: "7.0", criticality: cpp}
drug_products: []
appendices:
  facilities:
    - {id: f1, title: Plant, site: nowhere}
    - {id: f2, title: Other, narrative: text, areas: [{id: a, building: B, activities: fill}]}
"""


def line_of(text: str, needle: str) -> int:
    lines = text.split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_bad_records_are_errors_at_their_lines():
    _, _, diags = prepare_text(BAD)
    found = {(d.code, d.origin.line, d.field) for d in diags.errors}
    ds = "drug_substances[mab]"
    assert ("E2209", line_of(BAD, "type: master"), f"{ds}.cell_banks[x].type") in found
    assert ("E2209", line_of(BAD, "criticality: cpp"), f"{ds}.process[s1].parameters[ph].criticality") in found
    assert ("E2201", line_of(BAD, "areas: [{id: a"), "appendices.facilities[f2].areas[a]") in found  # classification


def test_cross_record_rules_of_the_new_records():
    text = BAD.replace("{id: x, name: X, type: master, cell_line: CHO-K1}", "{id: x, name: X, type: mcb, cell_line: CHO}")
    text = text.replace("criticality: cpp", "criticality: critical")
    text = text.replace(", areas: [{id: a, building: B, activities: fill}]", "")
    _, _, diags = prepare_text(text)
    found = {(d.code, d.origin.line, d.field) for d in diags.errors}
    ds = "drug_substances[mab]"
    assert ("E2508", line_of(text, "derived_from: mcb"), f"{ds}.cell_banks[wcb].derived_from") in found
    assert ("E2508", line_of(text, "bank: ecoli"), f"{ds}.starting_materials[p1].bank") in found
    assert any(d.message == "unknown cell bank 'mcb' (expected one of: x)" for d in diags.errors)
    assert ("E2551", line_of(text, "{id: t, name: Temperature"), "drug_substances[mab].process[s1].parameters[t]") in found
    assert ("E2552", line_of(text, "{id: f1, title: Plant"), "appendices.facilities[f1]") in found
    assert ("E2508", line_of(text, "site: nowhere"), "appendices.facilities[f1].site") in found
    assert not any(d.code == "E2551" and d.field.endswith("[ph]") for d in diags.errors)  # a target alone is enough


@pytest.mark.parametrize("old, new, field", [
    ("maximum: 24 h, condition: 2 °C to 8 °C}\n      - id: capture", "maximum: overnight, condition: 2 °C to 8 °C}\n"
     "      - id: capture", "drug_substances[avx-ds].process[upstream].hold_times[harvest].maximum"),
    ("maximum: 7 days", "maximum: 3 cycles", "drug_substances[avx-ds].process[capture].hold_times[eluate].maximum"),
    ("maximum: 72 h", "maximum: \"72\"", "drug_substances[avx-ds].handling.shipping[ds-dry-ice].maximum"),
    ("maximum: 8 h, note", "maximum: 8 mL, note", "drug_products[avx-dp].handling.in_use[post-thaw].maximum"),
    ("maximum: 96 h", "maximum: 0 h", "drug_products[avx-dp].handling.shipping[dp-dry-ice].maximum"),
    ("maximum: 60 min", "maximum: 30–60 min", "drug_products[avx-dp].handling.in_use[thaw].maximum"),
])
def test_a_maximum_time_that_is_not_a_time_is_an_error_at_its_line(project, old, new, field):
    rel = DP if field.startswith("drug_products") else DS
    line = edit(project, rel, old, new)
    error = next(d for d in coded(diagnostics(project), "E2621") if d.field == field)
    assert error.severity == "error" and error.origin.path == rel and error.origin.line == line


def test_an_in_use_step_may_count_freeze_thaw_cycles(project):
    edit(project, DP, "maximum: 4 h}", "maximum: 3 cycles}")
    assert not [d for d in diagnostics(project) if d.severity == "error"]


# ---------------------------------------------------------------- check process-parameter-ranges

def test_a_set_point_outside_its_range_is_an_error_at_its_line(project):
    line = edit(project, DS, 'target: "37.0", range: 36.5–37.5', 'target: "38.0", range: 36.5–37.5')
    finding = coded(diagnostics(project), "F4861")[0]
    assert finding.severity == "error" and (finding.origin.path, finding.origin.line) == (DS, line)
    assert finding.field == "drug_substances[avx-ds].process[upstream].parameters[temperature].target"
    assert "Culture temperature: set point 38.0 is outside its range 36.5–37.5" in finding.message
    with pytest.raises(DossierError):
        prepare(Project(project), ["avx"], ["fda"])


@pytest.mark.parametrize("target, range_, outside", [
    ("37.5", "36.5–37.5", False),            # the ends belong to the range
    ("37.5", "< 37.5", True),                # a strict limit excludes its end
    ("37.0 °C", "36.5–37.5", False),         # a bare range takes the set point's unit
    ("37.0", "36.5 °C to 37.5 °C", False),
    ("6.79", "NLT 6.8", True),
    ("7.3", "7.0 ± 0.2", True),
    ("0.5 bar", "400 mbar to 600 mbar", False),   # converted exactly
    ("0.7 bar", "400 mbar to 600 mbar", True),
])
def test_set_points_are_compared_exactly_with_their_range(project, target, range_, outside):
    edit(project, DS, 'target: "37.0", range: 36.5–37.5', f'target: "{target}", range: "{range_}"')
    found = [d for d in diagnostics(project) if d.code in ("F4861", "F4862")]
    assert [d.code for d in found] == (["F4861"] if outside else []), [str(d) for d in found]


@pytest.mark.parametrize("target, range_, name", [
    ("37.0", "ambient", "range"),                       # not a range
    ("warm", "36.5–37.5", "target"),                    # not a quantity
    ("37.0 °C", "110 rpm to 130 rpm", "target"),        # units that cannot be compared
])
def test_a_range_or_set_point_that_cannot_be_compared_is_a_warning(project, target, range_, name):
    line = edit(project, DS, 'target: "37.0", range: 36.5–37.5', f'target: "{target}", range: "{range_}"')
    finding = coded(diagnostics(project), "F4862")[0]
    assert finding.severity == "warning" and finding.origin.line == line
    assert finding.field == f"drug_substances[avx-ds].process[upstream].parameters[temperature].{name}"


def test_an_overlay_range_is_checked_for_its_region_only(project):
    edit(project, "content/avx/nmpa.yaml", "{id: temperature, name: 培养温度}",
         "{id: temperature, name: 培养温度, range: 37.5–38.5}")
    finding = coded(diagnostics(project, "nmpa"), "F4861")[0]
    assert finding.origin.path == DS and "range 37.5–38.5 (content/avx/nmpa.yaml:" in finding.message
    assert not [d for d in diagnostics(project, "fda") if d.code == "F4861"]


# ---------------------------------------------------------------- check potency-mechanism

POTENCY_LINK = """          potency:
            mechanism: AADC enzyme activity (L-DOPA to dopamine) in HEK293 cells after transduction
            readout: quantitative
"""


def test_a_potency_test_without_its_mechanism_of_action_is_an_error(project):
    edit(project, DS, POTENCY_LINK, "")
    finding = coded(diagnostics(project), "F4871")[0]
    assert finding.severity == "error" and finding.field == "drug_substances[avx-ds].specification.tests[potency].potency"
    assert finding.origin.line == (DATA / "core/drug-substance.yaml").read_text().split("\n").index(
        "          test: Potency (relative AADC activity, cell-based)") + 1
    assert "Potency (relative AADC activity, cell-based)" in finding.message


def test_a_potency_criterion_that_is_not_quantitative_is_an_error(project):
    edit(project, DS, "          release: 70 % to 130 %\n", "          release: Report result\n")
    found = diagnostics(project)
    assert coded(found, "F4872")[0].field == "drug_substances[avx-ds].specification.tests"
    stated = coded(found, "F4873")[0]
    assert stated.field == "drug_substances[avx-ds].specification.tests[potency].potency.readout"
    assert not [d for d in found if d.code in ("F4872", "F4873") and d.field.startswith("drug_products")]


def test_an_upper_limit_alone_is_not_a_quantitative_potency_criterion(project):
    edit(project, DS, "          release: 70 % to 130 %\n", "          release: NMT 130 %\n")
    assert coded(diagnostics(project), "F4872")
    edit(project, DS, "          release: NMT 130 %\n", "          release: NLT 70 %\n")
    assert not [d for d in diagnostics(project) if d.code.startswith("F487")]


def test_a_qualitative_potency_test_beside_a_quantitative_one_is_accepted(project):
    edit(project, DS, POTENCY_LINK, POTENCY_LINK + "        - id: expression\n"
         "          test: Transgene expression (potency, western blot)\n          procedure: AP-05\n"
         "          release: Band at 53 kDa\n          potency: {mechanism: hAADC protein expression, readout: qualitative}\n")
    edit(project, DS, "results: {identity: Conforms, titre: 2.0 × 10^13 vg/mL, full: 78 %, potency: 98 %,",
         "results: {identity: Conforms, titre: 2.0 × 10^13 vg/mL, full: 78 %, potency: 98 %, expression: Conforms,")
    assert not [d for d in diagnostics(project) if d.code.startswith("F487")]


def test_potency_tests_are_found_by_the_modality_profile_words(project):
    """A test the profile's `potency` attribute names is a potency test even without `potency:`."""
    edit(project, DP, POTENCY_LINK, "")
    assert coded(diagnostics(project), "F4871")[0].field == "drug_products[avx-dp].specification.tests[potency].potency"


def test_every_biological_profile_selects_the_potency_and_parameter_checks(repo):
    from ruamel.yaml import YAML

    for name in available_modalities(repo / "templates"):
        modality = YAML(typ="safe").load((repo / "templates/modalities" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert "process-parameter-ranges" in modality["checks"], name
        assert ("potency-mechanism" in modality["checks"]) == (modality["product_type"] == "biological"), name
