"""The bad-input catalogue (pitfalls.md §6): one fixture and one test per category, through the real build.

A module fixture copies `content/` and `templates/` into a temporary project and builds it once. Each
test copies that built project, injects one kind of bad input into realistic places of the example
product (a specification test, a batch, a narrative, an overlay, a new core file, a template), builds
again, and asserts:

(a) the exit category (`DossierError.category`: 2 content, 3 template, 4 environment); a few tests go
    through `tasks._run`, the CLI's error handler, and check the process exit code and what it prints;
(b) every message is `file:line:col: error Ecode: field: …`, 1-based, at the exact line and column of
    the bad value or key, naming the field path where there is one (a template or a missing file has
    no line: `file: error Ecode: …`);
(c) the output folder is byte-identical to the first build's;
(d) no `.staging-*` is left anywhere, and nothing new appears in the project folder or next to it;
(e) no source file other than the injected one changed (and the builder changed none).

Builds are of one region (EMA, or FDA where the FDA overlay is the injected file): loading dominates a
failing build, and every core finding shows in any region. Accepted inputs (#9 without strict, #21,
#22, #28, #29, #31, #33) are injected side by side into one project that is built once (`accepted`);
#27, #32 and #34 change whole files and build their own. Accepted values go into fields that are
printed but not interpreted (a test's name or procedure), so the cross-section checks of acceptance
criteria cannot turn them into findings. Expected lines and columns are computed from the injected
files, not hard-coded, so the example product can keep changing.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from builder.errors import Category, Diagnostics, DossierError
from builder.pipeline import build
from builder.source import parse_bytes

from conftest import REPO, only_example

PRODUCT = "content/examplinib"
DP = f"{PRODUCT}/core/drug-product.yaml"
DS = f"{PRODUCT}/core/drug-substance.yaml"
CORE_PRODUCT = f"{PRODUCT}/core/product.yaml"
NEW_CORE = f"{PRODUCT}/core/zz-bad.yaml"  # every core file is loaded; a loader error comes first
NEW_CORE_2 = f"{PRODUCT}/core/zz-bad-2.yaml"
NEW_CORE_3 = f"{PRODUCT}/core/zz-bad-3.yaml"
FDA = f"{PRODUCT}/fda.yaml"
EMA = f"{PRODUCT}/ema.yaml"
NARRATIVE = "templates/common/narrative.docx"

POSITIONED = re.compile(r"(?P<file>[^\s:][^:]*):(?:(?P<line>[1-9]\d*):(?P<col>[1-9]\d*)|(?P<cell>[^!:]+![A-Z]+[1-9]\d*)): "
                        r"(?P<severity>error|warning|justified) (?P<code>[A-Z]\d{4}): ")  # E, W, F(inding)
FILE_ONLY = re.compile(r"(?P<file>[^\s:][^:]*): error (?P<code>E\d{4}): ")

# Record anchors in the example (a line that starts the record); fields are found after them.
DP_SPEC = "specification:\n      id: spc-p-001"
DESCRIPTION = "- id: description"
IDENT_HPLC = "- id: identification-hplc"
IDENT_UV = "- id: identification-uv"
IMPURITY_C = "- id: deg-impurity-c"
UNSPECIFIED = "- id: deg-unspecified"
TOTAL = "- id: deg-total"
ASSAY = "- id: assay"
DISSOLUTION = "- id: dissolution"
UNIFORMITY = "- id: uniformity"
WATER = "- id: water"
TAMC = "- id: tamc"
TYMC = "- id: tymc"
REGION = "ema"  # the region failing builds are checked in, unless the FDA overlay is injected


# ------------------------------------------------------------------------------------------ helpers

def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sources(root: Path) -> dict[str, str]:
    found = {}
    for name in ("content", "templates"):
        found.update({f"{name}/{rel}": digest for rel, digest in hashes(root / name).items()})
    return found


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and character column of `offset` in `text` (LF line ends)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class Project:
    """A copy of the built example project, with helpers to inject bad input and to build it."""

    def __init__(self, root: Path, golden: "Golden"):
        self.root, self.golden = root, golden
        self.injected: set[str] = set()

    # -- injecting
    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.root / rel
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.injected.add(rel)

    @staticmethod
    def _anchor(text: str, after: str | None, start: int = 0) -> int:
        return text.index(after, start) if after else start

    def find(self, rel: str, needle: str, after: str | None = None, within: str | None = None) -> tuple[int, int]:
        """(line, column) of the first `needle` after `within` and then `after` in the file as it is now."""
        text = self.text(rel)
        start = self._anchor(text, after, self._anchor(text, within))
        return position(text, text.index(needle, start))

    def set_value(self, rel: str, key: str, value: str, after: str, within: str | None = None) -> tuple[int, int, int]:
        """Set the first `key:` line after `after` to `key: value`; returns (line, key column, value column)."""
        text = self.text(rel)
        at = self._anchor(text, after, self._anchor(text, within))
        match = re.compile(rf"^(?P<indent>[ -]*){re.escape(key)}:[^\n]*$", re.M).search(text, at)
        assert match, f"no '{key}:' after {after!r} in {rel}"
        start = match.start() + len(match["indent"])
        line = f"{key}:" + (f" {value}" if value else "")
        self.write(rel, text[:start] + line + text[match.end():])
        row, col = position(text, start)
        return row, col, col + len(key) + 2

    def remove_key(self, rel: str, key: str, after: str, within: str | None = None) -> None:
        text = self.text(rel)
        at = self._anchor(text, after, self._anchor(text, within))
        match = re.compile(rf"^ *{re.escape(key)}:[^\n]*\n", re.M).search(text, at)
        assert match, f"no '{key}:' after {after!r} in {rel}"
        self.write(rel, text[:match.start()] + text[match.end():])

    def insert_after(self, rel: str, after: str, block: str, within: str | None = None) -> int:
        """Insert `block` (whole lines) after the line holding `after`; returns the first new line's number."""
        text = self.text(rel)
        at = text.index("\n", self._anchor(text, after, self._anchor(text, within))) + 1
        self.write(rel, text[:at] + block + text[at:])
        return text.count("\n", 0, at) + 1

    def edit_template(self, edit, rel: str = NARRATIVE) -> None:
        """Rewrite a template at the zip level: `edit(parts)` changes the dict of part name → bytes."""
        path = self.root / rel
        with zipfile.ZipFile(path) as zf:
            parts = {info.filename: zf.read(info) for info in zf.infolist()}
        edit(parts)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
        self.write(rel, buffer.getvalue())

    # -- building
    def _listing(self) -> tuple[list[str], list[str]]:
        return sorted(os.listdir(self.root)), sorted(os.listdir(self.root.parent))

    def fails(self, category: Category, *, strict: bool = False, regions=(REGION,), cli=None,
              unpositioned: tuple[str, ...] = ()) -> list[str]:
        """Build, expect `category`, check (b)–(e), and return the messages exactly as a writer sees them.

        With `cli` (pytest's capsys), the build runs through `tasks._run` as `invoke build` does, and
        the messages are what it printed; its `invoke.Exit` code must be the category. `unpositioned`
        lists content codes known to lack a line and column (each has its own xfail test).
        """
        regions = list(regions)
        listing, injected_sources = self._listing(), sources(self.root)
        if cli is None:
            with pytest.raises(DossierError) as info:
                build(self.root, None, regions, strict)
            assert info.value.category == category, str(info.value)
            messages = [str(d) for d in info.value.diagnostics]
        else:
            from invoke import Exit

            cli.readouterr()
            with pytest.raises(Exit) as info:
                tasks_module()._run(build, self.root, None, regions, strict)
            printed = cli.readouterr().err.splitlines()
            assert info.value.code == int(category), printed
            messages = printed
        assert messages
        for message in messages:  # (b)
            match = POSITIONED.match(message) or FILE_ONLY.match(message)
            assert match and (match.re is POSITIONED or category != Category.CONTENT or match["code"] in unpositioned), \
                f"no line and column: {message}"
            if category == Category.CONTENT:
                assert os.path.lexists(self.root / match["file"]), message  # a file, or what stands in its place
        assert hashes(self.root / "output") == self.golden.output  # (c)
        self.assert_clean(listing)  # (d)
        after = sources(self.root)  # (e)
        assert after == injected_sources, "the builder changed a source file"
        for rel, digest in self.golden.sources.items():
            if rel not in self.injected:
                assert after.get(rel) == digest, rel
        return messages

    def builds(self, regions=(REGION,), diags: Diagnostics | None = None) -> Path:
        """Build (one region unless told), expecting success; check (d) and (e)."""
        listing, injected_sources = self._listing(), sources(self.root)
        build(self.root, None, list(regions), False, diags)
        self.assert_clean(listing)
        assert sources(self.root) == injected_sources
        return self.root

    def assert_clean(self, listing) -> None:
        assert not [p for p in self.root.rglob("*") if p.name.startswith(".staging-")]
        assert self._listing() == listing

    # -- reading what was built
    def leaves(self, region: str, number: str) -> list[docx.document.Document]:
        folder = self.root / PRODUCT.replace("content", "output", 1) / region
        listed = json.loads((folder / "manifest.json").read_text())["leaves"]
        return [docx.Document(folder / leaf["path"]) for leaf in listed if leaf["number"] == number]

    def manifest_leaves(self, region: str) -> list[tuple[str, str]]:
        folder = self.root / PRODUCT.replace("content", "output", 1) / region
        return [(leaf["path"], leaf["sha256"]) for leaf in json.loads((folder / "manifest.json").read_text())["leaves"]]


