"""Which content values a leaf renders, as path prefixes into the merged content.

Paths are those `invoke explain` prints (`drug_products[examplinib-fct].specification.tests[assay].release`).
A prefix is relative to the leaf's owner record (the substance, product or excipient), to its item
(`@item`: a procedure, a 3.2.R item, a reference), or to the whole content (`@content`). Review
summaries map a changed value to the leaves it appears in; `trace` lists a leaf's values.
"""
from __future__ import annotations

import re

_NARRATIVE = "narrative.{number}"
# What a batch-analysis table prints of each batch (not its chain of identity or drug load).
_BATCH_ROWS = tuple(f"batches[*].{name}" for name in ("number", "size", "scale", "manufactured", "site", "use",
                                                      "drug_substance_batches", "results"))

KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "narrative": (_NARRATIVE,),
    "regional-item": ("@item",),
    "appendix-item": ("@item",),
    "literature": ("@item",),
    "nomenclature": ("nomenclature", _NARRATIVE),
    "structure": ("structure", _NARRATIVE),
    "properties": ("properties", _NARRATIVE),
    "manufacturers": ("manufacturers", _NARRATIVE, "@content.sites"),
    "process": ("process", _NARRATIVE),
    "materials": ("materials", "cell_banks", "starting_materials", "critical_reagents", _NARRATIVE),
    "impurities": ("impurities", _NARRATIVE),
    "reference-standards": ("reference_standards", _NARRATIVE),
    "container-closure": ("container_closure", _NARRATIVE),
    "procedure": ("@item.title", "@item.description", _NARRATIVE),
    "procedure-validation": ("@item.title", "@item.validation", _NARRATIVE),
    "specification": ("specification", _NARRATIVE),
    "excipient-specification": ("specification", "name", "standard", _NARRATIVE),
    "batch-analyses": (*_BATCH_ROWS, "specification.tests", _NARRATIVE, "@content.sites"),
    "composition": ("composition", "strengths", _NARRATIVE),
    "batch-formula": ("batch_formula", "composition", "strengths", _NARRATIVE),
    "stability-summary": ("stability", "batches[*].number", "handling", _NARRATIVE),
    "stability-data": ("stability.studies", "specification.tests", "batches[*].number", _NARRATIVE),
    "composition-and-dose": ("composition", "strengths", "lnp", "dosing", _NARRATIVE),
    "process-and-custody": ("process", "custody", "batches[*].number", "batches[*].chain_of_identity", _NARRATIVE),
    "specification-and-release": ("specification", "release_strategy", _NARRATIVE),
    "batch-analyses-and-lots": (*_BATCH_ROWS, "batches[*].drug_load", "batches[*].chain_of_identity.body_weight",
                                "specification.tests", "dosing", _NARRATIVE, "@content.sites"),
    "composition-per-volume": ("composition", "strengths", _NARRATIVE),
    "batch-formula-per-volume": ("batch_formula", "composition", "strengths", _NARRATIVE),
    "composition-per-volume-and-dose": ("composition", "strengths", "lnp", "dosing", _NARRATIVE),
    "process-development": ("comparability", "batches[*].number", "batches[*].size", "batches[*].site",
                            "batches[*].manufactured", _NARRATIVE, "@content.sites"),
    "adventitious-agents": ("@item",),
    "characterisation": ("characterisation", _NARRATIVE),
    "process-validation": ("handling.shipping", _NARRATIVE),
    "facility": ("@item", "@content.sites"),
}
ALWAYS = ("product.name", "product.short_name", "product.inn")  # every page header names the product


def owner_path(scope) -> str:
    """The merged-content path of the record a leaf renders."""
    if scope.excipient is not None:
        return f"drug_products[{scope.product.id}].excipients[{scope.excipient.id}]"
    if scope.product is not None:
        return f"drug_products[{scope.product.id}]"
    if scope.substance is not None:
        return f"drug_substances[{scope.substance.id}]"
    return ""


def item_path(scope) -> str:
    """The merged-content path of a leaf's item (procedure, regional item, appendix item, reference)."""
    item = scope.item
    for path, records in (("regional", scope.content.regional), ("literature", scope.content.literature)):
        if item in records:
            return f"{path}[{item.id}]"
    appendices = scope.content.appendices
    for name in ("facilities", "adventitious_agents", "novel_excipients"):
        if appendices is not None and item in getattr(appendices, name):
            return f"appendices.{name}[{item.id}]"
    return f"{owner_path(scope)}.procedures[{item.id}]"


def leaf_prefixes(leaf) -> list[str]:
    """Every merged-content path prefix whose values appear in `leaf`."""
    owner = owner_path(leaf.scope)
    prefixes = list(ALWAYS)
    for pattern in KIND_FIELDS[leaf.kind]:
        pattern = pattern.replace("{number}", leaf.number)
        if pattern.startswith("@item"):
            prefixes.append(item_path(leaf.scope) + pattern[len("@item"):])
        elif pattern.startswith("@content."):
            prefixes.append(pattern[len("@content."):])
        else:
            prefixes.append(f"{owner}.{pattern}" if owner else pattern)
    return prefixes


def renders(leaf, path: str) -> bool:
    """True when the value at `path` is one `leaf` renders; `[*]` in a prefix stands for any record id."""
    return any(_under(path, p) for p in leaf_prefixes(leaf))


def _under(path: str, prefix: str) -> bool:
    if "[*]" in prefix:
        pattern = re.escape(prefix).replace(re.escape("[*]"), r"\[[^\]]+\]")
        if re.match(pattern + r"(?:$|[.\[])", path):
            return True
        # a whole record (or the list) holding rendered fields: added or removed with all of them
        return re.fullmatch(re.escape(prefix.split("[*]")[0]) + r"(?:\[[^\]]+\])?", path) is not None
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")
