"""Property tests (pitfalls.md §8): what a writer typed is what Word shows, or a named error says why not.

P1 text fidelity, P2 numeric fidelity, P4 determinism and P6 safe names. Each text goes through the real
path: YAML bytes → `parse_bytes` → the schema's character policy → docxtpl render → python-docx read-back.
Runs are derandomized (the same examples on every run, so CI is stable); a failure prints the example.
"""
from __future__ import annotations

import hashlib
import io
import posixpath
import re
import shutil
import unicodedata

import docx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.errors import Diagnostics, DossierError, Origin
from builder.ooxml.blocks import Cell, Run, paragraph, table
from builder.ooxml.package import read_package, write_package
from builder.pipeline import build
from builder.render import find_template, render
from builder.schema import MAX_TEXT, Slug, clean_text
from builder.source import Value, parse_bytes

from conftest import REPO, only_example

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)
LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}
NARRATIVE = find_template(REPO / "templates", "fda", "narrative")
SPECIFICATION = find_template(REPO / "templates", "fda", "specification")

# -- strategies ----------------------------------------------------------------------------------------

ANY_CHAR = st.characters(exclude_categories=())  # the full range, lone surrogates included
PIECES = [
    # XML specials and attempts to break out of a run
    "&", "<", ">", '"', "'", "&amp;", "&#39;", "&#x0;", "<w:t>", "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>", "]]>",
    # Jinja and docxtpl syntax
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ doc.subject }}", "{%p endfor %}", "{{p block }}", "{_{", "}_}", "{_%",
    "%_}", "{_", "_}", "%_", "_%",
    # line ends and separators
    "\r", "\n", "\r\n", "\n\r", "\x85", "\u2028", "\u2029", "\t", "\v", "\f",
    # control characters, surrogates, non-characters, invisible and bidi characters
    "\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x9f", "\ud800", "\udfff", "\ud83d\ude00", "\ufffe", "\uffff",
    "\ufeff", "\u200b", "\u200f", "\u202e", "\u2066", "\U0001fffe", "\U0010fffd", "\ue000",
    # combining sequences and characters NFC changes
    "\u0301", "\u0308", "\u0327", "\u0323", "e\u0301", "\u212b", "\u2126", "\u037e", "\u1e9b\u0323", "\u00e9",
    # ordinary text, spaces and YAML indicators
    "e", "A", "0.50", " ", "  ", "\u00a0", "\u3000", "#", ": ", "- ", "\\", "\U0001f600", "\u8d28\u91cf",
]
TARGETED = st.lists(st.one_of(st.sampled_from(PIECES), ANY_CHAR), max_size=25).map("".join)


def yaml_double_quoted(text: str, raw_unicode: bool) -> str:
    """`text` as a YAML double-quoted scalar that loads back exactly: printable ASCII (and, when
    `raw_unicode`, printable non-ASCII) is written as is, everything else as a \\x, \\u or \\U escape.
    Line breaks are always escaped, so no line folding applies."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code <= 0x7E or (raw_unicode and code >= 0xA0 and ch.isprintable()):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'


# -- P1 text fidelity --------------------------------------------------------------------------------------

INVISIBLE = set(range(0x200B, 0x2010)) | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x2028, 0x2029}


def lf_text(text: str) -> str:
    """pitfalls.md §2.2, written independently of builder.schema: LF line ends, one final newline dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text


