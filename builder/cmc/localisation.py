"""Text left in English in a dossier its region writes in another script (issue 15: full localisation).

Run for every product when the region profile names the `localisation` check (`checks:`) and states its
rule (`localisation:`, `builder/localisation.py`). Two findings, both of the profile's severity:

- W2350, one per content field whose text (as this region merges it) still has English words: the
  field's path and its file:line:col, so the writer knows what to translate in the overlay. A record's
  name attribute counts only where the record has no `names` entry for the region's language.
- W2351, one per generated text still in English (a label the region does not word, or wording made in
  code): the text and the leaves that print it. A word is generated when no content field holds it.
"""
from __future__ import annotations

import dataclasses
import re

from ..errors import Diagnostic
from ..localisation import NAME_MAPS, localised
from ..nodes import Node
from ..schema import ListOf, MapOf, Text
from .registry import CheckContext, content_check

# Name attributes and the map that words them per language: skipped where that map has the language.
NAMED = {"name": "names", "substance": "names", "manufacturer": "manufacturer_names", "dosage_form": "dosage_forms"}
MARKUP = re.compile(r"[*_~^]")
MAPS = frozenset(m for maps in NAME_MAPS.values() for m in maps)


@content_check("localisation")
def localisation(ctx: CheckContext) -> list[Diagnostic]:
    """Content fields (W2350) and generated text (W2351) still in English where the region writes another script."""
    rule = ctx.profile.localisation if ctx.profile is not None else None
    if rule is None:
        return []
    severity, language = rule.severity or "warning", ctx.profile.language
    found, content_words, shown = [], set(), _shown(ctx.leaves)
    for path, text, origin in text_fields(ctx.content, language):
        words = rule.english_words(text)
        content_words.update(words, rule.english_words(MARKUP.sub("", text)))  # `*n*-heptane` prints n-heptane
        if words and not rule.is_exempt(path) and _printed(path, shown):
            found.append(Diagnostic("W2350", f"not in {language}: '{_excerpt(text, words[0])}' (English words: "
                                    f"{', '.join(dict.fromkeys(words[:6]))}); {_hint(path, language)}",
                                    origin, path, severity))
    return found + generated(ctx, rule, content_words, severity)


def _hint(path: str, language: str) -> str:
    """What to write: a name attribute keeps its value and gains a `names` entry; other text is translated."""
    name = path.rsplit(".", 1)[-1]
    if name in NAMED:
        return f"add `{NAMED[name]}: {{{language}: …}}` beside it (the eCTD attribute stays)"
    return "translate it in the region's overlay"


def _shown(leaves) -> frozenset | None:
    """Every content path some leaf read (`reads.py`), or None when the leaves were planned without reads."""
    reads = [leaf.reads for leaf in leaves if leaf.reads is not None]
    return frozenset().union(*(r.paths for r in reads)) if reads else None


def _printed(path: str, shown: frozenset | None) -> bool:
    """A field no leaf reads is never printed (`result_unit` only tells the quantity engine the unit)."""
    if shown is None:
        return True
    return path in shown or (path.endswith("]") and path[:path.rfind("[")] in shown)


def generated(ctx: CheckContext, rule, content_words: set, severity: str) -> list[Diagnostic]:
    """Printed text whose English words no content field holds: wording the region has not translated."""
    from ..leaf_text import text_units

    printed: dict[str, list[str]] = {}
    words_of: dict[str, list[str]] = {}
    for leaf in ctx.leaves:
        for unit in (leaf.subject, *text_units(ctx.leaves, leaf, ctx.texts)):
            words = [w for w in rule.english_words(unit) if w not in content_words]
            if words:
                printed.setdefault(unit, []).append(leaf.number)
                words_of[unit] = words
    found = []
    for unit, numbers in printed.items():
        key = _label_of(ctx.profile, rule, words_of[unit])
        where = f"label '{key}'" if key else "wording made in code (report it)"
        found.append(Diagnostic("W2351", f"generated text not in {ctx.profile.language}: '{unit[:120]}' (printed in "
                                f"{_leaves(numbers)}; {where})", ctx.profile.where(f"labels.{key}") if key else None,
                                f"labels.{key}" if key else "", severity))
    return found


def _label_of(profile, rule, words: list[str]) -> str:
    """The label whose wording holds these English words, so the finding points at the line to translate."""
    return next((key for key, text in profile.labels.items() if set(words) & set(rule.english_words(text))), "")


def text_fields(record: Node, language: str, path: str = ""):
    """(content path, text, origin) of every free-text field the documents may print, as merged."""
    for spec in dataclasses.fields(record):
        kind = spec.metadata.get("kind")
        value = getattr(record, spec.name, None)
        if kind is None or not value:
            continue
        where = f"{path}.{spec.name}" if path else spec.name
        if spec.name in MAPS:
            if value.get(language):
                yield where + f".{language}", value[language], record.where(f"{spec.name}.{language}")
            continue
        if spec.name in NAMED and localised(getattr(record, NAMED[spec.name], {}), language, ""):
            continue
        yield from _values(kind, value, where, record, spec.name, language)


def _values(kind, value, where: str, record: Node, name: str, language: str):
    if isinstance(value, Node):
        yield from text_fields(value, language, where)
    elif isinstance(value, str):
        if type(kind) is Text:
            yield where, value, record.where(name)
    elif isinstance(value, tuple):
        item = kind.item if isinstance(kind, ListOf) else None
        for index, entry in enumerate(value):
            ident = getattr(entry, "id", None) or str(index)
            if isinstance(entry, Node):
                yield from text_fields(entry, language, f"{where}[{ident}]")
            elif isinstance(entry, str) and type(item) is Text:
                yield f"{where}[{index}]", entry, record.where(f"{name}[{index}]")
    elif isinstance(value, dict) and isinstance(kind, MapOf):
        for key, entry in value.items():
            if isinstance(entry, str) and type(kind.item) is Text:
                yield f"{where}.{key}", entry, record.where(f"{name}.{key}")
            elif isinstance(entry, tuple) and isinstance(kind.item, ListOf) and type(kind.item.item) is Text:
                for index, text in enumerate(entry):
                    yield f"{where}.{key}[{index}]", text, record.where(f"{name}.{key}[{index}]")


def _excerpt(text: str, word: str) -> str:
    at = max(text.find(word) - 20, 0)
    shown = text[at:at + 80].replace("\n", " ")
    return ("…" if at else "") + shown + ("…" if at + 80 < len(text) else "")


def _leaves(numbers: list[str]) -> str:
    unique = list(dict.fromkeys(numbers))
    return ", ".join(unique[:5]) + (f" and {len(unique) - 5} more" if len(unique) > 5 else "")
