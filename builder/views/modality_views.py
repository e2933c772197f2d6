"""Leaf kinds that modality profiles select (`leaves:` → `kind:`): a base kind, then what the modality adds.

- `composition-and-dose` and `composition-per-volume-and-dose` (3.2.P.1): the composition (per unit, or
  per mL and per container), then the lipid nanoparticle (each lipid's role, molar ratio and molar mass,
  the N/P ratio), the labelled dose and the containers a dose is drawn from;
- `process-and-custody` (3.2.P.3.3): the process, then the chain of identity and custody: the events
  every lot records (from the profile), the time limits, and each lot's chain (modalities.md §4 places
  CoI/CoC controls in 3.2.S.2.2 / 3.2.P.3.3);
- `specification-and-release` (3.2.P.5.1): the specification, then how a lot is released when some
  results follow release (which tests, when, and the follow-up), stated per region;
- `batch-analyses-and-lots` (3.2.S.4.4 / 3.2.P.5.4): the batch analyses, then each lot's drug-load
  distribution with its sum and implied average DAR, and each lot's dose per kg of its patient.

The base kinds are looked up in the registry when a leaf is built, so changes to them (or a move to
another module) flow through unchanged.
"""
from __future__ import annotations

from decimal import Decimal

from ..cmc.attributes import tests_of
from ..cmc.dose_checks import DOSE
from ..cmc.numbers import Unreadable
from ..cmc.results import read
from ..cmc.spans import per_mass, read_span, show, value_in
from ..ooxml.blocks import Run, paragraph
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, parenthesised, simple_table


def _base(name: str) -> LeafKind:
    """The base kind as the registry holds it when a leaf is built (whichever module defines it)."""
    from . import KINDS

    return KINDS[name]


def _extended(name: str, has_more, more, hint: str) -> LeafKind:
    """Kind `name`, followed by `more` blocks where the owner states them."""

    def present(scope, number):
        return _base(name).present(scope, number) or has_more(scope)

    def blocks(scope, number, ctx: DocContext):
        kind = _base(name)
        out = kind.blocks(scope, number, ctx) if kind.present(scope, number) else \
            narrative_blocks(scope.narrative(number), ctx)
        return out + (more(scope, ctx) if has_more(scope) else [])

    return LeafKind(present, blocks, lambda n: _base(name).hint(n) + hint)


def _heading(scope, key: str) -> list:
    return [paragraph([Run(scope.label(key))], "Heading2")]


# -- 3.2.P.1: lipids and dose ---------------------------------------------------------------------
def _formulation_present(scope) -> bool:
    product = scope.product
    return product is not None and (product.lnp is not None or product.dosing is not None)


def _formulation_blocks(scope, ctx: DocContext) -> list:
    product = scope.product
    return (_lnp_blocks(scope, product, ctx) if product.lnp is not None else []) + \
        (_dosing_blocks(scope, product, ctx) if product.dosing is not None else [])


def _lnp_blocks(scope, product, ctx) -> list:
    """Each lipid with its role, molar ratio (from its composition row) and molar mass, and the N/P ratio."""
    lnp, rows_by_id = product.lnp, {c.id: c for c in product.composition}
    with_mass = any(lipid.molar_mass for lipid in lnp.lipids)
    rows = [[cell(rows_by_id[l.id].component), cell(scope.label("role_" + l.role.replace("-", "_"))),
             cell(rows_by_id[l.id].molar_ratio or "–")] + ([cell(l.molar_mass or "–")] if with_mass else [])
            for l in lnp.lipids]
    shares = [rows_by_id[l.id].molar_ratio for l in lnp.lipids]
    if all(shares):
        stated = sum((scope.reading.quantity(t).value for t in shares), Decimal(0))
        rows.append([cell(scope.label("total"), span=2), cell(f"{stated:f}")] + ([cell("")] if with_mass else []))
    columns = labelled(scope, "lnp_lipid", "lipid_role", "molar_ratio") + \
        (labelled(scope, "molar_mass") if with_mass else [])
    out = narrative_blocks(lnp.description, ctx) + [
        caption(ctx, scope, scope.label("lnp_composition"), "lipids"),
        simple_table(ctx, columns, rows, [4, 3, 2] + ([2] if with_mass else []))]
    if lnp.np_ratio:
        out.append(paragraph([Run(f"{scope.label('np_ratio')}{scope.label('separator')}{lnp.np_ratio}")]))
    return out


