"""Build one side of a review: a revision's content and templates, rendered by today's builder.

Both sides are built with the *current* builder code, so every difference between them comes from
the content and templates, never from a change in the tool. A commit is checked out with
`git worktree add --detach` into a temporary folder (the working copy is never touched, and the
worktree is removed even when the build fails); the working tree is snapshotted by copying
`content/` and `templates/`. Builds stay in memory: nothing is written to either `output/`.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Diagnostic, DossierError, Origin
from ...pipeline import Dossier, prepare, render_dossier
from ...project import Project
from ...publish import RenderedDossier
from .git import Revision, git

Pair = tuple[str, str]  # (product, region)


@dataclass
class Side:
    """A revision as built: per (product, region) its planned dossier and its rendered files, or the
    error that stopped the build (with temporary paths removed from every message)."""

    revision: Revision
    dossiers: dict[Pair, Dossier] = field(default_factory=dict)
    rendered: dict[Pair, RenderedDossier] = field(default_factory=dict)
    error: DossierError | None = None


def build_side(root: Path, revision: Revision, products=None, regions=None) -> Side:
    """Materialise `revision`, then load, plan and render the selected products and regions."""
    side = Side(revision)
    with materialise(root, revision) as project_root:
        try:
            project = Project(project_root)
            selected = _products(project, products)
            for dossier in prepare(project, selected, regions) if selected else []:
                pair = (dossier.product, dossier.region)
                side.dossiers[pair] = dossier
                side.rendered[pair] = render_dossier(project, dossier)
        except DossierError as exc:
            side.error = _scrubbed(exc, project_root)
    return side


def _products(project: Project, requested) -> list[str]:
    """The requested products this revision has (a product added or removed between the revisions
    is then reported as documents added or removed, not as a failed build)."""
    present = project.products()
    return [p for p in requested if p in present] if requested else present


@contextmanager
def materialise(root: Path, revision: Revision):
    """Yield a project folder holding `revision`'s content/ and templates/; always cleaned up."""
    scratch = Path(tempfile.mkdtemp(prefix=f"cmc-review-{os.getpid()}-"))  # swept by pid (commands/strays.py)
    try:
        if revision.commit is None:
            yield _copy_working_tree(root, scratch / "tree")
        else:
            yield from _worktree(root, revision.commit, scratch / "tree")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _copy_working_tree(root: Path, dest: Path) -> Path:
    dest.mkdir()
    for name in ("content", "templates"):
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name, symlinks=True)
    return dest


def _worktree(root: Path, commit: str, dest: Path):
    """A detached worktree of `commit` with only content/ and templates/ checked out (the builder
    is today's, never the revision's); yields the project folder inside it, since a project may
    live in a subfolder of its repository."""
    git(root, "worktree", "add", "--detach", "--no-checkout", "--quiet", str(dest), commit)
    try:
        prefix = (git(root, "rev-parse", "--show-prefix", check=False) or "").strip()
        for name in ("content", "templates"):  # a folder the revision lacks stays missing: the build says so
            git(dest, "checkout", commit, "--", f"{prefix}{name}", check=False)
        yield dest / prefix if prefix else dest
    finally:
        if git(root, "worktree", "remove", "--force", str(dest), check=False) is None:
            shutil.rmtree(dest, ignore_errors=True)
            git(root, "worktree", "prune", check=False)


def _scrubbed(exc: DossierError, folder: Path) -> DossierError:
    """The same error with the temporary folder removed from every path and message, so a summary
    names `content/…` as the writer knows it and is the same on every machine."""
    def clean(text: str) -> str:
        for prefix in (f"{folder.resolve()}/", f"{folder}/", str(folder.resolve()), str(folder)):
            text = text.replace(prefix, "")
        return text

    items = [Diagnostic(d.code, clean(d.message),
                        Origin(clean(d.origin.path), d.origin.line, d.origin.column) if d.origin else None,
                        d.field, d.severity) for d in exc.diagnostics]
    return DossierError(exc.category, items)
