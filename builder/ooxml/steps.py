"""Post-processing steps on a rendered package's parts, each one small job named for what it does.

A region profile lists the steps it wants by name (`postprocess:`); none is named for a region.
Steps take the parts (name → bytes) and a `Finish` of plain values; they never see the content model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .namespaces import CP_NS, DC_NS, DCTERMS_NS, W_NS, XSI_NS, clark
from .blocks import FIRST_LIST_ID
from . import layout

W = W_NS
NS = {"w": W}
PAGE_SIZES = {"A4": (11906, 16838), "letter": (12240, 15840)}  # twentieths of a point, portrait
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


@dataclass(frozen=True)
class Finish:
    """What the steps need to know about the document, as plain values."""

    title: str
    date: str  # YYYY-MM-DD
    language: str
    page_size: str
    east_asia: tuple[str, str, str] | None  # body font, heading font, language tag
    body_size_pt: str = ""  # body text size in points, when the region sets one
    keep_table_rows: int = 0  # tables of at most this many rows stay on one page (layout.keep_table_rows)
    table_space_twips: int = 0  # space after every table, in twentieths of a point


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{W}}}{local}"


class Parts(dict):
    """A rendered package's parts (name → bytes) with each part's parsed tree kept from step to step:
    the steps parsed and serialised the document six times per leaf, a sixth of rendering. A part's
    bytes are made again only when read (`parts[name]`, `finished`)."""

    def __init__(self, parts: dict):
        super().__init__(parts)
        self.trees: dict = {}
        self.dirty: set = set()

    def __getitem__(self, name):
        if name in self.dirty:
            super().__setitem__(name, _serialised(self.trees[name]))
            self.dirty.discard(name)
        return super().__getitem__(name)

    def __setitem__(self, name, data) -> None:  # bytes set directly replace the tree kept
        self.trees.pop(name, None)
        self.dirty.discard(name)
        super().__setitem__(name, data)

    def finished(self) -> dict[str, bytes]:
        """Every part's bytes, in the package's order."""
        return {name: self[name] for name in self}


def _load(parts, name):
    if isinstance(parts, Parts):
        if name not in parts.trees:
            parts.trees[name] = etree.fromstring(dict.__getitem__(parts, name), _PARSER)
        return parts.trees[name]
    return etree.fromstring(parts[name], _PARSER)


def _store(parts, name, root) -> None:
    if isinstance(parts, Parts):
        parts.trees[name] = root
        parts.dirty.add(name)
        return
    parts[name] = _serialised(root)


def _serialised(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def page_setup(parts: dict, finish: Finish) -> None:
    """Set every section's paper size, keeping its orientation (width > height when landscape), and
    move the header's and footer's centre and right tab stops to the new text width: on US Letter the
    A4 template's right stop would end the header short of the margin (portrait) or past it (landscape)."""
    short, long = PAGE_SIZES[finish.page_size]
    root = _load(parts, "word/document.xml")
    for size in root.iter(_q("w:pgSz")):
        landscape = size.get(_q("w:orient")) == "landscape"
        size.set(_q("w:w"), str(long if landscape else short))
        size.set(_q("w:h"), str(short if landscape else long))
    _store(parts, "word/document.xml", root)
    width = _text_width(root)
    for name in sorted(n for n in parts if re.fullmatch(r"word/(header|footer)\d*\.xml", n)):
        if b"w:tab " in parts[name] or b"<w:tab w:" in parts[name]:
            _tabs_to_width(parts, name, width)


