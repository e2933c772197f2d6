"""A progress bar on long builds, drawn by rich on a terminal; nothing at all otherwise.

Output piped to a file, a CI log (`CI` set) or a test run stays exactly what it was: the bar goes to
stderr only when stderr is a terminal, and is removed when the work ends, leaving the task's own lines.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager


def wanted(stream=None) -> bool:
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI") \
        and not os.environ.get("CMC_NO_PROGRESS")


@contextmanager
def progress(total: int, what: str, stream=None):
    """Yield `advance(label)`, to call once per unit of work done (a leaf rendered)."""
    if total <= 1 or not wanted(stream):
        yield lambda label="": None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[label]}"), console=Console(file=stream or sys.stderr),
                   transient=True)
    with bar:
        task = bar.add_task(what, total=total, label="")

        def advance(label: str = "") -> None:
            bar.update(task, advance=1, label=label)

        yield advance
