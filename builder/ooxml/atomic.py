"""The one way a single file is written outside a build's staging folder: whole, or not at all.

Templates, the region comparison and `.gitattributes` are written by tasks that have no staging
folder of their own. Each goes to a temp file beside its target (named `.tmp-…`, so the next run and
`invoke verify` can find what a hard kill left), is fsynced, then renamed over the target: a reader
never sees half a file, and a failure leaves the previous file as it was.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import environment_error

TMP_PREFIX = ".tmp-"


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write `data` to `path` atomically; an OS error is an environment error (exit 4) naming the file."""
    tmp = path.with_name(f"{TMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise environment_error("E4002", f"cannot write {path.name}: {exc.strerror or exc}; the previous file is "
                                "untouched", path) from None
    except BaseException:  # Ctrl-C: no temp file is left behind
        tmp.unlink(missing_ok=True)
        raise
    return path


def sweep(folder: Path) -> list[Path]:
    """Remove the temp files an interrupted write left directly in `folder`; return what was removed."""
    removed = []
    for stale in sorted(folder.glob(f"{TMP_PREFIX}*")) if folder.is_dir() else ():
        if stale.is_file() and not stale.is_symlink():
            stale.unlink(missing_ok=True)
            removed.append(stale)
    return removed
