"""`invoke harvest`: what a hand edit changed in a built leaf, and the YAML line that holds each value.

A writer who corrected a figure in Word must carry it into the content, or the next build loses it
(and `invoke build` refuses to, E5010). The leaf as built is rendered again from the content (builds
are reproducible, so it is the file the manifest recorded while the content is unchanged), both are
read as one line per paragraph and per table cell (`textconv`), and each changed line is placed at
the content values the leaf renders (`provenance.renders`) whose text it held: for a cell, the value
whose record matches the table's caption, row and column best (the study, the test, the time point).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import content_error
from ..hand_edits import EditedLeaf, edited_leaves
from ..pipeline import leaf_bytes, prepare
from ..project import Project
from ..provenance import renders
from ..publish import sha256
from ..source import Value
from .explain import lines
from .review.values import _label, trail
from .textconv import docx_lines

_CELL = re.compile(r"^\| r(\d+)c(\d+) \| ?(.*)$")
_PARAGRAPH = re.compile(r"^\[([^\]]+)\] (.*)$")
_MARKS = re.compile(r"\\(?=[*~^\\])|\*\*|[*~^]")


@dataclass(frozen=True)
class Source:
    """A content value the changed text held: its merged path, a reviewer's label and file:line:col."""

    path: str
    label: str
    where: str


@dataclass(frozen=True)
class Edit:
    """One changed paragraph or table cell: where in the document, its text as built and as edited."""

    place: str
    before: str
    after: str
    sources: tuple[Source, ...] = ()


@dataclass
class Harvest:
    """The edits of one hand-edited leaf."""

    leaf: EditedLeaf
    title: str
    edits: list[Edit] = field(default_factory=list)
    content_changed: bool = False  # the content changed since the build: compared with a rebuild of it now


def harvest(root: Path, products=None, regions=None) -> list[Harvest]:
    """Every hand-edited leaf of the built (product, region) folders selected, with its edits."""
    project = Project(root)
    found = []
    for product, region in _built(project, products, regions):
        edited = edited_leaves(project.output, product, region)
        if not edited:
            continue
        dossier = prepare(project, [product], [region])[0]
        by_path = {leaf.path: leaf for leaf in dossier.leaves}
        values = list(lines(dossier.tree))
        templates: dict = {}
        names = name_index(dossier.tree)
        for item in edited:
            leaf = by_path.get(item.path)
            if leaf is None:
                found.append(Harvest(item, "(the content no longer has this leaf)", content_changed=True))
                continue
            built = leaf_bytes(project, dossier, leaf, templates)
            now = item.file(project.output).read_bytes()
            rendered = [(p, v) for p, v in values if v.is_text and renders(leaf, p)]
            edits = _edits(docx_lines(built), docx_lines(now), dossier.tree, rendered, root, names)
            found.append(Harvest(item, f"{leaf.number} {leaf.title}", edits, sha256(built) != item.recorded))
    return found


def _built(project: Project, products, regions) -> list[tuple[str, str]]:
    known = set(project.regions())
    pairs = sorted((f.parent.name, f.name) for f in project.output.glob("*/*")
                   if f.is_dir() and f.name in known and (f / "manifest.json").is_file())
    pairs = [(p, r) for p, r in pairs if (not products or p in products) and (not regions or r in regions)]
    if not pairs:
        raise content_error("E2604", "no built output for the product and region asked (run invoke build first)",
                            None, "--product")
    return pairs


def _edits(old: list[str], new: list[str], tree: Value, rendered, root: Path, names: dict) -> list[Edit]:
    """Changed lines in document order; a replaced block is paired line by line, the rest added/removed."""
    edits = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            before = old[i1 + k] if i1 + k < i2 else None
            after = new[j1 + k] if j1 + k < j2 else None
            line = before if before is not None else after
            where = i1 + k if before is not None else min(i1 + k, len(old))
            place, old_text = _place(old, where, line), _text(before)
            edits.append(Edit(place, old_text if before is not None else "(not present)",
                              _text(after) if after is not None else "(removed)",
                              _sources(old_text, _text(after), _context(old, where), tree, rendered, root, names)
                              if before is not None else ()))
    return edits


