"""Incremental builds: after a one-value edit, exactly the leaves whose bytes change are rendered, and
the output equals a cold build's byte for byte."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from builder.errors import Diagnostics
from builder.pipeline import build

from conftest import REPO, only_example

REGIONS = ["fda", "nmpa"]
P = "content/examplinib/core/drug-product.yaml"
EDITS = [  # (file, old, new): one value each
    (P, "          assay: 100.4\n", "          assay: 100.5\n"),                       # one batch result
    (P, "criterion: NMT 5.5 %", "criterion: NMT 5.0 %"),                              # one criterion
    (P, "A milled grade is used;", "A milled grade is always used;"),                 # one narrative sentence
    ("content/examplinib/fda.yaml", "value: 3016524870", "value: 3016524871"),        # one overlay value
    ("content/examplinib/core/product.yaml", "as_of: 2026-11-01", "as_of: 2026-11-02"),  # the documents' date
]


def _hashes(output: Path) -> dict[str, str]:
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*")) if p.is_file() and p.relative_to(output).parts[0] != ".cache"}


def _build(root: Path) -> set[str]:
    """Build; return the leaves rendered (not reused), as output-relative paths."""
    from builder import pipeline

    rendered: list = []
    real = pipeline.render_dossier

    def spy(project, dossier, advance=None):
        result = real(project, dossier, advance)
        rendered.extend(f"{result.product}/{result.region}/{p}" for p in result.files
                        if p.endswith(".docx") and p not in result.reused)
        return result

    pipeline.render_dossier = spy
    try:
        build(root, regions=REGIONS, diags=Diagnostics(), jobs=1)
    finally:
        pipeline.render_dossier = real
    return set(rendered)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental") / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    assert _build(root)  # the first build renders everything
    return root


def test_an_unchanged_tree_renders_nothing(project):
    before = _hashes(project / "output")
    assert _build(project) == set()
    assert _hashes(project / "output") == before


@pytest.mark.parametrize("name, old, new", EDITS, ids=[e[2].strip()[:30] for e in EDITS])
def test_a_one_value_edit_renders_exactly_the_leaves_it_changes(project, tmp_path, name, old, new):
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    before = _hashes(project / "output")
    path.write_text(text.replace(old, new), encoding="utf-8")
    try:
        rendered = _build(project)
        incremental = _hashes(project / "output")
        cold_root = tmp_path / "cold"
        shutil.copytree(project / "content", cold_root / "content")
        shutil.copytree(project / "templates", cold_root / "templates")
        build(cold_root, regions=REGIONS, diags=Diagnostics(), jobs=1)
        assert incremental == _hashes(cold_root / "output")  # byte for byte a cold build
        changed = {k for k, v in incremental.items() if k.endswith(".docx") and before.get(k) != v}
        assert changed and rendered == changed
    finally:
        path.write_text(text, encoding="utf-8")
        _build(project)


def test_leaves_recorded_with_other_fingerprints_are_rendered_again(project):
    leaf = next((project / "output" / "examplinib" / "fda").rglob("*.docx"))
    good = leaf.read_bytes()
    manifest = project / "output" / "examplinib" / "fda" / "manifest.json"
    import json

    data = json.loads(manifest.read_text())
    for record in data["leaves"]:
        record["fingerprint"] = "0" * 64  # as if made from other content
    manifest.write_text(json.dumps(data))
    assert len(_build(project)) >= len(data["leaves"])  # fda renders every leaf again
    assert leaf.read_bytes() == good
