"""docxtpl's `fix_tables` (0.20.2, pinned), on a tree already parsed, with each row's cell count taken
in one pass.

docxtpl parses the rendered body again (in recover mode) and walks every cell of every table in
Python to find the widest row, so that a `{%tc %}` loop that added or removed columns gets a grid to
match. The strict parse (`docxtpl_strict.StrictTemplate.render_xml_part`) already made that tree,
the same one for well-formed XML; and only cells with a `gridSpan` count other than 1, so those are
found with one search per table and every other row is its number of cells. For a 10,000-row table
this was 0.9 s of 2.6 s. `tests/test_table_grid.py` holds it to docxtpl's own on every shipped
leaf and on tables made to need each of its changes.
"""
from __future__ import annotations

from lxml import etree


def fix_table_grids(tree) -> None:
    """Widen or narrow each table's `w:tblGrid` to its widest row, keeping the table's width, exactly
    as docxtpl's `fix_tables` does (nested tables' rows count for the tables around them too)."""
    ns = "{" + tree.nsmap["w"] + "}"
    for table in tree.iter(ns + "tbl"):
        grid = table.find(ns + "tblGrid")
        columns = grid.findall(ns + "gridCol")
        rows = list(table.iter(ns + "tr"))
        widest = max((len(row.findall(ns + "tc")) for row in rows), default=0)
        if widest > len(columns):
            _add_columns(grid, columns, widest - len(columns), ns)
        columns = grid.findall(ns + "gridCol")
        spans = _spans(table, ns)
        cells_max = max((_cells(row, spans, ns) for row in rows), default=0)
        if len(columns) - cells_max > 0:
            _remove_columns(grid, columns, len(columns) - cells_max, ns)


def _spans(table, ns: str) -> dict:
    """row → what its cells' `gridSpan`s add beyond one column each, as docxtpl reads them: the first
    `gridSpan` of a cell's first `tcPr`."""
    extra: dict = {}
    for span in table.iterfind(f".//{ns}tc/{ns}tcPr/{ns}gridSpan"):
        properties = span.getparent()
        cell = properties.getparent()
        row = cell.getparent()
        if row.tag == ns + "tr" and cell.find(ns + "tcPr") is properties and properties.find(ns + "gridSpan") is span:
            extra[row] = extra.get(row, 0) + int(span.get(ns + "val")) - 1
    return extra


def _cells(row, spans: dict, ns: str) -> int:
    return len(row.findall(ns + "tc")) + spans.get(row, 0)


def _add_columns(grid, columns: list, to_add: int, ns: str) -> None:
    width = 0.0
    for column in columns:
        if column.get(ns + "w") is not None:
            width += float(column.get(ns + "w"))
    if width > 0:
        old_average = width / len(columns)
        new_average = width / (len(columns) + to_add)
        for column in columns:
            column.set(ns + "w", str(int(float(column.get(ns + "w")) * new_average / old_average)))
        for _ in range(to_add):
            etree.SubElement(grid, ns + "gridCol", {ns + "w": str(int(new_average))})


def _remove_columns(grid, columns: list, to_remove: int, ns: str) -> None:
    removed = 0.0
    for column in columns[-to_remove:]:
        removed += float(column.get(ns + "w"))
        grid.remove(column)
    left = grid.findall(ns + "gridCol")
    extra = int(removed / len(left)) if left else 0
    for column in left:
        column.set(ns + "w", str(int(float(column.get(ns + "w")) + extra)))