def cells(document) -> list:
    return [cell for table in document.tables for row in table.rows for cell in row.cells]


def body_text(document) -> str:
    return "\n".join([p.text for p in document.paragraphs] + [c.text for c in cells(document)])


def expect(messages: list[str], path: str, line: int, col: int, code: str, field: str = "", text: str = "") -> str:
    """The message at path:line:col with `code`; it must read `… code: field: text…`."""
    prefix = f"{path}:{line}:{col}: {'warning' if code.startswith('W') else 'error'} {code}: "
    prefix += (f"{field}: " if field else "") + text
    found = [m for m in messages if m.startswith(prefix)]
    assert found, f"expected a message starting\n  {prefix}\ngot\n  " + "\n  ".join(messages)
    return found[0]


def tasks_module():
    """The repository's tasks.py (the CLI), imported from its path."""
    spec = importlib.util.spec_from_file_location("dossier_tasks", REPO / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Golden:
    def __init__(self, root: Path):
        self.root = root
        self.output = hashes(root / "output")
        self.sources = sources(root)


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> Golden:
    """The example project after one good build (of EMA and FDA, the regions the tests build)."""
    root = tmp_path_factory.mktemp("golden")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    build(root, None, [REGION, "fda"])
    return Golden(root)


@pytest.fixture
def project(golden, tmp_path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(golden.root, root, symlinks=True)
    return Project(root, golden)


SPEC_TEST = "drug_products[examplinib-fct].specification.tests"


def own(messages: list[str]) -> list[str]:
    """The messages a test caused: without the example's own findings, which strict mode also shows."""
    return [m for m in messages if not re.match(r"\S+ (warning|justified) F\d{4}: ", m)]


# ---------------------------------------------------------------------------------- 1 … 20: loading

def test_c01_yaml_syntax(project, capsys):
    """#1 YAML syntax — unclosed `"` or `[` — exit 2, position of the scanner error. (through the CLI)"""
    line, _, _ = project.set_value(DP, "release", "[NMT 0.30 %", after=IMPURITY_C, within=DP_SPEC)
    project.write(NEW_CORE, 'appendices:\n  facilities:\n    - id: "site-master-file\n')
    messages = project.fails(Category.CONTENT, cli=capsys)
    # the unclosed flow sequence runs on into the next line: the scanner stops at that line's first ':'
    following = project.text(DP).split("\n")[line]
    expect(messages, DP, line + 1, following.index(":") + 1, "E2005", text="YAML syntax: expected ',' or ']', but got ':'")
    # an unclosed quote runs to the end of the file: that is where the scanner stops
    expect(messages, NEW_CORE, 4, 1, "E2005", text="YAML syntax: found unexpected end of stream")
    assert len(messages) == 2  # no cascade of "missing required field" from the overlays


def test_c01_broken_product_file_gives_only_its_own_message(project):
    """#1 YAML syntax — in the core file that holds `product`: the one syntax error, nothing else, every message placed."""
    line, _, _ = project.set_value(CORE_PRODUCT, "regions", "[fda, ema, nmpa", after="product:")
    messages = project.fails(Category.CONTENT)
    assert len(messages) == 1 and messages[0].startswith(f"{CORE_PRODUCT}:{line + 1}:")


def test_c02_tab_indentation(project):
    """#2 Tab indentation / tab in a value — a tab before `b: 1` — exit 2, line:col, hint "use spaces"."""
    line, _, _ = project.set_value(DP, "release", "NMT 0.30 %", after=IMPURITY_C, within=DP_SPEC)
    text = project.text(DP).split("\n")
    text[line - 1] = "\t" + text[line - 1].lstrip(" ")
    project.write(DP, "\n".join(text))
    line2, _, value_col = project.set_value(DS, "name", "Impurity\tA", after="- id: imp-a")
    messages = project.fails(Category.CONTENT)
    hint = "(YAML indentation must use spaces; a tab was found here)"
    assert hint in expect(messages, DP, line, 1, "E2005", text="YAML syntax: found character '\\t'")
    assert hint in expect(messages, DS, line2, value_col + len("Impurity"), "E2005", text="YAML syntax: found character '\\t'")
    assert len(messages) == 2


def test_c03_not_utf8(project):
    """#3 Not UTF-8 — cp1252 smart quotes; Latin-1 `é` — exit 2, byte offset converted to line:col, offending byte named."""
    line, _, col = project.set_value(DP, "release", "NMT 0.30 %", after=IMPURITY_C, within=DP_SPEC)
    data = project.text(DP).encode("utf-8")
    rows = data.split(b"\n")
    rows[line - 1] = rows[line - 1].replace(b"NMT 0.30 %", b"\x93NMT\x94 0.30 %")
    project.write(DP, b"\n".join(rows))
    # Latin-1 after UTF-8 text on the same line: the column counts characters, not bytes
    line2, _, col2 = project.set_value(DS, "name", "Impurity A – N-oxide", after="- id: imp-a")
    rows = project.text(DS).encode("utf-8").split(b"\n")
    rows[line2 - 1] = rows[line2 - 1].replace(b"N-oxide", b"caf\xe9")
    project.write(DS, b"\n".join(rows))
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, line, col, "E2003", text="not UTF-8 (byte 0x93); save the file as UTF-8")
    expect(messages, DS, line2, col2 + len("Impurity A – caf"), "E2003", text="not UTF-8 (byte 0xe9)")
    assert len(messages) == 2


def test_c04_utf16_utf32(project):
    """#4 UTF-16/32 file — UTF-16 with BOM — exit 2 "save as UTF-8" (the library alone would accept it)."""
    files = {DP: "utf-16", DS: "utf-16-be", NEW_CORE: "utf-32", NEW_CORE_2: "utf-32-be", NEW_CORE_3: "utf-16-le"}
    for rel, encoding in files.items():
        text = project.text(rel) if rel in (DP, DS) else "appendices: {}\n"
        data = text.encode(encoding)  # "utf-16"/"utf-32" write a BOM; add one to the big-endian files
        if encoding in ("utf-16-be", "utf-32-be"):
            data = "\ufeff".encode(encoding) + data
        project.write(rel, data)  # utf-16-le stays without a BOM: found by its NUL bytes
    messages = project.fails(Category.CONTENT)
    for rel in files:
        expect(messages, rel, 1, 1, "E2003", text="file is UTF-16/UTF-32 encoded; save it as UTF-8")
    assert len(messages) == len(files)


def test_c05_raw_control_character(project):
    """#5 Raw control character — NUL or BEL byte in the file — exit 2, line:col."""
    line, _, col = project.set_value(DP, "release", "NMT\x00 0.30 %", after=IMPURITY_C, within=DP_SPEC)
    line2, _, col2 = project.set_value(DS, "name", "Impurity\x07 A", after="- id: imp-a")
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, line, col + 3, "E2004", text="control character U+0000 in the file")
    expect(messages, DS, line2, col2 + 8, "E2004", text="control character U+0007 in the file")
    assert len(messages) == 2


