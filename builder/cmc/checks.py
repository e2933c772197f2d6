"""Checks across sections: each fact is compared with every other fact it relates to.

Each check returns findings (`Diagnostic`s with F-codes) located at the YAML line of the fact that is
wrong. Error-level findings fail the build unless the content records a justification for them.
"""
from __future__ import annotations

from ..errors import Diagnostic
from ..profile import chapters
from .amounts import in_unit, matches, parse_amount, total
from .measure import Reading
from .quantity import Quantity
from .rounding import round_to
from .thresholds import dose_mg, thresholds

IMPURITY_LIMITS = {"specified-impurity": "qualification", "unspecified-impurity": "identification"}


def owners(content):
    """(record, path, material) for every drug substance and drug product."""
    for ds in content.drug_substances:
        yield ds, f"drug_substances[{ds.id}]", "drug_substance"
    for dp in content.drug_products:
        yield dp, f"drug_products[{dp.id}]", "drug_product"


def release_and_shelf_life(content, reading: Reading) -> list[Diagnostic]:
    """A shelf-life criterion may be wider than release, never narrower, and is stated in the same terms."""
    found = []
    for owner, path, _ in owners(content):
        for test in owner.specification.tests if owner.specification else ():
            if not test.shelf_life:
                continue
            where = f"{path}.specification.tests[{test.id}].shelf_life"
            release, shelf = reading.criterion(test, test.release), reading.criterion(test, test.shelf_life)
            if not (release.numeric and shelf.numeric):
                continue
            factor = shelf.quantity.factor_to(release.quantity, reading.units)
            if factor is None or release.tags ^ shelf.tags:
                found.append(Diagnostic("F4602", f"{test.test}: release '{test.release}' and shelf life "
                                        f"'{test.shelf_life}' are not in commensurable units or bases",
                                        test.where("shelf_life"), where))
                continue
            if _narrower(release, shelf, factor):
                found.append(Diagnostic("F4601", f"{test.test}: shelf-life criterion '{test.shelf_life}' is narrower "
                                        f"than release '{test.release}'", test.where("shelf_life"), where))
    return found


def _narrower(release, shelf, factor) -> bool:
    """Compared in the release criterion's unit (ppm against %, µg against mg)."""
    high = shelf.high is not None and release.high is not None and shelf.high.value * factor < release.high.value
    low = shelf.low is not None and release.low is not None and shelf.low.value * factor > release.low.value
    return high or low


def composition_totals(content, reading: Reading) -> list[Diagnostic]:
    """Each strength's components add up to its stated unit weight or volume, and every stated subtotal
    to the rows above it. A unit weight (mass) is the sum of every row, so a row of another dimension is
    named (F4402); a fill volume is the sum of the volume rows (`q.s. to` included), solutes aside."""
    found = []
    for dp in content.drug_products:
        for strength in dp.strengths:
            found += _strength_total(dp, strength, reading)
    return found


def _strength_total(dp, strength, reading: Reading) -> list[Diagnostic]:
    stated = reading.quantity(strength.unit_weight)
    unit = stated.frame()[0]
    by_mass = reading.units.factor(unit, "milligram") is not None  # a solid: every row is a mass
    path = f"drug_products[{dp.id}]"
    found, counted, filler = [], [], []
    for component in dp.composition:
        text = component.quantities.get(strength.id)
        if text is None:
            return []
        amount = parse_amount(text, reading.units)
        at = component.where(f"quantities.{strength.id}")
        where = f"{path}.composition[{component.id}].quantities.{strength.id}"
        if amount.kind == "qs":
            filler.append(component)
            continue
        value = in_unit(amount.quantity, unit, reading.units)
        if value is None and not by_mass:
            continue  # a solute (mg, vg, cells) of a solution whose total is its volume: not part of the sum
        if value is None:
            found.append(Diagnostic("F4402", f"{component.component} ({text}) cannot be added to the "
                                    f"{strength.label} total of {strength.unit_weight}: another dimension", at, where))
        elif component.subtotal == "true":
            found += _subtotal(component, strength, amount.quantity, value, counted, unit, at, where, reading)
        elif amount.kind == "qs-to":
            filler.append(component)
            if not matches(value, stated.number):
                found.append(Diagnostic("F4401", f"{component.component} is {text}, but {strength.label} is "
                                        f"{strength.unit_weight}", at, where))
        elif component.removed != "true":
            counted.append(amount.quantity)
    return found or _total(dp, strength, stated, counted, filler, unit, reading)


