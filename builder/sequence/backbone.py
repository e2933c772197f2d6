"""index.xml, the ICH eCTD v3.2 backbone of one sequence: Module 3 headings and their leaves.

Element names and their order come from the section tree (`templates/common/structure-m4q-r1.yaml`,
itself taken from the DTD), never from code. The xlink namespace is the DTD's own
`http://www.w3c.org/1999/xlink` (w3c, not w3: module3.md §5.3); it is written from this one constant.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ECTD = "http://www.ich.org/ectd"
XLINK = "http://www.w3c.org/1999/xlink"   # the DTD's #FIXED value: the "real" w3.org one is invalid here
DTD_FILE = "ich-ectd-3-2.dtd"
DTD_MD5 = "1d6f631cc6b6357f0f4fe378e5f79a27"  # ICH ich-ectd-3-2.dtd v3.2 (CRLF), module3.md §1 #1
DTD_HREF = f"util/dtd/{DTD_FILE}"
EXTENSION = "node-extension"


@dataclass(frozen=True)
class BackboneLeaf:
    """One leaf element: where it sits (headings with their attributes), what it points at, and why."""

    chain: tuple        # ((element, ((attribute, value), …)), …); a node extension is ("node-extension", (("title", t),))
    id: str
    operation: str      # new | replace | delete
    checksum: str       # MD5 of the file (for delete: of the file deleted)
    title: str
    href: str | None = None
    modified_file: str | None = None


def leaf_id(href: str) -> str:
    """A stable XML ID from the leaf's path: the same leaf keeps its ID in every sequence."""
    return "leaf-" + hashlib.sha1(href.encode("utf-8")).hexdigest()[:16]


def element_order(tree) -> dict[str, int]:
    """Element → its place in DTD order (a preorder walk of the section tree); leaves come first."""
    order: list[str] = [tree.root_element] if tree.root_element else []

    def walk(section):
        if section.spec.element not in order:
            order.append(section.spec.element)
        for child in section.children:
            walk(child)

    for section in tree.sections:
        if section.spec.within and section.spec.within not in order:
            order.append(section.spec.within)
        walk(section)
    return {name: index for index, name in enumerate(order)}


def index_xml(leaves: list[BackboneLeaf], order: dict[str, int]) -> bytes:
    """The backbone bytes: every heading made once per distinct attribute set, children in DTD order."""
    root = etree.Element(f"{{{ECTD}}}ectd", nsmap={"ectd": ECTD, "xlink": XLINK})
    root.set("dtd-version", "3.2")
    for leaf in leaves:
        _leaf_element(_heading(root, leaf.chain), leaf)
    _sort(root, order)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype=f'<!DOCTYPE ectd:ectd SYSTEM "{DTD_HREF}">')


def _heading(root, chain: tuple):
    node = root
    for element, attributes in chain:
        node = _child(node, element, dict(attributes))
    return node


def _child(parent, element: str, attributes: dict):
    for child in parent:
        if child.tag != element:
            continue
        if element == EXTENSION and child.findtext("title") == attributes["title"]:
            return child
        if element != EXTENSION and dict(child.attrib) == attributes:
            return child
    if element == EXTENSION:
        child = etree.SubElement(parent, EXTENSION, ID="ext-" + hashlib.sha1(
            f"{parent.tag}/{attributes['title']}".encode("utf-8")).hexdigest()[:16])
        etree.SubElement(child, "title").text = attributes["title"]
        return child
    return etree.SubElement(parent, element, attributes)


def _leaf_element(parent, leaf: BackboneLeaf) -> None:
    element = etree.SubElement(parent, "leaf", ID=leaf.id, operation=leaf.operation)
    if leaf.modified_file:
        element.set("modified-file", leaf.modified_file)
    element.set("checksum-type", "md5")
    element.set("checksum", leaf.checksum)
    if leaf.href is not None:
        element.set(f"{{{XLINK}}}href", leaf.href)
    etree.SubElement(element, "title").text = leaf.title.strip()


def _sort(node, order: dict[str, int]) -> None:
    """Titles, then leaves, then headings in DTD order (a stable sort keeps repeats as planned)."""
    def rank(child):
        if child.tag == "title":
            return -2
        if child.tag == "leaf":
            return -1
        return order.get(child.tag, len(order))

    children = sorted(node, key=rank)
    for child in children:
        node.append(child)
        _sort(child, order)


def validate(data: bytes, dtd_path: Path) -> list[str]:
    """The DTD's complaints about a backbone (none when valid); nothing is fetched from the network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)
    dtd = etree.DTD(str(dtd_path))
    if dtd.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()]
