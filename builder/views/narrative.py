"""Narrative-only leaves, and the intro narrative every other kind may carry."""
from __future__ import annotations

from .base import DocContext, LeafKind, narrative_blocks


def _present(scope, number):
    return bool(scope.narrative(number))


def _blocks(scope, number, ctx: DocContext):
    return narrative_blocks(scope.narrative(number), ctx)


def _hint(number):
    return f"add a narrative for '{number}' under this record's `narrative`"


def _item_present(scope, number):
    return scope.item is not None and bool(getattr(scope.item, "narrative", None) or getattr(scope.item, "citation", None))


def _item_blocks(scope, number, ctx):
    item = scope.item
    return narrative_blocks(getattr(item, "narrative", None) or getattr(item, "citation", None), ctx)


NARRATIVE_KINDS = {
    "narrative": LeafKind(_present, _blocks, _hint),
    "regional-item": LeafKind(_item_present, _item_blocks, lambda n: "add an item to `regional` in the overlay"),
    "appendix-item": LeafKind(_item_present, _item_blocks, lambda n: "add an item to `appendices`"),
    "literature": LeafKind(_item_present, _item_blocks, lambda n: "add a reference to `literature`"),
}
