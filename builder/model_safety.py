"""3.2.A.2 Adventitious agents safety evaluation as data (ICH Q5A(R2); modalities.md §3).

An evaluation is one 3.2.A.2 document. Its narrative alone is enough (a small molecule's statement
that no material of biological origin is used); a biologic or vector product adds the testing of its
cell banks, virus seeds and unprocessed bulk, and its viral clearance study: per process step and
model virus, the log reduction value (LRV) as reported, optionally the load and output titres and
volumes it comes from. The overall reduction per virus is never typed: the builder sums the claimed
steps (`cmc/clearance.py`), and a stated overall value is checked against that sum.
"""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import MD, M, Node
from .schema import SLUG, Choice, MapOf, Record, Records, Slug, Text, field

# Q5A(R2) reduction mechanisms; two claimed steps of one mechanism are not orthogonal (warning F4823).
MECHANISMS = ("inactivation", "partitioning", "size", "charge", "hydrophobic", "affinity", "other")
MATERIAL_TYPES = ("mcb", "wcb", "eopc", "virus-seed", "unprocessed-bulk", "harvest", "raw-material", "other")
ENVELOPES = ("enveloped", "non-enveloped")


@dataclass(**M)
class TestedMaterial(Node):
    """A cell bank, virus seed or process material tested for adventitious agents."""

    id: str = field(Slug(), True)
    name: str = field(Text(), True, "what was tested, e.g. HEK293 master cell bank")
    type: str = field(Choice(*MATERIAL_TYPES), True, "mcb, wcb, eopc (end-of-production cells), virus-seed, "
                      "unprocessed-bulk, harvest, raw-material or other")
    lot: str = field(Text(), False, "the bank or lot number tested")


@dataclass(**M)
class AgentTest(Node):
    """One test for adventitious agents, with the result on each material it was performed on."""

    id: str = field(Slug(), True)
    test: str = field(Text(), True, "e.g. Sterility, Mycoplasma, In vitro adventitious viruses (28 days)")
    method: str = field(Text(), True, "method or compendial reference, e.g. Ph. Eur. 2.6.7 (NAT)")
    criterion: str = field(Text(), False, "acceptance criterion, e.g. Negative, No growth, Not detected: "
                           "each result is judged against it")
    results: dict = field(MapOf(SLUG, "a tested material id", Text()), True,
                          "tested material id → result as reported")


@dataclass(**M)
class ModelVirus(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True, "e.g. X-MuLV, PRV, Reo-3, MVM")
    envelope: str = field(Choice(*ENVELOPES), True, "enveloped or non-enveloped")
    genome: str = field(Text(), False, "e.g. ssRNA, dsDNA")
    size: str = field(Text(), False, "particle size, e.g. 80–110 nm")


@dataclass(**M)
class ClearanceResult(Node):
    """One model virus through one step: the LRV as reported and, optionally, the titres behind it."""

    lrv: str = field(Text(), False, "log10 reduction value as reported: 4.5, ≥ 5.2 (output below the limit of "
                     "detection), 4.5 ± 0.3 (95 % confidence interval); computed from the titres when omitted")
    claimed: str = field(Choice("true", "false"), False, "false: reported but not counted in the overall "
                         "reduction (default true)")
    load_volume: str = field(Text(), False, "volume of the spiked load, e.g. 50 mL")
    load_titre: str = field(Text(), False, "titre of the spiked load, e.g. 7.2 log10 TCID50/mL")
    output_volume: str = field(Text(), False, "volume of the product fraction, e.g. 62 mL")
    output_titre: str = field(Text(), False, "titre of the product fraction, e.g. ≤ 1.1 log10 TCID50/mL (below the "
                              "limit of detection: the LRV is then a lower bound, ≥)")
    note: str = field(Text(), False, "printed under the value, e.g. cytotoxicity at 1:10")

    @property
    def is_claimed(self) -> bool:
        return self.claimed != "false"

    @property
    def pairs(self) -> tuple:
        return (self.load_volume, self.load_titre, self.output_volume, self.output_titre)


@dataclass(**M)
class ClearanceStep(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True, "the process step, e.g. Low-pH hold (pH 3.6, 60 min)")
    mechanism: str = field(Choice(*MECHANISMS), True, "how the step reduces viruses: " + ", ".join(MECHANISMS))
    worst_case: str = field(Text(), False, "the worst-case conditions the scale-down study ran at (a claimed step "
                            "without them is warning F4825)")
    results: dict = field(MapOf(SLUG, "a model virus id", Record(ClearanceResult)), True,
                          "model virus id → its result; a virus not listed was not tested (n/t)")


@dataclass(**M)
class ViralClearance(Node):
    study: str = field(Text(), False, "the study report, e.g. VCS-2025-014 (scale-down model qualified in QR-031)")
    viruses: tuple = field(Records(ModelVirus), True, "the model viruses, in the order of the table's columns")
    steps: tuple = field(Records(ClearanceStep), True, "the process steps studied, in process order")
    overall: dict = field(MapOf(SLUG, "a model virus id", Text()), False,
                          "model virus id → the overall reduction a report states; checked against the sum the "
                          "builder computes from the claimed steps (F4824)")


@dataclass(**M)
class SafetyEvaluation(Node):
    """One 3.2.A.2 document: narrative, and for biologics the testing and clearance tables."""

    id: str = field(Slug(), True)
    title: str = field(Text(), True)
    narrative: str = field(MD, True)
    materials: tuple = field(Records(TestedMaterial), False, "cell banks, virus seeds and bulk harvests tested")
    tests: tuple = field(Records(AgentTest), False, "adventitious agent tests and their results per material")
    clearance: ViralClearance | None = field(Record(ViralClearance), False, "the viral clearance study")
