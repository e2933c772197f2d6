"""Which product name a leaf's page header prints, so the header stays one line, and what the
header and document properties read (recorded with the leaf's other reads).

The full `product.name` when it fits next to the section number and title (measured on the
template's header line, `ooxml/header.py`); otherwise `product.short_name`; without one, the field the
region profile names in `layout.header_fallback` (the INN by default, or the full name, wrapping).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import DossierError
from .localisation import localised
from .ooxml.header import HeaderRoom, header_room
from .ooxml.package import read_package
from .ooxml.steps import page_text_width, text_width
from .render import find_template
from .views import subject

if TYPE_CHECKING:
    from .model import Content
    from .plan import Leaf
    from .profile import RegionProfile
    from .project import Project


def header_name(product, section: str, room: HeaderRoom, layout, language: str = "") -> str:
    """The product name for the header line beside `section` (the number and title it prints), in
    the region's `language` when the product names itself in it (`product.names`)."""
    name = localised(product.names, language, product.name)
    if room.fits(name, section):
        return name
    if product.short_name:
        return product.short_name
    return product.inn if layout.header_fallback == "inn" else name


def check_short_name(product, layout, diags) -> None:
    """A short name longer than the region allows is an error at its line (E2216)."""
    limit = int(layout.short_name_max)
    if product.short_name and len(product.short_name) > limit:
        diags.error("E2216", f"short_name is {len(product.short_name)} characters; the page header allows at most "
                    f"{limit} (layout.short_name_max)", product.where("short_name"), "product.short_name")


def template_header_room(parts: dict, profile: RegionProfile):
    """How much of the page-header line a template leaves for the product name, on the region's paper."""
    width = text_width(parts["word/document.xml"])
    follows = "page_setup" in profile.postprocess
    return header_room(parts, page_text_width(parts["word/document.xml"], profile.page_size) if follows else width,
                       follows)


_LAYOUTS: dict = {}


def template_layout(template, profile: RegionProfile) -> tuple:
    """The template's text width and header room, read once per template bytes and paper (not per leaf)."""
    key = (template.data, profile.page_size, "page_setup" in profile.postprocess)
    if key not in _LAYOUTS:
        parts = read_package(template.data)
        if len(_LAYOUTS) > 64:
            _LAYOUTS.clear()
        _LAYOUTS[key] = (text_width(parts["word/document.xml"]), template_header_room(parts, profile))
    return _LAYOUTS[key]


def template_layouts(project: Project, region: str, profile: RegionProfile, leaves) -> dict:
    """Per template the leaves use, its (text width, header room): the cross-reference check builds each
    leaf's blocks at the width rendering uses (and rendering takes them as built), and recording reads
    the header as rendering will (the short name or INN only where the full name does not fit). A
    template that cannot be read here is left out; rendering then reports it."""
    layouts = {}
    for name in sorted({leaf.template for leaf in leaves}):
        try:
            layouts[name] = template_layout(find_template(project.templates, region, name), profile)
        except DossierError:
            continue
    return layouts


def leaf_doc(content: Content, leaf: Leaf, product: str | None = None) -> dict:
    """The `doc` header a template prints: the product's name (as the header line has room for it) and
    the leaf's own titles."""
    named = localised(content.product.names, leaf.scope.profile.language, content.product.name)
    return {"product": named if product is None else product, "section": leaf.number,
            "title": leaf.title, "heading": leaf.heading, "subject": leaf.subject}


def leaf_header_reads(leaf: Leaf, room=None) -> None:
    """Read, as rendering does, what a leaf shows outside its blocks: the header's product name and
    subject line, a per-item title, and the document date `finish` writes into its properties."""
    content = leaf.scope.content
    leaf_doc(content, leaf)
    subject(leaf.scope)
    content.product.as_of
    if room is not None:  # the name the header prints: the short name or INN only where the full one has no room
        header_name(content.product, f"{leaf.number} {leaf.title}", room, leaf.scope.profile.layout,
                    leaf.scope.profile.language)
    item = leaf.scope.item
    if item is not None and getattr(item, "title", None) == leaf.title:
        item.title