def test_c06_escaped_control_character(project):
    """#6 Escaped control character — `"a\\x07b"`, `"\\0"`, `"\\f"` — exit 2, field + line; no paragraph or page break injected."""
    bel = project.set_value(DP, "release", r'"a\x07b"', after=IMPURITY_C, within=DP_SPEC)
    nul = project.set_value(DP, "release", r'"NMT\0 0.20 %"', after=UNSPECIFIED, within=DP_SPEC)
    ff = project.set_value(DP, "release", r'"NMT 0.50 %\f"', after=TOTAL, within=DP_SPEC)
    # "\f" on its own is whitespace only, so it is "empty (required)" first: also refused
    alone = project.set_value(DP, "release", r'"\f"', after=DISSOLUTION, within=DP_SPEC)
    messages = project.fails(Category.CONTENT)
    for (line, _, col), test, code in [(bel, "deg-impurity-c", "U+0007"), (nul, "deg-unspecified", "U+0000"),
                                       (ff, "deg-total", "U+000C")]:
        expect(messages, DP, line, col, "E2205", f"{SPEC_TEST}[{test}].release",
               f"control character {code} is not allowed in text")
    expect(messages, DP, alone[0], alone[2], "E2201", f"{SPEC_TEST}[dissolution].release", "is empty (required)")
    assert len(messages) == 4


def test_c07_lone_surrogate(project):
    """#7 Lone surrogate — `"\\ud800"` — exit 2; never a truncated document."""
    line, _, col = project.set_value(DP, "release", r'"NMT \ud800 0.30 %"', after=IMPURITY_C, within=DP_SPEC)
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, line, col, "E2205", f"{SPEC_TEST}[deg-impurity-c].release",
           "lone surrogate U+D800 is not allowed in text")
    assert len(messages) == 1


def test_c08_raw_nel_is_a_control_character(project):
    """#8 NEL / LS / PS — raw U+0085; U+2028 — exit 2, or normalise with a warning (product decision).

    The builder's decision: NEL is a C1 control character, refused raw in the file (the library would
    have folded it into a space); LS/PS are kept and warned about (see the strict test below).
    """
    line, _, col = project.set_value(DP, "release", "NMT\u0085 0.30 %", after=IMPURITY_C, within=DP_SPEC)
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, line, col + 3, "E2004", text="control character U+0085 in the file")
    assert len(messages) == 1


def test_c08_escaped_nel_refused_ls_ps_warned_under_strict(project):
    """#8 NEL / LS / PS — escaped `\\N` is refused at the field; raw U+2028/U+2029 are warnings (errors with strict)."""
    nel = project.set_value(DP, "release", r'"NMT\N0.30 %"', after=IMPURITY_C, within=DP_SPEC)
    ls = project.set_value(DP, "release", "NMT\u20280.20 %", after=UNSPECIFIED, within=DP_SPEC)
    ps = project.set_value(DP, "release", "NMT\u20290.50 %", after=TOTAL, within=DP_SPEC)
    messages = project.fails(Category.CONTENT, strict=True)
    expect(messages, DP, nel[0], nel[2], "E2205", f"{SPEC_TEST}[deg-impurity-c].release",
           "control character U+0085 is not allowed in text")
    expect(messages, DP, ls[0], ls[2], "W2206", f"{SPEC_TEST}[deg-unspecified].release",
           "invisible or bidirectional character U+2028")
    expect(messages, DP, ps[0], ps[2], "W2206", f"{SPEC_TEST}[deg-total].release",
           "invisible or bidirectional character U+2029")
    assert len(own(messages)) == 3


def test_c09_bidi_zero_width_error_under_strict(project, capsys):
    """#9 Bidi / zero-width — U+202E, U+200B — warning; error under `--strict`. (through the CLI)"""
    line, _, col = project.set_value(DP, "test", "Impurity \u202eC", after=IMPURITY_C, within=DP_SPEC)
    line2, _, col2 = project.set_value(DS, "name", "Impurity\u200bA", after="- id: imp-a")
    messages = project.fails(Category.CONTENT, strict=True, cli=capsys)
    expect(messages, DP, line, col, "W2206", f"{SPEC_TEST}[deg-impurity-c].test",
           "invisible or bidirectional character U+202E")
    expect(messages, DS, line2, col2, "W2206", "drug_substances[examplinib-mesylate-acme].impurities[imp-a].name",
           "invisible or bidirectional character U+200B")
    assert len(own(messages)) == 2


def test_c09_a_bidi_character_in_a_criterion_is_not_read_through(project, capsys):
    """A criterion that displays reordered (`NMT ‮0.30 %`) is not understood, never read as 0.30 %."""
    line, _, col = project.set_value(DP, "release", "NMT \u202e0.30 %", after=IMPURITY_C, within=DP_SPEC)
    messages = project.fails(Category.CONTENT, strict=True, cli=capsys)
    expect(messages, DP, line, col, "W2206", f"{SPEC_TEST}[deg-impurity-c].release",
           "invisible or bidirectional character U+202E")
    prefix = f"{DP}:{line}:{col}: warning F4001: {SPEC_TEST}[deg-impurity-c].release: "
    assert [m for m in messages if m.startswith(prefix) and "is not understood" in m], messages


def test_c10_duplicate_key(project):
    """#10 Duplicate key (top level and nested) — `name: A` then `name: B` — exit 2, both lines."""
    line = project.insert_after(DP, "release: NMT 0.30 %", "          release: NMT 0.40 %\n", within=IMPURITY_C)
    first = project.find(DP, "release:", after=IMPURITY_C, within=DP_SPEC)
    project.write(DS, project.text(DS) + "drug_substances: []\n")
    top = len(project.text(DS).split("\n")) - 1
    top_first = project.find(DS, "drug_substances:")
    project.write(NEW_CORE, "sites:\n  - id: extra-site\n")  # a top-level key of another core file
    sites = project.find(CORE_PRODUCT, "- id:", after="sites:")  # the list starts at its first item
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, line, 11, "E2005", text=f'YAML syntax: duplicate key "release" (first defined at line '
           f"{first[0]}, column {first[1]}); a key may appear once per mapping")
    expect(messages, DS, top, 1, "E2005", text=f'YAML syntax: duplicate key "drug_substances" (first defined at '
           f"line {top_first[0]}, column {top_first[1]})")
    expect(messages, NEW_CORE, 2, 3, "E2102", "sites",
           f"'sites' is already defined in {CORE_PRODUCT}:{sites[0]}:{sites[1]}")
    assert len(messages) == 3


