"""Block-level WordprocessingML (paragraphs, lists, tables) built from plain values.

The renderer hands docxtpl whole `w:p`/`w:tbl` fragments (`{{p block }}`), so tables and lists are
built here, where every character is escaped exactly once: text cannot be lost or injected.
Styles are referenced by id only; the templates own how they look (pandoc's reference-doc idea).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

FIRST_LIST_ID = 100  # numbering instances from here on are created per list by `steps.number_lists`


def esc(text: str) -> str:
    """Escape text for XML character data and double-quoted attributes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Run:
    """A piece of text with inline formatting (the Markdown subset's marks)."""

    text: str
    bold: bool = False
    italic: bool = False
    vert: str = ""  # "", "subscript" or "superscript"
    link: str = ""  # a bookmark in the same document this run links to


@dataclass(frozen=True)
class Cell:
    """A table cell: its runs, how many grid columns it spans, and vertical-merge state."""

    runs: tuple[Run, ...]
    span: int = 1
    vmerge: str = ""  # "", "restart" or "continue"
    fill: str = ""    # background colour, RGB hex (a heat map's band), or "" for the table style's


class Block:
    """An XML fragment that docxtpl inserts in place of a `{{p block }}` paragraph."""

    def __init__(self, xml: str, text: str = ""):
        self.xml, self.text = xml, text

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.xml


def runs_xml(runs: Sequence[Run]) -> str:
    return "".join(_run_xml(run) for run in runs)


def _run_xml(run: Run) -> str:
    props = '<w:rStyle w:val="Hyperlink"/>' if run.link else ""
    props += ("<w:b/>" if run.bold else "") + ("<w:i/>" if run.italic else "")
    props += f'<w:vertAlign w:val="{run.vert}"/>' if run.vert else ""
    head = f"<w:r><w:rPr>{props}</w:rPr>" if props else "<w:r>"
    xml = head + _text_xml(run.text) + "</w:r>"
    return f'<w:hyperlink w:anchor="{run.link}" w:history="1">{xml}</w:hyperlink>' if run.link else xml


def _text_xml(text: str) -> str:
    """Line breaks and tabs inside a run become w:br and w:tab, never literal control characters."""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{esc(chunk)}</w:t>')
    return "".join(pieces)


def paragraph_xml(runs: Sequence[Run], style: str = "", num: tuple[int, int] | None = None) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    head = f"<w:p><w:pPr>{props}</w:pPr>" if props else "<w:p>"
    return head + runs_xml(runs) + "</w:p>"


def paragraph(runs: Sequence[Run], style: str = "") -> Block:
    return Block(paragraph_xml(runs, style), "".join(r.text for r in runs))


def bookmarked(runs: Sequence[Run], style: str, name: str, ident: int) -> Block:
    """A paragraph whose text is the target of internal hyperlinks (a table caption)."""
    inner = paragraph_xml(runs, style)
    start = inner.index("</w:pPr>") + len("</w:pPr>") if "</w:pPr>" in inner else len("<w:p>")
    xml = (f'{inner[:start]}<w:bookmarkStart w:id="{ident}" w:name="{name}"/>'
           f'{inner[start:-len("</w:p>")]}<w:bookmarkEnd w:id="{ident}"/></w:p>')
    return Block(xml, "".join(r.text for r in runs))


def bookmark_name(key: str) -> str:
    """Word bookmark names: a letter first, letters, digits and '_', at most 40 characters."""
    return ("tbl_" + "".join(c if c.isalnum() else "_" for c in key))[:40]


def text_runs(text: str) -> tuple[Run, ...]:
    return (Run(text),)


def table(header: Sequence[Sequence[Cell]], body: Sequence[Sequence[Cell]], weights: Sequence[int], width: int) -> Block:
    """A table in the template's `CMCTable` style; header rows repeat on every page.

    `weights` are relative column widths; `width` the text width in twentieths of a point.
    """
    total = sum(weights)
    cols = [max(400, width * w // total) for w in weights]
    grid = "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)
    rows = [_row_xml(r, cols, header=True) for r in header] + [_row_xml(r, cols) for r in body]
    xml = (
        '<w:tbl><w:tblPr><w:tblStyle w:val="CMCTable"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    text = "\n".join("\t".join("".join(r.text for r in c.runs) for c in row) for row in [*header, *body])
    return Block(xml, text)


def _row_xml(cells: Sequence[Cell], cols: Sequence[int], header: bool = False) -> str:
    props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else "<w:trPr><w:cantSplit/></w:trPr>"
    style = "TableHeading" if header else "TableText"
    out, col = [], 0
    for cell in cells:
        width = sum(cols[col: col + cell.span])
        col += cell.span
        out.append(_cell_xml(cell, width, style))
    return f"<w:tr>{props}{''.join(out)}</w:tr>"


def _cell_xml(cell: Cell, width: int, style: str) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.span > 1:
        props += f'<w:gridSpan w:val="{cell.span}"/>'
    if cell.vmerge:
        props += '<w:vMerge w:val="restart"/>' if cell.vmerge == "restart" else "<w:vMerge/>"
    if cell.fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{esc(cell.fill)}"/>'
    body = paragraph_xml(() if cell.vmerge == "continue" else cell.runs, style)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"