def _dosing_blocks(scope, product, ctx) -> list:
    dosing = product.dosing
    facts = [("dose_route", dosing.route), ("labelled_dose", dosing.dose), ("body_weight", dosing.body_weight),
             ("weight_basis", dosing.weight_basis), ("max_dose", dosing.max_dose)]
    rows = [[cell(scope.label(key)), cell(value)] for key, value in facts if value]
    out = [caption(ctx, scope, scope.label("dosing"), "dosing"),
           simple_table(ctx, labelled(scope, "attribute", "value"), rows, [2, 5])]
    if dosing.presentations:
        strengths = {s.id: s for s in product.strengths}
        rows = [[cell(strengths[p.strength].label), cell(p.concentration or "–"),
                 cell(p.volume or strengths[p.strength].unit_weight), cell(p.content), cell(p.max_containers or "–")]
                for p in dosing.presentations]
        columns = labelled(scope, "dose_container", "nominal_concentration", "extractable_volume",
                           "content_per_container", "max_containers")
        out += [caption(ctx, scope, scope.label("presentations"), "presentations"),
                simple_table(ctx, columns, rows, [3, 3, 2, 3, 2])]
    return out + narrative_blocks(dosing.statement, ctx)


# -- 3.2.P.3.3: chain of identity and custody -----------------------------------------------------------
def _custody_present(scope) -> bool:
    product = scope.product
    return product is not None and (product.custody is not None or any(b.chain_of_identity for b in product.batches))


def _event_labels(scope) -> dict:
    design = scope.modality.custody if scope.modality is not None else None
    return {e.id: e.label for e in design.events} if design is not None else {}


def _custody_blocks(scope, ctx: DocContext) -> list:
    product, labels = scope.product, _event_labels(scope)
    out = _heading(scope, "custody")
    if "custody_statement" in scope.profile.labels:  # a modality's own sentence, where it has one
        out.append(paragraph([Run(scope.label("custody_statement"))]))
    if product.custody is not None:
        out.append(paragraph([Run(f"{scope.label('custody_identifier')}{scope.label('separator')}"
                                  f"{product.custody.identifier}")]))
        out += narrative_blocks(product.custody.description, ctx)
    out += _design_table(scope, ctx)
    if product.custody is not None and product.custody.limits:
        rows = [[cell(labels.get(l.start, l.start)), cell(labels.get(l.end, l.end)), cell(l.within)]
                for l in product.custody.limits]
        out += [caption(ctx, scope, scope.label("custody_limits"), "custody-limits"),
                simple_table(ctx, labelled(scope, "from_event", "to_event", "time_limit"), rows, [3, 3, 2])]
    for batch in (b for b in product.batches if b.chain_of_identity is not None):
        out += _lot_chain(scope, batch, labels, ctx)
    return out


def _design_table(scope, ctx) -> list:
    design = scope.modality.custody if scope.modality is not None else None
    if design is None:
        return []
    yes_no = {"true": scope.label("handover_yes")}
    rows = [[cell(e.label), cell(yes_no.get(e.handover, scope.label("handover_no"))),
             cell(scope.label("custody_patient_lots" if e.patient == "true" else "custody_all_lots"))]
            for e in design.events]
    return [caption(ctx, scope, scope.label("custody_events"), "custody-events"),
            simple_table(ctx, labelled(scope, "custody_event", "handover", "recorded_on"), rows, [4, 2, 3])]


def _lot_chain(scope, batch, labels: dict, ctx) -> list:
    chain = batch.chain_of_identity
    rows = [[cell(labels.get(e.id, e.id)), cell(e.identifier or "–"), cell(e.time or "–"), cell(e.by or "–"),
             cell(e.to or "–")] for e in chain.events]
    title = scope.label("lot_chain", lot=batch.number, coi=chain.coi)
    if chain.patient:
        title += parenthesised(scope, f"{scope.label('chain_patient')}{scope.label('separator')}{chain.patient}")
    return [caption(ctx, scope, title, f"chain-{batch.id}"),
            simple_table(ctx, labelled(scope, "custody_event", "event_identifier", "event_time", "given_by",
                                       "received_by"), rows, [3, 3, 3, 3, 3])]


# -- 3.2.P.5.1: release strategy ---------------------------------------------------------------------------
def _release_present(scope) -> bool:
    return scope.product is not None and scope.product.release_strategy is not None


def _release_blocks(scope, ctx: DocContext) -> list:
    strategy = scope.product.release_strategy
    out = _heading(scope, "release_strategy") + narrative_blocks(strategy.statement, ctx)
    if strategy.certified_by:
        out.append(paragraph([Run(f"{scope.label('certified_by')}{scope.label('separator')}{strategy.certified_by}")]))
    if strategy.pending:
        tests = {t.id: t.test for t in scope.product.specification.tests} if scope.product.specification else {}
        rows = [[cell(tests.get(p.id, p.id)), cell(p.available), cell(p.action)] for p in strategy.pending]
        out += [caption(ctx, scope, scope.label("pending_tests"), "pending-tests"),
                simple_table(ctx, labelled(scope, "test", "result_available", "follow_up"), rows, [3, 2, 5])]
    return out


