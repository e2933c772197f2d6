"""ICH Q5E comparability results judged against their pre-defined ranges (modalities.md §2).

Each (attribute, lot) result is judged by the same engine as a batch result against its criterion
(`Reading.verdict`), with the attribute's range as the criterion: it conforms, is outside, or is not
checked with the reason. A range that only asks to report (`Report result`) sets no criterion, so its
results are not checked either: a comparison the builder cannot make is said, never passed.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Diagnostic
from .registry import CheckContext, owner_check
from .verdict import CONFORMS, ERROR, OOS, UNCHECKED, Verdict


REPORT_ONLY = "a range that only asks to report sets no comparability criterion"


@dataclass(frozen=True)
class AsTest:
    """An attribute in the shape the reading judges with (a specification test's fields)."""

    test: str
    category: str | None
    result_unit: str | None
    lod: str | None
    loq: str | None


@dataclass(frozen=True)
class Judged:
    """One result of one lot for one attribute, where it was written, and its verdict."""

    attribute: object
    lot: object
    number: str
    text: str
    origin: object
    path: str
    verdict: Verdict

    @property
    def post_change(self) -> bool:
        return self.lot.role == "post-change"


def spec_test(owner, attribute):
    spec = owner.specification
    return next((t for t in spec.tests if t.id == attribute.test), None) if spec and attribute.test else None


def as_test(owner, attribute) -> AsTest:
    """The attribute's own unit, LOD and LOQ; otherwise those of the specification test it names."""
    test = spec_test(owner, attribute)
    pick = lambda name: getattr(attribute, name, None) or (getattr(test, name) if test else None)  # noqa: E731
    return AsTest(name(owner, attribute), test.category if test else None, pick("result_unit"), pick("lod"),
                  pick("loq"))


def name(owner, attribute) -> str:
    test = spec_test(owner, attribute)
    return attribute.attribute or (test.test if test else attribute.id)


def method(owner, attribute) -> str:
    test = spec_test(owner, attribute)
    return attribute.method or (test.procedure if test else "")


def lot_number(owner, lot) -> str:
    batch = next((b for b in owner.batches if b.id == lot.batch), None) if lot.batch else None
    return lot.number or (batch.number if batch else lot.id)


def result(owner, attribute, lot) -> tuple[str, object] | None:
    """The lot's result for the attribute and where it was written: stated on the attribute, or
    the batch's own result for the attribute's test (entered once, in 3.2.S.4.4 / 3.2.P.5.4)."""
    if lot.id in attribute.results:
        return attribute.results[lot.id], attribute.where(f"results.{lot.id}")
    batch = next((b for b in owner.batches if b.id == lot.batch), None) if lot.batch else None
    if batch is not None and attribute.test in batch.results:
        return batch.results[attribute.test], batch.where(f"results.{attribute.test}")
    return None


def judge_study(owner, path: str, study, reading) -> list[Judged]:
    """Every result of the study with its verdict, attribute by attribute, lot by lot."""
    judged = []
    for attribute in study.attributes:
        test = as_test(owner, attribute)
        criterion = reading.criterion(test, attribute.range)
        for lot in study.lots:
            found = result(owner, attribute, lot)
            if found is None:
                continue
            text, origin = found
            if criterion.understood and criterion.kind == "report":
                verdict = Verdict(UNCHECKED, REPORT_ONLY)
            else:
                verdict = reading.verdict(test, attribute.range, text)
            where = f"{path}.comparability[{study.id}].attributes[{attribute.id}].results.{lot.id}"
            judged.append(Judged(attribute, lot, lot_number(owner, lot), text, origin, where, verdict))
    return judged


def outcome(judged: Judged) -> str:
    """conforms, outside or unchecked (an unreadable result counts as not checked here)."""
    if judged.verdict.outcome == CONFORMS:
        return "conforms"
    if judged.verdict.outcome == OOS:
        return "outside"
    return "unchecked" if judged.verdict.outcome in (UNCHECKED, ERROR) else judged.verdict.outcome


@owner_check("comparability-ranges")
def comparability_ranges(ctx: CheckContext, owner, path: str):
    """Every post-change result within its pre-defined range (F4811); pre-change results outside it (F4812),
    results that cannot be judged (F4813), ranges not understood (F4814), and ranges set after the
    post-change data (F4815)."""
    found = []
    for study in getattr(owner, "comparability", ()):
        found += _ranges_understood(owner, path, study, ctx.reading)
        for judged in judge_study(owner, path, study, ctx.reading):
            found += _finding(owner, judged)
        found += _protocol_first(owner, path, study)
    return found


def _ranges_understood(owner, path: str, study, reading) -> list[Diagnostic]:
    found = []
    for attribute in study.attributes:
        criterion = reading.criterion(as_test(owner, attribute), attribute.range)
        where = f"{path}.comparability[{study.id}].attributes[{attribute.id}].range"
        if not criterion.understood:
            found.append(Diagnostic("F4814", f"{name(owner, attribute)}: the pre-defined range '{attribute.range}' is "
                                    f"not understood ({criterion.reason}); its results are not checked",
                                    attribute.where("range"), where, "warning"))
        elif criterion.kind == "report":  # one warning for the attribute, not one per lot
            found.append(Diagnostic("F4813", f"{name(owner, attribute)}: '{attribute.range}' only asks to report, so "
                                    "it sets no comparability criterion and its results are not checked",
                                    attribute.where("range"), where, "warning"))
    return found


def _finding(owner, judged: Judged) -> list[Diagnostic]:
    verdict, attribute = judged.verdict, judged.attribute
    what = f"{name(owner, attribute)}, {judged.lot.role} lot {judged.number} = {judged.text}"
    if verdict.outcome == OOS and judged.post_change:
        return [Diagnostic("F4811", f"{what} is outside the pre-defined range '{attribute.range}' ({verdict.reason})",
                           judged.origin, judged.path)]
    if verdict.outcome == OOS:
        return [Diagnostic("F4812", f"{what} is outside the pre-defined range '{attribute.range}' ({verdict.reason}): "
                           "the range does not describe the pre-change process", judged.origin, judged.path,
                           "warning")]
    if verdict.outcome == ERROR:
        return [Diagnostic("E2620", f"{what}: {verdict.reason}", judged.origin, judged.path)]
    if verdict.outcome == UNCHECKED and verdict.reason != REPORT_ONLY and \
            not verdict.reason.startswith("criterion not understood"):
        return [Diagnostic("F4813", f"not checked: {what} against '{attribute.range}' ({attribute.where('range')}): "
                           f"{verdict.reason}", judged.origin, judged.path, "warning")]
    return []


def _protocol_first(owner, path: str, study) -> list[Diagnostic]:
    """Q5E: the acceptance criteria come before the data. A post-change lot tested before the protocol was
    approved was judged by ranges that may have been set after its results were known."""
    protocol = study.protocol
    if protocol is None:
        return []
    early = [lot for lot in study.lots if lot.role == "post-change" and lot.tested and lot.tested < protocol.approved]
    return [Diagnostic("F4815", f"post-change lot {lot_number(owner, lot)} was tested on {lot.tested}, before the "
                       f"comparability protocol {protocol.reference} was approved on {protocol.approved}: its "
                       "ranges were not pre-defined", lot.where("tested"),
                       f"{path}.comparability[{study.id}].lots[{lot.id}].tested") for lot in early]


__all__ = ["AsTest", "Judged", "judge_study", "outcome", "name", "method", "lot_number", "result"]
