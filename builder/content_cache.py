"""Parsed YAML kept between runs, keyed by the SHA-256 of the bytes parsed, so an unchanged file is
never parsed twice (the pure-Python parser was a quarter of a build). Other stages keep plain JSON
records here too (`get_record`/`put_record`), each under a key naming its own inputs and version: a
workbook's cells (opening it with openpyxl was a fifth of `invoke check`), the unit factors pint
computed, and which templates passed their check.

The cache lives in `output/.cache/content/` (git-ignored, and `output/` is the only place a build
writes). Each entry is one file, written whole through a temp file and a rename, so two builds
sharing the folder never see half an entry. An entry starts with the SHA-256 of the rest of its bytes
and names the loader version that wrote it: a truncated, corrupted or older entry is discarded and
the file parsed again, never trusted. Errors are not cached: a bad file is parsed (and reported) on
every run. Entries are written only when a build publishes, under its lock, so a failed build leaves `output/`
byte for byte as it was. A cache folder that cannot be used (read-only, a link out of `output/`)
only costs speed.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__
from .errors import DossierError, Origin
from .files import NotAFile, read_regular
from .source import Value

# Bump when the loader builds a different tree from the same bytes (positions, text, empty values).
LOADER_VERSION = f"{__version__}/2"  # 2: an empty value with nothing typed is placed at its key


class ContentCache:
    """Entries under `folder`; `check` (the output guard) is called before the first write."""

    def __init__(self, folder: Path, check=None):
        self.folder = folder
        self._check = check
        self._usable: bool | None = None
        self._pending: dict[str, Value] = {}
        self._seen: dict[str, Value] = {}  # trees parsed or read in this run, by SHA-256
        self._records: dict[str, object] = {}  # other readers' results to write (`put_record`), by key

    def get(self, sha256: str, display: str) -> Value | None:
        """The tree kept for these bytes: one parsed in this run (a profile read for each product is
        parsed once), else the entry on disk; trees are never changed once built, so sharing is safe."""
        if (kept := self._seen.get(sha256)) is not None and kept.origin.path == display:
            return kept
        try:
            data = read_regular(self.folder / f"{sha256}.json")
        except (OSError, NotAFile):
            return None
        tree = _decode(data, sha256, display)
        if tree is None:
            self._discard(sha256)
        else:
            self._seen[sha256] = tree
        return tree

    def put(self, sha256: str, root: Value) -> None:
        """Keep the entry to write when the build publishes (`flush`): a failed build leaves output/ as it was."""
        self._pending[sha256] = self._seen[sha256] = root

    def get_record(self, key: str):
        """What another reader kept under `key` (plain JSON data: a sheet's cells, `tabular/grid.py`), or
        None; the reader names its own version in the key and rebuilds its objects from the data."""
        try:
            data = read_regular(self.folder / f"{key}.json")
        except (OSError, NotAFile):
            return None
        found = _checked(data, key)
        if found is None:
            self._discard(key)
        return found

    def put_record(self, key: str, record) -> None:
        """Keep plain JSON data under `key`, written when the build publishes (like `put`)."""
        self._records[key] = record

    def changes(self) -> tuple[dict, dict]:
        """What this run has added and not written yet, taken out (a worker hands it to the process that
        publishes, `take`)."""
        changes, self._pending, self._records = (self._pending, self._records), {}, {}
        return changes

    def take(self, changes: tuple[dict, dict]) -> None:
        """Add another process's `changes`; an entry this process already holds stays as it is."""
        pending, records = changes
        for key, tree in pending.items():
            if key not in self._pending:
                self._pending[key] = self._seen.setdefault(key, tree)
        for key, record in records.items():
            self._records.setdefault(key, record)

    def flush(self) -> int:
        """Write the entries parsed in this run; return how many were written."""
        pending, self._pending, self._seen = self._pending, {}, {}  # a run ends: the next reads the disk
        records, self._records = self._records, {}
        entries = {**{k: _encode(v) for k, v in pending.items()}, **records}
        if not entries or not self._ready():
            return 0
        return sum(self._write(key, entry) for key, entry in sorted(entries.items(), key=lambda item: item[0]))

    def _write(self, sha256: str, encoded) -> bool:
        body = json.dumps([LOADER_VERSION, sha256, encoded], ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        entry = hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body
        path = self.folder / f"{sha256}.json"
        tmp = self.folder / f".tmp-{os.getpid()}-{sha256}.json"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as out:
                out.write(entry)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)
            return False
        return True

    def _ready(self) -> bool:
        if self._usable is None:
            try:
                if self._check is not None:
                    self._check(self.folder)
                self.folder.mkdir(parents=True, exist_ok=True)
                if self._check is not None:
                    self._check(self.folder)  # created now: check it is still inside output/
                self._usable = self.folder.is_dir() and not self.folder.is_symlink()
            except (OSError, DossierError):
                self._usable = False
        return self._usable

    def _discard(self, sha256: str) -> None:
        if self._ready():
            try:
                (self.folder / f"{sha256}.json").unlink()
            except OSError:
                pass


def _encode(value: Value) -> list:
    data = value.data
    if isinstance(data, dict):
        data = {k: _encode(v) for k, v in data.items()}
    elif isinstance(data, list):
        data = [_encode(v) for v in data]
    node = [data, value.origin.line, value.origin.column]
    if value.key_origin is not None:
        node += [value.key_origin.line, value.key_origin.column]
    return node


def _checked(entry: bytes, key: str):
    """An entry's data when its checksum, loader version and key are right; else None."""
    head, _, body = entry.partition(b"\n")
    if head != hashlib.sha256(body).hexdigest().encode("ascii"):
        return None
    try:
        version, found, data = json.loads(body)
    except (ValueError, TypeError, RecursionError):
        return None
    return data if version == LOADER_VERSION and found == key else None


def _decode(entry: bytes, sha256: str, display: str) -> Value | None:
    tree = _checked(entry, sha256)
    if tree is None:
        return None
    try:
        return _value(tree, display)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def _value(node: list, display: str) -> Value:
    data, line, column, *key = node
    if isinstance(data, dict):
        data = {k: _value(v, display) for k, v in data.items()}
    elif isinstance(data, list):
        data = [_value(v, display) for v in data]
    elif not isinstance(data, str):
        raise TypeError("not a value")
    key_origin = Origin(display, *key) if key else None
    return Value(data, Origin(display, line, column), key_origin=key_origin)
