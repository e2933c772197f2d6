"""Acceptance criteria as typed are understood, and results are judged at the criterion's precision."""
from decimal import Decimal

import pytest

from builder.cmc.criteria import judge, parse
from builder.cmc.findings import Rules

from conftest import REPO

VOCAB = Rules.load(REPO / "templates").vocab


@pytest.mark.parametrize("text, kind, low, high, places", [
    ("NMT 0.15 %", "nmt", None, "0.15", 2),
    ("NMT 0.5 %", "nmt", None, "0.5", 1),
    ("不得过0.30%", "nmt", None, "0.30", 2),
    ("NLT 80 %", "nlt", "80", None, 0),
    ("95.0 % to 105.0 % of label claim", "range", "95.0", "105.0", 1),
    ("含艾克普替尼（C₂₄H₂₇N₇O₂）应为标示量的95.0%～105.0%", "range", "95.0", "105.0", 1),
    ("Q = 80 % in 30 min", "q", "80", None, 0),
    ("30分钟时限度（Q）为标示量的80%", "q", "80", None, 0),
    ("NMT 10³ CFU/g", "nmt", None, "1000", 0),
    ("不得过10² cfu/g", "nmt", None, "100", 0),
    ("Acceptance value (AV) NMT 15.0", "nmt", None, "15.0", 1),
    ("应符合规定（A+2.2S≤15.0）", "nmt", None, "15.0", 1),
    ("< 0.10 %", "lt", None, "0.10", 2),
    ("Report result", "report", None, None, 0),
    ("Pale yellow to yellow crystalline powder", "text", None, None, 0),
    ("Absent in 1 g", "text", None, None, 0),
])
def test_criteria_are_understood(text, kind, low, high, places):
    criterion = parse(text, VOCAB)
    assert (criterion.kind, criterion.low, criterion.high) == (
        kind, Decimal(low) if low else None, Decimal(high) if high else None)
    if kind not in ("text", "report", "q"):
        assert criterion.places == places


@pytest.mark.parametrize("result, criterion, outcome", [
    ("0.15", "NMT 0.15 %", "conforms"),
    ("0.154", "NMT 0.15 %", "conforms"),      # rounds to 0.15
    ("0.155", "NMT 0.15 %", "fails"),         # rounds to 0.16
    ("0.16", "NMT 0.15 %", "fails"),
    ("< 0.05", "NMT 0.15 %", "conforms"),
    ("< 0.20", "NMT 0.15 %", "unchecked"),
    ("104.96", "95.0 % to 105.0 %", "conforms"),
    ("105.06", "95.0 % to 105.0 %", "fails"),
    ("92.4", "92.5 % to 105.0 %", "fails"),
    ("96 (93–99)", "Q = 80 % in 30 min", "conforms"),
    ("82 (78–86)", "Q = 80 % in 30 min", "conforms"),   # stage 2
    ("78 (60–85)", "Q = 80 % in 30 min", "fails"),
    ("Conforms", "Pale yellow to yellow crystalline powder", "conforms"),
    ("Does not conform", "Pale yellow to yellow crystalline powder", "fails"),
    ("符合规定", "本品为淡黄色至黄色结晶性粉末", "conforms"),
    ("Absent", "Absent in 1 g", "conforms"),
    ("NT", "NMT 0.15 %", "unchecked"),
    ("–", "NMT 0.15 %", "unchecked"),
    ("< 10", "NMT 10² CFU/g", "conforms"),
    ("3.4", "Acceptance value (AV) NMT 15.0", "conforms"),
    ("17", "Report result", "unchecked"),
])
def test_results_are_judged_at_the_precision_of_the_criterion(result, criterion, outcome):
    assert judge(result, parse(criterion, VOCAB), VOCAB).outcome == outcome
