"""Generate the house-style template .docx files from raw WordprocessingML.

Why not python-docx's default template: its Office theme maps East Asian text to MS Mincho
(pitfalls.md §5), and it carries a stylesWithEffects part that openxml-audit flags, fixed 2013 dates and
"python-docx" metadata. Here every part is written from scratch, so a template holds exactly the
styles the renderer emits, explicit fonts, and the same bytes on every build (pitfalls.md §4.3).

Templates carry no facts: only Jinja placeholders for the heading, subject, header and footer, and
one `{{p block }}` paragraph that docxtpl replaces with the renderer's paragraphs and tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_write
from .namespaces import R_NS, REL_NS

from builder.ooxml import housestyle_xml as hx
from builder.ooxml.package import write_package


@dataclass(frozen=True)
class EastAsia:
    """East Asian typography from a region profile (e.g. NMPA: SimSun, SimHei, zh-CN)."""

    body_font: str
    heading_font: str
    lang: str

    def __post_init__(self) -> None:
        """Reject values that would corrupt the XML or silently fall back to another font."""
        for font in (self.body_font, self.heading_font):
            if not font or not font.strip() or any(ord(c) < 0x20 for c in font):
                raise ValueError(f"invalid East Asian font name: {font!r}")
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", self.lang):
            raise ValueError(f"invalid East Asian language tag: {self.lang!r}")


TEMPLATE_NAMES = ("narrative", "specification", "composition", "batch-analyses", "stability-data", "risk-register")
LANDSCAPE = frozenset({"batch-analyses", "stability-data", "risk-register"})  # risk-register: `invoke risks`, not a leaf

A4_SHORT, A4_LONG = 11906, 16838
MARGINS = {"top": 1134, "right": 1134, "bottom": 1134, "left": 1247,
           "header": 567, "footer": 567, "gutter": 0}

CREATOR = "CMC Dossier Builder"
FIXED_DATE = "2026-01-01T00:00:00Z"

_CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_RT = R_NS
# (relationship id, type suffix, target, content type) for each part the document references.
_DOC_PARTS = (
    ("rId1", "styles", "styles.xml", f"{_CT_MAIN}.styles+xml"),
    ("rId2", "settings", "settings.xml", f"{_CT_MAIN}.settings+xml"),
    ("rId3", "numbering", "numbering.xml", f"{_CT_MAIN}.numbering+xml"),
    ("rId4", "fontTable", "fontTable.xml", f"{_CT_MAIN}.fontTable+xml"),
    ("rId5", "header", "header1.xml", f"{_CT_MAIN}.header+xml"),
    ("rId6", "footer", "footer1.xml", f"{_CT_MAIN}.footer+xml"),
    ("rId7", "theme", "theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
)


def page_size(name: str) -> tuple[int, int]:
    """(width, height) in twips. Landscape swaps them explicitly: Word does not (pitfalls.md §5)."""
    return (A4_LONG, A4_SHORT) if name in LANDSCAPE else (A4_SHORT, A4_LONG)


def text_width(name: str) -> int:
    """Width between the margins, where the header's centre and right tabs must sit."""
    return page_size(name)[0] - MARGINS["left"] - MARGINS["right"]


