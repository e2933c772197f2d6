"""Manufacture as biologics and ATMPs state it: materials and banks (3.2.S.2.3), unit operations with
their parameters, in-process controls and hold times (3.2.S.2.2, 3.2.P.3.3), shipping (3.2.S.2.5,
3.2.P.3.5), storage and handling (with the stability summary, 3.2.S.7.1, 3.2.P.8.1) and facilities
(3.2.A.1).

Each table appears only when its records are given, so a product that states none of them (a small
molecule) gets exactly the documents it got before these records existed.
"""
from __future__ import annotations

from ..ooxml.blocks import Run, paragraph
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, parenthesised, simple_table

DASH = "–"
_MATERIAL_LISTS = ("materials", "cell_banks", "starting_materials", "critical_reagents")


def _lines(*parts: str) -> str:
    """Cell text of several lines, leaving out the parts not given."""
    return "\n".join(p for p in parts if p)


# ---------------------------------------------------------------- 3.2.S.2.3 control of materials

def _materials_present(scope, number):
    return any(getattr(scope.owner, name, ()) for name in _MATERIAL_LISTS) or bool(scope.narrative(number))


def _materials_blocks(scope, number, ctx: DocContext):
    owner = scope.owner
    out = narrative_blocks(scope.narrative(number), ctx)
    if owner.materials:
        rows = [[cell(m.name), cell(m.step), cell(m.grade)] for m in owner.materials]
        out += [caption(ctx, scope, scope.label("materials"), "materials"),
                simple_table(ctx, labelled(scope, "material", "step", "grade"), rows, [3, 3, 3])]
    return out + _bank_blocks(scope, ctx) + _starting_material_blocks(scope, ctx)


def _bank_blocks(scope, ctx: DocContext) -> list:
    banks = getattr(scope.owner, "cell_banks", ())
    if not banks:
        return []
    names = {b.id: b.name for b in banks}
    rows = [[cell(_lines(b.name, b.lot and f"{scope.label('lot')}{scope.label('separator')}{b.lot}")),
             cell(scope.label(f"bank_{b.type}")),
             cell(_lines(b.cell_line, b.origin, b.derived_from and
                         f"{scope.label('derived_from')}{scope.label('separator')}{names[b.derived_from]}")),
             cell(b.passage or DASH), cell(b.date or DASH), cell(b.storage or DASH)] for b in banks]
    columns = labelled(scope, "bank", "bank_type", "cell_line", "passage", "bank_date", "bank_storage")
    out = [caption(ctx, scope, scope.label("cell_banks"), "cell-banks"),
           simple_table(ctx, columns, rows, [3, 2, 4, 2, 2, 3])]
    for bank in (b for b in banks if b.tests):
        rows = [[cell(t.test), cell(t.method), cell(t.result)] for t in bank.tests]
        out += [caption(ctx, scope, scope.label("bank_testing", bank=bank.name), bank.id),
                simple_table(ctx, labelled(scope, "test", "method", "reported_result"), rows, [3, 4, 3])]
    return out


def _starting_material_blocks(scope, ctx: DocContext) -> list:
    """One table per kind of starting material (plasmids, virus seeds, others), then the critical reagents."""
    owner = scope.owner
    banks = {b.id: b.name for b in getattr(owner, "cell_banks", ())}
    out = []
    for kind in ("plasmid", "virus-seed", "other"):
        materials = [m for m in getattr(owner, "starting_materials", ()) if m.type == kind]
        if materials:
            key = kind.replace("-", "_")
            out += _sourced_table(scope, ctx, scope.label(f"starting_materials_{key}"), f"starting-materials-{kind}",
                                  materials, banks)
    reagents = getattr(owner, "critical_reagents", ())
    if reagents:
        out += _sourced_table(scope, ctx, scope.label("critical_reagents"), "critical-reagents", reagents, banks)
    return out


