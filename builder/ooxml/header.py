"""How much room a template's page-header line has, and how wide a text is on it.

The header line of every house-style template names the product at the left and the section at a
right-aligned tab (`{{ doc.product }}<tab><tab>{{ doc.section }} {{ doc.title }}`). Its room is that
tab's position; its size the `Header` style's. Text widths are estimated from per-character advance
widths measured once on Liberation Serif (metric-compatible with Times New Roman, the house font):
lower case 0.46 em, capitals 0.67 em, digits 0.50 em, spaces 0.25 em, punctuation 0.29 em; East
Asian wide and full-width characters (SimSun, SimHei) 1 em. Being fixed numbers, they keep builds
reproducible on any machine, whichever fonts it has.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from lxml import etree

from .namespaces import W_NS

NS = {"w": W_NS}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_DEFAULT_HALF_POINTS = 18
_EM = {"lower": 0.46, "upper": 0.67, "digit": 0.50, "space": 0.25, "punct": 0.29, "wide": 1.0, "other": 0.6}


@dataclass(frozen=True)
class HeaderRoom:
    """The header line's width and first tab stop (twentieths of a point), its font size (half-points).

    The left text must end before the first (centre) stop: past it, the header's first tab jumps to the
    right stop and the second to a default stop, so the section title lands mid-line or wraps."""

    width: int
    half_points: int
    first_stop: int = 0

    def fits(self, left: str, right: str) -> bool:
        """True when `left` ends an em before the first stop and `left`, an em and `right` fit on the line."""
        em = self.half_points * 10  # one em in twentieths of a point
        before_stop = not self.first_stop or (text_ems(left) + 1) * em <= self.first_stop
        return before_stop and (text_ems(left) + 1 + text_ems(right)) * em <= self.width


def header_room(parts: dict, text_width: int, tabs_follow_page: bool = True) -> HeaderRoom:
    """The room of the template's first header with tab stops: its right stop and first stop; with
    `tabs_follow_page` (the `page_setup` step moves them to the region's text width), that width and
    its half."""
    width = first = 0
    for name in sorted(n for n in parts if n.startswith("word/header") and n.endswith(".xml")):
        root = etree.fromstring(parts[name], _PARSER)
        stops = [t for t in root.findall(".//w:tabs/w:tab", NS) if t.get(f"{{{W_NS}}}val") in ("center", "right", "left")]
        right = [_pos(t) for t in stops if t.get(f"{{{W_NS}}}val") == "right"]
        if right:
            width, first = max(right), min(_pos(t) for t in stops)
            if tabs_follow_page:
                centre = any(t.get(f"{{{W_NS}}}val") == "center" for t in stops)
                width, first = text_width, (text_width // 2 if centre else text_width)
            break
    return HeaderRoom(width or text_width, _header_size(parts.get("word/styles.xml")), first if first < width else 0)


def _pos(tab) -> int:
    return int(tab.get(f"{{{W_NS}}}pos"))


def _header_size(styles_xml: bytes | None) -> int:
    if styles_xml is None:
        return _DEFAULT_HALF_POINTS
    root = etree.fromstring(styles_xml, _PARSER)
    size = root.find("w:style[@w:styleId='Header']/w:rPr/w:sz", NS)
    return int(size.get(f"{{{W_NS}}}val")) if size is not None else _DEFAULT_HALF_POINTS


def text_ems(text: str) -> float:
    """The estimated width of `text` in ems of its font size."""
    return sum(_EM[_kind(ch)] for ch in text)


def _kind(ch: str) -> str:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "wide"
    if ch.isspace():
        return "space"
    if ch.isdigit():
        return "digit"
    if ch.isalpha():
        return "upper" if ch.isupper() else "lower"
    return "punct" if unicodedata.category(ch).startswith("P") else "other"
