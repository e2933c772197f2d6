"""Redlines: the base and head build of a changed leaf compared into one .docx with tracked changes.

python-docx cannot write revision marks (pitfalls.md §5), so the two builds are compared by
python-redlines' Docxodus engine (a prebuilt .NET binary in the wheel, about 1.3 s per pair). It
marks insertions and deletions in paragraphs, inside table cells, and whole inserted or deleted
rows and columns (`w:trPr/w:ins|del`, `w:cellIns`). Move detection stays off, so a moved sentence
shows as a deletion and an insertion (move markup is where Word has reported unreadable content).
Every mark is then stamped with the head revision's author and date (`ooxml.revisions.stamp`):
the same pair always gives the same bytes. Pairs run in parallel; each is its own process.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from ...errors import environment_error
from ...ooxml import revisions
from .compare import CHANGED, LeafChange
from .git import Revision

INSTALL = 'pip install "python-redlines[docxodus]==2.0.0"'


def engine():
    """The comparison engine, or an environment error (exit 4) that says how to install it."""
    try:
        from python_redlines.engines import DocxodusEngine

        return DocxodusEngine()
    except ImportError as exc:
        raise environment_error("E4022", f"the redline engine is not installed ({exc}); run: {INSTALL}") from None
    except OSError as exc:  # an unsupported platform or an unwritable binary cache
        raise environment_error("E4022", f"the redline engine cannot start: {exc}") from None


def redlines(changes: list[LeafChange], head: Revision, workers: int | None = None) -> dict[tuple, bytes]:
    """(product, region, path) → a stamped redline, for every changed leaf (added and removed leaves
    have no counterpart to compare with; the summary lists them)."""
    todo = [c for c in changes if c.status == CHANGED]
    if not todo:
        return {}
    tool = engine()
    workers = workers or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(lambda change: redline(tool, change, head), todo))
    return {change.key: data for change, data in zip(todo, done)}


def redline(tool, change: LeafChange, head: Revision) -> bytes:
    """Compare one leaf's base and head bytes; a failing engine names the leaf it failed on."""
    from python_redlines.engines import EngineExecutionError

    try:
        data, _, _ = tool.run_redline(head.author, change.base, change.head, date_time=head.date)
    except (EngineExecutionError, OSError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise environment_error("E4023", f"redline of {change.number} {change.title} ({change.product}/"
                                f"{change.region}) failed: {detail}", change.path) from None
    return revisions.stamp(data, head.author, head.date)
