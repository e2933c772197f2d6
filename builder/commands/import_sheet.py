"""`invoke import`: carry a sheet's values into the YAML records that name it, for teams that keep values in git.

Every `results: {sheet: FILE, …}` mapping in the product's core files that names FILE is replaced by the
lists the sheet holds, with a round-trip writer (comments and key order kept); nothing else is touched.
Dry run by default: prints what would change; `--write` applies it atomically.
"""
from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import content_error
from ..ooxml.atomic import atomic_write
from ..tabular import load_with_sheets
from ..project import Project
from ..source import _yaml as content_yaml


def import_sheet(root: Path, product: str, sheet: str, write: bool = False) -> list[str]:
    """Return one line per results mapping replaced (`file: study: N tests from SHEET`)."""
    project, changes = Project(root), []
    for path in project.core_files(product):
        spliced = load_with_sheets(project, path)
        if not any(s.path.endswith("/" + sheet) for s in spliced.sheets):
            continue
        yaml = content_yaml()  # every scalar text, so `0.10` is written back plain, as typed
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=2, sequence=4, offset=2)
        doc = yaml.load(path.read_text(encoding="utf-8"))
        read = list(_sheet_results(spliced.root))
        for (mapping_holder, key), values in zip(_mappings(doc), read):
            if str(mapping_holder[key].get("sheet")) != sheet:
                continue
            holder_id = mapping_holder.get("id", "?")
            new = CommentedMap()
            for test, cells in values.data.items():
                seq = CommentedSeq(cell.data for cell in cells.data)
                seq.fa.set_flow_style()
                new[test] = seq
            mapping_holder[key] = new
            changes.append(f"{project.display(path)}: {holder_id}: {len(new)} tests from {sheet}")
        if write and changes:
            out = io.StringIO()
            yaml.dump(doc, out)
            atomic_write(path, out.getvalue().encode("utf-8"))
    if not changes:
        raise content_error("E2958", f"no study of {product} reads the sheet '{sheet}'", None, "--sheet")
    return changes


def _mappings(node):
    """(holder, 'results') for each results mapping that names a sheet, in document order."""
    if isinstance(node, dict):
        for key, item in node.items():
            if key == "results" and isinstance(item, dict) and "sheet" in item:
                yield node, key
            else:
                yield from _mappings(item)
    elif isinstance(node, list):
        for item in node:
            yield from _mappings(item)


def _sheet_results(value):
    """The spliced results Values, in the same document order as `_mappings`."""
    if value.is_map:
        for key, item in value.data.items():
            if key == "results" and item.is_map and _from_sheet(item):
                yield item
            else:
                yield from _sheet_results(item)
    elif value.is_list:
        for item in value.data:
            yield from _sheet_results(item)


def _from_sheet(item) -> bool:
    first = next(iter(item.data.values()), None)
    return (first is not None and first.is_list and bool(first.data)
            and not first.data[0].origin.path.endswith(".yaml"))
