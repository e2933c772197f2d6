"""The text a planned leaf prints, as paragraphs and table cells, and the readiness rules read over it.

Taken from the blocks each section kind builds (what `invoke build` writes into the document body, with
cross-references resolved) plus the leaf's heading, so readiness and the risk checks need no rendered
.docx. The rules are data (`templates/common/readiness.yaml`): which text is a placeholder, what counts
as English-only text in a region written in another language, and what each blocker costs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Category, Diagnostics
from .nodes import M, Node
from .schema import ListOf, MapOf, Record, SLUG, Text, WholeNumber, bind_record, field
from .source import load_file

RULES_FILE = "readiness.yaml"


@dataclass(**M)
class LanguageRule(Node):
    script: str = field(Text(), True, "a character class of the region's script")
    min_words: str = field(WholeNumber(), True)
    word: str = field(Text(), True, "what a Latin word is")
    allowed: tuple = field(ListOf(Text()), False, "tokens removed before counting words")


@dataclass(**M)
class ReadinessRules(Node):
    placeholders: tuple = field(ListOf(Text()), True)
    language: LanguageRule = field(Record(LanguageRule), True)
    weights: dict = field(MapOf(SLUG, "a blocker kind", WholeNumber()), True)

    def placeholder(self, text: str) -> str:
        """The first placeholder marker in `text`, or ''."""
        for pattern in self.placeholders:
            match = re.search(pattern, text)
            if match:
                return match.group(0)
        return ""

    def latin_only(self, text: str) -> bool:
        """Text with none of the script's characters and enough Latin words beyond the allowed tokens."""
        rule = self.language
        if re.search(rule.script, text):
            return False
        for pattern in rule.allowed:
            text = re.sub(pattern, " ", text)
        return len(re.findall(rule.word, text)) >= int(rule.min_words)


def load_readiness(templates: Path) -> tuple[ReadinessRules, object]:
    source = load_file(templates / "common" / RULES_FILE, f"{templates.name}/common/{RULES_FILE}")
    diags = Diagnostics()
    rules = bind_record(ReadinessRules, source.root, "", diags)
    if rules is not None:
        for index, pattern in enumerate([*rules.placeholders, *rules.language.allowed, rules.language.script]):
            try:
                re.compile(pattern)
            except re.error as exc:
                diags.error("E3010", f"'{pattern}' is not a regular expression ({exc})", source.root.origin)
    diags.raise_if_errors(Category.TEMPLATE)
    return rules, source


def units_of(leaf, blocks) -> tuple[str, ...]:
    """The leaf's heading, then each paragraph and table cell its blocks print."""
    units = [leaf.heading]
    for block in blocks:
        for line in block.text.split("\n"):
            units += [cell for cell in line.split("\t") if cell.strip()]
    return tuple(units)


def text_units(leaves, leaf, texts: dict | None = None) -> tuple[str, ...]:
    """What the leaf prints: from `texts` (path → units, kept by the pipeline when it resolved the
    cross-references) or built again."""
    if texts is not None and leaf.path in texts:
        return texts[leaf.path]
    from .pipeline import leaf_blocks  # the pipeline imports the checks that call this

    return units_of(leaf, leaf_blocks(leaves, leaf)[0])


def placeholder_in(rules: ReadinessRules, units) -> str:
    """The first placeholder marker among the printed `units`, or ''."""
    return next((found for unit in units if (found := rules.placeholder(unit))), "")
