"""Each modality check, made to fire by a deliberately wrong copy of a test root (tests/roots/) or of a
small AAV product: the code, the values the message names, and the YAML line it points at."""
from __future__ import annotations

import shutil
from pathlib import Path
from textwrap import dedent

import pytest

from builder.model import STUDY_TYPES

from conftest import REPO, edit, prepared_diagnostics as diagnostics

CART, MRNA, ADC = "content/examcel/core/drug-product.yaml", "content/examvax/core/drug-product.yaml", \
    "content/examadc/core/drug-product.yaml"
ROOT_OF = {"examcel": "car-t", "examvax": "mrna-vaccine", "examadc": "adc", "aavx": None}


@pytest.fixture
def project(tmp_path):
    def make(product: str) -> Path:
        root = tmp_path / product
        if ROOT_OF[product]:
            shutil.copytree(REPO / "tests/roots" / ROOT_OF[product] / "content", root / "content")
        shutil.copytree(REPO / "templates", root / "templates")
        if "freeze-thaw" not in STUDY_TYPES:  # until Q5C study types land (issue 9): let the AAV profile load
            profile = root / "templates/modalities/aav-gene-therapy.yaml"
            profile.write_text(profile.read_text().replace("[freeze-thaw, in-use]", "[in-use]"))
        return root
    return make


def only(found, code: str) -> list:
    hits = [d for d in found if d.code == code]
    assert hits, [str(d) for d in found]
    return hits


def codes(found) -> set:
    return {d.code for d in found}


# -- autologous cell therapy: dose per lot ---------------------------------------------------------------
def test_a_lot_dose_per_kg_above_the_labelled_range(project):
    root = project("examcel")
    line = edit(root, CART, "dose: 1.5 × 10^8 CAR+ T cells, vcn", "dose: 2.0 × 10^8 CAR+ T cells, vcn")
    finding = only(diagnostics(root, "examcel"), "F4932")[0]
    assert finding.severity == "error" and finding.origin.line == line
    assert "EXC-24-0012" in finding.message and "72.4 kg" in finding.message and "2.76 × 10^6" in finding.message
    assert "1.0 × 10^6 to 2.5 × 10^6 CAR+ T cells/kg" in finding.message
    assert finding.field == "drug_products[examcel-bag].batches[dp-0012].results.dose"


def test_a_lot_above_the_maximum_dose(project):
    root = project("examcel")
    edit(root, CART, "dose: 2.2 × 10^8 CAR+ T cells", "dose: 2.6 × 10^8 CAR+ T cells")
    found = diagnostics(root, "examcel")
    assert "above the maximum dose 2.5 × 10^8" in only(found, "F4932")[0].message
    assert "F4101" in codes(found)  # and out of the specification's own range


def test_a_patient_lot_without_a_body_weight_cannot_be_judged_per_kg(project):
    root = project("examcel")
    edit(root, CART, "          body_weight: 58.0 kg\n", "")
    assert "EXC-24-0013" in only(diagnostics(root, "examcel"), "F4933")[0].message


def test_no_test_gives_the_dose(project):
    root = project("examcel")
    edit(root, CART, "CAR+ T cells, attribute: dose}", "CAR+ T cells, attribute: potency}")
    assert only(diagnostics(root, "examcel"), "F4931")


def test_a_dose_in_another_unit(project):
    root = project("examcel")
    edit(root, CART, "dose: 1.5 × 10^8 CAR+ T cells, vcn", "dose: 1.5 × 10^8 cells/mL, vcn")
    assert "cannot be compared" in only(diagnostics(root, "examcel"), "F4934")[0].message


# -- chain of identity and custody -----------------------------------------------------------------------------
def test_a_lot_without_a_chain_of_identity(project):
    root = project("examcel")
    text = (root / CART).read_text(encoding="utf-8")
    start = text.index("        chain_of_identity:\n          coi: CoI-EXM-000131")
    end = text.index("      - id: dp-hd-01")
    (root / CART).write_text(text[:start] + text[end:], encoding="utf-8")
    finding = only(diagnostics(root, "examcel"), "F4941")[0]
    assert "EXC-24-0013" in finding.message and finding.field == "drug_products[examcel-bag].batches[dp-0013]"


