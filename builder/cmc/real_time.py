"""ICH Q5C stability for biologics and ATMPs (modalities.md §1.0–§1.5): the shelf life comes from
real-time data at the storage condition, not from Q1E extrapolation; and a complete programme has
the supporting studies its modality expects (freeze–thaw in cycles, in-use after thaw and shipping
in hours, accelerated or stress where the modality reads them as supportive).

The profile selects these checks by name (`real-time-shelf-life`, `supporting-studies`). Both are
warnings: the Q5C rule is ☑, but CGT is not formally in Q5C's scope and the draft ICH Q1 treatment
of ATMPs and extrapolation is still open (modalities.md §1.3, §8 item 1 ⚠).
"""
from __future__ import annotations

from ..errors import Diagnostic
from .checks import owners
from .registry import CheckContext, content_check, owner_check
from .stability import Coverage, analyse


def coverage_text(coverage: Coverage, unit_word=lambda unit: unit) -> str:
    """`24 months`, `48 h`: the time point as typed, with its study's unit unless the point names one."""
    point = coverage.point.strip()
    return point if coverage.own_unit else f"{point} {unit_word(coverage.unit)}"


@owner_check("real-time-shelf-life")
def real_time_shelf_life(ctx: CheckContext, owner, path: str) -> list[Diagnostic]:
    """ICH Q5C: the proposed period is covered by real-time data at the storage condition on every batch (F4304)."""
    stability = owner.stability
    if stability is None:
        return []
    analysis = analyse(owner, ctx.reading)
    if analysis.proposed_hours is None:  # a period in cycles: F4302 says it cannot be compared
        return []
    name = stability.period_label.replace("_", " ")
    guideline = ctx.modality.stability.guideline if ctx.modality is not None else "ICH Q5C"
    where, field_path = stability.where("period"), f"{path}.stability.period"
    coverage = analysis.coverage
    if coverage is None:
        return [Diagnostic("F4304", f"proposed {name} of {stability.period} has no real-time data at the storage "
                           f"condition: no long-term study has results ({guideline})", where, field_path, "warning")]
    if analysis.proposed_hours <= coverage.hours:
        return []
    numbers = {b.id: b.number for b in owner.batches}
    least = f" (batch {numbers.get(coverage.batch, coverage.batch)} has the least)" if coverage.batch else ""
    return [Diagnostic("F4304", f"proposed {name} of {stability.period} exceeds the real-time data at the storage "
                       f"condition: {coverage_text(coverage)} on every batch{least}; under {guideline} the {name} is "
                       "based on real-time data, not extrapolated", where, field_path, "warning")]


@content_check("supporting-studies")
def supporting_studies(ctx: CheckContext) -> list[Diagnostic]:
    """Every supporting study type the modality expects is in each programme it applies to (F4303)."""
    design = ctx.modality.stability if ctx.modality is not None else None
    if design is None:
        return []
    found = []
    for owner, path, material in owners(ctx.content):
        if owner.stability is None:
            continue
        present = {study.type for study in owner.stability.studies}
        for kind in design.supporting:
            if design.supporting_applies_to.get(kind, "both") not in ("both", material) or kind in present:
                continue
            found.append(Diagnostic("F4303", f"no {kind} study in this stability programme, which the "
                                    f"{ctx.modality.name} profile expects ({design.guideline})",
                                    owner.stability.where("studies"), f"{path}.stability.studies[{kind}]", "warning"))
    return found
