"""Acceptance criteria: what the text a writer typed means, or a plain statement that it is not understood.

The forms are those of criteria-and-results.md §1: one-sided limits (NMT, NLT, strict), ranges in
every usual notation (shared or repeated powers of ten, `NLT … and NMT …`, `between … and …`),
target ± tolerance, dissolution Q, ChP two-stage uniformity, ratios, text criteria with the state
they expect, identity values and "report result". Words are data (`criteria.yaml`); numbers and
units go through the quantity model, so `1.6–2.4 × 10^13 vg/mL` is a range of vector genomes per
millilitre, not "1.6 to 2.4".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import NUMBER, Unreadable, normalise, refuse_ambiguous
from .quantity import Basis, Quantity, number_at, quantity_at
from .units import Units
from .vocabulary import Vocabulary, phrase_pattern

_NUM = r"[-+]?\d+(?:\.\d+)?"
_SHARED_POWER = re.compile(rf"\(\s*({_NUM})\s*(–|—|-|～|~|至|to)\s*({_NUM})\s*\)\s*([×xX]\s*10\s*\^\s*[-+]?\d+)")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_RATIO = re.compile(r"(?<![A-Za-z0-9_.])(\d+(?:\.\d+)?(?:\s*:\s*\d+(?:\.\d+)?)+)(?![A-Za-z0-9_.])")
_REST_OK = re.compile(r"^[\s.,;:。，；]*$")
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*\d[A-Za-z0-9-]*$")
_PERCENT_NUMBER = re.compile(rf"({_NUM})\s*%")


@dataclass(frozen=True)
class Bound:
    quantity: Quantity
    inclusive: bool = True

    @property
    def value(self) -> Decimal:
        return self.quantity.value


@dataclass(frozen=True)
class Criterion:
    """`kind`: limit, dissolution, two-stage, ratio, text, report or unknown (not understood)."""

    text: str
    kind: str
    low: Bound | None = None
    high: Bound | None = None
    tags: frozenset = frozenset()
    expects: str | None = None       # text: the state a result must state
    identity: str | None = None      # text: the identifier a result must name (AAV9)
    q: Decimal | None = None         # dissolution: Q in % of label claim
    ratio: tuple = ()                # ratio: target members
    tolerance: Decimal | None = None  # ratio: relative tolerance of each member, in %
    reason: str = ""                 # unknown: why

    @property
    def understood(self) -> bool:
        return self.kind != "unknown"

    @property
    def quantity(self) -> Quantity | None:
        """The quantity the limits are stated in (unit, basis, power of ten)."""
        bound = self.high or self.low
        return bound.quantity if bound else None

    @property
    def numeric(self) -> bool:
        return self.kind in ("limit", "two-stage")


def parse(text: str, vocab: Vocabulary, units: Units, category: str | None = None) -> Criterion:
    """Understand a criterion, or say why not (never a guess)."""
    norm = normalise(text).strip()
    if category in vocab.text_categories:
        return _text(text, norm, vocab)
    if vocab.is_one_of(norm.rstrip("。."), vocab.report):
        return Criterion(text, "report")
    try:
        refuse_ambiguous(norm)
        for form in (_dissolution, _two_stage, _ratio):
            found = form(text, norm, vocab, units, category)
            if found is not None:
                return found
        body, tags = strip_tags(norm, vocab)
        if vocab.criterion_state(body) and not vocab.comparator.search(body):
            return _text(text, norm, vocab)
        found = _numeric(text, body, tags, vocab, units)
    except Unreadable as exc:
        return Criterion(text, "unknown", reason=str(exc))
    if found is not None:
        return found
    if _identity(body, vocab) or not NUMBER.search(body):
        return _text(text, norm, vocab)
    return Criterion(text, "unknown", reason="no limit, range, text or other known form")


def strip_tags(text: str, vocab: Vocabulary) -> tuple[str, frozenset]:
    """Remove the basis phrases (`of label claim`, `anhydrous basis`) and say which were there."""
    tags = {vocab.tag_of(m.group(0)) for m in vocab.tag_pattern.finditer(text)}
    return vocab.tag_pattern.sub(" ", text), frozenset(tags)


def _text(text: str, norm: str, vocab: Vocabulary) -> Criterion:
    body, tags = strip_tags(norm, vocab)
    return Criterion(text, "text", tags=tags, expects=vocab.criterion_state(norm), identity=_identity(body, vocab))


def _identity(body: str, vocab: Vocabulary) -> str | None:
    """The one identifier a criterion names once its framing words are removed (`应为AAV9血清型`)."""
    rest = phrase_pattern(vocab.identity_words).sub(" ", body)
    tokens = re.sub(r"[:：,，.。;；]", " ", rest).split()
    return tokens[0] if len(tokens) == 1 and _IDENTIFIER.match(tokens[0]) else None


def _dissolution(text, norm, vocab, units, category):
    if category != "dissolution" and not phrase_pattern(vocab.dissolution).search(norm):
        return None
    found = _PERCENT_NUMBER.search(strip_tags(norm, vocab)[0])
    if not found:
        return Criterion(text, "unknown", reason="a dissolution criterion needs Q as a percentage")
    return Criterion(text, "dissolution", q=Decimal(found.group(1)),
                     low=Bound(Quantity(number_at(found.group(0), 0)[0], "percent")))


def _two_stage(text, norm, vocab, units, category):
    at = next((norm.find(w) for w in vocab.two_stage_uniformity if w in norm), -1)
    if at < 0:
        return None
    comparator = vocab.comparator.search(norm, at)
    found = quantity_at(norm, _skip(norm, comparator.end()), units) if comparator else None
    if found is None:
        return Criterion(text, "unknown", reason="a two-stage uniformity criterion needs its limit L")
    return Criterion(text, "two-stage", high=Bound(found[0]))


def _ratio(text, norm, vocab, units, category):
    found = _RATIO.search(norm)
    if found is None:
        return None
    members = tuple(Decimal(m.strip()) for m in found.group(1).split(":"))
    tolerance = re.search(rf"(?:{'|'.join(map(re.escape, vocab.ratio_tolerance))})\s*(?:±|\+/-)\s*({_NUM})\s*%", norm,
                          re.IGNORECASE)
    return Criterion(text, "ratio", ratio=members, tolerance=Decimal(tolerance.group(1)) if tolerance else None)


def _numeric(text: str, body: str, tags: frozenset, vocab: Vocabulary, units: Units) -> Criterion | None:
    body, basis = _chinese_basis(body, units)
    body = _SHARED_POWER.sub(lambda m: f"{m.group(1)} {m.group(4)} – {m.group(3)} {m.group(4)}", body)
    body = _PARENTHETICAL.sub(" ", body)
    comparators = list(vocab.comparator.finditer(body))
    if len(comparators) > 2:
        return Criterion(text, "unknown", reason="more than two limits (a compound criterion)")
    if len(comparators) == 2:
        return _two_sided(text, body, comparators, tags, basis, vocab, units)
    if len(comparators) == 1:
        return _one_sided(text, body, comparators[0], tags, basis, vocab, units)
    return _between(text, body, tags, basis, vocab, units) or _range(text, body, tags, basis, vocab, units)


def _chinese_basis(body: str, units: Units) -> tuple[str, Basis | None]:
    """`每1.0×10^13 vg中…`, `每1ml中…`, `每1次人用剂量…`: the basis the whole criterion is per."""
    at = body.find("每")
    if at < 0:
        return body, None
    start = _skip(body, at + 1)
    number = number_at(body, start)
    amount, unit_start = (number[0].value, _skip(body, number[1])) if number else (Decimal(1), start)
    unit = units.match(body, unit_start)
    if unit is None:
        return body, None
    return body[:at] + " " + body[unit[1]:], Basis(amount, unit[0])


def _with_basis(quantity: Quantity, basis: Basis | None) -> Quantity:
    if basis is None or quantity.basis is not None:
        return quantity
    return Quantity(quantity.number, quantity.unit or "dimensionless", basis, quantity.log)


def _limit_at(body, match, basis, vocab, units):
    """The bound a comparator word introduces: (bound, is upper, end), or a reason it has none."""
    found = quantity_at(body, _skip(body, match.end()), units)
    if found is None:
        return f"no number after '{match.group(0)}'"
    kind = vocab.comparator_kind(match.group(0))
    return Bound(_with_basis(found[0], basis), kind in ("nmt", "nlt")), kind in ("nmt", "lt"), found[1]


def _one_sided(text, body, match, tags, basis, vocab, units) -> Criterion:
    if NUMBER.search(body[:match.start()]):
        return Criterion(text, "unknown", reason=f"a number before '{match.group(0)}'")
    limit = _limit_at(body, match, basis, vocab, units)
    if isinstance(limit, str):
        return Criterion(text, "unknown", reason=limit)
    bound, upper, end = limit
    if not _REST_OK.match(body[end:]):
        return Criterion(text, "unknown", reason=f"text after the limit: '{body[end:].strip()}'")
    return Criterion(text, "limit", low=None if upper else bound, high=bound if upper else None, tags=tags)


def _two_sided(text, body, comparators, tags, basis, vocab, units) -> Criterion:
    """`NLT 90.0 % and NMT 110.0 %`: a lower and an upper limit joined by a joining word."""
    first, second = comparators
    if NUMBER.search(body[:first.start()]):
        return Criterion(text, "unknown", reason=f"a number before '{first.group(0)}'")
    one = _limit_at(body[:second.start()], first, basis, vocab, units)
    other = _limit_at(body, second, basis, vocab, units)
    for limit in (one, other):
        if isinstance(limit, str):
            return Criterion(text, "unknown", reason=limit)
    joined = phrase_pattern(vocab.joiners).fullmatch(body[one[2]:second.start()].strip())
    if not joined or one[1] == other[1] or not _REST_OK.match(body[other[2]:]):
        return Criterion(text, "unknown", reason="two limits that do not make a range")
    (low, _, _), (high, _, _) = (other, one) if one[1] else (one, other)
    return Criterion(text, "limit", low=low, high=high, tags=tags)


def _between(text, body, tags, basis, vocab, units) -> Criterion | None:
    for opening, joining in vocab.between:
        found = re.search(rf"(?<![A-Za-z]){re.escape(opening)}(?![A-Za-z])(.*?)(?<![A-Za-z]){re.escape(joining)}"
                          rf"(?![A-Za-z])(.*)$", body, re.IGNORECASE)
        if found:
            return _pair(text, found.group(1), found.group(2), tags, basis, units) or \
                Criterion(text, "unknown", reason=f"'{opening} … {joining} …' without two numbers")
    return None


def _range(text, body, tags, basis, vocab, units) -> Criterion | None:
    first = NUMBER.search(body)
    if first is None or NUMBER.search(body[:first.start()]):
        return None
    found = quantity_at(body, first.start(), units)
    if found is None:
        return None
    low, end = found
    separator = vocab.separator.match(body, _skip(body, end))
    tolerance = phrase_pattern(vocab.tolerance).match(body, _skip(body, end))
    if separator is None and tolerance is None:
        return None
    second = quantity_at(body, _skip(body, (separator or tolerance).end()), units)
    if second is None or not _REST_OK.match(body[second[1]:]):
        return Criterion(text, "unknown", reason="a range or tolerance without its second number, or text after it")
    if tolerance is not None:
        return _tolerance(text, low, second[0], tags, basis)
    return _bounds(text, low, second[0], tags, basis)


def _pair(text, left: str, right: str, tags, basis, units) -> Criterion | None:
    one, two = quantity_at(left, _skip(left, 0), units), quantity_at(right, _skip(right, 0), units)
    if one is None or two is None or not _REST_OK.match(left[one[1]:]) or not _REST_OK.match(right[two[1]:]):
        return None
    return _bounds(text, one[0], two[0], tags, basis)


def _bounds(text, one: Quantity, two: Quantity, tags, basis) -> Criterion:
    """Two range ends; a bare lower end takes the upper end's power of ten and unit (`1.6–2.4 × 10^13 vg/mL`)."""
    if one.number.power is None and two.number.power is not None:
        one = Quantity(one.number.scaled(two.number.power), one.unit, one.basis, one.log)
    if one.unit is None and one.basis is None:
        one = Quantity(one.number, two.unit, two.basis, two.log)
    if two.unit is None and two.basis is None:
        two = Quantity(two.number, one.unit, one.basis, one.log)
    if (one.unit, one.basis, one.log) != (two.unit, two.basis, two.log):
        return Criterion(text, "unknown", reason="the two ends of the range are in different units")
    low, high = sorted((one, two), key=lambda q: q.value)
    return Criterion(text, "limit", low=Bound(_with_basis(low, basis)), high=Bound(_with_basis(high, basis)), tags=tags)


def _tolerance(text, target: Quantity, tolerance: Quantity, tags, basis) -> Criterion:
    """`5.5 ± 0.3` is 5.2 to 5.8; on a % target a % tolerance could be points or relative: refused."""
    if target.unit == "percent" and tolerance.unit == "percent":
        return Criterion(text, "unknown", reason="'± %' on a percentage could be points or relative; write the range")
    unit = tolerance.unit or target.unit
    basis_ = tolerance.basis or target.basis
    if target.unit and tolerance.unit and target.unit != tolerance.unit:
        return Criterion(text, "unknown", reason="target and tolerance in different units")
    quantum = min(target.number.quantum, tolerance.number.quantum)
    digits = max(target.number.digits, tolerance.number.digits)
    ends = []
    for value in (target.value - tolerance.value, target.value + tolerance.value):
        number = type(target.number)(value, quantum, digits)
        ends.append(Bound(_with_basis(Quantity(number, unit, basis_, target.log), basis)))
    return Criterion(text, "limit", low=ends[0], high=ends[1], tags=tags)


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at

