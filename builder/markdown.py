"""The narrative Markdown subset → Word paragraphs and lists with the template's styles.

Writers get paragraphs, bullet and numbered lists, **bold**, *italic*, ~sub~ and ^super^script.
markdown-it-py (CommonMark) parses; everything outside the subset is left as literal text, so
nothing a writer typed is ever dropped. Each numbered list gets its own numbering instance, so
every list starts at 1.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import count

from markdown_it import MarkdownIt
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from .ooxml.blocks import FIRST_LIST_ID, Block, Run, paragraph_xml

# Cross-references narrative may hold: [[3.2.P.5.1]], [[table:id]], [[test:id]], [[chapter:key]].
REFERENCE = re.compile(r"\[\[(?:(table|test|chapter):)?([^\[\]\s]+)\]\]")

_MARKS = {"strong": "bold", "em": "italic", "sub": "subscript", "sup": "superscript"}


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero").enable(["emphasis", "list", "escape", "newline"])
    return md.use(sub_plugin).use(superscript_plugin)


_MD = _parser()


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple:
    """The parse of one text, made once: validation, the cross-reference check and every region read
    the same narrative (half of its parses were repeats). Callers only read the tokens."""
    return tuple(_MD.parse(text))


class ListNumbers:
    """Hands out numbering-instance ids for one document, so each numbered list restarts at 1."""

    def __init__(self):
        self._ids = count(FIRST_LIST_ID)

    def next(self) -> int:
        return next(self._ids)


def render(text: str, numbers: ListNumbers, links=None) -> list[Block]:
    """Return the blocks for one Markdown text; `links` (views.links.Links) turns [[…]] into references."""
    blocks, lists = [], []  # lists: stack of (kind, numbering id)
    for token in _tokens(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            lists.append(("ListNumber", numbers.next()) if ordered else ("ListBullet", 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline":
            runs = inline_runs(token.children or [], links)
            blocks.append(_paragraph(runs, lists))
    return blocks


MAX_LIST_DEPTH = 3  # the house-style numbering defines three levels (ooxml/housestyle_xml.py)


def problems(text: str) -> list[tuple[int, str]]:
    """(1-based line in `text`, why) for each thing the renderer could not show as typed.

    Lists nested deeper than the numbering defines would print without indent or number, and a
    numbered list that starts at another number than 1 would be renumbered from 1 (each list
    restarts): both would silently change what the writer sees, so both are refused."""
    found, depth = [], 0
    for token in _tokens(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            line = (token.map[0] if token.map else 0) + 1
            if depth == MAX_LIST_DEPTH + 1:
                found.append((line, f"a list nested {depth} deep; Word documents here show at most "
                              f"{MAX_LIST_DEPTH} levels (indent less)"))
            start = token.attrs.get("start") if token.type == "ordered_list_open" else None
            if start not in (None, 1):
                found.append((line, f"a numbered list starting at {start} would be printed from 1 (every list "
                              "restarts at 1; write 1. or use a bullet list)"))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
    return found


def _paragraph(runs: list[Run], lists: list) -> Block:
    text = "".join(r.text for r in runs)
    if not lists:
        return Block(paragraph_xml(runs), text)
    style, num_id = lists[-1]
    return Block(paragraph_xml(runs, style, (num_id, len(lists) - 1)), text)


def inline_runs(children, links=None) -> list[Run]:
    """Turn markdown-it inline tokens into runs carrying bold/italic/sub/superscript marks."""
    runs, marks = [], {"bold": False, "italic": False, "vert": ""}
    for child in children:
        kind = child.type.rsplit("_", 1)
        if len(kind) == 2 and kind[0] in _MARKS and kind[1] in ("open", "close"):
            _toggle(marks, _MARKS[kind[0]], kind[1] == "open")
        elif child.type == "text" and links is not None and "[[" in child.content:
            runs.extend(_with_references(child.content, marks, links))
        elif child.type in ("text", "text_special"):
            runs.append(Run(child.content, marks["bold"], marks["italic"], marks["vert"]))
        elif child.type == "softbreak":
            runs.append(Run(" ", marks["bold"], marks["italic"], marks["vert"]))
        elif child.type == "hardbreak":
            runs.append(Run("\n", marks["bold"], marks["italic"], marks["vert"]))
        else:
            runs.append(Run(child.content or child.markup))
    return _merge(runs)


def _with_references(text: str, marks: dict, links) -> list[Run]:
    runs, at = [], 0
    for match in REFERENCE.finditer(text):
        runs.append(Run(text[at:match.start()], marks["bold"], marks["italic"], marks["vert"]))
        runs.append(links.run(match.group(1) or "", match.group(2), marks))
        at = match.end()
    runs.append(Run(text[at:], marks["bold"], marks["italic"], marks["vert"]))
    return [r for r in runs if r.text]


def _toggle(marks: dict, mark: str, on: bool) -> None:
    if mark in ("subscript", "superscript"):
        marks["vert"] = mark if on else ""
    else:
        marks[mark] = on


def _merge(runs: list[Run]) -> list[Run]:
    """Join neighbouring runs with the same marks (markdown-it splits text at every delimiter)."""
    merged: list[Run] = []
    for run in runs:
        if merged and not (run.link or merged[-1].link or "\x01" in run.text + merged[-1].text) and \
                (merged[-1].bold, merged[-1].italic, merged[-1].vert) == (run.bold, run.italic, run.vert):
            last = merged.pop()
            run = Run(last.text + run.text, run.bold, run.italic, run.vert)
        merged.append(run)
    return merged


def inline(text: str) -> list[Run]:
    """Runs for a one-line field that allows inline marks (e.g. a structure value C~21~H~23~N~5~O)."""
    tokens = _tokens(text)
    runs: list[Run] = []
    for token in tokens:
        if token.type == "inline":
            if runs:
                runs.append(Run("\n"))
            runs.extend(inline_runs(token.children or []))
    return _merge(runs) or [Run(text)]