def _text(line: str | None) -> str:
    if line is None:
        return ""
    match = _CELL.match(line) or _PARAGRAPH.match(line)
    return match.groups()[-1] if match else line


def _place(lines_: list[str], index: int, line: str) -> str:
    """'Table 2, row 4, column 3', 'paragraph (Normal)', 'header (header1.xml)' …"""
    table, part = _table_of(lines_, index), _part_of(lines_, index)
    cell = _CELL.match(line)
    if cell:
        return f"{part}Table {table}, row {cell.group(1)}, column {cell.group(2)}"
    paragraph = _PARAGRAPH.match(line)
    return f"{part}paragraph ({paragraph.group(1)})" if paragraph else f"{part}line {index + 1}"


def _table_of(lines_: list[str], index: int) -> str:
    for line in reversed(lines_[:index + 1]):
        if line.startswith("[Table "):
            return line[len("[Table "):-1]
    return "?"


def _part_of(lines_: list[str], index: int) -> str:
    for line in reversed(lines_[:index + 1]):
        if line.startswith("--- "):
            return line.strip("- ").split(" (")[0] + ": "
    return ""


def _context(lines_: list[str], index: int) -> tuple[str, tuple[str, ...]]:
    """For a cell: the table's caption and its row's text, and the header cells above it; else nothing."""
    cell = _CELL.match(lines_[index]) if index < len(lines_) else None
    if not cell:
        return "", ()
    start = next(i for i in range(index, -1, -1) if lines_[i].startswith("[Table "))
    caption = lines_[start - 1] if start and lines_[start - 1].startswith("[") else ""
    row, column = cell.group(1), cell.group(2)
    texts, headers = [caption], []
    for line in lines_[start + 1:]:
        other = _CELL.match(line)
        if not other:
            break
        if other.group(1) == row:
            texts.append(other.group(3))
        elif other.group(2) == column and int(other.group(1)) < int(row):
            headers.append(other.group(3))
    return "\n".join(texts), tuple(headers)


def _sources(before: str, after: str, context, tree: Value, rendered, root: Path, names: dict) -> tuple[Source, ...]:
    """The rendered values whose text the changed line held, the ones the edit touched first, ranked
    by how well their record matches the cell's table, row and column; ties are all listed (up to 3)."""
    plain_before, plain_after = _plain(before), _plain(after)
    held = [(p, v, piece) for p, v in rendered if (piece := _held_piece(plain_before, v.data)) is not None]
    touched = [h for h in held if _held_piece(plain_after, h[1].data) is None] or held
    if not touched:
        return ()
    scored = sorted(((_score(p, tree, context, names), len(v.data), p, v, piece) for p, v, piece in touched),
                    key=lambda s: (-s[0], -s[1]))
    best = [s for s in scored if s[:2] == scored[0][:2] or not context[0]][:3]  # a paragraph: the 3 longest
    return tuple(Source(p, _label(trail(tree, p)), str(_line_of(v, piece, root))) for _, _, p, v, piece in best)


def _plain(text: str) -> str:
    """Text as a document shows it: the Markdown marks gone, white space single."""
    return " ".join(_MARKS.sub("", text).split())


_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_CITATION = re.compile(r"\[\[[^\[\]]+\]\]")


def _held_piece(line: str, value: str) -> str | None:
    """The raw first line of the part of `value` the document line shows: the value itself (a cell, a
    word or phrase of the line), or one paragraph or list item of a narrative; None when none is."""
    if not line:
        return None
    plain = _plain(value)
    if plain and (plain == line or re.search(rf"(?<![\w.]){re.escape(plain)}(?![\w])", line)):
        return value.split("\n")[0]
    if "\n" not in value.strip():
        return None
    for first, text in _pieces(value):
        pattern = ".+?".join(re.escape(_plain(part)) for part in _CITATION.split(text))
        if len(text) > 20 and re.fullmatch(pattern, line):
            return first
    return None


