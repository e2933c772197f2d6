"""The verdict table: every (criterion, result) form in English and Chinese, judged under each region's rules.

`tests/data/verdicts.tsv` is data a reviewer can read: criterion, result, regions, expected verdict
(C, OOS, NC, ERR, with +info where another rounding reading would disagree), the test's declarations
and why. Each region's rules are its real profile's (templates/*/region.yaml), so changing a rounding
rule there shows here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.cmc.findings import Rules
from builder.cmc.measure import Reading
from builder.cmc.rounding import Rounding
from builder.errors import Diagnostics
from builder.profile import load_profile

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "tests" / "data" / "verdicts.tsv"
REGIONS = ("fda", "ema", "nmpa")
OUTCOMES = {"C": "conforms", "OOS": "oos", "NC": "unchecked", "ERR": "error"}


class _Test:
    """The fields of a specification test that judging reads."""

    def __init__(self, declare: dict):
        self.category = declare.get("category")
        self.result_unit = declare.get("result_unit")
        self.lod = declare.get("lod")
        self.loq = declare.get("loq")
        self.test = "test"


def _rows():
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["criterion", "result", "region", "verdict", "declare", "why"]
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        criterion, result, regions, verdict, declare, why = line.split("\t")
        declared = dict(pair.split("=", 1) for pair in declare.split("; ")) if declare else {}
        for region in REGIONS if regions == "all" else regions.split(","):
            yield pytest.param(criterion, result, region, verdict, declared, id=f"L{number}-{region}")


ROWS = list(_rows())


@pytest.fixture(scope="module")
def readings():
    rules = Rules.load(REPO / "templates")
    found = {}
    for region in REGIONS:
        profile, _ = load_profile(REPO / "templates", region, Diagnostics())
        found[region] = (rules, Rounding.of(profile.rounding))
    return found


def test_the_table_is_large_and_bilingual():
    rows = {(r.values[0], r.values[1], r.values[3]) for r in ROWS}
    chinese = [r for r in rows if any("\u4e00" <= ch <= "\u9fff" for ch in r[0] + r[1])]
    assert len(rows) >= 200 and len(chinese) >= 60
    assert {v.split("+")[0] for _, _, v in rows} == set(OUTCOMES)


@pytest.mark.parametrize("criterion, result, region, expected, declared", ROWS)
def test_verdict(readings, criterion, result, region, expected, declared):
    rules, rounding = readings[region]
    reading = Reading(rules.vocab, rules.units, rounding, declared.get("number_style", "plain"))
    test = _Test(declared)
    verdict = reading.judge(result, reading.criterion(test, criterion), reading.declared(test))
    outcome, _, info = expected.partition("+")
    assert (verdict.outcome, bool(verdict.note)) == (OUTCOMES[outcome], bool(info)), verdict
