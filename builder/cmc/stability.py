"""Stability: significant change at accelerated conditions, and the ICH Q1E ceiling for the proposed
shelf life or retest period (regions.md §2.2, §2.5). Results against criteria are judged in `pairs`;
the ICH Q5C real-time rule and the supporting studies a modality expects are in `real_time`.

The builder never computes a shelf life; it checks that the one proposed does not exceed what the
data available can support, and says so in the summary it generates. Time points are read in the
study's own unit (hours, days, weeks, months, years, cycles); Q1E arithmetic works in months, and a
programme whose time cannot be expressed in months is not put through it. The Q1E storage case
(room temperature, refrigerated, frozen) is what the data state: `stability.storage_case`, or the
case whose ICH Q1A(R2) conditions in the region profile list the long-term condition; never a guess
from the wording of a condition.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal

from .. import reads
from ..errors import Diagnostic
from .measure import Reading
from .numbers import Unreadable
from .verdict import OOS

SIGNIFICANT_ASSAY_CHANGE = Decimal(5)


@dataclass(frozen=True)
class Coverage:
    """The real-time data at the storage condition on every batch: the latest long-term time point with
    results, taken for the batch that has the least (hours compare every unit exactly)."""

    hours: Decimal
    point: str                  # the time point as typed
    unit: str                   # the study's time unit (months, hours …)
    batch: str                  # the batch with the least data, when one has less than the others; else ""
    own_unit: bool = False      # the time point was typed with its unit (`24 months`)


@dataclass(frozen=True)
class Analysis:
    """What the data of one stability programme support."""

    months: Decimal | None      # X: long-term months with data, for every batch
    accelerated_change: bool
    intermediate_change: bool
    storage: str | None         # the Q1E storage case (room-temperature, refrigerated, frozen); None: not stated
    ceiling: Decimal | None     # Q1E maximum proposed period in months
    proposed: Decimal | None    # the proposed period, in months
    has_accelerated: bool = False
    coverage: Coverage | None = None
    proposed_hours: Decimal | None = None  # the proposed period in hours; None when it is not a time


def _tests(owner):
    return {t.id: t for t in owner.specification.tests} if owner.specification else {}


def _criterion(test):
    return test.shelf_life or test.release


def significant_changes(owner, path: str, reading: Reading, study_type: str = "accelerated") -> list[Diagnostic]:
    """Q1A(R2): a 5 % assay change from the initial value, or failure of any criterion."""
    found = []
    tests = _tests(owner)
    for study in (s for s in (owner.stability.studies if owner.stability else ()) if s.type == study_type):
        for test_id, values in study.results.items():
            test = tests.get(test_id)
            if test is None:
                continue
            reason = _assay_drift(values, reading) if test.category == "assay" else None
            failed = [v for v in values if reading.verdict(test, _criterion(test), v).outcome == OOS]
            reason = reason or (f"{test.test} fails its criterion ({failed[0]})" if failed else None)
            if reason:
                found.append(Diagnostic("F4202", f"significant change at {study.type} condition in {study.id}: {reason}",
                                        study.where(f"results.{test_id}"), f"{path}.stability.studies[{study.id}]",
                                        "warning"))
    return found


def _assay_drift(values, reading: Reading) -> str | None:
    numbers = []
    for value in values:
        try:
            quantity = reading.quantity(value)
        except Unreadable:
            continue
        numbers.append(quantity.value)
    if len(numbers) >= 2 and max(abs(n - numbers[0]) for n in numbers[1:]) >= SIGNIFICANT_ASSAY_CHANGE:
        return f"assay changed by 5 % or more from the initial value {numbers[0]}"
    return None


def analyse(owner, reading: Reading) -> Analysis | None:
    """Once per programme and pair: the Q1E check and every stability-summary leaf read the same analysis."""
    if reads.active():  # a leaf is being recorded: read the data again, so each read is noted
        return _analyse(owner, reading)
    key = id(owner)
    if key not in reading.analyses:
        reading.analyses[key] = (owner, _analyse(owner, reading))  # the owner is kept so its id stays unique
    return reading.analyses[key][1]


def _analyse(owner, reading: Reading) -> Analysis | None:
    stability = owner.stability
    if stability is None:
        return None
    long_term = [s for s in stability.studies if s.type == "long-term"]
    months = _months_for_every_batch(long_term, reading)
    storage = storage_case(stability, long_term, reading.storage_cases)
    accelerated = bool(significant_changes(owner, "", reading, "accelerated"))
    intermediate = bool(significant_changes(owner, "", reading, "intermediate"))
    proposed = _proposed(stability, reading, reading.months)
    ceiling = _ceiling(months, storage, accelerated, intermediate) if months and storage else None
    has_accelerated = any(s.type == "accelerated" for s in stability.studies)
    return Analysis(months, accelerated, intermediate, storage, ceiling, proposed, has_accelerated,
                    _coverage(long_term, reading), _proposed(stability, reading, reading.hours))


def _proposed(stability, reading: Reading, read) -> Decimal | None:
    try:
        return read(stability.period)
    except Unreadable:
        return None


def storage_case(stability, long_term, cases: dict) -> str | None:
    """The Q1E storage case the data state: `storage_case`, else the one case whose ICH Q1A(R2)
    conditions (region profile `stability_storage_cases`) list a long-term study's condition."""
    if stability.storage_case:
        return stability.storage_case
    conditions = {s.condition for s in long_term}
    found = [case for case, listed in cases.items() if conditions & set(listed)]
    return found[0] if len(found) == 1 else None


