"""Composition amounts: a quantity per unit (`25.0 mg`, `0.50 mL`), `q.s.`, or `q.s. to 10.0 mL`.

A bare number is mg per unit, as the composition table has always read it; anything else carries its
unit, so a solution, a suspension of vector genomes or a count of cells is stated as typed and
summed only with quantities of the same dimension.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import NUMBER, Number, normalise
from .quantity import Quantity, parse_quantity
from .rounding import round_to
from .units import Units

_QS = re.compile(r"^q\.?\s*s\.?(?:\s+(?:to|ad)\s+(?P<to>.+))?$", re.IGNORECASE)
DEFAULT_UNIT = "milligram"


@dataclass(frozen=True)
class Amount:
    """`kind`: quantity, qs (quantum satis: whatever makes up the total) or qs-to (up to a stated quantity)."""

    text: str
    kind: str
    quantity: Quantity | None = None


def parse_amount(text: str, units: Units) -> Amount:
    norm = normalise(text).strip()
    qs = _QS.match(norm)
    if qs:
        if qs.group("to") is None:
            return Amount(text, "qs")
        return Amount(text, "qs-to", _with_unit(parse_quantity(qs.group("to"), units)))
    return Amount(text, "quantity", _with_unit(parse_quantity(norm, units)))


def _with_unit(quantity: Quantity) -> Quantity:
    if quantity.unit is None and quantity.basis is None:
        return Quantity(quantity.number, DEFAULT_UNIT)
    return quantity


def in_unit(quantity: Quantity, unit: str, units: Units) -> Decimal | None:
    """The quantity's value in `unit`, or None when they are not of one dimension."""
    factor = units.factor(quantity.frame()[0], unit)
    return None if factor is None else quantity.value * factor / quantity.frame()[1]


def total(quantities: list[Quantity], unit: str, units: Units) -> Decimal | None:
    values = [in_unit(q, unit, units) for q in quantities]
    return None if None in values else sum(values, Decimal(0))


def matches(value: Decimal, stated: Number) -> bool:
    """A computed sum agrees with a stated one at the stated precision."""
    return round_to(value, stated.quantum, "half-up") == stated.value


def places(number: Number) -> int:
    return max(0, -number.quantum.adjusted())


def is_bare_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(normalise(text).strip()))