def test_a_missing_event(project):
    root = project("examcel")
    edit(root, CART, "            - {id: release, identifier: CoI-EXM-000123, time: 2025-03-10 16:20, by: Quality unit "
         "(M. Okafor)}\n", "")
    finding = only(diagnostics(root, "examcel"), "F4942")[0]
    assert "EXC-24-0012 (CoI-EXM-000123): no Release (quality disposition) event" in finding.message


def test_another_identifier_at_an_event(project):
    root = project("examcel")
    line = edit(root, CART, "{id: thaw, identifier: CoI-EXM-000123", "{id: thaw, identifier: CoI-EXM-000132")
    finding = only(diagnostics(root, "examcel"), "F4943")[0]
    assert finding.origin.line == line and "'CoI-EXM-000132' is not the lot's chain of identity 'CoI-EXM-000123'" \
        in finding.message


def test_a_hand_over_without_its_receiver(project):
    root = project("examcel")
    edit(root, CART, "by: Northwind Rockville shipping, to: CryoCourier Inc., condition: Dry vapour shipper ≤ −150 °C}",
         "by: Northwind Rockville shipping, condition: Dry vapour shipper ≤ −150 °C}")
    finding = only(diagnostics(root, "examcel"), "F4944")[0]
    assert "Shipment to the treatment centre: a hand-over without its receiver (to)" in finding.message


def test_an_event_without_a_time(project):
    root = project("examcel")
    edit(root, CART, "{id: manufacture, identifier: CoI-EXM-000131, time: 2025-03-25 12:00, ",
         "{id: manufacture, identifier: CoI-EXM-000131, ")
    assert "Start of manufacture: no date and time" in only(diagnostics(root, "examcel"), "F4945")[0].message


def test_shipped_to_the_site_before_release(project):
    root = project("examcel")
    line = edit(root, CART, "{id: shipment-to-site, identifier: CoI-EXM-000123, time: 2025-03-11 07:30",
                "{id: shipment-to-site, identifier: CoI-EXM-000123, time: 2025-03-10 09:00")
    finding = only(diagnostics(root, "examcel"), "F4946")[0]
    assert finding.origin.line == line
    assert "Shipment to the treatment centre (2025-03-10 09:00) is before Release (quality disposition) " \
           "(2025-03-10 16:20)" in finding.message


def test_an_elapsed_time_over_its_limit(project):
    root = project("examcel")
    edit(root, CART, "{id: receipt-at-manufacturer, identifier: CoI-EXM-000131, time: 2025-03-25 09:15",
         "{id: receipt-at-manufacturer, identifier: CoI-EXM-000131, time: 2025-03-26 10:00")
    finding = only(diagnostics(root, "examcel"), "F4947")[0]
    assert "Apheresis collection to Receipt at the manufacturing site took 49.3 h, more than 48 hours" in finding.message


def test_a_date_without_a_time_is_not_checked_against_a_limit(project):
    root = project("examcel")
    edit(root, CART, "{id: thaw, identifier: CoI-EXM-000131, time: 2025-04-10 08:30",
         "{id: thaw, identifier: CoI-EXM-000131, time: 2025-04-10")
    finding = only(diagnostics(root, "examcel"), "F4948")[0]
    assert finding.severity == "warning" and "not checked against 3 hours" in finding.message


def test_an_event_the_profile_does_not_know_is_a_content_error(project):
    root = project("examcel")
    line = edit(root, CART, "{id: thaw, identifier: CoI-EXM-000131", "{id: thawing, identifier: CoI-EXM-000131")
    found = diagnostics(root, "examcel")
    error = only(found, "E2542")[0]
    assert error.origin.line == line and "did you mean 'thaw'?" in error.message
    assert not [d for d in found if d.code.startswith("F")]  # a gate: no check runs on it


