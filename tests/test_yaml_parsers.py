"""The loader reads YAML with libyaml (ruamel.yaml.clib) and falls back to ruamel's pure round-trip
parser; both must give the same tree, or both refuse.

The pure parser is the reference (its messages are the ones reported). These tests compare the two on
every YAML file the project ships and on seeded mutations of them, as a hostile writer's edits would
make them, so a library upgrade that makes them part is seen here, not in a dossier.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from builder import source, yaml_events
from builder.errors import DossierError
from builder.source import parse_bytes

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for folder in ("content", "templates", "tests/fuzz/corpus", "tests/roots", "tests/data")
               for p in (ROOT / folder).rglob("*.yaml"))
EDITS = list(" :-?[]{},#&*!|>'\"%@\n\\") + ["  ", "\n  ", "- ", ": ", "a", "0", "é", "\r", "---", "...", "\t",
                                            "\u2028", "\ufeff", "😀"]


def _read(text: str, fast: bool):
    """("tree", Value) or ("refused", code) from the fast path (when it takes the text) or the pure one."""
    saved = yaml_events._CParser
    if not fast:
        yaml_events._CParser = None
    try:
        return "tree", source.parse_bytes(text.encode("utf-8"), "f.yaml")
    except DossierError as exc:
        return "refused", exc.diagnostics[0].code
    finally:
        yaml_events._CParser = saved


def test_the_c_parser_is_installed():
    """Without the wheel the loader still works, at a fifth of the speed: a CI machine must have it."""
    assert yaml_events._CParser is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_files_read_the_same_with_either_parser(path):
    text = path.read_bytes().decode("utf-8", "replace")
    assert _read(text, fast=True) == _read(text, fast=False)


def _mutations(count: int, seed: int):
    rnd = random.Random(seed)
    texts = [p.read_text(encoding="utf-8", errors="replace").splitlines(True) for p in FILES]
    texts = [t for t in texts if t]
    for _ in range(count):
        lines = rnd.choice(texts)
        start = rnd.randrange(len(lines))
        text = "".join(lines[start:start + rnd.randint(1, 10)])
        for _ in range(rnd.randint(0, 3)):
            at, edit = rnd.randrange(len(text) + 1), rnd.choice(EDITS)
            text = rnd.choice([text[:at] + edit + text[at:], text[:at] + text[at + 1:],
                               text[:at] + edit + text[at + 1:]])
        yield text


def test_mutated_content_is_accepted_or_refused_alike():
    """3,000 seeded edits (60,000 when this was written, with no difference left): wherever one parser
    accepts a text, so does the other, with the same values at the same places. Both may refuse with
    different codes (libyaml takes `!e]!x` for a tag and says tags are not allowed; the pure parser calls
    it a syntax error)."""
    parted = []
    for text in _mutations(3000, seed=13):
        fast, pure = _read(text, True), _read(text, False)
        if fast != pure and "tree" in (fast[0], pure[0]):
            parted.append((text, fast[0], pure[0]))
    assert not parted, parted[:5]


@pytest.mark.parametrize("text, code, line, column", [
    ("a: x\tb\n", "E2005", 1, 5),          # a tab libyaml would take: the pure parser's refusal stands
    ("a: >#note\n  x\n", "E2005", 1, 5),   # a comment glued to `>`: libyaml would take it for a comment
])
def test_texts_the_parsers_part_on_get_the_pure_parsers_verdict(text, code, line, column):
    with pytest.raises(DossierError) as caught:
        parse_bytes(text.encode("utf-8"), "f.yaml")
    diag = caught.value.diagnostics[0]
    assert (diag.code, diag.origin.line, diag.origin.column) == (code, line, column)


def test_an_empty_value_is_placed_at_its_key_by_either_parser():
    for fast in (True, False):
        kind, tree = _read("items:\n  - id: a\n    release:\n  - id: b\nflow: {a: , b: 1}\n", fast)
        release, empty = tree.data["items"].data[0].data["release"], tree.data["flow"].data["a"]
        assert (release.origin.line, release.origin.column, empty.origin.column) == (3, 5, 8)


def test_libyaml_stops_at_the_nesting_limit_and_the_pure_parser_refuses_it_positioned():
    """libyaml's scanner is quadratic in flow nesting; it is left at the 21st level (the root mapping is
    the first), not after the last."""
    deep = "a: " + "[" * 20 + "]" * 20 + "\n"
    assert yaml_events.fast_events(deep, source.MAX_DEPTH) is None
    assert yaml_events.fast_events("a: " + "[" * 19 + "]" * 19 + "\n", source.MAX_DEPTH) is not None
    parse_bytes(("a: " + "[" * 19 + "x" + "]" * 19 + "\n").encode(), "c.yaml")
    with pytest.raises(DossierError) as caught:
        parse_bytes(deep.encode(), "c.yaml")
    diag = caught.value.diagnostics[0]
    assert (diag.code, diag.origin.line, diag.origin.column) == ("E2012", 1, 23)
