"""Reported results: what a lab typed, read exactly, or refused with the reason.

A result is one of: a quantity; a censored value (`< 0.05 %`, `> 99.9 %`); a word (ND, BLQ, Negative)
with the state it states and, for ND/BLQ, the test's declared LOD/LOQ as its bound; unit values or a mean with its range (dissolution);
a ratio; a text result with the state it states; not evaluated (NT, –). Anything with digits that
none of these read is `Unreadable`: a content error, because a guess would be a silent error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .criteria import strip_tags
from .numbers import NON_DECIMAL, Unreadable, apply_style, normalise, refuse_ambiguous
from .quantity import Quantity, quantity_at
from .units import Units
from .vocabulary import Vocabulary

_CENSOR = {"<": "lt", "≤": "le", "<=": "le", ">": "gt", "≥": "ge", ">=": "ge"}
_CENSOR_RE = re.compile(r"^(<=|>=|<|≤|>|≥)\s*")
_LIMIT_WORD = re.compile(r"^(?:<\s*)?(?:LOQ|QL|LOD|DL|RT)\s*\(\s*(?:(?:LOQ|QL|LOD|DL|RT)\s*=\s*)?(.+?)\s*\)$", re.I)
_SUMMARY = re.compile(r"^(.+?)\s*\((.+?)\s*(?:–|—|-|～|~|to)\s*(.+?)\)$")
_LIST_SPLIT = re.compile(r"\s*[;；，]\s*|,\s+")
_RATIO = re.compile(r"^\d+(?:\.\d+)?(?:\s*:\s*\d+(?:\.\d+)?)+$")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Result:
    """`kind`: value, censored, values, summary, ratio, text or not-evaluated."""

    text: str
    kind: str
    quantity: Quantity | None = None
    censor: str = ""                 # censored: lt, le, gt, ge
    limit: str = ""                  # text: lod or loq when it is a below-limit word (ND, BLQ)
    values: tuple = ()               # values: unit values; summary: (mean, low, high)
    state: str | None = None         # text: the state it states
    tags: frozenset = frozenset()

    @property
    def unit_missing(self) -> bool:
        quantities = [self.quantity] if self.quantity else list(self.values)
        return any(q.unit is None and q.basis is None for q in quantities)


def read(text: str, vocab: Vocabulary, units: Units, style: str = "plain", as_text: bool = False) -> Result:
    """Read one result; `as_text` for results of text criteria (a description's '9 mm' is words)."""
    norm = normalise(text).strip()
    if vocab.is_one_of(norm, vocab.not_evaluated) or (norm and set(norm) <= set("-–—/ ")):
        return Result(text, "not-evaluated")
    state = vocab.result_state(norm)
    if not as_text and NON_DECIMAL.search(norm):
        raise Unreadable(f"'{text}' is not a finite decimal number")
    if as_text or not _DIGIT.search(norm):
        return Result(text, "text", state=state, limit=_limit_word(norm, vocab))
    body = apply_style(norm, style)
    refuse_ambiguous(body)
    body, tags = strip_tags(body, vocab)
    body = re.sub(r"\(\s*\)", " ", body).strip()
    for form in (_censored, _ratio, _summary, _values, _value):
        found = form(text, body, units)
        if found is not None:
            return Result(found.text, found.kind, found.quantity, found.censor, found.limit, found.values,
                          state, tags)
    raise Unreadable(f"'{text}' is not a result this builder can read (a number with its unit, < limit, "
                     "ND/BLQ, unit values, mean (min–max), a ratio or words)")


def _limit_word(norm: str, vocab: Vocabulary) -> str:
    for limit, words in vocab.below_limit.items():
        if vocab.is_one_of(norm, words):
            return limit
    return ""


def _one(body: str, units: Units) -> Quantity | None:
    found = quantity_at(body, 0, units)
    return found[0] if found and not body[found[1]:].strip() else None


def _censored(text, body, units):
    limit = _LIMIT_WORD.match(body)
    if limit:
        quantity = _one(limit.group(1).strip(), units)
        return Result(text, "censored", quantity, "lt") if quantity else None
    found = _CENSOR_RE.match(body)
    if not found:
        return None
    quantity = _one(body[found.end():], units)
    if quantity is None:
        raise Unreadable(f"'{text}': no number with its unit after '{found.group(1)}'")
    return Result(text, "censored", quantity, _CENSOR[found.group(1)])


def _ratio(text, body, units):
    if not _RATIO.match(body):
        return None
    members = tuple(_one(m.strip(), units) for m in body.split(":"))
    return Result(text, "ratio", values=members)


def _summary(text, body, units):
    """`96 (93–99)`: a mean with the lowest and highest unit value."""
    found = _SUMMARY.match(body)
    if not found:
        return None
    parts = [_one(found.group(i).strip(), units) for i in (1, 2, 3)]
    return Result(text, "summary", values=tuple(parts)) if None not in parts else None


def _values(text, body, units):
    pieces = _LIST_SPLIT.split(body)
    if len(pieces) < 2:
        return None
    values = tuple(_one(p, units) for p in pieces)
    return Result(text, "values", values=values) if None not in values else None


def _value(text, body, units):
    quantity = _one(body, units)
    return Result(text, "value", quantity) if quantity else None
