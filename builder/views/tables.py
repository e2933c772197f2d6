"""Leaves built around data tables: specifications, batch analyses, composition, stability."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..ooxml.blocks import Run, paragraph, table
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, simple_table


def standard(scope, text: str) -> str:
    """`compendial` means the region's pharmacopoeia (USP–NF, Ph. Eur., ChP); anything else is as typed."""
    return scope.profile.compendium if text.strip().lower() == "compendial" else text


def spec_table(scope, spec, ctx: DocContext):
    tests = spec.tests
    split = any(t.shelf_life and t.shelf_life != t.release for t in tests)
    title = f"{scope.label('specification')}: {spec.name} ({scope.label('version')} {spec.version})"
    if not split:
        rows = [[cell(t.test), cell(t.procedure), cell(t.release)] for t in tests]
        header = [[cell(h) for h in labelled(scope, "test", "procedure", "acceptance_criterion")]]
        return [caption(ctx, scope, title), table(header, rows, [3, 3, 4], ctx.width)]
    header = [
        [cell(scope.label("test"), vmerge="restart"), cell(scope.label("procedure"), vmerge="restart"),
         cell(scope.label("acceptance_criteria"), span=2)],
        [cell("", vmerge="continue"), cell("", vmerge="continue"),
         cell(scope.label("release")), cell(scope.label("shelf_life"))],
    ]
    rows = [[cell(t.test), cell(t.procedure), cell(t.release), cell(t.shelf_life or t.release)] for t in tests]
    return [caption(ctx, scope, title), table(header, rows, [3, 3, 3, 3], ctx.width)]


def _spec_present(scope, number):
    return scope.owner.specification is not None


def _spec_blocks(scope, number, ctx):
    return narrative_blocks(scope.narrative(number), ctx) + spec_table(scope, scope.owner.specification, ctx)


def _excipient_spec_blocks(scope, number, ctx):
    excipient = scope.excipient
    out = narrative_blocks(scope.narrative(number), ctx)
    if excipient.specification is not None:
        return out + spec_table(scope, excipient.specification, ctx)
    statement = scope.label("compendial_statement").replace("{compendium}", standard(scope, excipient.standard))
    return out + [paragraph([Run(statement.replace("{name}", excipient.name))])]


def _batches_present(scope, number):
    return bool(scope.owner.batches) and scope.owner.specification is not None


def _batch_blocks(scope, number, ctx):
    owner = scope.owner
    sites = {s.id: s.name for s in scope.content.sites}
    batches = owner.batches
    header = [[cell(scope.label("test")), cell(scope.label("acceptance_criterion"))] + [cell(b.number) for b in batches]]
    info = [("batch_size", lambda b: b.size), ("scale", lambda b: b.scale), ("manufactured", lambda b: b.manufactured),
            ("site", lambda b: sites.get(b.site, b.site)), ("use", lambda b: b.use)]
    rows = [[cell(scope.label(key), span=2)] + [cell(get(b)) for b in batches] for key, get in info]
    rows += [[cell(t.test), cell(t.release)] + [cell(b.results[t.id]) for b in batches] for t in owner.specification.tests]
    weights = [3, 3] + [2] * len(batches)
    return narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("batch_analyses")), table(header, rows, weights, ctx.width)]


def _decimal_places(texts) -> int:
    return max((len(t.split(".")[1]) if "." in t else 0) for t in texts)


def _composition_present(scope, number):
    return bool(scope.product and scope.product.composition)


def _composition_blocks(scope, number, ctx):
    product = scope.product
    strengths = product.strengths
    columns = labelled(scope, "component", "function", "quality_standard")
    columns += [f"{s.label} ({scope.label('mg_per_unit')})" for s in strengths]
    rows = [[cell(c.component), cell(c.function), cell(standard(scope, c.standard))]
            + [cell(c.quantities[s.id]) for s in strengths] for c in product.composition]
    totals = []
    for s in strengths:
        values = [c.quantities[s.id] for c in product.composition]
        places = _decimal_places(values)
        totals.append(cell(f"{sum(Decimal(v) for v in values):.{places}f}"))
    rows.append([cell(scope.label("total"), span=3)] + totals)
    return narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("composition")),
        simple_table(ctx, columns, rows, [4, 3, 3] + [2] * len(strengths))]


def _formula_present(scope, number):
    return bool(scope.product and scope.product.batch_formula)


def _formula_blocks(scope, number, ctx):
    product = scope.product
    out = narrative_blocks(scope.narrative(number), ctx)
    strengths = {s.id: s for s in product.strengths}
    for size in product.batch_formula:
        strength = strengths[size.strength]
        rows = []
        for c in product.composition:
            per_batch = Decimal(c.quantities[strength.id]) * int(size.units) / Decimal(1_000_000)
            rows.append([cell(c.component), cell(standard(scope, c.standard)), cell(c.quantities[strength.id]),
                         cell(str(per_batch.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)))])
        title = f"{scope.label('batch_formula')}: {strength.label}, {size.label} ({size.units} {scope.label('units')})"
        out += [caption(ctx, scope, title),
                simple_table(ctx, labelled(scope, "component", "quality_standard", "mg_per_unit", "kg_per_batch"),
                             rows, [4, 3, 2, 2])]
    return out


def _stability_present(scope, number):
    return scope.owner.stability is not None


def _summary_blocks(scope, number, ctx):
    stability = scope.owner.stability
    batches = {b.id: b.number for b in scope.owner.batches}
    rows = [[cell(batches.get(s.batch, s.batch)), cell(study_type(scope, s)), cell(s.condition), cell(s.container),
             cell(f"{s.timepoints[0]}–{s.timepoints[-1]}")] for s in stability.studies]
    columns = labelled(scope, "batch", "study_type", "condition", "container", "timepoints")
    statement = f"{scope.label(stability.period_label)}: {stability.period}. {scope.label('storage')}: {stability.storage}"
    return narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("stability_studies")),
        simple_table(ctx, columns, rows, [2, 2, 4, 3, 2]),
        paragraph([Run(statement, bold=True)]),
    ]


def study_type(scope, study) -> str:
    """The study type in the region's words (long-term → 长期试验)."""
    return scope.label(study.type.replace("-", "_"))


def _data_present(scope, number):
    return scope.owner.stability is not None and bool(scope.owner.stability.studies)


def _data_blocks(scope, number, ctx):
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
        out += [caption(ctx, scope, title), table(header, rows, [3, 3] + [1] * len(points), ctx.width)]
    return out


TABLE_KINDS = {
    "specification": LeafKind(_spec_present, _spec_blocks, lambda n: "add a `specification` to this record"),
    "excipient-specification": LeafKind(lambda s, n: s.excipient is not None, _excipient_spec_blocks, lambda n: ""),
    "batch-analyses": LeafKind(_batches_present, _batch_blocks, lambda n: "add `batches` (and a `specification`)"),
    "composition": LeafKind(_composition_present, _composition_blocks, lambda n: "add `composition` to the product"),
    "batch-formula": LeafKind(_formula_present, _formula_blocks, lambda n: "add `batch_formula` to the product"),
    "stability-summary": LeafKind(_stability_present, _summary_blocks, lambda n: "add `stability` to this record"),
    "stability-data": LeafKind(_data_present, _data_blocks, lambda n: "add `stability.studies` to this record"),
}
