"""Potency tied to the mechanism of action (modalities.md §5; regions.md §6.1): every potency test of a
biologic's or ATMP's specification says which mechanism it reflects, and at least one of them has a
quantitative criterion, a range or an NLT limit, read with the quantity engine's criterion kinds.

A test is a potency test when it states `potency:`, or when the modality's release attribute `potency`
(its words, in the modality profile) covers it: the profile, not this module, knows what potency is
called for a modality.
"""
from __future__ import annotations

from ..errors import Diagnostic
from .coverage import covers
from .registry import CheckContext, owner_check


@owner_check("potency-mechanism")
def potency_mechanism(ctx: CheckContext, owner, path: str) -> list[Diagnostic]:
    """Each potency test states its mechanism of action (F4871), one has a range or NLT criterion (F4872), and a
    test stated quantitative has one (F4873)."""
    spec = owner.specification
    if spec is None:
        return []
    tests = potency_tests(spec, ctx.modality)
    found = []
    for test in tests:
        where = f"{path}.specification.tests[{test.id}]"
        if test.potency is None:
            found.append(Diagnostic("F4871", f"potency test '{test.test}' does not state the mechanism of action it "
                                    "reflects (add `potency: {mechanism: …, readout: …}`)", test.where("test"),
                                    f"{where}.potency"))
        elif test.potency.readout == "quantitative" and not quantitative(ctx.reading.criterion(test, test.release)):
            found.append(Diagnostic("F4873", f"potency test '{test.test}' is stated quantitative, but its release "
                                    f"criterion '{test.release}' is not a range or an NLT limit",
                                    test.potency.where("readout"), f"{where}.potency.readout"))
    if tests and not any(quantitative(ctx.reading.criterion(t, t.release)) for t in tests):
        names = ", ".join(f"'{t.test}'" for t in tests)
        found.append(Diagnostic("F4872", f"specification '{spec.name}' has no potency test with a quantitative "
                                f"criterion (a range or an NLT limit): {names}", spec.where("tests"),
                                f"{path}.specification.tests"))
    return found


def potency_tests(spec, modality) -> list:
    """The tests that state a potency link, or that the modality's `potency` release attribute covers."""
    attribute = next((a for a in modality.release_attributes if a.id == "potency"), None) if modality else None
    return [t for t in spec.tests if t.potency is not None or (attribute is not None and covers(attribute, t))]


def quantitative(criterion) -> bool:
    """A range or a lower limit (NLT): what a quantitative potency criterion looks like (Q6B; §5)."""
    return criterion.kind == "limit" and criterion.low is not None
