"""Which content values a leaf renders: what its views read, as recorded while it was built.

Paths are those `invoke explain` prints (`drug_products[examplinib-fct].specification.tests[assay].release`).
Each leaf carries the reads recorded while its views were built (`builder/reads.py`, `Leaf.reads`);
review summaries map a changed value to the leaves it appears in; `trace` lists a leaf's values.
Nothing here is a hand-kept table of fields per section kind: such a table missed reads.
"""
from __future__ import annotations

from .reads import paused


def owner_path(scope) -> str:
    """The merged-content path of the record a leaf renders."""
    with paused():
        return _owner_path(scope)


def _owner_path(scope) -> str:
    if scope.excipient is not None:
        return f"drug_products[{scope.product.id}].excipients[{scope.excipient.id}]"
    if scope.product is not None:
        return f"drug_products[{scope.product.id}]"
    if scope.substance is not None:
        return f"drug_substances[{scope.substance.id}]"
    return ""


def renders(leaf, path: str) -> bool:
    """True when the value at `path` is one `leaf` showed when its views were built (`leaf.reads`)."""
    return leaf.reads is not None and leaf.reads.shows(path)
