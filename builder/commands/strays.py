"""What an interrupted task can leave, found and swept: staging folders, temp files, review scratch.

Every task cleans up on any exit it sees (errors, Ctrl-C, SIGTERM); only a hard kill leaves
something. Each leftover carries the id of the process that made it (`.staging-<pid>-…` in output/,
`.tmp-<pid>-…` beside an atomically written file, `.new-<pid>-…` in content/, `cmc-review-<pid>-…`
in the temp folder), so the next task removes exactly those whose process is gone and never touches
the work of a task still running. `invoke verify` lists what is left in the project; scratch in the
shared temp folder names no project (another project's task may have left it), so it is swept, not
reported against this one.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..ooxml.atomic import TMP_PREFIX
from ..pdf.convert import PREFIX as PDF_PREFIX   # LibreOffice's inputs, outputs and private profile
from ..publish import STAGING_PREFIX

REVIEW_PREFIX = "cmc-review-"
_PID = re.compile(r"^(?:\.staging-|\.tmp-|\.new-|cmc-review-|cmc-pdf-)(\d+)-")


def candidates(root: Path, temp: bool = True) -> list[Path]:
    """Every leftover-shaped path of the project (and, with `temp`, the scratch folders in the temp
    folder), live or not."""
    found = []
    output = root / "output"
    if output.is_dir() and not output.is_symlink():
        found += [p for p in output.rglob("*") if p.name.startswith((STAGING_PREFIX, TMP_PREFIX))
                  and not p.name.startswith(f"{STAGING_PREFIX}old-")]
    for folder in (root, root / "templates", *(root / "templates").glob("*"), root / "content"):
        if folder.is_dir():
            found += [p for p in folder.glob(f"{TMP_PREFIX}*")] + list(folder.glob(".new-*"))
    if temp:
        found += [p for prefix in (REVIEW_PREFIX, PDF_PREFIX) for p in Path(tempfile.gettempdir()).glob(f"{prefix}*")
                  if _owned(p)]
    return sorted(set(found))


def strays(root: Path, temp: bool = True) -> list[Path]:
    """The leftovers whose process is no longer running."""
    return [p for p in candidates(root, temp) if not _alive(p)]


def sweep(root: Path) -> list[Path]:
    """Remove every stray (and the git worktrees registered for review scratch that is gone)."""
    removed = []
    for path in strays(root):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    if any(p.name.startswith(REVIEW_PREFIX) for p in removed):
        subprocess.run(["git", "-C", str(root), "worktree", "prune"], capture_output=True, check=False)
    return removed


def _alive(path: Path) -> bool:
    match = _PID.match(path.name)
    if not match:
        return False  # an old-style name without a process id: nothing can still be writing it
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def _owned(path: Path) -> bool:
    try:
        return path.stat().st_uid == os.getuid()
    except OSError:
        return False
