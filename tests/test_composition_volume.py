"""Composition per volume (3.2.P.1, 3.2.P.3.2) for products filled by volume: an AAV frozen
suspension in vials (vg per mL and per vial), cells in a bag, an mRNA-LNP with lipid molar ratios."""
from __future__ import annotations

import pytest

from aav_project import COMPOSITION, DP, FORMULA, built, codes, diagnostics, edit, make, paragraphs, rows

VECTOR = "quantities: {v5ml: 2.0 × 10^13 vg/mL}}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = make(tmp_path_factory.mktemp("aav"))
    return {region: built(root, region) for region in ("fda", "nmpa")}


@pytest.fixture
def project(tmp_path):
    return make(tmp_path)


def test_vg_composition_per_ml_and_per_vial_without_percent_w_w(outputs):
    table = rows(outputs["fda"] / COMPOSITION)
    assert table[0][3:] == ["1.0 × 10^14 vg per vial"] * 2
    assert table[1][3:] == ["Concentration", "Per container (5.0 mL)"]
    body = {r[0]: r[3:] for r in table[2:]}
    assert body["Onasemtestogene vector"] == ["2.0 × 10^13 vg/mL", "1.0 × 10¹⁴ vg"]
    assert body["Trometamol"] == ["2.42 mg/mL", "12.1 mg"]
    assert body["Sodium chloride"] == ["8.77 mg/mL", "43.9 mg"]          # 43.85 at the three figures typed
    assert body["Poloxamer 188"] == ["10 µg/mL", "0.050 mg"]              # typed per vial, computed per mL
    assert body["Water for injections"] == ["q.s. to 1 mL", "q.s. to 5.0 mL"]
    assert body["Total"] == ["1 mL", "5.0 mL"]
    cells = " ".join(c for r in table for c in r)
    assert "% w/w" not in cells and "0.0" not in cells.replace("0.050", "") and "mg per unit" not in cells


def test_batch_formula_in_containers_and_litres(outputs):
    document = outputs["fda"] / FORMULA
    assert "Batch formula: 1.0 × 10^14 vg per vial, Commercial batch (400 containers; 2.0 L)" in " ".join(
        paragraphs(document))
    table = rows(document)
    assert table[0] == ["Component", "Quality standard", "Per container (5.0 mL)", "Quantity per batch"]
    body = {r[0]: r[2:] for r in table[1:]}
    assert body["Onasemtestogene vector"] == ["1.0 × 10¹⁴ vg", "4.0 × 10¹⁶ vg"]
    assert body["Trometamol"] == ["12.1 mg", "4.84 g"]
    assert body["Sodium chloride"] == ["43.9 mg", "17.5 g"]
    assert body["Poloxamer 188"] == ["0.050 mg", "20 mg"]
    assert body["Water for injections"] == ["q.s. to 5.0 mL", "q.s. to 2.0 L"]
    assert "kg" not in " ".join(c for r in table for c in r)


def test_nmpa_words_the_volume_composition_in_chinese(outputs):
    table = rows(outputs["nmpa"] / COMPOSITION)
    assert table[1][3:] == ["浓度", "每容器用量（5.0 mL）"]
    assert {r[0]: r[3:] for r in table[2:]}["Water for injections"] == ["加至1 mL", "加至5.0 mL"]
    assert "表 1：批处方：1.0 × 10^14 vg per vial，Commercial batch （400个容器，2.0 L）" in paragraphs(outputs["nmpa"] / FORMULA)


