"""The planner: one leaf per document, repeated per substance × manufacturer, per product, per excipient."""
from conftest import prepare_text

CORE = """
product: {id: p, name: P Tablets, inn: p, modality: small-molecule, sponsor: S, as_of: 2026-01-01, regions: [fda, nmpa]}
drug_substances:
  - id: api-acme
    substance: api
    manufacturer: Acme
    narrative: {3.2.S.2.4: text}
    nomenclature: [{label: INN, value: api}]
    procedures:
      - {id: ap-1, title: Assay, description: HPLC, validation: validated}
      - {id: ap-2, title: Water, description: KF}
  - id: api-beta
    substance: api
    manufacturer: Beta
    nomenclature: [{label: INN, value: api}]
drug_products:
  - id: p-fct
    name: P
    dosage_form: tablet
    strengths: [{id: s10, label: 10 mg, unit_weight: 100 mg}]
    narrative: {3.2.P.4.5: none, 3.2.P.2: dev}
    excipients:
      - {id: mcc, name: MCC, function: filler, standard: compendial}
      - {id: mgst, name: Magnesium stearate, function: lubricant, standard: compendial, narrative: {3.2.P.4.4: why}}
literature:
  - {id: ich-q6a, citation: ICH Q6A}
"""


def paths(leaves, number):
    return [leaf.path for leaf in leaves if leaf.number == number]


def test_drug_substance_subtree_repeats_per_substance_and_manufacturer():
    _, leaves, _ = prepare_text(CORE)
    assert paths(leaves, "3.2.S.2.4") == [
        "m3/32-body-data/32s-drug-sub/api-acme/32s2-manuf/control-critical-steps.docx"]
    assert paths(leaves, "3.2.S.1.1") == [
        "m3/32-body-data/32s-drug-sub/api-acme/32s1-gen-info/nomenclature.docx",
        "m3/32-body-data/32s-drug-sub/api-beta/32s1-gen-info/nomenclature.docx"]


def test_missing_required_leaves_are_errors_on_the_owning_record():
    _, _, diags = prepare_text(CORE)
    beta = [d for d in diags.errors if d.field == "drug_substances[api-beta]"]
    assert any("3.2.S.1.2 Structure has no content" in d.message for d in beta)
    assert all(d.code == "E2402" and d.origin.line == 12 for d in beta)


def test_control_of_excipients_repeats_per_excipient_and_p45_sits_once_in_the_parent_folder():
    _, leaves, _ = prepare_text(CORE)
    base = "m3/32-body-data/32p-drug-prod/p-fct/32p4-contr-excip"
    assert paths(leaves, "3.2.P.4.1") == [f"{base}/mcc/specifications.docx", f"{base}/mgst/specifications.docx"]
    assert paths(leaves, "3.2.P.4.4") == [f"{base}/mgst/justification-of-specifications.docx"]
    assert paths(leaves, "3.2.P.4.5") == [f"{base}/excipients-human-animal.docx"]


def test_one_document_per_procedure_and_per_reference():
    _, leaves, _ = prepare_text(CORE)
    assert paths(leaves, "3.2.S.4.2") == [
        "m3/32-body-data/32s-drug-sub/api-acme/32s4-contr-drug-sub/32s42-analyt-proc/analytical-procedure-ap-1.docx",
        "m3/32-body-data/32s-drug-sub/api-acme/32s4-contr-drug-sub/32s42-analyt-proc/analytical-procedure-ap-2.docx"]
    assert len(paths(leaves, "3.2.S.4.3")) == 1  # only ap-1 has a validation
    assert paths(leaves, "3.3") == ["m3/33-lit-ref/reference-ich-q6a.docx"]


def test_leaves_follow_the_dtd_order_and_titles_follow_the_region():
    _, leaves, _ = prepare_text(CORE, region="nmpa")
    numbers = [leaf.number for leaf in leaves]
    assert numbers.index("3.2.S.2.4") < numbers.index("3.2.P.2") < numbers.index("3.2.P.4.1") < numbers.index("3.3")
    heading = next(leaf.heading for leaf in leaves if leaf.number == "3.2.P.4.5")
    assert heading == "3.2.P.4.5 人源或动物源辅料"


def test_regional_items_come_only_from_the_region_list():
    overlay = "regional:\n  - id: executed-batch-records\n    narrative: EBR\n"
    _, leaves, diags = prepare_text(CORE, overlay)
    assert paths(leaves, "3.2.R")[0] == "m3/32-body-data/32r-reg-info/regional-information-executed-batch-records.docx"
    content, leaves, diags = prepare_text(CORE, overlay + "  - id: cep\n    narrative: x\n")
    assert any(d.code == "E2502" and "'cep' is not a regional item of fda" in d.message for d in diags.errors)
    assert content is None and not leaves  # validation gates planning: nothing is planned from invalid content


def test_names_are_checked_against_the_path_budget():
    long_id = "a" * 40
    core = CORE.replace("id: api-acme", f"id: {long_id}").replace("id: ap-1", f"id: {long_id}")
    _, _, diags = prepare_text(core)
    assert any(d.code == "E2404" for d in diags.errors)
