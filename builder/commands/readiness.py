"""`invoke readiness`: how far each region's dossier is from fileable, computed from the content, never typed.

Per (product, region), from one run of the pipeline that does not stop at errors: required leaves the
modality and region profiles expect that are missing (E2402) or print placeholder text; results not
checked; open findings (errors and warnings not justified); open high risks of the register; regional
items missing (NMPA node extensions, F4801); in a region written in another language than English,
leaves with English-only paragraphs or cells; master-file references without their document (F4882: a
reference lacking a field its kind needs to be filed, such as its number).

Score = max(0, 100 − Σ weight × count), the weights in `templates/common/readiness.yaml`. The same
figures are what `invoke check` prints on each pair's summary line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import master_files as mf
from ..errors import Diagnostics
from ..localisation import localised
from ..leaf_text import ReadinessRules, load_readiness, placeholder_in, text_units
from ..risks import assess as assess_risk, for_region, load_scales

# Findings counted under a blocker of their own, not again as open findings.
COUNTED_ELSEWHERE = {"E2402": "missing-leaf", "F4801": "regional-item", "F4104": "unchecked-result",
                     "F4204": "unchecked-result", "F4105": "unchecked-result", "F4205": "unchecked-result",
                     "F4882": "master-file",
                     "W2350": "english-only", "W2351": "english-only"}  # English text: counted per leaf below
KINDS = ("missing-leaf", "placeholder", "unchecked-result", "open-error", "open-warning", "open-high-risk",
         "regional-item", "english-only", "master-file")
SHOWN = 5   # details listed per blocker in the summary line and documents; JSON lists them all


@dataclass
class Blocker:
    kind: str
    count: int
    weight: int
    details: list = field(default_factory=list)

    @property
    def cost(self) -> int:
        return self.count * self.weight


@dataclass
class Readiness:
    product: str
    region: str
    as_of: str
    blockers: list
    assessed: bool = True          # False: content errors stopped the pair before planning
    not_evaluated: int = 0         # results typed as not evaluated (not yet due): listed, not counted
    master_files: int = 0          # master-file references this region's dossier cites
    product_name: str = ""
    profile: object = None

    @property
    def score(self) -> int:
        if not self.assessed:
            return 0
        return max(0, 100 - sum(b.cost for b in self.blockers))

    def blocking(self) -> list:
        return [b for b in self.blockers if b.count]

    def summary(self) -> str:
        """One line: the score and what blocks it, as `invoke check` and `invoke readiness` print it."""
        what = ", ".join(f"{b.count} {b.kind}" for b in self.blocking()) or "nothing blocks"
        return f"readiness {self.score}/100 ({what}; master files: {self.master_files or 'none'} cited)"

    def as_json(self) -> dict:
        return {"product": self.product, "region": self.region, "as_of": self.as_of, "score": self.score,
                "formula": "max(0, 100 - sum(weight * count))", "assessed": self.assessed,
                "blockers": [{"kind": b.kind, "count": b.count, "weight": b.weight, "details": b.details}
                             for b in self.blockers],
                "not_evaluated_results": self.not_evaluated, "master_files": self.master_files}


def assess(dossier, items, rules: ReadinessRules, scales) -> Readiness:
    """The readiness of one prepared pair, from its plan, its tally and what was reported on the way."""
    weights = {kind: int(rules.weights.get(kind, "0")) for kind in KINDS}
    found = {kind: Blocker(kind, 0, weights[kind]) for kind in KINDS}
    for item in items:
        kind = COUNTED_ELSEWHERE.get(item.code)
        if kind in ("missing-leaf", "regional-item") and item.severity == "error":
            _add(found[kind], f"{item.code} {item.message}")
        elif kind == "master-file" and item.severity == "warning":
            _add(found[kind], f"{item.code} {item.field}: {item.message}")
        elif kind in ("unchecked-result", "english-only") and item.severity == "warning":
            found[kind].details.append(f"{item.code} {item.field}: {item.message}")   # counted from the tally
        elif kind is None and item.severity in ("error", "warning"):
            _add(found["open-error" if item.severity == "error" else "open-warning"],
                 f"{item.code} {item.field}: {item.message}" if item.field else f"{item.code} {item.message}")
    tally = dossier.tally
    if tally is not None:
        found["unchecked-result"].count = tally.not_checked - tally.not_evaluated
    leaves = dossier.leaves
    other_language = dossier.profile.language.split("-")[0].casefold() != "en"
    for leaf in leaves:
        units = text_units(leaves, leaf, dossier.texts)
        marker = placeholder_in(rules, units)
        if marker:
            _add(found["placeholder"], f"{leaf.number} {leaf.path}: '{marker}'")
        if other_language:
            english = next((unit for unit in units if rules.latin_only(unit)), None)
            if english is not None:
                _add(found["english-only"], f"{leaf.number} {leaf.path}: {english[:80]}")
    for risk in for_region(dossier.content, dossier.region) if scales is not None else ():
        if _open_high(risk, scales):
            _add(found["open-high-risk"], f"{risk.id}: {risk.question}")
    content = dossier.content
    return Readiness(dossier.product, dossier.region, content.product.as_of, [found[k] for k in KINDS],
                     not_evaluated=tally.not_evaluated if tally is not None else 0,
                     master_files=mf.references(content, dossier.profile), product_name=localised(
                         content.product.names, dossier.profile.language, content.product.name),
                     profile=dossier.profile)


def _open_high(risk, scales) -> bool:
    """Open and high; a mitigated risk counts by its residual (if none is stated, by its initial score)."""
    if risk.status == "open":
        levels = risk
    elif risk.status == "mitigated":
        levels = risk.residual or risk
    else:
        return False
    band = assess_risk(levels, scales).band
    return band is not None and band.id == scales.high


def _add(blocker: Blocker, detail: str) -> None:
    blocker.count += 1
    blocker.details.append(detail)


def readiness(root: Path, products=None, regions=None) -> list[Readiness]:
    """Every selected pair's readiness; a pair whose content does not validate scores 0, with its errors."""
    from ..pipeline import prepare_all
    from ..project import Project

    project = Project(root)
    rules, _ = load_readiness(project.templates)
    scales, _ = load_scales(project.templates, None, Diagnostics())
    result = []
    for product in products or project.products():
        diags = Diagnostics()
        dossiers = prepare_all(project, [product], regions, diags)
        result += [assess(d, d.diagnostics, rules, scales) for d in dossiers]
        built = {d.region for d in dossiers}
        for region in _listed(project, product, regions, dossiers):
            if region not in built:
                errors = [f"{d.code} {d.origin}: {d.message}" for d in diags.errors]
                result.append(Readiness(product, region, "", [Blocker("content-error", len(errors), 0, errors)],
                                        assessed=False))
    return result


def _listed(project, product: str, regions, dossiers) -> list[str]:
    """The regions the product lists (as far as they can be read), narrowed by the request."""
    if dossiers:
        listed = list(dossiers[0].content.product.regions)
    else:
        listed = [r for r in project.regions()]
    return [r for r in listed if not regions or r in regions]


def readiness_of(dossiers, templates: Path) -> dict:
    """(product, region) → Readiness for pairs `prepare` returned: what `invoke check` prints."""
    rules, _ = load_readiness(templates)
    scales, _ = load_scales(templates, None, Diagnostics())
    return {(d.product, d.region): assess(d, d.diagnostics, rules, scales) for d in dossiers}
