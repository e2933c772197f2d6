"""The words criteria and results are written with (`templates/common/criteria.yaml`), compiled once.

Phrases match longest-first and case-insensitively; Latin words match whole, so `No more than` is
never read as `more than` and `不高于` never as `高于` (criteria-and-results.md §1.1).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache


def phrase_pattern(words) -> re.Pattern:
    """One alternation of `words`, longest first, Latin words bounded by non-letters."""
    return _ordered(tuple(words))


@lru_cache(maxsize=1024)
def _ordered(words: tuple[str, ...]) -> re.Pattern:
    return _compiled(tuple(sorted(set(words), key=lambda w: (-len(w), w))))


@lru_cache(maxsize=256)
def _folded(words: tuple[str, ...]) -> frozenset:
    return frozenset(w.casefold() for w in words)


@lru_cache(maxsize=1024)
def _compiled(words: tuple[str, ...]) -> re.Pattern:
    parts = []
    for word in words:
        escaped = re.escape(word)
        if word[:1].isascii() and word[:1].isalpha():
            escaped = r"(?<![A-Za-z])" + escaped
        if word[-1:].isascii() and word[-1:].isalpha():
            escaped += r"(?![A-Za-z])"
        parts.append(escaped)
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


@dataclass(frozen=True)
class State:
    name: str
    opposite: str | None
    criterion: tuple[str, ...]
    result: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    comparators: dict                      # kind → words
    joiners: tuple = ()
    separators: tuple = ()
    between: tuple = ()                    # (opening word, joining word) pairs
    tolerance: tuple = ()
    dissolution: tuple = ()
    two_stage_uniformity: tuple = ()
    report: tuple = ()
    approximately: tuple = ()
    ratio_tolerance: tuple = ()
    text_categories: tuple = ()
    tags: dict = field(default_factory=dict)        # tag → (implied, words)
    states: dict = field(default_factory=dict)      # name → State
    below_limit: dict = field(default_factory=dict)  # lod/loq → words
    not_evaluated: tuple = ()
    identity_words: tuple = ()

    @cached_property
    def comparator(self) -> re.Pattern:
        return phrase_pattern([w for words in self.comparators.values() for w in words])

    def comparator_kind(self, word: str) -> str:
        folded = word.casefold()
        return next(kind for kind, words in self.comparators.items() if folded in _folded(words))

    @cached_property
    def tag_pattern(self) -> re.Pattern:
        return phrase_pattern([w for _, words in self.tags.values() for w in words])

    def tag_of(self, word: str) -> str:
        folded = word.casefold()
        return next(tag for tag, (_, words) in self.tags.items() if folded in _folded(words))

    def implied(self, tag: str) -> bool:
        return self.tags[tag][0]

    @cached_property
    def separator(self) -> re.Pattern:
        return phrase_pattern(self.separators)

    def is_one_of(self, text: str, words) -> bool:
        return text.strip().casefold() in _folded(tuple(words))

    def result_state(self, text: str) -> str | None:
        """The state a whole result states ('Complies' → conforms), longest phrase first."""
        folded = text.strip().rstrip("。.").strip().casefold()
        for name, state in self.states.items():
            if folded in _folded(state.result):
                return name
        return None

    @cached_property
    def _criterion_words(self) -> dict:
        return {w.casefold(): s.name for s in self.states.values() for w in s.criterion}

    def criterion_state(self, text: str) -> str | None:
        """The state a criterion expects: its state phrases read left to right, longest first (so
        `不得检出` is never `检出`); a specific state (`无菌检查 应符合规定` expects no growth) wins over
        plain conformity."""
        words = self._criterion_words
        found = [words[m.group(0).casefold()] for m in phrase_pattern(list(words)).finditer(text)]
        specific = [name for name in found if name != "conforms"]
        return (specific or found or [None])[0]


def load_vocabulary(source) -> Vocabulary:
    """The vocabulary in `templates/common/criteria.yaml`, given as a loaded `SourceFile`."""
    data = source.root.data
    words = lambda key, d=data: tuple(v.data for v in d[key].data) if key in d else ()  # noqa: E731
    tags = {name: (value.data.get("implied") is not None and value.data["implied"].data == "true",
                   words("words", value.data)) for name, value in data["tags"].data.items()}
    states = {}
    for name, value in data["states"].data.items():
        opposite = value.data.get("opposite")
        states[name] = State(name, opposite.data if opposite is not None else None,
                             words("criterion", value.data), words("result", value.data))
    return Vocabulary(
        comparators={k: tuple(w.data for w in v.data) for k, v in data["comparators"].data.items()},
        joiners=words("joiners"), separators=words("range_separators"),
        between=tuple(tuple(w.data for w in pair.data) for pair in data["between"].data) if "between" in data else (),
        tolerance=words("tolerance"), dissolution=words("dissolution"),
        two_stage_uniformity=words("uniformity_two_stage"), report=words("report"),
        approximately=words("approximately"), ratio_tolerance=words("ratio_tolerance"),
        text_categories=words("text_categories"), tags=tags, states=states,
        below_limit={k: tuple(w.data for w in v.data) for k, v in data["below_limit"].data.items()},
        not_evaluated=words("not_evaluated"), identity_words=words("identity_words"))
