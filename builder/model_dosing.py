"""The labelled dose and the containers it is drawn from (3.2.P.1), as numbers the checks can read.

A gene therapy is dosed in vector genomes per kg from vials of a stated concentration and fill; an
autologous cell therapy in viable cells per kg (or a flat dose) from the bags of one patient's lot; a
vaccine as a flat dose. Writing the dose, the body weights the label covers and each presentation's
concentration, volume and content as quantities lets `cmc/dose_checks.py` verify that they agree
with each other and with every lot, in exact decimals (never floats).
"""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import MD, M, Node
from .schema import Records, Slug, Text, WholeNumber, field


@dataclass(**M)
class Presentation(Node):
    """One container as it is dosed: what it holds and how many one dose may take."""

    id: str = field(Slug(), True)
    strength: str = field(Slug(), True, "the strength this container is (a `strengths` id); its `unit_weight` is "
                          "the fill volume unless `volume` says otherwise")
    content: str = field(Text(), True, "what one container holds, e.g. 1.1 × 10^14 vg or 2.0 × 10^8 CAR+ T cells")
    concentration: str = field(Text(), False, "nominal concentration, e.g. 2.0 × 10^13 vg/mL: with the volume it "
                               "must give the content (F4921)")
    volume: str = field(Text(), False, "the extractable volume, when it differs from the strength's unit_weight "
                        "(e.g. 5.5 mL extractable from a 6.0 mL fill)")
    max_containers: str = field(WholeNumber(), False, "the most containers one dose may take (the largest kit): the "
                                "highest dose at the highest body weight must fit (F4922)")


@dataclass(**M)
class Dosing(Node):
    """The labelled dose: per kg of body weight (`vg/kg`, `cells/kg`) or flat, a value or a range."""

    route: str = field(Text(), True, "route and mode of administration, e.g. single intravenous infusion")
    dose: str = field(Text(), True, "the labelled dose: a value (1.1 × 10^14 vg/kg) or a range (1.0 × 10^6 to "
                      "2.5 × 10^6 CAR+ T cells/kg, 30 µg mRNA); per kg when its unit is per kg")
    body_weight: str = field(Text(), False, "the body weights the label covers, e.g. 2.6 kg to 21.0 kg (needed to "
                             "check a per-kg dose against the presentations)")
    weight_basis: str = field(Text(), False, "which weight the dose is calculated on, e.g. actual body weight at "
                              "apheresis")
    max_dose: str = field(Text(), False, "a cap on the total dose whatever the weight, e.g. 2.5 × 10^8 CAR+ T cells")
    presentations: tuple = field(Records(Presentation), False, "the containers a dose is drawn from")
    statement: str = field(MD, False, "how a dose is prepared and given (printed in 3.2.P.1)")
