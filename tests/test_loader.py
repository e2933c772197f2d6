"""Loading keeps what the writer typed and refuses what regulatory content never needs."""
import pytest

from builder.errors import DossierError
from builder.source import parse_bytes


def load(text: bytes):
    return parse_bytes(text, "c.yaml")


@pytest.mark.parametrize("typed", ["1.10", "0.50", "007", "0x1F", "12E4", "1_000", "2024-01-05", "NO", "true", "1:20", ".inf"])
def test_plain_scalars_stay_as_typed(typed):
    assert load(f"v: {typed}\n".encode()).data["v"].data == typed


def test_positions_are_one_based_and_point_at_the_value():
    tree = load(b"a:\n  - id: x\n    limit: 0.50\n")
    limit = tree.data["a"].data[0].data["limit"]
    assert (limit.origin.line, limit.origin.column) == (3, 12)


@pytest.mark.parametrize(
    "text, code, line, col",
    [
        (b"a: &x 1\nb: *x\n", "E2010", 1, 4),
        (b"a: 1\nb: *x\n", "E2010", 2, 4),
        (b"a: 1\n<<: {b: 2}\n", "E2010", 2, 1),
        (b"a: !!python/object/apply:os.system ['echo x']\n", "E2011", 1, 4),
        (b"a: !!float 1.10\n", "E2011", 1, 4),
        (b"%YAML 1.1\n---\na: NO\n", "E2014", 1, 1),
        (b"a: 1\n---\nb: 2\n", "E2013", 2, 1),
        (b"a: 1\na: 2\n", "E2005", 2, 1),
        (b"a:\n\tb: 1\n", "E2005", 2, 1),
        (b"a: \"open\n", "E2005", 2, 1),
        (b"a: caf\xe9\n", "E2003", 1, 7),
        (b"\xff\xfea\x00:\x00", "E2003", 1, 1),
        (b"a: x\x07y\n", "E2004", 1, 5),
        (b"# only a comment\n", "E2002", 1, 1),
    ],
)
def test_bad_yaml_is_a_positioned_content_error(text, code, line, col):
    with pytest.raises(DossierError) as caught:
        load(text)
    diag = caught.value.diagnostics[0]
    assert (diag.code, diag.origin.line, diag.origin.column) == (code, line, col)
    assert caught.value.category == 2


def test_deep_nesting_is_refused_quickly():
    with pytest.raises(DossierError) as caught:
        load(("a: " + "[" * 100_000 + "]" * 100_000 + "\n").encode())
    assert caught.value.diagnostics[0].code == "E2012"


def test_billion_laughs_is_refused_at_the_first_anchor():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    with pytest.raises(DossierError) as caught:
        load("\n".join(lines).encode())
    assert caught.value.diagnostics[0].origin.line == 1


def test_utf8_bom_is_accepted():
    assert load(b"\xef\xbb\xbfa: b\n").data["a"].data == "b"


def _refused_raw(code: int) -> bool:
    """The raw-file rule, spelled out: C0 controls but tab and line ends, DEL, C1, U+FFFE and U+FFFF."""
    return (code < 0x20 and chr(code) not in "\t\n\r") or 0x7F <= code <= 0x9F or code in (0xFFFE, 0xFFFF)


def test_every_character_the_raw_rule_names_is_refused_at_its_place_and_no_other():
    """The one-scan check refuses exactly the characters the rule names, each at its own column."""
    refused = [code for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF and _refused_raw(code)]
    assert len(refused) == 29 + 33 + 2
    for code in refused:
        with pytest.raises(DossierError) as caught:
            load(f"a: x{chr(code)}y\n".encode())
        diag = caught.value.diagnostics[0]
        assert (diag.code, diag.origin.line, diag.origin.column) == ("E2004", 1, 5)
        assert f"U+{code:04X}" in diag.message
    from builder.source import _decode
    allowed = "".join(chr(c) for c in range(0x20, 0x3000) if not _refused_raw(c)) + "\t\r\n\U0001F600\ufffd"
    assert _decode(allowed.encode(), "c.yaml") == allowed
