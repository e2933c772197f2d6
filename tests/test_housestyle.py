"""The generated house-style templates: valid OOXML, the styles the renderer needs, and docxtpl-ready.

The tests run over the .docx files on disk, so a template a writer restyled in Word is held to the
same contract (parts, styles, variables, audit) as a freshly generated one.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import jinja2
import jinja2.sandbox
import pytest
from docxtpl import DocxTemplate
from lxml import etree
from openxml_audit import OpenXmlValidator, ValidationSeverity

from builder.ooxml.housestyle import (
    LANDSCAPE,
    TEMPLATE_NAMES,
    EastAsia,
    build_template,
    write_templates,
)

ROOT = Path(__file__).resolve().parents[1]
NMPA = EastAsia("SimSun", "SimHei", "zh-CN")
PROFILES = {"common": None, "nmpa": NMPA}
TEMPLATE_FILES = sorted(
    p for region in PROFILES for p in (ROOT / "templates" / region).glob("*.docx")
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSMAP = {"w": W}

STYLE_IDS = {
    "Normal", "Heading1", "Heading2", "Heading3", "Subtitle", "Caption", "TableText",
    "TableHeading", "ListBullet", "ListNumber", "Header", "Footer", "Note",
    "DefaultParagraphFont", "TableNormal", "CMCTable",
}
EXPECTED_PARTS = {
    "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
    "word/document.xml", "word/styles.xml", "word/settings.xml", "word/numbering.xml",
    "word/fontTable.xml", "word/header1.xml", "word/footer1.xml", "word/theme/theme1.xml",
    "word/_rels/document.xml.rels",
}

LIST_ITEM = (
    '<w:p><w:pPr><w:pStyle w:val="ListNumber"/></w:pPr><w:r><w:t>one</w:t></w:r></w:p>'
)
TABLE = (
    '<w:tbl><w:tblPr><w:tblStyle w:val="CMCTable"/><w:tblW w:w="0" w:type="auto"/>'
    '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
    ' w:noHBand="0" w:noVBand="1"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>'
    '<w:tr><w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>'
    '<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr><w:r><w:t>cell</w:t></w:r></w:p>'
    "</w:tc></w:tr></w:tbl>"
)


class Block:
    """Stands in for the renderer's blocks: markup that autoescape must pass through unchanged."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return self.xml


def context() -> dict:
    return {
        "doc": {
            "product": "P & Q <Tablets>",
            "section": "3.2.P.5.1",
            "title": "Specification(s)",
            "heading": "3.2.P.5.1 Specification(s)",
            "subject": "Drug product: X",
        },
        "labels": {"page_before": "Page ", "page_middle": " of ", "page_after": ""},
        "blocks": [Block(LIST_ITEM), Block(TABLE)],
    }


def jinja_env() -> jinja2.Environment:
    return jinja2.sandbox.SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


_VALIDATOR = OpenXmlValidator()  # strict policy, Office 2019: the CLI's defaults


def audit_errors(path: Path) -> list[str]:
    """openxml-audit findings of ERROR severity, in-process (same checks as `openxml-audit PATH`)."""
    result = _VALIDATOR.validate(path)
    return [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]


def part(data: bytes | Path, name: str) -> etree._Element:
    raw = data.read_bytes() if isinstance(data, Path) else data
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return etree.fromstring(zf.read(name))


def ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def test_every_template_is_on_disk():
    expected = {f"{r}/{n}" for r in PROFILES for n in TEMPLATE_NAMES}
    assert set(ids(TEMPLATE_FILES)) == expected


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_template_passes_openxml_audit(path):
    assert audit_errors(path) == []


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_template_has_exactly_the_expected_parts(path):
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == EXPECTED_PARTS


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_python_docx_sees_every_style(path):
    document = docx.Document(str(path))
    assert STYLE_IDS <= {s.style_id for s in document.styles}
    assert document.core_properties.author == "CMC Dossier Builder"


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_undeclared_variables_are_the_view_model_roots(path):
    names = DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env())
    assert names == {"doc", "labels", "blocks"}


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_render_fills_header_body_and_keeps_fields(path, tmp_path):
    tpl = DocxTemplate(str(path))
    tpl.render(context(), jinja_env(), autoescape=True)
    out = tmp_path / "out.docx"
    tpl.save(str(out))

    rendered = docx.Document(str(out))
    assert "P & Q <Tablets>" in rendered.sections[0].header.paragraphs[0].text
    assert rendered.paragraphs[0].text == "3.2.P.5.1 Specification(s)"
    assert rendered.paragraphs[0].style.style_id == "Heading1"
    assert [t.style.style_id for t in rendered.tables] == ["CMCTable"]
    assert "one" in [p.text for p in rendered.paragraphs if p.style.style_id == "ListNumber"]

    instr = [i.text for i in part(out, "word/footer1.xml").iter(f"{{{W}}}instrText")]
    assert instr == [" PAGE ", " NUMPAGES "]
    body = etree.tostring(part(out, "word/document.xml"), encoding="unicode")
    assert "{{" not in body and "{%" not in body
    assert audit_errors(out) == []


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_build_is_deterministic(name):
    assert build_template(name, NMPA) == build_template(name, NMPA)
    assert build_template(name) == build_template(name)


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_page_orientation(path):
    pg_sz = part(path, "word/document.xml").find("w:body/w:sectPr/w:pgSz", NSMAP)
    width, height = int(pg_sz.get(f"{{{W}}}w")), int(pg_sz.get(f"{{{W}}}h"))
    if path.stem in LANDSCAPE:
        assert width > height and pg_sz.get(f"{{{W}}}orient") == "landscape"
    else:
        assert height > width and pg_sz.get(f"{{{W}}}orient") is None


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_header_right_tab_ends_at_the_right_margin(path):
    root = part(path, "word/document.xml")
    pg_w = int(root.find("w:body/w:sectPr/w:pgSz", NSMAP).get(f"{{{W}}}w"))
    mar = root.find("w:body/w:sectPr/w:pgMar", NSMAP)
    width = pg_w - int(mar.get(f"{{{W}}}left")) - int(mar.get(f"{{{W}}}right"))
    tabs = part(path, "word/header1.xml").findall(".//w:pPr/w:tabs/w:tab", NSMAP)
    stops = {t.get(f"{{{W}}}val"): int(t.get(f"{{{W}}}pos")) for t in tabs}
    assert stops["right"] == width and stops["center"] == width // 2


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_no_theme_font_attributes_anywhere(path):
    with zipfile.ZipFile(path) as zf:
        xml_parts = [n for n in zf.namelist() if n.endswith((".xml", ".rels"))]
        for name in xml_parts:
            for el in etree.fromstring(zf.read(name)).iter():
                themed = [a for a in el.attrib if a.startswith(f"{{{W}}}") and
                          a.lower().endswith("theme")]
                assert themed == [], f"{name}: {themed}"


def _style(styles, style_id):
    return styles.find(f"w:style[@w:styleId='{style_id}']", NSMAP)


@pytest.mark.parametrize("path", [p for p in TEMPLATE_FILES if p.parent.name == "nmpa"],
                         ids=lambda p: p.stem)
def test_nmpa_styles_carry_east_asian_typography(path):
    styles = part(path, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NSMAP)
    assert defaults.find("w:rFonts", NSMAP).get(f"{{{W}}}eastAsia") == "SimSun"
    assert defaults.find("w:lang", NSMAP).get(f"{{{W}}}eastAsia") == "zh-CN"
    heading_fonts = _style(styles, "Heading1").find("w:rPr/w:rFonts", NSMAP)
    assert heading_fonts.get(f"{{{W}}}eastAsia") == "SimHei"
    assert _style(styles, "TableText").find("w:rPr/w:rFonts", NSMAP).get(
        f"{{{W}}}eastAsia") == "SimSun"
    settings = part(path, "word/settings.xml")
    assert settings.find("w:themeFontLang", NSMAP).get(f"{{{W}}}eastAsia") == "zh-CN"


@pytest.mark.parametrize("path", [p for p in TEMPLATE_FILES if p.parent.name == "common"],
                         ids=lambda p: p.stem)
def test_common_templates_have_no_east_asian_font(path):
    with zipfile.ZipFile(path) as zf:
        for name in ("word/styles.xml", "word/numbering.xml", "word/settings.xml"):
            assert b"w:eastAsia=" not in zf.read(name), name


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=ids(TEMPLATE_FILES))
def test_every_style_names_explicit_fonts_and_headings_are_unnumbered(path):
    styles = part(path, "word/styles.xml")
    for style in styles.findall("w:style[@w:type='paragraph']", NSMAP):
        fonts = style.find("w:rPr/w:rFonts", NSMAP)
        assert fonts is not None, style.get(f"{{{W}}}styleId")
        assert {f"{{{W}}}{k}" for k in ("ascii", "hAnsi", "cs")} <= set(fonts.attrib)
    for level in (1, 2, 3):
        assert _style(styles, f"Heading{level}").find("w:pPr/w:numPr", NSMAP) is None


def test_write_templates_refuses_to_overwrite(tmp_path):
    written = write_templates(tmp_path)
    assert written == [tmp_path / f"{n}.docx" for n in TEMPLATE_NAMES]
    with pytest.raises(FileExistsError):
        write_templates(tmp_path, NMPA)
    assert written[0].read_bytes() == build_template(TEMPLATE_NAMES[0])
    write_templates(tmp_path, NMPA, force=True)
    assert written[0].read_bytes() == build_template(TEMPLATE_NAMES[0], NMPA)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


def test_unknown_template_and_bad_profile_are_rejected():
    with pytest.raises(ValueError):
        build_template("appendix")
    with pytest.raises(ValueError):
        EastAsia("SimSun", "SimHei", 'zh-CN" w:foo="x')
    with pytest.raises(ValueError):
        EastAsia("", "SimHei", "zh-CN")
