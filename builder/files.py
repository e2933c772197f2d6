"""Reading an input file without hanging on, or being fooled by, something that is not a file.

A content or template path can be a FIFO (reading it waits for a writer: the build hangs), a device,
a socket, a directory named `*.yaml`, or a symbolic link loop. Each is opened without blocking and
checked *after* opening (`fstat` of the open descriptor, so it cannot be swapped in between), and
anything that is not a regular file is reported as what it is.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
         (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class NotAFile(Exception):
    """The path exists but is not a regular file (the message says what it is instead)."""


def kind(mode: int) -> str:
    return next((name for test, name in KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of regular file `path` (at most `limit` + 1, so an oversize file is seen without reading it all).

    Raises NotAFile for anything else, and OSError (missing, permission …) as the OS reports it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        what = describe(path)  # a socket cannot be opened at all (ENXIO); a loop gives ELOOP
        if what:
            raise NotAFile(what) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotAFile(kind(mode))
    with os.fdopen(fd, "rb") as handle:
        return handle.read() if limit is None else handle.read(limit + 1)


def describe(path: Path) -> str | None:
    """What `path` is when it is not a regular file (or None when it is one, or does not exist)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return "a symbolic link loop" if exc.errno == errno.ELOOP else None
    except RuntimeError:  # Python 3.11's resolve() on a loop
        return "a symbolic link loop"
    return None if stat.S_ISREG(mode) else kind(mode)
