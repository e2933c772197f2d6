"""3.2.P.1 composition (mg per unit and % w/w per strength, totals, overages) and 3.2.P.3.2 batch formulae."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..cmc.criteria import number
from ..ooxml.blocks import Run, paragraph, table
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, simple_table
from .tables import component_standard


def _places(texts) -> int:
    return max((len(t.split(".")[1]) if "." in t else 0) for t in texts)


def _percent(quantity: Decimal, weight: Decimal | None) -> str:
    if not weight:
        return "–"
    return str((quantity * 100 / weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _composition_present(scope, number_):
    return bool(scope.product and scope.product.composition)


def _composition_blocks(scope, number_, ctx: DocContext):
    product = scope.product
    strengths = product.strengths
    weights = {s.id: (number(s.unit_weight) or (None,))[0] for s in strengths}
    header = [
        [cell(h, vmerge="restart") for h in labelled(scope, "component", "function", "quality_standard")]
        + [cell(s.label, span=2) for s in strengths],
        [cell("", vmerge="continue")] * 3 + [cell(t) for _ in strengths for t in labelled(scope, "mg_per_unit", "percent_ww")],
    ]
    rows = []
    for c in product.composition:
        values = []
        for s in strengths:
            values += [cell(c.quantities[s.id]), cell(_percent(Decimal(c.quantities[s.id]), weights[s.id]))]
        rows.append([cell(c.component), cell(c.function), cell(component_standard(scope, c, ctx))] + values)
    rows.append([cell(scope.label("total"), span=3)] + [x for s in strengths for x in _total(product, s, weights[s.id])])
    out = narrative_blocks(scope.narrative(number_), ctx) + [
        caption(ctx, scope, scope.label("composition"), "composition"),
        table(header, rows, [4, 3, 3] + [2, 2] * len(strengths), ctx.width)]
    overages = [f"{c.component}: {c.overage}" for c in product.composition if c.overage]
    return out + [paragraph([Run(f"{scope.label('overage')}{scope.label('separator')}{o}")], "Note") for o in overages]


def _total(product, strength, weight):
    values = [c.quantities[strength.id] for c in product.composition]
    total = sum(Decimal(v) for v in values)
    return [cell(f"{total:.{_places(values)}f}"), cell(_percent(total, weight))]


def _formula_present(scope, number_):
    return bool(scope.product and scope.product.batch_formula)


def _formula_blocks(scope, number_, ctx: DocContext):
    product = scope.product
    out = narrative_blocks(scope.narrative(number_), ctx)
    strengths = {s.id: s for s in product.strengths}
    for size in product.batch_formula:
        strength = strengths[size.strength]
        rows = []
        for c in product.composition:
            per_batch = Decimal(c.quantities[strength.id]) * int(size.units) / Decimal(1_000_000)
            rows.append([cell(c.component), cell(component_standard(scope, c, ctx)), cell(c.quantities[strength.id]),
                         cell(str(per_batch.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)))])
        title = f"{scope.label('batch_formula')}: {strength.label}, {size.label} ({size.units} {scope.label('units')})"
        out += [caption(ctx, scope, title, size.id),
                simple_table(ctx, labelled(scope, "component", "quality_standard", "mg_per_unit", "kg_per_batch"),
                             rows, [4, 3, 2, 2])]
    return out


COMPOSITION_KINDS = {
    "composition": LeafKind(_composition_present, _composition_blocks, lambda n: "add `composition` to the product"),
    "batch-formula": LeafKind(_formula_present, _formula_blocks, lambda n: "add `batch_formula` to the product"),
}
