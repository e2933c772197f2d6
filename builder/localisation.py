"""Names per language, and the rule that finds English text left in a dossier written in another script.

A record's identity (`name`, `substance`, `manufacturer`, `dosage_form`) is an eCTD attribute and stays
as the core states it; what a document *prints* may differ per language: `names: {zh-CN: …}` beside
it, chosen by the region profile's `language`. Keys are checked against the languages the profiles
declare (E2217), at the key's own line.

The localisation rule is data (a profile's `localisation` key, read by the `localisation` check in
`cmc/localisation.py`): a word is English when it starts with a lowercase Latin letter and is not one
of the allowed tokens (units, codes, compendial references, chemical and test ids); a word with a
capital is a name (a company, a pinyin or English proper name) or a code (qPCR), and passes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .nodes import M, Node
from .schema import Choice, ListOf, MapOf, Text, WholeNumber, field

LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"   # Basic Latin and Latin-1/Extended-A/B letters
LATIN_WORD = re.compile(f"(?<![{LATIN}0-9_])[{LATIN}][{LATIN}'’]*(?:-[{LATIN}]+)*")
_LATIN_LETTER = re.compile(f"[{LATIN}]")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$")


def names_field(what: str):
    """A `names`-style field: the printed `what` per language tag."""
    return field(MapOf(LANGUAGE_TAG, "a language tag such as zh-CN", Text()), False,
                 f"{what} as documents in that language print it (the profile's `language` selects it)")


def localised(names: dict, language: str, default: str) -> str:
    """The entry for `language` (or its primary subtag: `zh` for `zh-CN`), else `default`."""
    if not names:
        return default
    return names.get(language) or names.get(language.split("-")[0]) or default


# The records that carry printed names per language, and each map's field beside the attribute it prints.
NAME_MAPS = {"product": ("names",), "drug_substances": ("names", "manufacturer_names"),
             "drug_products": ("names", "dosage_forms")}


def named_records(content):
    """(path, record, map field) for every names-per-language map in the content."""
    yield from ((f"product", content.product, name) for name in NAME_MAPS["product"])
    for key in ("drug_substances", "drug_products"):
        for record in getattr(content, key):
            yield from ((f"{key}[{record.id}]", record, name) for name in NAME_MAPS[key])


def check_language_keys(content, profile, diags) -> None:
    """A names key no profile writes in is a typo or a language this build cannot print (E2217)."""
    known = tuple(dict.fromkeys([profile.language, *profile.languages]))
    for path, record, name in named_records(content):
        for key in getattr(record, name):
            if key not in known and key.split("-")[0] not in known:
                diags.error("E2217", f"'{key}' is not a language the region profiles write in (expected one of "
                            f"{', '.join(known)}: templates/common/profile.yaml `languages`)",
                            record.where(f"{name}.{key}"), f"{path}.{name}.{key}")


@dataclass(**M)
class LocalisationRule(Node):
    """What counts as text left in English in a region written in another script (`localisation`)."""

    script: str = field(Text(), True, "a character class of the region's script, e.g. Han")
    severity: str = field(Choice("warning", "info"), False, "how a finding is reported (default warning)")
    min_letters: str = field(WholeNumber(), False, "shortest lowercase Latin word counted as English (default 3)")
    allowed: tuple = field(ListOf(Text()), False, "regular expressions of tokens that are not English words: "
                           "units, codes, compendial references, chemical and test ids")
    exempt: tuple = field(ListOf(Text()), False, "content paths (regular expressions over `explain`'s paths) "
                          "whose text may stay in its own language: citations, legal names, addresses")

    def patterns(self) -> list[str]:
        return [self.script, *self.allowed, *self.exempt]

    def english_words(self, text: str) -> list[str]:
        """The English words of `text`: all-lowercase Latin words left after the allowed tokens (a word with a
        capital is a name or a code: Northwind, Jiahuangsuan, qPCR)."""
        if not _LATIN_LETTER.search(text):  # the allowed tokens only ever take letters away
            return []
        for pattern in _compiled(self.allowed):
            text = pattern.sub(" ", text)
        shortest = int(self.min_letters or "3")
        words = LATIN_WORD.findall(text)
        return [w for w in words if w == w.lower() and len(w) >= shortest]  # qPCR, rcAAV, pBWG-Helper: codes

    def is_exempt(self, path: str) -> bool:
        return any(re.fullmatch(pattern, path) for pattern in self.exempt)


@lru_cache(maxsize=16)
def _compiled(patterns: tuple) -> tuple:
    """A rule's allowed-token patterns compiled once (checked against thousands of texts per pair)."""
    return tuple(re.compile(pattern) for pattern in patterns)
