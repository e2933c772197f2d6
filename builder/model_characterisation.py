"""What a biologic or ATMP states about its characterisation (3.2.S.3.1) and about what its potency
assays measure (modalities.md §1.2–§1.6, §5): structured rows beside the narrative, and the link
from a potency test to the mechanism of action it reflects."""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import M, Node
from .schema import Choice, Slug, Text, field

READOUTS = ("quantitative", "qualitative")


@dataclass(**M)
class CharacterisationRow(Node):
    """One characterised attribute: what was studied, how, and what was found."""

    id: str = field(Slug(), True)
    category: str = field(Text(), False, "heading the row is grouped under, e.g. Primary structure, Glycosylation, "
                          "Capsid content")
    attribute: str = field(Text(), True, "e.g. Intact mass, N-glycan profile, Full/partial/empty capsids, VP1:VP2:VP3")
    method: str = field(Text(), True, "e.g. LC-MS (intact, deglycosylated), HILIC-FLD, AUC, CE-SDS (reduced)")
    result: str = field(Text(), True, "the result or a summary of it")


@dataclass(**M)
class PotencyLink(Node):
    """What a potency test measures: the mechanism of action it reflects, and whether it is quantitative."""

    mechanism: str = field(Text(), True, "the mechanism of action the assay reflects, e.g. AADC enzyme activity "
                           "after transduction of HEK293 cells")
    readout: str = field(Choice(*READOUTS), True, "quantitative (relative potency against a reference, a "
                         "range or NLT criterion) or qualitative")
