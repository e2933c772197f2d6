"""What the loader may do with any bytes, shared by the fuzz target and tests/test_fuzz_regressions.py.

`parse_bytes` either returns a tree of text, lists and mappings, every value positioned 1-based, or raises
`DossierError` with category 2 (content) whose diagnostics name the file and, where the loader can know
it, a 1-based line and column inside the file. Any other exception is a defect.
"""
from __future__ import annotations

from builder.errors import Category, DossierError
from builder.source import Value

DISPLAY = "fuzz.yaml"
# Every finding is placed (whole-file ones at 1:1), except nesting that recursed before the depth
# counter saw it (E2012 from a RecursionError), which has no place to give.
MAY_BE_UNPOSITIONED = {"E2012"}


def check_error(exc: DossierError, data: bytes) -> None:
    assert exc.category == Category.CONTENT, f"category {exc.category!r}, not content: {exc}"
    assert exc.diagnostics, "a DossierError without diagnostics"
    lines = data.count(b"\n") + data.count(b"\r") + 2  # an end-of-input mark may sit one line past the end
    for diag in exc.diagnostics:
        assert diag.severity == "error" and diag.code.startswith("E20"), str(diag)
        assert diag.origin is not None and diag.origin.path == DISPLAY, str(diag)
        if diag.code not in MAY_BE_UNPOSITIONED:
            assert diag.origin.line >= 1 and diag.origin.column >= 1, f"no position: {diag}"
        if diag.origin.line:
            assert 1 <= diag.origin.line <= lines and diag.origin.column >= 1, f"position outside the file: {diag}"


def check_tree(value: Value, depth: int = 0) -> None:
    """Every node is text, a list or a mapping with text keys, positioned 1-based (depth ≤ 20 + root)."""
    assert depth <= 22, "nesting deeper than the loader allows"
    assert value.origin.path == DISPLAY and value.origin.line >= 1 and value.origin.column >= 1, value.origin
    if value.is_map:
        for key, item in value.data.items():
            assert isinstance(key, str)
            check_tree(item, depth + 1)
    elif value.is_list:
        for item in value.data:
            check_tree(item, depth + 1)
    else:
        assert isinstance(value.data, str), type(value.data)
