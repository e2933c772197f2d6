"""3.2.A.2 Adventitious agents safety evaluation: the narrative, then (for biologics and vectors) the
testing of cell banks, seeds and bulk, and the viral clearance table with its overall row computed.

With narrative only, the document is exactly the narrative, as an `appendix-item` leaf renders it.
The clearance table follows the usual layout (modalities.md §3): steps in process order as rows with
their mechanism, model viruses as columns, LRVs as reported, and a last row summing the claimed steps
(never typed; "≥" when any claimed value is a lower bound).
"""
from __future__ import annotations

from ..cmc.clearance import analyse
from ..ooxml.blocks import Cell, Run, paragraph, table
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, parenthesised


def _present(scope, number):
    item = scope.item
    return item is not None and bool(item.narrative or item.tests or item.clearance)


def _blocks(scope, number, ctx: DocContext):
    item = scope.item
    out = narrative_blocks(item.narrative, ctx)
    if item.tests:
        out += _testing(scope, item, ctx)
    if item.clearance is not None:
        out += _clearance(scope, item.clearance, ctx)
    return out


def _testing(scope, item, ctx: DocContext) -> list:
    """Test | method | material tested | criterion | result: one row per test and material."""
    materials = {m.id: m for m in item.materials}
    rows = []
    for test in item.tests:
        for index, (material, result) in enumerate(test.results.items()):
            first = "restart" if len(test.results) > 1 and index == 0 else "continue" if index else ""
            tested = materials[material]
            shown = tested.name + (parenthesised(scope, tested.lot) if tested.lot else "")
            rows.append([cell(test.test if index == 0 else "", vmerge=first), cell(test.method if index == 0 else "",
                         vmerge=first), cell(shown), cell((test.criterion or "–") if index == 0 else "", vmerge=first),
                         cell(result)])
    header = labelled(scope, "test", "procedure", "material_tested", "acceptance_criterion", "result")
    return [caption(ctx, scope, scope.label("agent_testing"), "agent-testing"),
            table([[cell(h) for h in header]], rows, [3, 3, 3, 2, 2], ctx.width)]


def _clearance(scope, clearance, ctx: DocContext) -> list:
    analysis = analyse(clearance, scope.reading, scope.rules.clearance)
    viruses = clearance.viruses
    header = [[cell(scope.label("clearance_step"), vmerge="restart"),
               cell(scope.label("lrv_log10"), span=len(viruses))],
              [cell("", vmerge="continue")] + [cell(_virus_heading(scope, v)) for v in viruses]]
    rows = [[cell(f"{step.name}\n{parenthesised(scope, scope.label('mechanism_' + step.mechanism), False)}")]
            + [_lrv_cell(scope, analysis.cell(step, v)) for v in viruses] for step in clearance.steps]
    overall = [analysis.overall[v.id].value for v in viruses]
    rows.append([_bold(scope.label("clearance_overall"))] + [_bold(o.shown() if o else "–") for o in overall])
    title = scope.label("viral_clearance") + (parenthesised(scope, clearance.study) if clearance.study else "")
    out = [caption(ctx, scope, title, "viral-clearance"),
           table(header, rows, [4] + [2] * len(viruses), ctx.width),
           paragraph([Run(scope.label("clearance_note", minimum=scope.rules.clearance.minimum_claimed_lrv))])]
    return out + _titres(scope, clearance, analysis, ctx)


def _virus_heading(scope, virus) -> str:
    details = [scope.label(virus.envelope.replace("-", "_"))] + [d for d in (virus.genome, virus.size) if d]
    return f"{virus.name}\n{parenthesised(scope, scope.label('list_separator').join(details), False)}"


def _lrv_cell(scope, found) -> Cell:
    if found is None:
        return cell(scope.label("not_tested_short"))
    lines = [found.result.lrv or found.value.shown()]
    if not found.claimed:
        lines.append(parenthesised(scope, scope.label("not_claimed"), False))
    if found.result.note:
        lines.append(found.result.note)
    return cell("\n".join(lines))


def _bold(text: str) -> Cell:
    return Cell((Run(text, bold=True),))


def _titres(scope, clearance, analysis, ctx: DocContext) -> list:
    """Where titres and volumes are stated: the data each LRV is computed from, and the result."""
    measured = [c for c in analysis.cells.values() if c.computed is not None]
    if not measured:
        return []
    order = {s.id: i for i, s in enumerate(clearance.steps)}
    columns = {v.id: i for i, v in enumerate(clearance.viruses)}
    measured.sort(key=lambda c: (order[c.step.id], columns[c.virus.id]))
    rows = [[cell(c.step.name), cell(c.virus.name), cell(c.result.load_volume), cell(c.result.load_titre),
             cell(c.result.output_volume), cell(c.result.output_titre), cell(c.computed.shown())] for c in measured]
    header = labelled(scope, "clearance_step", "model_virus", "load_volume", "load_titre", "output_volume",
                      "output_titre", "lrv_computed")
    return [caption(ctx, scope, scope.label("clearance_titres"), "clearance-titres"),
            table([[cell(h) for h in header]], rows, [3, 2, 2, 3, 2, 3, 2], ctx.width)]


SAFETY_KINDS = {
    "adventitious-agents": LeafKind(_present, _blocks, lambda n: "add an item to `appendices.adventitious_agents`"),
}