def test_a_chain_timestamp_that_names_no_moment_is_a_content_error(project):
    root = project("examcel")
    edit(root, CART, "time: 2025-04-10 08:30", "time: 2025-04-31 08:30")
    assert "not a valid date and time" in only(diagnostics(root, "examcel"), "E2208")[0].message


# -- release attributes: criterion form, unit, every lot ---------------------------------------------------------
def test_viability_needs_a_lower_limit_in_percent(project):
    root = project("examcel")
    edit(root, CART, "release: NLT 80 %}", "release: Report result}")
    finding = only(diagnostics(root, "examcel"), "F4911")[0]
    assert "'Report result': no release criterion of viability is a lower limit (NLT) or a range" in finding.message
    edit(root, CART, "release: Report result}", "release: NLT 8.0 × 10^7 cells}")
    assert "not in %" in only(diagnostics(root, "examcel"), "F4912")[0].message


def test_potency_is_reported_on_every_lot(project):
    root = project("examcel")
    line = edit(root, CART, "potency: 1380 pg/mL", "potency: Pending")
    finding = only(diagnostics(root, "examcel"), "F4913")[0]
    assert finding.origin.line == line and "batch EXC-24-0013 reports no potency result" in finding.message


def test_a_test_attribute_the_profile_does_not_know(project):
    root = project("examcel")
    edit(root, CART, "attribute: dose}", "attribute: dosage}")
    assert "did you mean 'dose'?" in only(diagnostics(root, "examcel"), "E2541")[0].message


def test_a_pending_result_that_is_no_test(project):
    root = project("examcel")
    edit(root, CART, "        - id: sterility\n          available:", "        - id: sterile\n          available:")
    assert "unknown specification test 'sterile'" in only(diagnostics(root, "examcel"), "E2508")[0].message


def test_content_no_leaf_shows_is_said(project):
    """Under a profile whose leaves do not show custody, release strategy or dose, nothing is dropped silently."""
    root = project("examcel")
    edit(root, "content/examcel/core/product.yaml", "modality: autologous-cell-therapy", "modality: biologic")
    edit(root, CART, ", attribute: dose}", "}")  # a biologic has no dose attribute
    unrendered = {d.field for d in only(diagnostics(root, "examcel"), "W2441")}
    assert {"drug_products[examcel-bag].dosing", "drug_products[examcel-bag].custody",
            "drug_products[examcel-bag].release_strategy",
            "drug_products[examcel-bag].batches[dp-0012].chain_of_identity"} <= unrendered


# -- mRNA-LNP --------------------------------------------------------------------------------------------------------
def test_lipid_molar_ratios_that_do_not_add_up(project):
    root = project("examvax")
    edit(root, MRNA, 'molar_ratio: "38.5"', 'molar_ratio: "36.5"')
    finding = only(diagnostics(root, "examvax"), "F4404")[0]
    assert "add up to 98.0 mol %, not 100" in finding.message


def test_lipid_molar_ratios_within_their_rounding_add_up(project):
    root = project("examvax")
    edit(root, MRNA, 'molar_ratio: "50.0"', 'molar_ratio: "50.3"')
    assert "F4404" in codes(diagnostics(root, "examvax"))  # 100.3: beyond 4 × 0.05
    edit(root, MRNA, 'molar_ratio: "50.3"', 'molar_ratio: "50"')
    edit(root, MRNA, 'molar_ratio: "38.5"', 'molar_ratio: "38.6"')  # 100.1 with 50 ± 0.5: within
    assert "F4404" not in codes(diagnostics(root, "examvax"))


def test_a_lipid_of_the_particle_without_its_molar_ratio(project):
    root = project("examvax")
    edit(root, MRNA, 'standard: In-house, molar_ratio: "1.5", ', "standard: In-house, ")
    finding = only(diagnostics(root, "examvax"), "F4951")[0]
    assert finding.message.startswith("DMG-PEG 2000 is a lipid of the nanoparticle")
    assert finding.field == "drug_products[examvax-vial].composition[peg-dmg].molar_ratio"


