"""What a leaf read, recorded as its views read it (issue 13 item 3; issue 12 part 4).

While a recorder is active, every field read on a content record (`nodes.Node`) is noted as
(record, field); a mapping field (narrative, batch results) is handed out as a read-through proxy so
that `narrative.get("3.2.S.2.2")` notes that one entry, not the whole map. Afterwards the reads are
resolved against the merged content into content paths (the ones `invoke explain` prints) and into
source positions (file → lines), which the manifest stores per leaf and `invoke impact` answers from.

Nothing is recorded while no recorder is active: the hook is installed on `Node` only for the length
of a recording, so validation, checks and the rest of the build pay nothing.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from .nodes import Node

_current: ContextVar["Recorder | None"] = ContextVar("reads", default=None)
_object_get = object.__getattribute__
_NOT_FIELDS = frozenset({"at", "origins", "where", "__class__", "__dict__", "__dataclass_fields__"})
_active = [0]  # how many recordings are open (the hook stays while any is)


def _recording_getattribute(self, name):
    value = _object_get(self, name)
    recorder = _current.get()
    if recorder is None or name in _NOT_FIELDS or name[0] == "_":
        return value
    recorder.fields.append((self, name))
    if isinstance(value, dict) and value:
        return _MapReads(value, self, name, recorder)
    return value


class _MapReads(Mapping):
    """A mapping field as a view sees it while recording: each entry looked at is a read of its own."""

    __slots__ = ("_data", "_node", "_name", "_recorder")

    def __init__(self, data, node, name, recorder):
        self._data, self._node, self._name, self._recorder = data, node, name, recorder

    def _read(self, key):
        self._recorder.entries.append((self._node, self._name, key))

    def __getitem__(self, key):
        value = self._data[key]
        self._read(key)
        return value

    def get(self, key, default=None):
        if key in self._data:
            self._read(key)
            return self._data[key]
        return default

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        for key in self._data:
            self._read(key)
            yield key

    def __len__(self):
        return len(self._data)

    def __bool__(self):
        return bool(self._data)

    def __eq__(self, other):
        return dict(self.items()) == (dict(other) if isinstance(other, Mapping) else other)

    def __repr__(self):
        return repr(self._data)


@dataclass
class Recorder:
    """The raw reads of one recording: (record, field), (record, field, entry key), label keys."""

    fields: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    labels: set = field(default_factory=set)


@contextmanager
def hooked():
    """Keep the read hook on `Node` for the block (setting a class's `__getattribute__` is costly:
    Python updates every subclass, so a loop of recordings is wrapped in one `hooked()`)."""
    if _active[0] == 0:
        Node.__getattribute__ = _recording_getattribute
    _active[0] += 1
    try:
        yield
    finally:
        _active[0] -= 1
        if _active[0] == 0:
            del Node.__getattribute__


@contextmanager
def recording():
    """Record every content read made inside the block (nestable; one recorder per block)."""
    recorder = Recorder()
    token = _current.set(recorder)
    try:
        with hooked():
            yield recorder
    finally:
        _current.reset(token)


@contextmanager
def paused():
    """Reads made here are bookkeeping (finding which list a record is in), not content shown."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def active() -> bool:
    """True while a leaf is recorded: caches keyed by a record's identity must not answer then, or the
    reads behind the cached answer would go unrecorded."""
    return _current.get() is not None


def note_label(key: str) -> None:
    """A region label a view used (`scope.label`)."""
    recorder = _current.get()
    if recorder is not None:
        recorder.labels.add(key)


@dataclass(frozen=True)
class LeafReads:
    """What one leaf depends on: content paths, source lines per file, and the labels its views used.

    `paths` are values shown (scalars, lists of text, map entries); `holders` are records and lists
    whose membership was read (iterated, tested for presence). `fields` keeps the (record, field) pairs
    themselves for in-process users (tests perturb them); it is not written anywhere."""

    paths: frozenset = frozenset()
    holders: frozenset = frozenset()
    lines: dict = field(default_factory=dict)      # file → frozenset of line numbers
    labels: frozenset = frozenset()
    fields: tuple = field(default=(), compare=False, repr=False)
    digest: str = field(default="", compare=False)  # the values read, in order (incremental.values_digest)

    def as_json(self) -> dict:
        """The manifest's compact form: per record the fields shown (sorted), per file its lines as spans
        ("12-14,20"), and the labels used."""
        grouped: dict[str, list[str]] = {}
        for path in self.paths:
            record, name = split_path(path)
            grouped.setdefault(record, []).append(name)
        return {"values": {record: sorted(names) for record, names in sorted(grouped.items())},
                "lines": {f: spans(sorted(ls)) for f, ls in sorted(self.lines.items())},
                **({"labels": sorted(self.labels)} if self.labels else {})}

    def shows(self, path: str) -> bool:
        """True when the value at `path` (an `explain` path) is one this leaf shows, or holds one it shows."""
        if path in self.paths or path in self.holders:
            return True
        head = path[:path.rfind("[")] if path.endswith("]") else None  # `names[2]`: an item of a list read whole
        if head and head in self.paths:
            return True
        return any(p.startswith(path + ".") or p.startswith(path + "[") for p in self.paths)


