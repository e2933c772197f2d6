"""A section a master file covers: the region's statement of each reference, then the writer's own
narrative for the section, if any. Nothing else: no table of the record's data, no conclusion drawn
from studies the dossier does not hold (plan.py sends every covered section here, whatever its kind)."""
from __future__ import annotations

from ..master_files import COVERED, covering, statement
from ..ooxml.blocks import Run, paragraph
from .base import DocContext, LeafKind, narrative_blocks


def _present(scope, number):
    return bool(covering(scope, number))


def _blocks(scope, number, ctx: DocContext):
    said = [paragraph([Run(statement(scope, reference))]) for reference in covering(scope, number)]
    return said + narrative_blocks(scope.narrative(number), ctx)


MASTER_FILE_KINDS = {
    COVERED: LeafKind(_present, _blocks, lambda n: f"add a master file whose `covered_sections` lists {n}"),
}
