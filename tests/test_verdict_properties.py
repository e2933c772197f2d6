"""Property tests: for generated criteria of each form and generated results, the engine's verdict equals
an independent oracle that never parses text (it knows the numbers it wrote).

2,000 examples per property by default (CI, derandomized); `invoke fuzz --verdicts 20000` (or
CMC_PROPERTY_EXAMPLES=20000) runs more, with fresh random examples.
"""
from __future__ import annotations

import os
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.cmc.findings import Rules
from builder.cmc.measure import Reading
from builder.cmc.rounding import Rounding

REPO = Path(__file__).resolve().parents[1]
RULES = Rules.load(REPO / "templates")
EXAMPLES = int(os.environ.get("CMC_PROPERTY_EXAMPLES", "2000"))
# Derandomized at the default count, so CI is stable; `invoke fuzz --verdicts N` explores new examples.
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    derandomize="CMC_PROPERTY_EXAMPLES" not in os.environ)
RULE = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN}

UPPER = {"nmt": ["NMT", "not more than", "No more than", "≤", "不得过", "不得超过", "不高于", "应不高于"],
         "lt": ["<", "less than", "应小于"]}
LOWER = {"nlt": ["NLT", "not less than", "at least", "≥", "不得少于", "不低于"], "gt": [">", "greater than", "大于"]}
SEPARATORS = [" to ", "–", " – ", "～", "~", "至", " - "]
# (criterion unit text, result unit text, factor: one result unit in criterion units)
UNITS = [("%", "%", Decimal(1)), ("%", "ppm", Decimal("0.0001")), ("ppm", "%", Decimal(10000)), ("ppm", "ppm", Decimal(1)),
         ("mg", "µg", Decimal("0.001")), ("µg/mL", "ng/mL", Decimal("0.001")), ("EU/mL", "EU/ml", Decimal(1)),
         ("cfu/g", "CFU/g", Decimal(1)), ("ng/mg", "ppm", Decimal(1)), ("mOsm/kg", "mOsmol/kg", Decimal(1))]
POWERS = [lambda p: f" × 10^{p}", lambda p: f"×10^{p}", lambda p: f" x 10^{p}", lambda p: f"E{p}",
          lambda p: f"e+{p}" if p >= 0 else f"e{p}", lambda p: "×10" + str(p).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))]


def reading(rule: str) -> Reading:
    return Reading(RULES.vocab, RULES.units, Rounding(rule), "plain")


class _Test:
    category = result_unit = lod = loq = None
    test = "test"


def decimals(places_min=0, places_max=3, low=1, high=9999):
    return st.tuples(st.integers(low, high), st.integers(places_min, places_max)).map(
        lambda t: Decimal(t[0]).scaleb(-t[1]))


def text(value: Decimal) -> str:
    return format(value, "f")


def judged(criterion: str, result: str, rule: str) -> str:
    r = reading(rule)
    return r.judge(result, r.criterion(_Test(), criterion)).outcome


def oracle_bound(value: Decimal, bound: Decimal, upper: bool, strict: bool, rule: str) -> str:
    rounded = value.quantize(Decimal(1).scaleb(bound.as_tuple().exponent), rounding=RULE[rule])
    if upper:
        ok = rounded < bound if strict else rounded <= bound
    else:
        ok = rounded > bound if strict else rounded >= bound
    return "conforms" if ok else "oos"


def near(bound: Decimal, data) -> Decimal:
    """A value at, just around, or half a quantum from a bound (where rounding rules disagree), or anywhere."""
    quantum = Decimal(1).scaleb(bound.as_tuple().exponent)
    if data.draw(st.booleans()):
        return data.draw(decimals(0, 5))
    step = Decimal(data.draw(st.integers(-4, 4))) * quantum / 2
    extra = Decimal(data.draw(st.integers(-9, 9))).scaleb(bound.as_tuple().exponent - data.draw(st.integers(2, 4)))
    return abs(bound + step + (extra if data.draw(st.booleans()) else 0))


@PROPERTY
@given(kind=st.sampled_from(["nmt", "lt", "nlt", "gt"]), data=st.data(), bound=decimals(0, 3),
       units=st.sampled_from(UNITS), rule=st.sampled_from(["half-up", "half-even"]))
def test_one_sided_limits(kind, data, bound, units, rule):
    words = {**UPPER, **LOWER}[kind]
    word = data.draw(st.sampled_from(words))
    crit_unit, result_unit, factor = units
    result = near(bound, data) / factor
    space = data.draw(st.sampled_from(["", " "])) if not word[0].isalpha() else " "
    criterion = f"{word}{space}{text(bound)} {crit_unit}"
    expected = oracle_bound(result * factor, bound, kind in UPPER, kind in ("lt", "gt"), rule)
    assert judged(criterion, f"{text(result)} {result_unit}", rule) == expected


@PROPERTY
@given(low=decimals(1, 2, 10, 499), width=decimals(1, 2, 1, 500), power=st.integers(-3, 15),
       mantissa=decimals(0, 4, 1, 9999), shift=st.integers(-2, 2), data=st.data(),
       rule=st.sampled_from(["half-up", "half-even"]))
