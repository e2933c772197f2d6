"""Stage 1, load: YAML bytes → a tree of `Value`s, each knowing the file, line and column it came from.

What the writer typed is what gets printed (pitfalls.md §1): every plain scalar loads as the exact
text typed (`0.50`, `007`, `2024-01-05`, `NO`), and the schema decides what is a number or a date.
Before the library builds anything, an event-level preflight rejects anchors, aliases, merge keys,
tags, directives, several documents and deep nesting, so no alias bomb or tag is ever constructed.
Every exception from the YAML library becomes a positioned content error, never a traceback.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.resolver import VersionedResolver

from .errors import Origin, content_error, environment_error

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20


@dataclass(frozen=True)
class Value:
    """A loaded value: text, a list of Values or a dict of Values, plus where it was written.

    `overlay` is the overlay file that set or changed this value, if any, and `replaces` where the
    core value it replaced was written; `explain` shows both.
    """

    data: Any
    origin: Origin
    overlay: str | None = None
    replaces: Origin | None = None  # the core value an overlay replaced
    key_origin: Origin | None = None  # where the key of a mapping value was written

    @property
    def is_map(self) -> bool:
        return isinstance(self.data, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.data, list)

    @property
    def is_text(self) -> bool:
        return isinstance(self.data, str)

    def with_overlay(self, overlay: str) -> "Value":
        return replace(self, overlay=overlay)


@dataclass(frozen=True)
class SourceFile:
    """One content file as read: its display path, the SHA-256 of the bytes parsed, and the tree."""

    path: str
    sha256: str
    size: int
    root: Value


class _StringResolver(VersionedResolver):
    """A resolver with no implicit types: every plain scalar stays the string the writer typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._version_implicit_resolver = {}

    @property
    def versioned_resolver(self):
        return {}


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = _StringResolver
    yaml.allow_duplicate_keys = False
    return yaml


def load_file(path: Path, display: str) -> SourceFile:
    """Read `path` once as bytes, hash those bytes, and parse those same bytes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise environment_error("E4001", f"cannot read content file: {exc.strerror}", display) from exc
    return SourceFile(display, hashlib.sha256(data).hexdigest(), len(data), parse_bytes(data, display))


def parse_bytes(data: bytes, display: str) -> Value:
    """Parse one YAML document from `data` into a Value tree (`display` names the file in errors)."""
    if len(data) > MAX_FILE_BYTES:
        raise content_error("E2001", f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} (split it)", Origin(display))
    text = _decode(data, display)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise content_error("E2002", "file is empty (expected a mapping of keys)", Origin(display, 1, 1))
    yaml = _yaml()
    _preflight(yaml, text, display)
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        raise _marked(exc, display) from None
    except Exception as exc:  # noqa: BLE001 - any library failure is a content error (pitfalls §1.8)
        raise _unmarked(exc, text, display) from None
    return _convert(tree, Origin(display, 1, 1))


def _decode(data: bytes, display: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise content_error("E2003", "file is UTF-16/UTF-32 encoded; save it as UTF-8", Origin(display, 1, 1))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise content_error(
            "E2003", f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", Origin(display, line, col)
        ) from None
    bad = next((i for i, ch in enumerate(text) if _forbidden_raw(ch)), None)
    if bad is not None:
        line, col = _line_col(text, bad)
        raise content_error("E2004", f"control character U+{ord(text[bad]):04X} in the file", Origin(display, line, col))
    return text


def _forbidden_raw(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 and ch not in "\t\n\r") or 0x7F <= code <= 0x9F


def _line_col(data, offset: int) -> tuple[int, int]:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1
    start = data.rfind(newline, 0, offset) + 1
    return line, offset - start + 1


def _preflight(yaml: YAML, text: str, display: str) -> None:
    """Walk parser events and refuse what regulatory content never needs, before composition."""
    depth = documents = 0
    try:
        for event in yaml.parse(text):
            kind = type(event).__name__
            where = Origin(display, event.start_mark.line + 1, event.start_mark.column + 1)
            if kind == "DocumentStartEvent":
                documents += 1
                if getattr(event, "version", None) or getattr(event, "tags", None) or documents > 1:
                    _refuse_document(text, documents, where)
            elif kind == "AliasEvent":
                raise content_error("E2010", "aliases (*name) are not allowed; write the value out", where)
            elif getattr(event, "anchor", None):
                raise content_error("E2010", "anchors (&name) are not allowed; write the value out", where)
            elif getattr(event, "tag", None) is not None:
                raise content_error("E2011", f"explicit tags ({event.tag}) are not allowed", where)
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    raise content_error("E2012", f"nesting deeper than {MAX_DEPTH} levels", where)
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
            if kind == "ScalarEvent" and event.value == "<<" and event.style is None:
                raise content_error("E2010", "merge keys (<<) are not allowed; write the values out", where)
    except MarkedYAMLError as exc:
        raise _marked(exc, display) from None
    except RecursionError:
        raise content_error("E2012", "nesting too deep", Origin(display)) from None
    except Exception as exc:  # noqa: BLE001 - only content errors may escape the loader
        if getattr(exc, "category", None):
            raise
        raise _unmarked(exc, text, display) from None


def _refuse_document(text: str, documents: int, where: Origin) -> None:
    if documents > 1:
        raise content_error("E2013", "several YAML documents in one file (remove '---'); one document per file", where)
    line = next((i for i, row in enumerate(text.splitlines(), 1) if row.startswith("%")), where.line)
    raise content_error("E2014", "%YAML and %TAG directives are not allowed", Origin(where.path, line, 1))


def _marked(exc: MarkedYAMLError, display: str):
    mark = exc.problem_mark or exc.context_mark
    origin = Origin(display, mark.line + 1, mark.column + 1) if mark else Origin(display)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = ""
    if "'\\t'" in problem or "\\t" in str(exc):
        hint = " (YAML indentation must use spaces; a tab was found here)"
    if "duplicate key" in problem:
        first = exc.context_mark
        key = re.match(r'found duplicate key "(.*?)" with value', problem, re.S)
        problem = f'duplicate key "{key.group(1)}"' if key else "duplicate key"
        hint = f" (first defined at line {first.line + 1}); a key may appear once per mapping" if first else ""
    return content_error("E2005", f"YAML syntax: {problem}{hint}", origin)


def _unmarked(exc: Exception, text: str, display: str):
    """A library failure without a position: re-parse in safe mode to find one (pitfalls §1.8)."""
    origin = Origin(display)
    try:
        YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as marked:
        mark = marked.problem_mark or marked.context_mark
        if mark:
            origin = Origin(display, mark.line + 1, mark.column + 1)
    except Exception:  # noqa: BLE001
        pass
    return content_error("E2006", f"YAML could not be parsed ({type(exc).__name__})", origin)


def _convert(node: Any, origin: Origin) -> Value:
    if isinstance(node, CommentedMap):
        return Value({str(k): replace(_convert(v, _child(node, k, origin, "value")), key_origin=_child(node, k, origin, "key"))
                      for k, v in node.items()}, origin)
    if isinstance(node, CommentedSeq):
        return Value([_convert(v, _child(node, i, origin, "item")) for i, v in enumerate(node)], origin)
    if node is None:
        return Value("", origin)
    return Value(str(node), origin)


def _child(container, key, parent: Origin, which: str) -> Origin:
    try:
        line, col = getattr(container.lc, which)(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return parent
    return Origin(parent.path, line + 1, col + 1)
