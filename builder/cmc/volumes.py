"""Composition per volume: a row per mL and per container, for suspensions and solutions whose
strength is a fill volume (an AAV vector in vials, cells in a bag, an mRNA-LNP dispersion).

A writer types each row either as a concentration (`2.0 × 10^13 vg/mL`, `2.42 mg/mL`) or as the
amount in one container (`1.0 × 10^8 cells`, `0.050 mg`), `q.s.`, `q.s. to 5.0 mL`, or a fraction
(`7.5 %`, the same per mL and per container). The other column is computed exactly from the fill
volume and printed to the significant figures typed, never as a mass fraction of a volume (no % w/w,
no "0.0 %"). Batch quantities are the container amount times the containers in the batch, in a unit
that reads (g or kg, mL or L, powers of ten for counts), never "0.000 kg".
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import Diagnostic
from .amounts import parse_amount
from .numbers import Unreadable
from .quantity import Quantity
from .registry import CheckContext, content_check
from .rounding import round_to, significant_quantum
from .units import Units

ML = "milliliter"
SCIENTIFIC_FROM = 6  # values of 10^6 and more print as m.m × 10ⁿ
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MASS_UNITS = ("kilogram", "gram", "milligram", "microgram", "nanogram")
VOLUME_UNITS = ("liter", "milliliter", "microliter")


@dataclass(frozen=True)
class Amount:
    """One row of one strength: what was typed, how it reads, and the amount per container if known."""

    kind: str                    # concentration, content, fraction, qs, qs-to, unreadable
    text: str
    per_ml: tuple | None = None          # (value, unit) per mL
    per_container: tuple | None = None   # (value, unit) in one container
    digits: int = 0                      # significant figures typed


def fill_ml(text: str, units: Units, read) -> Decimal | None:
    """The fill volume of a strength in mL, or None when its unit weight is not a volume."""
    try:
        quantity = read(text)
    except Unreadable:
        return None
    factor = units.factor(quantity.frame()[0], ML) if quantity.unit else None
    return None if factor is None else quantity.value * factor


def read_row(text: str, fill: Decimal | None, units: Units) -> Amount:
    """The amount a composition row states for one strength, per mL and per container."""
    try:
        amount = parse_amount(text, units)
    except Unreadable:
        return Amount("unreadable", text)
    if amount.kind == "qs":
        return Amount("qs", text)
    if amount.kind == "qs-to":
        return Amount("qs-to", text, per_container=_volume(amount.quantity, units), digits=amount.quantity.number.digits)
    quantity = amount.quantity
    digits = quantity.number.digits
    numerator, per = _per_volume(quantity, units)
    if per is not None:  # a concentration: value per `per` mL
        value = quantity.value / per
        container = (value * fill, numerator) if fill is not None else None
        return Amount("concentration", text, (value, numerator), container, digits)
    unit = quantity.frame()[0]
    if units.dimension(unit) == units.dimension("dimensionless"):
        return Amount("fraction", text, digits=digits)
    per_ml = (quantity.value / fill, unit) if fill else None
    return Amount("content", text, per_ml, (quantity.value, unit), digits)


def _per_volume(quantity: Quantity, units: Units) -> tuple[str, Decimal | None]:
    """`vg/mL` → (vector_genome, 1); `mg per 10 mL` → (milligram, 10); a non-concentration → (unit, None)."""
    unit, amount = quantity.frame()
    if quantity.basis is not None:
        numerator, denominator = quantity.unit or "dimensionless", quantity.basis.unit
    elif " / " in (quantity.unit or ""):
        numerator, denominator = quantity.unit.rsplit(" / ", 1)
    else:
        return unit, None
    factor = units.factor(denominator, ML)
    if factor is None:
        return unit, None
    return numerator.strip("()") or "dimensionless", amount * factor


def _volume(quantity: Quantity, units: Units) -> tuple | None:
    factor = units.factor(quantity.frame()[0], ML)
    return None if factor is None else (quantity.value * factor, ML)


def show(value: Decimal, unit: str, digits: int, units: Units, suffix: str = "") -> str:
    """A computed amount at the significant figures typed, in a unit that reads: masses and volumes in
    the largest unit that keeps a value of 1 or more, counts as m.m × 10^n from 10^6 on."""
    value, unit = _readable_unit(value, unit, units)
    text = number_text(value, max(digits, 1))
    symbol = units.show(unit) if unit and unit != "dimensionless" else ""
    return f"{text} {symbol}{suffix}".strip() if symbol or suffix else text


def number_text(value: Decimal, digits: int) -> str:
    rounded = round_to(value, significant_quantum(value, digits), "half-up") if value else Decimal(0)
    if rounded and abs(rounded).adjusted() >= SCIENTIFIC_FROM:
        power = rounded.adjusted()
        mantissa = round_to(rounded.scaleb(-power), Decimal(1).scaleb(1 - digits), "half-up")
        return f"{mantissa:f} × 10{str(power).translate(SUPERSCRIPT)}"  # as a page prints it, and read back alike
    return f"{rounded:f}"


def _readable_unit(value: Decimal, unit: str, units: Units) -> tuple[Decimal, str]:
    for family in (MASS_UNITS, VOLUME_UNITS):
        if units.factor(unit, family[0]) is None:
            continue
        for candidate in family:
            converted = value * units.factor(unit, candidate)
            if abs(converted) >= 1 or candidate == family[-1]:
                return converted, candidate
    return value, unit


@content_check("fill-volume-composition")
def fill_volume_composition(ctx: CheckContext) -> list[Diagnostic]:
    """A composition per volume has a fill volume per strength, and `q.s. to` makes up 1 mL or the fill (F4403)."""
    units, found = ctx.reading.units, []
    for dp in ctx.content.drug_products:
        path = f"drug_products[{dp.id}]"
        for strength in dp.strengths:
            fill = fill_ml(strength.unit_weight, units, ctx.reading.quantity)
            if fill is None:
                found.append(Diagnostic("F4403", f"{strength.label}: unit_weight '{strength.unit_weight}' is not a fill "
                                        "volume (e.g. 5.0 mL), so quantities per mL and per container cannot be given",
                                        strength.where("unit_weight"), f"{path}.strengths[{strength.id}].unit_weight"))
                continue
            for component in dp.composition:
                text = component.quantities.get(strength.id)
                amount = read_row(text, fill, units) if text is not None else None
                if amount is None or amount.kind != "qs-to" or _makes_up(amount, fill):
                    continue
                found.append(Diagnostic("F4403", f"{component.component}: '{text}' makes up neither 1 mL nor the fill "
                                        f"volume of {strength.label} ({strength.unit_weight})",
                                        component.where(f"quantities.{strength.id}"),
                                        f"{path}.composition[{component.id}].quantities.{strength.id}"))
    return found


@content_check("lipid-molar-ratios")
def lipid_molar_ratios(ctx: CheckContext) -> list[Diagnostic]:
    """The molar ratios stated for the lipids of a product add up to 100 mol %, within the rounding of the
    stated figures: 33.3 + 33.3 + 33.3 does, since each stands for ± 0.05 (F4404)."""
    found = []
    for dp in ctx.content.drug_products:
        stated = [c for c in dp.composition if c.molar_ratio]
        if not stated:
            continue
        shares = [ctx.reading.quantity(c.molar_ratio) for c in stated]
        total = sum((q.value for q in shares), Decimal(0))
        slack = sum((q.number.quantum for q in shares), Decimal(0)) / 2
        rounded = round_to(total, min(q.number.quantum for q in shares), "half-up")
        if abs(total - 100) > slack:
            names = ", ".join(f"{c.component} {c.molar_ratio}" for c in stated)
            found.append(Diagnostic("F4404", f"lipid molar ratios add up to {rounded:f} mol %, not 100 ({names})",
                                    stated[0].where("molar_ratio"), f"drug_products[{dp.id}].composition"))
    return found


def _makes_up(amount: Amount, fill: Decimal) -> bool:
    return amount.per_container is not None and amount.per_container[0] in (1, fill)
