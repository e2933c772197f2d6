"""Arithmetic of two formulations a mass table cannot check (regions.md §6.2, §6.3).

mRNA-LNP: every lipid of the particle states its molar ratio in the composition (their sum is
`lipid-molar-ratios`, F4404), the N/P ratio is stated, and where molar masses are given the
composition's masses give the same molar ratios. ADC: each lot's drug-load distribution adds up
to 100 %, and the average DAR it implies (Σ n × %DARn / 100) agrees with the average DAR reported. Exact decimals; a figure stands for
itself ± half its last digit.
"""
from __future__ import annotations

from decimal import Decimal

from ..errors import Diagnostic
from .amounts import parse_amount
from .attributes import tests_of
from .numbers import Unreadable
from .registry import CheckContext, content_check, owner_check
from .results import read
from .spans import interval, overlap, show, value_in

AVERAGE_DAR = "average-dar"
HUNDRED = (Decimal(100), Decimal(100))


def _bare(text: str) -> str:
    return text.replace("mol", "").replace("%", "").strip()


def percent(text: str, reading):
    """`50.0`, `50.0 %`, `50.0 mol %` → the interval it stands for, in %."""
    quantity = reading.quantity(text.replace("mol", "").strip())
    return interval(quantity, "percent" if quantity.unit else "", reading.units)


def _sum(intervals: list) -> tuple[Decimal, Decimal]:
    return sum((i[0] for i in intervals), Decimal(0)), sum((i[1] for i in intervals), Decimal(0))


@content_check("lipid-composition")
def lipid_composition(ctx: CheckContext):
    """A drug product states its lipid nanoparticle (F4953), each lipid its molar ratio in the composition
    (F4951), the N/P ratio (F4952), and the masses give the stated molar ratios (F4954). That the ratios
    add up to 100 mol % is `lipid-molar-ratios` (F4404)."""
    found = []
    for dp in ctx.content.drug_products:
        path = f"drug_products[{dp.id}]"
        if dp.lnp is None:
            found.append(Diagnostic("F4953", f"{dp.name} states no lipid nanoparticle (`lnp`: its lipids and the N/P "
                                    "ratio)", dp.at, f"{path}.lnp"))
            continue
        rows = {c.id: c for c in dp.composition}
        for lipid in dp.lnp.lipids:
            if not rows[lipid.id].molar_ratio:
                found.append(Diagnostic("F4951", f"{rows[lipid.id].component} is a lipid of the nanoparticle, but its "
                                        "composition row states no molar_ratio (mol %)", rows[lipid.id].at,
                                        f"{path}.composition[{lipid.id}].molar_ratio"))
        if not dp.lnp.np_ratio:
            found.append(Diagnostic("F4952", "the N/P ratio (ionisable-lipid amine to RNA phosphate) is not stated",
                                    dp.lnp.at, f"{path}.lnp.np_ratio"))
        if not [f for f in found if f.code == "F4951" and f.field.startswith(path)]:
            found += _molar_from_mass(ctx, dp, rows, path)
    return found


def _molar_from_mass(ctx, dp, rows: dict, path: str) -> list[Diagnostic]:
    """mol % of lipid i = (mᵢ/Mᵢ) / Σ(mⱼ/Mⱼ), bounded by the rounding of every mass; a warning (the masses
    are per dose, rounded, and the molar masses nominal)."""
    lipids = dp.lnp.lipids
    if not lipids or not all(l.molar_mass for l in lipids):
        return []
    found = []
    for strength in dp.strengths:
        moles = _moles(ctx, lipids, rows, strength.id)
        if moles is None:
            continue
        low_total, high_total = _sum(list(moles.values()))
        for lipid in lipids:
            low, high = moles[lipid.id]
            computed = (low * 100 / (high_total - high + low), high * 100 / (low_total - low + high))
            row = rows[lipid.id]
            if not overlap(computed, percent(row.molar_ratio, ctx.reading)):
                mid = (low + high) * 100 / (low_total + high_total)
                found.append(Diagnostic("F4954", f"{row.component}: the composition of {strength.label} gives "
                                        f"{show(mid)} mol % ({computed[0]:.2f} to {computed[1]:.2f} within the "
                                        f"rounding of the masses), not the {row.molar_ratio} stated", row.where("molar_ratio"),
                                        f"{path}.composition[{lipid.id}].molar_ratio", "warning"))
    return found


