"""Characterisation (3.2.S.3.1) as rows beside the narrative, and, under a specification, what each
potency test measures: the mechanism of action it reflects and whether it is quantitative."""
from __future__ import annotations

from ..ooxml.blocks import Cell, Run
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, simple_table


def _present(scope, number):
    return bool(getattr(scope.owner, "characterisation", ())) or bool(scope.narrative(number))


def _blocks(scope, number, ctx: DocContext):
    out = narrative_blocks(scope.narrative(number), ctx)
    rows_in = getattr(scope.owner, "characterisation", ())
    if not rows_in:
        return out
    rows, category = [], None
    for row in rows_in:
        if row.category and row.category != category:
            rows.append([Cell((Run(row.category, bold=True),), span=3)])
        category = row.category or category
        rows.append([cell(row.attribute), cell(row.method), cell(row.result)])
    return out + [caption(ctx, scope, scope.label("characterisation"), "characterisation"),
                  simple_table(ctx, labelled(scope, "attribute", "method", "reported_result"), rows, [3, 3, 4])]


def potency_blocks(scope, spec, ctx: DocContext) -> list:
    """A table of the potency tests that state their mechanism of action; nothing when none does."""
    tests = [t for t in spec.tests if t.potency is not None]
    if not tests:
        return []
    rows = [[cell(t.test), cell(t.potency.mechanism), cell(scope.label(f"readout_{t.potency.readout}"))] for t in tests]
    return [caption(ctx, scope, scope.label("potency_moa"), f"{spec.id}-potency"),
            simple_table(ctx, labelled(scope, "test", "mechanism", "readout"), rows, [3, 5, 2])]


CHARACTERISATION_KINDS = {
    "characterisation": LeafKind(_present, _blocks,
                                 lambda n: f"add `characterisation` rows or a narrative for '{n}' to this record"),
}
