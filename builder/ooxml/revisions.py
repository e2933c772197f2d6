"""Revision marks (tracked changes) in a redline package: stamp who and when, and count them.

The comparison engine writes the revision marks of a review redline. Every mark must carry the
author and date of the revision under review, so that Word's and LibreOffice's review panes say
who changed what and when, and so that the same comparison always gives the same bytes (no clock
time). `stamp` sets `w:author` and `w:date` on every mark in every story part, whatever the engine
wrote, and writes the package back through `write_package`.

It also turns move markup into plain deletions and insertions. The engine emits `w:moveFrom` /
`w:moveTo` when a table loses a row and gains a column in one change, even with move detection
off, and move markup is where Word has reported unreadable content (pitfalls.md §5). A move is a
linked deletion and insertion, so accepting or rejecting all changes gives the same document.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone

from lxml import etree

from .namespaces import W_NS
from .package import read_package, write_package

W = W_NS
# Every ECMA-376 element that records a revision and carries w:author / w:date (17.13.5).
MARKS = ("ins", "del", "moveFrom", "moveTo", "cellIns", "cellDel", "cellMerge", "rPrChange", "pPrChange",
         "tcPrChange", "trPrChange", "tblPrChange", "tblPrExChange", "sectPrChange", "numberingChange",
         "moveFromRangeStart", "moveToRangeStart", "customXmlInsRangeStart", "customXmlDelRangeStart",
         "customXmlMoveFromRangeStart", "customXmlMoveToRangeStart")
_TAGS = {f"{{{W}}}{name}" for name in MARKS}
_MOVES = {f"{{{W}}}moveFrom": f"{{{W}}}del", f"{{{W}}}moveTo": f"{{{W}}}ins"}
_MOVE_RANGES = {f"{{{W}}}{name}" for name in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                                               "moveToRangeEnd")}
_STORIES = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def word_date(iso: str) -> str:
    """An ISO 8601 timestamp as WordprocessingML writes it: UTC, whole seconds, `Z` (2025-06-01T10:00:00Z).

    git prints author dates with the author's offset (`+02:00`); Word shows a mark's date in the
    reader's time zone, so the instant matters, not the offset it was written in.
    """
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamp(data: bytes, author: str, date: str) -> bytes:
    """Return the package with every revision mark attributed to `author` at `date` (ISO 8601) and
    every move written as a deletion and an insertion."""
    when = word_date(date)
    parts = read_package(data)
    for name in sorted(n for n in parts if _STORIES.fullmatch(n)):
        root = etree.fromstring(parts[name], _PARSER)
        changed = _demote_moves(root)
        for mark in (el for el in root.iter() if el.tag in _TAGS):
            mark.set(f"{{{W}}}author", author)
            mark.set(f"{{{W}}}date", when)
            changed = True
        if changed:
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package(parts)


def _demote_moves(root) -> bool:
    """moveFrom → del and moveTo → ins (their runs already hold w:delText and w:t); the range
    markers that pair them are dropped. Returns whether anything was a move."""
    found = False
    for element in list(root.iter(*_MOVES, *_MOVE_RANGES)):
        found = True
        if element.tag in _MOVES:
            element.tag = _MOVES[element.tag]
        else:
            element.getparent().remove(element)
    return found


def count(data: bytes) -> Counter:
    """How many marks of each kind the main document holds (`ins`, `del`, `cellIns` …)."""
    root = etree.fromstring(read_package(data)["word/document.xml"], _PARSER)
    return Counter(etree.QName(el).localname for el in root.iter() if el.tag in _TAGS)
