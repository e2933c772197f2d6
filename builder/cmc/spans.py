"""Small exact arithmetic the modality checks share: a value or a range read as (low, high); the
interval a stated figure stands for (± half its last digit); a count shown as `4.97 × 10^6`.

A figure typed as `2.0 × 10^13` means anything from 1.95 × 10^13 to 2.05 × 10^13; two stated
figures agree when their intervals meet. That is what "adds up within the rounding of the stated
figures" means, and it never needs a float.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .criteria import parse
from .numbers import Unreadable
from .quantity import Quantity

CONTAINERS = ("vial", "bag", "container", "dosage_unit")


@dataclass(frozen=True)
class Span:
    """A quantity typed as one value or as a range, in one unit."""

    low: Quantity
    high: Quantity
    text: str

    @property
    def unit(self) -> str:
        return self.high.frame()[0]


def read_span(text: str, reading) -> Span:
    """`1.1 × 10^14 vg/kg` or `1.0 × 10^6 to 2.5 × 10^6 cells/kg` / `2.6–21.0 kg`; Unreadable otherwise."""
    try:
        quantity = reading.quantity(text)
        return Span(quantity, quantity, text)
    except Unreadable:
        pass
    criterion = parse(text, reading.vocab, reading.units)
    if criterion.kind == "limit" and criterion.low is not None and criterion.high is not None and not criterion.tags:
        if criterion.low.quantity.unit or criterion.high.quantity.unit:
            return Span(criterion.low.quantity, criterion.high.quantity, text)
    raise Unreadable(f"'{text}' is neither a quantity nor a range of quantities with a unit")


def value_in(quantity: Quantity, unit: str, units) -> Decimal | None:
    """The quantity's value in `unit` (its basis divided out); None when not of that dimension."""
    frame, amount = quantity.frame()
    factor = units.factor(frame, unit) if (frame or unit) else Decimal(1)
    return None if factor is None else quantity.value * factor / amount


def interval(quantity: Quantity, unit: str, units) -> tuple[Decimal, Decimal] | None:
    """What the stated figure stands for in `unit`: its value ± half the place of its last digit."""
    frame, amount = quantity.frame()
    factor = units.factor(frame, unit) if (frame or unit) else Decimal(1)
    if factor is None:
        return None
    half = quantity.number.quantum / 2
    return (quantity.value - half) * factor / amount, (quantity.value + half) * factor / amount


def per_container(quantity: Quantity, unit: str, units) -> tuple[Decimal, Decimal] | None:
    """A container's content in `unit`, typed as `1.1 × 10^14 vg` or `… vg per vial`."""
    found = interval(quantity, unit, units)
    if found is not None:
        return found
    frame, amount = quantity.frame()
    for container in CONTAINERS:
        factor = units.factor(f"({frame}) * {container}", unit)
        if factor is not None:
            half = quantity.number.quantum / 2
            return (quantity.value - half) * factor / amount, (quantity.value + half) * factor / amount
    return None


def per_mass(unit: str, units) -> bool:
    """A dose per kg of body weight (vg/kg, cells/kg), not a flat dose (vg, cells, µg)."""
    return "[mass]" in units.dimension(unit) and "[mass]" not in units.dimension(f"({unit}) * kilogram")


def overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def show(value: Decimal, unit: str = "") -> str:
    """`4.97 × 10^6 cells/kg`: three significant figures, a power of ten from 10^4 on, exact."""
    if value == 0:
        text = "0"
    elif abs(value.adjusted()) >= 4:
        mantissa, exponent = f"{value:.2E}".split("E")
        text = f"{mantissa} × 10^{int(exponent)}"
    else:
        places = max(0, 2 - value.adjusted())
        text = f"{value:.{places}f}"
    return f"{text} {unit}".strip()