def _t(text: str) -> str:
    """One run with one text element; every Jinja tag lives whole inside one of these (docxtpl)."""
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _para(style: str | None, inner: str) -> str:
    """A paragraph; style None means Normal, which Word writes without a pStyle."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{inner}</w:p>"


def _sect_pr(name: str) -> str:
    """The final section: header/footer references, A4 in the template's orientation, margins."""
    width, height = page_size(name)
    orient = ' w:orient="landscape"' if name in LANDSCAPE else ""
    margins = " ".join(f'w:{k}="{v}"' for k, v in MARGINS.items())
    return (
        '<w:sectPr><w:headerReference w:type="default" r:id="rId5"/>'
        '<w:footerReference w:type="default" r:id="rId6"/>'
        f'<w:pgSz w:w="{width}" w:h="{height}"{orient}/><w:pgMar {margins}/>'
        '<w:cols w:space="720"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )


def document_xml(name: str) -> str:
    """word/document.xml: heading, subject, then the block loop that docxtpl expands."""
    body = (
        _para("Heading1", _t("{{ doc.heading }}"))
        + _para("Subtitle", _t("{{ doc.subject }}"))
        + _para(None, _t("{%p for block in blocks %}"))
        + _para(None, _t("{{p block }}"))
        + _para(None, _t("{%p endfor %}"))
    )
    return f"{hx.DECL}<w:document {hx.NS}><w:body>{body}{_sect_pr(name)}</w:body></w:document>"


def header_xml(name: str) -> str:
    """word/header1.xml: product left, section and title right.

    The Header style's stops (4513/9026) assume Word's default 1-inch margins. The paragraph
    clears them and sets stops at half and full text width for this page, so the right-aligned
    text ends exactly at the right margin in portrait and landscape alike.
    """
    width = text_width(name)
    tabs = (
        '<w:tabs><w:tab w:val="clear" w:pos="4513"/><w:tab w:val="clear" w:pos="9026"/>'
        f'<w:tab w:val="center" w:pos="{width // 2}"/><w:tab w:val="right" w:pos="{width}"/>'
        "</w:tabs>"
    )
    ppr = f'<w:pPr><w:pStyle w:val="Header"/>{tabs}</w:pPr>'
    runs = _t("{{ doc.product }}") + "<w:r><w:tab/><w:tab/></w:r>"
    runs += _t("{{ doc.section }} {{ doc.title }}")
    return f"{hx.DECL}<w:hdr {hx.NS}><w:p>{ppr}{runs}</w:p></w:hdr>"


def _field(instruction: str) -> str:
    """A complex field with a cached result of "1"; Word/LibreOffice recompute it on layout."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def footer_xml() -> str:
    """word/footer1.xml: "Page X of Y" with the words from the region's labels (e.g. 第 X 页 共 Y 页)."""
    runs = (
        _t("{{ labels.page_before }}") + _field("PAGE") + _t("{{ labels.page_middle }}")
        + _field("NUMPAGES") + _t("{{ labels.page_after }}")
    )
    return f'{hx.DECL}<w:ftr {hx.NS}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{runs}</w:p></w:ftr>'


def content_types_xml() -> str:
    """[Content_Types].xml: defaults for rels/xml, an override for every other part."""
    overrides = [("/word/document.xml", f"{_CT_MAIN}.document.main+xml")]
    overrides += [(f"/word/{target}", ct) for _, _, target, ct in _DOC_PARTS]
    overrides += [
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    items = "".join(f'<Override PartName="{p}" ContentType="{ct}"/>' for p, ct in overrides)
    return (
        f'{hx.DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{items}</Types>"
    )


def _rels(rows: list[tuple[str, str, str]]) -> str:
    """A relationships part from (id, full type, target) rows."""
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rows)
    ns = REL_NS
    return f'{hx.DECL}<Relationships xmlns="{ns}">{items}</Relationships>'


def package_rels_xml() -> str:
    """_rels/.rels: the main document and the two property parts."""
    return _rels([
        ("rId1", f"{_RT}/officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                 "core-properties", "docProps/core.xml"),
        ("rId3", f"{_RT}/extended-properties", "docProps/app.xml"),
    ])


def document_rels_xml() -> str:
    """word/_rels/document.xml.rels: ids match the header/footer references in sectPr."""
    return _rels([(rid, f"{_RT}/{kind}", target) for rid, kind, target, _ in _DOC_PARTS])


def core_xml() -> str:
    """docProps/core.xml with fixed dates, so the template's bytes never depend on the clock."""
    dates = "".join(
        f'<dcterms:{k} xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:{k}>'
        for k in ("created", "modified")
    )
    return (
        f"{hx.DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title></dc:title><dc:creator>{CREATOR}</dc:creator>"
        f"<cp:lastModifiedBy>{CREATOR}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f"{dates}</cp:coreProperties>"
    )


def app_xml() -> str:
    """docProps/app.xml naming this tool as the producing application."""
    return (
        f"{hx.DECL}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>{CREATOR}</Application><DocSecurity>0</DocSecurity></Properties>"
    )


def template_parts(name: str, east_asia: EastAsia | None = None) -> dict[str, str]:
    """Every part of the template by name; exactly these, nothing inherited from elsewhere."""
    return {
        "[Content_Types].xml": content_types_xml(),
        "_rels/.rels": package_rels_xml(),
        "docProps/core.xml": core_xml(),
        "docProps/app.xml": app_xml(),
        "word/document.xml": document_xml(name),
        "word/styles.xml": hx.styles_xml(east_asia),
        "word/settings.xml": hx.settings_xml(east_asia),
        "word/numbering.xml": hx.numbering_xml(east_asia),
        "word/fontTable.xml": hx.font_table_xml(east_asia),
        "word/header1.xml": header_xml(name),
        "word/footer1.xml": footer_xml(),
        "word/theme/theme1.xml": hx.theme_xml(east_asia),
        "word/_rels/document.xml.rels": document_rels_xml(),
    }


def build_template(name: str, east_asia: EastAsia | None = None) -> bytes:
    """The .docx bytes of template `name`; identical bytes for identical arguments."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {name!r}; expected one of {', '.join(TEMPLATE_NAMES)}")
    parts = template_parts(name, east_asia)
    return write_package({k: v.encode("utf-8") for k, v in parts.items()})


def write_templates(dest: Path, east_asia: EastAsia | None = None, force: bool = False) -> list[Path]:
    """Write dest/<name>.docx for every template and return the paths in TEMPLATE_NAMES order.

    Without `force`, refuses before writing anything if any target exists: a template may have
    been edited by hand, and overwriting it silently would lose that work.
    """
    dest = Path(dest)
    targets = [dest / f"{name}.docx" for name in TEMPLATE_NAMES]
    if not force:
        existing = [p for p in targets if p.exists()]
        if existing:
            raise FileExistsError(f"{existing[0]} exists (use force=True to overwrite)")
    dest.mkdir(parents=True, exist_ok=True)
    for name, path in zip(TEMPLATE_NAMES, targets):
        atomic_write(path, build_template(name, east_asia))
    return targets