def split_path(path: str) -> tuple[str, str]:
    """`a[x].b[y].name` → (`a[x].b[y]`, `name`); `a[x].narrative.3.2.S.2.4` → (`a[x]`, `narrative.3.2.S.2.4`)."""
    cut = path.rfind("]")
    head, rest = (path[:cut + 1], path[cut + 2:]) if cut >= 0 and path[cut + 1:cut + 2] == "." else ("", path)
    return head, rest


def spans(lines: list[int]) -> str:
    """[3, 4, 5, 9] → "3-5,9"."""
    out, start, prev = [], None, None
    for line in lines:
        if start is None:
            start = prev = line
        elif line == prev + 1:
            prev = line
        else:
            out.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = line
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else str(start))
    return ",".join(out)


def parse_spans(text: str) -> set[int]:
    """ "3-5,9" → {3, 4, 5, 9} (the inverse of `spans`)."""
    found = set()
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        found.update(range(int(low), int(high or low) + 1))
    return found


class ContentIndex:
    """Where each record of one merged content sits: its `explain` path, and how far each value runs.

    A value's lines run from its own line to the line before the next value written in the same file,
    so a multi-line narrative covers all its lines."""

    def __init__(self, content, roots=()):
        self.paths: dict[int, str] = {}
        self._walk(content, "")
        self._starts: dict[str, list[int]] = {}
        for root in roots:
            self._collect_starts(root)
        for starts in self._starts.values():
                starts.sort()

    def _walk(self, node, path: str) -> None:
        self.paths[id(node)] = path
        for f in dataclasses.fields(node):
            if f.name in ("at", "origins"):
                continue
            value = _object_get(node, f.name)
            here = f"{path}.{f.name}" if path else f.name
            if isinstance(value, Node):
                self._walk(value, here)
            elif isinstance(value, tuple):
                for index, item in enumerate(value):
                    if isinstance(item, Node):
                        ident = getattr(item, "id", None)
                        self._walk(item, f"{here}[{ident if isinstance(ident, str) and ident else index}]")
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, Node):
                        self._walk(item, f"{here}.{key}")

    def _collect_starts(self, value) -> None:
        for origin in (value.origin, value.key_origin):
            if origin is not None and origin.line:
                self._starts.setdefault(origin.path, []).append(origin.line)
        children = value.data.values() if value.is_map else value.data if value.is_list else ()
        for child in children:
            self._collect_starts(child)

    def span(self, origin, text) -> range:
        """The lines of a scalar written at `origin`: up to the next value's line in its file."""
        if origin is None or not origin.line:
            return range(0)
        starts = self._starts.get(origin.path)
        if not starts:
            return range(origin.line, origin.line + 1)
        from bisect import bisect_right
        after = bisect_right(starts, origin.line)
        end = starts[after] - 1 if after < len(starts) else origin.line + (text.count("\n") if isinstance(text, str) else 0)
        return range(origin.line, max(end, origin.line) + 1)

    def resolve(self, recorder: Recorder) -> LeafReads:
        paths, holders, lines = set(), set(), {}
        seen = set()
        pairs = []

        def add(origin, text) -> None:
            for line in self.span(origin, text):
                lines.setdefault(origin.path, set()).add(line)

        for node, name in recorder.fields:
            key = (id(node), name)
            if key in seen:
                continue
            seen.add(key)
            base = self.paths.get(id(node))
            fields = _object_get(node, "__dataclass_fields__")
            if base is None or name not in fields:
                continue
            pairs.append((node, name))
            value = _object_get(node, name)
            path = f"{base}.{name}" if base else name
            origins = _object_get(node, "origins")
            if isinstance(value, Node) or isinstance(value, dict) or (isinstance(value, tuple) and value
                                                                     and isinstance(value[0], Node)):
                holders.add(path)
            elif isinstance(value, tuple):
                paths.add(path)
                for index, item in enumerate(value):
                    add(origins.get(f"{name}[{index}]"), item)
            else:
                paths.add(path)
                if name in origins:
                    add(origins[name], value)
        for node, name, entry in recorder.entries:
            key = (id(node), name, entry)
            if key in seen:
                continue
            seen.add(key)
            base = self.paths.get(id(node))
            if base is None:
                continue
            pairs.append((node, name, entry))
            value = _object_get(node, name).get(entry)
            path = f"{base}.{name}.{entry}" if base else f"{name}.{entry}"
            origins = _object_get(node, "origins")
            if isinstance(value, Node):
                holders.add(path)
                continue
            paths.add(path)
            if isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    add(origins.get(f"{name}.{entry}[{index}]"), item)
            else:
                add(origins.get(f"{name}.{entry}"), value)
        return LeafReads(frozenset(paths), frozenset(holders), {f: frozenset(v) for f, v in lines.items()},
                         frozenset(recorder.labels), tuple(pairs))
