"""3.2.S.7 / 3.2.P.8: the summary and conclusions generated from the data, and one table per study."""
from __future__ import annotations

from ..cmc.stability import analyse
from ..ooxml.blocks import Run, paragraph, table
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, simple_table


def study_type(scope, study) -> str:
    """The study type in the region's words (long-term → 长期试验)."""
    return scope.label(study.type.replace("-", "_"))


def _present(scope, number):
    return scope.owner.stability is not None


def _summary_blocks(scope, number, ctx: DocContext):
    stability = scope.owner.stability
    batches = {b.id: b.number for b in scope.owner.batches}
    rows = [[cell(batches.get(s.batch, s.batch)), cell(study_type(scope, s)), cell(s.condition), cell(s.container),
             cell(f"{s.timepoints[0]}–{s.timepoints[-1]}")] for s in stability.studies]
    columns = labelled(scope, "batch", "study_type", "condition", "container", "timepoints")
    statement = f"{scope.label(stability.period_label)}: {stability.period}. {scope.label('storage')}: {stability.storage}"
    return narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("stability_studies"), "stability-studies"),
        simple_table(ctx, columns, rows, [2, 2, 4, 3, 2]),
        *_conclusions(scope, stability),
        paragraph([Run(statement, bold=True)]),
    ]


def _conclusions(scope, stability) -> list:
    """What the data support, in the region's words, from the same analysis the checks use."""
    analysis = analyse(scope.owner, scope.rules.vocab) if scope.rules else None
    if analysis is None or analysis.months is None:
        return []
    sentences = [scope.label("stability_months", months=str(analysis.months)),
                 scope.label("stability_change" if analysis.accelerated_change else "stability_no_change")]
    if analysis.ceiling is not None:
        sentences.append(scope.label("stability_ceiling", ceiling=str(analysis.ceiling), period=stability.period))
    return [paragraph([Run(" ".join(sentences))])]


def _data_present(scope, number):
    return scope.owner.stability is not None and bool(scope.owner.stability.studies)


def _data_blocks(scope, number, ctx: DocContext):
    owner = scope.owner
    tests = {t.id: t for t in owner.specification.tests} if owner.specification else {}
    batches = {b.id: b.number for b in owner.batches}
    out = narrative_blocks(scope.narrative(number), ctx)
    for study in owner.stability.studies:
        points = study.timepoints
        header = [
            [cell(scope.label("test"), vmerge="restart"), cell(scope.label("acceptance_criterion"), vmerge="restart"),
             cell(scope.label("timepoint_months"), span=len(points))],
            [cell("", vmerge="continue"), cell("", vmerge="continue")] + [cell(p) for p in points],
        ]
        order = [t for t in tests if t in study.results]
        rows = [[cell(tests[t].test), cell(tests[t].shelf_life or tests[t].release)]
                + [cell(v) for v in study.results[t]] for t in order]
        title = f"{batches.get(study.batch, study.batch)}, {study_type(scope, study)}, {study.condition}, {study.container}"
        out += [caption(ctx, scope, title, study.id), table(header, rows, [3, 3] + [1] * len(points), ctx.width)]
    return out


STABILITY_KINDS = {
    "stability-summary": LeafKind(_present, _summary_blocks, lambda n: "add `stability` to this record"),
    "stability-data": LeafKind(_data_present, _data_blocks, lambda n: "add `stability.studies` to this record"),
}
