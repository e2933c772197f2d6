"""`invoke trace`: every value a section prints, where it is written, and who last changed that line.

An assessor's question "where does this acceptance criterion come from, and since when?" is answered
from the merged content (file:line:col of each value, `builder.provenance` for which values a leaf
renders) and from `git blame` of those lines. Blame runs once per content file, not once per value.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import Origin, content_error
from .explain import lines
from .pipeline import prepare
from .project import Project
from .provenance import renders

UNCOMMITTED = "uncommitted"
_HEADER = re.compile(r"^([0-9a-f]{40}) \d+ (\d+)")
_NULL = "0" * 40


@dataclass(frozen=True)
class Blame:
    """The last commit that changed a line: full hash, git's short hash, author and author date."""

    commit: str
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
                      blames.get(value.origin.path, {}).get(value.origin.line))
            for leaf, path, value in rows]


def blame_files(root: Path, files: list[str]) -> dict[str, dict[int, Blame]]:
    """file → line → Blame for committed lines; a file git cannot blame (no repository, untracked,
    no commit yet, git missing) maps to nothing, so its lines read as uncommitted."""
    raw = {name: _porcelain(root, name) for name in files}
    commits = {sha for lines_ in raw.values() for sha, _, _ in lines_.values()}
    short = _short_hashes(root, commits)
    return {name: {line: Blame(sha, short.get(sha, sha[:7]), author, date) for line, (sha, author, date) in found.items()}
            for name, found in raw.items()}


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _porcelain(root: Path, name: str) -> dict[int, tuple[str, str, str]]:
    """Parse `git blame --porcelain`: a group header per line, commit details the first time only."""
    out = _git(root, "blame", "--porcelain", "--", name)
    if out is None:
        return {}
    found, details, sha = {}, {}, ""
    for row in out.splitlines():
        header = _HEADER.match(row)
        if header:
            sha = header.group(1)
            found[int(header.group(2))] = sha
        elif row.startswith("author "):
            details.setdefault(sha, {})["author"] = row[len("author "):]
        elif row.startswith("author-time "):
            stamp = datetime.fromtimestamp(int(row.split()[1]), timezone.utc)
            details.setdefault(sha, {})["date"] = stamp.strftime("%Y-%m-%d")
    return {line: (sha, details.get(sha, {}).get("author", ""), details.get(sha, {}).get("date", ""))
            for line, sha in found.items() if sha != _NULL}


def _short_hashes(root: Path, commits: set[str]) -> dict[str, str]:
    """git's own abbreviations (long enough to be unique in this repository), in one call."""
    if not commits:
        return {}
    out = _git(root, "log", "--no-walk", "--format=%H %h", *sorted(commits)) or ""
    return dict(row.split(" ", 1) for row in out.splitlines() if " " in row)


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
        out.append(f"      {row.origin}  {row.change}")
    return "\n".join(out)