def test_a_cell_suspension_per_bag(project):
    edit(project, DP, 'unit_weight: 5.0 mL}', 'unit_weight: 70 mL}')
    edit(project, DP, VECTOR, "quantities: {v5ml: 1.0 × 10^8 cells}}")
    edit(project, DP, "quantities: {v5ml: q.s. to 5.0 mL}", "quantities: {v5ml: q.s. to 70 mL}")
    edit(project, DP, "quantities: {v5ml: 2.42 mg/mL}", "quantities: {v5ml: 7.5 %}")
    out = built(project, "fda")
    body = {r[0]: r[3:] for r in rows(out / COMPOSITION)[2:]}
    assert body["Onasemtestogene vector"] == ["1.4 × 10⁶ cells/mL", "1.0 × 10^8 cells"]
    assert body["Trometamol"] == ["7.5 %", "7.5 %"]   # a fraction is the same per mL and per bag
    assert body["Water for injections"] == ["q.s. to 1 mL", "q.s. to 70 mL"]
    formula = {r[0]: r[2:] for r in rows(out / FORMULA)[1:]}
    assert formula["Onasemtestogene vector"] == ["1.0 × 10^8 cells", "4.0 × 10¹⁰ cells"]
    assert formula["Sodium chloride"] == ["614 mg", "246 g"]   # 8.77 mg/mL × 70 mL × 400 bags


def test_lipid_molar_ratios_are_printed_and_must_add_up(project):
    edit(project, "content/aavmini/core/product.yaml", "modality: aav-gene-therapy", "modality: mrna-lnp")
    edit(project, DP, "function: buffer, standard: compendial,", "function: ionisable lipid, molar_ratio: 50.0, "
         "standard: compendial,")
    line = edit(project, DP, "function: tonicity agent, standard: compendial,",
                "function: helper lipid, molar_ratio: 40.0, standard: compendial,")
    found = [f for f in codes(project) if f.code == "F4404"]
    assert len(found) == 1 and found[0].severity == "error" and "90.0 mol %" in found[0].message
    assert found[0].origin.line == line - 1    # the first lipid that states a ratio
    edit(project, DP, "molar_ratio: 40.0,", "molar_ratio: 50.0 %,")
    assert not [f for f in codes(project) if f.code == "F4404"]
    missing = [("drug_products[testavec-vial]", a) for a in ("encapsulation", "particle-size", "content", "integrity",
                                                               "lipid-content")]
    missing += [("drug_substances[aav9-bulk]", a) for a in ("content", "integrity", "capping", "residual-dna", "dsrna")]
    edit(project, "content/aavmini/core/product.yaml", "sites:\n", "justifications:\n" + "".join(
        f"  - {{id: {a}-{i}, code: F4701, path: '{owner}.specification.tests[{a}]', reason: test}}\n"
        for i, (owner, a) in enumerate(missing)) + "  - {id: no-lnp, code: F4953, path: 'drug_products[testavec-vial].lnp', "
        "reason: test}\n" + "sites:\n")   # a composition test, not an mRNA specification
    table = rows(built(project, "fda") / COMPOSITION)
    assert table[0][3] == "Molar ratio (mol %)"
    assert {r[0]: r[3] for r in table[2:]}["Sodium chloride"] == "50.0 %"


def test_a_molar_ratio_that_is_not_a_share_is_an_error(project):
    line = edit(project, DP, "function: buffer, standard: compendial,", "function: lipid, molar_ratio: 5 mg, "
                "standard: compendial,")
    error = [d for d in diagnostics(project) if d.code == "E2621"]
    assert error and error[0].origin.line == line and "mol %" in error[0].message


def test_a_fill_that_is_not_a_volume_or_a_q_s_to_another_volume_is_an_error(project):
    line = edit(project, DP, "quantities: {v5ml: q.s. to 5.0 mL}", "quantities: {v5ml: q.s. to 4.0 mL}")
    found = [f for f in codes(project) if f.code == "F4403"]
    assert [(f.origin.line, f.severity) for f in found] == [(line, "error")] and "4.0 mL" in found[0].message
    edit(project, DP, "quantities: {v5ml: q.s. to 4.0 mL}", "quantities: {v5ml: q.s. to 1.0 mL}")
    assert not [f for f in codes(project) if f.code == "F4403"]
    line = edit(project, DP, "unit_weight: 5.0 mL}", "unit_weight: 5.0 mg}")
    found = [f for f in codes(project) if f.code == "F4403"]
    assert found and found[0].origin.line == line and "not a fill volume" in found[0].message
