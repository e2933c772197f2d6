"""End to end: build the shipped example for FDA, EMA and NMPA and open what was written."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from builder.pipeline import build
from builder.project import Project
from builder.pipeline import prepare

from conftest import REPO, only_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REGIONS = ("fda", "ema", "nmpa")


def copy_project(dest: Path) -> Path:
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, dest / name, ignore=only_example)
    return dest


def tree_hashes(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("project"))
    before = {**tree_hashes(root / "content"), **tree_hashes(root / "templates")}
    build(root)
    return root, before


def leaves(root: Path, region: str) -> list[dict]:
    return json.loads((root / "output/examplinib" / region / "manifest.json").read_text())["leaves"]


def open_leaf(root: Path, region: str, number: str, index: int = 0):
    match = [leaf for leaf in leaves(root, region) if leaf["number"] == number][index]
    return docx.Document(root / "output/examplinib" / region / match["path"])


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


@pytest.mark.parametrize("region", REGIONS)
def test_every_planned_leaf_exists_and_matches_the_manifest(built, region):
    root, _ = built
    dossier = next(d for d in prepare(Project(root), ["examplinib"], [region]))
    listed = leaves(root, region)
    assert [leaf["path"] for leaf in listed] == [leaf.path for leaf in dossier.leaves]
    written = sorted(p.relative_to(root / "output/examplinib" / region).as_posix()
                     for p in (root / "output/examplinib" / region).rglob("*.docx"))
    assert written == sorted(leaf["path"] for leaf in listed)
    for leaf in listed:
        data = (root / "output/examplinib" / region / leaf["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == leaf["sha256"]
        assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*(\.docx)?", n) and len(n) <= 64 for n in leaf["path"].split("/"))
        assert len(leaf["path"]) <= 150
        assert leaf["sources"] and all(s.startswith("content/examplinib/") for s in leaf["sources"])
    inputs = {i["path"]: i["role"] for i in json.loads((root / "output/examplinib" / region / "manifest.json").read_text())["inputs"]}
    assert inputs["templates/common/criteria.yaml"] == inputs["templates/common/impurity-thresholds.yaml"] == "rules"


@pytest.mark.parametrize("region", REGIONS)
def test_every_3_2_s_and_3_2_p_leaf_is_built(built, region):
    numbers = {leaf["number"] for leaf in leaves(built[0], region)}
    tree = (REPO / "templates/common/structure-m4q-r1.yaml").read_text()
    expected = {n for n in re.findall(r'number: "(3\.2\.[SP][.0-9]*)"', tree) if n.count(".") >= 3}
    expected -= {"3.2.S.1", "3.2.S.2", "3.2.S.3", "3.2.S.4", "3.2.S.7", "3.2.P.3", "3.2.P.4", "3.2.P.5", "3.2.P.8"}
    assert len(expected) == 45  # 21 drug-substance and 24 drug-product leaves
    assert expected <= numbers, sorted(expected - numbers)


@pytest.mark.parametrize("region", REGIONS)
def test_no_template_syntax_none_or_blank_headings_in_any_output(built, region):
    root, _ = built
    for leaf in leaves(root, region):
        document = docx.Document(root / "output/examplinib" / region / leaf["path"])
        text = all_text(document)
        assert "{{" not in text and "{%" not in text, leaf["path"]
        assert not re.search(r"\bNone\b", text), leaf["path"]
        heading = document.paragraphs[0]
        assert heading.style.name == "Heading 1" and heading.text == f"{leaf['number']} {leaf['title']}"


def test_nmpa_uses_official_chinese_titles_and_east_asian_fonts(built):
    root, _ = built
    titles = {leaf["number"]: leaf["title"] for leaf in leaves(root, "nmpa")}
    assert titles["3.2.S.4.1"] == "质量标准"
    assert titles["3.2.P.5.5"] == "杂质分析"
    assert titles["3.2.S.1.1"] == "药品名称"
    document = open_leaf(root, "nmpa", "3.2.P.5.1")
    styles = document.styles.element
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "SimSun"
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert defaults.find(f"{W}sz").get(f"{W}val") == "24"  # 小四: 12 pt body text
    heading = styles.find(f"{W}style[@{W}styleId='Heading1']/{W}rPr/{W}rFonts")
    assert heading.get(f"{W}eastAsia") == "SimHei"
    assert not any("Theme" in attr for el in styles.iter() for attr in el.attrib)
    assert document.sections[0].footer.paragraphs[0].text.startswith("第 ")
    assert document.tables[0].rows[0].cells[0].text == "检查项目"


def test_ema_uses_eu_terminology(built):
    root, _ = built
    subject = open_leaf(root, "ema", "3.2.S.4.1").paragraphs[1].text
    assert subject.startswith("Active substance: examplinib mesylate")
    assert open_leaf(root, "ema", "3.2.P.5.1").paragraphs[1].text.startswith("Finished product: ")


@pytest.mark.parametrize("region, width, height", [("fda", 12240, 15840), ("ema", 11906, 16838), ("nmpa", 11906, 16838)])
def test_page_size_per_region_and_landscape_data_tables(built, region, width, height):
    root, _ = built
    portrait = open_leaf(root, region, "3.2.P.5.1").sections[0]
    assert (portrait.page_width.twips, portrait.page_height.twips) == (width, height)
    for number in ("3.2.P.5.4", "3.2.P.8.3", "3.2.S.7.3"):
        section = open_leaf(root, region, number).sections[0]
        assert (section.page_width.twips, section.page_height.twips) == (height, width)
        assert section.orientation == 1  # WD_ORIENT.LANDSCAPE


def test_header_and_footer_carry_product_section_and_page_fields(built):
    root, _ = built
    document = open_leaf(root, "fda", "3.2.S.4.1")
    header = document.sections[0].header.paragraphs[0].text
    assert "Examplinib" in header and "3.2.S.4.1 Specification" in header
    footer = document.sections[0].footer.paragraphs[0]
    instructions = [t.text.strip() for t in footer._p.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Page ") and " of " in footer.text


def test_specification_table_prints_criteria_verbatim_with_split_release_and_shelf_life(built):
    root, _ = built
    document = open_leaf(root, "fda", "3.2.P.5.1")
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells][2:] == ["Release", "Expiration dating period"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[2:]}
    assert any(v[2] != v[3] for v in rows.values())  # assay or degradation products differ
    source = (root / "content/examplinib/core/drug-product.yaml").read_text()
    for values in rows.values():
        assert values[2] in source or values[2] in (root / "content/examplinib/fda.yaml").read_text()
    assert table.style.name == "CMC Table"
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None


def test_overlays_change_compendial_references(built):
    root, _ = built
    procedures = {r: [row.cells[1].text for row in open_leaf(root, r, "3.2.P.5.1").tables[0].rows] for r in REGIONS}
    assert any("USP" in p for p in procedures["fda"])
    assert any("Ph. Eur." in p for p in procedures["ema"])
    assert any("ChP" in p for p in procedures["nmpa"])


def test_narrative_markdown_becomes_word_lists_and_formatting(built):
    root, _ = built
    for leaf in leaves(root, "fda"):
        document = docx.Document(root / "output/examplinib/fda" / leaf["path"])
        for paragraph in document.paragraphs:
            assert "**" not in paragraph.text, leaf["path"]
    document = open_leaf(root, "fda", "3.2.S.2.4")
    styles = {p.style.name for p in document.paragraphs}
    assert "List Bullet" in styles
    assert any(r.bold for p in document.paragraphs for r in p.runs)


def test_numbered_lists_restart_at_one(built):
    root, _ = built
    document = open_leaf(root, "fda", "3.2.S.3.1")
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered
    num_id = numbered[0]._p.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    num = numbering.find(f"{W}num[@{W}numId='{num_id}']")
    assert num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val") == "1"


def test_content_and_templates_are_never_modified(built):
    root, before = built
    assert {**tree_hashes(root / "content"), **tree_hashes(root / "templates")} == before


def test_builds_are_byte_for_byte_reproducible(built, tmp_path):
    root, _ = built
    other = copy_project(tmp_path)
    env = {**os.environ, "TZ": "Asia/Shanghai", "PYTHONHASHSEED": "3"}
    subprocess.run([os.sys.executable, "-c", "import sys; from pathlib import Path; from builder.pipeline import build; "
                    "build(Path(sys.argv[1]), ['examplinib'], ['nmpa'])", str(other)], check=True, env=env, cwd=REPO)
    assert tree_hashes(other / "output/examplinib/nmpa") == tree_hashes(root / "output/examplinib/nmpa")


def test_openxml_audit_finds_no_errors_in_built_leaves(built):
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    root, _ = built
    validator = OpenXmlValidator()
    for region in REGIONS:
        for leaf in leaves(root, region):
            result = validator.validate(root / "output/examplinib" / region / leaf["path"])
            errors = [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]
            assert not errors, (leaf["path"], errors[:3])


def test_libreoffice_converts_a_sample_of_each_region_to_pdf(built, tmp_path, soffice):
    root, _ = built
    sample = []
    for region in REGIONS:
        for number in ("3.2.S.1.1", "3.2.P.5.1", "3.2.P.8.3"):
            leaf = next(leaf for leaf in leaves(root, region) if leaf["number"] == number)
            target = tmp_path / f"{region}-{number.replace('.', '-')}.docx"
            shutil.copy(root / "output/examplinib" / region / leaf["path"], target)
            sample.append(target)
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *map(str, sample)], check=True, capture_output=True, timeout=300)
    for docx_file in sample:  # soffice exits 0 even when a file fails to load: check each PDF
        pdf = tmp_path / "pdf" / (docx_file.stem + ".pdf")
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000, pdf.name


def test_verify_checks_region_folders_only_and_names_a_tampered_leaf(built):
    from builder.errors import DossierError
    from builder.commands.verify import verify

    root, _ = built
    (root / "output/review/examplinib/fda").mkdir(parents=True, exist_ok=True)
    (root / "output/review/summary.md").write_text("review output, not a build\n")
    (root / "output/examplinib/region-comparison.md").write_text("a report beside the regions\n")
    assert len(verify(root)) == 3
    leaf = root / "output/examplinib/ema" / leaves(root, "ema")[0]["path"]
    data = leaf.read_bytes()
    leaf.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    try:
        with pytest.raises(DossierError) as caught:
            verify(root)
        assert caught.value.category == 5 and leaves(root, "ema")[0]["path"] in str(caught.value)
    finally:
        leaf.write_bytes(data)
