"""Master-file references as content (issue 15 item 1): a generic levetiracetam tablet whose drug
substance is covered by a US DMF, an EU CEP and an NMPA registration (tests/roots/levetiracetam) builds
for every region with no invented process, materials or stability study. The documents are opened:
each region's covered 3.2.S leaves state that region's reference and nothing else, the applicant's own
parts (specification, batch data) are still there, and 3.2.S.7 says nothing about studies the dossier
does not hold. Bad references are positioned errors; the applicant's part marked covered is a warning."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest

from builder.commands.readiness import readiness
from builder.errors import Diagnostics
from builder.pipeline import build

from conftest import REPO, edit, prepared_diagnostics

ROOT = REPO / "tests" / "roots" / "levetiracetam"
PRODUCT = "levetiracetam"
DS = "content/levetiracetam/core/drug-substance.yaml"
NMPA = "content/levetiracetam/nmpa.yaml"
REGIONS = ("fda", "ema", "nmpa")
COVERED = ("3.2.S.2.2", "3.2.S.2.3", "3.2.S.2.4", "3.2.S.2.5", "3.2.S.2.6", "3.2.S.3.1", "3.2.S.3.2", "3.2.S.6",
           "3.2.S.7.1", "3.2.S.7.2", "3.2.S.7.3")
STATEMENTS = {
    "fda": "This information is provided in DMF Type II No. 012345 held by Acme Fine Chemicals (Zhejiang) Co., Ltd.; "
           "a letter of authorization is provided in Module 1 (1.4.1).",
    "ema": "This information is covered by the Certificate of Suitability to the monographs of the European "
           "Pharmacopoeia (CEP) R1-CEP 2015-123-Rev 02 held by Acme Fine Chemicals (Zhejiang) Co., Ltd.; a copy of "
           "the certificate is provided in Module 1 (annex to the application form) and 3.2.R.",
    "nmpa": "本部分信息见登记号为Y20190001234的原料药登记资料（登记人：台州艾克精细化工有限公司），该原料药与本制剂关联审评；"
            "原料药登记人出具的授权使用书见第一部分（1.4）。",
}
OTHERS = {"fda": ("CEP", "Y20190001234"), "ema": ("DMF", "Y20190001234"), "nmpa": ("DMF", "CEP")}


def copy_root(dest: Path) -> Path:
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(REPO / "templates", dest / "templates")
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_root(tmp_path_factory.mktemp("levetiracetam"))
    diags = Diagnostics()
    build(root, diags=diags)
    return root, diags


def leaves(root: Path, region: str, number: str) -> list[Path]:
    manifest = json.loads((root / "output" / PRODUCT / region / "manifest.json").read_text(encoding="utf-8"))
    return [root / "output" / PRODUCT / region / leaf["path"] for leaf in manifest["leaves"] if leaf["number"] == number]


def text_of(path: Path) -> tuple[list[str], list[list[str]]]:
    document = docx.Document(path)
    return ([p.text for p in document.paragraphs if p.text.strip()],
            [[c.text for c in row.cells] for table in document.tables for row in table.rows])


LOCALISATION = ("W2350", "W2351")  # English text in an NMPA document: the fixture's drug product is not translated


def test_the_root_builds_for_every_region_without_any_finding(built):
    """No finding at all, but for NMPA the localisation warnings naming the drug product's English fields
    (its drug substance parts are in Chinese: the master-file statements need no English)."""
    root, diags = built
    for region in REGIONS:
        findings = json.loads((root / "output" / PRODUCT / region / "findings.json").read_text())["findings"]
        assert [f for f in findings if region != "nmpa" or f["code"] not in LOCALISATION] == [], region
    nmpa = [f for f in json.loads((root / "output" / PRODUCT / "nmpa" / "findings.json").read_text())["findings"]]
    assert nmpa and all(f["code"] == "W2350" for f in nmpa)
    assert not [f for f in nmpa if f["field"].startswith("drug_substances[") and "master" in f["field"]]
    assert not [d for d in diags.items if d.severity in ("error", "warning") and d.code not in LOCALISATION], \
        [str(d) for d in diags.items]


def test_the_root_holds_no_placeholder_records():
    """The substance has no process, materials, characterisation, impurities, container or stability of its own."""
    from ruamel.yaml import YAML

    ds = YAML(typ="safe").load((ROOT / DS).read_text(encoding="utf-8"))["drug_substances"][0]
    assert not {"process", "materials", "characterisation", "impurities", "container_closure", "stability"} & set(ds)


@pytest.mark.parametrize("region", REGIONS)
def test_each_covered_leaf_states_the_regions_reference(built, region):
    root, _ = built
    for number in COVERED:
        [path] = leaves(root, region, number)
        paragraphs, tables = text_of(path)
        assert STATEMENTS[region] in paragraphs, (number, paragraphs)
        assert tables == [], number                                      # no table of the holder's data
        body = "\n".join(paragraphs)
        assert not any(other in body for other in OTHERS[region]), (number, body)


@pytest.mark.parametrize("region", REGIONS)
def test_no_stability_conclusion_without_a_study(built, region):
    root, _ = built
    for number in ("3.2.S.7.1", "3.2.S.7.2", "3.2.S.7.3"):
        body = "\n".join(text_of(leaves(root, region, number)[0])[0])
        for words in ("accelerated", "significant change", "is proposed", "Long-term data", "加速", "显著变化"):
            assert words not in body, (number, words)
    summary = text_of(leaves(root, region, "3.2.S.7.1")[0])[0]
    assert summary[-1] in ("The re-test period stated by the holder is 5 years when stored in the holder's container "
                           "at not more than 30 °C.", "登记人声明的复检期为5年（登记人包装，不超过30 °C贮藏）。")


@pytest.mark.parametrize("region", REGIONS)
def test_the_applicants_own_parts_stay(built, region):
    root, _ = built
    _, spec = text_of(leaves(root, region, "3.2.S.4.1")[0])
    criteria = {row[-1] for row in spec}
    assert {"NMT 0.05 %", "98.0 % to 102.0 %"} <= criteria or {"不得过0.05%", "98.0%～102.0%"} <= criteria, spec
    _, batches = text_of(leaves(root, region, "3.2.S.4.4")[0])
    cells = {c for row in batches for c in row}
    assert {"ACL-2403011", "ACL-2404027", "ACL-2405009", "99.8 %"} <= cells
    assert len(leaves(root, region, "3.2.S.4.2")) == 2 and leaves(root, region, "3.2.S.5")
    paragraphs, _ = text_of(leaves(root, region, "3.2.S.2.1")[0])
    assert not any(s in p for p in paragraphs for s in STATEMENTS.values())


def test_readiness_counts_the_references_and_nothing_missing(tmp_path):
    root = copy_root(tmp_path)
    found = {r.region: r for r in readiness(root, [PRODUCT])}
    for region in REGIONS:
        blocking = {b.kind: b.count for b in found[region].blocking()}
        assert found[region].master_files == 1
        assert not {"missing-leaf", "placeholder", "master-file", "open-error", "open-warning"} & set(blocking), blocking
        assert "master files: 1 cited" in found[region].summary()


def _codes(root: Path, region: str = "fda") -> set:
    return {(d.code, d.origin.line if d.origin else 0, d.field) for d in prepared_diagnostics(root, PRODUCT, region)}


def line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    [found] = [n for n, line in enumerate(lines, 1) if needle in line]
    return found


def test_bad_references_are_positioned_errors(tmp_path):
    root = copy_root(tmp_path)
    edit(root, DS, "kind: cep                    # filed in ema dossiers only", "kind: cepp")
    edit(root, DS, "        type: II\n", "        type: VII\n        region: nmpa\n")
    edit(root, DS, "        authorisation: Module 1 (1.4.1)\n", "        authorisation: Module 1 (1.4.1)\n        copy: 3.2.R\n")
    ds = "drug_substances[levetiracetam-acme].master_files"
    found = _codes(root)
    assert ("E2561", line_of(root, DS, "kind: cepp"), f"{ds}[eu-cep].kind") in found
    assert ("E2565", line_of(root, DS, "type: VII"), f"{ds}[us-dmf].type") in found
    assert ("E2563", line_of(root, DS, "region: nmpa"), f"{ds}[us-dmf].region") in found
    assert ("E2562", line_of(root, DS, "copy: 3.2.R"), f"{ds}[us-dmf].copy") in found
    messages = [str(d) for d in prepared_diagnostics(root, PRODUCT, "fda")]
    assert any("E2561" in m and "did you mean 'cep'?" in m and f"{DS}:{line_of(root, DS, 'kind: cepp')}:" in m
               for m in messages), messages
    assert any("E2562" in m and "takes no `copy`" in m for m in messages), messages


def test_an_unknown_field_of_a_reference_is_a_positioned_error(tmp_path):
    root = copy_root(tmp_path)
    edit(root, DS, "        type: II\n", "        type: II\n        numbr: '1'\n")
    assert ("E2202", line_of(root, DS, "numbr: '1'"), "drug_substances[levetiracetam-acme].master_files[us-dmf].numbr") \
        in _codes(root)


def test_a_covered_section_outside_the_substance_is_a_positioned_error(tmp_path):
    root = copy_root(tmp_path)
    line = edit(root, DS, "3.2.S.2.6, 3.2.S.3, 3.2.S.6, 3.2.S.7]", "3.2.S.2.6, 3.2.S.3, 3.2.S.6, 3.2.S.7, 3.2.P.5.1, 3.2.S.9]")
    found = [d for d in prepared_diagnostics(root, PRODUCT, "fda") if d.code == "E2564"]
    assert {(d.origin.path, d.origin.line, d.field) for d in found} == {
        (DS, line, "drug_substances[levetiracetam-acme].master_files[us-dmf].covered_sections")}
    assert sorted(d.message.split("'")[1] for d in found) == ["3.2.P.5.1", "3.2.S.9"]
    assert all("is not a 3.2.S section" in d.message for d in found)


def test_the_applicants_part_marked_covered_is_a_configurable_warning(tmp_path):
    root = copy_root(tmp_path)
    line = edit(root, DS, "3.2.S.2.6, 3.2.S.3, 3.2.S.6, 3.2.S.7]", "3.2.S.2.6, 3.2.S.3, 3.2.S.6, 3.2.S.7, 3.2.S.4.1]")
    found = [d for d in prepared_diagnostics(root, PRODUCT, "fda") if d.code == "F4881"]
    assert [(d.severity, d.origin.line, d.field) for d in found] == [
        ("warning", line, "drug_substances[levetiracetam-acme].master_files[us-dmf].covered_sections[3.2.S.4.1]")]
    assert "the drug substance specification and batch data" in found[0].message
    assert not [d for d in prepared_diagnostics(root, PRODUCT, "ema") if d.code == "F4881"]  # the CEP does not cover it
    profile = root / "templates/fda/region.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "master_file_kinds:\n  dmf:\n    outside: \"off\"\n",
                       encoding="utf-8")
    assert not [d for d in prepared_diagnostics(root, PRODUCT, "fda") if d.code == "F4881"]


def test_a_reference_without_its_number_is_a_readiness_blocker(tmp_path):
    root = copy_root(tmp_path)
    edit(root, NMPA, "        number: Y20190001234\n", "")
    items = prepared_diagnostics(root, PRODUCT, "nmpa")
    assert [(d.code, d.severity, d.field) for d in items if d.code == "F4882"] == [
        ("F4882", "warning", "drug_substances[levetiracetam-acme].master_files[cn-registration].number")]
    found = {r.region: r for r in readiness(root, [PRODUCT])}
    assert {b.kind: b.count for b in found["nmpa"].blocking()}.get("master-file") == 1
    assert not {b.kind for b in found["fda"].blocking()} & {"master-file"}
    build(root, [PRODUCT], ["nmpa"], jobs=1)
    paragraphs, _ = text_of(leaves(root, "nmpa", "3.2.S.2.2")[0])
    assert "本部分信息见登记号为（未注明）的原料药登记资料（登记人：台州艾克精细化工有限公司），该原料药与本制剂关联审评；" \
           "原料药登记人出具的授权使用书见第一部分（1.4）。" in paragraphs


def test_records_written_for_a_covered_section_are_not_dropped_in_silence(tmp_path):
    root = copy_root(tmp_path)
    edit(root, DS, "    reference_standards:\n", "    container_closure:\n"
         "      - {id: drum, component: Fibre drum, material: double LDPE bags, standard: In-house}\n"
         "    reference_standards:\n")
    found = [d for d in prepared_diagnostics(root, PRODUCT, "fda") if d.code == "W2566"]
    assert [d.message.split(" is covered")[0] for d in found] == ["3.2.S.6 Container Closure System"]
    assert found[0].field == "drug_substances[levetiracetam-acme]"


def test_a_kind_without_its_regions_statement_is_a_positioned_error(tmp_path):
    """A kind added to the profiles without its wording stops at validation, never a traceback at render."""
    root = copy_root(tmp_path)
    profile = root / "templates/common/profile.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("master_file_kinds:\n", "master_file_kinds:\n  us-mf:\n    name: US master file\n"
                                    "    regions: [fda]\n    allowed: [number]\n    may_cover: [3.2.S.2.2]\n", 1),
                       encoding="utf-8")
    edit(root, DS, "kind: dmf ", "kind: us-mf ")
    edit(root, DS, "        type: II\n", "")
    edit(root, DS, "        holder: Acme Fine Chemicals (Zhejiang) Co., Ltd.\n        authorisation: Module 1 (1.4.1)\n", "")
    found = [d for d in prepared_diagnostics(root, PRODUCT, "fda") if d.severity == "error"]
    assert [(d.code, d.origin.line, d.field) for d in found] == [
        ("E2567", line_of(root, DS, "kind: us-mf"), "drug_substances[levetiracetam-acme].master_files[us-dmf].kind")]
    assert "add the label master_file_us-mf" in found[0].message


def _printed(root: Path, region: str, suffix: str) -> str:
    """What one leaf prints (the blocks `invoke build` writes), without rendering the dossier."""
    from builder.pipeline import prepare
    from builder.project import Project

    dossier = prepare(Project(root), [PRODUCT], [region], diags=Diagnostics())[0]
    [units] = [units for path, units in dossier.texts.items() if path.endswith(suffix)]
    return "\n".join(units)


PROCESS = "32s2-manuf/manuf-process-and-controls.docx"


def test_an_asmf_states_its_restricted_part_and_letter_of_access(tmp_path):
    root = copy_root(tmp_path)
    edit(root, DS, "        kind: cep                    # filed in ema dossiers only\n        number: R1-CEP 2015-123-Rev 02\n",
         "        kind: asmf\n        number: EMEA/ASMF/00123\n        authorisation: Module 1 (1.2, annex)\n")
    edit(root, DS, "        copy: Module 1 (annex to the application form) and 3.2.R\n", "")
    assert [d.field.split("[")[-1] for d in prepared_diagnostics(root, PRODUCT, "ema") if d.code == "F4881"] == [
        f"{n}]" for n in ("3.2.S.3.1", "3.2.S.3.2", "3.2.S.6", "3.2.S.7.1", "3.2.S.7.2", "3.2.S.7.3")]  # the applicant's part
    assert "This information is given in the restricted part of the Active Substance Master File EMEA/ASMF/00123 held " \
           "by Acme Fine Chemicals (Zhejiang) Co., Ltd., which the ASMF holder submits directly to the competent " \
           "authorities; a letter of access is provided in Module 1 (1.2, annex)." in _printed(root, "ema", PROCESS)


def test_a_clause_goes_with_its_field(tmp_path):
    """No letter of authorization is claimed where the content names none, and no holder or copy."""
    root = copy_root(tmp_path)
    edit(root, DS, "        authorisation: Module 1 (1.4.1)\n", "")
    edit(root, DS, "        copy: Module 1 (annex to the application form) and 3.2.R\n", "")
    edit(root, NMPA, "        authorisation: 第一部分（1.4）\n", "")
    fda, ema, nmpa = (_printed(root, region, PROCESS) for region in REGIONS)
    assert "This information is provided in DMF Type II No. 012345 held by Acme Fine Chemicals (Zhejiang) Co., Ltd." \
           in fda.split("\n") and "letter of authorization" not in fda
    assert "(CEP) R1-CEP 2015-123-Rev 02 held by Acme Fine Chemicals (Zhejiang) Co., Ltd." in ema and "a copy" not in ema
    assert "该原料药与本制剂关联审评。" in nmpa and "授权使用书" not in nmpa


@pytest.mark.parametrize("old, new, code", [
    ("3.2.S.2.6, 3.2.S.3, 3.2.S.6, 3.2.S.7]", "3.2.S.2.6, 3.2.S.3, 3.2.S.6, S.7.1]", "E2208"),   # not a CTD number
    ("covered_sections: [3.2.S.2.2, 3.2.S.2.3, 3.2.S.2.4, 3.2.S.2.5, 3.2.S.2.6, 3.2.S.3, 3.2.S.6, 3.2.S.7]\n      - id: eu-cep",
     "covered_sections: 3.2.S.2.2\n      - id: eu-cep", "E2203"),                                      # not a list
    ("        type: II\n", "        type: [II]\n", "E2203"),
])
def test_malformed_values_are_positioned_errors_not_tracebacks(tmp_path, old, new, code):
    root = copy_root(tmp_path)
    line = edit(root, DS, old, new)
    found = [d for d in prepared_diagnostics(root, PRODUCT, "fda") if d.severity == "error"]
    assert [(d.code, d.origin.path, d.origin.line) for d in found] == [(code, DS, line)], [str(d) for d in found]
    assert found[0].field.startswith("drug_substances[levetiracetam-acme].master_files[us-dmf].")


def test_the_root_validates_against_the_editor_schemas():
    """What editors check as the writer types (schemas/, docs/editor-support.md) accepts master files too."""
    from test_jsonschema import _load, _problems, _validator

    from builder.jsonschema import content_schema, overlay_schema

    overlay, content, merged = _validator(overlay_schema()), _validator(content_schema()), {}
    folder = ROOT / "content" / PRODUCT
    for path in sorted((folder / "core").glob("*.yaml")) + sorted(folder.glob("*.yaml")):
        data = _load(path)
        assert _problems(overlay, data) == [], path.name
        if path.parent.name == "core":
            merged.update(data)
    assert _problems(content, merged) == []
    bad = {**merged, "drug_substances": [{**merged["drug_substances"][0], "master_files": [{"id": "x", "kind": "dmf"}]}]}
    assert any("'covered_sections' is a required property" in p for p in _problems(content, bad))
