"""`invoke review`: review a dossier change the way engineers review code.

Build two revisions of the content with today's builder (`revisions`), compare their manifests leaf
by leaf (`compare`), write a redline with real tracked changes for every changed leaf (`redline`),
and a summary of every changed value in reviewer language (`values`, `summary`, `summary_docx`),
all into `output/review/`, which is replaced as a whole. Unchanged leaves produce nothing. A
revision that fails to build is reported in the summary and raised, never hidden.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Diagnostic, DossierError, environment_error
from ...project import Project
from ...publish import STAGING_PREFIX, swap, build_lock, check_output
from .compare import LeafChange, compare
from .git import History, Revision, resolve, working_tree
from .redline import redlines
from .revisions import build_side
from .summary import Summary, failures, markdown, redline_path, summarise
from .summary_docx import summary_docx

FOLDER = "review"


@dataclass
class ReviewReport:
    """What a review found and wrote (paths relative to the project root)."""

    base: Revision
    head: Revision
    changes: list[LeafChange] = field(default_factory=list)
    unchanged: int = 0
    redlines: list[str] = field(default_factory=list)
    summary: str = f"output/{FOLDER}/summary.md"
    summary_docx: str = f"output/{FOLDER}/summary.docx"


def review(root: Path, base: str, head: str | None = None, products=None, regions=None) -> ReviewReport:
    """Review `base` → `head` (None: the working tree) for the selected products and regions.

    Raises DossierError after writing the summary when either revision fails to build (with that
    build's category: 2 for content errors), and an environment error (4) for git or engine trouble.
    """
    root = Path(root).resolve()
    old = resolve(root, base)
    new = resolve(root, head) if head else working_tree(root)
    base_side = build_side(root, old, products, regions)
    head_side = build_side(root, new, products, regions)
    _check_products(root, products, base_side, head_side)
    summary = Summary(old, new, _scope(products, regions), failures(base_side, head_side))
    report = ReviewReport(old, new)
    files: dict[str, bytes] = {}
    if not summary.failures:
        report.changes, report.unchanged = compare(base_side, head_side)
        made = redlines(report.changes, new)
        files = {redline_path(c): made[c.key] for c in report.changes if c.key in made}
        report.redlines = [f"output/{FOLDER}/{path}" for path in sorted(files)]
        summary.unchanged = report.unchanged
        summarise(summary, base_side, head_side, report.changes, made, History(root, old, new))
    files["summary.md"] = markdown(summary).encode("utf-8")
    files["summary.docx"] = summary_docx(summary, Project(root).templates)
    publish_review(Project(root).output, files)
    if summary.failures:
        raise _failed(summary)
    return report


def _check_products(root: Path, products, *sides) -> None:
    """A product that neither revision has is a typo, not an empty review."""
    built = {pair[0] for side in sides for pair in side.dossiers}
    missing = [p for p in products or () if p not in built]
    if missing and not any(side.error for side in sides):
        known = ", ".join(Project(root).products()) or "none"
        raise environment_error("E4005", f"no product {', '.join(missing)} in either revision (products now: {known})")


def _scope(products, regions) -> str:
    return f"products: {', '.join(products or ['all'])}; regions: {', '.join(regions or ['all'])}"


def _failed(summary: Summary) -> DossierError:
    """One error for the task to print: which revision failed, then that build's own diagnostics."""
    items = []
    for title, error in summary.failures:
        items.append(Diagnostic("E2901", f"{title}; the review summary says why (output/{FOLDER}/summary.md)"))
        items += error.diagnostics
    return DossierError(summary.failures[0][1].category, items)


def publish_review(output: Path, files: dict[str, bytes]) -> Path:
    """Replace `output/review/` as a whole: written to a staging folder, then swapped in, under the
    build lock (the same staging names as `publish`, so an interrupted review is swept up too)."""
    final = output / FOLDER
    check_output(output, final)
    with build_lock(output):
        stage = output / f"{STAGING_PREFIX}{os.getpid()}-{FOLDER}"
        try:
            for rel, data in sorted(files.items()):
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            swap(stage, final)
        except OSError as exc:
            raise environment_error("E4002", f"cannot write the review: {exc.strerror}; previous review untouched",
                                    exc.filename or stage) from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return final
