"""The review summary as a Word document, in the house style, to read next to the redlines.

Rendered from the project's own `narrative.docx` template (so it looks like the dossier), with the
same blocks the leaves use: a heading per region, a heading and a table per document. Post-processed
like a leaf (page size, core properties dated from the head revision, never the clock) and written
through `write_package`, so the same review gives the same bytes.
"""
from __future__ import annotations

from pathlib import Path

from ...ooxml.blocks import Block, Cell, Run, paragraph, table
from ...ooxml.package import read_package, write_package
from ...ooxml.steps import Finish, core_properties, page_setup, text_width
from ...render import find_template, render
from .summary import Summary, header_lines, leaf_heading, status_line

LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}
TITLE = "Review of changes"
COLUMNS = (["Item", "Before", "After", "Where written; last changed by"], [3, 4, 4, 4])


def summary_docx(summary: Summary, templates: Path) -> bytes:
    template = find_template(templates, "common", "narrative")
    width = text_width(read_package(template.data)["word/document.xml"])
    doc = {"product": TITLE, "section": "Review", "title": f"{summary.base.label} → {summary.head.label}",
           "heading": TITLE, "subject": f"{summary.base.label} → {summary.head.label}"}
    data = render(template, doc, LABELS, blocks(summary, width), "review summary")
    parts = read_package(data)
    finish = Finish(TITLE, summary.head.date[:10], "en", "A4", None)
    for step in (page_setup, core_properties):
        step(parts, finish)
    return write_package(parts)


def blocks(summary: Summary, width: int) -> list[Block]:
    out = [_text(line) for line in header_lines(summary)]
    for title, error in summary.failures:
        out += [_text(title, "Heading2")] + [_text(str(d), "Note") for d in error.diagnostics]
        out.append(_text("No redlines were made. Fix the content of that revision, or review other revisions."))
    for pair in summary.pairs:
        out.append(_text(f"{pair.product} — {pair.region}", "Heading2"))
        for leaf in pair.leaves:
            out += [_text(leaf_heading(leaf), "Heading3"), _text(status_line(leaf))]
            out.append(_rows(leaf.entries, width) if leaf.entries else
                       _text("No content value changed here: a template or the section structure did."))
        if pair.unplaced:
            out.append(_text("Changed values that no changed document shows", "Heading3"))
            out.append(_rows(pair.unplaced, width))
    return out


def _rows(entries, width: int) -> Block:
    header, weights = COLUMNS
    body = [[_cell(e.label), _cell(e.before), _cell(e.after), _cell(e.where)] for e in entries]
    return table([[_cell(h) for h in header]], body, weights, width)


def _cell(text: str) -> Cell:
    return Cell((Run(text),))


def _text(text: str, style: str = "") -> Block:
    return paragraph([Run(text)], style)
