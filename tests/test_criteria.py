"""Acceptance criteria as typed are understood (kind, bounds, quantum, unit), or said not to be.

The verdicts of (criterion, result) pairs are in test_verdicts.py (the table) and
test_verdict_properties.py (an oracle); this file pins what a criterion *means*.
"""
from decimal import Decimal

import pytest

from builder.cmc.criteria import parse
from builder.cmc.findings import Rules

from conftest import REPO

RULES = Rules.load(REPO / "templates")


def _parse(text, category=None):
    return parse(text, RULES.vocab, RULES.units, category)


@pytest.mark.parametrize("text, kind, low, high, quantum, unit", [
    ("NMT 0.15 %", "limit", None, "0.15", "0.01", "percent"),
    ("NMT 0.5 %", "limit", None, "0.5", "0.1", "percent"),
    ("不得过0.30%", "limit", None, "0.30", "0.01", "percent"),
    ("不得过０．５０％", "limit", None, "0.50", "0.01", "percent"),
    ("NLT 80 %", "limit", "80", None, "1", "percent"),
    ("95.0 % to 105.0 % of label claim", "limit", "95.0", "105.0", "0.1", "percent"),
    ("含艾克普替尼（C₂₄H₂₇N₇O₂）应为标示量的95.0%～105.0%", "limit", "95.0", "105.0", "0.1", "percent"),
    ("NMT 10³ CFU/g", "limit", None, "1000", "1000", "colony_forming_unit / gram"),
    ("不得过10² cfu/g", "limit", None, "100", "100", "colony_forming_unit / gram"),
    ("Acceptance value (AV) NMT 15.0", "limit", None, "15.0", "0.1", None),
    ("< 0.10 %", "limit", None, "0.10", "0.01", "percent"),
    ("1.6–2.4 × 10^13 vg/mL", "limit", "1.6E13", "2.4E13", "1E12", "vector_genome / milliliter"),
    ("(1.0–5.0) × 10^13 vg/mL", "limit", "1.0E13", "5.0E13", "1E12", "vector_genome / milliliter"),
    ("1.0E13–5.0E13 vg/mL", "limit", "1.0E13", "5.0E13", "1E12", "vector_genome / milliliter"),
    ("应为1.0×10^13～5.0×10^13 vg/ml", "limit", "1.0E13", "5.0E13", "1E12", "vector_genome / milliliter"),
    ("−36° to −40°", "limit", "-40", "-36", "1", "arc_degree"),
    ("pH 5.5 ± 0.3", "limit", "5.2", "5.8", "0.1", None),
    ("NLT 90.0 % and NMT 110.0 %", "limit", "90.0", "110.0", "0.1", "percent"),
    ("between 90.0 % and 110.0 %", "limit", "90.0", "110.0", "0.1", "percent"),
])
def test_limits_are_understood(text, kind, low, high, quantum, unit):
    criterion = _parse(text)
    assert criterion.kind == kind, criterion.reason
    assert (criterion.low.value if criterion.low else None) == (Decimal(low) if low else None)
    assert (criterion.high.value if criterion.high else None) == (Decimal(high) if high else None)
    bound = criterion.high or criterion.low
    assert bound.quantity.number.quantum == Decimal(quantum)
    assert bound.quantity.unit == unit


def test_strict_and_inclusive_limits_differ():
    assert _parse("< 0.25 EU/mL").high.inclusive is False
    assert _parse("NMT 0.25 EU/mL").high.inclusive is True
    assert _parse("每1ml中含内毒素的量应小于0.50EU").high.inclusive is False


@pytest.mark.parametrize("text, amount, unit", [
    ("NMT 10 ng per 1.0 × 10^13 vg", Decimal("1.0E13"), "vector_genome"),
    ("每1.0×10^13 vg中宿主细胞DNA残留量不得过10 ng", Decimal("1.0E13"), "vector_genome"),
    ("每1次人用剂量应不高于10 ng", Decimal(1), "dose"),
    ("每1ml中含内毒素的量应小于0.50EU", Decimal(1), "milliliter"),
])
def test_a_basis_is_part_of_the_limit(text, amount, unit):
    basis = (_parse(text).high or _parse(text).low).quantity.basis
    assert (basis.amount, basis.unit) == (amount, unit)


@pytest.mark.parametrize("text, kind, expects", [
    ("Q = 80 % in 30 min", "dissolution", None),
    ("30分钟时限度（Q）为标示量的80%", "dissolution", None),
    ("应符合规定（A+2.2S≤15.0）", "two-stage", None),
    ("VP1:VP2:VP3 approx. 1:1:10", "ratio", None),
    ("Report result", "report", None),
    ("报告结果", "report", None),
    ("Pale yellow to yellow crystalline powder", "text", None),
    ("Absent in 1 g", "text", "absent"),
    ("每1 g不得检出", "text", "absent"),
    ("Mycoplasma: negative", "text", "negative"),
    ("无菌检查 应符合规定", "text", "no-growth"),
    ("应符合规定", "text", "conforms"),
])
def test_other_forms_are_understood(text, kind, expects):
    criterion = _parse(text)
    assert (criterion.kind, criterion.expects) == (kind, expects)


def test_dissolution_q_is_the_percentage_not_the_minutes():
    assert _parse("30分钟时限度（Q）为标示量的80%").q == Decimal(80)
    assert _parse("NLT 80 % (Q) in 30 min").q == Decimal(80)


def test_identity_values_are_read_from_their_framing_words():
    assert _parse("应为AAV9血清型").identity == "AAV9"
    assert _parse("Identity: AAV9").identity == "AAV9"


def test_descriptions_are_text_whatever_numbers_they_hold():
    text = "50 mg – yellow, round, biconvex film-coated tablets, 9 mm in diameter"
    assert _parse(text, "description").kind == "text"
    assert _parse(text).kind == "unknown"


@pytest.mark.parametrize("text", [
    "≥ 10 µm: NMT 6000; ≥ 25 µm: NMT 600 per container",   # compound
    "Peak area NMT that of the reference solution (0.1 %)",  # a comparison with no number
    "100 % ± 10 %",                                           # points or relative?
    "NMT 5 furlongs",                                        # a unit nobody declared
    "1 × 10E13 – 5 × 10E13 vg/mL",                           # 10^13 or 10^14?
])
def test_what_cannot_be_read_is_said_not_to_be_understood(text):
    criterion = _parse(text)
    assert criterion.kind == "unknown" and criterion.reason
