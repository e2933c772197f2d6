"""Read a sheet file into a `Grid` of displayed texts, one reader per file kind (the `READERS` registry).

Every reader returns the same thing: header row and data rows of `Cell`s, each with the text the cell
shows and its origin. Problems a reader alone can see (merged cells, formulas with no cached value,
hidden rows, a corrupt file) are positioned content errors here; mapping problems are in splice.py.
"""
from __future__ import annotations

import csv
import hashlib
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import Origin, content_error
from ..source import current_cache

MAX_SHEET_BYTES = 5_000_000


@dataclass(frozen=True)
class Cell:
    """One cell as shown: its text, whether the sheet holds it as a number, and where it is."""

    text: str
    numeric: bool
    origin: Origin


@dataclass(frozen=True)
class Grid:
    """A sheet as rows of cells; row 0 is the header row."""

    path: str
    rows: tuple[tuple[Cell, ...], ...]


def read_grid(path: Path, display: str, tab: str | None) -> Grid:
    """Read `path` with the reader registered for its kind; an unknown kind is a positioned error."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        kinds = ", ".join(sorted(READERS))
        raise content_error("E2951", f"cannot read a '{path.suffix}' file as a sheet; expected one of {kinds}",
                            Origin(display, 1, 1))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise content_error("E2952", f"cannot read the sheet: {exc.strerror or exc}", Origin(display, 1, 1)) from None
    if len(data) > MAX_SHEET_BYTES:
        raise content_error("E2952", f"sheet is {len(data):,} bytes; the limit is {MAX_SHEET_BYTES:,}",
                            Origin(display, 1, 1))
    cache = current_cache()
    key = _cache_key(path.suffix.lower(), tab, data)
    grid = _from_record(cache.get_record(key), display) if cache is not None else None
    if grid is None:
        grid = reader(data, display, tab)
        if cache is not None:
            cache.put_record(key, _record(grid))
    return grid


# Bump when a reader shows a cell differently from the same bytes.
GRID_VERSION = 1


def _cache_key(kind: str, tab: str | None, data: bytes) -> str:
    """A sheet's entry in the content cache: its bytes, the tab read and the reader (a workbook's cells
    are kept, so an unchanged workbook is not opened again: openpyxl's import and read took 0.4 s)."""
    digest = hashlib.sha256(f"{GRID_VERSION}\0{kind}\0{tab or ''}\0".encode() + data).hexdigest()
    return f"grid-{digest}"


def _record(grid: Grid) -> list:
    return [[[c.text, c.numeric, c.origin.line, c.origin.column, c.origin.cell] for c in row] for row in grid.rows]


def _from_record(record, display: str) -> Grid | None:
    """The grid a cache entry holds, or None for anything that is not one (never trusted half-read)."""
    if record is None:
        return None
    try:
        rows = tuple(tuple(Cell(text, numeric, Origin(display, line, column, cell))
                           for text, numeric, line, column, cell in row) for row in record)
    except (TypeError, ValueError):
        return None
    ok = all(isinstance(c.text, str) and isinstance(c.numeric, bool) and isinstance(c.origin.line, int)
             and isinstance(c.origin.column, int) and isinstance(c.origin.cell, (str, type(None)))
             for row in rows for c in row)
    return Grid(display, rows) if ok else None


def _read_csv(data: bytes, display: str, tab: str | None) -> Grid:
    """CSV: every field is already the text the lab exported; origins are `file.csv:row:col`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise content_error("E2952", f"sheet is not UTF-8 (byte {exc.start}); export it as CSV UTF-8",
                            Origin(display, 1, 1)) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise content_error("E2952", f"not a readable CSV file: {exc}", Origin(display, 1, 1)) from None
    rows = tuple(tuple(Cell(field.strip(), _looks_numeric(field.strip()), Origin(display, r, c))
                       for c, field in enumerate(record, 1))
                 for r, record in enumerate(records, 1) if any(f.strip() for f in record))
    return Grid(display, rows)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _looks_numeric(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def _read_xlsx(data: bytes, display: str, tab: str | None) -> Grid:
    """.xlsx: values as the cells show them (number formats applied), origins `file.xlsx:Sheet!B7`."""
    import openpyxl  # imported here: only products with workbooks pay for it

    try:
        shown = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        typed = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors... for a damaged file
        raise content_error("E2952", f"not a readable .xlsx workbook ({type(exc).__name__}); save it again from Excel",
                            Origin(display, 1, 1)) from None
    name = tab or shown.sheetnames[0]
    if name not in shown.sheetnames:
        raise content_error("E2953", f"the workbook has no sheet '{name}'; sheets: {', '.join(shown.sheetnames)}",
                            Origin(display, 1, 1))
    sheet, formulas = shown[name], typed[name]
    ranges = sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    merged = [str(r) for r in ranges]
    if merged:
        first = ranges[0]
        raise content_error("E2954", f"merged cells {', '.join(merged)} in the data area; unmerge them and repeat "
                            "the value in each cell", _at(display, name, first.min_row, first.min_col))
    rows = []
    for row in sheet.iter_rows():
        cells = tuple(_cell(display, name, cell, formulas.cell(cell.row, cell.column)) for cell in row)
        if not any(c.text for c in cells):
            continue
        if sheet.row_dimensions[row[0].row].hidden:
            raise content_error("E2955", f"row {row[0].row} is hidden; unhide it or delete it (a reviewer must see "
                                "every value the dossier prints)", _at(display, name, row[0].row, 1))
        rows.append(cells)
    return Grid(display, tuple(rows))


def _at(display: str, sheet: str, row: int, col: int) -> Origin:
    from openpyxl.utils import get_column_letter

    return Origin(display, row, col, f"{sheet}!{get_column_letter(col)}{row}")


def _cell(display: str, sheet: str, cell, formula) -> Cell:
    origin = _at(display, sheet, cell.row, cell.column)
    value = cell.value
    if value is None and isinstance(formula.value, str) and formula.value.startswith("="):
        raise content_error("E2956", f"formula {formula.value} has no cached value; open the workbook in Excel "
                            "and save it so the result is stored", origin)
    if value is None:
        return Cell("", False, origin)
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE", False, origin)
    if isinstance(value, (dt.datetime, dt.date)):
        return Cell(_date_text(value, cell.number_format), False, origin)
    if isinstance(value, (int, float)):
        return Cell(_number_text(value, cell.number_format, origin), True, origin)
    return Cell(str(value).strip(), False, origin)


def _date_text(value, fmt: str) -> str:
    """A date cell (also an Excel serial number with a date format) as an ISO date, as content types it."""
    if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second) and "h" in fmt.lower():
        return value.isoformat(sep=" ", timespec="minutes")
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


_FIXED = re.compile(r"0(\.(0+))?(%?)")


def _number_text(value: float, fmt: str, origin: Origin) -> str:
    """The text Excel shows for a number: `0.00` keeps two decimals (0.50 stays 0.50), General is the
    shortest text that reads back as the same number; other formats are refused rather than guessed."""
    fmt = fmt.strip()
    if fmt in ("General", "@"):
        if isinstance(value, int) or float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    match = _FIXED.fullmatch(fmt)
    if match is None:
        raise content_error("E2957", f"number format '{fmt}' is not one the builder can show exactly; use General, "
                            "0, 0.0, 0.00 … (or store the cell as text)", origin)
    places = len(match.group(2) or "")
    if match.group(3):
        return f"{value * 100:.{places}f} %"
    return f"{value:.{places}f}"


READERS: dict[str, Callable[[bytes, str, str | None], Grid]] = {".csv": _read_csv, ".xlsx": _read_xlsx}
