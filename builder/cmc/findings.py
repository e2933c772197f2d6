"""Stage "check": run every cross-section check, then apply the justifications writers recorded.

A justified finding stays visible (in `invoke check` and findings.json) with its reason, but no
longer fails the build; an unjustified error-level finding does.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Category, Diagnostic, Diagnostics
from ..regional import missing_extensions
from .. import master_files
from ..model_platform import platform_references
from ..source import load_file
from . import checks, pairs
from .catalogue import CHECKS
from .clearance import ClearanceRules, load_rules as load_clearance_rules
from .registry import CheckContext
from .measure import Reading
from .rounding import Rounding
from .units import Units, load_units
from .vocabulary import Vocabulary, load_vocabulary
from .thresholds import load_bands

RULE_FILES = ("criteria.yaml", "units.yaml", "impurity-thresholds.yaml")


@dataclass(frozen=True)
class Rules:
    """The data the checks need, read once per build."""

    vocab: Vocabulary
    units: Units
    bands: dict
    sources: tuple = ()  # the files read, for the manifest
    clearance: ClearanceRules | None = None  # ICH Q5A(R2) thresholds (viral-safety.yaml)
    risk_scales: object = None  # the risk register's scales (risk-scales.yaml, builder/risks.py)
    sections: frozenset = frozenset()  # every CTD number of the section tree (risk areas and gaps name them)
    readiness: object = None  # placeholder markers, language rule, blocker weights (readiness.yaml)

    @classmethod
    def load(cls, templates: Path, tree=None) -> "Rules":
        """The rule files; with the section tree, also the risk scales and the tree's CTD numbers."""
        criteria, units, bands = (load_file(templates / "common" / name, f"{templates.name}/common/{name}")
                                  for name in RULE_FILES)
        clearance, clearance_source = load_clearance_rules(templates)
        sources, scales, numbers = (criteria, units, bands, clearance_source), None, frozenset()
        if tree is not None:
            from ..risks import load_scales, section_numbers

            problems = Diagnostics()
            scales, scale_sources = load_scales(templates, None, problems)
            problems.raise_if_errors(Category.TEMPLATE)
            from ..leaf_text import load_readiness

            readiness, readiness_source = load_readiness(templates)
            sources, numbers = sources + tuple(scale_sources) + (readiness_source,), section_numbers(tree)
        return cls(load_vocabulary(criteria), load_units(units), load_bands(bands), sources, clearance, scales,
                   numbers, readiness if tree is not None else None)

    def reading(self, content, profile=None) -> Reading:
        """How this pair's quantities are read: the region's rounding, the product's number style."""
        rounding = Rounding.of(profile.rounding) if profile is not None and profile.rounding else Rounding()
        cases = profile.stability_storage_cases if profile is not None else {}
        return Reading(self.vocab, self.units, rounding, content.product.number_style or "plain", storage_cases=cases)


def findings(content, rules: Rules, profile=None, reading: Reading | None = None,
             modality=None, leaves: tuple = (), texts: dict | None = None) -> tuple[list[Diagnostic], pairs.Tally]:
    """Every result judged against its criterion, then the checks the modality profile names, in its
    order (content checks, then owner checks per substance and product); justified where the content
    says why. Without a modality profile only results and criteria are checked."""
    reading = reading or rules.reading(content, profile)
    owners = list(checks.owners(content))
    judged = pairs.Pairs(reading)
    pairs.batch_results(content, judged, owners)
    pairs.stability_results(content, judged, owners)
    found = judged.found + pairs.criteria_understood(owners, reading)
    names = [*(modality.checks if modality is not None else ()), *(profile.checks if profile is not None else ())]
    selected = [CHECKS[name] for name in dict.fromkeys(names) if name in CHECKS]  # the region's, whatever the modality
    ctx = CheckContext(content, rules, profile, reading, modality, tuple(leaves), texts)
    for check in (c for c in selected if not c.per_owner):
        found += check.run(ctx)
    for owner, path, _ in owners:
        for check in (c for c in selected if c.per_owner):
            found += check.run(ctx, owner, path)
    if profile is not None:
        found += missing_extensions(content, profile, modality)  # the region's rule, whatever the modality
        found += master_files.findings(content, profile, leaves)  # likewise: the region's master files
    found += platform_references(content)  # whatever the modality: a platform cites where its data comes from
    return justify(found, content), judged.tally


def justify(found: list[Diagnostic], content) -> list[Diagnostic]:
    """Findings the content justifies (same code and field path) become 'justified', with the reason."""
    reasons = {(j.code, j.path): j for j in content.justifications}
    result = []
    for finding in found:
        justification = reasons.get((finding.code, finding.field))
        if justification is not None:
            finding = replace(finding, severity="justified",
                              message=f"{finding.message} — justified ({justification.at}): {justification.reason}")
        result.append(finding)
    return result


def unused_justifications(found: list[Diagnostic], content) -> list[Diagnostic]:
    """A justification that matches no finding is stale: the fact changed, so the reason may no longer hold."""
    matched = {(f.code, f.field) for f in found}
    return [Diagnostic("W4901", f"justification '{j.id}' matches no finding ({j.code} at {j.path})", j.at,
                       f"justifications[{j.id}]", "warning")
            for j in content.justifications if (j.code, j.path) not in matched]


def as_json(found: list[Diagnostic]) -> list[dict]:
    return [{"code": f.code, "severity": f.severity, "message": f.message, "field": f.field,
             "file": f.origin.path if f.origin else "", "line": f.origin.line if f.origin else 0,
             "column": f.origin.column if f.origin else 0,
             **({"cell": f.origin.cell} if f.origin and f.origin.cell else {})} for f in found]
