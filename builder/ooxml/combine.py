"""One review document from a region's rendered leaves: their bodies concatenated in Module 3 order.

docxcompose was measured superlinear (60 leaves 3.9 s, 180 leaves 28 s) and dropping the appended
documents' headers (shared/reference/libraries.md). Every leaf of a region is rendered from the same
house-style styles (their styles.xml are identical), so concatenating bodies needs no style merge; what
must be reconciled is done here, in one pass per leaf, linear in the leaves:

- each leaf stays its own section (a section break carrying its `w:sectPr`), so landscape stability and
  batch tables stay landscape and every leaf keeps its own page header and footer, copied as parts
  of their own (`header<n>.xml`, `footer<n>.xml`) with their relationships and content types;
- list numbering instances (ids from `FIRST_LIST_ID`, one per list, made per leaf) get new ids;
- bookmarks (table captions) get unique ids and a per-leaf prefix, and the hyperlinks to them follow;
- each leaf's first heading gets a `_Toc` bookmark, and a TOC field at the front lists the headings
  with hyperlinks and `PAGEREF` page numbers; `w:updateFields` makes Word refresh it on opening.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from .blocks import FIRST_LIST_ID, esc
from .namespaces import CT_NS, R_NS, REL_NS, W_NS
from .package import read_package, write_package

NS = {"w": W_NS, "r": R_NS}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_CT = {"header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
       "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"}
_SETTINGS_AFTER_UPDATE = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                          "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                          "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                          "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
                          "decimalSymbol", "listSeparator")
_TOC_STYLES = (
    '<w:style xmlns:w="{w}" w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/>'
    '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:keepNext/>'
    '<w:spacing w:before="240" w:after="120"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>',
    '<w:style xmlns:w="{w}" w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/>'
    '<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style>',
    '<w:style xmlns:w="{w}" w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/>'
    '<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="40"/><w:ind w:left="220"/>'
    '</w:pPr></w:style>',
)


def _w(local: str) -> str:
    return f"{{{W_NS}}}{local}"


@dataclass(frozen=True)
class Front:
    """The words of the draft's first page, in the region's language."""

    title: str
    note: str
    contents: str


def combine(leaves: list[bytes], front: Front) -> bytes:
    """The leaves (finished .docx bytes, in Module 3 order) as one document with a table of contents."""
    parts = read_package(leaves[0])
    for name in [n for n in parts if n.startswith(("word/header", "word/footer"))]:
        del parts[name]
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"], _PARSER)
    for rel in [r for r in rels if r.get("Type") in (HEADER, FOOTER)]:
        rels.remove(rel)
    types = etree.fromstring(parts["[Content_Types].xml"], _PARSER)
    for override in [o for o in types if o.get("PartName", "").startswith(("/word/header", "/word/footer"))]:
        types.remove(override)
    numbering = etree.fromstring(parts["word/numbering.xml"], _PARSER)
    state = _State()
    body_parts, headings = [], []
    for index, data in enumerate(leaves, 1):
        leaf = read_package(data)
        content, sect, heading = _leaf_body(leaf, index, state, numbering)
        _own_headers(leaf, index, sect, parts, rels, types)
        body_parts.append((content, sect))
        if heading is not None:
            headings.append(heading)
    document = etree.fromstring(parts["word/document.xml"], _PARSER)
    body = document.find("w:body", NS)
    first_sect = copy.deepcopy(body_parts[0][1])
    for ref in first_sect.findall("w:headerReference", NS) + first_sect.findall("w:footerReference", NS):
        first_sect.remove(ref)  # the front page has no leaf's header
    for child in list(body):
        body.remove(child)
    for element in _front(front, headings):
        body.append(element)
    _end_section(body, first_sect)
    for n, (content, sect) in enumerate(body_parts):
        for element in content:
            body.append(element)
        if n < len(body_parts) - 1:
            _end_section(body, sect)
        else:
            body.append(sect)
    parts["word/document.xml"] = _xml(document)
    parts["word/numbering.xml"] = _xml(numbering)
    parts["word/_rels/document.xml.rels"] = _xml(rels)
    parts["[Content_Types].xml"] = _xml(types)
    parts["word/styles.xml"] = _with_toc_styles(parts["word/styles.xml"])
    parts["word/settings.xml"] = _update_fields_on_open(parts["word/settings.xml"])
    return write_package(parts)


class _State:
    """Counters shared across leaves: bookmark ids and numbering ids must be unique in the whole draft."""

    def __init__(self):
        self.bookmark = 1
        self.num = FIRST_LIST_ID


def _leaf_body(leaf: dict, index: int, state: _State, numbering):
    """The leaf's body elements with ids made unique, its section properties and its first heading."""
    root = etree.fromstring(leaf["word/document.xml"], _PARSER)
    body = root.find("w:body", NS)
    children = list(body)
    sect = children.pop() if children and children[-1].tag == _w("sectPr") else etree.Element(_w("sectPr"))
    names, ids = {}, {}
    for start in root.iter(_w("bookmarkStart")):
        old = start.get(_w("name"))
        names[old] = f"L{index}_{old}"[:40]
        start.set(_w("name"), names[old])
        ids[start.get(_w("id"))] = str(state.bookmark)
        start.set(_w("id"), str(state.bookmark))
        state.bookmark += 1
    for end in root.iter(_w("bookmarkEnd")):
        end.set(_w("id"), ids.get(end.get(_w("id")), end.get(_w("id"))))
    for link in root.iter(_w("hyperlink")):
        if link.get(_w("anchor")) in names:
            link.set(_w("anchor"), names[link.get(_w("anchor"))])
    _renumber_lists(root, etree.fromstring(leaf["word/numbering.xml"], _PARSER), state, numbering)
    heading = _mark_heading(children, index, state)
    return children, sect, heading


