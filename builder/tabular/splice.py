"""Replace every `results: {sheet: …}` mapping in a loaded YAML tree by the values the sheet holds.

The result has exactly the shape typed YAML results have (`{test: [value per time point]}`), with each
value's `Origin` naming its cell, so validation, rendering, reads, trace and explain need nothing new.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from ..errors import Origin, content_error
from ..source import SourceFile, Value, load_file
from .grid import Grid, read_grid

MAPPING_KEYS = {"sheet", "tab", "test_column", "timepoints", "numeric"}


def is_sheet_mapping(value: Value) -> bool:
    return value.is_map and "sheet" in value.data


def splice_sheets(source: SourceFile, folder: Path, display_folder: str) -> tuple[SourceFile, dict]:
    """Return `source` with its sheet mappings read in, and {display path: (sha256, size)} of the sheets."""
    inputs: dict = {}
    root = _walk(source.root, folder, display_folder, inputs)
    return (source if root is source.root else replace(source, root=root)), inputs


def sheet_inputs(sources) -> dict:
    """The sheets every source read, for the manifest inputs."""
    found: dict = {}
    for item in sources:
        found.update(getattr(item, "sheets", {}) or {})
    return found


def _walk(value: Value, folder: Path, display_folder: str, inputs: dict) -> Value:
    if value.is_map:
        data, changed = {}, False
        for key, item in value.data.items():
            new = (_read(item, folder, display_folder, inputs) if key == "results" and is_sheet_mapping(item)
                   else _walk(item, folder, display_folder, inputs))
            changed |= new is not item
            data[key] = new
        return replace(value, data=data) if changed else value
    if value.is_list:
        items = [_walk(item, folder, display_folder, inputs) for item in value.data]
        return replace(value, data=items) if any(a is not b for a, b in zip(items, value.data)) else value
    return value


def _text(mapping: Value, key: str, required: bool = True) -> str | None:
    item = mapping.data.get(key)
    if item is None:
        if required:
            raise content_error("E2958", f"a sheet mapping needs '{key}'", mapping.origin, key)
        return None
    if not item.is_text:
        raise content_error("E2958", f"'{key}' must be a single text", item.origin, key)
    return item.data


def _texts(mapping: Value, key: str) -> list[Value]:
    item = mapping.data.get(key)
    if item is None:
        return []
    if not item.is_list or not all(v.is_text for v in item.data):
        raise content_error("E2958", f"'{key}' must be a list of texts", item.origin, key)
    return item.data


def _read(mapping: Value, folder: Path, display_folder: str, inputs: dict) -> Value:
    unknown = sorted(set(mapping.data) - MAPPING_KEYS)
    if unknown:
        raise content_error("E2958", f"unknown key '{unknown[0]}' in a sheet mapping; expected one of "
                            f"{', '.join(sorted(MAPPING_KEYS))}", mapping.data[unknown[0]].origin, unknown[0])
    name = _text(mapping, "sheet")
    if "/" in name or "\\" in name or name.startswith("."):
        raise content_error("E2958", "'sheet' names a file next to this YAML file (no folders)",
                            mapping.data["sheet"].origin, "sheet")
    path, display = folder / name, f"{display_folder}/{name}"
    if not path.is_file():
        raise content_error("E2952", f"sheet file {display} does not exist", mapping.data["sheet"].origin, "sheet")
    grid = read_grid(path, display, _text(mapping, "tab", required=False))
    data = path.read_bytes()
    inputs[display] = (hashlib.sha256(data).hexdigest(), len(data))
    return _results(grid, mapping)


def _column(header, title: str, grid: Grid, where: Origin) -> int:
    for index, cell in enumerate(header):
        if cell.text == title:
            return index
    found = ", ".join(c.text for c in header if c.text)
    raise content_error("E2959", f"mapped column '{title}' is not in the header row of {grid.path} "
                        f"(found: {found})", header[0].origin if header else where)


def _results(grid: Grid, mapping: Value) -> Value:
    if not grid.rows:
        raise content_error("E2959", "the sheet has no header row", Origin(grid.path, 1, 1))
    header, body = grid.rows[0], grid.rows[1:]
    test_col = _column(header, _text(mapping, "test_column"), grid, mapping.origin)
    points = [_column(header, v.data, grid, v.origin) for v in _texts(mapping, "timepoints")]
    if not points:
        raise content_error("E2958", "a sheet mapping needs 'timepoints' (the result column headers)",
                            mapping.origin, "timepoints")
    numeric = {v.data for v in _texts(mapping, "numeric")}
    results: dict = {}
    for row in body:
        test = row[test_col] if test_col < len(row) else None
        if test is None or not test.text:
            continue
        cells = [row[i] if i < len(row) else None for i in points]
        values = []
        for title_index, cell in zip(points, cells):
            where = cell.origin if cell else test.origin
            text = cell.text if cell else ""
            if test.text in numeric and text and not (cell and cell.numeric) and not _limit_text(text):
                raise content_error("E2960", f"'{text}' in the numeric results of '{test.text}' (column "
                                    f"'{header[title_index].text}'); expected a number", where, test.text)
            values.append(Value(text, where))
        results[test.text] = Value(values, test.origin, key_origin=test.origin)
    return Value(results, mapping.origin, key_origin=mapping.key_origin)


def _limit_text(text: str) -> bool:
    """`< 0.10` (below the reporting limit) is a result a numeric test may have."""
    head = text.lstrip("<>≤≥ ").strip()
    return text[:1] in "<>≤≥" and head.replace(".", "", 1).isdigit()


def load_with_sheets(project, path: Path) -> SourceFile:
    """Load a YAML file and read in the sheets its results name; the sheets become inputs of the pair."""
    source = load_file(path, project.display(path), project.cache)
    spliced, sheets = splice_sheets(source, path.parent, project.display(path.parent))
    if not sheets:
        return source
    empty = Value({}, Origin(source.path))
    return replace(spliced, sheets=tuple(SourceFile(p, h, n, empty) for p, (h, n) in sorted(sheets.items())))
