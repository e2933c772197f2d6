"""Chain of identity and custody of autologous lots, and release strategies (modalities.md §4).

Each lot of an autologous product is made from one patient's cells for that patient. Its record
names the chain-of-identity identifier (CoI, e.g. ISBT 128 ST-028) and the events from the order
and collection through shipment, receipt, manufacture and release to administration, each with the
identifier read at that event, who handed over and who received, and when. The fields are loose on
purpose: `cmc/custody.py` judges completeness (every event, the same identifier everywhere, giver
and receiver at each hand-over, the events in order, elapsed times within the product's limits) as
findings positioned at the lot, instead of stopping the build at the first gap.

A release strategy says how a lot is released when some results arrive after release (sterility,
mycoplasma), with the follow-up for each: regions differ here (QP certification in the EU), so the
core states it and an overlay changes it.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .nodes import MD, M, Node
from .schema import Pattern, Records, Slug, Text, field

TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$")


class Timestamp(Pattern):
    """`2025-03-04`, `2025-03-04 14:20` or `2025-03-04T14:20+01:00`: a date, or a date and time."""

    def __init__(self):
        super().__init__(TIMESTAMP, "a date and time written YYYY-MM-DD HH:MM (optionally with seconds and an "
                         "offset such as +01:00 or Z)")

    def bind(self, value, path, diags):
        text = super().bind(value, path, diags)
        if text is not None and parse_timestamp(text) is None:
            diags.error("E2208", f"'{text}' is not a valid date and time", value.origin, path)
            return None
        return text


def parse_timestamp(text: str) -> datetime.datetime | None:
    """The moment `text` names, as an aware datetime (no offset: UTC); a bare date is its midnight.
    None when it names no real moment (2025-02-30, 25:00)."""
    found = TIMESTAMP.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    offset = datetime.timezone.utc
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        offset = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                 int(second or 0), tzinfo=offset)
    except ValueError:
        return None


def has_time(text: str) -> bool:
    """Whether a timestamp names a time of day, not only a date."""
    found = TIMESTAMP.fullmatch(text)
    return found is not None and found.group(4) is not None


@dataclass(**M)
class CustodyEvent(Node):
    """One event of a lot's chain: who held the material, who received it, when, under which identifier."""

    id: str = field(Slug(), True, "the event, one of the modality profile's custody events (e.g. collection)")
    identifier: str = field(Text(), False, "the chain-of-identity identifier read on the label or record at this event")
    time: str = field(Timestamp(), False, "when: YYYY-MM-DD HH:MM (UTC unless an offset is given)")
    by: str = field(Text(), False, "who performed the event or handed the material over (the giver)")
    to: str = field(Text(), False, "who received the material (the receiver of a hand-over)")
    site: str = field(Slug(), False, "where it happened, a `sites` id")
    record: str = field(Text(), False, "the record that documents it, e.g. chain-of-custody form CoC-0042")
    condition: str = field(Text(), False, "conditions on the way, e.g. vapour-phase LN2 dry shipper, logger within "
                           "limits")


@dataclass(**M)
class ChainOfIdentity(Node):
    """A lot's chain of identity: the identifier that links patient, material, lot and bags, and its events."""

    coi: str = field(Text(), True, "the chain-of-identity identifier of the lot, e.g. an ISBT 128 CoI identifier")
    patient: str = field(Text(), False, "the pseudonymised patient the lot is for (empty for lots from healthy-"
                         "donor material, which end at release)")
    collection: str = field(Text(), False, "the collection identifier, e.g. the ISBT 128 DIN or the EU SEC")
    body_weight: str = field(Text(), False, "the patient's body weight the dose is calculated on, e.g. 72.4 kg")
    events: tuple = field(Records(CustodyEvent), False, "the events, in the order they happened")


@dataclass(**M)
class CustodyLimit(Node):
    """The longest time allowed between two events of a chain (apheresis to receipt, thaw to infusion)."""

    id: str = field(Slug(), True)
    start: str = field(Slug(), True, "the event the time runs from (a custody event id)")
    end: str = field(Slug(), True, "the event it runs to")
    within: str = field(Text(), True, "the longest time allowed, e.g. 48 hours or 90 minutes")


@dataclass(**M)
class Custody(Node):
    """How the product keeps identity and custody (3.2.P.3.3): the identifier scheme and the time limits."""

    identifier: str = field(Text(), True, "the identifier scheme and where it is printed, e.g. ISBT 128 CoI "
                            "identifier on every label, bag and record")
    description: str = field(MD, False, "the controls in words: labelling, verification at each hand-over, "
                             "segregation")
    limits: tuple = field(Records(CustodyLimit), False, "time limits between events, checked on every lot (F4947)")


@dataclass(**M)
class PendingTest(Node):
    """A release test whose result is available only after the lot is released, and what happens then."""

    id: str = field(Slug(), True, "the specification test (its id)")
    available: str = field(Text(), True, "when the result is available, e.g. 7 days after release")
    action: str = field(MD, True, "the follow-up if it fails: who is told, what is done")


@dataclass(**M)
class ReleaseStrategy(Node):
    """How a lot is released (3.2.P.5.1): who certifies it, and which results follow release."""

    statement: str = field(MD, True, "how and by whom a lot is released; regions differ (an overlay changes it)")
    certified_by: str = field(Text(), False, "who certifies the lot, e.g. the Qualified Person (EU) or the quality "
                              "unit")
    pending: tuple = field(Records(PendingTest), False, "tests whose results follow release, each with its follow-up")
