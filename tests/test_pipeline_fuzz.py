"""Whole-pipeline fuzz target: mutated example content gives positioned content errors or success, never a traceback.

A hypothesis property copies the example product, mutates one file as a writer might (delete a key or
list item, empty a list, change a value's type, blank or zero a value, break a reference, duplicate an
id, rename a file; tests/fuzz/mutations.py), and runs `builder.pipeline.prepare` (load → merge →
validate → plan → resolve → check: every stage but rendering) on it. It asserts: either success, or a
`DossierError` of category 2 whose every error is `file:line:col: error Ecode: …` in a file that
exists; never another exception; `content/` and `templates/` exactly as the mutation left them; the
prior `output/` byte-identical; nothing new in the project.

Speed: parsing the one mutated file dominates (the pure-Python YAML parser, up to 0.6 s for the drug
product); every unchanged file is parsed once per session (`parse_bytes` memoised on its bytes, which
is sound because it is a pure function and no stage changes the tree it returns). Measured on the
2-core CI machine: about 0.55 s per example, 2,000 examples in 18 minutes with no traceback. CI
(`CI` set) runs the 2,000; a local test run 300 (about 3 minutes); FUZZ_EXAMPLES or `invoke fuzz
--examples N` sets the count.
Runs are derandomized, so CI is stable.

Every crash it found is kept as a text edit in tests/fuzz/pipeline_crashes.py and replayed below.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builder.source
from builder.errors import Category, Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project
from fuzz import mutations
from fuzz.pipeline_crashes import CASES

from conftest import REPO, only_example

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000" if os.environ.get("CI") else "300"))
PRODUCT = "content/examplinib"
POSITIONED = re.compile(r"(?P<file>[^\s:][^:]*):(?:[1-9]\d*:[1-9]\d*|[^!:]+![A-Z]+[1-9]\d*): error [EF]\d{4}: ")  # E: content, F: a finding


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def memoised_parser():
    """Parse each unchanged file once: the mutated file is the only one whose bytes are new."""
    original, cache = builder.source.parse_bytes, {}

    def parse(data, display):
        key = (bytes(data), display)
        if key not in cache:
            cache[key] = original(data, display)
        return cache[key]

    builder.source.parse_bytes = parse
    yield
    builder.source.parse_bytes = original


@pytest.fixture(scope="module")
def base(tmp_path_factory, memoised_parser) -> Path:
    """The example project with one prior FDA build in output/ (which no example may change)."""
    root = tmp_path_factory.mktemp("fuzz") / "project"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    build(root, ["examplinib"], ["fda"])
    shutil.copytree(root / PRODUCT, root.parent / "pristine")
    return root


def run(root: Path) -> tuple[list[str], DossierError | None]:
    """Run the stages on the project as it is; check the invariants; return the messages."""
    before_sources = {n: _hashes(root / n) for n in ("content", "templates")}
    before_output, listing = _hashes(root / "output"), sorted(os.listdir(root))
    error = None
    try:
        prepare(Project(root), None, ["fda"], diags=Diagnostics())
    except DossierError as exc:
        error = exc
    assert {n: _hashes(root / n) for n in ("content", "templates")} == before_sources, "a source file changed"
    assert _hashes(root / "output") == before_output, "the prior output changed"
    assert sorted(os.listdir(root)) == listing
    if error is None:
        return [], None
    assert error.category == Category.CONTENT, str(error)
    messages = [str(d) for d in error.diagnostics if d.severity == "error"]
    for message in messages:
        match = POSITIONED.match(message)
        assert match, f"not positioned: {message}"
        assert (root / match["file"]).is_file(), message
    return messages, error


def _restore(root: Path) -> None:
    shutil.rmtree(root / PRODUCT)
    shutil.copytree(root.parent / "pristine", root / PRODUCT)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(mutations.FILES), kind=st.sampled_from(mutations.KINDS + ("rename",)),
       pick=st.integers(0, 10**6), target=st.sampled_from(mutations.RENAMES))
def test_mutated_content_gives_positioned_errors_or_success(base, file, kind, pick, target):
    _restore(base)
    product = base / PRODUCT
    if kind == "rename":
        mutations.rename(product, file, target)
    else:
        mutations.apply(product, file, kind, pick)
    run(base)


@pytest.mark.parametrize("name, file, old, new, code, crash", CASES, ids=[c[0] for c in CASES])
def test_crash_fixtures_now_give_their_positioned_error(base, name, file, old, new, code, crash):
    _restore(base)
    path = base / PRODUCT / file
    if old is None:
        path.unlink()
    else:
        text = path.read_text(encoding="utf-8")
        pattern = old if isinstance(old, re.Pattern) else re.compile(re.escape(old))
        assert pattern.search(text), f"the fixture no longer applies to the example: {old!r}"
        path.write_text(pattern.sub(lambda m: new, text, count=1), encoding="utf-8")
    messages, error = run(base)
    assert error is not None, f"{name}: expected {code}"
    assert any(f" error {code}: " in m for m in messages), "\n".join(messages)