def test_the_n_p_ratio_must_be_stated(project):
    root = project("examvax")
    edit(root, MRNA, '      np_ratio: "6.0"\n', "")
    assert only(diagnostics(root, "examvax"), "F4952")
    edit(root, MRNA, "    lnp:\n", '    lnp:\n      np_ratio: six\n')
    assert "a ratio such as 6.0" in only(diagnostics(root, "examvax"), "E2621")[0].message


def test_an_mrna_product_without_its_lipid_composition(project):
    root = project("examvax")
    text = (root / MRNA).read_text(encoding="utf-8")
    start, end = text.index("    lnp:\n"), text.index("    dosing:\n")
    (root / MRNA).write_text(text[:start] + text[end:], encoding="utf-8")
    assert only(diagnostics(root, "examvax"), "F4953")


def test_masses_that_do_not_give_the_stated_molar_ratio(project):
    root = project("examvax")
    edit(root, MRNA, "quantities: {dose: 0.271 mg}", "quantities: {dose: 0.320 mg}")
    found = only(diagnostics(root, "examvax"), "F4954")
    assert all(f.severity == "warning" for f in found) and len(found) == 4  # every share moves
    cholesterol = next(f for f in found if f.message.startswith("Cholesterol"))
    assert "gives 42.5 mol %" in cholesterol.message and "not the 38.5 stated" in cholesterol.message


def test_encapsulation_needs_a_lower_limit_and_a_result_on_every_lot(project):
    root = project("examvax")
    edit(root, MRNA, "release: NLT 85 %}", "release: Report result}")
    edit(root, MRNA, "encapsulation: 95 %", "encapsulation: NT")
    found = diagnostics(root, "examvax")
    assert "encapsulation efficiency" in only(found, "F4911")[0].message
    assert "EXV-P-002 reports no encapsulation efficiency result" in only(found, "F4913")[0].message


def test_concentration_times_volume_is_the_content(project):
    root = project("examvax")
    edit(root, MRNA, "concentration: 100 µg/mL", "concentration: 120 µg/mL")
    finding = only(diagnostics(root, "examvax"), "F4921")[0]
    assert "120 µg/mL × 0.5 mL = 60.0 µg, not the 50 µg stated" in finding.message


def test_the_largest_dose_must_fit_the_largest_kit(project):
    root = project("examvax")
    edit(root, MRNA, "      dose: 50 µg\n", "      dose: 100 µg\n")
    finding = only(diagnostics(root, "examvax"), "F4922")[0]
    assert "100 µg" in finding.message and "1 × 50 µg" in finding.message


# -- ADC ---------------------------------------------------------------------------------------------------------
def test_a_drug_load_distribution_that_does_not_add_up(project):
    root = project("examadc")
    line = edit(root, ADC, '"8": 7.6 %}', '"8": 9.6 %}')
    finding = only(diagnostics(root, "examadc"), "F4961")[0]
    assert finding.origin.line == line and "EXA-P-01: the drug-load distribution adds up to 102.0 %" in finding.message


def test_an_average_dar_the_distribution_does_not_give(project):
    root = project("examadc")
    edit(root, ADC, 'dar: "3.9", dar0: 5.3 %', 'dar: "4.4", dar0: 5.3 %')
    finding = only(diagnostics(root, "examadc"), "F4962")[0]
    assert finding.severity == "warning" and "average DAR of 3.87" in finding.message and "reports 4.4" in finding.message


def test_an_average_dar_outside_its_criterion(project):
    root = project("examadc")
    edit(root, ADC, 'dar: "3.9", dar0: 5.3 %', 'dar: "4.7", dar0: 5.3 %')
    found = diagnostics(root, "examadc")
    assert "3.5 to 4.5" in only(found, "F4101")[0].message and "F4962" in codes(found)


