"""What biologics and ATMPs state about their manufacture, as records (modalities.md §1.2–§1.6).

Cell banks and virus seed banks with their testing, plasmids and other starting materials, critical
reagents (3.2.S.2.3); process parameters and hold times of a unit operation (3.2.S.2.2, 3.2.P.3.3);
storage, shipping and thaw/in-use handling (3.2.S.7.1 / 3.2.P.8.1 and 3.2.S.2.5 / 3.2.P.3.5); and the
areas of a facility (3.2.A.1). Every field is optional on its owner, so a small molecule states none
of them and its documents do not change.
"""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import MD, M, Node
from .schema import Choice, Date, Records, Slug, Text, field

BANK_TYPES = ("mcb", "wcb", "eopc", "mvs", "wvs")
STARTING_MATERIAL_TYPES = ("plasmid", "virus-seed", "other")
CRITICALITY = ("critical", "non-critical")
YES_NO = ("true", "false")


@dataclass(**M)
class BankTest(Node):
    """One test performed on a bank (identity, sterility, mycoplasma, adventitious agents …)."""

    id: str = field(Slug(), True)
    test: str = field(Text(), True, "what was tested, e.g. Mycoplasma")
    method: str = field(Text(), True, "the method, e.g. Ph. Eur. 2.6.7 (culture and indicator cell)")
    result: str = field(Text(), True, "the result as reported, e.g. Not detected")


@dataclass(**M)
class CellBank(Node):
    """A cell bank (MCB, WCB, end-of-production cells) or virus seed bank (MVS, WVS) and its testing (ICH Q5D)."""

    id: str = field(Slug(), True)
    name: str = field(Text(), True, "how the bank is called, e.g. HEK293 MCB 001")
    type: str = field(Choice(*BANK_TYPES), True, "mcb (master cell bank), wcb (working cell bank), eopc "
                      "(end-of-production cells / cells at the limit of in vitro age), mvs or wvs (master or "
                      "working virus seed)")
    cell_line: str = field(Text(), True, "the cell line or organism, e.g. HEK293 (suspension-adapted) or E. coli DH10B")
    origin: str = field(Text(), False, "where it came from and its history, e.g. ATCC CRL-1573, adapted to "
                        "serum-free suspension culture")
    derived_from: str = field(Slug(), False, "the id of the bank it was made from (a WCB from its MCB)")
    passage: str = field(Text(), False, "passage number or population doublings, e.g. P12 or 48 PDL")
    date: str = field(Date(), False, "date the bank was prepared, YYYY-MM-DD")
    storage: str = field(Text(), False, "how and where it is stored, e.g. vapour phase of liquid nitrogen, two sites")
    lot: str = field(Text(), False, "lot or reference number of the bank")
    tests: tuple = field(Records(BankTest), False, "characterisation and safety testing performed on the bank")


@dataclass(**M)
class SourcedMaterial(Node):
    """What every biological starting material and critical reagent states: where it comes from, its
    quality and the risk its biological origin carries."""

    id: str = field(Slug(), True)
    name: str = field(Text(), True, "e.g. pAAV-CAG-hAADC or polyethylenimine (PEI MAX)")
    function: str = field(Text(), False, "what it is for, e.g. transgene cassette flanked by AAV2 ITRs, or "
                          "transfection reagent")
    step: str = field(Text(), False, "the process step it is used in")
    source: str = field(Text(), True, "manufacturer or supplier")
    grade: str = field(Text(), True, "grade or quality standard, e.g. GMP, Ph. Eur. 5.2.12, high-quality (HQ) grade")
    origin: str = field(Text(), False, "biological origin, e.g. recombinant (E. coli), animal-origin free, "
                        "human plasma")
    risk: str = field(Text(), False, "TSE and viral safety note, e.g. no materials of human or animal origin used")


@dataclass(**M)
class StartingMaterial(SourcedMaterial):
    """A starting material of a biological product: a plasmid, a virus seed, or another (apheresis)."""

    type: str = field(Choice(*STARTING_MATERIAL_TYPES), True, "plasmid, virus-seed or other")
    bank: str = field(Slug(), False, "a `cell_banks` id: the bacterial bank a plasmid is made from, the seed bank "
                      "of a virus seed")


