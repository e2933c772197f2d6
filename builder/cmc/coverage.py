"""Release attributes a modality expects every specification to test (modalities.md §1.2–§1.6): a
missing one is finding F4701, located at the specification, and can be justified like any other."""
from __future__ import annotations

from ..errors import Diagnostic
from .checks import owners
from .registry import CheckContext, content_check


@content_check("release-attributes")
def release_attributes(ctx: CheckContext):
    """Every release attribute the modality profile lists is tested by each specification it applies to (F4701)."""
    found = []
    for owner, path, material in owners(ctx.content):
        if owner.specification is None:
            continue
        for attribute in ctx.modality.release_attributes if ctx.modality else ():
            if (attribute.applies_to or "both") not in ("both", material):
                continue
            if not any(covers(attribute, test) for test in owner.specification.tests):
                basis = f" ({attribute.basis})" if attribute.basis else ""
                found.append(Diagnostic(
                    "F4701", f"specification '{owner.specification.name}' has no test of {attribute.attribute}, "
                    f"which the {ctx.modality.name} profile expects{basis}", owner.specification.where("tests"),
                    f"{path}.specification.tests[{attribute.id}]"))
    return found


def covers(attribute, test) -> bool:
    """A test counts by its category, or by one of the attribute's words in its id or name."""
    if test.category and test.category in attribute.categories:
        return True
    words = f"{test.id} {test.test}".casefold()
    return any(word.casefold() in words for word in attribute.match)
