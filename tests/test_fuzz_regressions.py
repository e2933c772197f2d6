"""Every input the loader fuzzer crashed on, and every seed, now ends in a content error or a clean tree.

tests/fuzz/crashes/ holds the inputs (bytes as found) that once escaped `parse_bytes` with something other
than a content error; tests/fuzz/corpus/ the fuzzer's seeds. The oracle is the fuzz target's own
(tests/fuzz/loader_checks.py), so this runs in CI without atheris.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from builder import yaml_events
from builder.errors import DossierError
from builder.source import _yaml, parse_bytes
from fuzz.loader_checks import DISPLAY, check_error, check_tree

FUZZ = Path(__file__).parent / "fuzz"
INPUTS = sorted(p for folder in ("crashes", "corpus") for p in (FUZZ / folder).glob("*") if p.is_file())


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_positioned_content_errors_escape_the_loader(path):
    data = path.read_bytes()
    try:
        tree = parse_bytes(data, DISPLAY)
    except DossierError as exc:
        check_error(exc, data)
    else:
        check_tree(tree)


@pytest.mark.parametrize("name, exception, line, column", [
    ("ruamel-assertion-tokens75.yaml", AssertionError, 2, 2),  # valid YAML; safe mode loads it
    ("ruamel-overlap-in-comment.yaml", NotImplementedError, 17, 1),
])
def test_round_trip_parser_crashes_become_positioned_content_errors(name, exception, line, column, monkeypatch):
    """pitfalls.md §1.8: ruamel's round-trip parser raises non-YAML exceptions on these inputs (pinned
    here, so an upgrade that fixes or changes them is noticed); the loader reports them at a place
    when it reads with that parser (libyaml, its first choice, is asked too: test_yaml_parsers.py)."""
    data = (FUZZ / "crashes" / name).read_bytes()
    if exception is AssertionError and not __debug__:
        pytest.skip("python -O strips ruamel's assertions")
    with pytest.raises(exception):
        list(_yaml().parse(data.decode("utf-8")))
    monkeypatch.setattr(yaml_events, "_CParser", None)
    with pytest.raises(DossierError) as caught:
        parse_bytes(data, "c.yaml")
    diag = caught.value.diagnostics[0]
    assert (diag.code, diag.origin.line, diag.origin.column) == ("E2006", line, column)
    assert exception.__name__ in diag.message


def test_valid_yaml_the_round_trip_parser_fails_on_is_read_by_libyaml():
    """`# c / | #: {d} # c` is valid YAML (safe mode loads it): libyaml reads it as one empty text, which
    later stages refuse as not a mapping; the pure parser alone failed an assertion on it."""
    tree = parse_bytes((FUZZ / "crashes" / "ruamel-assertion-tokens75.yaml").read_bytes(), "c.yaml")
    assert (tree.data, tree.origin.line) == ("", 1)


def test_a_raw_non_character_is_refused_at_its_place():
    with pytest.raises(DossierError) as caught:
        parse_bytes((FUZZ / "crashes" / "reader-noncharacter-uffff.yaml").read_bytes(), "c.yaml")
    diag = caught.value.diagnostics[0]
    assert (diag.code, diag.origin.line, diag.origin.column) == ("E2004", 1, 6) and "U+FFFF" in diag.message


def test_crash_inputs_are_kept():
    assert any((FUZZ / "crashes").glob("*.yaml")), "tests/fuzz/crashes/ is empty"
