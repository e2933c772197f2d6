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
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.resolver import VersionedResolver

from .errors import Origin, content_error, environment_error
from .yaml_events import fast_events
from .files import NotAFile, read_regular

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
    platform: str | None = None  # the platform (content/platforms/<id>/) this value was read from

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
    sheets: tuple["SourceFile", ...] = ()  # the CSV/.xlsx files its `results: {sheet: …}` read (tabular/)


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


_CACHE: ContextVar = ContextVar("content_cache", default=None)


@contextmanager
def caching(cache):
    """Within this block, every `load_file` without a cache of its own uses `cache`: the profiles, rules
    and section tree under templates/ are YAML parsed on every run too, and their loaders need not know."""
    token = _CACHE.set(cache)
    try:
        yield cache
    finally:
        _CACHE.reset(token)


def current_cache():
    """The cache `caching` set for this block, or None (sheet readers keep their cells in it too)."""
    return _CACHE.get()


def load_file(path: Path, display: str, cache=None) -> SourceFile:
    """Read `path` once as bytes, hash those bytes, and parse those same bytes (or take the tree a
    `ContentCache` kept for the same hash)."""
    cache = cache if cache is not None else _CACHE.get()
    try:
        data = read_regular(path)
    except NotAFile as exc:
        raise content_error("E2008", f"this path is {exc}, not a YAML file; remove it or replace it with a file",
                            Origin(display, 1, 1)) from None
    except OSError as exc:
        raise environment_error("E4001", f"cannot read content file: {exc.strerror or exc}", display) from None
    digest = hashlib.sha256(data).hexdigest()
    root = cache.get(digest, display) if cache is not None else None
    if root is None:
        root = parse_bytes(data, display)
        if cache is not None:
            cache.put(digest, root)
    return SourceFile(display, digest, len(data), root)


def parse_bytes(data: bytes, display: str) -> Value:
    """Parse one YAML document from `data` into a Value tree (`display` names the file in errors)."""
    if len(data) > MAX_FILE_BYTES:
        # 1:1 like every other whole-file finding, so editors and CI annotations can place it
        raise content_error("E2001", f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} (split it)",
                            Origin(display, 1, 1))
    text = _decode(data, display)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise content_error("E2002", "file is empty (expected a mapping of keys)", Origin(display, 1, 1))
    return _compose(_yaml(), text, display)


# UTF-32 BE, UTF-16/32 LE and UTF-16 BE byte-order marks. Without a BOM, UTF-16/32 text still has a
# NUL byte among its first four (UTF-8 YAML never has one): "save as Unicode" in Notepad, Excel exports.
_WIDE_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes, display: str) -> str:
    if data.startswith(_WIDE_BOMS) or b"\x00" in data[:4]:
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
    found = _FORBIDDEN_RAW.search(text)
    if found is not None:
        bad = found.start()
        line, col = _line_col(text, bad)
        what = "non-character" if ord(text[bad]) in (0xFFFE, 0xFFFF) else "control character"
        raise content_error("E2004", f"{what} U+{ord(text[bad]):04X} in the file", Origin(display, line, col))
    return text