# -- 3.2.S.4.4 / 3.2.P.5.4: drug load and dose of each lot -------------------------------------------------
def _lots_present(scope) -> bool:
    owner = scope.owner
    return owner is not None and (any(b.drug_load for b in owner.batches) or _dose_rows(scope) is not None)


def _lots_blocks(scope, ctx: DocContext) -> list:
    out = []
    if any(b.drug_load for b in scope.owner.batches):
        out += _drug_load_table(scope, ctx)
    rows = _dose_rows(scope)
    if rows:
        title = scope.label("lot_doses") + parenthesised(
            scope, f"{scope.label('labelled_dose')}{scope.label('separator')}{scope.product.dosing.dose}")
        out += [caption(ctx, scope, title, "lot-doses"),
                simple_table(ctx, labelled(scope, "lot", "body_weight", "lot_dose", "dose_per_kg"), rows, [3, 2, 4, 4])]
    return out


def _drug_load_table(scope, ctx) -> list:
    batches = [b for b in scope.owner.batches if b.drug_load]
    loads = sorted({int(n) for b in batches for n in b.drug_load})
    quantity = scope.reading.quantity
    rows = [[cell(scope.label("dar_species", n=str(n)))] + [cell(b.drug_load.get(str(n), "–")) for b in batches]
            for n in loads]
    sums, averages = [], []
    for b in batches:
        values = {int(n): quantity(t).value for n, t in b.drug_load.items()}
        places = max(-quantity(t).number.quantum.adjusted() for t in b.drug_load.values())
        sums.append(cell(f"{sum(values.values(), Decimal(0)):.{max(places, 0)}f}"))
        averages.append(cell(f"{sum((n * v for n, v in values.items()), Decimal(0)) / 100:.2f}"))
    rows += [[cell(scope.label("total"))] + sums, [cell(scope.label("average_dar_calculated"))] + averages]
    header = [scope.label("drug_load")] + [b.number for b in batches]
    return [caption(ctx, scope, scope.label("drug_load"), "drug-load"),
            simple_table(ctx, header, rows, [4] + [2] * len(batches))]


def _dose_rows(scope):
    """One row per lot: weight, dose as reported, dose per kg computed (per-kg doses only)."""
    product = scope.product
    if product is None or product.dosing is None or scope.reading is None:
        return None
    tests = tests_of(product.specification, scope.modality, DOSE)
    try:
        dose = read_span(product.dosing.dose, scope.reading)
    except Unreadable:
        return None
    if not tests or not per_mass(dose.unit, scope.reading.units):
        return None
    rows = []
    for batch in product.batches:
        text = batch.results.get(tests[0].id, "")
        weight = batch.chain_of_identity.body_weight if batch.chain_of_identity else ""
        rows.append([cell(batch.number), cell(weight or "–"), cell(text), cell(_per_kg(scope, text, weight, dose))])
    return rows


def _per_kg(scope, text: str, weight: str, dose) -> str:
    units = scope.reading.units
    try:
        result = read(text, scope.reading.vocab, units, scope.reading.style)
    except Unreadable:
        return "–"
    if result.kind != "value":
        return "–"
    direct = value_in(result.quantity, dose.unit, units)
    if direct is not None:
        return show(direct, units.show(dose.unit))
    if not weight:
        return "–"
    body = scope.reading.quantity(weight)
    total = value_in(result.quantity, f"({dose.unit}) * ({body.frame()[0]})", units)
    return show(total / body.value, units.show(dose.unit)) if total is not None else "–"


MODALITY_KINDS = {
    "composition-and-dose": _extended("composition", _formulation_present, _formulation_blocks,
                                      ", or `lnp` / `dosing`"),
    "composition-per-volume-and-dose": _extended("composition-per-volume", _formulation_present,
                                                 _formulation_blocks, ", or `lnp` / `dosing`"),
    "process-and-custody": _extended("process", _custody_present, _custody_blocks,
                                     ", or `custody` and each lot's `chain_of_identity`"),
    "specification-and-release": _extended("specification", _release_present, _release_blocks,
                                           ", and its `release_strategy` where results follow release"),
    "batch-analyses-and-lots": _extended("batch-analyses", _lots_present, _lots_blocks,
                                         ", with `drug_load` or doses per lot"),
}