def test_c11_anchors_aliases_merge_keys(project):
    """#11 Anchors / aliases / merge keys — `&a`, `*a`, `<<:` — exit 2 at the anchor's line:col."""
    anchor = project.set_value(DP, "release", "&limit NMT 0.30 %", after=IMPURITY_C, within=DP_SPEC)
    alias = project.set_value(DS, "name", "*limit", after="- id: imp-a")
    project.write(NEW_CORE, "appendices:\n  facilities:\n    - <<: {id: x, title: y}\n      narrative: z\n")
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, anchor[0], anchor[2], "E2010", text="anchors (&name) are not allowed; write the value out")
    expect(messages, DS, alias[0], alias[2], "E2010", text="aliases (*name) are not allowed; write the value out")
    expect(messages, NEW_CORE, 3, 7, "E2010", text="merge keys (<<) are not allowed; write the values out")
    assert len(messages) == 3


BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


def test_c12_billion_laughs(project):
    """#12 Billion laughs — the 9×9 bomb — exit 2 in < 50 ms, RSS < 100 MB (memory asserted, not time)."""
    project.write(NEW_CORE, BOMB)
    messages = project.fails(Category.CONTENT)
    expect(messages, NEW_CORE, 1, 4, "E2010", text="anchors (&name) are not allowed")
    assert len(messages) == 1
    # refused at the event level, before anything is composed: a few kB, not gigabytes
    tracemalloc.start()
    with pytest.raises(DossierError):
        parse_bytes(BOMB.encode(), "bomb.yaml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10_000_000


def test_c13_recursive_alias(project):
    """#13 Recursive alias — `a: &a [1, *a]` — exit 2 (never `[1, None]`)."""
    project.write(NEW_CORE, "appendices:\n  facilities: &loop [1, *loop]\n")
    messages = project.fails(Category.CONTENT)
    expect(messages, NEW_CORE, 2, len("  facilities: ") + 1, "E2010", text="anchors (&name) are not allowed")
    assert len(messages) == 1


def test_c14_explicit_tags(project, tmp_path):
    """#14 Explicit tags — `!!python/object/apply:os.system`, `!!float`, `!custom` — exit 2; nothing executed or constructed."""
    marker = tmp_path / "executed"
    project.write(NEW_CORE, f"appendices: !!python/object/apply:os.system ['touch {marker}']\n")
    flt = project.set_value(DP, "release", "!!float 0.50", after=IMPURITY_C, within=DP_SPEC)
    custom = project.set_value(DS, "name", "!custom {x: 1}", after="- id: imp-a")
    messages = project.fails(Category.CONTENT)
    expect(messages, NEW_CORE, 1, len("appendices: ") + 1, "E2011",
           text="explicit tags (tag:yaml.org,2002:python/object/apply:os.system) are not allowed")
    expect(messages, DP, flt[0], flt[2], "E2011", text="explicit tags (tag:yaml.org,2002:float) are not allowed")
    expect(messages, DS, custom[0], custom[2], "E2011", text="explicit tags (!custom) are not allowed")
    assert len(messages) == 3
    assert not marker.exists()


def test_c15_yaml_and_tag_directives(project):
    """#15 `%YAML 1.1` / `%TAG` directive — Norway values under 1.1 — exit 2."""
    project.write(DP, "%YAML 1.1\n---\n" + project.text(DP))
    project.write(DS, "# drug substance\n%TAG !e! tag:example.com,2000:\n---\n" + project.text(DS))
    project.write(NEW_CORE, "%YAML 1.1\n---\nsites:\n  - id: no\n    country: NO\n")
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, 1, 1, "E2014", text="%YAML and %TAG directives are not allowed")
    expect(messages, DS, 2, 1, "E2014", text="%YAML and %TAG directives are not allowed")
    expect(messages, NEW_CORE, 1, 1, "E2014")
    assert len(messages) == 3


def test_c16_multiple_documents(project):
    """#16 Multiple documents — `---` separator — exit 2."""
    end = len(project.text(DP).split("\n"))
    project.write(DP, project.text(DP) + "---\nappendices: {}\n")
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, end, 1, "E2013", text="several YAML documents in one file (remove '---'); one document per file")
    assert len(messages) == 1


def test_c17_empty_or_comment_only_file(project):
    """#17 Empty or comment-only file — `""` — exit 2 "file is empty"."""
    project.write(NEW_CORE, "")
    project.write(NEW_CORE_2, "# stability data to follow\n\n   \n")
    messages = project.fails(Category.CONTENT)
    for rel in (NEW_CORE, NEW_CORE_2):
        expect(messages, rel, 1, 1, "E2002", text="file is empty (expected a mapping of keys)")
    assert len(messages) == 2


def test_c18_wrong_top_level_type(project):
    """#18 Wrong top-level type — a list or a scalar at the root — exit 2, schema error. (And complex keys.)"""
    project.write(NEW_CORE, "- sites\n- literature\n")
    project.write(NEW_CORE_2, "just a sentence\n")
    project.write(FDA, "- id: examplinib-fct\n")
    # §1.2 complex keys: a key must be text; before, `? [x]` became the key "('x',)", an "unknown field '('x',)'"
    project.write(NEW_CORE_3, "appendices:\n  ? [facilities]\n  : []\n")
    messages = project.fails(Category.CONTENT, regions=["fda"])
    for rel in (NEW_CORE, NEW_CORE_2, FDA):
        expect(messages, rel, 1, 1, "E2101", text="expected a mapping of top-level keys at the top of the file")
    expect(messages, NEW_CORE_3, 2, 5, "E2015", text="a key must be plain text, not a list or a mapping")
    assert len(messages) == 4


def test_c19_deep_nesting(project):
    """#19 Deep nesting — 21 levels; 100,000 levels — exit 2 in < 1 s (never a `RecursionError`)."""
    project.write(NEW_CORE, "".join("  " * i + f"k{i}:\n" for i in range(21)) + "  " * 21 + "x\n")
    project.write(NEW_CORE_2, "appendices: " + "[" * 100_000 + "]" * 100_000 + "\n")
    messages = project.fails(Category.CONTENT)
    expect(messages, NEW_CORE, 21, 41, "E2012", text="nesting deeper than 20 levels")
    expect(messages, NEW_CORE_2, 1, len("appendices: ") + 20, "E2012", text="nesting deeper than 20 levels")
    assert len(messages) == 2


def test_c20_oversize_file_or_scalar(project):
    """#20 Oversize file or scalar — a 1 MB + 1 byte file; a 100 kB scalar — exit 2 before parsing / at the field."""
    project.write(NEW_CORE, "# " + "x" * (1_000_001 - 3) + "\n")
    messages = project.fails(Category.CONTENT)
    expect(messages, NEW_CORE, 1, 1, "E2001", text="file is 1,000,001 bytes; the limit is 1,000,000 (split it)")
    assert len(messages) == 1


def test_c20_oversize_scalar(project):
    """#20 Oversize scalar — a text value over 100,000 characters — exit 2 at the field."""
    line, _, col = project.set_value(DS, "name", "x" * 100_001, after="- id: imp-a")
    messages = project.fails(Category.CONTENT)
    expect(messages, DS, line, col, "E2204", "drug_substances[examplinib-mesylate-acme].impurities[imp-a].name",
           "text is 100,001 characters; the limit is 100,000")
    assert len(messages) == 1


# ------------------------------------------------------------------------------- 21 … 34: values