@dataclass(**M)
class CriticalReagent(SourcedMaterial):
    """A reagent whose quality matters to the product: PEI, nuclease, affinity ligand, cytokines, beads."""


@dataclass(**M)
class ProcessParameter(Node):
    """A process parameter of a unit operation, with its set point, proven or normal range and criticality."""

    id: str = field(Slug(), True)
    name: str = field(Text(), True, "e.g. Culture temperature")
    unit: str = field(Text(), False, "the unit target and range are in when typed as bare numbers, e.g. °C; printed "
                      "after the name")
    target: str = field(Text(), False, "set point, e.g. 37.0 (or 37.0 °C)")
    range: str = field(Text(), False, "the range, read like an acceptance criterion: 36.5–37.5, "
                       "36.5 °C to 37.5 °C, NLT 6.8, ≤ 72 h, 7.0 ± 0.2")
    criticality: str = field(Choice(*CRITICALITY), True, "critical (a CPP) or non-critical")


@dataclass(**M)
class HoldTime(Node):
    """How long a process intermediate may be held, and how."""

    id: str = field(Slug(), True)
    material: str = field(Text(), True, "what is held, e.g. clarified lysate")
    maximum: str = field(Text(), True, "the maximum hold time, a time such as 72 h or 7 days")
    condition: str = field(Text(), True, "the hold condition, e.g. 2 °C to 8 °C, in single-use bags")


@dataclass(**M)
class Shipment(Node):
    """A shipping configuration and how it was qualified."""

    id: str = field(Slug(), True)
    route: str = field(Text(), False, "from where to where, e.g. drug product site to distribution centre")
    condition: str = field(Text(), True, "the shipping condition, e.g. on dry ice (≤ −60 °C)")
    shipper: str = field(Text(), True, "the shipper or packaging, e.g. validated passive dry-ice shipper with "
                         "temperature logger")
    maximum: str = field(Text(), True, "the maximum shipping duration, a time such as 96 h")
    qualification: str = field(Text(), False, "the study that qualified it, e.g. shipping qualification SQ-014")


@dataclass(**M)
class HandlingStep(Node):
    """A step of thaw or in-use handling, in the order it happens."""

    id: str = field(Slug(), True)
    step: str = field(Text(), True, "e.g. Thaw, Hold after thaw, Dilution in the infusion bag")
    condition: str = field(Text(), True, "e.g. 15 °C to 25 °C, in the carton")
    maximum: str = field(Text(), False, "the maximum time (72 h, 60 min) or number of cycles (3 cycles)")
    note: str = field(Text(), False, "e.g. Do not refreeze")


@dataclass(**M)
class Handling(Node):
    """Storage, shipping and thaw/in-use handling of a substance or product."""

    storage: str = field(Text(), False, "the storage condition, e.g. ≤ −60 °C (the storage statement itself is "
                         "`stability.storage`)")
    shipping: tuple = field(Records(Shipment), False, "shipping configurations (3.2.S.2.5 / 3.2.P.3.5)")
    in_use: tuple = field(Records(HandlingStep), False, "thaw and in-use handling, in order")


@dataclass(**M)
class FacilityArea(Node):
    """A building, suite or room of a facility and how it is used."""

    id: str = field(Slug(), True)
    building: str = field(Text(), True, "building, e.g. Building B")
    room: str = field(Text(), False, "suite or room, e.g. Suite 3 (upstream)")
    activities: str = field(Text(), True, "what is done there, e.g. cell expansion, transfection, harvest")
    classification: str = field(Text(), True, "cleanroom classification, e.g. Grade C (EU GMP Annex 1), "
                                "ISO 7 in operation")
    multi_product: str = field(Choice(*YES_NO), False, "true: other products are made there too")
    products: str = field(Text(), False, "which other products, and how (campaigns, changeover)")
    segregation: str = field(Text(), False, "segregation and containment, e.g. dedicated AHU, pressure cascade, BSL-2")


@dataclass(**M)
class Facility(Node):
    """A 3.2.A.1 document: a facility's narrative and, where given, the table of its areas."""

    id: str = field(Slug(), True)
    title: str = field(Text(), True)
    narrative: str = field(MD, False, "required unless `areas` are given")
    site: str = field(Slug(), False, "a `sites` id: the site the facility is at")
    areas: tuple = field(Records(FacilityArea), False, "buildings, suites and rooms, as a table")
