"""Stage 2, merge: the global core plus one regional overlay → one tree, with every value's origin.

The rules are deliberately few and strict (invoke's strict merge, architecture-models.md §8.5):
mappings merge key by key; lists of records merge by `id`; other lists are replaced whole; removal is
explicit (`remove: true` on a record); a type change is an error, never a silent replacement.
"""
from __future__ import annotations

from dataclasses import replace

from .errors import Diagnostics, Origin
from .source import SourceFile, Value


def combine_core(files: list[SourceFile], diags: Diagnostics) -> Value:
    """Join the core files into one mapping; a top-level key may be defined by one file only.

    The joined mapping is placed at the first core file's 1:1, so that a top-level key no core file
    has (say `product`, after its file was renamed) is still reported at a place an editor can open."""
    merged: dict[str, Value] = {}
    folder = Origin(files[0].path, 1, 1) if files else Origin("")
    for source in files:
        if not source.root.is_map:
            diags.error("E2101", "expected a mapping of top-level keys at the top of the file", source.root.origin)
            continue
        for key, value in source.root.data.items():
            if key in merged:
                diags.error("E2102", f"'{key}' is already defined in {merged[key].origin}", value.origin, key)
            else:
                merged[key] = value
    return Value(merged, folder)


def apply_overlay(core: Value, overlay: SourceFile, diags: Diagnostics) -> Value:
    """Return `core` with `overlay` merged over it; problems are reported at the overlay's lines."""
    if not overlay.root.is_map:
        diags.error("E2101", "expected a mapping of top-level keys at the top of the file", overlay.root.origin)
        return core
    return _merge(core, overlay.root, overlay.path, "", diags)


def _merge(base: Value, over: Value, name: str, path: str, diags: Diagnostics) -> Value:
    if _kind(base) != _kind(over):
        diags.error(
            "E2103",
            f"the overlay changes this value from {_kind(base)} to {_kind(over)} (core value at {base.origin})",
            over.origin,
            path,
        )
        return base
    if base.is_map:
        return _merge_maps(base, over, name, path, diags)
    if base.is_list and _is_record_list(base):
        if _is_record_list(over):
            return _merge_records(base, over, name, path, diags)
        diags.error(
            "E2106",
            "records merge by 'id': give every item an id (to remove one, write {id: ..., remove: true})",
            over.origin,
            path,
        )
        return base
    return replace(_mark(over, name), replaces=base.origin) if base.is_text else _mark(over, name)


def _merge_maps(base: Value, over: Value, name: str, path: str, diags: Diagnostics) -> Value:
    merged = dict(base.data)
    for key, value in over.data.items():
        child = f"{path}.{key}" if path else key
        merged[key] = _merge(base.data[key], value, name, child, diags) if key in base.data else _mark(value, name)
    return Value(merged, base.origin, base.overlay)


def _merge_records(base: Value, over: Value, name: str, path: str, diags: Diagnostics) -> Value:
    """Merge `over` into `base` by id.

    An id twice in the core makes "the record with this id" ambiguous: merging collapsed the two
    into the later one, listed twice, and the schema then cited that record as its own first place.
    So the core list is kept as it is, and the schema reports the duplicate with both places
    (E2211). An id twice in the overlay was silently merged twice, the second winning: refused.
    """
    ids = [_id(item) for item in base.data]
    if len(set(ids)) != len(ids):
        return base
    records = dict(zip(ids, base.data))
    order = ids
    first: dict[str, Value] = {}
    placements: list[tuple[str, Value, str]] = []
    for item in over.data:
        rid = _id(item)
        where = f"{path}[{rid}]"
        if "place" in item.data and not _is_removal(item):
            placements.append((rid, item.data["place"], where))
            item = Value({k: v for k, v in item.data.items() if k != "place"}, item.origin, item.overlay)
        if first.setdefault(rid, item) is not item:
            diags.error("E2107", f"the overlay states id '{rid}' twice (first at {first[rid].origin}); "
                        "state each record once", item.origin, where)
            continue
        if _is_removal(item):
            if rid not in records:
                diags.error("E2104", f"cannot remove '{rid}': no such record in the core", item.origin, where)
            elif len(item.data) > 2:
                diags.error("E2105", "a removal states only 'id' and 'remove: true'", item.origin, where)
            else:
                order.remove(rid)
                del records[rid]
        elif rid in records:
            # the overlay's id only says which record it merges into; it replaces nothing
            rest = Value({k: v for k, v in item.data.items() if k != "id"}, item.origin, item.overlay)
            records[rid] = _merge(records[rid], rest, name, where, diags)
        else:
            records[rid] = _mark(item, name)
            order.append(rid)
    for rid, place, where in placements:
        _place(order, rid, place, f"{where}.place", diags)
    return Value([records[rid] for rid in order], base.origin, base.overlay)


def _place(order: list[str], rid: str, place: Value, where: str, diags: Diagnostics) -> None:
    """Move `rid` before or after another record of the merged list (`place: {after: LT-25-60}`).

    Without it an added record is appended, so a reviewer's order (long-term before accelerated, a
    regional test beside the test it complements) could not be written. Placements apply in overlay
    order, after every record is merged, so an anchor may be a core id or an id the overlay adds."""
    sides = place.data if place.is_map else {}
    if len(sides) != 1 or not set(sides) <= {"before", "after"} or not next(iter(sides.values())).is_text:
        diags.error("E2109", "expected 'place: {before: <id>}' or 'place: {after: <id>}'", place.origin, where)
        return
    side, anchor_value = next(iter(sides.items()))
    anchor = anchor_value.data
    if rid not in order:
        return  # a refused record (E2107) has nothing to place
    if anchor == rid or anchor not in order:
        known = ", ".join(i for i in order if i != rid)
        diags.error("E2108", f"cannot place '{rid}' {side} '{anchor}': no other record of this list has that id "
                    f"(ids: {known})", anchor_value.origin, f"{where}.{side}")
        return
    order.remove(rid)
    order.insert(order.index(anchor) + (side == "after"), rid)


def _is_removal(item: Value) -> bool:
    flag = item.data.get("remove")
    return flag is not None and flag.is_text and flag.data.strip().lower() == "true"


def _mark(value: Value, name: str) -> Value:
    """Mark a whole subtree as set by the overlay `name`."""
    if value.is_map:
        return Value({k: _mark(v, name) for k, v in value.data.items()}, value.origin, name)
    if value.is_list:
        return Value([_mark(v, name) for v in value.data], value.origin, name)
    return value.with_overlay(name)


def _kind(value: Value) -> str:
    return "a mapping" if value.is_map else "a list" if value.is_list else "text"


def _is_record_list(value: Value) -> bool:
    return bool(value.data) and all(item.is_map and _id(item) for item in value.data)


def _id(item: Value) -> str:
    ident = item.data.get("id")
    return ident.data if ident is not None and ident.is_text else ""
