"""Every named check, registered: the checks that were here before modality profiles, adapted to the
registry's two signatures, and the modules that register checks of their own (imported for that)."""
from __future__ import annotations

from . import (checks, comparability, coverage, manufacture, potency, real_time, stability,  # noqa: F401
               viral_safety, volumes)  # (these register checks of their own)
from .registry import CHECKS, CheckContext, content_check, owner_check
from . import attributes, custody, dose_checks, formulation_checks  # noqa: F401,E402  (modality checks register)
from . import risk_checks  # noqa: F401,E402  (the risk register, F5xxx)
from . import localisation  # noqa: F401,E402  (a region's language, W2350/W2351)


@content_check("release-and-shelf-life")
def _release_and_shelf_life(ctx: CheckContext):
    """A shelf-life criterion is never narrower than release, and in commensurable units (F4601, F4602)."""
    return checks.release_and_shelf_life(ctx.content, ctx.reading)


@content_check("composition-totals")
def _composition_totals(ctx: CheckContext):
    """Each strength's components add up to its unit weight or volume (F4401, F4402)."""
    return checks.composition_totals(ctx.content, ctx.reading)


@content_check("q3-impurity-thresholds")
def _impurity_thresholds(ctx: CheckContext):
    """Impurity limits above the ICH Q3A/Q3B thresholds at the maximum daily dose (F4501)."""
    return checks.impurity_limits(ctx.content, ctx.rules.bands, ctx.reading)


@owner_check("q1a-significant-change")
def _significant_change(ctx: CheckContext, owner, path: str):
    """Q1A(R2) significant change at the accelerated condition (F4202)."""
    return stability.significant_changes(owner, path, ctx.reading)


@owner_check("q1e-extrapolation")
def _q1e(ctx: CheckContext, owner, path: str):
    """The proposed period within the ICH Q1E ceiling for the long-term data available (F4301)."""
    return stability.q1e_ceiling(owner, path, ctx.reading)


@owner_check("period-and-time-points")
def _period(ctx: CheckContext, owner, path: str):
    """The proposed period and the long-term time points are of one kind (F4302)."""
    return stability.period_and_time_points(owner, path, ctx.reading)


@owner_check("zone-long-term-condition")
def _zone(ctx: CheckContext, owner, path: str):
    """A long-term study at a condition the region accepts for its climatic zone (F4203)."""
    return stability.long_term_conditions(owner, path, ctx.profile.stability_long_term if ctx.profile else ())


__all__ = ["CHECKS"]
