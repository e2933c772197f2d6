"""The Jinja a template holds, read as Word and docxtpl read it: every XML part, parsed and decoded.

The template lint must not read raw XML text: `&#124;safe` is `|safe` to anyone who decodes the part,
and a tag split over runs is one tag to docxtpl. Each part of the package is parsed (the preflight
has refused DOCTYPEs, so nothing expands), and yields its decoded text and attribute values; the
parts docxtpl renders (body, headers, footers, footnotes) also yield the source Jinja will compile
(docxtpl's own `patch_xml`), and the core properties yield each property's text, which docxtpl
renders one by one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from docxtpl import DocxTemplate
from lxml import etree

RENDERED = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
PROPERTIES = "docProps/core.xml"
TAG = re.compile(r"\{[{%#]")


@dataclass(frozen=True)
class PartText:
    """One XML part: its name, its decoded text and attribute values, and what Jinja compiles from it
    (empty when docxtpl does not render the part)."""

    name: str
    text: str
    sources: tuple[str, ...]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def decoded(data: bytes) -> str:
    """Every text node and attribute value of a part, decoded (character references resolved)."""
    root = etree.fromstring(data, _parser())
    pieces = []
    for element in root.iter():
        pieces += [value for value in element.attrib.values()]
        if isinstance(element.tag, str) or element.text:
            pieces.append(element.text or "")
        pieces.append(element.tail or "")
    return "".join(pieces)


def part_texts(parts: dict[str, bytes]) -> list[PartText]:
    """A PartText for every XML part of the package (`parts`: name → bytes)."""
    found = []
    for name in sorted(parts):
        if not name.endswith((".xml", ".rels")):
            continue
        data = parts[name]
        text = decoded(data)
        if RENDERED.fullmatch(name):
            sources = (DocxTemplate.patch_xml(None, data.decode("utf-8")),)
        elif name == PROPERTIES:
            root = etree.fromstring(data, _parser())
            sources = tuple(e.text for e in root.iter() if isinstance(e.tag, str) and e.text and TAG.search(e.text))
        else:
            sources = ()
        found.append(PartText(name, text, sources))
    return found
