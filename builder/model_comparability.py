"""Comparability after a manufacturing change (ICH Q5E; modalities.md §2) as data.

A study compares lots made by the process before a change with lots made after it, attribute by
attribute, against an acceptance range set before the post-change data existed. Lots are either
batches of the same drug substance or product (`batch`: their number, and their release results for an
attribute tied to a specification `test`, are taken from there, so nothing is typed twice) or
development lots listed with their own `number`. Each result is judged against its attribute's range
with the quantity engine (`cmc/comparability.py`): conforms, outside, or not checked, never passed in
silence. Rendered in 3.2.S.2.6 (drug substance) and 3.2.P.2 (drug product).
"""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import BY_ID, MD, M, Node
from .schema import Choice, Date, Record, Records, Slug, Text, field

ROLES = ("pre-change", "post-change")
APPROACHES = ("specification", "historical-range", "quality-range", "tolerance-interval", "equivalence",
              "qualitative")


@dataclass(**M)
class ComparabilityProtocol(Node):
    reference: str = field(Text(), True, "protocol number and version, e.g. CP-0042 version 1.0")
    approved: str = field(Date(), True, "approval date: the ranges were set before any post-change lot was tested "
                          "(a later post-change test is F4815)")


@dataclass(**M)
class ComparabilityLot(Node):
    id: str = field(Slug(), True)
    role: str = field(Choice(*ROLES), True, "pre-change or post-change")
    batch: str = field(Slug(), False, "a batch id of the same drug substance or product (gives the lot number and "
                       "the results of attributes tied to a `test`)")
    number: str = field(Text(), False, "the lot number, for a lot that is not one of the record's batches")
    scale: str = field(Text(), False, "e.g. 200 L")
    site: str = field(Slug(), False, "a site id")
    manufactured: str = field(Date(), False)
    tested: str = field(Date(), False, "when the comparability testing was done (checked against the protocol)")


@dataclass(**M)
class ComparabilityAttribute(Node):
    id: str = field(Slug(), True)
    attribute: str = field(Text(), False, "the quality attribute, e.g. Relative potency (required unless `test`)")
    test: str = field(Slug(), False, "a specification test id: gives the attribute's name, method, category, "
                      "result unit, LOD and LOQ, and the results of lots that are batches")
    method: str = field(Text(), False, "the analytical procedure (default: the test's procedure)")
    range: str = field(Text(), True, "the pre-defined acceptance range, typed like a criterion: 85–115 %, "
                       "NMT 2.0 %, ≥ 95.0 %")
    approach: str = field(Choice(*APPROACHES), False, "how the range was set: " + ", ".join(APPROACHES))
    basis: str = field(Text(), False, "how the range was derived, e.g. mean ± 3 SD of 8 pre-change lots")
    result_unit: str = field(Text(), False, "the unit bare-number results are in (default: the test's)")
    lod: str = field(Text(), False, "limit of detection (default: the test's)")
    loq: str = field(Text(), False, "limit of quantitation (default: the test's)")
    results: dict = field(BY_ID, False, "lot id → result as reported (a lot that is a batch defaults to the "
                          "batch's result for `test`)")


@dataclass(**M)
class Comparability(Node):
    id: str = field(Slug(), True)
    change: str = field(Text(), True, "what changed, e.g. scale-up from 200 L to 2000 L and a second site")
    pre_change: str = field(Text(), True, "the process before the change, e.g. Process A (clinical)")
    post_change: str = field(Text(), True, "the process after the change, e.g. Process B (commercial)")
    stage: str = field(Choice("development", "post-approval"), False)
    narrative: str = field(MD, False, "rationale, risk assessment, what else was compared")
    protocol: ComparabilityProtocol | None = field(Record(ComparabilityProtocol), False)
    lots: tuple = field(Records(ComparabilityLot), True, "the pre- and post-change lots, in the table's order")
    attributes: tuple = field(Records(ComparabilityAttribute), True, "the attributes compared, in the table's order")
