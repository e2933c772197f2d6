"""A quantity as typed: an exact number, its unit, and the basis it is stated per.

`NMT 10 ng per 1.0 × 10^13 vg` and `0.9 pg/10^9 vg` are both ng-per-vg quantities at different
scales; `Quantity.convert` expresses one in the other's unit and basis exactly, so a result is
compared with its limit in the limit's own terms and rounded there, once (criteria-and-results.md §0).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import NUMBER, POWER, Number, Unreadable, apply_style, from_match, normalise, refuse_ambiguous
from .units import Units

_PER = re.compile(r"\s*(?:/|per\b|每)\s*")
_SPACE = re.compile(r"\s*")


@dataclass(frozen=True)
class Basis:
    """The denominator a value is stated per: `per 1.0 × 10^13 vg` is amount 1e13 of unit vg."""

    amount: Decimal
    unit: str


@dataclass(frozen=True)
class Quantity:
    number: Number
    unit: str | None          # pint expression; None when no unit was typed
    basis: Basis | None = None
    log: bool = False         # the number is a log10 exponent (7.1 log10 TCID50/mL)

    @property
    def value(self) -> Decimal:
        return self.number.value

    def frame(self) -> tuple[str, Decimal]:
        """The unit of value-per-basis-unit and the basis amount (1 when there is no basis)."""
        unit = self.unit or ""
        if self.basis is None:
            return unit, Decimal(1)
        return f"({unit or 'dimensionless'}) / ({self.basis.unit})", self.basis.amount

    def factor_to(self, other: "Quantity", units: Units) -> Decimal | None:
        """What one unit of this quantity is in `other`'s unit and basis; None when incommensurable."""
        (mine, my_amount), (theirs, their_amount) = self.frame(), other.frame()
        factor = units.factor(mine, theirs) if (mine or theirs) else Decimal(1)
        if factor is None:
            return None
        return factor * their_amount / my_amount

    def convert(self, value: Decimal, other: "Quantity", units: Units) -> Decimal | None:
        factor = self.factor_to(other, units)
        return None if factor is None else value * factor


def number_at(text: str, at: int) -> tuple[Number, int] | None:
    for pattern in (POWER, NUMBER):  # `10^3` is a power of ten, not the number 10
        match = pattern.match(text, at)
        if match:
            return from_match(match), match.end()
    return None


def unit_at(text: str, at: int, units: Units) -> tuple[str | None, Basis | None, bool, int]:
    """Read `[log10] unit [/ unit | / amount unit | per amount unit]…` from `at`; returns the unit
    expression, the basis, whether the number is a log, and where reading stopped."""
    at = _SPACE.match(text, at).end()
    log = False
    for word in sorted(units.log_words, key=len, reverse=True):
        if text.startswith(word, at) and not text[at + len(word):at + len(word) + 1].isalpha():
            log, at = True, _SPACE.match(text, at + len(word)).end()
            break
    first = units.match(text, at)
    unit, basis = None, None
    if first:
        unit, at = first
    while True:
        per = _PER.match(text, at)
        if not per:
            break
        step = _denominator(text, per.end(), units)
        if step is None:
            break
        term, amount, at = step
        if amount is not None:
            if basis is not None:
                break
            basis = Basis(amount, term)
        else:
            unit = f"{unit} / {term}" if unit else f"1 / {term}"  # "/" is left-associative
        if unit is None:
            unit = "dimensionless"
    return unit, basis, log, at


def _denominator(text: str, at: int, units: Units):
    """After '/' or 'per': a unit (`mL`), or an amount with its unit (`1.0 × 10^13 vg`, `10^9 vg`)."""
    number = number_at(text, at)
    if number is not None:
        found = units.match(text, _SPACE.match(text, number[1]).end())
        if found is None:
            return None
        return found[0], number[0].value, found[1]
    found = units.match(text, at)
    return (found[0], None, found[1]) if found else None


def quantity_at(text: str, at: int, units: Units) -> tuple[Quantity, int] | None:
    """The quantity that starts at `at` (number, then unit), or None when no number starts there."""
    number = number_at(text, at)
    if number is None:
        return None
    unit, basis, log, end = unit_at(text, number[1], units)
    if unit is None and basis is None:
        end = number[1]
    return Quantity(number[0], unit, basis, log), end


def parse_quantity(text: str, units: Units, style: str = "plain") -> Quantity:
    """Exactly one quantity (`25.0 mg`, `2.1 × 10^13 vg/mL`, `36 months`); Unreadable otherwise."""
    stripped = apply_style(normalise(text), style).strip()
    refuse_ambiguous(stripped)
    found = quantity_at(stripped, 0, units)
    if found is None or stripped[found[1]:].strip():
        raise Unreadable(f"'{text}' is not a quantity (a number and a known unit)")
    return found[0]