def _sourced_table(scope, ctx: DocContext, title: str, key: str, materials, banks: dict) -> list:
    bank = scope.label("bank_of_material") + scope.label("separator")
    rows = [[cell(m.name), cell(_lines(m.function, m.step)),
             cell(_lines(m.source, getattr(m, "bank", "") and f"{bank}{banks[m.bank]}")),
             cell(m.grade), cell(_lines(m.origin, m.risk) or DASH)] for m in materials]
    columns = labelled(scope, "material", "use_in_process", "supplier", "grade", "biological_origin")
    return [caption(ctx, scope, title, key), simple_table(ctx, columns, rows, [3, 3, 3, 3, 3])]


# ---------------------------------------------------------------- 3.2.S.2.2 / 3.2.P.3.3 process

def _process_present(scope, number):
    return bool(scope.owner.process)


def _process_blocks(scope, number, ctx: DocContext):
    out = narrative_blocks(scope.narrative(number), ctx)
    for index, step in enumerate(scope.owner.process, 1):
        title = scope.label("step_title", step=scope.label("step"), index=str(index), name=step.name)
        out.append(paragraph([Run(title)], "Heading2"))
        out += narrative_blocks(step.description, ctx)
        out += _parameter_blocks(scope, step, ctx) + _control_blocks(scope, step, ctx) + _hold_blocks(scope, step, ctx)
    return out


def _parameter_blocks(scope, step, ctx: DocContext) -> list:
    if not step.parameters:
        return []
    rows = [[cell(f"{p.name}{parenthesised(scope, p.unit)}" if p.unit else p.name), cell(p.target or DASH),
             cell(p.range or DASH),
             cell(scope.label(f"criticality_{p.criticality.replace('-', '_')}"))] for p in step.parameters]
    columns = labelled(scope, "parameter", "set_point", "range", "criticality")
    title = f"{scope.label('process_parameters')}{scope.label('separator')}{step.name}"
    return [caption(ctx, scope, title, f"{step.id}-parameters"), simple_table(ctx, columns, rows, [4, 2, 3, 2])]


def _control_blocks(scope, step, ctx: DocContext) -> list:
    """The in-process controls; an action-limit column and a use-of-result column only where a control has them."""
    controls = step.controls
    if not controls:
        return []
    action = any(c.action_limit for c in controls)
    information = any(c.for_information == "true" for c in controls)
    columns, weights = ["control", "acceptance_criterion"], [3, 4]
    if action:
        columns, weights = columns + ["action_limit"], weights + [3]
    if information:
        columns, weights = columns + ["ipc_use"], weights + [2]
    rows = []
    for c in controls:
        row = [cell(c.control), cell(c.criterion)]
        if action:
            row.append(cell(c.action_limit or DASH))
        if information:
            row.append(cell(scope.label("ipc_information" if c.for_information == "true" else "ipc_acceptance")))
        rows.append(row)
    return [caption(ctx, scope, f"{scope.label('in_process_controls')}{scope.label('separator')}{step.name}", step.id),
            simple_table(ctx, labelled(scope, *columns), rows, weights)]


def _hold_blocks(scope, step, ctx: DocContext) -> list:
    if not step.hold_times:
        return []
    rows = [[cell(h.material), cell(h.maximum), cell(h.condition)] for h in step.hold_times]
    title = f"{scope.label('hold_times')}{scope.label('separator')}{step.name}"
    columns = labelled(scope, "held_material", "maximum_time", "hold_condition")
    return [caption(ctx, scope, title, f"{step.id}-hold-times"), simple_table(ctx, columns, rows, [4, 2, 4])]


# ---------------------------------------------------------------- 3.2.S.2.5 / 3.2.P.3.5 shipping

def _shipping(scope) -> tuple:
    handling = getattr(scope.owner, "handling", None)
    return handling.shipping if handling is not None else ()


def _validation_present(scope, number):
    return bool(scope.narrative(number)) or bool(_shipping(scope))


