"""3.2.P.1 composition (quantity and % w/w per strength, subtotals, totals, overages) and 3.2.P.3.2 batch
formulae, for every dosage form: mass, volume and count quantities, `q.s.`, `q.s. to 10.0 mL`, and
processing aids removed during manufacture (listed, not counted)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..cmc.amounts import in_unit, is_bare_number, parse_amount, places, total
from ..ooxml.blocks import Run, paragraph, table
from .base import DocContext, LeafKind, caption, cell, formula_caption, labelled, narrative_blocks, simple_table
from .tables import component_standard

PER_BATCH = {"[mass]": ("kilogram", "kg_per_batch"), "[length] ** 3": ("liter", "l_per_batch")}


def _amount(scope, text: str):
    return parse_amount(text, scope.reading.units)


def _in_mg_only(scope, product) -> bool:
    """Bare numbers (mg) or q.s. everywhere: the table keeps its classic `mg per unit` column."""
    return all(is_bare_number(t) or _amount(scope, t).kind == "qs" for c in product.composition
               for t in c.quantities.values())


def _weight_mg(scope, strength) -> Decimal | None:
    return in_unit(scope.reading.quantity(strength.unit_weight), "milligram", scope.reading.units)


def _percent(scope, text: str, weight_mg: Decimal | None) -> str:
    amount = _amount(scope, text)
    value = in_unit(amount.quantity, "milligram", scope.reading.units) if amount.kind == "quantity" else None
    if not weight_mg or value is None:
        return "–"
    return str((value * 100 / weight_mg).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _shown(scope, text: str, mg_only: bool = True) -> str:
    """As typed; q.s. in the region's words; a bare number says `mg` when the column has no unit."""
    if _amount(scope, text).kind == "qs":
        return scope.label("qs")
    return text if mg_only or not is_bare_number(text) else f"{text} mg"


def _composition_present(scope, number_):
    return bool(scope.product and scope.product.composition)


def _composition_blocks(scope, number_, ctx: DocContext):
    product = scope.product
    strengths = product.strengths
    weights = {s.id: _weight_mg(scope, s) for s in strengths}
    mg_only = _in_mg_only(scope, product)
    per_unit = "mg_per_unit" if mg_only else "quantity_per_unit"
    header = [
        [cell(h, vmerge="restart") for h in labelled(scope, "component", "function", "quality_standard")]
        + [cell(s.label, span=2) for s in strengths],
        [cell("", vmerge="continue")] * 3 + [cell(t) for _ in strengths for t in labelled(scope, per_unit, "percent_ww")],
    ]
    rows = []
    for c in product.composition:
        values = []
        for s in strengths:
            values += [cell(_shown(scope, c.quantities[s.id], mg_only)),
                       cell(_percent(scope, c.quantities[s.id], weights[s.id]))]
        standard = "" if c.subtotal == "true" else component_standard(scope, c, ctx)
        rows.append([cell(c.component), cell(c.function or ""), cell(standard)] + values)
    rows.append([cell(scope.label("total"), span=3)] + [x for s in strengths for x in _total(scope, product, s, weights[s.id])])
    out = narrative_blocks(scope.narrative(number_), ctx) + [
        caption(ctx, scope, scope.label("composition"), "composition"),
        table(header, rows, [4, 3, 3] + [2, 2] * len(strengths), ctx.width)]
    notes = [f"{scope.label('overage')}{scope.label('separator')}{c.component}{scope.label('separator')}{c.overage}"
             for c in product.composition if c.overage]
    notes += [scope.label("removed_note", name=c.component) for c in product.composition if c.removed == "true"]
    return out + [paragraph([Run(n)], "Note") for n in notes]


def _counted(product):
    return [c for c in product.composition if c.subtotal != "true" and c.removed != "true"]


