"""Chain of identity and custody, checked for completeness on every lot (modalities.md §4, per-lot
checks): every event the modality's profile lists, the same chain-of-identity identifier at each,
a giver and a receiver at each hand-over, the events in the profile's order (release before the
shipment to the treatment centre), and the time between events within the product's limits.

The events are data (`custody.events` in the modality profile); findings are positioned at the
lot's own record, so a reviewer sees which lot and which event.
"""
from __future__ import annotations

from decimal import Decimal

from ..errors import Diagnostic
from ..model_custody import has_time, parse_timestamp
from .registry import CheckContext, content_check
from .spans import show, value_in


def expected_events(design, chain) -> list:
    """The profile's events that this lot must record: patient events only on a lot made for a patient."""
    return [e for e in design.events if e.patient != "true" or chain.patient]


@content_check("chain-of-identity")
def chain_of_identity(ctx: CheckContext):
    """Every drug-product lot has a complete chain of identity and custody (F4941–F4948)."""
    design = ctx.modality.custody if ctx.modality else None
    if design is None:
        return []
    found = []
    for dp in ctx.content.drug_products:
        limits = dp.custody.limits if dp.custody is not None else ()
        for batch in dp.batches:
            path = f"drug_products[{dp.id}].batches[{batch.id}]"
            if batch.chain_of_identity is None:
                found.append(Diagnostic("F4941", f"lot {batch.number} has no chain of identity (the "
                                        f"{ctx.modality.name} profile expects one on every lot)", batch.at, path))
                continue
            found += _chain(ctx, design, limits, batch, f"{path}.chain_of_identity")
    return found


def _chain(ctx, design, limits, batch, path: str) -> list[Diagnostic]:
    chain = batch.chain_of_identity
    events = {e.id: e for e in chain.events}
    labels = {t.id: t.label for t in design.events}
    expected = expected_events(design, chain)
    found = []
    missing = [t.label for t in expected if t.id not in events]
    if missing:
        found.append(Diagnostic("F4942", f"lot {batch.number} ({chain.coi}): no {', '.join(missing)} event",
                                chain.where("events"), f"{path}.events"))
    for kind in expected:
        event = events.get(kind.id)
        if event is not None:
            found += _event(batch, chain, kind, event, f"{path}.events[{event.id}]")
    found += _order(batch, [events[t.id] for t in expected if t.id in events], labels, path)
    found += _limits(ctx, batch, events, limits, labels, path)
    return found


def _event(batch, chain, kind, event, path: str) -> list[Diagnostic]:
    found = []
    what = f"lot {batch.number}, {kind.label}"
    if not event.identifier:
        found.append(Diagnostic("F4943", f"{what}: no chain-of-identity identifier recorded", event.at, path))
    elif event.identifier != chain.coi:
        found.append(Diagnostic("F4943", f"{what}: identifier '{event.identifier}' is not the lot's chain of identity "
                                f"'{chain.coi}'", event.where("identifier"), f"{path}.identifier"))
    if kind.handover == "true":
        absent = [name for name, value in (("giver (by)", event.by), ("receiver (to)", event.to)) if not value]
        if absent:
            found.append(Diagnostic("F4944", f"{what}: a hand-over without its {' and '.join(absent)}", event.at, path))
    elif not event.by:
        found.append(Diagnostic("F4944", f"{what}: nobody is recorded as performing it (by)", event.at, path))
    if not event.time:
        found.append(Diagnostic("F4945", f"{what}: no date and time recorded", event.at, path))
    return found


def _order(batch, events: list, labels: dict, path: str) -> list[Diagnostic]:
    """Each event at or after every event the profile lists before it (dates alone compare as dates)."""
    found, latest = [], None
    for event in (e for e in events if e.time):
        if latest is not None and _before(event.time, latest.time):
            found.append(Diagnostic("F4946", f"lot {batch.number}: {labels[event.id]} ({event.time}) is before "
                                    f"{labels[latest.id]} ({latest.time}), which must come first",
                                    event.where("time"), f"{path}.events[{event.id}].time"))
        else:
            latest = event
    return found


def _before(text: str, other: str) -> bool:
    if has_time(text) and has_time(other):
        return parse_timestamp(text) < parse_timestamp(other)
    return text[:10] < other[:10]


def _limits(ctx, batch, events: dict, limits, labels: dict, path: str) -> list[Diagnostic]:
    found = []
    for limit in limits:
        start, end = events.get(limit.start), events.get(limit.end)
        if start is None or end is None or not start.time or not end.time:
            continue  # a missing event or time is F4942 / F4945
        what = f"lot {batch.number}: {labels.get(limit.start, limit.start)} to {labels.get(limit.end, limit.end)}"
        if not (has_time(start.time) and has_time(end.time)):
            found.append(Diagnostic("F4948", f"{what} is not checked against {limit.within}: a date without a time "
                                    "of day", end.where("time"), f"{path}.events[{end.id}].time", "warning"))
            continue
        delta = parse_timestamp(end.time) - parse_timestamp(start.time)
        seconds = Decimal(delta.days * 86400 + delta.seconds)  # whole seconds, exactly: no float
        allowed = value_in(ctx.reading.quantity(limit.within), "second", ctx.reading.units)
        if allowed is not None and seconds > allowed:
            found.append(Diagnostic("F4947", f"{what} took {show(seconds / 3600, 'h')}, more than {limit.within} "
                                    f"({start.time} → {end.time})", end.where("time"),
                                    f"{path}.events[{end.id}].time"))
    return found
