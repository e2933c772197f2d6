"""`invoke risks`: the joint regulatory risk register of a product, per region, as figures to print.

The register is read from the merged content of each region (so an overlay's likelihood or wording
is the region's), scored on the region's scales (`risk-scales.yaml`, its words for the levels), and
compared across regions: a risk assessed differently by region is shown side by side. Writing the
Word and Markdown documents is `risk_docs.py`; nothing here depends on Word.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..cmc.risk_checks import gap_filled
from ..errors import Diagnostics
from ..localisation import localised
from ..pipeline import Dossier, prepare
from ..project import Project
from ..risks import Scales, assess, for_region, load_scales

# What is compared between regions: the assessment, not the wording (each region words it in its language).
COMPARED = ("likelihood", "impact", "detectability", "score", "band", "owner", "status", "residual", "review")


@dataclass(frozen=True)
class RiskRow:
    """One risk as a region sees it, with its computed figures."""

    risk: object
    score: int | None
    band: object
    residual_score: int | None
    gaps: tuple   # (gap, filled)

    def value(self, name: str, labels: dict) -> str:
        """The compared value `name`, printed in the region's words."""
        risk = self.risk
        if name == "score":
            return str(self.score) if self.score is not None else labels["risk_none"]
        if name == "band":
            return self.band.name if self.band is not None else labels["risk_none"]
        if name == "residual":
            return str(self.residual_score) if self.residual_score is not None else labels["risk_none"]
        if name == "owner":
            return labels[f"owner_{risk.owner}"]
        if name == "status":
            return labels[f"status_{risk.status}"]
        return getattr(risk, name, "") or labels["risk_none"]


@dataclass(frozen=True)
class Divergence:
    risk: str
    field: str
    values: dict   # region → printed value ("" where the risk does not concern the region)


@dataclass
class RegionRegister:
    product: str
    product_name: str
    region: str
    as_of: str
    labels: dict
    scales: Scales
    rows: list
    regions: tuple               # every region of the product, for the side-by-side table
    divergences: list = field(default_factory=list)
    east_asia: tuple | None = None
    profile: object = None
    root: Path | None = None

    def region_name(self, region: str) -> str:
        return self.labels.get(f"region_{region}", region.upper())

    def label(self, key: str, **values) -> str:
        text = self.labels[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text


def registers(root: Path, products=None, regions=None, diags: Diagnostics | None = None) -> list[RegionRegister]:
    """Every selected product's register, one per region, with the regions' divergences filled in; a product
    without any risk has none (the task says so)."""
    project = Project(root)
    diags = diags if diags is not None else Diagnostics()
    dossiers = prepare(project, products, None, False, diags)
    result = []
    for product in dict.fromkeys(d.product for d in dossiers):
        own = [d for d in dossiers if d.product == product]
        if not any(d.content.risks for d in own):
            continue
        every = [_register(project, d, [x.region for x in own], diags) for d in own]
        _diverge(every)
        result += [r for r in every if not regions or r.region in regions]
    diags.raise_if_errors()
    return result


def _register(project: Project, dossier: Dossier, regions: list, diags: Diagnostics) -> RegionRegister:
    scales, _ = load_scales(project.templates, dossier.region, diags)
    from ..leaf_text import load_readiness

    readiness, _ = load_readiness(project.templates)
    rows = []
    for risk in for_region(dossier.content, dossier.region):
        initial = assess(risk, scales)
        residual = assess(risk.residual, scales).score if risk.residual is not None else None
        gaps = tuple((gap, gap_filled(gap, dossier.content, dossier.leaves, readiness, dossier.texts)) for gap in risk.data_gaps)
        rows.append(RiskRow(risk, initial.score, initial.band, residual, gaps))
        _language(risk, dossier.profile, readiness, diags)
    profile = dossier.profile
    east_asia = (profile.east_asia.body_font, profile.east_asia.heading_font, profile.east_asia.lang) \
        if profile.east_asia else None
    name = localised(dossier.content.product.names, profile.language, dossier.content.product.name)
    return RegionRegister(dossier.product, name, dossier.region, dossier.content.product.as_of,
                          dict(profile.labels), scales, rows, tuple(regions), east_asia=east_asia, profile=profile,
                          root=project.root)


TEXTS = ("question", "harm", "fallback", "rationale", "uncertainty")


def _language(risk, profile, readiness, diags: Diagnostics) -> None:
    """In a region written in another language, a risk's text left in English is said (W5201), as the
    leaves' English-only text is counted by readiness: the document would otherwise mix languages."""
    if profile.language.split("-")[0].casefold() == "en":
        return
    texts = [(name, getattr(risk, name) or "") for name in TEXTS] + [("assumptions", a) for a in risk.assumptions]
    texts += [(f"data_gaps[{g.id}].gap", g.gap) for g in risk.data_gaps]
    texts += [(f"actions[{a.id}].action", a.action) for a in risk.actions]
    for name, text in texts:
        if text and readiness.latin_only(text):
            where = risk.where(name) if "[" not in name else risk.at
            diags.warning("W5201", f"{profile.id} documents are in {profile.language}, but this text is English "
                          f"only; word it in the region's overlay: {text[:60]}", where, f"risks[{risk.id}].{name}")


def _diverge(every: list[RegionRegister]) -> None:
    """Each region's document lists, for every risk assessed differently somewhere, each region's value."""
    ids = list(dict.fromkeys(row.risk.id for register in every for row in register.rows))
    for register in every:
        for ident in ids:
            for name in COMPARED:
                values, raw = {}, set()
                for other in every:
                    row = next((r for r in other.rows if r.risk.id == ident), None)
                    values[other.region] = shown(register, row, name) if row is not None else ""
                    if row is not None:
                        raw.add(_raw(row, name))
                if len(raw) > 1:
                    register.divergences.append(Divergence(ident, name, values))


def shown(register: RegionRegister, row: RiskRow, name: str) -> str:
    """Another region's value in this register's words (its band and level names, its labels)."""
    if name == "band":
        band = next((b for b in register.scales.bands if row.band is not None and b.id == row.band.id), None)
        return band.name if band is not None else register.labels["risk_none"]
    if name in ("likelihood", "impact", "detectability"):
        ident = getattr(row.risk, name, "") or ""
        scale = register.scales.scale(name)
        found = scale.level(ident) if scale is not None and ident else None
        return f"{ident} {found.name}" if found is not None else ident or register.labels["risk_none"]
    return row.value(name, register.labels)


def _raw(row: RiskRow, name: str) -> str:
    """The language-neutral value compared (band and status by id, not by their words)."""
    if name == "band":
        return row.band.id if row.band is not None else ""
    if name in ("score", "residual"):
        value = row.score if name == "score" else row.residual_score
        return "" if value is None else str(value)
    return getattr(row.risk, name, "") or ""
