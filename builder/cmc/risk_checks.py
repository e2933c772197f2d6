"""Checks of the joint regulatory risk register (modalities.md §6: the checks listed there; F5xxx).

Consistency (errors, facts a reader can recompute): levels on the agreed scales, the score and band
recomputed, the area and every data-gap link pointing at something the dossier has, the residual not
above the initial score. Governance (warnings, what the sponsor and CDMO should act on): a data gap
that the content has now filled, a high risk with no fallback or no dated action, a review date
passed, an accepted risk without its rationale. Only the risks that concern the region are checked.

"Today" is `product.as_of`, the dossier's own date: the same content gives the same findings on any
day, as builds must be reproducible. A command asked about another day says so (`--as-of`).
"""
from __future__ import annotations

from ..errors import Diagnostic
from ..risks import SET, UNKNOWN, assess, field_state, for_region
from .registry import CheckContext, content_check


def _risks(ctx: CheckContext):
    region = ctx.profile.id if ctx.profile is not None else None
    return for_region(ctx.content, region) if ctx.rules.risk_scales is not None else []


def _path(risk, name: str = "") -> str:
    return f"risks[{risk.id}]" + (f".{name}" if name else "")


@content_check("risk-scores")
def risk_scores(ctx: CheckContext) -> list[Diagnostic]:
    """Levels on the scales, the score and band recomputed, the residual not above the initial (F5001, F5003,
    F5004, F5006)."""
    scales, found = ctx.rules.risk_scales, []
    for risk in _risks(ctx):
        initial = assess(risk, scales)
        found += [Diagnostic("F5001", message, risk.where(name), _path(risk, name)) for name, message in initial.problems]
        found += _typed(risk, initial, "")
        if risk.residual is None:
            continue
        residual = assess(risk.residual, scales)
        found += [Diagnostic("F5001", f"residual: {message}", risk.residual.where(name), _path(risk, f"residual.{name}"))
                  for name, message in residual.problems]
        found += _typed(risk.residual, residual, "residual.", risk)
        if residual.score is not None and initial.score is not None and residual.score > initial.score:
            found.append(Diagnostic("F5006", f"the residual score {residual.score} is above the initial score "
                                    f"{initial.score}: actions do not raise a risk; re-assess it", risk.where("residual"),
                                    _path(risk, "residual")))
    return found


def _typed(levels, assessed, prefix: str, risk=None) -> list[Diagnostic]:
    risk = risk or levels
    found = []
    if assessed.score is None:
        return found
    score = getattr(levels, "score", "") or ""
    if score and score.strip() != str(assessed.score):
        found.append(Diagnostic("F5003", f"score {score} is typed, but the levels give {assessed.score}",
                                levels.where("score"), _path(risk, prefix + "score")))
    band = getattr(levels, "band", "") or ""
    if band and assessed.band is not None and band.strip() not in (assessed.band.id, assessed.band.name):
        found.append(Diagnostic("F5004", f"band '{band}' is typed, but score {assessed.score} is {assessed.band.id}",
                                levels.where("band"), _path(risk, prefix + "band")))
    return found


@content_check("risk-links")
def risk_links(ctx: CheckContext) -> list[Diagnostic]:
    """Each risk's area, regions and data-gap links name something the dossier has (F5002, F5005)."""
    scales, sections, found = ctx.rules.risk_scales, ctx.rules.sections, []
    regions = ctx.content.product.regions
    for risk in ctx.content.risks if scales is not None else ():
        if risk.area not in sections and scales.area(risk.area) is None:
            areas = ", ".join(a.id for a in scales.areas)
            found.append(Diagnostic("F5002", f"area '{risk.area}' is neither a CTD section of the section tree nor "
                                    f"an area of risk-scales.yaml ({areas})", risk.where("area"), _path(risk, "area")))
        for index, region in enumerate(risk.regions):
            if region not in regions:
                found.append(Diagnostic("F5005", f"region '{region}' is not one of the product's regions "
                                        f"({', '.join(regions)})", risk.where(f"regions[{index}]"),
                                        _path(risk, f"regions[{index}]")))
    for risk in _risks(ctx):
        for gap in risk.data_gaps:
            for index, path in enumerate(gap.fields):
                if field_state(ctx.content, path) == UNKNOWN:
                    found.append(Diagnostic("F5005", f"data gap '{gap.id}' links to '{path}', which is no field of "
                                            "the content model (write it as `invoke check` prints field paths)",
                                            gap.where(f"fields[{index}]"), _path(risk, f"data_gaps[{gap.id}].fields")))
            for index, number in enumerate(gap.sections):
                if number not in sections:
                    found.append(Diagnostic("F5005", f"data gap '{gap.id}' links to section {number}, which the "
                                            "section tree does not have", gap.where(f"sections[{index}]"),
                                            _path(risk, f"data_gaps[{gap.id}].sections")))
    return found