# Accepted inputs, each in its own field of the example (3.2.P.5.1, 3.2.P.5.4, 3.2.P.1, page headers),
# injected side by side and built once. The values go where nothing interprets them: a test's name
# or its procedure reference (criteria and results are read by the cross-section checks).
NUMERIC = {DESCRIPTION: "1.10", IDENT_HPLC: "0.50", IDENT_UV: "98.0", ASSAY: "007",
           IMPURITY_C: "0x1F", UNSPECIFIED: "12E4", TOTAL: "1_000", DISSOLUTION: "1:20"}     # #21 procedures
DATE_TEXT = (UNIFORMITY, "2024-13-45")                                                       # #22 procedure
JINJA = (WATER, "{{ 7*7 }} {% for x in range(3) %}X{% endfor %}")                            # #28 procedure
JINJA_NARRATIVE = "Literal {{ doc.title }} and {% if x %}y{% endif %}."                      # #28 3.2.P.1
XML = (TAMC, "NMT 0.5% & < 1.0 > \" ' x </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>BOLD")    # #29 procedure
XML_NAME = "Examplinib & Co <Tablets> \"50\" 'mg'"                                            # #29 product name
BLOCKS = {DESCRIPTION: ("|\n            Description", "Description"),                        # #31 test names
          IDENT_HPLC: (">\n            Identification\n            (HPLC)\n", "Identification (HPLC)"),  # + blank line
          IDENT_UV: ("|-\n            Identification (UV)", "Identification (UV)"),
          ASSAY: (">-\n            Assay\n            (HPLC)", "Assay (HPLC)")}
NFD = unicodedata.normalize("NFD", "Dégradation – impureté C")                              # #33 test name
BIDI = (TYMC, "Microbial \u202eenumeration")                                                 # #9 test name


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def accepted(golden, tmp_path_factory):
    """The example with every accepted input of #9, #21, #22, #28, #29, #31 and #33, built once (EMA).

    Returns the project and the diagnostics the build left (warnings: a build keeps them for the CLI)."""
    project = Project(tmp_path_factory.mktemp("accepted") / "project", golden)
    shutil.copytree(golden.root, project.root, symlinks=True)
    for anchor, value in NUMERIC.items():
        project.set_value(DP, "procedure", value, after=anchor, within=DP_SPEC)
    project.set_value(DP, "procedure", DATE_TEXT[1], after=DATE_TEXT[0], within=DP_SPEC)
    project.set_value(DP, "manufactured", "2024-01-05", after="- id: f050p2409", within="    batches:")
    project.set_value(DP, "procedure", f'"{JINJA[1]}"', after=JINJA[0], within=DP_SPEC)
    project.insert_after(DP, "3.2.P.1: |", f"        {JINJA_NARRATIVE}\n\n", within="drug_products:")
    project.set_value(DP, "procedure", _single_quoted(XML[1]), after=XML[0], within=DP_SPEC)
    project.set_value(CORE_PRODUCT, "name", _single_quoted(XML_NAME), after="product:")
    for anchor, (block, _) in BLOCKS.items():
        project.set_value(DP, "test", block, after=anchor, within=DP_SPEC)
    project.set_value(DP, "test", NFD, after=IMPURITY_C, within=DP_SPEC)
    project.set_value(DP, "test", BIDI[1], after=BIDI[0], within=DP_SPEC)
    diags = Diagnostics()
    project.builds(diags=diags)
    return project, diags


def spec_rows(project: Project) -> list[list[str]]:
    """The rows of the EMA 3.2.P.5.1 specification table: test, procedure, release (, shelf life)."""
    table = project.leaves(REGION, "3.2.P.5.1")[0].tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_c09_bidi_zero_width_kept_and_warned_without_strict(accepted):
    """#9 Bidi / zero-width — U+202E, U+200B — warning; without strict the build succeeds, keeps the character and reports the warning."""
    project, diags = accepted
    assert BIDI[1] in [row[0] for row in spec_rows(project)]
    line, col = project.find(DP, BIDI[1], after=BIDI[0], within=DP_SPEC)
    assert f"{DP}:{line}:{col}: warning W2206: {SPEC_TEST}[tymc].test: invisible or bidirectional character U+202E" \
        in [str(d) for d in diags.warnings]


def test_c21_numeric_looking_values_verbatim(accepted):
    """#21 Numeric-looking values — `1.10`, `0.50`, `98.0`, `007`, `0x1F`, `12E4`, `1_000`, `1:20` — accepted; appear verbatim in the docx (golden test)."""
    project, _ = accepted
    procedures = [row[1] for row in spec_rows(project)]
    for value in NUMERIC.values():
        assert value in procedures, (value, procedures)


def test_c22_valid_dates_and_date_like_text_verbatim(accepted):
    """#22 Date-looking values — `2024-01-05`, `2024-13-45` — valid dates kept verbatim; where the field is text, any date-like text is text."""
    project, _ = accepted
    assert "2024-01-05" in [c.text for c in cells(project.leaves(REGION, "3.2.P.5.4")[0])]
    assert DATE_TEXT[1] in [row[1] for row in spec_rows(project)]


def test_c28_jinja_syntax_in_content_is_literal(accepted):
    """#28 Jinja syntax in content — `{{ 7*7 }}`, `{% for %}` — rendered literally."""
    project, _ = accepted
    assert JINJA[1] in [row[1] for row in spec_rows(project)]
    assert JINJA_NARRATIVE in [p.text for p in project.leaves(REGION, "3.2.P.1")[0].paragraphs]


def test_c29_xml_specials_in_content_are_literal(accepted):
    """#29 XML specials in content — `& < > " '`, `</w:t></w:r>…` — rendered literally; no dropped characters; no injected runs."""
    project, _ = accepted
    document = project.leaves(REGION, "3.2.P.5.1")[0]
    matching = [c for c in cells(document) if "BOLD" in c.text]
    assert matching and all(c.text == XML[1] for c in matching)
    for cell in matching:
        runs = [run for paragraph in cell.paragraphs for run in paragraph.runs]
        assert len(runs) == 1 and not runs[0].bold
    assert XML_NAME in document.sections[0].header.paragraphs[0].text


def test_c31_block_scalar_trailing_newline(accepted):
    """#31 Block-scalar trailing newline — `|` and `>` values — normalised; no stray trailing break.

    (`|+` keeps the blank lines the writer asked to keep, minus the final newline: not asserted here.)
    """
    project, _ = accepted
    table = project.leaves(REGION, "3.2.P.5.1")[0].tables[0]
    names = {row.cells[0].text: row.cells[0] for row in table.rows}
    for _, expected in BLOCKS.values():
        assert expected in names, (expected, list(names))
        assert "<w:br/>" not in names[expected]._tc.xml


def test_c33_unicode_normalisation(accepted):
    """#33 Unicode normalisation — NFD `é` — normalised to NFC (stable diffs)."""
    project, _ = accepted
    names = [row[0] for row in spec_rows(project)]
    assert unicodedata.normalize("NFC", NFD) in names
    assert not any(NFD in name for name in names)


def test_c22_invalid_dates(project):
    """#22 Date-looking values — `2024-13-45`, `05/01/2024` — invalid ones exit 2 with line (where the field is a date)."""
    bad = {"- id: f050p2409": ("2024-13-45", "is not a valid date (month must be in 1..12)"),
           "- id: f100p2410": ("05/01/2024", "is not a date written YYYY-MM-DD"),
           "- id: f100c2504": ("2024-02-30", "is not a valid date (day is out of range for month)")}
    found = {}
    for anchor, (value, _) in bad.items():
        found[anchor] = project.set_value(DP, "manufactured", value, after=anchor, within="    batches:")
    messages = project.fails(Category.CONTENT)
    for anchor, (value, text) in bad.items():
        line, _, col = found[anchor]
        batch = anchor.removeprefix("- id: ")
        expect(messages, DP, line, col, "E2208", f"drug_products[examplinib-fct].batches[{batch}].manufactured",
               f"'{value}' {text}")
    assert len(messages) == 3


