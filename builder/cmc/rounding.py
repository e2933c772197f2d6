"""Rounding a result to a limit's precision, as each authority does it (region data, never code).

USP GN 7.20 and Ph. Eur. GN 1.2 round half up; ChP practice (GB/T 8170) rounds half to even ⚠. A
result is rounded once, to the place of the bound's last typed digit; the limit never is. Ph. Eur.'s
letter speaks of significant figures, so a profile may ask for that reading too, as a second opinion
(criteria-and-results.md §3.1).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

RULES = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN}
OTHER = {"half-up": "half-even", "half-even": "half-up"}


@dataclass(frozen=True)
class Rounding:
    """A region's rule; `significant_figures` adds the Ph. Eur. literal reading as a second opinion;
    `dissolution` names the stage rule (usp: USP <711>/Ph. Eur. 2.9.3; chp: ChP 0931 ⚠)."""

    rule: str = "half-up"
    significant_figures: bool = False
    dissolution: str = "usp"

    @classmethod
    def of(cls, rule) -> "Rounding":
        """From a region profile's `rounding:` record (profile.RoundingRule)."""
        return cls(rule.rule, rule.significant_figures == "true", rule.dissolution or "usp")

    def readings(self) -> list[tuple[str, bool]]:
        """(rule, by significant figures) pairs whose verdicts a finding compares with the region's own."""
        others = [(OTHER[self.rule], False)]
        if self.significant_figures:
            others.append((self.rule, True))
        return others


def round_to(value: Decimal, quantum: Decimal, rule: str) -> Decimal:
    with localcontext() as ctx:  # enough digits for any value at any quantum: rounding stays exact
        ctx.prec = max(60, value.adjusted() - quantum.adjusted() + 3)
        return value.quantize(quantum, rounding=RULES[rule])


def significant_quantum(value: Decimal, digits: int) -> Decimal:
    """The place of the `digits`-th significant figure of `value` (0.954 at 2 figures → 0.01)."""
    if value == 0:
        return Decimal(1)
    return Decimal(1).scaleb(value.adjusted() - digits + 1)
