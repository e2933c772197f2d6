"""The plan's cross-reference check: every leaf's blocks built once, at its template's width, with
its cross-references resolved and, given a `ContentIndex`, what its views read recorded (`reads.py`).

`invoke check` reports a dangling reference as the build does, and rendering uses the blocks as they
were built here instead of building them again.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace

from .errors import Diagnostic, Diagnostics, Origin
from .incremental import values_digest
from .leaf_text import units_of
from .page_header import leaf_header_reads
from .plan import Leaf
from .provenance import owner_path
from .reads import ContentIndex, hooked, paused, recording
from .views import KINDS
from .views.base import DocContext
from .views.links import Links


def leaf_blocks(leaves, leaf: Leaf, width: int = 9000) -> tuple[list, list[Diagnostic]]:
    """The blocks of one leaf with its cross-references resolved, and a diagnostic per dangling one."""
    with paused():
        specs = {owner_path(lf.scope): lf.number for lf in leaves if lf.kind == "specification"}
    links = Links(leaf.scope, {lf.number: lf.title for lf in leaves}, specs)
    blocks = KINDS[leaf.kind].blocks(leaf.scope, leaf.number, DocContext(width, links=links))
    where = _narrative_origin(leaf)
    problems = [Diagnostic("E2701", f"{problem} ({leaf.number}, {leaf.path})", where, leaf.number)
                for problem in links.resolve(blocks)]
    return blocks, problems


def _narrative_origin(leaf: Leaf) -> Origin | None:
    owner, item = leaf.scope.owner, leaf.scope.item
    if item is not None:
        return item.at
    return owner.where(f"narrative.{leaf.number}") if owner is not None else None


def check_references(leaves, diags: Diagnostics, index: ContentIndex | None = None,
                     layouts: dict | None = None) -> tuple[tuple[Leaf, ...], dict, dict]:
    """Resolve every cross-reference before anything renders, so `invoke check` reports them too. Return
    the leaves (with an `index`, each carrying what it reads, `reads.py`), what each leaf prints
    (path → paragraphs and cells), which readiness and the risk checks read, and each leaf's blocks
    (path → (width, blocks)), built at its template's width (`layouts`: name → (width, header room)) so
    rendering uses them as they are instead of building them again."""
    texts, recorded, memo, built = {}, [], {}, {}
    layouts = layouts or {}
    with hooked() if index is not None else nullcontext():
        for leaf in leaves:
            width, room = layouts.get(leaf.template, (9000, None))
            with recording() if index is not None else nullcontext() as recorder:
                blocks, problems = leaf_blocks(leaves, leaf, width)
                diags.items.extend(problems)
                if index is not None:
                    leaf_header_reads(leaf, room)
            texts[leaf.path] = units_of(leaf, blocks)
            built[leaf.path] = (width, blocks)
            recorded.append(leaf if index is None else
                            replace(leaf, reads=replace(index.resolve(recorder), digest=values_digest(recorder, memo))))
    return tuple(recorded), texts, built