def refused(text: str) -> bool:
    """Whether the character policy must refuse `text` (LF-normalised, final newline dropped)."""
    def bad(code):
        return (code < 0x20 and code not in (0x09, 0x0A)) or 0x7F <= code <= 0x9F \
            or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
    return len(text) > MAX_TEXT or any(bad(ord(c)) for c in text) or any(m in text for m in ("{_{", "}_}", "{_%", "%_}"))


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def check_text_fidelity(text: str, raw_unicode: bool) -> None:
    data = f"v: {yaml_double_quoted(text, raw_unicode)}\n".encode("utf-8", "surrogatepass")
    loaded = parse_bytes(data, "p1.yaml").data["v"]
    assert loaded.data == text  # the loader itself is lossless for double-quoted text

    diags = Diagnostics()
    cleaned = clean_text(loaded.data, loaded.origin, "v", diags)
    if refused(lf_text(text)):  # a content error naming the field and its line, never a silent change
        assert cleaned is None
        assert diags.errors and all(d.field == "v" and d.origin.line == 1 for d in diags.errors)
        return
    want = unicodedata.normalize("NFC", lf_text(text))
    assert not diags.errors and cleaned == want
    if any(ord(c) in INVISIBLE for c in want):  # never silent: invisible and bidi characters are named
        assert diags.warnings and all(d.code == "W2206" and d.field == "v" for d in diags.warnings)

    subject = want if want.strip() else "S"
    doc = {"product": "P", "section": "3.2.P.2", "title": "T", "heading": "H", "subject": subject}
    rendered = render(NARRATIVE, doc, LABELS, [paragraph([Run(want)])], "p1")
    assert docx_paragraphs(rendered) == ["H", subject, want]  # nothing lost, nothing injected
    if not want.strip():  # a blank value is refused by name, never printed as a blank line
        with pytest.raises(DossierError, match="blank"):
            render(NARRATIVE, {**doc, "subject": want}, LABELS, [], "p1")


@PROPERTY
@given(text=st.text(ANY_CHAR), raw_unicode=st.booleans())
@example(text="a\rb\r\nc\n", raw_unicode=False)
@example(text="a\x85b\u2028c\u2029d", raw_unicode=True)
@example(text="a\ud800b", raw_unicode=False)
@example(text="e\u0301 \u212b\t&<>\"' {{ 7*7 }} {% if x %}", raw_unicode=True)
@example(text="\n", raw_unicode=False)
def test_p1_any_text_is_printed_exactly_or_refused_by_field(text, raw_unicode):
    check_text_fidelity(text, raw_unicode)


@PROPERTY
@given(text=TARGETED, raw_unicode=st.booleans())
@example(text="x </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>BOLD", raw_unicode=False)
@example(text="literal {_{ x }_}", raw_unicode=False)
@example(text="a\x07b\x0cc", raw_unicode=False)
def test_p1_xml_jinja_line_ends_and_controls_are_printed_exactly_or_refused(text, raw_unicode):
    check_text_fidelity(text, raw_unicode)


# -- P2 numeric fidelity -----------------------------------------------------------------------------------

NUMERIC = st.one_of(
    st.from_regex(r"[-+]?[0-9]{1,4}\.[0-9]{0,3}0{1,3}", fullmatch=True),  # trailing zeros: 0.50, 98.0
    st.from_regex(r"[-+]?\.[0-9]{1,4}", fullmatch=True),
    st.from_regex(r"[-+]?[0-9]{1,3}(\.[0-9]{0,3})?[eE][-+]?[0-9]{1,3}", fullmatch=True),  # 12E4, 1.0e+10
    st.from_regex(r"[-+]?0[xX][0-9a-fA-F_]{1,8}", fullmatch=True),
    st.from_regex(r"0[oO]?[0-7_]{1,8}", fullmatch=True),
    st.from_regex(r"0[bB][01_]{1,8}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{0,2}(_[0-9]{3}){1,3}", fullmatch=True),  # 1_000
    st.from_regex(r"0{1,3}[0-9]{1,5}", fullmatch=True),  # lot 007
    st.from_regex(r"[0-9]{1,3}(:[0-5][0-9]){1,2}(\.[0-9]{1,2})?", fullmatch=True),  # 1:20, sexagesimal
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),  # dates, valid or not (2024-13-45)
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt]| )[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?(Z|[-+][0-9]{2}:[0-9]{2})?",
                  fullmatch=True),
    st.from_regex(r"(NMT|NLT) [0-9]{1,3}\.[0-9]{0,2}0 ?%", fullmatch=True),
    # quantities in every notation the quantity model reads (docs/quantities.md): printed as typed, too
    st.from_regex(r"[0-9]\.[0-9]{1,2}(–| to |～)[0-9]\.[0-9]{1,2} ?(× ?10\^1[0-5]|×10[¹²³]{1,2}|E1[0-5]) vg/mL", fullmatch=True),
    st.from_regex(r"(< |≤ )?[0-9]{1,3}\.[0-9]{1,3}0? ?(%|ppm|ng/mL|EU/mL|cfu/g|µg)", fullmatch=True),
    st.sampled_from(["不得过０．５０％", "2.1×10¹³ vg/mL", "96 (93–99)", "NMT 10 ng per 1.0 × 10^13 vg", "q.s.",
                     "q.s. to 10.0 mL", "每1.0×10^13 vg中宿主细胞DNA残留量不得过10 ng", "7.1 log10 TCID50/mL"]),
    st.sampled_from([".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN", "NO", "no", "No", "yes", "Yes", "on",
                     "Off", "y", "n", "true", "False", "TRUE", "1:20", "0.50", "1.10", "98.0", "007", "017", "0x1F",
                     "12E4", "1e3", "1_000", "0o17", "0b101", "2024-13-45", "05/01/2024", "1,000.00", "1.0e+10"]),
)


