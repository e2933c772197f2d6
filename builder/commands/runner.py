"""How every task ends: a result, or diagnostics and the documented exit code, never a traceback.

`run` turns a `DossierError` into its messages and its category's exit code, with the exact number
of problems and what was (or was not) written; Ctrl-C and SIGTERM into exit 130; anything else into
"internal error" with exit 1, a request to report it and, with DOSSIER_TRACEBACK=1, the traceback.
Option values (`--product a,b`, `--region …`) are parsed here once, so every task refuses the same
mistakes in the same words.
"""
from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path

from invoke import Exit

from ..errors import DossierError, content_error

NOTHING_WRITTEN = "nothing was written"


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C: staging removed, no half-swapped region


def console() -> None:
    """A console that cannot show a character (Chinese on a Latin-1 terminal) gets an escape, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def quiet_broken_pipe() -> None:
    """A reader that stops early (`invoke explain … | head`) ends the output, not with a traceback:
    the rest of what a task prints goes nowhere (Python's own advice for SIGPIPE, kept as an
    exception so a worker's pipe still fails the usual way)."""
    def hook(kind, value, tb):
        if issubclass(kind, BrokenPipeError):
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit's flush
            except (OSError, ValueError):
                pass
            return
        previous(kind, value, tb)
    previous = sys.excepthook
    sys.excepthook = hook


def run(func, *args, written=None, interrupted: str | None = None, **kwargs):
    """Run a task's implementation; `written(exc)` says what a failure left written (default: nothing)."""
    console()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return func(*args, **kwargs)
    except KeyboardInterrupt:
        raise Exit(interrupted or "interrupted; every region folder holds either its previous or its new build, "
                   "never a mix", code=130) from None
    except DossierError as exc:
        print(exc, file=sys.stderr)
        raise Exit(f"{count(exc)}; {(written or (lambda e: NOTHING_WRITTEN))(exc)}", code=int(exc.category)) from None
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug, never a content mistake
        raise Exit(internal_error(exc), code=1) from None


def count(exc: DossierError) -> str:
    """'3 problems found', or '250 problems found (the first 100 shown)': the count is always exact."""
    total = exc.total
    shown = len(exc.diagnostics)
    text = f"{total} problem{'s' if total != 1 else ''} found"
    return text + (f" (the first {shown} shown)" if shown < total else "")


def internal_error(exc: BaseException) -> str:
    """A bug in the builder, said as one: where it happened, and a request to report it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    if os.environ.get("DOSSIER_TRACEBACK"):
        traceback.print_exception(exc, file=sys.stderr)
    return (f"internal error: {type(exc).__name__}: {exc}{where}\n"
            "This is a bug in the builder, not in your content. Please report it with the command you ran "
            "(set DOSSIER_TRACEBACK=1 for the full traceback).")


def option_list(value: str, option: str, known=None) -> list[str] | None:
    """`a,b` → ['a', 'b'] (None when empty); a name given twice, or one not in `known`, is refused (exit 2)."""
    names = [v.strip() for v in (value or "").split(",") if v.strip()]
    seen = set()
    for name in names:
        if name in seen:
            raise content_error("E2304", f"'{name}' is given twice; list each once", None, f"--{option}")
        seen.add(name)
        if known is not None and name not in known:
            raise content_error("E2305", f"unknown {option} '{name}' (known: {', '.join(sorted(known)) or 'none'})",
                                None, f"--{option}")
    return names or None


