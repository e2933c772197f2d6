"""Values as one line of reviewer text: whitespace collapsed, long texts cut to the words that changed.

A narrative is a paragraph or more; "old paragraph → new paragraph" would hide a one-word edit.
`excerpt` keeps the changed words with a few words of context on each side, marked with "…".
"""
from __future__ import annotations

from difflib import SequenceMatcher

CONTEXT = 5  # words kept on each side of a change
SHORT = 100  # characters: shorter values are shown whole
LONGEST = 40  # words of a changed run shown before it is cut in the middle


def flat(value) -> str:
    """A value as one line (lists and mappings, should one reach here, as their words)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return "[" + ", ".join(flat(getattr(v, "data", v)) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flat(getattr(v, 'data', v))}" for k, v in value.items()) + "}"
    return str(value)


def excerpt(old, new) -> tuple[str, str]:
    """Before and after, each cut to the changed words and CONTEXT words around them."""
    before, after = flat(old), flat(new)
    if len(before) <= SHORT and len(after) <= SHORT:
        return before, after
    a, b = before.split(), after.split()
    edits = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not edits:
        return before, after
    return _cut(a, edits[0][1], edits[-1][2]), _cut(b, edits[0][3], edits[-1][4])


def _cut(words: list[str], start: int, end: int) -> str:
    low, high = max(0, start - CONTEXT), min(len(words), end + CONTEXT)
    middle = words[low:high]
    if len(middle) > LONGEST + 2 * CONTEXT:
        middle = middle[: LONGEST // 2 + CONTEXT] + ["…"] + middle[-(LONGEST // 2 + CONTEXT):]
    return ("… " if low else "") + " ".join(middle) + (" …" if high < len(words) else "")


def first_difference(old: str, new: str) -> int:
    """The index of the first line that differs (to point at the changed line of a block scalar)."""
    for index, (a, b) in enumerate(zip(old.splitlines(), new.splitlines())):
        if a != b:
            return index
    return min(len(old.splitlines()), len(new.splitlines()))