def _renumber_lists(root, own_numbering, state: _State, numbering) -> None:
    own = {n.get(_w("numId")): n for n in own_numbering.iterfind("w:num", NS)}
    mapping = {}
    for num_id in root.iter(_w("numId")):
        old = num_id.get(_w("val"))
        if not old.isdigit() or int(old) < FIRST_LIST_ID or old not in own:
            continue  # the template's list styles: the same instance in every leaf
        if old not in mapping:
            state.num += 1
            mapping[old] = str(state.num)
            num = copy.deepcopy(own[old])
            num.set(_w("numId"), mapping[old])
            numbering.append(num)
        num_id.set(_w("val"), mapping[old])


def _mark_heading(children, index: int, state: _State):
    """Bookmark the leaf's first Heading 1 for the table of contents; return (bookmark, text)."""
    for para in children:
        style = para.find("w:pPr/w:pStyle", NS)
        if para.tag == _w("p") and style is not None and style.get(_w("val")) == "Heading1":
            name = f"_Toc_L{index}"
            start = etree.Element(_w("bookmarkStart"), {_w("id"): str(state.bookmark), _w("name"): name})
            end = etree.Element(_w("bookmarkEnd"), {_w("id"): str(state.bookmark)})
            state.bookmark += 1
            para.find("w:pPr", NS).addnext(start)
            para.append(end)
            return name, _text(para), _subject(para.getnext())
    return None


def _text(para) -> str:
    return "".join(t.text or "" for t in para.iter(_w("t")))


def _subject(para) -> str:
    """The leaf's subject line (the Subtitle under its heading): what tells apart leaves of one number."""
    style = para.find("w:pPr/w:pStyle", NS) if para is not None and para.tag == _w("p") else None
    if style is None or style.get(_w("val")) != "Subtitle":
        return ""
    return _text(para).rsplit(" — ", 1)[-1]


def _own_headers(leaf: dict, index: int, sect, parts: dict, rels, types) -> None:
    """Copy the leaf's header and footer parts under new names; point its section at them."""
    own = {r.get("Id"): r for r in etree.fromstring(leaf["word/_rels/document.xml.rels"], _PARSER)}
    for ref in sect.findall("w:headerReference", NS) + sect.findall("w:footerReference", NS):
        rel = own.get(ref.get(f"{{{R_NS}}}id"))
        if rel is None or f"word/{rel.get('Target')}" not in leaf:
            sect.remove(ref)
            continue
        kind = "header" if rel.get("Type") == HEADER else "footer"
        name, rid = f"{kind}{index}.xml", f"rId{kind[0].upper()}{index}"
        parts[f"word/{name}"] = leaf[f"word/{rel.get('Target')}"]
        etree.SubElement(rels, f"{{{REL_NS}}}Relationship", {"Id": rid, "Type": rel.get("Type"), "Target": name})
        etree.SubElement(types, f"{{{CT_NS}}}Override", {"PartName": f"/word/{name}", "ContentType": _CT[kind]})
        ref.set(f"{{{R_NS}}}id", rid)


