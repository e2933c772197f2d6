"""What changed in the merged content, in a reviewer's words, and which documents show it.

Both sides' merged trees are compared value by value (the paths `invoke explain` prints). A record
(a list item with an `id`: a test, a batch, a study) that only one side has is one entry, "added" or
"removed", not one entry per field. Each entry is labelled as a reviewer reads it: the record's own
name (`test`, `name`, `title`, `number` …) and the field, e.g. "Assay (HPLC), release", and placed
under every changed document that renders it (`builder.provenance.renders`).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..explain import lines
from ...source import Value
from .git import History
from .text import excerpt, first_difference, flat

OWNERS = ("drug_substances", "drug_products")  # implied by the document; never part of a label
NAME_FIELDS = ("test", "name", "title", "number", "control", "component", "label", "citation", "site", "batch",
               "substance", "attribute", "material", "step", "building", "route")
KINDS = {"drug_substances": "drug substance", "drug_products": "drug product", "batches": "batch",
         "tests": "test", "studies": "stability study", "procedures": "analytical procedure",
         "impurities": "impurity", "controls": "in-process control", "materials": "material", "sites": "site",
         "strengths": "strength", "excipients": "excipient", "reference_standards": "reference standard",
         "container_closure": "container closure component", "process": "process step",
         "regional": "regional item", "literature": "literature reference", "cell_banks": "cell bank",
         "starting_materials": "starting material", "critical_reagents": "critical reagent",
         "parameters": "process parameter", "hold_times": "hold time", "shipping": "shipping configuration",
         "in_use": "handling step", "characterisation": "characterisation result", "facilities": "facility",
         "areas": "facility area"}


@dataclass(frozen=True)
class Change:
    """One changed value, or a record added or removed: the merged-content path, its label, the
    value before and after, where it is written and who changed it, and which side's documents
    render it (`head`, or `base` for something removed)."""

    path: str
    status: str  # changed, added (a record) or removed (a record)
    label: str
    before: str
    after: str
    where: str
    side: str

    def line(self, number: str) -> str:
        what = f"{self.before} → {self.after}" if self.status == "changed" else self.status
        return f"{number} {self.label}: {what} ({self.where})"


def changes(base: Value, head: Value, history: History) -> list[Change]:
    """Every difference between two merged trees of one (product, region), records first."""
    old, new = dict(lines(base)), dict(lines(head))
    old_records, new_records = _records(base), _records(head)
    added = _outermost(set(new_records) - set(old_records))
    removed = _outermost(set(old_records) - set(new_records))
    found = [_record(head, path, new_records[path], history, True) for path in sorted(added, key=_order(new))]
    found += [_record(base, path, old_records[path], history, False) for path in sorted(removed, key=_order(old))]
    inside = tuple(p + "." for p in added | removed)
    for path, value in new.items():
        if path.startswith(inside):
            continue
        if path not in old:
            found.append(_value(head, path, None, value, history))
        elif old[path].data != value.data:
            found.append(_value(head, path, old[path], value, history))
    found += [_value(base, path, value, None, history) for path, value in old.items()
              if path not in new and not path.startswith(inside)]
    return found


def _order(values: dict):
    index = {path: i for i, path in enumerate(values)}
    return lambda record: min((i for p, i in index.items() if p.startswith(record + ".")), default=0)


def _records(value: Value, path: str = "") -> dict[str, Value]:
    """path → record, for every list item with an id (the paths `lines()` uses for them)."""
    found = {}
    if value.is_map:
        for key, child in value.data.items():
            found.update(_records(child, f"{path}.{key}" if path else key))
    elif value.is_list:
        for index, child in enumerate(value.data):
            ident = child.data.get("id") if child.is_map else None
            here = f"{path}[{ident.data if ident is not None else index}]"
            if ident is not None:
                found[here] = child
            found.update(_records(child, here))
    return found


def _outermost(paths: set[str]) -> set[str]:
    return {p for p in paths if not any(q != p and p.startswith((q + ".", q + "[")) for q in paths)}


def _record(tree: Value, path: str, record: Value, history: History, added: bool) -> Change:
    steps = trail(tree, path)
    kind = KINDS.get(steps[-2][1] if len(steps) > 1 else "", "record")
    label = f"{kind[0].upper()}{kind[1:]} {_name(record) or steps[-1][1]}"
    mine = [v for _, v in lines(record) if v.origin.path == record.origin.path] or [record]
    first, last = min(v.origin.line for v in mine), max(v.origin.line for v in mine)
    where = _where(record.origin.path, record.origin.line, history, first, last, added)
    if added:
        return Change(path, "added", label, "not present", "added", where, "head")
    return Change(path, "removed", label, "present", "removed", where, "base")


def _value(tree: Value, path: str, old: Value | None, new: Value | None, history: History) -> Change:
    label = _label(trail(tree, path))
    before = flat(old.data) if old is not None else "(not set)"
    after = flat(new.data) if new is not None else "(removed)"
    if old is not None and new is not None:
        before, after = excerpt(old.data, new.data)
    value = new if new is not None else old
    if value.origin.cell:  # a workbook cell: git cannot blame inside a workbook, so the workbook's last change
        where = f"{'' if new is not None else 'was '}{value.origin}, {history.file_changed(value.origin.path)}"
        return Change(path, "changed", label, before, after, where, "head" if new is not None else "base")
    revision = history.head if new is not None else history.base
    first, last = _span(history.text(revision, value.origin.path), value)
    line = first
    if old is not None and new is not None and isinstance(new.data, str):
        line = min(first + first_difference(old.data, new.data), last)
    where = _where(value.origin.path, line, history, first, last, new is not None)
    return Change(path, "changed", label, before, after, where, "head" if new is not None else "base")


def _span(text: list[str], value: Value) -> tuple[int, int]:
    """The lines a scalar occupies: a block scalar (`|`, `>`) starts on the line after its key."""
    line, column = value.origin.line, value.origin.column
    here = text[line - 1][max(column - 1, 0):].lstrip() if 0 < line <= len(text) else ""
    first = line + 1 if here[:1] in ("|", ">") else line
    count = len(value.data.splitlines()) if isinstance(value.data, str) else 1
    last = first + max(count, 1) - 1
    return first, min(last, len(text)) if text else last


def _where(display: str, line: int, history: History, first: int, last: int, on_head: bool) -> str:
    if on_head:
        return f"{display}:{line}, {history.changed(display, first, last)}"
    return f"was {display}:{line}; {history.removed(display)}"


def trail(tree: Value, path: str) -> list[tuple[str, str, Value]]:
    """The steps from the root to the value at `path`: (kind, key or id, value), kind "." for a
    mapping key and "[" for a list item. Keys may hold dots (`narrative.3.2.S.2.5`): the longest
    key of the mapping that the path continues with is the one taken."""
    steps, node, rest = [], tree, path
    while rest and node is not None:
        if rest.startswith("["):
            ident, rest = rest[1:rest.index("]")], rest[rest.index("]") + 1:]
            node = _item(node, ident)
            steps.append(("[", ident, node))
            continue
        rest = rest.removeprefix(".")
        keys = [k for k in (node.data if node.is_map else {}) if rest == k or rest.startswith((k + ".", k + "["))]
        if not keys:
            break
        key = max(keys, key=len)
        node, rest = node.data[key], rest[len(key):]
        steps.append((".", key, node))
    return steps


def _item(node: Value, ident: str) -> Value | None:
    items = node.data if node.is_list else []
    for item in items:
        if item.is_map and "id" in item.data and item.data["id"].data == ident:
            return item
    return items[int(ident)] if ident.isdigit() and int(ident) < len(items) else None


def _label(steps) -> str:
    """ "<record name>, <field>": the innermost named record and the rest of the path in words."""
    start, name = 0, ""
    for i, (kind, ident, node) in enumerate(steps):
        if kind == "[" and node is not None and node.is_map and "id" in node.data:
            owner = i > 0 and steps[i - 1][1] in OWNERS
            start, name = i + 1, "" if owner else (_name(node) or ident)
    words = [_word(kind, ident) for kind, ident, _ in steps[start:]]
    if words[:1] == ["narrative"]:
        words = ["narrative"]
    field = " ".join(w for w in words if w)
    return ", ".join(p for p in (name, field) if p) or "value"


def _word(kind: str, ident: str) -> str:
    if kind == "[":
        return f"#{int(ident) + 1}" if ident.isdigit() else ident
    return ident.replace("_", " ")


def _name(record: Value) -> str:
    for key in NAME_FIELDS:
        value = record.data.get(key)
        if value is not None and value.is_text and value.data.strip():
            return flat(value.data)
    return ""