def test_a_conjugate_lot_without_its_drug_load_distribution(project):
    root = project("examadc")
    edit(root, ADC, ', drug_load: {"0": 5.3 %, "2": 29.3 %, "4": 38.9 %, "6": 19.4 %, "8": 7.1 %}}', "}")
    assert "EXA-P-02 states no drug-load distribution" in only(diagnostics(root, "examadc"), "F4963")[0].message


def test_free_payload_needs_a_limit(project):
    root = project("examadc")
    edit(root, ADC, "release: NMT 20 ng/mg, shelf_life: NMT 40 ng/mg}", "release: Report result}")
    finding = only(diagnostics(root, "examadc"), "F4911")[0]
    assert "no release criterion of free payload (free drug-linker) is an upper limit (NMT) or a range" \
        in finding.message


def test_a_drug_load_that_is_not_a_percentage(project):
    root = project("examadc")
    edit(root, ADC, '"8": 7.6 %}', '"8": 7.6 mg}')
    assert "not a percentage" in only(diagnostics(root, "examadc"), "E2621")[0].message


# -- AAV gene therapy: dose and fill -----------------------------------------------------------------------------
AAV = """\
product: {id: aavx, name: AAVX, inn: onasemnogene-like, modality: aav-gene-therapy, sponsor: S, as_of: 2026-01-01, regions: [fda]}
sites: [{id: s1, name: Site, address: A, country: US}]
drug_substances: []
drug_products:
  - id: aavx-vial
    name: AAVX suspension for infusion
    dosage_form: suspension for infusion
    strengths:
      - {id: v55, label: 5.5 mL vial, unit_weight: 5.5 mL}
      - {id: v83, label: 8.3 mL vial, unit_weight: 8.3 mL}
    dosing:
      route: single intravenous infusion
      dose: 1.1 × 10^14 vg/kg
      body_weight: 2.6 kg to 21.0 kg
      presentations:
        - {id: small, strength: v55, concentration: 2.0 × 10^13 vg/mL, content: 1.1 × 10^14 vg, max_containers: "2"}
        - {id: large, strength: v83, concentration: 2.0 × 10^13 vg/mL, content: 1.66 × 10^14 vg, max_containers: "13"}
    specification:
      id: spc
      name: AAVX specification
      version: "1.0"
      tests:
        - {id: titre, test: Vector genome titre (ddPCR), procedure: AP-1, release: 1.6–2.4 × 10^13 vg/mL}
        - {id: full, test: Full capsids (AUC), procedure: AP-2, release: NLT 70 %}
    batches:
      - {id: b1, number: AAVX-001, size: 400 vials, scale: Commercial, manufactured: 2025-01-01, site: s1, use: PPQ, results: {titre: 2.1 × 10^13 vg/mL, full: 81 %}}
"""


def aav(project, change=None) -> list:
    root = project("aavx")
    text = AAV if change is None else AAV.replace(*change)
    assert change is None or change[0] in AAV
    (root / "content/aavx/core").mkdir(parents=True)
    (root / "content/aavx/core/product.yaml").write_text(dedent(text), encoding="utf-8")
    return [d for d in diagnostics(root, "aavx") if d.code.startswith(("F49", "E2621", "E25", "E23"))]


def test_the_aav_fill_and_dose_agree(project):
    assert not [d for d in aav(project) if d.code.startswith("F49")]


def test_an_aav_content_that_is_not_concentration_times_volume(project):
    finding = only(aav(project, ("content: 1.66 × 10^14 vg", "content: 1.50 × 10^14 vg")), "F4921")[0]
    assert "2.0 × 10^13 vg/mL × 8.3 mL = 1.66 × 10^14 vg, not the 1.50 × 10^14 vg stated" in finding.message