def test_c23_null_or_blank_required_field(project):
    """#23 Null or blank required field — `criterion:`, `~`, `null`, `""`, `"  "` — exit 2 "required"; never "None", "null" or a blank in the output."""
    blanks = {IMPURITY_C: "", UNSPECIFIED: "~", TOTAL: "null", DISSOLUTION: '""', UNIFORMITY: '"  "'}
    found = {anchor: project.set_value(DP, "release", value, after=anchor, within=DP_SPEC)
             for anchor, value in blanks.items()}
    messages = project.fails(Category.CONTENT)
    for anchor, (line, key_col, value_col) in found.items():
        # `release:` has no value token: the finding is placed at the key (it was on the next line's `- id:`)
        col = key_col if blanks[anchor] == "" else value_col
        test = anchor.removeprefix("- id: ")
        expect(messages, DP, line, col, "E2201", f"{SPEC_TEST}[{test}].release", "is empty (required)")
    assert len(messages) == len(blanks)


def test_c24_wrong_type(project):
    """#24 Wrong type — a list where text is expected; a mapping where a list is expected — exit 2, field path + line."""
    listed = project.set_value(DP, "procedure", "[AP-P-001, AP-P-002]", after=IMPURITY_C, within=DP_SPEC)
    mapped = project.set_value(DP, "timepoints", "{initial: 0}", after="studies:", within="    stability:")
    text = project.text(DP)
    study = re.search(r"- id: (\S+)", text[text.index("studies:", text.index("    stability:")):]).group(1)
    overlay = project.insert_after(FDA, "- id: examplinib-fct", "    strengths: 50 mg and 100 mg\n", within="drug_products:")
    strengths = project.find(DP, "- id: 50mg")
    messages = project.fails(Category.CONTENT, regions=["fda"])
    expect(messages, DP, listed[0], listed[2], "E2203", f"{SPEC_TEST}[deg-impurity-c].procedure",
           "expected text, got a list")
    expect(messages, DP, mapped[0], mapped[2], "E2203",
           f"drug_products[examplinib-fct].stability.studies[{study}].timepoints", "expected a list of text, got a mapping")
    expect(messages, FDA, overlay, 16, "E2103", "drug_products[examplinib-fct].strengths",
           f"the overlay changes this value from a list to text (core value at {DP}:{strengths[0]}:{strengths[1]})")
    assert len(messages) == 3


def test_c24_regions_of_the_wrong_type_are_refused(project):
    """#24 Wrong type — a mapping where a list is expected, at `product.regions` — exit 2, never a silent empty build."""
    line, _, col = project.set_value(CORE_PRODUCT, "regions", "{fda: yes}", after="product:")
    messages = project.fails(Category.CONTENT, regions=())  # every region, as `invoke build` does
    expect(messages, CORE_PRODUCT, line, col, "E2203", "product.regions")


def test_c25_unknown_or_misspelt_key(project):
    """#25 Unknown or misspelt key — `acceptance_critera` — exit 2 + "did you mean …"."""
    added = project.insert_after(DP, IMPURITY_C, "          acceptance_critera: NMT 0.30 %\n", within=DP_SPEC)
    text = project.text(DP)
    shelf = text.index("shelf_life:", text.index(TOTAL, text.index(DP_SPEC)))
    project.write(DP, text[:shelf] + "shelf_lief:" + text[shelf + len("shelf_life:"):])
    misspelt = position(text, shelf)
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, *misspelt, "E2202", f"{SPEC_TEST}[deg-total].shelf_lief",
           "unknown field 'shelf_lief'; did you mean 'shelf_life'?")
    expect(messages, DP, added, 11, "E2202", f"{SPEC_TEST}[deg-impurity-c].acceptance_critera",
           "unknown field 'acceptance_critera'")
    assert len(messages) == 2


def test_c26_missing_required_key(project):
    """#26 Missing required key — no `test_name` — exit 2 at the parent mapping's line."""
    project.remove_key(DP, "test", after=IMPURITY_C, within=DP_SPEC)
    parent = project.find(DP, "id: deg-impurity-c", within=DP_SPEC)
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, *parent, "E2201", f"{SPEC_TEST}[deg-impurity-c]", "missing required field 'test'")
    assert len(messages) == 1


def test_c26_missing_regions_is_refused(project):
    """#26 Missing required key — no `product.regions` — exit 2 at the parent mapping's line."""
    project.remove_key(CORE_PRODUCT, "regions", after="product:")
    parent = project.find(CORE_PRODUCT, "id: examplinib")
    messages = project.fails(Category.CONTENT, regions=())  # every region, as `invoke build` does
    expect(messages, CORE_PRODUCT, *parent, "E2201", "product", "missing required field 'regions'")


def test_c27_keys_shadowing_methods_are_unknown_fields(project):
    """#27 Key shadowing a method — keys `items`, `values`, `lc`, `tag` — renders the value; never "<bound method…>".

    The builder's choice: records have declared fields, so these keys are unknown fields, a content
    error naming each; templates only ever see plain view models, never YAML mappings (safe).
    """
    first = project.insert_after(DP, IMPURITY_C, "          items: a\n          values: b\n          lc: c\n          tag: d\n",
                                 within=DP_SPEC)
    messages = project.fails(Category.CONTENT)
    for offset, key in enumerate(("items", "values", "lc", "tag")):
        expect(messages, DP, first + offset, 11, "E2202", f"{SPEC_TEST}[deg-impurity-c].{key}", f"unknown field '{key}'")
    assert len(messages) == 4


def test_c27_ids_named_like_methods_render(project):
    """#27 Key shadowing a method — test ids `items`, `values`, `keys` are keys of batch results: rendered, never "<bound method…>"."""
    renames = {"deg-unspecified": "items", "deg-total": "values", "deg-impurity-c": "keys"}
    for path in sorted((project.root / PRODUCT).rglob("*.yaml")):  # references too (justifications …)
        rel = path.relative_to(project.root).as_posix()
        text = project.text(rel)
        for old, new in renames.items():
            text = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text)
        project.write(rel, text)
    for path in sorted((project.root / PRODUCT).rglob("*.xlsx")):  # a lab sheet names the tests too
        import openpyxl

        book = openpyxl.load_workbook(path)
        for cell in (c for sheet in book.worksheets for row in sheet.iter_rows() for c in row):
            cell.value = renames.get(cell.value, cell.value)
        book.save(path)
    project.builds()
    text = body_text(project.leaves("ema", "3.2.P.5.4")[0])
    assert not re.search(r"bound method|built-in|dict_(items|keys|values)|<function|object at 0x", text)
    assert "Degradation products – total" in text


def test_c30_docxtpl_marker_sequences(project):
    """#30 docxtpl marker sequences — `{_{`, `%_}` — exit 2, or verbatim, as decided (today docxtpl rewrites them)."""
    open_ = project.set_value(DP, "release", '"literal {_{ x }_}"', after=IMPURITY_C, within=DP_SPEC)
    close = project.set_value(DP, "release", "NMT %_} 0.20 %", after=UNSPECIFIED, within=DP_SPEC)
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, open_[0], open_[2], "E2207", f"{SPEC_TEST}[deg-impurity-c].release",
           "the sequence '{_{' is reserved by the template engine")
    expect(messages, DP, close[0], close[2], "E2207", f"{SPEC_TEST}[deg-unspecified].release",
           "the sequence '%_}' is reserved by the template engine")
    assert len(messages) == 2