def _moles(ctx, lipids, rows: dict, strength: str) -> dict | None:
    """Each lipid's amount of substance per container or per mL (low, high): masses or mass concentrations,
    the same for every lipid; None when they cannot be read as one of them."""
    for unit in ("milligram", "milligram / milliliter"):
        moles = {}
        for lipid in lipids:
            found = _amount_of_substance(ctx, rows[lipid.id].quantities.get(strength), lipid.molar_mass, unit)
            if found is None:
                break
            moles[lipid.id] = found
        else:
            return moles
    return None


def _amount_of_substance(ctx, text, molar_mass: str, unit: str):
    units = ctx.reading.units
    try:
        amount = parse_amount(text, units) if text is not None else None
    except Unreadable:
        return None
    mass = interval(amount.quantity, unit, units) if amount is not None and amount.kind == "quantity" else None
    per_mole = value_in(ctx.reading.quantity(molar_mass), "milligram / millimole", units)
    if mass is None or not per_mole or mass[0] <= 0:
        return None  # a mass of (about) nothing gives no molar ratio to compare
    return mass[0] / per_mole, mass[1] / per_mole


@owner_check("drug-load-distribution")
def drug_load_distribution(ctx: CheckContext, owner, path: str):
    """Every lot of a conjugate has its drug-load distribution (F4963), adding up to 100 % (F4961), and it
    gives the average DAR reported (F4962)."""
    tests = tests_of(owner.specification, ctx.modality, AVERAGE_DAR)
    if not tests:
        return []
    found = []
    for batch in owner.batches:
        where = f"{path}.batches[{batch.id}]"
        if not batch.drug_load:
            found.append(Diagnostic("F4963", f"batch {batch.number} states no drug-load distribution (`drug_load`: "
                                    "% of each drug load, DAR0, DAR2 …)", batch.at, f"{where}.drug_load"))
            continue
        shares = {int(n): percent(text, ctx.reading) for n, text in batch.drug_load.items()}
        total = _sum(list(shares.values()))
        if not overlap(total, HUNDRED):
            stated = sum((ctx.reading.quantity(_bare(t)).value for t in batch.drug_load.values()), Decimal(0))
            found.append(Diagnostic("F4961", f"batch {batch.number}: the drug-load distribution adds up to "
                                    f"{stated:f} %, not 100 %", batch.where("drug_load"), f"{where}.drug_load"))
            continue
        found += _average(ctx, batch, tests[0], shares, where)
    return found


def _average(ctx, batch, test, shares: dict, where: str) -> list[Diagnostic]:
    text = batch.results.get(test.id, "")
    try:
        result = read(text, ctx.reading.vocab, ctx.reading.units, ctx.reading.style)
    except Unreadable:
        return []
    if result.kind != "value" or result.quantity.unit:
        return []
    implied = (sum((n * s[0] for n, s in shares.items()), Decimal(0)) / 100,
               sum((n * s[1] for n, s in shares.items()), Decimal(0)) / 100)
    reported = interval(result.quantity, "", ctx.reading.units)
    if overlap(implied, reported):
        return []
    mid = (implied[0] + implied[1]) / 2
    return [Diagnostic("F4962", f"batch {batch.number}: the drug-load distribution gives an average DAR of "
                       f"{show(mid)} ({implied[0]:.2f} to {implied[1]:.2f} within its rounding), but {test.test} "
                       f"reports {text}", batch.where(f"results.{test.id}"), f"{where}.results.{test.id}",
                       "warning")]
