"""Dissolution stage rules: a Q criterion is not one comparison (criteria-and-results.md §3.4).

USP <711> (harmonised with Ph. Eur. 2.9.3): S1 6 units each ≥ Q+5; S2 12 units, mean ≥ Q, none < Q−15;
S3 24 units, mean ≥ Q, at most 2 < Q−15, none < Q−25 (points of label claim). ChP 0931 ⚠ (from
memory in the reference, so a region selects it as data): 6 units all ≥ Q, or 1–2 below Q but none
below Q−10 with the mean ≥ Q. Data that cannot decide a stage is not checked, never passed.
"""
from __future__ import annotations

from decimal import Decimal


def judge_usp(values: list[Decimal], q: Decimal) -> tuple[str, str]:
    n = len(values)
    if any(v < q - 25 for v in values):
        return "oos", f"a unit below Q − 25 ({q - 25} %) fails every stage"
    mean = sum(values) / n
    if n == 6:
        if all(v >= q + 5 for v in values):
            return "conforms", ""
        return "unchecked", f"stage 1 not met (each unit ≥ {q + 5} %); stage 2 data needed"
    if n == 12:
        if mean >= q and all(v >= q - 15 for v in values):
            return "conforms", "meets stage 2 (S2), not stage 1"
        return "unchecked", "stage 2 not met; stage 3 data needed"
    if n == 24:
        low = sum(1 for v in values if v < q - 15)
        if mean >= q and low <= 2:
            return "conforms", "meets stage 3 (S3)"
        return "oos", f"stage 3 not met (mean ≥ {q} %, at most 2 units below {q - 15} %)"
    return "unchecked", f"{n} unit values: a stage needs 6, 12 or 24"


def judge_chp(values: list[Decimal], q: Decimal) -> tuple[str, str]:
    n = len(values)
    if n != 6:
        return "unchecked", f"{n} unit values: ChP 0931 is judged on 6 (or 12 on retest)"
    below = [v for v in values if v < q]
    if not below:
        return "conforms", ""
    if len(below) <= 2 and all(v >= q - 10 for v in below) and sum(values) / n >= q:
        return "conforms", ""
    return "unchecked", "ChP 0931: retest with 6 more units needed"


def judge_summary(mean: Decimal, low: Decimal, q: Decimal, rule: str) -> tuple[str, str]:
    """A mean with its range decides only when every unit clears the first-stage limit."""
    floor = q + 5 if rule == "usp" else q
    if low >= floor:
        return "conforms", ""
    return "unchecked", f"the lowest unit ({low} %) is below {floor} %: the unit values are needed"


RULES = {"usp": judge_usp, "chp": judge_chp}