def test_ranges_with_powers_of_ten(low, width, power, mantissa, shift, data, rule):
    """`1.6–2.4 × 10^13 vg/mL` against results in every notation of a power of ten."""
    places = max(-low.as_tuple().exponent, -width.as_tuple().exponent)
    high = low + width
    low_t, high_t = (v.quantize(Decimal(1).scaleb(-places)) for v in (low, high))
    separator = data.draw(st.sampled_from(SEPARATORS))
    style = data.draw(st.sampled_from(["shared", "brackets", "both"]))
    notation = data.draw(st.sampled_from(POWERS))
    suffix = notation(power)
    if style == "shared":
        criterion = f"{text(low_t)}{separator}{text(high_t)}{suffix} vg/mL"
    elif style == "brackets":
        criterion = f"({text(low_t)}{separator}{text(high_t)}){POWERS[0](power)} vg/mL"
    else:
        criterion = f"{text(low_t)}{suffix}{separator}{text(high_t)}{suffix} vg/mL"
    result_power = power + shift
    if data.draw(st.booleans()):  # at or half a quantum around an end, typed under the criterion's power
        mantissa, result_power = near((low_t if data.draw(st.booleans()) else high_t), data), power
    result = f"{text(mantissa)}{data.draw(st.sampled_from(POWERS))(result_power)} vg/mL"
    value = mantissa.scaleb(result_power)
    quantum = Decimal(1).scaleb(power - places)
    rounded = value.quantize(quantum, rounding=RULE[rule])
    expected = "conforms" if low_t.scaleb(power) <= rounded <= high_t.scaleb(power) else "oos"
    assert judged(criterion, result, rule) == expected, (criterion, result)


@PROPERTY
@given(limit=decimals(1, 3, 1, 999), bound=decimals(1, 3, 1, 999), censor=st.sampled_from(["<", "≤", ">", "≥"]),
       kind=st.sampled_from(["nmt", "nlt"]))
def test_censored_results_follow_the_table(limit, bound, censor, kind):
    """criteria-and-results.md §3.3: a censored bound is compared exactly, never rounded."""
    criterion = f"{'NMT' if kind == 'nmt' else 'NLT'} {text(limit)} %"
    result = f"{censor} {text(bound)} %"
    below = censor in ("<", "≤")
    strict = censor in ("<", ">")
    if kind == "nmt":
        if below:
            expected = "conforms" if bound <= limit else "unchecked"
        else:
            expected = "oos" if (bound >= limit if strict else bound > limit) else "unchecked"
    else:
        if below:
            expected = "oos" if (bound <= limit if strict else bound < limit) else "unchecked"
        else:
            expected = "conforms" if bound >= limit else "unchecked"
    assert judged(criterion, result, "half-up") == expected


STATES = {"negative": ("Negative", "应为阴性"), "positive": ("Positive", "应为阳性"),
          "no-growth": ("No growth", "应无菌生长"), "absent": ("Absent in 1 g", "不得检出")}
RESULTS = {"negative": ["Negative", "阴性"], "positive": ["Positive", "阳性"], "no-growth": ["No growth", "无菌生长"],
           "growth": ["Growth", "有菌生长"], "absent": ["Absent", "Not detected", "未检出"],
           "present": ["Present", "Detected", "检出"], "conforms": ["Conforms", "Complies", "符合规定"],
           "fails": ["Does not conform", "不符合规定", "不合格"]}
OPPOSITE = {"negative": "positive", "positive": "negative", "no-growth": "growth", "absent": "present"}


@PROPERTY
@given(expects=st.sampled_from(sorted(STATES)), states=st.sampled_from(sorted(RESULTS)), data=st.data())
def test_text_results_are_judged_against_the_expected_state(expects, states, data):
    criterion = data.draw(st.sampled_from(STATES[expects]))
    result = data.draw(st.sampled_from(RESULTS[states]))
    if states == "fails" or states == OPPOSITE[expects]:
        expected = "oos"
    elif states in (expects, "conforms"):
        expected = "conforms"
    else:
        expected = "unchecked"
    assert judged(criterion, result, "half-up") == expected


@PROPERTY
@given(target=decimals(1, 2, 10, 999), tolerance=decimals(1, 2, 1, 99), data=st.data(),
       rule=st.sampled_from(["half-up", "half-even"]))
def test_target_plus_minus_tolerance(target, tolerance, data, rule):
    places = max(-target.as_tuple().exponent, -tolerance.as_tuple().exponent)
    low, high = target - tolerance, target + tolerance
    result = near((high if data.draw(st.booleans()) else low).quantize(Decimal(1).scaleb(-places)), data)
    quantum = Decimal(1).scaleb(-places)
    rounded = result.quantize(quantum, rounding=RULE[rule])
    expected = "conforms" if low <= rounded <= high else "oos"
    assert judged(f"pH {text(target)} ± {text(tolerance)}", text(result), rule) == expected


@PROPERTY
@given(value=decimals(0, 3, 1, 99999), power=st.integers(-3, 15), notation=st.sampled_from(POWERS))
def test_every_notation_reads_the_same_number(value, power, notation):
    quantity = reading("half-up").quantity(f"{text(value)}{notation(power)} vg/mL")
    assert quantity.value == value.scaleb(power)
    assert quantity.number.quantum == Decimal(1).scaleb(power + value.as_tuple().exponent)
