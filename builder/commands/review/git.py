"""git, as the review needs it: name a revision, and say who last changed a line of content.

Every call goes through `git()` with the project root as working directory, so a project that is a
subfolder of its repository works too. A git failure the user can fix (not a repository, an unknown
revision, git missing) is an environment error (exit 4) that names the revision; blame failures are
not errors: a line git cannot attribute reads as "uncommitted".
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ...errors import environment_error
from ...ooxml.revisions import word_date

UNCOMMITTED = "uncommitted"
_NULL = "0" * 40
_HEADER = re.compile(r"^([0-9a-f]{40}) \d+ (\d+)")


@dataclass(frozen=True)
class Revision:
    """One side of a review: the name asked for, the commit (None: the working tree), who and when.

    `author` and `date` (ISO 8601, UTC) become the author and date of every tracked change in the
    redlines, so a reviewer sees who made the change under review and when.
    """

    name: str
    commit: str | None
    short: str
    author: str
    date: str

    @property
    def label(self) -> str:
        return self.name if self.commit is None else f"{self.name} ({self.short})"


@dataclass(frozen=True)
class Attribution:
    """The commit that last changed a line, as a reviewer reads it: short hash and author."""

    short: str
    author: str
    time: int = 0

    def __str__(self) -> str:
        return UNCOMMITTED if self.short == UNCOMMITTED else f"{self.short}, {self.author}"


NOT_COMMITTED = Attribution(UNCOMMITTED, "")


def git(root: Path, *args: str, check: bool = True) -> str | None:
    """Run git in `root`; its output, or None (check=False) / an environment error when it fails."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        if check:
            raise environment_error("E4020", f"cannot run git: {exc}") from None
        return None
    if done.returncode != 0:
        if check:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise environment_error("E4020", f"git {args[0]} failed: {message[-1] if message else done.returncode}")
        return None
    return done.stdout.decode("utf-8", "replace")


def resolve(root: Path, name: str) -> Revision:
    """A revision name (`HEAD~1`, a branch, a tag, a hash) as a commit with its author and date."""
    commit = git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    if not commit:
        git(root, "rev-parse", "--show-toplevel")  # not a repository at all: git's own message
        raise environment_error("E4021", f"'{name}' is not a commit in this repository (try a branch, tag or hash)")
    out = git(root, "log", "-1", "--format=%H%x00%h%x00%an%x00%aI", commit.strip())
    full, short, author, date = out.strip().split("\x00")
    return Revision(name, full, short, author, word_date(date))


def working_tree(root: Path) -> Revision:
    """The working copy as a revision: author "Working tree (user.name)", date SOURCE_DATE_EPOCH if
    set, else the author date of HEAD, so that a review of unchanged files is reproducible and never
    carries the clock time."""
    user = (git(root, "config", "user.name", check=False) or "").strip()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        date = datetime.fromtimestamp(int(epoch), timezone.utc).isoformat()
    else:
        date = resolve(root, "HEAD").date
    return Revision("working tree", None, "working tree", f"Working tree ({user})" if user else "Working tree",
                    word_date(date))


def repo_path(root: Path, display: str) -> str:
    """A project-relative path (`content/…`) as a path inside the repository (for subfolder projects)."""
    return _prefix(root.resolve()) + display


@lru_cache(maxsize=None)
def _prefix(root: Path) -> str:
    return (git(root, "rev-parse", "--show-prefix", check=False) or "").strip()


class History:
    """Who changed what between two revisions, from `git blame` and `git log`, each file blamed once.

    One History serves one review: its caches would go stale if the working tree changed later.
    """

    def __init__(self, root: Path, base: Revision, head: Revision):
        self.root, self.base, self.head = root.resolve(), base, head
        self._blames: dict[tuple, dict[int, Attribution]] = {}
        self._texts: dict[tuple, list[str]] = {}

    def changed(self, display: str, first: int, last: int) -> Attribution:
        """The newest commit among lines first..last of a file at the head (uncommitted wins)."""
        found = self._blame(display)
        span = range(first, max(first, last) + 1)
        if self.head.commit is None and any(line not in found for line in span):
            return NOT_COMMITTED
        hits = [found[line] for line in span if line in found]
        return max(hits, key=lambda a: a.time) if hits else NOT_COMMITTED

    def removed(self, display: str) -> Attribution:
        """Who removed something from a file: the newest commit after the base, up to the head, that
        changed the file; for the working tree, "uncommitted" when the file differs from HEAD."""
        return self.file_changed(display)

    def file_changed(self, display: str) -> Attribution:
        """The newest commit after the base, up to the head, that changed the file (a workbook, whose
        lines git cannot blame, or a file something was removed from); "uncommitted" as for removed."""
        path = repo_path(self.root, display)
        if self.head.commit is None and git(self.root, "diff", "--quiet", "HEAD", "--", path, check=False) is None:
            return NOT_COMMITTED
        out = git(self.root, "log", "-1", "--format=%h%x00%an%x00%at",
                  f"{self.base.commit}..{self.head.commit or 'HEAD'}", "--", path, check=False)
        if not out or not out.strip():
            return NOT_COMMITTED
        short, author, when = out.strip().split("\x00")
        return Attribution(short, author, int(when))

    def text(self, revision: Revision, display: str) -> list[str]:
        """The lines of a content file as they are at `revision` (empty when it cannot be read)."""
        key = (revision.commit, display)
        if key not in self._texts:
            self._texts[key] = _show(self.root, revision, display)
        return self._texts[key]

    def _blame(self, display: str) -> dict[int, Attribution]:
        key = (self.head.commit, display)
        if key not in self._blames:
            self._blames[key] = blame_lines(self.root, self.head.commit, repo_path(self.root, display))
        return self._blames[key]


def blame_lines(root: Path, commit: str | None, path: str) -> dict[int, Attribution]:
    """line → last commit, from `git blame --porcelain` (commit details appear once per commit);
    the working tree's uncommitted lines (hash 000…) are left out."""
    out = git(root, "blame", "--porcelain", *([commit] if commit else []), "--", path, check=False) or ""
    lines, details, sha = {}, {}, ""
    for row in out.splitlines():
        header = _HEADER.match(row)
        if header:
            sha = header.group(1)
            lines[int(header.group(2))] = sha
        elif row.startswith("author "):
            details.setdefault(sha, {})["author"] = row[len("author "):]
        elif row.startswith("author-time "):
            details.setdefault(sha, {})["time"] = int(row.split()[1])
    shorts = _shorts(root, frozenset(s for s in lines.values() if s != _NULL))
    return {line: Attribution(shorts.get(sha, sha[:7]), details[sha].get("author", ""), details[sha].get("time", 0))
            for line, sha in lines.items() if sha != _NULL}


def _shorts(root: Path, commits: frozenset) -> dict[str, str]:
    """git's own abbreviations (unique in this repository), in one call."""
    if not commits:
        return {}
    out = git(root, "log", "--no-walk", "--format=%H %h", *sorted(commits), check=False) or ""
    return dict(row.split(" ", 1) for row in out.splitlines() if " " in row)


def _show(root: Path, revision: Revision, display: str) -> list[str]:
    if revision.commit is None:
        try:
            return (root / display).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
    out = git(root, "show", f"{revision.commit}:{repo_path(root, display)}", check=False)
    return out.splitlines() if out is not None else []
