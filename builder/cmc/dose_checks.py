"""The labelled dose against what is filled and what each lot holds (modalities.md §1.3, §1.4).

AAV gene therapy: a container's nominal concentration × its volume is the content it states; the
highest dose at the highest body weight fits in the largest kit; the nominal concentration lies
within the genome-titre release criterion. Autologous cell therapy: every lot's dose, per kg of the
patient's weight or flat, lies within the labelled dose. All in exact decimals through the quantity
engine; a figure stands for itself ± half its last digit (`spans.interval`).
"""
from __future__ import annotations

from decimal import Decimal

from ..errors import Diagnostic
from .attributes import tests_of
from .numbers import Unreadable
from .registry import CheckContext, content_check
from .results import read
from .rounding import round_to
from .spans import interval, overlap, per_container, per_mass, read_span, show, value_in

TITRE, DOSE = "vector-genome-titre", "dose"


def _dosed(content):
    for dp in content.drug_products:
        if dp.dosing is not None:
            yield dp, f"drug_products[{dp.id}].dosing"


@content_check("dose-and-fill")
def dose_and_fill(ctx: CheckContext):
    """Concentration × volume = content (F4921); the largest dose fits the largest kit (F4922, F4923);
    the nominal concentration within the titre criterion (F4925); units that cannot meet (F4924)."""
    found = []
    for dp, path in _dosed(ctx.content):
        strengths = {s.id: s for s in dp.strengths}
        for presentation in dp.dosing.presentations:
            where = f"{path}.presentations[{presentation.id}]"
            found += _fill(ctx, presentation, strengths[presentation.strength], where)
            found += _nominal_in_titre(ctx, dp, presentation, where)
        found += _largest_dose(ctx, dp, path)
    return found


def _fill(ctx, presentation, strength, where: str) -> list[Diagnostic]:
    if not presentation.concentration:
        return []
    units, reading = ctx.reading.units, ctx.reading
    concentration = reading.quantity(presentation.concentration)
    volume = reading.quantity(presentation.volume or strength.unit_weight)
    frame = concentration.frame()[0]
    product_unit = f"({frame}) * ({volume.frame()[0]})"
    conc = interval(concentration, frame, units)
    vol = interval(volume, volume.frame()[0], units)
    content = per_container(reading.quantity(presentation.content), product_unit, units)
    if content is None:
        return [Diagnostic("F4924", f"presentation {presentation.id}: content '{presentation.content}' is not what "
                           f"'{presentation.concentration}' × '{volume_text(presentation, strength)}' gives (another "
                           "unit or count)", presentation.where("content"), f"{where}.content")]
    made = (conc[0] * vol[0], conc[1] * vol[1])
    if overlap(made, content):
        return []
    exact = concentration.value * volume.value / concentration.frame()[1]
    stated = reading.quantity(presentation.content).frame()[0]
    factor = units.factor(product_unit, stated)
    shown = show(exact * factor, units.show(stated)) if factor is not None else show(exact, units.show(product_unit))
    return [Diagnostic("F4921", f"presentation {presentation.id}: {presentation.concentration} × "
                       f"{volume_text(presentation, strength)} = {shown}, not the "
                       f"{presentation.content} stated (even within the rounding of the stated figures)",
                       presentation.where("content"), f"{where}.content")]


def volume_text(presentation, strength) -> str:
    return presentation.volume or strength.unit_weight


def _nominal_in_titre(ctx, dp, presentation, where: str) -> list[Diagnostic]:
    """A label concentration outside the release range of the titre could never be released."""
    if not presentation.concentration:
        return []
    nominal = ctx.reading.quantity(presentation.concentration)
    found = []
    for test in tests_of(dp.specification, ctx.modality, TITRE):
        criterion = ctx.reading.criterion(test, test.release)
        if not criterion.numeric:
            continue
        value = value_in(nominal, criterion.quantity.frame()[0], ctx.reading.units)
        if value is None:
            continue
        value = value * criterion.quantity.frame()[1]
        low = criterion.low is None or value >= criterion.low.value
        high = criterion.high is None or value <= criterion.high.value
        if not (low and high):
            found.append(Diagnostic("F4925", f"presentation {presentation.id}: the nominal concentration "
                                    f"{presentation.concentration} is outside the release criterion '{test.release}' "
                                    f"of {test.test}", presentation.where("concentration"), f"{where}.concentration"))
    return found


