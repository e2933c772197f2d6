"""The progress bar: drawn on a terminal, and nothing at all in a pipe, a CI log or a test run."""
from __future__ import annotations

import io

from builder.progress import progress, wanted


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_nothing_is_written_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    with progress(10, "Rendering", stream) as advance:
        for _ in range(10):
            advance("leaf")
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_bar_unless_ci_is_set(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("CMC_NO_PROGRESS", raising=False)
    assert wanted(Terminal())
    stream = Terminal()
    with progress(3, "Rendering", stream) as advance:
        for name in ("a", "b", "c"):
            advance(name)
    assert "Rendering" in stream.getvalue()
    monkeypatch.setenv("CI", "true")
    assert not wanted(Terminal())
