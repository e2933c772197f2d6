"""3.2.S.7 / 3.2.P.8: the summary and conclusions generated from the data, and one table per study."""
from __future__ import annotations

from ..cmc.real_time import coverage_text
from ..cmc.stability import analyse, months_text
from ..ooxml.blocks import Run, paragraph, table
from .manufacture import handling_blocks
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, simple_table


def study_type(scope, study) -> str:
    """The study type in the region's words (long-term → 长期试验)."""
    return scope.label(study.type.replace("-", "_"))


Q1A_ORDER = ("long-term", "intermediate", "accelerated")


def ordered_studies(stability) -> list:
    """The studies in a reviewer's order, from each study's `type` and `batch` (never its id or text).

    The ICH Q1A(R2) studies are grouped by batch (in the order their batches first appear) with
    long-term before intermediate before accelerated, as written within a type; they fill the places
    the Q1A(R2) studies held, so stress, in-use, freeze-thaw and shipping studies keep theirs. An
    overlay's added long-term study so lands beside the core's, not after every accelerated one.
    `study_order: as-written` keeps the merged order (an overlay's `place:` included)."""
    studies = list(stability.studies)
    if stability.study_order == "as-written":
        return studies
    slots = [i for i, s in enumerate(studies) if s.type in Q1A_ORDER]
    batches: dict[str, int] = {}
    for i in slots:
        batches.setdefault(studies[i].batch, len(batches))
    q1a = sorted((studies[i] for i in slots), key=lambda s: (batches[s.batch], Q1A_ORDER.index(s.type)))
    for i, study in zip(slots, q1a):
        studies[i] = study
    return studies


def _present(scope, number):
    return scope.owner.stability is not None


def _summary_blocks(scope, number, ctx: DocContext):
    stability = scope.owner.stability
    batches = {b.id: b.number for b in scope.owner.batches}
    months = all((s.time_unit or "months") == "months" for s in stability.studies)
    rows = [[cell(batches.get(s.batch, s.batch)), cell(study_type(scope, s)), cell(s.condition), cell(s.container),
             cell(_span(scope, s, months))] for s in ordered_studies(stability)]
    columns = labelled(scope, "batch", "study_type", "condition", "container", "timepoints" if months else "timepoints_any")
    statement = scope.label("period_statement", period_label=scope.label(f"period_{stability.period_label}"),
                            period=stability.period, storage_label=scope.label("storage"), storage=stability.storage)
    return narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("stability_studies"), "stability-studies"),
        simple_table(ctx, columns, rows, [2, 2, 4, 3, 2]),
        *_conclusions(scope, stability),
        paragraph([Run(statement, bold=True)]),
        *handling_blocks(scope, ctx),
    ]


def _span(scope, study, months: bool) -> str:
    """`0–24` under a header in months; `0–24 h` when the studies count in other units."""
    span = f"{study.timepoints[0]}–{study.timepoints[-1]}"
    return span if months else f"{span} {scope.label('time_' + (study.time_unit or 'months'))}"


def _conclusions(scope, stability) -> list:
    """What the data support, in the region's words, from the same analysis the checks use; never a
    study that does not exist. The accelerated sentence only when an accelerated study exists and the
    modality reads it in the Q1A(R2) sense; the Q1E sentence only when the modality extrapolates by
    Q1E; the real-time sentence (ICH Q5C) only when it does not, and the data cover the period."""
    analysis = analyse(scope.owner, scope.reading) if scope.reading else None
    if analysis is None or analysis.coverage is None:
        return []
    design = scope.modality.stability if scope.modality is not None else None
    sentences = [_data_available(scope, analysis)]
    if analysis.has_accelerated and design is not None and design.accelerated == "significant-change":
        sentences.append(scope.label("stability_change" if analysis.accelerated_change else "stability_no_change"))
    if analysis.ceiling is not None and design is not None and design.extrapolation == "q1e":
        sentences.append(scope.label("stability_ceiling", ceiling=months_text(analysis.ceiling), period=stability.period))
    if design is not None and design.extrapolation == "none" and analysis.proposed_hours is not None \
            and analysis.proposed_hours <= analysis.coverage.hours:
        sentences.append(scope.label(f"stability_real_time_{stability.period_label}"))
    return [paragraph([Run(scope.label("sentence_join").join(sentences))])]


def _data_available(scope, analysis) -> str:
    """`… up to 18 months on every batch`; in the studies' own unit when they count hours or days."""
    if analysis.months is not None and analysis.coverage.unit == "months":
        return scope.label("stability_months", months=months_text(analysis.months))
    return scope.label("stability_time", time=coverage_text(analysis.coverage, lambda u: scope.label(f"time_{u}")))


def _timepoint_label(scope, study) -> str:
    """The header names the study's own unit: `Time point (months)`, `Time point (h)`, `… (cycles)`."""
    unit = study.time_unit or "months"
    if unit == "months":
        return scope.label("timepoint_months")
    return scope.label("timepoint", unit=scope.label(f"time_{unit}"))


def _data_present(scope, number):
    return scope.owner.stability is not None and bool(scope.owner.stability.studies)


def _data_blocks(scope, number, ctx: DocContext):
    owner = scope.owner
    tests = {t.id: t for t in owner.specification.tests} if owner.specification else {}
    batches = {b.id: b.number for b in owner.batches}
    out = narrative_blocks(scope.narrative(number), ctx)
    for study in ordered_studies(owner.stability):
        points = study.timepoints
        header = [
            [cell(scope.label("test"), vmerge="restart"), cell(scope.label("acceptance_criterion"), vmerge="restart"),
             cell(_timepoint_label(scope, study), span=len(points))],
            [cell("", vmerge="continue"), cell("", vmerge="continue")] + [cell(p) for p in points],
        ]
        order = [t for t in tests if t in study.results]
        rows = [[cell(tests[t].test), cell(tests[t].shelf_life or tests[t].release)]
                + [cell(v) for v in study.results[t]] for t in order]
        title = scope.label("comma").join([batches.get(study.batch, study.batch), study_type(scope, study),
                                           study.condition, study.container])
        out += [caption(ctx, scope, title, study.id), table(header, rows, [3, 3] + [1] * len(points), ctx.width)]
    return out


STABILITY_KINDS = {
    "stability-summary": LeafKind(_present, _summary_blocks, lambda n: "add `stability` to this record"),
    "stability-data": LeafKind(_data_present, _data_blocks, lambda n: "add `stability.studies` to this record"),
}