def _validation_blocks(scope, number, ctx: DocContext):
    out = narrative_blocks(scope.narrative(number), ctx)
    shipping = _shipping(scope)
    if shipping:
        rows = [[cell(s.route or DASH), cell(s.condition), cell(s.shipper), cell(s.maximum),
                 cell(s.qualification or DASH)] for s in shipping]
        columns = labelled(scope, "shipping_route", "shipping_condition", "shipper", "maximum_duration", "qualification")
        out += [caption(ctx, scope, scope.label("shipping_title"), "shipping"),
                simple_table(ctx, columns, rows, [3, 3, 4, 2, 3])]
    return out


# ---------------------------------------------------------------- 3.2.S.7.1 / 3.2.P.8.1 storage and handling

def handling_blocks(scope, ctx: DocContext) -> list:
    """Storage, shipping and thaw/in-use handling in one table, under the stability summary's storage
    statement: the periods they allow are conclusions of the stability data."""
    owner = scope.owner
    handling = getattr(owner, "handling", None)
    if handling is None or not (handling.storage or handling.shipping or handling.in_use):
        return []
    sep, rows = scope.label("separator"), []
    if handling.storage:
        period = owner.stability.period if owner.stability is not None else DASH
        rows.append([cell(scope.label("storage")), cell(handling.storage), cell(period)])
    for s in handling.shipping:
        stage = scope.label("handling_shipping") + (f"{sep}{s.route}" if s.route else "")
        rows.append([cell(stage), cell(_lines(s.condition, s.shipper)), cell(s.maximum)])
    for step in handling.in_use:
        rows.append([cell(step.step), cell(_lines(step.condition, step.note)), cell(step.maximum or DASH)])
    columns = labelled(scope, "handling_stage", "handling_condition", "maximum_time")
    return [caption(ctx, scope, scope.label("storage_handling"), "storage-handling"),
            simple_table(ctx, columns, rows, [3, 5, 2])]


# ---------------------------------------------------------------- 3.2.A.1 facilities

def _facility_present(scope, number):
    item = scope.item
    return item is not None and bool(getattr(item, "narrative", None) or getattr(item, "areas", ()))


def _facility_blocks(scope, number, ctx: DocContext):
    facility = scope.item
    out = narrative_blocks(facility.narrative, ctx)
    if facility.site:
        site = next(s for s in scope.content.sites if s.id == facility.site)
        text = scope.label("site") + scope.label("separator") + scope.label("comma").join([site.name, site.address,
                                                                                             site.country])
        out.append(paragraph([Run(text)]))
    if facility.areas:
        rows = [[cell(_lines(a.building, a.room)), cell(a.activities), cell(a.classification),
                 cell(_multi_product(scope, a)), cell(a.segregation or DASH)] for a in facility.areas]
        columns = labelled(scope, "building_room", "activities", "classification", "multi_product", "segregation")
        out += [caption(ctx, scope, scope.label("facility_areas"), f"{facility.id}-areas"),
                simple_table(ctx, columns, rows, [3, 3, 3, 2, 3])]
    return out


def _multi_product(scope, area) -> str:
    said = {"true": scope.label("multi_product_yes"), "false": scope.label("multi_product_no")}
    return _lines(said.get(area.multi_product, ""), area.products) or DASH


MANUFACTURE_KINDS = {
    "materials": LeafKind(_materials_present, _materials_blocks,
                          lambda n: "add `materials`, `cell_banks`, `starting_materials` or `critical_reagents`"),
    "process": LeafKind(_process_present, _process_blocks, lambda n: "add `process` steps to this record"),
    "process-validation": LeafKind(_validation_present, _validation_blocks,
                                   lambda n: f"add a narrative for '{n}' or `handling.shipping` to this record"),
    "facility": LeafKind(_facility_present, _facility_blocks, lambda n: "add a facility to `appendices.facilities`"),
}
