"""Three verdicts, never a silent fourth: a (result, criterion) pair conforms, is out of specification,
or is not checked, with the reason; a result that cannot be read exactly is an error.

The result is converted into the criterion's unit and basis (pint, exact Decimals), then rounded
once to each bound's quantum by the region's rule; where another reading (the other rounding rule,
Ph. Eur.'s significant figures) would give another verdict, the verdict carries a note saying so.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from . import dissolution
from .criteria import Bound, Criterion
from .numbers import Unreadable
from .quantity import Quantity
from .results import Result, read
from .rounding import Rounding, round_to, significant_quantum
from .units import Units
from .vocabulary import Vocabulary

CONFORMS, OOS, UNCHECKED, ERROR = "conforms", "oos", "unchecked", "error"


@dataclass(frozen=True)
class Declared:
    """What a test states about its results: the unit bare numbers are in, its LOD and LOQ."""

    result_unit: Quantity | None = None   # a template: its unit, basis, log flag and power of ten
    lod: Quantity | None = None
    loq: Quantity | None = None
    tags: frozenset = frozenset()         # the basis results are reported on (anhydrous, dried)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str = ""
    note: str = ""   # another reading gives another verdict


@dataclass(frozen=True)
class Judge:
    vocab: Vocabulary
    units: Units
    rounding: Rounding = Rounding()
    style: str = "plain"

    def __call__(self, text: str, criterion: Criterion, declared: Declared = Declared()) -> Verdict:
        if not criterion.understood:  # the result's form depends on the criterion's: nothing to read it against
            return Verdict(UNCHECKED, f"criterion not understood: {criterion.reason}")
        try:
            result = read(text, self.vocab, self.units, self.style, as_text=criterion.kind == "text")
        except Unreadable as exc:
            return Verdict(ERROR, str(exc))
        if result.kind == "not-evaluated":
            return Verdict(UNCHECKED, "not evaluated")
        return _KINDS[criterion.kind](self, result, criterion, declared)

    # -- text, report, ratio -------------------------------------------------------------------
    def text(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        state = result.state
        if state == "fails":
            return Verdict(OOS, f"reported as '{result.text}'")
        if state == "conforms":
            return Verdict(CONFORMS)
        expects = criterion.expects
        if expects and expects != "conforms":
            if state == expects or (expects == "absent" and result.limit == "lod"):
                return Verdict(CONFORMS)
            opposite = self.vocab.states[expects].opposite
            if state is not None and state == opposite:
                return Verdict(OOS, f"'{result.text}' where the criterion expects {expects.replace('-', ' ')}")
            return Verdict(UNCHECKED, f"'{result.text}' does not say whether the result is {expects.replace('-', ' ')}")
        if criterion.identity:
            return _identity(result.text, criterion.identity)
        if result.text.strip().casefold() == criterion.text.strip().casefold():
            return Verdict(CONFORMS)
        return Verdict(UNCHECKED, "a descriptive criterion: the reviewer compares the words")

    def report(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        return Verdict(CONFORMS, "reported (no limit)")

    def ratio(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        if result.kind != "ratio" or len(result.values) != len(criterion.ratio):
            return Verdict(UNCHECKED, "the result is not a ratio of the criterion's members")
        if criterion.tolerance is None:
            return Verdict(UNCHECKED, "a ratio without a tolerance cannot be judged")
        share = criterion.tolerance / 100
        for got, target in zip(result.values, criterion.ratio):
            if not target * (1 - share) <= got.value <= target * (1 + share):
                return Verdict(OOS, f"{got.value} is outside {target} ± {criterion.tolerance} %")
        return Verdict(CONFORMS)

    # -- numeric ---------------------------------------------------------------------------------
    def limit(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        if result.kind == "text":
            return self._text_against_number(result, criterion, declared)
        if result.kind == "ratio":
            return Verdict(UNCHECKED, "a ratio against a numeric criterion")
        try:
            result = _declare(result, criterion, declared)
        except Unreadable as exc:
            return Verdict(ERROR, str(exc))
        if declared.tags and not result.tags:
            result = replace(result, tags=declared.tags)
        problem = _tags(result, criterion, self.vocab)
        if problem:
            return Verdict(UNCHECKED, problem)
        if result.kind == "censored":
            return self._censored(result.quantity, result.censor, criterion)
        if result.kind in ("values", "summary"):
            return self._several(result, criterion)
        return self._exact(result.quantity, criterion)

    def two_stage(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        verdict = self.limit(result, criterion, declared)
        if verdict.outcome == OOS:
            return Verdict(UNCHECKED, "above L: ChP 0941 needs 20 more units (A+S > L fails)")
        return verdict

    def dissolve(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        if result.kind == "text":
            return self._text_against_number(result, criterion, declared)
        quantities = list(result.values) if result.kind in ("values", "summary") else []
        if not quantities or any(q.unit not in (None, "percent") for q in quantities):
            return Verdict(UNCHECKED, "dissolution needs the unit values (or mean with min–max) in %")
        values = [q.value for q in quantities]
        rule = self.rounding.dissolution
        if result.kind == "summary":
            return Verdict(*dissolution.judge_summary(values[0], values[1], criterion.q, rule))
        return Verdict(*dissolution.RULES[rule](values, criterion.q))

    def _text_against_number(self, result: Result, criterion: Criterion, declared: Declared) -> Verdict:
        if result.state == "fails":
            return Verdict(OOS, f"reported as '{result.text}'")
        bound = {"lod": declared.lod, "loq": declared.loq}.get(result.limit)
        if result.limit and bound is None:
            return Verdict(UNCHECKED, f"'{result.text}' needs the test's declared {result.limit.upper()}")
        if bound is not None:
            return self._censored(bound, "lt", criterion)
        return Verdict(UNCHECKED, f"'{result.text}' is not a number; the criterion needs one")

    def _several(self, result: Result, criterion: Criterion) -> Verdict:
        """Unit values must each conform; of a mean (min–max), only the mean can fail the criterion."""
        verdicts = [self._exact(q, criterion) for q in result.values]
        deciding = verdicts[:1] if result.kind == "summary" else verdicts
        failed = next((v for v in deciding if v.outcome == OOS), None)
        if failed is not None:
            return failed
        if all(v.outcome == CONFORMS for v in verdicts):
            return Verdict(CONFORMS, "", next((v.note for v in verdicts if v.note), ""))
        if result.kind == "summary":
            return Verdict(UNCHECKED, "the mean conforms but the range reaches beyond the criterion")
        return next(v for v in verdicts if v.outcome != CONFORMS)

    def _exact(self, quantity: Quantity, criterion: Criterion) -> Verdict:
        outcome, reason = self._reading(quantity, criterion, self.rounding.rule, False)
        if outcome not in (CONFORMS, OOS):
            return Verdict(outcome, reason)
        notes = []
        for rule, figures in self.rounding.readings():
            other, _ = self._reading(quantity, criterion, rule, figures)
            if other != outcome:
                how = "significant figures (Ph. Eur. literal reading)" if figures else f"{rule} rounding"
                notes.append(f"by {how} it would be {'out of specification' if other == OOS else 'conforming'}")
        return Verdict(outcome, reason, "; ".join(notes))

    def _reading(self, quantity: Quantity, criterion: Criterion, rule: str, figures: bool) -> tuple[str, str]:
        for bound, upper in ((criterion.low, False), (criterion.high, True)):
            if bound is None:
                continue
            value = _in_frame(quantity, bound, self.units)
            if value is None:
                return UNCHECKED, _incommensurable(quantity, bound, self.units)
            if _microbial(bound, self.units):
                if value > 2 * bound.value:
                    return OOS, (f"{_show(value)} is above {_show(2 * bound.value)}, the most a limit of "
                                 f"{_show(bound.value)} accepts (USP <1111>)")
                continue
            else:
                number = bound.quantity.number
                quantum = significant_quantum(value, number.digits) if figures else number.quantum
                rounded = round_to(value, quantum, rule) if not quantity.log and not bound.quantity.log else value
                ok = _within(rounded, bound, upper)
            if not ok:
                typed = _show(value, quantity.number.quantum) if value == quantity.value else \
                    f"10^{quantity.value}" if quantity.log else _show(value)
                shown = typed if rounded == value else f"{typed}, rounded to {_show(rounded)},"
                side = ("above" if bound.inclusive else "not below") if upper else \
                    ("below" if bound.inclusive else "not above")
                return OOS, f"{shown} is {side} the limit {_show(bound.value, bound.quantity.number.quantum)}"
        return CONFORMS, ""

    def _censored(self, quantity: Quantity, censor: str, criterion: Criterion) -> Verdict:
        """§3.3: the values a censored result allows are compared with the limits exactly, never rounded:
        conforms when every one of them would, out of specification when none would."""
        low, high = criterion.low, criterion.high
        at = {}
        for name, bound in (("low", low), ("high", high)):
            if bound is not None:
                at[name] = _in_frame(quantity, bound, self.units)
                if at[name] is None:
                    return Verdict(UNCHECKED, _incommensurable(quantity, bound, self.units))
        strict = censor in ("lt", "gt")
        if censor in ("lt", "le"):   # every value up to a: an upper limit can hold for all, a lower for none
            if low is not None and (at["low"] <= low.value if strict or not low.inclusive else at["low"] < low.value):
                return Verdict(OOS, f"every value {censor_text(censor)} {_show(at['low'])} is below {_show(low.value)}")
            if low is None and (at["high"] <= high.value if strict or high.inclusive else at["high"] < high.value):
                return Verdict(CONFORMS)
        else:                        # every value from a up: the mirror image
            if high is not None and (at["high"] >= high.value if strict or not high.inclusive
                                     else at["high"] > high.value):
                return Verdict(OOS, f"every value {censor_text(censor)} {_show(at['high'])} is above "
                                    f"{_show(high.value)}")
            if high is None and (at["low"] >= low.value if strict or low.inclusive else at["low"] > low.value):
                return Verdict(CONFORMS)
        shown = _show(next(iter(at.values())))
        return Verdict(UNCHECKED, f"'{censor_text(censor)} {shown}' could be on either side of the limit")


def censor_text(censor: str) -> str:
    return {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}[censor]


def _identity(text: str, expected: str) -> Verdict:
    tokens = [t.strip(".,:;。，") for t in text.replace("：", " ").split()]
    if any(t.casefold() == expected.casefold() for t in tokens):
        return Verdict(CONFORMS)
    if len(tokens) == 1 and any(c.isdigit() for c in tokens[0]) and tokens[0][:1].isalpha():
        return Verdict(OOS, f"'{text}' where the criterion expects {expected}")
    return Verdict(UNCHECKED, f"'{text}' does not name {expected}")


def _declare(result: Result, criterion: Criterion, declared: Declared) -> Result:
    """Bare numbers take the test's declared result unit; without one they are an error, because
    `2.1` against `1.6–2.4 × 10^13 vg/mL` is a tenfold mistake waiting to be read as conforming."""
    target = criterion.quantity
    if target is None:
        return result
    needs_unit = target.unit not in (None, "dimensionless") or target.basis is not None
    big_power = target.number.power is not None and abs(target.number.power) >= 4 and not target.number.bare_power \
        and not target.log
    quantities = [result.quantity] if result.quantity else list(result.values)
    missing = [q for q in quantities if q.unit is None and q.basis is None] if needs_unit else []
    powerless = [q for q in quantities if q.number.power is None and not q.log] if big_power else []
    if not missing and not powerless:
        return result
    template = declared.result_unit
    if template is None:
        what = "unit" if missing and not powerless else "power of ten" if not missing else "power of ten and unit"
        raise Unreadable(f"'{result.text}' has no {what}, but the criterion '{criterion.text}' needs one; "
                         "type it with the result, or state the unit results are reported in (`result_unit`)")
    def apply(q: Quantity) -> Quantity:
        if q.unit is not None or q.basis is not None:
            return q
        number = q.number
        if template.number.power is not None and number.power is None:
            number = number.scaled(template.number.power)
        return Quantity(number, template.unit, template.basis, template.log)
    if result.quantity:
        return replace(result, quantity=apply(result.quantity))
    return replace(result, values=tuple(apply(q) for q in result.values))


def _describe(quantity: Quantity, units: Units) -> str:
    unit = units.show(quantity.unit or "")
    basis = f" per {_show(quantity.basis.amount)} {units.show(quantity.basis.unit)}" if quantity.basis else ""
    return (("log10 " if quantity.log else "") + unit + basis).strip() or "a plain number"


def _tags(result: Result, criterion: Criterion, vocab: Vocabulary) -> str:
    for tag in criterion.tags ^ result.tags:
        if not vocab.implied(tag):
            return f"the criterion and the result are not on the same basis ({tag})"
    return ""


def _in_frame(quantity: Quantity, bound: Bound, units: Units) -> Decimal | None:
    """The result's value in the bound's unit and basis; a log10 titre and a linear limit meet in the
    bound's own scale (7.1 log10 TCID50/mL against ≥ 1.0 × 10^7 TCID50/mL is 10^7.1 ≥ 10^7)."""
    plain = Quantity(quantity.number, quantity.unit, quantity.basis)
    target = Quantity(bound.quantity.number, bound.quantity.unit, bound.quantity.basis)
    factor = plain.factor_to(target, units)
    if factor is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 50
        if quantity.log and bound.quantity.log:
            return quantity.value + factor.log10()
        if quantity.log:
            return Decimal(10) ** quantity.value * factor
        if bound.quantity.log:
            return (quantity.value * factor).log10() if quantity.value > 0 else None
        return quantity.value * factor


