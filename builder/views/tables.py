"""Leaves built around data tables: specifications, batch analyses, composition, stability."""
from __future__ import annotations

from ..ooxml.blocks import Run, paragraph, table
from ..profile import chapters
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, parenthesised
from .characterisation import potency_blocks


def is_compendial(text: str) -> bool:
    return text.strip().lower() == "compendial"


def standard(scope, text: str) -> str:
    """`compendial` means the region's pharmacopoeia (USP–NF, Ph. Eur., ChP); anything else is as typed."""
    return scope.profile.compendium if is_compendial(text) else text


def component_standard(scope, component, ctx) -> str:
    """A drug substance's standard is its own specification, cited from 3.2.S.4.1: entered once."""
    if not component.substance:
        return standard(scope, component.standard)
    ds = next(d for d in scope.content.drug_substances if d.id == component.substance)
    spec = ds.specification
    where = ctx.links.spec_sections.get(f"drug_substances[{ds.id}]") if ctx.links else None
    return f"{spec.name}{parenthesised(scope, spec.version)}" + (f"{scope.label('comma')}{where}" if where else "")


def spec_table(scope, spec, ctx: DocContext):
    tests = spec.tests
    split = any(t.shelf_life and t.shelf_life != t.release for t in tests)
    title = f"{scope.label('specification')}{scope.label('separator')}{spec.name}" \
            f"{parenthesised(scope, scope.label('version_of', version=spec.version))}"
    if not split:
        rows = [[cell(t.test), cell(chapters(t.procedure, scope.profile)[0]), cell(t.release)] for t in tests]
        header = [[cell(h) for h in labelled(scope, "test", "procedure", "acceptance_criterion")]]
        return [caption(ctx, scope, title, spec.id), table(header, rows, [3, 3, 4], ctx.width)]
    header = [
        [cell(scope.label("test"), vmerge="restart"), cell(scope.label("procedure"), vmerge="restart"),
         cell(scope.label("acceptance_criteria"), span=2)],
        [cell("", vmerge="continue"), cell("", vmerge="continue"),
         cell(scope.label("release")), cell(scope.label("shelf_life"))],
    ]
    rows = [[cell(t.test), cell(chapters(t.procedure, scope.profile)[0]), cell(t.release), cell(t.shelf_life or t.release)] for t in tests]
    return [caption(ctx, scope, title, spec.id), table(header, rows, [3, 3, 3, 3], ctx.width)]


def _spec_present(scope, number):
    return scope.owner.specification is not None


def _spec_blocks(scope, number, ctx):
    spec = scope.owner.specification
    return narrative_blocks(scope.narrative(number), ctx) + spec_table(scope, spec, ctx) + potency_blocks(scope, spec, ctx)


def _excipient_spec_blocks(scope, number, ctx):
    excipient = scope.excipient
    out = narrative_blocks(scope.narrative(number), ctx)
    if excipient.specification is not None:
        return out + spec_table(scope, excipient.specification, ctx)
    if is_compendial(excipient.standard):
        statement = scope.label("compendial_statement", compendium=scope.profile.compendium, name=excipient.name)
    else:  # an in-house standard is no monograph: say only what the content says (W2516 asks for the specification)
        statement = scope.label("excipient_tested_to", standard=excipient.standard.strip(), name=excipient.name)
    return out + [paragraph([Run(statement)])]


def _batches_present(scope, number):
    return bool(scope.owner.batches) and scope.owner.specification is not None


def _batch_blocks(scope, number, ctx):
    owner = scope.owner
    sites = {s.id: s.name for s in scope.content.sites}
    batches = owner.batches
    header = [[cell(scope.label("test")), cell(scope.label("acceptance_criterion"))] + [cell(b.number) for b in batches]]
    info = [("batch_size", lambda b: b.size), ("scale", lambda b: b.scale), ("manufactured", lambda b: b.manufactured),
            ("site", lambda b: sites.get(b.site, b.site)), ("use", lambda b: b.use)]
    if any(b.drug_substance_batches for b in batches):
        numbers = {b.id: b.number for ds in scope.content.drug_substances for b in ds.batches}
        info.append(("ds_batches", lambda b: scope.label("list_comma").join(
            numbers.get(i, i) for i in b.drug_substance_batches) or "–"))
    rows = [[cell(scope.label(key), span=2)] + [cell(get(b)) for b in batches] for key, get in info]
    rows += [[cell(t.test), cell(t.release)] + [cell(b.results[t.id]) for b in batches] for t in owner.specification.tests]
    weights = [3, 3] + [2] * len(batches)
    return narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("batch_analyses"), "batch-analyses"), table(header, rows, weights, ctx.width)]


TABLE_KINDS = {
    "specification": LeafKind(_spec_present, _spec_blocks, lambda n: "add a `specification` to this record"),
    "excipient-specification": LeafKind(lambda s, n: s.excipient is not None, _excipient_spec_blocks, lambda n: ""),
    "batch-analyses": LeafKind(_batches_present, _batch_blocks, lambda n: "add `batches` (and a `specification`)"),
}