def _total(dp, strength, stated, counted, filler, unit, reading) -> list[Diagnostic]:
    """Without q.s. the rows add up to the total; with q.s. the others must leave room for it."""
    value = total(counted, unit, reading.units)
    shown = f"{value:f} {reading.units.show(unit)}"
    where, path = strength.where("unit_weight"), f"drug_products[{dp.id}].strengths[{strength.id}].unit_weight"
    if filler and value > stated.value:
        names = ", ".join(c.component for c in filler)
        return [Diagnostic("F4401", f"the components of {strength.label} other than {names} already add up to "
                           f"{shown}, more than {strength.unit_weight}", where, path)]
    if not filler and not matches(value, stated.number):
        return [Diagnostic("F4401", f"components of {strength.label} add up to {shown}, but the unit weight is "
                           f"{strength.unit_weight}", where, path)]
    return []


def _subtotal(component, strength, quantity, stated, counted, unit, at, where, reading) -> list[Diagnostic]:
    value = total(counted, unit, reading.units)
    scale = stated / quantity.value if quantity.value else 1
    if round_to(value, quantity.number.quantum * scale, "half-up") == stated:
        return []
    return [Diagnostic("F4401", f"{component.component} of {strength.label} is stated as "
                       f"{component.quantities[strength.id]}, but the rows above it add up to "
                       f"{value.normalize():f} {reading.units.show(unit)}", at, where)]


def impurity_limits(content, bands: dict, reading: Reading) -> list[Diagnostic]:
    """Impurity limits above the ICH Q3A/Q3B threshold for their kind need a justification."""
    dose = dose_mg(content.product.max_daily_dose, reading) if content.product.max_daily_dose else None
    if dose is None:
        return []
    found = []
    for owner, path, material in owners(content):
        limits = thresholds(bands, material, dose)
        for test in owner.specification.tests if owner.specification else ():
            kind = IMPURITY_LIMITS.get(test.category)
            criterion = reading.criterion(test, test.shelf_life or test.release)
            if not kind or not criterion.numeric or criterion.high is None:
                continue
            percent = criterion.quantity.factor_to(Quantity(criterion.high.quantity.number, "percent"), reading.units)
            if percent is None or criterion.tags - {"label-claim"}:
                continue
            limit = criterion.high.value * percent
            if limit > getattr(limits, kind):
                shown = criterion.high.value.quantize(criterion.high.quantity.number.quantum) if percent == 1 else \
                    limit.normalize()
                found.append(Diagnostic("F4501", f"{test.test}: limit {shown:f} % is above the ICH {kind} "
                                        f"threshold of {getattr(limits, kind)} % for a maximum daily dose of "
                                        f"{content.product.max_daily_dose}", test.where("release"),
                                        f"{path}.specification.tests[{test.id}]"))
    return found


def compendial_references(content, profile) -> list[Diagnostic]:
    """Every `[[chapter:key]]` in a procedure reference names a chapter the region's profile knows."""
    found = []
    specs = [(o.specification, p) for o, p, _ in owners(content)]
    specs += [(e.specification, f"drug_products[{dp.id}].excipients[{e.id}]")
              for dp in content.drug_products for e in dp.excipients]
    for spec, path in specs:
        for test in spec.tests if spec else ():
            for key in chapters(test.procedure, profile)[1]:
                found.append(Diagnostic("E2702", f"no compendial chapter '{key}' in the {profile.id} profile (known: "
                                        f"{', '.join(sorted(profile.compendial_chapters)) or 'none'})",
                                        test.where("procedure"), f"{path}.specification.tests[{test.id}].procedure"))
    return found