def _largest_dose(ctx, dp, path: str) -> list[Diagnostic]:
    """The highest dose for the heaviest patient (capped by max_dose) within the largest kit."""
    dosing, units, reading = dp.dosing, ctx.reading.units, ctx.reading
    kits = [p for p in dosing.presentations if p.max_containers]
    if not kits:
        return []
    dose = read_span(dosing.dose, reading)
    total, unit, how = dose.high.value / dose.high.frame()[1], dose.unit, dosing.dose
    if per_mass(dose.unit, units):
        if not dosing.body_weight:
            return [Diagnostic("F4923", f"the dose {dosing.dose} is per kg, but no `body_weight` range says which "
                               "patients the kits must serve; the largest dose is not checked", dosing.where("dose"),
                               f"{path}.body_weight", "warning")]
        weight = read_span(dosing.body_weight, reading).high
        unit = f"({dose.unit}) * ({weight.frame()[0]})"
        total, how = total * weight.value, f"{dosing.dose} × {weight.number.value} {units.show(weight.unit)}"
    if dosing.max_dose:
        cap = value_in(reading.quantity(dosing.max_dose), unit, units)
        if cap is not None and cap < total:
            total, how = cap, f"the maximum dose {dosing.max_dose}"
    capacity = Decimal(0)
    for kit in kits:
        content = per_container(reading.quantity(kit.content), unit, units)
        if content is None:
            return [Diagnostic("F4924", f"presentation {kit.id}: content '{kit.content}' cannot hold a dose of "
                               f"'{dosing.dose}' (another unit or count)", kit.where("content"),
                               f"{path}.presentations[{kit.id}].content")]
        capacity += content[1] * int(kit.max_containers)
    if total <= capacity:
        return []
    listed = ", ".join(f"{k.max_containers} × {k.content}" for k in kits)
    return [Diagnostic("F4922", f"the largest dose ({how} = {show(total, units.show(unit))}) needs more than the "
                       f"largest kit holds ({listed} = {show(capacity, units.show(unit))})", dosing.where("dose"),
                       f"{path}.dose")]


@content_check("cell-dose")
def cell_dose(ctx: CheckContext):
    """Every lot's dose, per kg of its patient's body weight or flat, within the labelled dose (F4931–F4934)."""
    found = []
    for dp, path in _dosed(ctx.content):
        tests = tests_of(dp.specification, ctx.modality, DOSE)
        if not tests:
            found.append(Diagnostic("F4931", f"no test of {dp.name}'s specification gives the dose of a lot (a test "
                                    "with `attribute: dose`, or one the profile's dose attribute recognises)",
                                    dp.specification.where("tests") if dp.specification else dp.at,
                                    f"drug_products[{dp.id}].specification.tests"))
            continue
        dose = read_span(dp.dosing.dose, ctx.reading)
        for batch in dp.batches:
            found += _lot_dose(ctx, dp, tests[0], batch, dose)
    return found


def _lot_dose(ctx, dp, test, batch, dose) -> list[Diagnostic]:
    units, text = ctx.reading.units, batch.results.get(test.id, "")
    where, at = f"drug_products[{dp.id}].batches[{batch.id}].results.{test.id}", batch.where(f"results.{test.id}")
    try:
        result = read(text, ctx.reading.vocab, units, ctx.reading.style)
    except Unreadable:
        return []  # E2620 at the result
    if result.kind != "value":
        return []  # not evaluated (F4913 where the profile wants it on every lot) or censored
    quantity, chain = result.quantity, batch.chain_of_identity
    capped = _above_cap(ctx, dp, batch, quantity, text, at, where)
    if capped:
        return capped
    value, shown = value_in(quantity, dose.unit, units), text
    if value is None and per_mass(dose.unit, units):
        if chain is not None and not chain.patient and not chain.body_weight:
            return []  # made from healthy-donor material for no patient: no dose per kg to judge
        if chain is None or not chain.body_weight:
            return [Diagnostic("F4933", f"lot {batch.number}: {text} cannot be judged against the labelled dose "
                               f"{dp.dosing.dose}: the lot's chain_of_identity states no patient body_weight",
                               at, where)]
        weight = ctx.reading.quantity(chain.body_weight)
        total = value_in(quantity, f"({dose.unit}) * ({weight.frame()[0]})", units)
        if total is not None:
            value = total / weight.value
            shown = f"{text} for {chain.body_weight} = {show(value, units.show(dose.unit))}"
    if value is None:
        return [Diagnostic("F4934", f"lot {batch.number}: {text} cannot be compared with the labelled dose "
                           f"{dp.dosing.dose} (another unit or count)", at, where)]
    return _within(ctx, dp, batch, value, shown, dose, at, where)


def _above_cap(ctx, dp, batch, quantity, text: str, at, where) -> list[Diagnostic]:
    """A lot holding more than the maximum dose, whatever the patient weighs."""
    if not dp.dosing.max_dose:
        return []
    cap = ctx.reading.quantity(dp.dosing.max_dose)
    value = value_in(quantity, cap.frame()[0], ctx.reading.units)
    limit = cap.value / cap.frame()[1]
    if value is None or round_to(value, cap.number.quantum / cap.frame()[1], ctx.reading.rounding.rule) <= limit:
        return []
    return [Diagnostic("F4932", f"lot {batch.number}: {text} is above the maximum dose {dp.dosing.max_dose}", at,
                       where)]


def _within(ctx, dp, batch, value: Decimal, shown: str, dose, at, where) -> list[Diagnostic]:
    rule = ctx.reading.rounding.rule
    (low_q, low_amount), (high_q, high_amount) = (dose.low, dose.low.frame()[1]), (dose.high, dose.high.frame()[1])
    low = round_to(value, low_q.number.quantum / low_amount, rule) >= low_q.value / low_amount
    high = round_to(value, high_q.number.quantum / high_amount, rule) <= high_q.value / high_amount
    if low and high:
        return []
    return [Diagnostic("F4932", f"lot {batch.number}: {shown}, outside the labelled dose {dp.dosing.dose}", at, where)]