def _end_section(body, sect) -> None:
    """End the section here: its properties go into the last paragraph (an empty one after a table)."""
    last = body[-1] if len(body) else None
    if last is None or last.tag != _w("p") or last.find("w:pPr/w:sectPr", NS) is not None:
        last = etree.SubElement(body, _w("p"))
    ppr = last.find("w:pPr", NS)
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        last.insert(0, ppr)
    ppr.append(copy.deepcopy(sect))


def _front(front: Front, headings: list[tuple[str, str, str]]) -> list:
    """Title, note, the table-of-contents heading and the TOC field with its entries already filled in."""
    xml = [f'<w:p><w:pPr><w:pStyle w:val="Subtitle"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>'
           f'<w:t xml:space="preserve">{esc(front.title)}</w:t></w:r></w:p>',
           f'<w:p><w:r><w:t xml:space="preserve">{esc(front.note)}</w:t></w:r></w:p>',
           f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t xml:space="preserve">{esc(front.contents)}'
           '</w:t></w:r></w:p>']
    begin = ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve">'
             ' TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    repeated = {text for _, text, _ in headings if sum(1 for _, t, _ in headings if t == text) > 1}
    for n, (name, text, subject) in enumerate(headings):
        if text in repeated and subject:  # one entry per procedure, 3.2.R item, reference …
            text = f"{text} — {subject if len(subject) <= 90 else subject[:89] + '…'}"
        entry = (f'<w:hyperlink w:anchor="{name}" w:history="1"><w:r><w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
                 f'<w:r><w:tab/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
                 f'xml:space="preserve"> PAGEREF {name} \\h </w:instrText></w:r><w:r><w:fldChar '
                 f'w:fldCharType="separate"/></w:r><w:r><w:t>–</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/>'
                 '</w:r></w:hyperlink>')
        xml.append(f'<w:p><w:pPr><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9350"/>'
                   f'</w:tabs></w:pPr>{begin if n == 0 else ""}{entry}{end if n == len(headings) - 1 else ""}</w:p>')
    if not headings:
        xml.append(f"<w:p>{begin}{end}</w:p>")
    wrapper = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{"".join(xml)}</w:body>', _PARSER)
    return list(wrapper)


def set_toc_pages(data: bytes, pages: list[int]) -> bytes:
    """Write the page numbers a layout found (the PDF's) into the TOC entries' cached PAGEREF results.

    Until then each entry shows a dash: LibreOffice exports cached field results as they are, and
    Word recomputes them anyway (`w:updateFields`)."""
    parts = read_package(data)
    root = etree.fromstring(parts["word/document.xml"], _PARSER)
    entries = [link for link in root.iter(_w("hyperlink")) if (link.get(_w("anchor")) or "").startswith("_Toc_L")]
    for link, page in zip(entries, pages):
        link.findall(".//w:t", NS)[-1].text = str(page)
    parts["word/document.xml"] = _xml(root)
    return write_package(parts)


def _with_toc_styles(styles_xml: bytes) -> bytes:
    root = etree.fromstring(styles_xml, _PARSER)
    have = {s.get(_w("styleId")) for s in root.iterfind("w:style", NS)}
    for style in _TOC_STYLES:
        element = etree.fromstring(style.format(w=W_NS), _PARSER)
        if element.get(_w("styleId")) not in have:
            root.append(element)
    return _xml(root)


def _update_fields_on_open(settings_xml: bytes) -> bytes:
    """`w:updateFields`: Word offers to refresh the TOC and page references when the draft opens."""
    root = etree.fromstring(settings_xml, _PARSER)
    if root.find("w:updateFields", NS) is None:
        element = etree.Element(_w("updateFields"), {_w("val"): "true"})
        later = [c for c in root if etree.QName(c).localname in _SETTINGS_AFTER_UPDATE]
        if later:
            later[0].addprevious(element)
        else:
            root.append(element)
    return _xml(root)


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
