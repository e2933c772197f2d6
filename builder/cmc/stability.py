"""Stability: results against shelf-life criteria, significant change at accelerated conditions, and the
ICH Q1E ceiling for the proposed shelf life or retest period (regions.md §2.2, §2.5).

The builder never computes a shelf life; it checks that the one proposed does not exceed what the
data available can support, and says so in the summary it generates.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import Diagnostic
from .criteria import Vocabulary, judge, number, parse

SIGNIFICANT_ASSAY_CHANGE = Decimal(5)


@dataclass(frozen=True)
class Analysis:
    """What the data of one stability programme support."""

    months: int | None          # X: long-term months with data, for every batch
    accelerated_change: bool
    intermediate_change: bool
    storage: str                # room, refrigerated or frozen
    ceiling: int | None         # Q1E maximum proposed period in months
    proposed: int | None


def _tests(owner):
    return {t.id: t for t in owner.specification.tests} if owner.specification else {}


def _criterion(test):
    return test.shelf_life or test.release


def out_of_specification(owner, path: str, vocab: Vocabulary) -> list[Diagnostic]:
    found = []
    tests = _tests(owner)
    for study in owner.stability.studies if owner.stability else ():
        for test_id, values in study.results.items():
            test = tests.get(test_id)
            for index, value in enumerate(values):
                if test is not None and judge(value, parse(_criterion(test), vocab), vocab).outcome == "fails":
                    found.append(Diagnostic(
                        "F4201", f"out of specification: {study.id} ({study.condition}) at {study.timepoints[index]} "
                        f"months, {test.test} = {value}, criterion '{_criterion(test)}'",
                        study.where(f"results.{test_id}[{index}]"), f"{path}.stability.studies[{study.id}].results.{test_id}"))
    return found


def significant_changes(owner, path: str, vocab: Vocabulary, study_type: str = "accelerated") -> list[Diagnostic]:
    """Q1A(R2): a 5 % assay change from the initial value, or failure of any criterion."""
    found = []
    tests = _tests(owner)
    for study in (s for s in (owner.stability.studies if owner.stability else ()) if s.type == study_type):
        for test_id, values in study.results.items():
            test = tests.get(test_id)
            if test is None:
                continue
            reason = _assay_drift(values) if test.category == "assay" else None
            failed = [v for v in values if judge(v, parse(_criterion(test), vocab), vocab).outcome == "fails"]
            reason = reason or (f"{test.test} fails its criterion ({failed[0]})" if failed else None)
            if reason:
                found.append(Diagnostic("F4202", f"significant change at {study.type} condition in {study.id}: {reason}",
                                        study.where(f"results.{test_id}"), f"{path}.stability.studies[{study.id}]",
                                        "warning"))
    return found


def _assay_drift(values) -> str | None:
    numbers = [n[0] for v in values if (n := number(v)) is not None and not v.strip().startswith("<")]
    if len(numbers) >= 2 and max(abs(n - numbers[0]) for n in numbers[1:]) >= SIGNIFICANT_ASSAY_CHANGE:
        return f"assay changed by 5 % or more from the initial value {numbers[0]}"
    return None


def analyse(owner, vocab: Vocabulary) -> Analysis | None:
    stability = owner.stability
    if stability is None:
        return None
    long_term = [s for s in stability.studies if s.type == "long-term"]
    months = _months_for_every_batch(long_term, vocab)
    storage = _storage(long_term)
    accelerated = bool(significant_changes(owner, "", vocab, "accelerated"))
    intermediate = bool(significant_changes(owner, "", vocab, "intermediate"))
    proposed = number(stability.period)
    ceiling = _ceiling(months, storage, accelerated, intermediate) if months else None
    return Analysis(months, accelerated, intermediate, storage, ceiling, int(proposed[0]) if proposed else None)


def _months_for_every_batch(studies, vocab: Vocabulary) -> int | None:
    """X of Q1E: the latest long-term time point with results, taken for the batch that has the least."""
    skip = {w.casefold() for w in vocab.not_evaluated}
    per_batch: dict[str, int] = {}
    for study in studies:
        for index, point in enumerate(study.timepoints):
            month = number(point)
            if month and any(values[index].strip().casefold() not in skip for values in study.results.values()):
                per_batch[study.batch] = max(per_batch.get(study.batch, 0), int(month[0]))
    return min(per_batch.values()) if per_batch else None


def _storage(studies) -> str:
    condition = " ".join(s.condition for s in studies)
    if "−20" in condition or "-20" in condition:
        return "frozen"
    if "5 °C" in condition and "25 °C" not in condition and "30 °C" not in condition:
        return "refrigerated"
    return "room"


def _ceiling(x: int, storage: str, accelerated: bool, intermediate: bool) -> int:
    """The Q1E decision table, for data amenable to statistics or supported by relevant data."""
    if storage == "frozen" or intermediate:
        return x
    if storage == "refrigerated":
        return x if accelerated else min(int(x * 1.5), x + 6)
    if accelerated:
        return min(int(x * 1.5), x + 6)
    return min(2 * x, x + 12)


def q1e_ceiling(owner, path: str, vocab: Vocabulary) -> list[Diagnostic]:
    analysis = analyse(owner, vocab)
    if analysis is None or analysis.ceiling is None or analysis.proposed is None:
        return []
    if analysis.proposed <= analysis.ceiling:
        return []
    return [Diagnostic("F4301", f"proposed {owner.stability.period_label.replace('_', ' ')} of {owner.stability.period} "
                       f"exceeds the ICH Q1E limit of {analysis.ceiling} months for {analysis.months} months of long-term "
                       "data on every batch", owner.stability.where("period"), f"{path}.stability.period", "warning")]


def long_term_conditions(owner, path: str, accepted: tuple) -> list[Diagnostic]:
    """The region's profile lists the long-term conditions it accepts (ICH zone II 25 °C/60 %RH; NMPA
    also 30 °C/65 %RH): a programme with no long-term study at any of them is flagged."""
    studies = [s for s in (owner.stability.studies if owner.stability else ()) if s.type == "long-term"]
    if not studies or not accepted or any(s.condition in accepted for s in studies):
        return []
    return [Diagnostic("F4203", f"no long-term study at a condition this region accepts ({'; '.join(accepted)})",
                       owner.stability.where("studies"), f"{path}.stability.studies", "warning")]
