"""Acceptance criteria and results: parse the text a writer typed, then judge a result against it.

The kinds follow the PQ/CMC model (regions.md §3.2): NMT, NLT, strictly less/greater, range,
dissolution Q, text and "report result". Decimal places are significant (`NMT 0.50 %` is not
`NMT 0.5 %`): a result is rounded to the criterion's precision before it is compared, as
pharmacopoeias require. Words come from `templates/common/criteria.yaml`, so another language is data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_NUMBER = r"10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(\d+(?:\.\d+)?)(?:\s*[×x]\s*10([⁰¹²³⁴⁵⁶⁷⁸⁹]+))?"


@dataclass(frozen=True)
class Vocabulary:
    comparators: dict  # kind → words
    separators: tuple
    dissolution: tuple
    report: tuple
    conforming: tuple
    nonconforming: tuple
    not_evaluated: tuple


@dataclass(frozen=True)
class Criterion:
    """What a criterion means: `kind` is nmt, nlt, lt, gt, range, q, text or report."""

    text: str
    kind: str
    low: Decimal | None = None
    high: Decimal | None = None
    places: int = 0


@dataclass(frozen=True)
class Verdict:
    """`outcome` is conforms, fails or unchecked; `reason` says why in a reviewer's words."""

    outcome: str
    reason: str = ""


def number(text: str) -> tuple[Decimal, int] | None:
    """The first number in `text` with its decimal places (10³ and 1.5 × 10³ included)."""
    match = re.search(_NUMBER, text)
    if not match:
        return None
    if match.group(1):
        return Decimal(10) ** int(match.group(1).translate(_SUPERSCRIPT)), 0
    value = Decimal(match.group(2))
    places = len(match.group(2).split(".")[1]) if "." in match.group(2) else 0
    if match.group(3):
        value *= Decimal(10) ** int(match.group(3).translate(_SUPERSCRIPT))
    return value, places


def parse(text: str, vocab: Vocabulary) -> Criterion:
    """Understand a criterion; anything not recognised is a text criterion (checked by words)."""
    lowered = text.casefold()
    if any(lowered.strip() == w.casefold() for w in vocab.report):
        return Criterion(text, "report")
    if any(w.casefold() in lowered for w in vocab.dissolution):
        found = re.search(r"(\d+(?:\.\d+)?)\s*%", text)  # Q is the percentage, not the minutes
        return Criterion(text, "q", low=Decimal(found.group(1))) if found else Criterion(text, "text")
    return _comparison(text, lowered, vocab) or _range(text, vocab) or Criterion(text, "text")


def _comparison(text: str, lowered: str, vocab: Vocabulary) -> Criterion | None:
    hits = [(lowered.find(w.casefold()), kind, w) for kind, words in vocab.comparators.items()
            for w in words if w.casefold() in lowered]
    if not hits:
        return None
    at, kind, word = min(hits, key=lambda h: (h[0], -len(h[2])))
    found = number(text[at + len(word):])
    if not found:
        return None
    value, places = found
    low, high = (value, None) if kind in ("nlt", "gt") else (None, value)
    return Criterion(text, kind, low, high, places)


def _range(text: str, vocab: Vocabulary) -> Criterion | None:
    separators = "|".join(re.escape(s) for s in sorted(vocab.separators, key=len, reverse=True))
    match = re.search(rf"(\d+(?:\.\d+)?)\s*%?\s*(?:µm|mg|ppm)?\s*(?:{separators})\s*(\d+(?:\.\d+)?)", text)
    if not match:
        return None
    low, high = match.group(1), match.group(2)
    places = max(len(p.split(".")[1]) if "." in p else 0 for p in (low, high))
    return Criterion(text, "range", Decimal(low), Decimal(high), places)


def judge(result: str, criterion: Criterion, vocab: Vocabulary) -> Verdict:
    """Judge one reported result against a criterion."""
    text = result.strip()
    if _is(text, vocab.not_evaluated) or criterion.kind == "report":
        return Verdict("unchecked", "not tested or nothing to compare")
    if _is(text, vocab.nonconforming):
        return Verdict("fails", f"reported as '{text}'")
    if criterion.kind == "text":
        return Verdict("conforms") if _is(text, vocab.conforming) else Verdict("unchecked", "text criterion")
    if _is(text, vocab.conforming):
        return Verdict("conforms")
    if text.startswith("<"):
        return _below(text, criterion)
    if criterion.kind == "q":
        return _dissolution(text, criterion)
    found = number(text)
    if found is None:
        return Verdict("unchecked", f"'{text}' is not a number")
    return _compare(found[0], criterion)


def _is(text: str, words) -> bool:
    return text.casefold() in {w.casefold() for w in words}


def _below(text: str, criterion: Criterion) -> Verdict:
    """`< 0.05` (below a reporting limit) conforms to an upper limit at or above that value."""
    found = number(text)
    if criterion.high is not None and found and found[0] <= criterion.high:
        return Verdict("conforms")
    return Verdict("unchecked", f"'{text}' cannot be compared with '{criterion.text}'")


def _dissolution(text: str, criterion: Criterion) -> Verdict:
    """Mean (min–max) against Q: stage 1 needs every unit ≥ Q + 5; stage 2 mean ≥ Q, no unit < Q − 15."""
    values = [Decimal(v) for v in re.findall(r"\d+(?:\.\d+)?", text)]
    if not values:
        return Verdict("unchecked", f"'{text}' is not a number")
    mean, low = values[0], min(values)
    q = criterion.low
    if low >= q + 5:
        return Verdict("conforms")
    if mean >= q and low >= q - 15:
        return Verdict("conforms", "meets stage 2 (S2), not stage 1")
    return Verdict("fails", f"{text} does not meet Q = {q} %")


def _compare(value: Decimal, criterion: Criterion) -> Verdict:
    rounded = _round(value, criterion.places)
    low, high = criterion.low, criterion.high
    ok = {
        "nmt": high is not None and rounded <= high,
        "lt": high is not None and rounded < high,
        "nlt": low is not None and rounded >= low,
        "gt": low is not None and rounded > low,
        "range": low is not None and high is not None and low <= rounded <= high,
    }[criterion.kind]
    if ok:
        return Verdict("conforms")
    shown = f" (rounded to {rounded})" if rounded != value else ""
    return Verdict("fails", f"{value}{shown} is outside '{criterion.text}'")


def _round(value: Decimal, places: int) -> Decimal:
    try:
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value


def load_vocabulary(source) -> Vocabulary:
    """The vocabulary in `templates/common/criteria.yaml`, given as a loaded `SourceFile`."""
    root = source.root
    words = lambda value: tuple(v.data for v in value.data)  # noqa: E731
    data = root.data
    return Vocabulary(
        comparators={k: words(v) for k, v in data["comparators"].data.items()},
        separators=words(data["range_separators"]),
        dissolution=words(data["dissolution"]),
        report=words(data["report"]),
        conforming=words(data["results"].data["conforming"]),
        nonconforming=words(data["results"].data["nonconforming"]),
        not_evaluated=words(data["results"].data["not_evaluated"]),
    )
