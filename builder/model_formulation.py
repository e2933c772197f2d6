"""Numbers of a formulation that a mass composition does not carry: the lipid molar ratios and N/P
ratio of a lipid nanoparticle and what each lipid is (regions.md §6.2; the molar ratios themselves are the
composition rows' `molar_ratio`), and the drug-load distribution of a conjugate's
batch (regions.md §6.3). Checked in `cmc/formulation_checks.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .nodes import MD, M, Node
from .schema import Choice, MapOf, Records, Slug, Text, field

LIPID_ROLES = ("ionisable-lipid", "phospholipid", "sterol", "peg-lipid", "other")
DRUG_LOAD = MapOf(re.compile(r"^[0-9]{1,2}$"), "a drug load (0, 2, 4 …)", Text())


@dataclass(**M)
class Lipid(Node):
    """One lipid of the particle: its composition row (which states its molar ratio), role and molar mass."""

    id: str = field(Slug(), True, "the lipid's composition row (a `composition` id), whose `molar_ratio` is its "
                    "share of the total lipid in mol % (F4951 when it has none)")
    role: str = field(Choice(*LIPID_ROLES), True, "what it does in the particle")
    molar_mass: str = field(Text(), False, "its molar mass, e.g. 710.2 g/mol: with the composition's masses the "
                            "molar ratio is recomputed (F4954)")


@dataclass(**M)
class LipidNanoparticle(Node):
    """The lipid nanoparticle of an mRNA product (3.2.P.1): its lipids and the N/P ratio."""

    lipids: tuple = field(Records(Lipid), True, "every lipid, with its molar ratio")
    np_ratio: str = field(Text(), False, "N/P ratio: ionisable-lipid amine to RNA phosphate, e.g. 6.0 (required by "
                          "the lipid-composition check, F4952)")
    description: str = field(MD, False, "how the particle is formed (mixing, flow-rate ratio, buffer exchange)")
