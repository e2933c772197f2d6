"""What a modality expects of each release attribute beyond being tested (modalities.md §1.2–§1.6):
the form of its criterion (a range of vg/mL, NLT % viable cells, NMT free payload) and a result on
every lot (potency, titre, full/empty, encapsulation). Both are data in the profile's
`release_attributes` (`criterion`, `unit`, `every_lot`), so a modality added as a file gets them too.

`tests_of` is how the modality checks find "the" test of an attribute: a test that names it in
`attribute:` wins; otherwise the attribute's words and categories recognise it (coverage.covers).
"""
from __future__ import annotations

from ..errors import Diagnostic
from .checks import owners
from .coverage import covers
from .numbers import Unreadable
from .registry import CheckContext, content_check
from .results import read

FORMS = {
    "range": ("a range", lambda c: c.kind == "limit" and c.low is not None and c.high is not None),
    "lower": ("a lower limit (NLT) or a range", lambda c: c.kind == "limit" and c.low is not None),
    "upper": ("an upper limit (NMT) or a range", lambda c: c.kind == "limit" and c.high is not None),
    "numeric": ("a numeric limit", lambda c: c.numeric),
    "text": ("a text criterion", lambda c: c.kind == "text"),
}


def attribute(modality, ident: str):
    """The modality's release attribute `ident`, or None."""
    return next((a for a in modality.release_attributes if a.id == ident), None) if modality else None


def tests_of(spec, modality, ident: str) -> list:
    """The specification tests that are attribute `ident`: named so, or recognised by its words."""
    if spec is None:
        return []
    named = [t for t in spec.tests if t.attribute == ident]
    found = attribute(modality, ident)
    if named or found is None:
        return named
    return [t for t in spec.tests if not t.attribute and covers(found, t)]


def applies(found, material: str) -> bool:
    """An attribute without `applies_to` applies to both drug substance and drug product."""
    return (found.applies_to or "both") in ("both", material)


def not_evaluated(text: str, reading) -> bool:
    """NT, –, Pending …: a result typed as not (yet) evaluated. Unreadable text is E2620 elsewhere."""
    try:
        return read(text, reading.vocab, reading.units, reading.style).kind == "not-evaluated"
    except Unreadable:
        return False


@content_check("release-attribute-criteria")
def release_attribute_criteria(ctx: CheckContext):
    """An attribute's tests include one with a criterion of the form the profile states (F4911), in its unit
    (F4912). One is enough: a purity attribute is met by SEC even when icIEF is the identity test."""
    found = []
    for owner, path, material in owners(ctx.content):
        for expected in ctx.modality.release_attributes if ctx.modality else ():
            if not applies(expected, material) or not (expected.criterion or expected.unit):
                continue
            tests = tests_of(owner.specification, ctx.modality, expected.id)
            if tests:  # none at all is F4701
                found += _criterion_form(ctx, expected, tests, f"{path}.specification.tests")
    return found


def _criterion_form(ctx, expected, tests, path: str) -> list[Diagnostic]:
    basis = f" ({expected.basis})" if expected.basis else ""
    criteria = [(t, ctx.reading.criterion(t, t.release)) for t in tests]
    if expected.criterion:
        wanted, fits = FORMS[expected.criterion]
        if not any(fits(c) for _, c in criteria):
            test = tests[0]
            listed = "; ".join(f"{t.test}: '{t.release}'" for t in tests)
            return [Diagnostic("F4911", f"{listed}: no release criterion of {expected.attribute} is {wanted}, which "
                               f"the {ctx.modality.name} profile expects{basis}", test.where("release"),
                               f"{path}[{test.id}].release")]
    if expected.unit:
        unit = ctx.reading.quantity(f"1 {expected.unit}")
        numeric = [(t, c) for t, c in criteria if c.numeric]
        if numeric and not any(c.quantity.factor_to(unit, ctx.reading.units) is not None for _, c in numeric):
            test = numeric[0][0]
            return [Diagnostic("F4912", f"{test.test}: release criterion '{test.release}' is not in {expected.unit} "
                               f"(or a unit that converts to it), as the {ctx.modality.name} profile expects for "
                               f"{expected.attribute}", test.where("release"), f"{path}[{test.id}].release")]
    return []


@content_check("release-attribute-every-lot")
def release_attribute_every_lot(ctx: CheckContext):
    """Every batch reports an evaluated result for each attribute the profile wants on every lot (F4913)."""
    found = []
    for owner, path, material in owners(ctx.content):
        for expected in ctx.modality.release_attributes if ctx.modality else ():
            if expected.every_lot != "true" or not applies(expected, material):
                continue
            tests = tests_of(owner.specification, ctx.modality, expected.id)
            for batch in owner.batches if tests else ():
                found += _lot_reports(ctx, expected, tests, batch, f"{path}.batches[{batch.id}]")
    return found


def _lot_reports(ctx, expected, tests, batch, path: str) -> list[Diagnostic]:
    results = [(t, batch.results.get(t.id)) for t in tests]
    if any(text is not None and not not_evaluated(text, ctx.reading) for _, text in results):
        return []
    test, text = results[0]
    basis = f" ({expected.basis})" if expected.basis else ""
    return [Diagnostic("F4913", f"batch {batch.number} reports no {expected.attribute} result ({test.test}: "
                       f"'{text}'); the {ctx.modality.name} profile expects it on every lot{basis}",
                       batch.where(f"results.{test.id}"), f"{path}.results.{test.id}")]
