"""Stage "measure": every quantity a writer typed is read once, before anything plans or renders.

It runs right after validation and gates the later stages in the same way: a dose of `zero mg`, a
composition quantity nobody can add up or a stability period without a unit is an error at its
line, so views and checks only ever meet quantities they can read. `Reading` is what they read with:
one per (product, region), since the rounding rule is the region's and the number style the product's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import Diagnostics
from .amounts import parse_amount
from .clearance import measure_clearance
from .criteria import Criterion, parse, strip_tags
from .numbers import Unreadable, normalise
from .quantity import Quantity, parse_quantity
from .rounding import Rounding
from .units import Units
from .verdict import Declared, Judge
from .vocabulary import Vocabulary

TIME = {"hours": "hour", "days": "day", "weeks": "week", "months": "month", "years": "year",
        "cycles": "freeze_thaw_cycle"}


@dataclass
class Reading:
    vocab: Vocabulary
    units: Units
    rounding: Rounding = Rounding()
    style: str = "plain"
    _criteria: dict = field(default_factory=dict)
    _verdicts: dict = field(default_factory=dict)
    analyses: dict = field(default_factory=dict)   # cmc.stability.analyse, per programme
    storage_cases: dict = field(default_factory=dict)  # the region's ICH Q1E storage case → long-term conditions

    @property
    def judge(self) -> Judge:
        return Judge(self.vocab, self.units, self.rounding, self.style)

    def quantity(self, text: str) -> Quantity:
        return parse_quantity(text, self.units, self.style)

    def criterion(self, test, text: str) -> Criterion:
        key = (text, test.category)
        if key not in self._criteria:
            self._criteria[key] = parse(text, self.vocab, self.units, test.category)
        return self._criteria[key]

    def verdict(self, test, criterion_text: str, result: str):
        """The verdict of one (result, criterion) pair of `test`, judged once per distinct pair."""
        key = (result, criterion_text, test.category, test.result_unit, test.lod, test.loq)
        if key not in self._verdicts:
            self._verdicts[key] = self.judge(result, self.criterion(test, criterion_text), self.declared(test))
        return self._verdicts[key]

    def declared(self, test) -> Declared:
        unit, tags = self.result_unit(test.result_unit) if test.result_unit else (None, frozenset())
        return Declared(unit, self.quantity(test.lod) if test.lod else None,
                        self.quantity(test.loq) if test.loq else None, tags)

    def result_unit(self, text: str) -> tuple[Quantity, frozenset]:
        """`% (anhydrous basis)`: the unit and basis results of a test are reported in."""
        body, tags = strip_tags(normalise(text), self.vocab)
        body = re.sub(r"\(\s*[,;]?\s*\)", " ", body).strip()
        return self.quantity(f"1 {body}"), tags

    def months(self, text: str, unit: str = "months") -> Decimal | None:
        """A time point or period in months (Q1E arithmetic), None when it is not a time (cycles)."""
        return self.time(text, unit, "month")

    def hours(self, text: str, unit: str = "months") -> Decimal | None:
        """A time point or period in hours: exact for every unit from hours to years (a month is 730.5 h)."""
        return self.time(text, unit, "hour")

    def time(self, text: str, unit: str, target: str) -> Decimal | None:
        quantity = self.quantity(text)
        source = quantity.unit or TIME[unit]
        factor = self.units.factor(source, target)
        return None if factor is None else quantity.value * factor


def measure(content, reading: Reading, diags: Diagnostics) -> bool:
    """Read every quantity field; record an error at each one that cannot be read. True when all could."""
    before = len(diags.errors)
    _dose(content.product, reading, diags)
    for owner, path in _owners(content):
        for test in owner.specification.tests if owner.specification else ():
            _declarations(test, f"{path}.specification.tests[{test.id}]", reading, diags)
        if getattr(owner, "stability", None) is not None:
            _stability(owner.stability, f"{path}.stability", reading, diags)
    for dp in content.drug_products:
        _composition(dp, f"drug_products[{dp.id}]", reading, diags)
    measure_clearance(content, reading, diags)
    return len(diags.errors) == before


def _owners(content):
    for ds in content.drug_substances:
        yield ds, f"drug_substances[{ds.id}]"
    for dp in content.drug_products:
        yield dp, f"drug_products[{dp.id}]"
        for excipient in dp.excipients:
            if excipient.specification is not None:
                yield excipient, f"drug_products[{dp.id}].excipients[{excipient.id}]"


def _read(record, name: str, path: str, diags: Diagnostics, read, expected: str):
    try:
        return read()
    except Unreadable as exc:
        diags.error("E2621", f"{exc}; expected {expected}", record.where(name), f"{path}.{name}")
        return None


def _dose(product, reading: Reading, diags: Diagnostics) -> None:
    """The maximum daily dose sets the ICH thresholds: a positive mass (`200 mg`, `1.5 g`), nothing else."""
    if not product.max_daily_dose:
        return
    try:
        dose = reading.quantity(product.max_daily_dose)
    except Unreadable:
        dose = None
    mg = reading.units.factor(dose.unit or "", "milligram") if dose is not None else None
    if mg is None or dose.value <= 0:
        diags.error("E2513", f"'{product.max_daily_dose}' is not a maximum daily dose (expected a positive mass such "
                    "as 200 mg or 1.5 g)", product.where("max_daily_dose"), "product.max_daily_dose")


def _declarations(test, path: str, reading: Reading, diags: Diagnostics) -> None:
    if test.result_unit:
        _read(test, "result_unit", path, diags, lambda: reading.result_unit(test.result_unit),
              "a unit such as %, ppm, cfu/g or × 10^13 vg/mL")
    for name in ("lod", "loq"):
        text = getattr(test, name)
        if text:
            _read(test, name, path, diags, lambda t=text: reading.quantity(t), "a quantity such as 0.02 %")


def _stability(stability, path: str, reading: Reading, diags: Diagnostics) -> None:
    period = _read(stability, "period", path, diags, lambda: reading.quantity(stability.period),
                   "a time such as 36 months, 3 years or 24 hours")
    if period is not None and period.unit is None:
        diags.error("E2621", f"'{stability.period}' has no unit; expected e.g. 36 months, 3 years or 24 hours",
                    stability.where("period"), f"{path}.period")
    for study in stability.studies:
        unit = study.time_unit or "months"
        for index, point in enumerate(study.timepoints):
            where = f"{path}.studies[{study.id}].timepoints[{index}]"
            try:
                quantity = reading.quantity(point)
            except Unreadable as exc:
                diags.error("E2621", f"{exc}; expected a time point in {unit}", study.where("timepoints"), where)
                continue
            if quantity.unit and reading.units.factor(quantity.unit, TIME[unit]) is None:
                diags.error("E2621", f"'{point}' is not in {unit} (the study's time_unit)",
                            study.where("timepoints"), where)


def _composition(dp, path: str, reading: Reading, diags: Diagnostics) -> None:
    for strength in dp.strengths:
        _read(strength, "unit_weight", f"{path}.strengths[{strength.id}]", diags,
              lambda s=strength: reading.quantity(s.unit_weight), "a quantity such as 250.0 mg or 10.0 mL")
    for component in dp.composition:
        where = f"{path}.composition[{component.id}]"
        if not component.function and component.subtotal != "true":
            diags.error("E2201", "missing required field 'function'", component.at, where)
        if component.molar_ratio:
            _molar_ratio(component, where, reading, diags)
        for strength, text in component.quantities.items():
            try:
                amount = parse_amount(text, reading.units)
            except Unreadable as exc:
                diags.error("E2506", f"{exc}; expected e.g. 25.0 mg, 0.50 mL, q.s. or q.s. to 10.0 mL",
                            component.where(f"quantities.{strength}"), f"{where}.quantities.{strength}")
                continue
            if component.subtotal == "true" and amount.kind != "quantity":
                diags.error("E2506", f"a subtotal states a quantity, not '{text}'",
                            component.where(f"quantities.{strength}"), f"{where}.quantities.{strength}")


def _molar_ratio(component, where: str, reading: Reading, diags: Diagnostics) -> None:
    """A lipid's share of the total lipid: a number of mol % (`46.3` or `46.3 %`)."""
    share = _read(component, "molar_ratio", where, diags, lambda: reading.quantity(component.molar_ratio),
                  "a share in mol %, e.g. 46.3")
    if share is not None and (share.unit not in (None, "percent") or share.basis is not None):
        diags.error("E2621", f"'{component.molar_ratio}' is not a share in mol % (e.g. 46.3)",
                    component.where("molar_ratio"), f"{where}.molar_ratio")
