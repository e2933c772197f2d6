"""Shared pieces of the view builders: the per-document context, captions, cells and the kind record."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .. import markdown
from ..ooxml.blocks import Block, Cell, Run, bookmark_name, bookmarked, paragraph, table
from ..scope import Scope
from .links import Links


@dataclass
class DocContext:
    """State of one document being built: list numbering, table numbering and text width."""

    width: int
    numbers: markdown.ListNumbers = field(default_factory=markdown.ListNumbers)
    tables: int = 0
    links: Links | None = None


@dataclass(frozen=True)
class LeafKind:
    """How a kind of leaf is rendered: whether it has content, its blocks, and a hint when missing."""

    present: Callable[[Scope, str], bool]
    blocks: Callable[[Scope, str, DocContext], list[Block]]
    hint: Callable[[str], str]


def subject(scope: Scope) -> str:
    """The line under the heading naming what the document is about, in the region's terms."""
    parts, sep = [], scope.label("separator")
    if scope.substance is not None:
        ds = scope.substance
        maker = parenthesised(scope, scope.printed(ds.manufacturer_names, ds.manufacturer))
        parts.append(f"{scope.label('drug_substance')}{sep}{scope.printed(ds.names, ds.substance)}{maker}")
    if scope.product is not None:
        dp = scope.product
        named = product_name(scope.printed(dp.names, dp.name), scope.printed(dp.dosage_forms, dp.dosage_form),
                             scope.label("name_with_form"))
        parts.append(f"{scope.label('drug_product')}{sep}{named}")
    if scope.excipient is not None:
        parts.append(f"{scope.label('excipient')}{sep}{scope.excipient.name}")
    if scope.item is not None:
        parts.append(item_title(scope))
    return " — ".join(parts) or scope.printed(scope.content.product.names, scope.content.product.name)


def product_name(name: str, dosage_form: str, pattern: str = "{name}, {form}") -> str:
    """The product's name with its dosage form (`pattern`: the region's `name_with_form`), unless the
    name already says it ("Examplinib Film-coated Tablets" is not followed by ", film-coated tablet")."""
    if dosage_form.strip().lower().rstrip("s") in name.lower():
        return name
    return pattern.replace("{name}", name).replace("{form}", dosage_form)


_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*万|\d{1,3}(?:[ \u00a0\u202f,]\d{3})+|\d+")


def formula_caption(scope: Scope, strength_label: str, size, size_text: str) -> str:
    """A batch formula's caption, saying each thing once: the strength and the batch size (`size_text`)
    are left out when the writer's batch label already states them ("Commercial batch, 50 mg (600 000
    tablets …)", "60万片")."""
    head = size.label if strength_label in size.label else f"{strength_label}{scope.label('comma')}{size.label}"
    stated = set()
    for match in _COUNT.finditer(size.label):
        if match.group(1):
            stated.add(str(int(float(match.group(1)) * 10000)))
        else:
            stated.add(re.sub(r"[ \u00a0\u202f,]", "", match.group(0)))
    tail = "" if str(int(size.units)) in stated else f" {size_text}"
    return f"{scope.label('batch_formula')}{scope.label('separator')}{head}{tail}"


def item_title(scope: Scope) -> str:
    item = scope.item
    for attr in ("title", "citation"):
        if getattr(item, attr, None):
            return getattr(item, attr)
    regional = {t.id: t.title for t in scope.profile.regional_items}
    return regional.get(item.id, item.id)


def narrative_blocks(text: str | None, ctx: DocContext) -> list[Block]:
    return markdown.render(text, ctx.numbers, ctx.links) if text else []


def caption(ctx: DocContext, scope: Scope, text: str, key: str = "") -> Block:
    """A numbered table caption; with a `key`, narrative can refer to it as [[table:key]]."""
    ctx.tables += 1
    runs = [Run(f"{scope.label('table')} {ctx.tables}{scope.label('separator')}{text}")]
    if not key:
        return paragraph(runs, "Caption")
    if ctx.links is not None:
        ctx.links.tables[key] = ctx.tables
    return bookmarked(runs, "Caption", bookmark_name(key), ctx.tables)


def cell(text: str, **kw) -> Cell:
    return Cell((Run(text),), **kw)


def md_cell(text: str) -> Cell:
    return Cell(tuple(markdown.inline(text)))


def simple_table(ctx: DocContext, header: list[str], rows: list[list[Cell]], weights: list[int]) -> Block:
    return table([[cell(h) for h in header]], rows, weights, ctx.width)


def labelled(scope: Scope, *keys: str) -> list[str]:
    return [scope.label(k) for k in keys]


def parenthesised(scope: Scope, text: str, after_word: bool = True) -> str:
    """`(text)` in the region's brackets and spacing (` (…)` in English, `（…）` in Chinese); on a line of
    its own, without the space."""
    shown = scope.label("in_parentheses", text=text)
    return shown if after_word else shown.strip()