def _tabs_to_width(parts: dict, name: str, width: int) -> None:
    root = _load(parts, name)
    changed = False
    for tab in root.iterfind(".//w:pPr/w:tabs/w:tab", NS):
        kind = tab.get(_q("w:val"))
        target = {"right": width, "center": width // 2}.get(kind)
        if target is not None and tab.get(_q("w:pos")) != str(target):
            tab.set(_q("w:pos"), str(target))
            changed = True
    if changed:
        _store(parts, name, root)


_HEADING_STYLES = {"Heading1", "Heading2", "Heading3", "Caption", "TableHeading", "Title"}


def east_asian_fonts(parts: dict, finish: Finish) -> None:
    """Give every style an explicit East Asian font and the document an East Asian language.

    Without `w:lang w:eastAsia`, renderers pick Japanese glyph forms for Chinese text; theme font
    attributes would override the explicit font, so they are removed.
    """
    if not finish.east_asia:
        return
    body, heading, lang = finish.east_asia
    root = _load(parts, "word/styles.xml")
    defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    _set_font(defaults, body, lang)
    for style in root.iterfind("w:style", NS):
        rpr = style.find("w:rPr", NS)
        if rpr is not None or style.get(_q("w:styleId")) in _HEADING_STYLES:
            font = heading if style.get(_q("w:styleId")) in _HEADING_STYLES else body
            _set_font(rpr if rpr is not None else _child(style, "w:rPr"), font, None)
    _store(parts, "word/styles.xml", root)


def _set_font(rpr, font: str, lang: str | None) -> None:
    fonts = rpr.find("w:rFonts", NS)
    if fonts is None:
        fonts = etree.Element(_q("w:rFonts"))
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    fonts.set(_q("w:eastAsia"), font)
    if lang:
        lang_el = rpr.find("w:lang", NS)
        if lang_el is None:
            lang_el = etree.SubElement(rpr, _q("w:lang"))
        lang_el.set(_q("w:eastAsia"), lang)


def body_font_size(parts: dict, finish: Finish) -> None:
    """Set the size of body text (the document default), e.g. NMPA's 小四 = 12 pt minimum."""
    if not finish.body_size_pt:
        return
    root = _load(parts, "word/styles.xml")
    rpr = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    half_points = str(int(float(finish.body_size_pt) * 2))
    for tag in ("w:sz", "w:szCs"):
        _child(rpr, tag).set(_q("w:val"), half_points)
    _store(parts, "word/styles.xml", root)


def _child(parent, tag):
    child = parent.find(tag, NS)
    if child is None:
        child = etree.SubElement(parent, _q(tag))
    return child


def list_numbering(parts: dict, finish: Finish) -> None:
    """Create a numbering instance for every numbered list, each restarting at 1."""
    used = sorted({int(n) for n in re.findall(rb'<w:numId w:val="(\d+)"/>', parts["word/document.xml"])
                   if int(n) >= FIRST_LIST_ID})
    if not used:
        return
    root = _load(parts, "word/numbering.xml")
    abstract = _numbered_abstract(root, parts)
    for num_id in used:
        num = etree.SubElement(root, _q("w:num"))
        num.set(_q("w:numId"), str(num_id))
        etree.SubElement(num, _q("w:abstractNumId")).set(_q("w:val"), abstract)
        override = etree.SubElement(num, _q("w:lvlOverride"))
        override.set(_q("w:ilvl"), "0")
        etree.SubElement(override, _q("w:startOverride")).set(_q("w:val"), "1")
    _store(parts, "word/numbering.xml", root)


def _numbered_abstract(numbering, parts) -> str:
    """The abstract numbering behind the template's `ListNumber` style."""
    styles = _load(parts, "word/styles.xml")
    num_id = styles.find("w:style[@w:styleId='ListNumber']/w:pPr/w:numPr/w:numId", NS).get(_q("w:val"))
    num = numbering.find(f"w:num[@w:numId='{num_id}']/w:abstractNumId", NS)
    return num.get(_q("w:val"))


_CORE = {"cp": CP_NS, "dc": DC_NS, "dcterms": DCTERMS_NS}


def core_properties(parts: dict, finish: Finish) -> None:
    """Dates from the content (never the clock), the leaf title, language and a fixed revision."""
    root = _load(parts, "docProps/core.xml")
    for tag in ("dcterms:created", "dcterms:modified"):
        _core(root, tag).text = f"{finish.date}T00:00:00Z"
    _core(root, "dc:title").text = finish.title
    _core(root, "dc:language").text = finish.language
    _core(root, "cp:revision").text = "1"
    _store(parts, "docProps/core.xml", root)


def _core(root, tag):
    prefix, local = tag.split(":")
    element = root.find(f"{prefix}:{local}", _CORE)
    if element is None:
        element = etree.SubElement(root, f"{{{_CORE[prefix]}}}{local}")
        if prefix == "dcterms":
            element.set(clark(XSI_NS) + "type", "dcterms:W3CDTF")
    return element


def text_width(document_xml: bytes) -> int:
    """The text width of the template's first section (page width minus side margins)."""
    return _text_width(etree.fromstring(document_xml, _PARSER))


def _text_width(root) -> int:
    size, margins = root.find(".//w:sectPr/w:pgSz", NS), root.find(".//w:sectPr/w:pgMar", NS)
    return int(size.get(_q("w:w"))) - int(margins.get(_q("w:left"))) - int(margins.get(_q("w:right")))


def keep_short_tables(parts: dict, finish: Finish) -> None:
    """A short table moves whole to the next page instead of leaving a lone row (ooxml/layout.py)."""
    root = _load(parts, "word/document.xml")
    layout.keep_short_tables(root, finish.keep_table_rows)
    _store(parts, "word/document.xml", root)


def keep_captions_with_tables(parts: dict, finish: Finish) -> None:
    """A table's caption never ends a page without the table under it."""
    root = _load(parts, "word/document.xml")
    layout.keep_captions_with_tables(root)
    _store(parts, "word/document.xml", root)


def space_after_tables(parts: dict, finish: Finish) -> None:
    """What follows a table starts a little below it, never against its bottom border."""
    root = _load(parts, "word/document.xml")
    layout.space_after_tables(root, finish.table_space_twips)
    _store(parts, "word/document.xml", root)


def page_text_width(document_xml: bytes, page_size: str) -> int:
    """The text width of the first section once `page_setup` has given it the region's paper size."""
    root = etree.fromstring(document_xml, _PARSER)
    size, margins = root.find(".//w:sectPr/w:pgSz", NS), root.find(".//w:sectPr/w:pgMar", NS)
    short, long = PAGE_SIZES[page_size]
    paper = long if size.get(_q("w:orient")) == "landscape" else short
    return paper - int(margins.get(_q("w:left"))) - int(margins.get(_q("w:right")))


STEPS = {
    "page_setup": page_setup,
    "east_asian_fonts": east_asian_fonts,
    "body_font_size": body_font_size,
    "list_numbering": list_numbering,
    "core_properties": core_properties,
    "keep_short_tables": keep_short_tables,
    "keep_captions_with_tables": keep_captions_with_tables,
    "space_after_tables": space_after_tables,
}
