"""Process parameters, hold times and shipping, read with the quantity engine.

Stage measure reads every maximum time (hold times, shipping durations, thaw and in-use steps) so
the views and checks only meet times they can read; check `process-parameter-ranges` reads each
parameter's range like an acceptance criterion (`36.5–37.5`, `NLT 6.8`, `≤ 72 h`, `7.0 ± 0.2`) and
its set point as a quantity, and finds a set point outside its own range (F4861). Comparisons are
exact: a set point is not a result, so nothing is rounded.
"""
from __future__ import annotations

from types import SimpleNamespace

from ..errors import Diagnostic, Diagnostics
from .numbers import Unreadable
from .registry import CheckContext, owner_check

_NO_CATEGORY = SimpleNamespace(category=None)  # a range is read as a criterion of no test category
TIME, CYCLES = "hour", "freeze_thaw_cycle"


def measure_manufacture(owner, path: str, reading, diags: Diagnostics) -> None:
    """Every maximum time of `owner`'s process and handling is a time (an in-use step may count cycles)."""
    for step in owner.process:
        for hold in step.hold_times:
            _time(hold, f"{path}.process[{step.id}].hold_times[{hold.id}]", reading, diags, (TIME,))
    handling = getattr(owner, "handling", None)
    if handling is None:
        return
    for shipment in handling.shipping:
        _time(shipment, f"{path}.handling.shipping[{shipment.id}]", reading, diags, (TIME,))
    for step in handling.in_use:
        if step.maximum:
            _time(step, f"{path}.handling.in_use[{step.id}]", reading, diags, (TIME, CYCLES))


def _time(record, path: str, reading, diags: Diagnostics, units: tuple[str, ...]) -> None:
    kind = "a time such as 72 h, 60 min or 7 days" + (" or a number of cycles" if CYCLES in units else "")
    try:
        quantity = reading.quantity(record.maximum)
    except Unreadable as exc:
        diags.error("E2621", f"{exc}; expected {kind}", record.where("maximum"), f"{path}.maximum")
        return
    time = quantity.unit is not None and quantity.basis is None and not quantity.log and \
        any(reading.units.factor(quantity.unit, u) is not None for u in units)
    if not time or quantity.value <= 0:
        diags.error("E2621", f"'{record.maximum}' is not {kind}, greater than zero", record.where("maximum"),
                    f"{path}.maximum")


@owner_check("process-parameter-ranges")
def parameter_ranges(ctx: CheckContext, owner, path: str) -> list[Diagnostic]:
    """Each process parameter's set point lies within its own range (F4861; F4862 when they cannot be compared)."""
    found = []
    for step in owner.process:
        for parameter in step.parameters:
            if parameter.target and parameter.range:
                found += _parameter(step, parameter, f"{path}.process[{step.id}].parameters[{parameter.id}]",
                                    ctx.reading)
    return found


def _parameter(step, parameter, where: str, reading) -> list[Diagnostic]:
    name = f"{step.name}: {parameter.name}"
    criterion = reading.criterion(_NO_CATEGORY, parameter.range)
    if criterion.kind != "limit":
        why = criterion.reason or "not a range or a limit"
        return [_cannot(f"{name}: range '{parameter.range}' cannot be read ({why}); the set point is not checked",
                        parameter, "range", where)]
    try:
        target = reading.quantity(parameter.target)
    except Unreadable as exc:
        return [_cannot(f"{name}: set point not checked against its range: {exc}", parameter, "target", where)]
    beyond = [_beyond(target, bound, upper, reading)
              for bound, upper in ((criterion.low, False), (criterion.high, True)) if bound is not None]
    if None in beyond:
        return [_cannot(f"{name}: set point '{parameter.target}' and range '{parameter.range}' are in units that "
                        "cannot be compared", parameter, "target", where)]
    if any(beyond):
        target_at, range_at = parameter.where("target"), parameter.where("range")
        elsewhere = f" ({range_at})" if range_at.path != target_at.path else ""  # an overlay's range
        return [Diagnostic("F4861", f"{name}: set point {parameter.target} is outside its range "
                           f"{parameter.range}{elsewhere}", target_at, f"{where}.target")]
    return []


def _beyond(target, bound, upper: bool, reading):
    """True when the set point is beyond this end of the range, False when not, None when incommensurable.
    A bare number takes the unit of the other side (`37.0` against `36.5 °C to 37.5 °C`)."""
    limit = bound.quantity
    if target.unit is None or (limit.unit is None and limit.basis is None):
        factor = 1
    else:
        factor = target.factor_to(limit, reading.units)
        if factor is None:
            return None
    value = target.value * factor
    if upper:
        return value > limit.value if bound.inclusive else value >= limit.value
    return value < limit.value if bound.inclusive else value <= limit.value


def _cannot(message: str, parameter, name: str, where: str) -> Diagnostic:
    return Diagnostic("F4862", message, parameter.where(name), f"{where}.{name}", "warning")
