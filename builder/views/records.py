"""Leaves that present lists of records: facts, sites, impurities, reference standards … (process steps and
materials: manufacture.py)"""
from __future__ import annotations

from .base import DocContext, LeafKind, caption, cell, labelled, md_cell, narrative_blocks, simple_table
from ..cmc.thresholds import dose_mg, thresholds


def _facts(field: str, caption_key: str):
    def present(scope, number):
        return bool(getattr(scope.owner, field, ())) or bool(scope.narrative(number))

    def blocks(scope, number, ctx: DocContext):
        out = narrative_blocks(scope.narrative(number), ctx)
        facts = getattr(scope.owner, field, ())
        if facts:
            rows = [[cell(f.label), md_cell(f.value)] for f in facts]
            out += [caption(ctx, scope, scope.label(caption_key), field),
                    simple_table(ctx, labelled(scope, "attribute", "value"), rows, [2, 5])]
        return out

    return LeafKind(present, blocks, lambda n: f"add `{field}` rows or a narrative for '{n}'")


def _table_kind(field: str, caption_key: str, columns: list[str], row, weights: list[int]):
    """A leaf that is an optional narrative plus one table with a row per record of `field`."""

    def present(scope, number):
        return bool(getattr(scope.owner, field, ()))

    def blocks(scope, number, ctx: DocContext):
        records = getattr(scope.owner, field, ())
        rows = [row(scope, r) for r in records]
        return narrative_blocks(scope.narrative(number), ctx) + [
            caption(ctx, scope, scope.label(caption_key), field),
            simple_table(ctx, labelled(scope, *columns), rows, weights),
        ]

    return LeafKind(present, blocks, lambda n: f"add `{field}` to this record")


def _impurities_present(scope, number):
    return bool(scope.owner.impurities)


def _impurity_blocks(scope, number, ctx: DocContext):
    """The impurity table, then the ICH Q3A/Q3B thresholds that apply at the maximum daily dose."""
    rows = [[cell(i.name), cell(i.origin), cell(i.control)] for i in scope.owner.impurities]
    out = narrative_blocks(scope.narrative(number), ctx) + [
        caption(ctx, scope, scope.label("impurities"), "impurities"),
        simple_table(ctx, labelled(scope, "impurity", "origin", "control"), rows, [3, 3, 4])]
    dose_text = scope.content.product.max_daily_dose
    dose = dose_mg(dose_text, scope.reading) if dose_text and scope.reading else None
    if dose is None or scope.rules is None or not scope.runs("q3-impurity-thresholds"):
        return out
    material = "drug_substance" if scope.product is None else "drug_product"
    limits = thresholds(scope.rules.bands, material, dose)
    rows = [[cell(scope.label(f"threshold_{k}")), cell(f"{getattr(limits, k)} %")]
            for k in ("reporting", "identification", "qualification")]
    return out + [caption(ctx, scope, scope.label("thresholds", dose=dose_text), "thresholds"),
                  simple_table(ctx, labelled(scope, "threshold", "value"), rows, [3, 2])]


def _site_row(scope, role):
    site = next(s for s in scope.content.sites if s.id == role.site)
    ids = scope.label("list_separator").join(f"{i.scheme}{scope.label('separator')}{i.value}" for i in site.identifiers)
    address = f"{site.address}{scope.label('comma')}{site.country}" + (f"\n{ids}" if ids else "")
    return [cell(site.name), cell(address), cell(role.responsibility)]


def _procedure_blocks(field: str):
    def blocks(scope, number, ctx: DocContext):
        return narrative_blocks(scope.narrative(number), ctx) + narrative_blocks(getattr(scope.item, field), ctx)

    def present(scope, number):
        return scope.item is not None and bool(getattr(scope.item, field, None))

    return LeafKind(present, blocks, lambda n: f"add `procedures` with a `{field}` to this record")


RECORD_KINDS = {
    "nomenclature": _facts("nomenclature", "nomenclature"),
    "structure": _facts("structure", "structure"),
    "properties": _facts("properties", "general_properties"),
    "manufacturers": _table_kind("manufacturers", "manufacturers", ["name", "address", "responsibility"],
                                 _site_row, [3, 4, 4]),
    "impurities": LeafKind(_impurities_present, _impurity_blocks, lambda n: "add `impurities` to this record"),
    "reference-standards": _table_kind(
        "reference_standards", "reference_standards", ["reference_standard", "lot", "assigned_value", "source"],
        lambda s, r: [cell(r.name), cell(r.lot), cell(r.assigned_value), cell(r.source)], [3, 2, 2, 3]),
    "container-closure": _table_kind(
        "container_closure", "container_closure", ["component", "material", "quality_standard"],
        lambda s, c: [cell(c.component), cell(c.material), cell(c.standard)], [3, 3, 3]),
    "procedure": _procedure_blocks("description"),
    "procedure-validation": _procedure_blocks("validation"),
}
