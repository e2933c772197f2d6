"""Which product name a leaf's page header prints, so the header stays one line.

The full `product.name` when it fits next to the section number and title (measured on the
template's header line, `ooxml/header.py`); otherwise `product.short_name`; without one, the field the
region profile names in `layout.header_fallback` (the INN by default, or the full name, wrapping).
"""
from __future__ import annotations

from .ooxml.header import HeaderRoom


def header_name(product, section: str, room: HeaderRoom, layout) -> str:
    """The product name for the header line beside `section` (the number and title it prints)."""
    if room.fits(product.name, section):
        return product.name
    if product.short_name:
        return product.short_name
    return product.inn if layout.header_fallback == "inn" else product.name


def check_short_name(product, layout, diags) -> None:
    """A short name longer than the region allows is an error at its line (E2216)."""
    limit = int(layout.short_name_max)
    if product.short_name and len(product.short_name) > limit:
        diags.error("E2216", f"short_name is {len(product.short_name)} characters; the page header allows at most "
                    f"{limit} (layout.short_name_max)", product.where("short_name"), "product.short_name")