# Characters refused in the raw file: C0 controls but tab and line ends, DEL, C1 (NEL included), and
# U+FFFE/U+FFFF, which the YAML reader refuses with a position-less ReaderError (found by fuzzing).
# One regex scan (a character-by-character Python loop took a third of parsing).
_FORBIDDEN_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _line_col(data, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` in `data` (text, or bytes valid UTF-8 up to `offset`).

    Lines end at LF, CRLF or a lone CR, as the YAML reader counts them, and the column counts
    characters, not bytes: after 'é' or '–' earlier on the line, a byte count pointed too far right.
    """
    head = data[:offset]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    lines = _LINE_BREAK.split(head)
    return len(lines), len(lines[-1]) + 1


def _compose(yaml: YAML, text: str, display: str) -> Value:
    """One pass over the parser's events: refuse what regulatory content never needs and build the
    Value tree from the same events, so no alias bomb or tag is ever constructed and the text is parsed
    once (composing and constructing with the library as well took five times the parse itself)."""
    tree = _Tree(display, text)
    try:
        for event in fast_events(text, MAX_DEPTH) or yaml.parse(text):
            tree.feed(event)
    except MarkedYAMLError as exc:
        raise _marked(exc, display) from None
    except RecursionError:
        raise content_error("E2012", "nesting too deep", Origin(display)) from None
    except Exception as exc:  # noqa: BLE001 - only content errors may escape the loader
        if getattr(exc, "category", None):
            raise
        raise _unmarked(exc, text, display) from None
    return tree.root


class _Tree:
    """The Value tree under construction: the open mappings and sequences, and the finished root.

    Positions are the events' start marks, which is where the library's composer places its nodes
    (and so where its line/column records pointed): a mapping value at its own first token, a
    sequence item at its start, the root at 1:1.
    """

    def __init__(self, display: str, text: str):
        self.display = display
        self.text = text
        self.documents = 0
        self.open: list[_Open] = []
        self.root = Value("", Origin(display, 1, 1))

    def feed(self, event) -> None:
        kind = type(event).__name__
        where = Origin(self.display, event.start_mark.line + 1, event.start_mark.column + 1)
        self._refuse(event, kind, where)
        if kind == "ScalarEvent":
            if self.open and self.open[-1].wants_key():
                self.open[-1].take_key(event, where)
            else:
                self._attach(Value(_scalar_text(event), where), _tokenless(event))
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            if self.open and self.open[-1].wants_key():
                raise content_error("E2015", "a key must be plain text, not a list or a mapping", where)
            if len(self.open) >= MAX_DEPTH:
                raise content_error("E2012", f"nesting deeper than {MAX_DEPTH} levels", where)
            self.open.append(_Open({} if kind == "MappingStartEvent" else [], where))
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            done = self.open.pop()
            self._attach(Value(done.data, done.origin))

    def _refuse(self, event, kind: str, where: Origin) -> None:
        if kind == "DocumentStartEvent":
            self.documents += 1
            if getattr(event, "version", None) or getattr(event, "tags", None) or self.documents > 1:
                _refuse_document(self.text, self.documents, where)
        elif kind == "AliasEvent":
            raise content_error("E2010", "aliases (*name) are not allowed; write the value out", where)
        elif getattr(event, "anchor", None):
            raise content_error("E2010", "anchors (&name) are not allowed; write the value out", where)
        elif getattr(event, "tag", None) is not None:
            raise content_error("E2011", f"explicit tags ({event.tag}) are not allowed", where)

    def _attach(self, value: Value, tokenless: bool = False) -> None:
        if not self.open:
            self.root = replace(value, origin=Origin(self.display, 1, 1))
        else:
            self.open[-1].add(value, tokenless)


def _tokenless(event) -> bool:
    """An empty value nothing was typed for (`release:`): its event has no token, only a place."""
    return event.value == "" and event.style is None and event.start_mark.index == event.end_mark.index


def _scalar_text(event) -> str:
    """The scalar as typed; the round-trip scanner marks the line folds of a `>` block with BEL, which
    its constructor removes (a BEL the writer typed is refused earlier, E2004)."""
    return event.value.replace("\a", "") if event.style == ">" else event.value


class _Open:
    """One open mapping or sequence; a mapping checks its keys as the parser meets them (pitfalls.md
    §1.2, §1.4): a duplicate is placed at the repeated key with the first one's line (the library placed
    it at the mapping's start), and every plain scalar is text, so keys compare as the text typed."""

    def __init__(self, data, origin: Origin):
        self.data = data
        self.origin = origin
        self.key: tuple[str, Origin] | None = None
        self.seen: dict[str, Origin] = {}

    def wants_key(self) -> bool:
        return isinstance(self.data, dict) and self.key is None

    def take_key(self, event, where: Origin) -> None:
        if event.value == "<<" and event.style is None:
            raise content_error("E2010", "merge keys (<<) are not allowed; write the values out", where)
        first = self.seen.setdefault(event.value, where)
        if first is not where:
            raise content_error("E2005", f'YAML syntax: duplicate key "{event.value}" (first defined at line '
                                f"{first.line}, column {first.column}); a key may appear once per mapping", where)
        self.key = (event.value, where)

    def add(self, value: Value, tokenless: bool = False) -> None:
        if isinstance(self.data, list):
            self.data.append(value)
            return
        key, key_origin = self.key
        self.key = None
        # An empty value (`release:`) has no token of its own: the pure parser places its event at the next
        # token, often the next line's `- id:`, so "is empty (required)" pointed at the wrong record, and
        # libyaml right after the colon; place it at its key (so too `""` written on a line of its own).
        if value.data == "" and (tokenless or value.origin.line != key_origin.line):
            value = replace(value, origin=key_origin)
        self.data[key] = replace(value, key_origin=key_origin)


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
    """A library failure without a position: re-parse in safe mode to find one (pitfalls §1.8).

    When the safe parser accepts the text (fuzzing found `# c\\n | #: {d} # c`: valid YAML on which the
    round-trip parser fails an assertion), the place is that of the token or node the library was
    working on when it failed; failing that, the file's start, so the message is always positioned.
    """
    origin = _library_mark(exc, display) or Origin(display, 1, 1)
    try:
        YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as marked:
        mark = marked.problem_mark or marked.context_mark
        if mark:
            origin = Origin(display, mark.line + 1, mark.column + 1)
    except Exception:  # noqa: BLE001
        pass
    return content_error("E2006", f"YAML could not be parsed ({type(exc).__name__})", origin)


def _library_mark(exc: Exception, display: str) -> Origin | None:
    """The start of the innermost token, event or node in the failing library frames, if any."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for name in ("self", "token", "target", "event", "node"):
            mark = getattr(frame.f_locals.get(name), "start_mark", None)
            if isinstance(getattr(mark, "line", None), int) and isinstance(getattr(mark, "column", None), int):
                return Origin(display, mark.line + 1, mark.column + 1)
    return None
