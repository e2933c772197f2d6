"""Stability: significant change at accelerated conditions, and the ICH Q1E ceiling for the proposed
shelf life or retest period (regions.md §2.2, §2.5). Results against criteria are judged in `pairs`.

The builder never computes a shelf life; it checks that the one proposed does not exceed what the
data available can support, and says so in the summary it generates. Time points are read in the
study's own unit (hours, days, weeks, months, years, cycles); Q1E arithmetic works in months, and a
programme whose time cannot be expressed in months is not put through it.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from ..errors import Diagnostic
from .measure import Reading
from .numbers import Unreadable
from .verdict import OOS

SIGNIFICANT_ASSAY_CHANGE = Decimal(5)


@dataclass(frozen=True)
class Analysis:
    """What the data of one stability programme support."""

    months: Decimal | None      # X: long-term months with data, for every batch
    accelerated_change: bool
    intermediate_change: bool
    storage: str                # room, refrigerated or frozen
    ceiling: Decimal | None     # Q1E maximum proposed period in months
    proposed: Decimal | None    # the proposed period, in months
    has_accelerated: bool = False


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
    storage = _storage(long_term)
    accelerated = bool(significant_changes(owner, "", reading, "accelerated"))
    intermediate = bool(significant_changes(owner, "", reading, "intermediate"))
    proposed = _proposed(stability, reading)
    ceiling = _ceiling(months, storage, accelerated, intermediate) if months else None
    has_accelerated = any(s.type == "accelerated" for s in stability.studies)
    return Analysis(months, accelerated, intermediate, storage, ceiling, proposed, has_accelerated)


def _proposed(stability, reading: Reading) -> Decimal | None:
    try:
        return reading.months(stability.period)
    except Unreadable:
        return None


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
            if any(index < len(values) and values[index].strip().casefold() not in skip
                   for values in study.results.values()):
                per_batch[study.batch] = max(per_batch.get(study.batch, Decimal(0)), month)
    return min(per_batch.values()) if per_batch else None


def _storage(studies) -> str:
    condition = " ".join(s.condition for s in studies)
    if "−20" in condition or "-20" in condition:
        return "frozen"
    if "5 °C" in condition and "25 °C" not in condition and "30 °C" not in condition:
        return "refrigerated"
    return "room"


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
    if analysis is None or analysis.ceiling is None or analysis.proposed is None:
        return []
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