def _coverage(studies, reading: Reading) -> Coverage | None:
    """Long-term data on every batch, in the studies' own units; time points that are not a time
    (cycles) are left to F4302."""
    skip = {w.casefold() for w in reading.vocab.not_evaluated}
    per_batch: dict[str, Coverage] = {}
    for study in studies:
        unit = study.time_unit or "months"
        for index, point in enumerate(study.timepoints):
            try:
                hours = reading.hours(point, unit)
            except Unreadable:
                hours = None
            if hours is None:
                break
            best = per_batch.get(study.batch)
            if _has_results(study, index, skip) and (best is None or hours > best.hours):
                own_unit = reading.quantity(point).unit is not None
                per_batch[study.batch] = Coverage(hours, point, unit, study.batch, own_unit)
    if not per_batch:
        return None
    least = min(per_batch.values(), key=lambda c: c.hours)
    return least if any(c.hours > least.hours for c in per_batch.values()) else replace(least, batch="")


def _has_results(study, index: int, skip: set) -> bool:
    return any(index < len(values) and values[index].strip().casefold() not in skip for values in study.results.values())


def _months_for_every_batch(studies, reading: Reading) -> Decimal | None:
    """X of Q1E: the latest long-term time point with results, taken for the batch that has the least."""
    skip = {w.casefold() for w in reading.vocab.not_evaluated}
    per_batch: dict[str, Decimal] = {}
    for study in studies:
        for index, point in enumerate(study.timepoints):
            try:
                month = reading.months(point, study.time_unit or "months")
            except Unreadable:
                month = None
            if month is None:
                return None
            if _has_results(study, index, skip):
                per_batch[study.batch] = max(per_batch.get(study.batch, Decimal(0)), month)
    return min(per_batch.values()) if per_batch else None


def _ceiling(x: Decimal, storage: str, accelerated: bool, intermediate: bool) -> Decimal:
    """The Q1E decision table, for data amenable to statistics or supported by relevant data."""
    if storage == "frozen" or intermediate:
        return x
    if storage == "refrigerated":
        return x if accelerated else min(_whole(x * Decimal("1.5")), x + 6)
    if accelerated:
        return min(_whole(x * Decimal("1.5")), x + 6)
    return min(2 * x, x + 12)


def _whole(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


def months_text(value: Decimal) -> str:
    """A month count as a sentence prints it (18, not 18.000…; 1.5 stays 1.5)."""
    text = format(value.normalize(), "f")
    return text


def q1e_ceiling(owner, path: str, reading: Reading) -> list[Diagnostic]:
    analysis = analyse(owner, reading)
    if analysis is None or analysis.months is None or analysis.proposed is None:
        return []
    if analysis.storage is None:
        conditions = "; ".join(sorted({s.condition for s in owner.stability.studies if s.type == "long-term"}))
        return [Diagnostic("F4305", f"the ICH Q1E ceiling is not checked: the long-term condition ({conditions}) is "
                           "not one ICH Q1A(R2) storage case of the region profile (stability_storage_cases); state "
                           "stability.storage_case (room-temperature, refrigerated or frozen)",
                           owner.stability.where("studies"), f"{path}.stability.storage_case", "warning")]
    if analysis.proposed <= analysis.ceiling:
        return []
    return [Diagnostic("F4301", f"proposed {owner.stability.period_label.replace('_', ' ')} of {owner.stability.period} "
                       f"exceeds the ICH Q1E limit of {months_text(analysis.ceiling)} months for "
                       f"{months_text(analysis.months)} months of long-term data on every batch",
                       owner.stability.where("period"), f"{path}.stability.period", "warning")]


def period_and_time_points(owner, path: str, reading: Reading) -> list[Diagnostic]:
    """The proposed period and the studies' time points must be of one kind (time, or cycles)."""
    stability = owner.stability
    if stability is None:
        return []
    period = reading.quantity(stability.period)
    found = []
    for study in stability.studies:
        unit = study.time_unit or "months"
        source = {"cycles": "freeze_thaw_cycle"}.get(unit, unit[:-1])
        if study.type == "long-term" and reading.units.factor(source, period.unit or "") is None:
            found.append(Diagnostic("F4302", f"study {study.id} counts {unit}, but the proposed "
                                    f"{stability.period_label.replace('_', ' ')} is {stability.period}: they cannot be "
                                    "compared", study.where("time_unit"), f"{path}.stability.studies[{study.id}]",
                                    "warning"))
    return found


def long_term_conditions(owner, path: str, accepted: tuple) -> list[Diagnostic]:
    """The region's profile lists the long-term conditions it accepts (ICH zone II 25 °C/60 %RH; NMPA
    also 30 °C/65 %RH): a programme with no long-term study at any of them is flagged."""
    studies = [s for s in (owner.stability.studies if owner.stability else ()) if s.type == "long-term"]
    if not studies or not accepted or any(s.condition in accepted for s in studies):
        return []
    return [Diagnostic("F4203", f"no long-term study at a condition this region accepts ({'; '.join(accepted)})",
                       owner.stability.where("studies"), f"{path}.stability.studies", "warning")]