def _within(value: Decimal, bound: Bound, upper: bool) -> bool:
    if upper:
        return value <= bound.value if bound.inclusive else value < bound.value
    return value >= bound.value if bound.inclusive else value > bound.value


def _microbial(bound: Bound, units: Units) -> bool:
    """USP <1111>: a limit typed as 10^n cfu accepts counts up to 2 × 10^n."""
    unit = bound.quantity.unit or ""
    return bound.quantity.number.bare_power and "colony_forming_unit" in units.dimension(unit)


def _incommensurable(quantity: Quantity, bound: Bound, units: Units) -> str:
    return (f"not commensurable: the result is in {_describe(quantity, units)}, the criterion in "
            f"{_describe(bound.quantity, units)}")


def _show(value: Decimal, quantum: Decimal | None = None) -> str:
    """A value for a message: at its quantum when known (0.50 stays 0.50), `2.4 × 10^13` when large."""
    if quantum is not None and quantum.adjusted() <= 0:
        return format(value.quantize(quantum), "f")
    value = value.normalize()
    if -4 <= value.adjusted() < 7:
        return format(value, "f")
    mantissa = value.scaleb(-value.adjusted())
    return f"{format(mantissa, 'f')} × 10^{value.adjusted()}"


_KINDS = {"text": Judge.text, "report": Judge.report, "ratio": Judge.ratio, "limit": Judge.limit,
          "two-stage": Judge.two_stage, "dissolution": Judge.dissolve}

__all__ = ["CONFORMS", "OOS", "UNCHECKED", "ERROR", "Declared", "Judge", "Verdict"]
