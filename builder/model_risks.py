"""The joint regulatory risk register a sponsor and its CDMO keep at kickoff (modalities.md §6, ICH Q9(R1)).

Risks sit beside the dossier's facts (top-level `risks:`), merge by id like any record (a region's
overlay changes only what differs there) and are never printed in Module 3: `invoke risks` turns them
into the matrix document, `invoke readiness` counts the open high ones. Likelihood, impact and
detectability are level ids on the scales in `templates/common/risk-scales.yaml` (data: Q9 prescribes
no scales); the score and band are computed from them, and a typed score or band must agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import M, MD, Node
from .schema import CTD_NUMBER, Choice, Date, ListOf, Pattern, Record, Records, Slug, Text, field

OWNERS = ("sponsor", "cdmo", "both")
STATUSES = ("open", "mitigated", "accepted", "closed")
CATEGORIES = ("analytical", "process", "regulatory", "supply")


def SectionNumber() -> Pattern:
    return Pattern(CTD_NUMBER, "a CTD section number such as 3.2.P.5.1")


@dataclass(**M)
class DataGap(Node):
    """Data a risk waits for, linked to where it will be written: resolved when the content is there."""

    id: str = field(Slug(), True)
    gap: str = field(Text(), True, "what is missing, e.g. potency assay validation on PPQ lots")
    fields: tuple = field(ListOf(Text()), False, "content field paths that will hold it, as `invoke check` prints "
                          "them, e.g. drug_products[x].specification.tests[potency].potency; resolved when set")
    sections: tuple = field(ListOf(SectionNumber()), False, "CTD sections that will hold it, e.g. 3.2.P.5.3; "
                            "resolved when the region builds the leaf with content of its own (no placeholder)")


@dataclass(**M)
class RiskAction(Node):
    """One mitigation action: what, who, by when."""

    id: str = field(Slug(), True)
    action: str = field(Text(), True, "what will be done, e.g. qualify the potency assay on three PPQ lots")
    owner: str = field(Choice(*OWNERS), False, "sponsor, cdmo or both (default: the risk's owner)")
    due: str = field(Date(), False, "due date, YYYY-MM-DD (a high risk's actions need one: F5103)")


@dataclass(**M)
class Residual(Node):
    """The risk once its actions are done: never above the initial score (F5006)."""

    likelihood: str = field(Text(), True, "a likelihood level id of the scale")
    impact: str = field(Text(), True, "an impact level id of the scale")
    detectability: str = field(Text(), False, "a detectability level id, where the scale uses it")
    score: str = field(Text(), False, "optional; computed, and a typed one must match (F5003)")


@dataclass(**M)
class Risk(Node):
    """One risk of the register: the question, where in the dossier it bites, how big it is, who acts."""

    id: str = field(Slug(), True)
    question: str = field(Text(), True, "the risk question: what might go wrong, e.g. Will FDA accept a potency "
                          "assay that is not yet validated at BLA?")
    area: str = field(Text(), True, "a CTD section number of the section tree (3.2.P.5.3) or an area named in "
                      "risk-scales.yaml (e.g. regulatory strategy)")
    category: str = field(Choice(*CATEGORIES), False, "analytical, process, regulatory or supply")
    regions: tuple = field(ListOf(Slug()), False, "regions it concerns (default: every region of the product)")
    harm: str = field(Text(), False, "the harm to patient, product or filing (clinical hold, refuse-to-file, major "
                      "objection, 补充资料 …)")
    likelihood: str = field(Text(), True, "a likelihood level id of the scale (1 rare … 5 almost certain)")
    impact: str = field(Text(), True, "an impact level id of the scale (1 negligible … 5 approval at stake)")
    detectability: str = field(Text(), False, "a detectability level id, where the scale uses it")
    score: str = field(Text(), False, "optional; computed from the levels, and a typed one must match (F5003)")
    band: str = field(Text(), False, "optional; computed from the score, and a typed one must match (F5004)")
    owner: str = field(Choice(*OWNERS), True, "sponsor, cdmo or both (per the quality agreement)")
    assumptions: tuple = field(ListOf(Text()), False, "what the assessment takes for granted")
    data_gaps: tuple = field(Records(DataGap), False, "data still missing, each linked to content fields or sections")
    fallback: str = field(MD, False, "the fallback strategy if the risk happens (a high risk needs one: F5102)")
    actions: tuple = field(Records(RiskAction), False, "mitigation actions with owner and due date")
    status: str = field(Choice(*STATUSES), True, "open, mitigated, accepted or closed")
    rationale: str = field(MD, False, "why an accepted risk is acceptable (required when accepted: F5105)")
    residual: Residual | None = field(Record(Residual), False, "the risk after its actions: likelihood, impact "
                                      "(detectability)")
    review: str = field(Date(), False, "next review date, YYYY-MM-DD; passed before the dossier's as_of is F5104")
    uncertainty: str = field(Text(), False, "formality and uncertainty note (ICH Q9(R1): subjectivity, what the "
                             "score rests on)")
