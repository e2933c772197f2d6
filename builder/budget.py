"""A budget for template evaluation: output size, repetition and time, so a template ends in a
template error (exit 3), never a hang or a MemoryError.

The sandbox already caps `range()` at 100,000 items; nested loops, string repetition and huge
powers are not capped by Jinja. Here: every printed value counts against an output budget, `*`
and `**` are intercepted before they build a huge value, and the whole render of one leaf runs
under a wall-clock timer (on the main thread, where signals can be delivered).
"""
from __future__ import annotations

import signal
import threading
from collections import OrderedDict
from contextlib import contextmanager

from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT_CHARS = 20_000_000   # printed characters per leaf (the largest example leaf prints well under 1 MB)
MAX_REPEAT_ITEMS = 1_000_000    # the size of a value built by `*`
MAX_EXPONENT = 1_000
MAX_SECONDS = 120


class BudgetExceeded(ValueError):
    """Template evaluation went over its budget."""


class BudgetedEnvironment(SandboxedEnvironment):
    """A sandbox that also counts what is printed and refuses oversized `*` and `**`."""

    intercepted_binops = frozenset({"*", "**"})

    _compiled: OrderedDict = OrderedDict()  # (options, source, name …) → code, shared by every environment
    COMPILED_LIMIT = 512

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.printed = 0

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Compile each template source once per process: every leaf rendered the same template parts
        again (a fifth of a build). The code object depends only on the source and the options that
        shape code generation, both in the key; `from_code` binds it to this environment (and its
        finalize hook and budget) each time, so nothing of one render leaks into the next."""
        if not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)
        key = (self._codegen_options(), source, name, filename, raw, defer_init)
        cache = BudgetedEnvironment._compiled
        code = cache.get(key)
        if code is None:
            code = super().compile(source, name, filename, raw, defer_init)
            cache[key] = code
            if len(cache) > self.COMPILED_LIMIT:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return code

    def _codegen_options(self) -> tuple:
        finalize = self.finalize
        return (type(self), self.autoescape if isinstance(self.autoescape, bool) else id(self.autoescape),
                finalize is not None, getattr(finalize, "jinja_pass_arg", None), self.optimized,
                tuple(sorted(self.extensions)), self.intercepted_binops, self.intercepted_unops,
                self.block_start_string, self.block_end_string, self.variable_start_string,
                self.variable_end_string, self.comment_start_string, self.comment_end_string,
                self.line_statement_prefix, self.line_comment_prefix, self.trim_blocks, self.lstrip_blocks,
                self.newline_sequence, self.keep_trailing_newline)

    def count(self, value) -> None:
        """Count a printed value (blocks built by the views are counted as the text they carry)."""
        self.printed += len(value) if isinstance(value, str) else len(getattr(value, "text", "") or "")
        if self.printed > MAX_OUTPUT_CHARS:
            raise BudgetExceeded(f"the template printed more than {MAX_OUTPUT_CHARS:,} characters (a runaway loop?)")

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise BudgetExceeded(f"an exponent above {MAX_EXPONENT}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_REPEAT_ITEMS:
                    raise BudgetExceeded(f"a repetition of more than {MAX_REPEAT_ITEMS:,} items")
        return super().call_binop(context, operator, left, right)


@contextmanager
def time_limit(seconds: float = MAX_SECONDS):
    """Raise BudgetExceeded in the block after `seconds` (only on the main thread; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise BudgetExceeded(f"rendering took longer than {seconds:g} s (a runaway loop?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