def test_c32_very_long_text(project):
    """#32 Very long text — 100,000 characters — renders in < 5 s (the time is not asserted)."""
    words = ("Roller compaction at 8 kN/cm gave granules of consistent density. " * 1600)[:100_000]
    assert len(words) == 100_000
    text = project.text(DP)
    # the whole 3.2.P.2 block scalar becomes one paragraph of exactly 100,000 characters
    block = re.compile(r"^( +)3\.2\.P\.2: \|\n(?:\1 +[^\n]*\n|\n)+", re.M)
    match = block.search(text, text.index("drug_products:"))
    indent = match.group(1)
    project.write(DP, text[:match.start()] + f"{indent}3.2.P.2: |\n{indent}  {words}\n" + text[match.end():])
    project.builds()
    rendered = body_text(project.leaves("ema", "3.2.P.2")[0])
    assert words in rendered


def test_c34_crlf_and_mixed_line_endings(project):
    """#34 CRLF / mixed line endings — Windows-edited files — accepted; output identical to LF input."""
    for rel in (DP, CORE_PRODUCT, EMA):
        project.write(rel, project.text(rel).replace("\n", "\r\n"))
    mixed = project.text(DS).split("\n")
    project.write(DS, "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(mixed[:-1])) + mixed[-1])
    project.builds()
    golden = Project(project.golden.root, project.golden)
    assert project.manifest_leaves("ema") == golden.manifest_leaves("ema")


# ------------------------------------------------------------------------------- 35 … 37: names

BAD_IDS = ["../../etc", "/abs", "CON", "A B", "a" * 65, "ap-p-ü"]
RESERVED_IDS = ["con", "nul"]


def _procedure(ident: str) -> str:
    return f"      - id: {ident}\n        title: Injected procedure\n        description: Injected.\n"


def test_c35_unsafe_output_names(project):
    """#35 Unsafe output name — `../../etc`, `/abs`, `CON`, `A B`, 65 characters, non-ASCII — exit 2 at the ID field.

    Procedure ids name output files (`32p52-…-<id>.docx`). `con` and `nul` pass the slug pattern but
    are device names Windows reserves (a folder `32s-drug-sub/con/` cannot be created there): refused too.
    """
    first = project.insert_after(DP, "    procedures:", "".join(_procedure(i) for i in BAD_IDS + RESERVED_IDS),
                                 within="drug_products:")
    messages = project.fails(Category.CONTENT)
    for index, ident in enumerate(BAD_IDS + RESERVED_IDS):
        text = f"'{ident}' is a device name that Windows reserves" if ident in RESERVED_IDS else \
            f"'{ident}' is not an identifier (lowercase a-z, 0-9 and '-', at most 40 characters)"
        expect(messages, DP, first + 3 * index, len("      - id: ") + 1, "E2208",
               f"drug_products[examplinib-fct].procedures[{ident}].id", text)
    assert len(messages) == len(BAD_IDS + RESERVED_IDS)


def test_c36_case_fold_collision(project):
    """#36 Case-fold collision — IDs `abc` and `ABC` — exit 2, both locations.

    The builder's choice: ids must be lowercase slugs, so `ABC` is refused at its id; an exact
    duplicate is reported with both places, in the core and in an overlay.
    """
    first = project.insert_after(DP, "    procedures:", _procedure("ap-p-100") + _procedure("AP-P-100") + _procedure("ap-p-001"),
                                 within="drug_products:")
    rows = project.text(DP).split("\n")
    original = [i + 1 for i, row in enumerate(rows) if row == "      - id: ap-p-001"][1]  # the example's own
    # an overlay that states one id twice was merged twice, the second silently winning
    text = project.text(FDA)
    record = re.search(r"\n( +- id: dissolution\n(?: +[^-\s][^\n]*\n)+)", text[text.index("    specification:"):])
    block = record.group(1)
    again = project.find(FDA, block.lstrip(" "), within="    specification:")
    second = project.insert_after(FDA, block.rstrip("\n").split("\n")[-1], block, within=block.split("\n")[0])
    messages = project.fails(Category.CONTENT, regions=["fda"])
    expect(messages, DP, first + 3, len("      - id: ") + 1, "E2208", "drug_products[examplinib-fct].procedures[AP-P-100].id",
           "'AP-P-100' is not an identifier")
    expect(messages, DP, original, 9, "E2211", "drug_products[examplinib-fct].procedures",
           f"duplicate id 'ap-p-001' (first at {DP}:{first + 6}:9)")
    indent = len(block) - len(block.lstrip(" "))
    expect(messages, FDA, second, indent + 3, "E2107", "drug_products[examplinib-fct].specification.tests[dissolution]",
           f"the overlay states id 'dissolution' twice (first at {FDA}:{again[0]}:{again[1] + 2})")
    assert len(messages) == 3


def test_c37_symlink_escape(project):
    """#37 Symlink escape — a content file symlinked outside the root — exit 2."""
    outside = project.root.parent / "outside.yaml"
    outside.write_text("appendices:\n  facilities: []\n")
    (project.root / NEW_CORE).symlink_to(outside)
    project.injected.add(NEW_CORE)
    messages = project.fails(Category.CONTENT, unpositioned=("E2007",))
    assert messages[0].startswith(f"{NEW_CORE}") and "error E2007: content file is a link to a place outside " \
        "content/; copy the file instead" in messages[0]
    assert len(messages) == 1


def test_c37_symlink_message_has_line_and_column(project):
    """#37 Symlink escape — the message is `file:1:1: error E2007: …` like every whole-file finding."""
    outside = project.root.parent / "outside.yaml"
    outside.write_text("appendices:\n  facilities: []\n")
    (project.root / NEW_CORE).symlink_to(outside)
    with pytest.raises(DossierError) as info:
        build(project.root, None, [REGION])
    assert str(info.value.diagnostics[0]).startswith(f"{NEW_CORE}:1:1: error E2007: ")


# --------------------------------------------------------------------------- 38 … 47: templates

def test_c38_template_missing(project, capsys):
    """#38 Template missing or unreadable — wrong path — exit 4, path named. (through the CLI)"""
    (project.root / NARRATIVE).unlink()
    project.injected.add(NARRATIVE)
    messages = project.fails(Category.ENVIRONMENT, regions=["fda"], cli=capsys)
    # the path is absolute here (render.find_template), relative everywhere else
    assert len(messages) == 1 and FILE_ONLY.match(messages[0])["file"].endswith(NARRATIVE)
    assert "error E4004: no template 'narrative.docx' in fda/ or common/" in messages[0]


def test_c39_template_not_a_zip(project, capsys):
    """#39 Template not a zip / truncated — random bytes — exit 3. (through the CLI)"""
    project.write(NARRATIVE, (project.root / NARRATIVE).read_bytes()[:3000])
    messages = project.fails(Category.TEMPLATE, regions=["fda"], cli=capsys)
    assert messages == [f"{NARRATIVE}: error E3101: not a Word .docx (zip) file (File is not a zip file)"]


def test_c40_template_zip_bomb(project):
    """#40 Template zip bomb — 1.5 MB declaring 1.5 GB — exit 3 in < 1 s, RSS < 200 MB (the time is not asserted)."""
    project.edit_template(lambda parts: parts.__setitem__("word/media/padding.bin", b"\0" * 3_000_000))
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert len(messages) == 1 and messages[0].startswith(f"{NARRATIVE}: error E3102: part 'word/media/padding.bin': "
                                                         "compression ratio ")
    assert "(zip bomb?)" in messages[0]


def test_c41_doctype_entity_in_a_template_part(project):
    """#41 DOCTYPE / ENTITY in a template part — the XXE payload — exit 3, part named."""
    def xxe(parts):
        xml = parts["word/document.xml"].decode()
        xml = xml.replace("?>", '?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', 1)
        parts["word/document.xml"] = xml.replace("{{ doc.subject }}", "{{ doc.subject }}&xxe;").encode()
    project.edit_template(xxe)
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert messages == [f"{NARRATIVE}: error E3103: part 'word/document.xml' declares a DOCTYPE or ENTITY; "
                        "Word packages never use DTDs"]


def _add_part(name: str, data: bytes, content_type: str, rel_type: str, rel_id: str = "rId90", default: str = ""):
    def edit(parts):
        parts[name] = data
        entry = (f'<Default Extension="{default}" ContentType="{content_type}"/>' if default else
                 f'<Override PartName="/{name}" ContentType="{content_type}"/>')
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", entry.encode() + b"</Types>")
        target = name.removeprefix("word/")
        rel = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/>'
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    return edit


OD_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


@pytest.mark.parametrize("edit, problem", [
    (_add_part("word/vbaProject.bin", b"VBA", "application/vnd.ms-office.vbaProject",
               "http://schemas.microsoft.com/office/2006/relationships/vbaProject"),
     "part 'word/vbaproject.bin' in [Content_Types].xml: content type 'application/vnd.ms-office.vbaProject' is a VBA macro project"),
    (lambda parts: parts.__setitem__("[Content_Types].xml", parts["[Content_Types].xml"].replace(
        b"document.main+xml", b"document.macroEnabled.main+xml")),
     "part 'word/document.xml' in [Content_Types].xml: content type "
     "'application/vnd.openxmlformats-officedocument.wordprocessingml.document.macroEnabled.main+xml' is macro-enabled"),
    (_add_part("word/activeX/activeX1.xml", b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
               "application/vnd.ms-office.activeX+xml", OD_REL + "control"),
     "part 'word/activex/activex1.xml' in [Content_Types].xml: content type 'application/vnd.ms-office.activeX+xml' is an ActiveX control"),
    (_add_part("word/embeddings/oleObject1.bin", b"OLE", "application/vnd.openxmlformats-officedocument.oleObject",
               OD_REL + "oleObject", default="bin"),
     "content type 'application/vnd.openxmlformats-officedocument.oleObject' is an embedded OLE object"),
], ids=["vbaProject", "docm", "activeX", "ole"])
def test_c42_macro_or_active_content(project, edit, problem):
    """#42 Macro or active content — `.docm`; `vbaProject.bin` in a .docx; ActiveX; OLE — exit 3."""
    project.edit_template(edit)
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert len(messages) == 1 and messages[0].startswith(f"{NARRATIVE}: error E3104: ") and problem in messages[0]


def _relationship(part: str, rel: str):
    def edit(parts):
        if part not in parts:
            parts[part] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
                           b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
        parts[part] = parts[part].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    return edit


@pytest.mark.parametrize("edit, problem", [
    (_relationship("word/_rels/document.xml.rels", f'<Relationship Id="rId91" Type="{OD_REL}hyperlink" '
                   'Target="https://attacker.example/x" TargetMode="External"/>'),
     "part 'word/_rels/document.xml.rels': relationship rId91 points outside the package (https://attacker.example/x)"),
    (_relationship("word/_rels/settings.xml.rels", f'<Relationship Id="rId1" Type="{OD_REL}attachedTemplate" '
                   'Target="https://attacker.example/t.dotm" TargetMode="External"/>'),
     "part 'word/_rels/settings.xml.rels': relationship rId1 points outside the package (https://attacker.example/t.dotm)"),
], ids=["hyperlink", "attachedTemplate"])
def test_c43_external_relationships(project, edit, problem):
    """#43 External relationships — `TargetMode="External"`, `attachedTemplate` — exit 3 unless allow-listed."""
    project.edit_template(edit)
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert messages == [f"{NARRATIVE}: error E3105: {problem}"]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SUBJECT_RUN = '<w:r><w:t xml:space="preserve">{{ doc.subject }}</w:t></w:r>'


def _document(old: str, new: str):
    def edit(parts):
        xml = parts["word/document.xml"].decode()
        assert old in xml
        parts["word/document.xml"] = xml.replace(old, new, 1).encode()
    return edit


@pytest.mark.parametrize("edit, problem", [
    (_document(SUBJECT_RUN, f'<w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">{SUBJECT_RUN}</w:ins>'),
     "part 'word/document.xml' has a tracked insertion (w:ins)"),
    (lambda parts: parts.__setitem__("word/settings.xml", parts["word/settings.xml"].replace(
        b"<w:zoom ", b'<w:documentProtection w:edit="readOnly" w:enforcement="1"/><w:zoom ')),
     "part 'word/settings.xml' has document protection (w:documentProtection)"),
    (_add_part("word/comments.xml", f'<?xml version="1.0"?><w:comments {W_NS}><w:comment w:id="0" w:author="A">'
               '<w:p><w:r><w:t>check</w:t></w:r></w:p></w:comment></w:comments>'.encode(),
               "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml", OD_REL + "comments"),
     "part 'word/comments.xml' holds comments"),
], ids=["w:ins", "documentProtection", "comments"])
def test_c44_tracked_changes_comments_protection(project, edit, problem):
    """#44 Tracked changes / comments / protection in the template — `w:ins`, `comments.xml`, `w:documentProtection` — exit 3."""
    project.edit_template(edit)
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert len(messages) == 1 and messages[0].startswith(f"{NARRATIVE}: error E3106: {problem}")


def test_c45_template_syntax_error(project):
    """#45 Template syntax error — `{{ foo` — exit 3 with the paragraph context."""
    project.edit_template(_document("{{ doc.subject }}", "{{ doc.subject"))
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert len(messages) == 1 and messages[0].startswith(f"{NARRATIVE}: error E3002: template syntax error: ")


def test_c45_template_syntax_error_names_the_paragraph(project):
    """#45 Template syntax error — exit 3 with the paragraph context: the message shows the broken tag's text."""
    project.edit_template(_document("{{ doc.subject }}", "{{ doc.subject"))
    with pytest.raises(DossierError) as info:
        build(project.root, None, ["fda"])
    assert "doc.subject" in str(info.value)


def test_c46_undeclared_or_misspelt_variable(project, capsys):
    """#46 Template uses an undeclared or misspelt variable — `{{ acceptance_critera }}` — exit 3 before rendering, listing the names. (through the CLI)"""
    project.edit_template(_document("{{ doc.subject }}", "{{ acceptance_critera }} {{ doc_title }}"))
    messages = project.fails(Category.TEMPLATE, regions=["fda"], cli=capsys)
    assert messages == [f"{NARRATIVE}: error E3003: unknown template variables acceptance_critera, doc_title "
                        "(templates may use blocks, doc, labels)"]


def test_c46_misspelt_attribute_names_the_template_first(project):
    """#46 Template uses a misspelt variable — `{{ doc.subjet }}` — exit 3, `file: error E3xxx:` like every message."""
    project.edit_template(_document("{{ doc.subject }}", "{{ doc.subjet }}"))
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert messages[0].startswith(f"{NARRATIVE}: error E3")


@pytest.mark.parametrize("construct", ["{{ doc.subject|safe }}", "{{ doc.subject | default('') }}",
                                       "{{ doc|attr('subject') }}", "{{ doc.__class__ }}"])
def test_c47_forbidden_template_constructs(project, construct):
    """#47 Forbidden template constructs — `|safe`, `|default`, `|attr`, `__`, iteration over a set — exit 3 (lint).

    (Iteration over a set cannot be seen in a template: view models hold no sets, see views/.)
    """
    project.edit_template(_document("{{ doc.subject }}", construct))
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert messages == [f"{NARRATIVE}: error E3004: template construct not allowed: {construct}"]
