"""A declarative schema: model dataclasses declare their fields' kinds; one binder checks them all.

Like MkDocs' typed config options, each field states its kind, whether it is required and a doc line,
so validation, error messages and (later) the JSON Schema export come from one declaration. Unlike
MkDocs, every problem in a run is collected, and each names file:line:col and the field path.
"""
from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
import unicodedata
from typing import Any

from .errors import Diagnostics, Origin
from .source import Value

BLANKS = {"", "null", "~", "Null", "NULL"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CTD_NUMBER = re.compile(r"^3(\.[0-9A-Z](\.[0-9]+)*)*$")
MAX_TEXT = 100_000
_MARKERS = ("{_{", "}_}", "{_%", "%_}")
# Characters that take no visible space of their own but are not format characters (Cf): fillers,
# variation selectors, the combining grapheme joiner, the Braille blank. Cf covers the rest (zero-width
# spaces and joiners, bidi embeddings, overrides and isolates, the soft hyphen, word joiner, BOM, tags).
_INVISIBLE_OTHER = ({0x034F, 0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0, 0x2028, 0x2029} | set(range(0x180B, 0x1810))
                    | set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0)))


# Printable ASCII, tabs and line ends: nothing in such a text needs a look character by character (the
# per-character loop took most of binding content, 0.8 s of a cold build).
_PLAIN = re.compile("[\t\n\x20-\x7e]*")


def invisible(ch: str) -> bool:
    """A character that renders invisibly or reorders the text around it, whichever code point it is."""
    return unicodedata.category(ch) in ("Cf", "Zl", "Zp") or ord(ch) in _INVISIBLE_OTHER


def field(kind: "Kind", required: bool = False, doc: str = ""):
    """Declare a model field: its kind, whether it is required, and a doc line for the schema."""
    meta = {"kind": kind, "required": required, "doc": doc}
    if required:
        return dataclasses.field(metadata=meta)
    empty = kind.empty()
    if isinstance(empty, dict):
        return dataclasses.field(default_factory=dict, metadata=meta)
    return dataclasses.field(default=empty, metadata=meta)


class Kind:
    """A field kind: converts a loaded Value to a model value, reporting problems to `diags`."""

    expected = "a value"

    def empty(self):
        return None

    def bind(self, value: Value, path: str, diags: Diagnostics) -> Any:
        raise NotImplementedError

    def is_blank(self, value: Value) -> bool:
        return value.is_text and value.data.strip() in BLANKS

    def wrong_type(self, value: Value, path: str, diags: Diagnostics) -> None:
        got = "a mapping" if value.is_map else "a list" if value.is_list else "text"
        diags.error("E2203", f"expected {self.expected}, got {got}", value.origin, path)


class Text(Kind):
    """Free text, checked against the character policy (pitfalls.md §2.2) and normalised to NFC."""

    expected = "text"

    def __init__(self, markdown: bool = False, blank_ok: bool = False):
        self.markdown, self.blank_ok = markdown, blank_ok

    def is_blank(self, value):
        return not self.blank_ok and super().is_blank(value)

    def bind(self, value, path, diags):
        if not value.is_text:
            return self.wrong_type(value, path, diags)
        text = clean_text(value.data, value.origin, path, diags)
        if text is not None and self.markdown:
            from .markdown import problems

            for line, problem in problems(text):
                diags.error("E2212", f"Markdown the documents cannot show (line {line} of the text): {problem}",
                            value.origin, path)
        return text


