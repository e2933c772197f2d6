"""3.2.P.1 and 3.2.P.3.2 for products filled by volume (kinds `composition-per-volume` and
`batch-formula-per-volume`, chosen by a modality profile's `leaves`): an AAV frozen suspension in
vials, cells in a bag, an mRNA-LNP dispersion. Each strength is a fill volume; each row is shown per
mL and per container, one of them as typed and the other computed (`cmc/volumes.py`); lipids may
state their molar ratio. No % w/w column (a vector genome or a cell is no mass), and batch
quantities read in g or kg, mL or L and powers of ten, never "0.000 kg"."""
from __future__ import annotations

from ..cmc.volumes import ML, fill_ml, read_row, show
from ..ooxml.blocks import Run, paragraph, table
from .base import DocContext, LeafKind, caption, cell, formula_caption, labelled, narrative_blocks, simple_table
from .tables import component_standard


def _fill(scope, strength):
    return fill_ml(strength.unit_weight, scope.reading.units, scope.reading.quantity)


def _fill_digits(scope, strength) -> int:
    return scope.reading.quantity(strength.unit_weight).number.digits


def _qs_to(scope, value, digits: int) -> str:
    return scope.label("qs_to", quantity=show(value, ML, digits, scope.reading.units))


def _columns(scope, component, strength) -> tuple[str, str]:
    """(per mL, per container) for one row and strength: one as typed, the other computed."""
    fill = _fill(scope, strength)
    amount = read_row(component.quantities[strength.id], fill, scope.reading.units)
    units = scope.reading.units
    if amount.kind == "qs":
        return scope.label("qs"), scope.label("qs")
    if amount.kind == "qs-to":  # typed per mL (`q.s. to 1 mL`) or per container (`q.s. to 5.0 mL`)
        if amount.per_container is None:  # `q.s. to 250 mg`: not a volume (F4403)
            return scope.label("qs"), amount.text
        to = amount.per_container[0]
        per_container = _qs_to(scope, fill, _fill_digits(scope, strength)) if to == 1 and fill else \
            _qs_to(scope, to, amount.digits)
        return _qs_to(scope, 1, 1), per_container
    if amount.kind == "fraction":
        return amount.text, amount.text
    if amount.kind == "concentration":
        container = show(*amount.per_container, amount.digits, units) if amount.per_container else "–"
        return amount.text, container
    if amount.kind == "content":
        per_ml = show(*amount.per_ml, amount.digits, units, "/mL") if amount.per_ml else "–"
        return per_ml, amount.text
    return amount.text, "–"


def _present(scope, number_):
    return bool(scope.product and scope.product.composition)


def _blocks(scope, number_, ctx: DocContext):
    product = scope.product
    strengths = product.strengths
    molar = any(c.molar_ratio for c in product.composition)
    fixed = labelled(scope, "component", "function", "quality_standard") + (labelled(scope, "molar_ratio") if molar else [])
    header = [
        [cell(h, vmerge="restart") for h in fixed] + [cell(s.label, span=2) for s in strengths],
        [cell("", vmerge="continue")] * len(fixed)
        + [cell(t) for s in strengths for t in (scope.label("concentration"),
                                               scope.label("per_container", fill=s.unit_weight))],
    ]
    rows = []
    for c in product.composition:
        standard = "" if c.subtotal == "true" else component_standard(scope, c, ctx)
        values = [cell(text) for s in strengths for text in _columns(scope, c, s)]
        rows.append([cell(c.component), cell(c.function or ""), cell(standard)]
                    + ([cell(c.molar_ratio or "")] if molar else []) + values)
    rows.append([cell(scope.label("total"), span=len(fixed))]
                + [cell(t) for s in strengths for t in ("1 mL" if _fill(scope, s) else "–", s.unit_weight)])
    weights = [4, 3, 3] + ([2] if molar else []) + [2, 2] * len(strengths)
    out = narrative_blocks(scope.narrative(number_), ctx) + [
        caption(ctx, scope, scope.label("composition"), "composition"), table(header, rows, weights, ctx.width)]
    notes = [f"{scope.label('overage')}{scope.label('separator')}{c.component}{scope.label('separator')}{c.overage}"
             for c in product.composition if c.overage]
    notes += [scope.label("removed_note", name=c.component) for c in product.composition if c.removed == "true"]
    return out + [paragraph([Run(n)], "Note") for n in notes]


def _formula_present(scope, number_):
    return bool(scope.product and scope.product.batch_formula)


def _per_batch(scope, component, strength, containers: int) -> str:
    fill = _fill(scope, strength)
    amount = read_row(component.quantities[strength.id], fill, scope.reading.units)
    if amount.kind == "qs":
        return scope.label("qs")
    if amount.kind == "qs-to":
        return _qs_to(scope, fill * containers, _fill_digits(scope, strength)) if fill and amount.per_container else "–"
    if amount.kind == "fraction":
        return amount.text
    if amount.per_container is None:
        return "–"
    value, unit = amount.per_container
    return show(value * containers, unit, amount.digits, scope.reading.units)


def _formula_blocks(scope, number_, ctx: DocContext):
    product = scope.product
    out = narrative_blocks(scope.narrative(number_), ctx)
    strengths = {s.id: s for s in product.strengths}
    for size in product.batch_formula:
        strength, containers = strengths[size.strength], int(size.units)
        fill = _fill(scope, strength)
        volume = show(fill * containers, ML, _fill_digits(scope, strength), scope.reading.units) if fill else "–"
        rows = [[cell(c.component), cell(component_standard(scope, c, ctx)), cell(_columns(scope, c, strength)[1]),
                 cell(_per_batch(scope, c, strength, containers))]
                for c in product.composition if c.subtotal != "true"]
        title = formula_caption(scope, strength.label, size, scope.label("batch_containers", units=size.units, volume=volume))
        columns = labelled(scope, "component", "quality_standard") + [
            scope.label("per_container", fill=strength.unit_weight), scope.label("quantity_per_batch")]
        out += [caption(ctx, scope, title, size.id), simple_table(ctx, columns, rows, [4, 3, 2, 2])]
    return out


VOLUME_KINDS = {
    "composition-per-volume": LeafKind(_present, _blocks, lambda n: "add `composition` to the product"),
    "batch-formula-per-volume": LeafKind(_formula_present, _formula_blocks, lambda n: "add `batch_formula` to the product"),
}