def _total(scope, product, strength, weight_mg):
    """The sum of the counted rows; with q.s. the total is the stated unit weight or volume by definition."""
    texts = [c.quantities[strength.id] for c in _counted(product)]
    amounts = [_amount(scope, t) for t in texts]
    if not texts:  # every row removed or a subtotal: nothing to add up, and no zero pretending otherwise
        return [cell("–"), cell("–")]
    if all(is_bare_number(t) for t in texts):
        value = sum(Decimal(t) for t in texts)
        return [cell(f"{value:.{max(places(a.quantity.number) for a in amounts)}f}"), cell(_percent(scope, f"{value}", weight_mg))]
    if all(is_bare_number(t) or a.kind == "qs" for t, a in zip(texts, amounts)):  # q.s. makes up the unit weight
        return [cell(f"{scope.reading.quantity(strength.unit_weight).value}"), cell("100.0" if weight_mg else "–")]
    stated = scope.reading.quantity(strength.unit_weight)
    if any(a.kind != "quantity" for a in amounts):
        return [cell(strength.unit_weight), cell("100.0" if weight_mg else "–")]
    value = total([a.quantity for a in amounts], stated.frame()[0], scope.reading.units)
    if value is None:  # rows of another dimension: F4402 names them; the table cannot add them up
        return [cell("–"), cell("–")]
    shown = f"{value.quantize(stated.number.quantum) if stated.number.quantum < 1 else value.normalize():f}"
    return [cell(f"{shown} {strength.unit_weight.split()[-1]}" if len(strength.unit_weight.split()) > 1 else shown),
            cell(_percent(scope, f"{value} mg", weight_mg) if weight_mg else "–")]


def _formula_present(scope, number_):
    return bool(scope.product and scope.product.batch_formula)


def _per_batch(scope, text: str, units: int) -> tuple[str, str]:
    """The quantity for a batch and the label of its column: kg for masses, L for volumes, as typed for counts."""
    amount = _amount(scope, text)
    if amount.kind == "qs":
        return scope.label("qs"), ""
    quantity = amount.quantity
    dimension = scope.reading.units.dimension(quantity.frame()[0])
    unit, label = PER_BATCH.get(dimension, ("", ""))
    if not unit:
        return f"{(quantity.value * units).normalize():f} {text.split()[-1]}", ""
    value = in_unit(quantity, unit, scope.reading.units) * units
    shown = str(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))
    return (shown if label == "kg_per_batch" or amount.kind == "quantity" else f"{scope.label('qs')} {shown}"), label


def _formula_blocks(scope, number_, ctx: DocContext):
    product = scope.product
    out = narrative_blocks(scope.narrative(number_), ctx)
    strengths = {s.id: s for s in product.strengths}
    mg_only = _in_mg_only(scope, product)
    for size in product.batch_formula:
        strength = strengths[size.strength]
        rows, labels, counted = [], set(), []
        for c in (c for c in product.composition if c.subtotal != "true"):
            text = c.quantities[strength.id]
            per_batch, label = _per_batch(scope, text, int(size.units))
            labels.add(label)
            counted += [(per_batch, label)] if c.removed != "true" else []
            rows.append([cell(c.component), cell(component_standard(scope, c, ctx)), cell(_shown(scope, text, mg_only)),
                         cell(per_batch)])
        batch_label = "kg_per_batch" if labels <= {"kg_per_batch", ""} and mg_only else \
            next(iter(labels - {""})) if len(labels - {""}) == 1 else "quantity_per_batch"
        rows.append([cell(scope.label("total"), span=2), _total(scope, product, strength, _weight_mg(scope, strength))[0],
                     cell(_batch_total(counted))])
        title = formula_caption(scope, strength.label, size, f"({size.units} {scope.label('units')})")
        columns = labelled(scope, "component", "quality_standard", "mg_per_unit" if mg_only else "quantity_per_unit",
                           batch_label)
        out += [caption(ctx, scope, title, size.id), simple_table(ctx, columns, rows, [4, 3, 2, 2])]
    return out


def _batch_total(counted: list[tuple[str, str]]) -> str:
    """The batch's total in kg when every counted row is a mass per batch (q.s. rows make up the unit
    weight, so the total is then not the sum of what is shown); otherwise a dash, never a wrong sum."""
    if not counted or any(label != "kg_per_batch" for _, label in counted):
        return "–"
    try:
        values = [Decimal(shown) for shown, _ in counted]
    except ArithmeticError:
        return "–"
    return str(sum(values))


COMPOSITION_KINDS = {
    "composition": LeafKind(_composition_present, _composition_blocks, lambda n: "add `composition` to the product"),
    "batch-formula": LeafKind(_formula_present, _formula_blocks, lambda n: "add `batch_formula` to the product"),
}