def _pieces(value: str):
    """(raw first line, text) of each paragraph and each list item of a narrative."""
    first, text = None, []
    for raw in value.split("\n") + [""]:
        starts_item = _ITEM.match(raw)
        if not raw.strip() or starts_item:
            if text:
                yield first, " ".join(text)
            first, text = (raw, [_ITEM.sub("", raw).strip()]) if starts_item else (None, [])
            continue
        if first is None:
            first = raw
        text.append(raw.strip())


def _score(path: str, tree: Value, context, names: dict) -> int:
    """How well the value's enclosing records match the cell: each of their texts (and the names of the
    records they refer to by id) in the caption or row counts 1; the same position of a parallel list
    (the time point of a result) equal to a header cell above it counts 2."""
    around, headers = context
    if not around:
        return 0
    texts, columns = set(), set()
    steps = trail(tree, path)
    index = path[path.rindex("[") + 1:-1] if path.endswith("]") else ""
    for kind, ident, node in steps[:-1]:
        if node is not None and node.is_map:
            for child in node.data.values():
                if child.is_text:
                    texts |= {child.data} | names.get(child.data, set())
                elif child.is_list and index.isdigit() and int(index) < len(child.data) and child.data[int(index)].is_text:
                    columns.add(child.data[int(index)].data)
        if kind == ".":
            texts |= names.get(ident, set())
    return sum(1 for text in texts if len(text) > 1 and text in around) + 2 * len(columns & set(headers))


def name_index(tree: Value) -> dict[str, set[str]]:
    """id → the texts of the record with that id (a results key or a `batch:` naming a record)."""
    found: dict[str, set[str]] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.is_map:
            own = node.data.get("id")
            if own is not None and own.is_text:
                found.setdefault(own.data, set()).update(c.data for k, c in node.data.items() if c.is_text and k != "id")
            stack.extend(node.data.values())
        elif node.is_list:
            stack.extend(node.data)
    return found


def _line_of(value: Value, piece: str, root: Path):
    """Where the shown part of a value starts: for a narrative's paragraph or list item, the file line
    holding its first line (inside the block scalar); else the value's own position."""
    origin = value.origin
    if "\n" not in value.data.strip() or not origin.path or not piece.strip():
        return origin
    try:
        text = (root / origin.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return origin
    for number, line in enumerate(text[origin.line - 1:], origin.line):
        if line.strip() == piece.strip():
            return type(origin)(origin.path, number, len(line) - len(line.lstrip()) + 1)
    return origin


def format_harvest(found: list[Harvest], markdown: bool = False) -> str:
    """Per leaf, each edit: place, old → new text, and the file:line of each value it held."""
    if not found:
        return "No hand edits: every built leaf matches its manifest."
    out = []
    for item in found:
        name = f"output/{item.leaf.product}/{item.leaf.region}/{item.leaf.path}"
        note = " (the content changed since the build: compared with a build of the content now)" \
            if item.content_changed else ""
        out += _markdown(item, name, note) if markdown else _terminal(item, name, note)
    return "\n".join(out)


def _terminal(item: Harvest, name: str, note: str) -> list[str]:
    out = [f"{name} — {item.title}: {len(item.edits)} change{'s' if len(item.edits) != 1 else ''}{note}"]
    for edit in item.edits:
        out.append(f"  {edit.place}: {edit.before!r} → {edit.after!r}")
        for src in edit.sources:
            out.append(f"      {src.where}  {src.label}  ({src.path})")
        if not edit.sources and edit.before != "(not present)":
            out.append("      no single content value holds this text (a label, a computed value or template text)")
    return out + [""]


def _markdown(item: Harvest, name: str, note: str) -> list[str]:
    out = [f"## {item.title}", "", f"`{name}`{note}", "", "| Where | As built | As edited | Content |", "|---|---|---|---|"]
    for edit in item.edits:
        where = "<br>".join(f"`{s.where}` {s.label}" for s in edit.sources) or "–"
        out.append(f"| {edit.place} | {_cell(edit.before)} | {_cell(edit.after)} | {where} |")
    return out + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")
