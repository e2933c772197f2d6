"""Page-flow properties of tables, as post-processing steps: what a reviewer expects of a printed page.

Rows never split (`w:cantSplit`) and header rows repeat (`w:tblHeader`): the renderer writes both.
These steps add what a page needs around them, in the XML Word and LibreOffice both honour:

- a short table (at most `keep_table_rows` rows) is kept on one page: every paragraph of every row but
  the last keeps with the next, so the table moves whole to the next page instead of leaving a lone row
  behind; a longer table keeps its header with its first row and its last row with the one before;
- the caption right above a table keeps with it (explicitly, whatever the template's Caption style says);
- the paragraph after a table starts `table_space_twips` below it (an empty paragraph between two
  tables that follow each other directly, which Word would otherwise draw as one).
"""
from __future__ import annotations

from lxml import etree

from .namespaces import W_NS

NS = {"w": W_NS}
TBL, TR, P, PPR = (f"{{{W_NS}}}{n}" for n in ("tbl", "tr", "p", "pPr"))
# w:pPr children in schema order (ECMA-376 CT_PPrBase), the ones these steps place or skip over
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc")


def keep_short_tables(root, keep_rows: int) -> None:
    """Keep each short table on one page; keep a long one's first and last rows from standing alone."""
    for table in root.iter(TBL):
        rows = table.findall("w:tr", NS)
        if len(rows) < 2:
            continue
        if len(rows) <= keep_rows:
            chained = rows[:-1]
        else:
            headers = [r for r in rows if r.find("w:trPr/w:tblHeader", NS) is not None]
            chained = rows[:len(headers) + 1] + [rows[-2]]
        for row in chained:
            for para in row.iterfind("w:tc/w:p", NS):
                keep_next(para)


def keep_captions_with_tables(root) -> None:
    """The paragraph right before a table, when it is a caption, keeps with the table's first row."""
    for table in root.iter(TBL):
        before = table.getprevious()
        if before is not None and before.tag == P and _style(before) == "Caption":
            keep_next(before)


def space_after_tables(root, space_twips: int) -> None:
    """Space between a table and what follows it (in the body and in cells), never between rows."""
    if space_twips <= 0:
        return
    for table in list(root.iter(TBL)):
        after = table.getnext()
        if after is None or after.tag not in (P, TBL):
            continue  # the end of the body (w:sectPr) or of a cell: nothing follows on the page
        if after.tag == TBL:
            after = etree.Element(P)
            table.addnext(after)
        spacing = _ppr_child(after, "spacing")
        current = int(spacing.get(f"{{{W_NS}}}before") or 0)
        spacing.set(f"{{{W_NS}}}before", str(max(current, space_twips)))


def keep_next(para) -> None:
    _ppr_child(para, "keepNext")


def _style(para) -> str:
    style = para.find("w:pPr/w:pStyle", NS)
    return style.get(f"{{{W_NS}}}val") if style is not None else ""


def _ppr_child(para, local: str):
    """The paragraph's `w:pPr/w:<local>`, created in schema order when missing."""
    ppr = para.find("w:pPr", NS)
    if ppr is None:
        ppr = etree.Element(PPR)
        para.insert(0, ppr)
    found = ppr.find(f"w:{local}", NS)
    if found is not None:
        return found
    child = etree.Element(f"{{{W_NS}}}{local}")
    rank = _PPR_ORDER.index(local)
    for index, existing in enumerate(ppr):
        name = etree.QName(existing).localname
        if name not in _PPR_ORDER or _PPR_ORDER.index(name) > rank:
            ppr.insert(index, child)
            return child
    ppr.append(child)
    return child