@PROPERTY
@given(values=st.lists(NUMERIC, min_size=1, max_size=6))
def test_p2_numeric_looking_plain_scalars_are_loaded_and_printed_verbatim(values):
    text = "tests:\n" + "".join(f"  - id: t{i}\n    release: {v}\n" for i, v in enumerate(values))
    loaded = [item.data["release"] for item in parse_bytes(text.encode(), "p2.yaml").data["tests"].data]
    assert [v.data for v in loaded] == values
    diags = Diagnostics()
    assert [clean_text(v.data, v.origin, "release", diags) for v in loaded] == values and not diags.items

    header = [[Cell((Run("Test"),)), Cell((Run("Procedure"),)), Cell((Run("Acceptance criterion"),))]]
    rows = [[Cell((Run(f"t{i}"),)), Cell((Run("AP-001"),)), Cell((Run(v),))] for i, v in enumerate(values)]
    doc = {"product": "P", "section": "3.2.P.5.1", "title": "T", "heading": "H", "subject": "S"}
    data = render(SPECIFICATION, doc, LABELS, [table(header, rows, [3, 3, 4], 9000)], "p2")
    grid = docx.Document(io.BytesIO(data)).tables[0]
    assert [grid.cell(i + 1, 2).text for i in range(len(values))] == values


# -- P4 determinism ------------------------------------------------------------------------------------------

def test_p4_rendering_twice_gives_the_same_bytes():
    doc = {"product": "P", "section": "3.2.P.2", "title": "T", "heading": "H", "subject": "S & <s>"}
    blocks = [paragraph([Run("a\tb\nc")])]
    first, second = (write_package(read_package(render(NARRATIVE, doc, LABELS, blocks, "p4"))) for _ in range(2))
    assert first == second


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_p4_building_the_example_twice_gives_the_same_bytes(tmp_path):
    outputs = []
    for copy in ("one", "two"):
        root = tmp_path / copy
        for name in ("content", "templates"):
            shutil.copytree(REPO / name, root / name, ignore=only_example)
        build(root, ["examplinib"], ["fda"])
        outputs.append(_hashes(root / "output/examplinib/fda"))
    assert outputs[0] and outputs[0] == outputs[1]


# -- P6 safe names ---------------------------------------------------------------------------------------------

SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
NAMES = st.one_of(
    st.text(ANY_CHAR, max_size=50),
    st.from_regex(r"[a-z0-9-]{0,45}(\r?\n){0,3}", fullmatch=True),
    st.sampled_from(["../../etc", "/abs", "..", ".", "CON", "A B", "a" * 41, "a" * 40, "caf\u00e9", "a/b", "a\\b",
                     "-a", "a\x00", "abc\n", "abc\n\n", "abc\r\n\r\n", "\u0430bc", "ab\u200bc", "a\u2028"]),
)


@PROPERTY
@given(text=NAMES)
@example(text="abc\n\n")
def test_p6_an_identifier_is_refused_or_is_a_safe_file_name(text):
    diags = Diagnostics()
    name = Slug().bind(Value(text, Origin("f", 1, 5)), "id", diags)
    if name is None:
        assert diags.errors and all(d.field == "id" for d in diags.errors)
        return
    assert not diags.errors
    assert SAFE_NAME.fullmatch(name), repr(name)
    assert posixpath.dirname(posixpath.normpath(posixpath.join("/out", name))) == "/out"
