"""`invoke trace`: every value a section prints, where it is written, and who last changed that line.

An assessor's question "where does this acceptance criterion come from, and since when?" is answered
from the merged content (file:line:col of each value, `builder.provenance` for which values a leaf
renders) and from `git blame` of those lines. Blame runs once per content file, not once per value.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import Origin, content_error
from .explain import lines
from ..pipeline import prepare
from ..project import Project
from ..provenance import renders
from .review.git import blame_lines, repo_path

UNCOMMITTED = "uncommitted"


@dataclass(frozen=True)
class Blame:
    """The last commit that changed a line: git's short hash, author and author date."""

    short: str
    author: str
    date: str


@dataclass(frozen=True)
class TraceLine:
    """One rendered value of one leaf, with its origin and its blame (None: not committed)."""

    number: str
    title: str
    leaf: str
    field: str
    value: str
    origin: Origin
    overlay: str | None
    blame: Blame | None
    platform: str | None = None  # the platform (content/platforms/<id>/) the value comes from

    @property
    def change(self) -> str:
        if self.blame is None:
            return UNCOMMITTED
        return f"{self.blame.short} {self.blame.date} {self.blame.author}"


def trace(root: Path, product: str, region: str, section: str) -> list[TraceLine]:
    """The values of every leaf numbered `section` (several leaves may share a number: one per
    procedure or regional item), each labelled by the leaf's path."""
    dossier = prepare(Project(root), [product], [region])[0]
    leaves = [leaf for leaf in dossier.leaves if leaf.number == section]
    if not leaves:
        known = ", ".join(dict.fromkeys(leaf.number for leaf in dossier.leaves))
        raise content_error("E2601", f"no section '{section}' in {product} for {region} (sections: {known})",
                            None, "section")
    values = list(lines(dossier.tree))
    rows = [(leaf, path, value) for leaf in leaves for path, value in values if renders(leaf, path)]
    blames = blame_files(root, sorted({value.origin.path for _, _, value in rows}))
    return [TraceLine(leaf.number, leaf.title, leaf.path, path, value.data, value.origin, value.overlay,
                      blames.get(value.origin.path, {}).get(value.origin.line), value.platform)
            for leaf, path, value in rows]


def blame_files(root: Path, files: list[str]) -> dict[str, dict[int, Blame]]:
    """file → line → Blame for committed lines; a file git cannot blame (no repository, untracked,
    no commit yet, git missing) maps to nothing, so its lines read as uncommitted."""
    return {name: {line: Blame(found.short, found.author, _day(found.time))
                   for line, found in blame_lines(root, None, repo_path(root, name)).items()}
            for name in files}


def _day(stamp: int) -> str:
    return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d")


def format_trace(rows: list[TraceLine], width: int = 120) -> str:
    """Grouped by leaf: the value (shortened), then `file:line:col  commit date author` or uncommitted."""
    from .compare import shorten

    out, leaf = [], None
    for row in rows:
        if row.leaf != leaf:
            leaf = row.leaf
            out += [""] if out else []
            out.append(f"{row.number} {row.title} — {row.leaf}")
        out.append(f"  {row.field} = {shorten(row.value, width)!r}")
        source = f"  from platform {row.platform}" if row.platform else ""
        out.append(f"      {row.origin}{source}  {row.change}")
    return "\n".join(out)