def gap_filled(gap, content, leaves, readiness, texts: dict | None = None) -> bool:
    """A gap is filled when every field it links is set and every section it links is built with content
    of its own (no placeholder text); a gap linked to nothing is never filled by content."""
    if not gap.fields and not gap.sections:
        return False
    if any(field_state(content, path) != SET for path in gap.fields):
        return False
    from ..leaf_text import placeholder_in, text_units

    for number in gap.sections:
        built = [leaf for leaf in leaves if leaf.number == number]
        if not built or (readiness is not None and any(placeholder_in(readiness, text_units(leaves, leaf, texts))
                                                       for leaf in built)):
            return False
    return True


@content_check("risk-gaps-filled")
def risk_gaps_filled(ctx: CheckContext) -> list[Diagnostic]:
    """A data gap the content has now filled: update the register (F5101)."""
    found = []
    for risk in _risks(ctx):
        if risk.status == "closed":
            continue
        for gap in risk.data_gaps:
            if gap_filled(gap, ctx.content, ctx.leaves, ctx.rules.readiness, ctx.texts):
                links = ", ".join([*gap.fields, *gap.sections])
                found.append(Diagnostic("F5101", f"data gap '{gap.id}' ({gap.gap}) is filled: the content now has "
                                        f"{links}; update the register (remove the gap, re-assess or close the risk)",
                                        gap.at, _path(risk, f"data_gaps[{gap.id}]"), "warning"))
    return found


@content_check("risk-high-treatment")
def risk_high_treatment(ctx: CheckContext) -> list[Diagnostic]:
    """Every open or mitigated high risk has a fallback strategy and an action with a due date (F5102, F5103)."""
    scales, found = ctx.rules.risk_scales, []
    for risk in _risks(ctx):
        band = assess(risk, scales).band
        if band is None or band.id != scales.high or risk.status in ("closed", "accepted"):
            continue
        if not risk.fallback:
            found.append(Diagnostic("F5102", f"a {band.id} risk with no fallback strategy: state what happens if it "
                                    "occurs", risk.at, _path(risk, "fallback"), "warning"))
        if not risk.actions:
            found.append(Diagnostic("F5103", f"a {band.id} risk with no action: state who does what, by when", risk.at,
                                    _path(risk, "actions"), "warning"))
        for action in risk.actions:
            if not action.due:
                found.append(Diagnostic("F5103", f"action '{action.id}' of a {band.id} risk has no due date",
                                        action.at, _path(risk, f"actions[{action.id}].due"), "warning"))
    return found


@content_check("risk-review")
def risk_review(ctx: CheckContext) -> list[Diagnostic]:
    """A review date before the dossier's as_of; an accepted risk without its rationale (F5104, F5105)."""
    as_of, found = ctx.content.product.as_of, []
    for risk in _risks(ctx):
        if risk.review and risk.status != "closed" and risk.review < as_of:
            found.append(Diagnostic("F5104", f"review date {risk.review} has passed (the dossier is as of {as_of}): "
                                    "review the risk and set the next date", risk.where("review"),
                                    _path(risk, "review"), "warning"))
        if risk.status == "accepted" and not risk.rationale:
            found.append(Diagnostic("F5105", "an accepted risk carries the rationale for accepting it",
                                    risk.where("status"), _path(risk, "rationale"), "warning"))
    return found