def test_the_heaviest_patient_at_the_highest_dose_needs_more_than_the_largest_kit(project):
    finding = only(aav(project, ('max_containers: "13"', 'max_containers: "12"')), "F4922")[0]
    assert "1.1 × 10^14 vg/kg × 21.0 kg = 2.31 × 10^15 vg" in finding.message
    assert "2 × 1.1 × 10^14 vg, 12 × 1.66 × 10^14 vg" in finding.message


def test_a_per_kg_dose_without_body_weights_is_said(project):
    finding = only(aav(project, ("      body_weight: 2.6 kg to 21.0 kg\n", "")), "F4923")[0]
    assert finding.severity == "warning"


def test_a_content_in_another_count(project):
    assert only(aav(project, ("content: 1.66 × 10^14 vg", "content: 1.66 × 10^14 GC")), "F4924")


def test_the_nominal_concentration_within_the_titre_criterion(project):
    finding = only(aav(project, ("release: 1.6–2.4 × 10^13 vg/mL", "release: 2.2–2.8 × 10^13 vg/mL")), "F4925")
    assert "nominal concentration 2.0 × 10^13 vg/mL is outside the release criterion '2.2–2.8 × 10^13 vg/mL'" \
        in finding[0].message


def test_titre_and_full_capsids_on_every_aav_lot(project):
    finding = only(aav(project, ("full: 81 %", "full: NT")), "F4913")[0]
    assert "full/empty capsid ratio" in finding.message


def test_an_unreadable_dose_is_a_content_error(project):
    assert "expected a dose" in only(aav(project, ("dose: 1.1 × 10^14 vg/kg", "dose: lots")), "E2621")[0].message


# -- bad input in the modality records: positioned content errors, never a traceback --------------------------
@pytest.mark.parametrize("product, rel, old, new, code", [
    ("examcel", CART, "body_weight: 72.4 kg", "body_weight: 0 kg", "E2621"),
    ("examcel", CART, "body_weight: 72.4 kg", "body_weight: heavy", "E2621"),
    ("examcel", CART, "within: 48 hours", "within: soon", "E2621"),
    ("examcel", CART, "within: 48 hours", "within: 48 mL", "E2621"),
    ("examcel", CART, "time: 2025-03-14 10:10", "time: 2025-03-14 25:10", "E2208"),
    ("examcel", CART, "time: 2025-03-14 10:10", "time: 14/03/2025", "E2208"),
    ("examcel", CART, "dose: 1.0 × 10^6 to 2.5 × 10^6 CAR+ T cells/kg", "dose: 0 to 2.5 × 10^6 CAR+ T cells/kg", "E2621"),
    ("examcel", CART, "max_dose: 2.5 × 10^8 CAR+ T cells", "max_dose: 0 CAR+ T cells", "E2621"),
    ("examcel", CART, "start: collection, end: receipt-at-manufacturer", "start: collection, end: arrival", "E2542"),
    ("examvax", MRNA, "molar_mass: 386.7 g/mol", "molar_mass: 0 g/mol", "E2621"),
    ("examvax", MRNA, 'molar_ratio: "38.5"', "molar_ratio: 38.5 mg", "E2621"),
    ("examvax", MRNA, "content: 50 µg, max_containers", "content: 0 µg, max_containers", "E2621"),
    ("examvax", MRNA, "strength: dose, concentration", "strength: vial, concentration", "E2508"),
    ("examvax", MRNA, "- {id: dspc, role: phospholipid", "- {id: dspc-x, role: phospholipid", "E2508"),
    ("examadc", ADC, '"8": 7.6 %}', '"8": seven}', "E2621"),
    ("examadc", ADC, '"8": 7.6 %}', '"88x": 7.6 %}', "E2210"),
])
def test_bad_modality_input_is_a_content_error_at_its_line(project, product, rel, old, new, code):
    root = project(product)
    line = edit(root, rel, old, new)
    errors = [d for d in diagnostics(root, product) if d.code == code]
    assert errors and errors[0].origin.line == line, [str(d) for d in diagnostics(root, product)]
