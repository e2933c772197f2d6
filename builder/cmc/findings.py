"""Stage "check": run every cross-section check, then apply the justifications writers recorded.

A justified finding stays visible (in `invoke check` and findings.json) with its reason, but no
longer fails the build; an unjustified error-level finding does.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Diagnostic
from ..source import load_file
from . import checks, stability
from .criteria import Vocabulary, load_vocabulary
from .thresholds import load_bands


@dataclass(frozen=True)
class Rules:
    """The data the checks need, read once per build."""

    vocab: Vocabulary
    bands: dict
    sources: tuple = ()  # the files read, for the manifest

    @classmethod
    def load(cls, templates: Path) -> "Rules":
        criteria, bands = (load_file(templates / "common" / name, f"{templates.name}/common/{name}")
                           for name in ("criteria.yaml", "impurity-thresholds.yaml"))
        return cls(load_vocabulary(criteria), load_bands(bands), (criteria, bands))


def findings(content, rules: Rules, profile=None) -> list[Diagnostic]:
    found = checks.batch_results(content, rules.vocab) + checks.substance_batches_used(content)
    found += checks.release_and_shelf_life(content, rules.vocab) + checks.composition_totals(content)
    found += checks.impurity_limits(content, rules.bands, rules.vocab)
    for owner, path, _ in checks.owners(content):
        found += stability.out_of_specification(owner, path, rules.vocab)
        found += stability.significant_changes(owner, path, rules.vocab)
        found += stability.q1e_ceiling(owner, path, rules.vocab)
        found += stability.long_term_conditions(owner, path, profile.stability_long_term if profile else ())
    return justify(found, content)


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
             "column": f.origin.column if f.origin else 0} for f in found]