def clean_text(text: str, origin: Origin, path: str, diags: Diagnostics) -> str | None:
    """Return `text` normalised (LF, NFC, one trailing newline dropped) or None after reporting why not."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if len(text) > MAX_TEXT:
        diags.error("E2204", f"text is {len(text):,} characters; the limit is {MAX_TEXT:,}", origin, path)
        return None
    odd = _PLAIN.fullmatch(text) is None and any(_character_problem(ch) or invisible(ch) for ch in set(text))
    for ch in text if odd else ():  # in text order, only when some character is refused or invisible
        problem = _character_problem(ch)
        if problem:
            diags.error("E2205", f"{problem} U+{ord(ch):04X} is not allowed in text", origin, path)
            return None
        if invisible(ch):
            diags.warning("W2206", f"invisible or bidirectional character U+{ord(ch):04X}", origin, path)
    marker = next((m for m in _MARKERS if m in text), None)
    if marker:
        diags.error("E2207", f"the sequence '{marker}' is reserved by the template engine", origin, path)
        return None
    return unicodedata.normalize("NFC", text)


def _character_problem(ch: str) -> str:
    code = ord(ch)
    if (code < 0x20 and ch not in "\t\n") or 0x7F <= code <= 0x9F:
        return "control character"
    if 0xD800 <= code <= 0xDFFF:
        return "lone surrogate"
    if code in (0xFFFE, 0xFFFF):
        return "non-character"
    return ""


class Pattern(Text):
    """Text that must match a pattern (identifiers, dates, numbers) in full.

    `fullmatch`, not `match`: the patterns end in `$`, which also matches before a final newline, so
    `"abc\\n\\n"` (one newline left after `clean_text`) passed as the id `abc\\n` and became an output
    folder name with a newline in it (found by tests/test_properties.py, P6).
    """

    def __init__(self, pattern: re.Pattern, expected: str):
        super().__init__()
        self.pattern, self.expected = pattern, expected

    def bind(self, value, path, diags):
        text = super().bind(value, path, diags)
        if text is not None and not self.pattern.fullmatch(text):
            diags.error("E2208", f"'{text}' is not {self.expected}", value.origin, path)
            return None
        return text


# Device names Windows reserves: a folder named `con` or `nul` cannot be created, opened or copied
# there (with or without an extension), and ids name output folders (`32s-drug-sub/<id>/`,
# `32a3-excip-<id>`, pitfalls.md §6 #35). The slug pattern alone let them through.
WINDOWS_RESERVED = re.compile(r"con|prn|aux|nul|com[0-9]|lpt[0-9]")


class _Slug(Pattern):
    def bind(self, value, path, diags):
        text = super().bind(value, path, diags)
        if text is not None and WINDOWS_RESERVED.fullmatch(text):
            diags.error("E2208", f"'{text}' is a device name that Windows reserves; it cannot name an output folder",
                        value.origin, path)
            return None
        return text


def Slug() -> Pattern:
    return _Slug(SLUG, "an identifier (lowercase a-z, 0-9 and '-', at most 40 characters)")


class Date(Pattern):
    def __init__(self):
        super().__init__(DATE, "a date written YYYY-MM-DD")

    def bind(self, value, path, diags):
        text = super().bind(value, path, diags)
        if text is None:
            return None
        year, month, day = (int(p) for p in DATE.match(text).groups())
        try:
            datetime.date(year, month, day)
        except ValueError as exc:
            diags.error("E2208", f"'{text}' is not a valid date ({exc})", value.origin, path)
            return None
        return text


def WholeNumber() -> Pattern:
    return Pattern(re.compile(r"^[1-9][0-9]{0,11}$"), "a whole number greater than zero, digits only")


class Choice(Text):
    def __init__(self, *choices: str):
        super().__init__()
        self.choices = choices
        self.expected = "one of " + ", ".join(choices)

    def bind(self, value, path, diags):
        text = super().bind(value, path, diags)
        if text is not None and text not in self.choices:
            hint = _suggest(text, self.choices)
            diags.error("E2209", f"'{text}' is not {self.expected}{hint}", value.origin, path)
            return None
        return text


class ListOf(Kind):
    """A list of items of one kind; empty by default."""

    def __init__(self, item: Kind):
        self.item = item
        self.expected = f"a list of {item.expected}"

    def empty(self):
        return ()

    def bind(self, value, path, diags):
        if not value.is_list:
            return self.wrong_type(value, path, diags)
        items = []
        for index, item in enumerate(value.data):
            if self.item.is_blank(item):
                diags.error("E2201", "is empty (required)", item.origin, f"{path}[{index}]")
                continue
            items.append(self.item.bind(item, f"{path}[{index}]", diags))
        return None if None in items else tuple(items)


class MapOf(Kind):
    """A mapping from checked keys (CTD numbers, identifiers) to values of one kind."""

    def __init__(self, key: re.Pattern, key_expected: str, item: Kind):
        self.key, self.key_expected, self.item = key, key_expected, item
        self.expected = f"a mapping of {key_expected} to {item.expected}"

    def empty(self):
        return {}

    def bind(self, value, path, diags):
        if not value.is_map:
            return self.wrong_type(value, path, diags)
        result = {}
        for key, item in value.data.items():
            if not self.key.fullmatch(key):  # in full: see Pattern
                diags.error("E2210", f"key '{key}' is not {self.key_expected}", item.origin, path)
                continue
            if self.item.is_blank(item):
                diags.error("E2201", "is empty (required)", item.origin, f"{path}.{key}")
                continue
            bound = self.item.bind(item, f"{path}.{key}", diags)
            if bound is not None:
                result[key] = bound
        return result


class Record(Kind):
    """A nested record: a model dataclass declared with `field(...)`."""

    def __init__(self, cls):
        self.cls = cls
        self.expected = "a mapping"

    def bind(self, value, path, diags):
        return bind_record(self.cls, value, path, diags)


class Records(ListOf):
    """A list of records with unique `id`s (overlays merge these by id)."""

    def __init__(self, cls):
        super().__init__(Record(cls))
        self.expected = "a list of records with ids"

    def bind(self, value, path, diags):
        if not value.is_list:
            return self.wrong_type(value, path, diags)
        seen: dict[str, Origin] = {}
        items = []
        for index, item in enumerate(value.data):
            ident = item.data.get("id").data if item.is_map and item.data.get("id") else str(index)
            record = self.item.bind(item, f"{path}[{ident}]", diags)
            if record is None:
                continue
            if record.id in seen:
                diags.error("E2211", f"duplicate id '{record.id}' (first at {seen[record.id]})", item.origin, path)
                continue
            seen[record.id] = item.origin
            items.append(record)
        return tuple(items)


def bind_record(cls, value: Value, path: str, diags: Diagnostics):
    """Check `value` against dataclass `cls`; return an instance, or None when it cannot be built."""
    if not value.is_map:
        diags.error("E2203", "expected a mapping", value.origin, path)
        return None
    fields = {f.name: f for f in dataclasses.fields(cls) if "kind" in f.metadata}
    for key, item in value.data.items():
        if key not in fields:
            diags.error("E2202", f"unknown field '{key}'{_suggest(key, fields)}", item.key_origin or item.origin,
                        _join(path, key))
    values, origins, ok = {}, {}, True
    for name, spec in fields.items():
        kind, required = spec.metadata["kind"], spec.metadata["required"]
        item = value.data.get(name)
        if item is None or kind.is_blank(item):
            if required:
                where = value.origin if item is None else item.origin
                message = f"missing required field '{name}'" if item is None else "is empty (required)"
                diags.error("E2201", message, where, _join(path, name) if item is not None else path)
                ok = False
            continue
        bound = kind.bind(item, _join(path, name), diags)
        if bound is None:
            ok = False if required else ok
            continue
        values[name], origins[name] = bound, item.origin
        if isinstance(kind, MapOf):
            origins.update(_entry_origins(name, item))
        elif item.is_list:  # `checks[3]`: a finding about one entry of a list cites its own line
            origins.update({f"{name}[{i}]": v.origin for i, v in enumerate(item.data)})
    if not ok:
        return None
    return cls(**values, at=value.origin, origins=origins)


def _entry_origins(name: str, value: Value) -> dict:
    """Positions of a mapping field's entries (`results.assay`, `results.assay[3]`), so a finding
    about one batch result or one stability time point can cite its own line."""
    found = {}
    for key, item in value.data.items():
        found[f"{name}.{key}"] = item.origin
        if item.is_list:
            found.update({f"{name}.{key}[{i}]": v.origin for i, v in enumerate(item.data)})
    return found


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class Raw(Kind):
    """A value passed through unchecked, for recursive data (the section tree) checked by its owner."""

    expected = "a list"

    def empty(self):
        return ()

    def bind(self, value, path, diags):
        if not value.is_list:
            return self.wrong_type(value, path, diags)
        return value
