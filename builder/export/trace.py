"""Plain JSON with exact text values plus a sidecar trace: JSON pointer → content file:line:column.

Decimals must keep the digits as typed (0.50 stays 0.50), so they never pass through float: they are
marked while building and substituted as raw JSON number text when serialising."""
from __future__ import annotations

import json
import re

_MARK = "\u0000dec:"
_DECIMAL = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9.]+)"')


def decimal(text: str):
    """A FHIR decimal from its typed text, or None if the text is not a plain decimal."""
    return _MARK + text if _DECIMAL.match(text.strip()) else None


def plain(data):
    """The same structure with decimal marks turned back into their text (for FHIR model validation)."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data[len(_MARK):] if isinstance(data, str) and data.startswith(_MARK) else data


def dumps(data) -> bytes:
    """Deterministic bytes: sorted keys, two-space indent, final newline, decimals as typed."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return (_MARKED.sub(r"\1", text) + "\n").encode("utf-8")


class Trace:
    """Collects pointer → origin while a document is built."""

    def __init__(self):
        self.entries: dict[str, str] = {}

    def add(self, pointer: str, value) -> None:
        self.entries[pointer] = str(value.origin)

    def dumps(self, document: str) -> bytes:
        return dumps({"document": document, "origins": self.entries})
