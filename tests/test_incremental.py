"""Incremental builds: after a one-value edit, exactly the leaves whose bytes change are rendered, and
the output equals a cold build's byte for byte."""
from __future__ import annotations

import hashlib
import os
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


def _files(output: Path) -> dict[str, tuple[int, int]]:
    """leaf path → (inode, modification time) of each published .docx."""
    return {p.relative_to(output).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(output.rglob("*.docx"))}


def _build(root: Path) -> set[str]:
    """Build; return the leaves rendered (not reused), as output-relative paths."""
    from builder import rendering

    rendered: list = []
    real = rendering.render_dossier

    def spy(project, dossier, advance=None, stage=None):
        result = real(project, dossier, advance, stage)
        rendered.extend(f"{result.product}/{result.region}/{p}" for p in result.files
                        if p.endswith(".docx") and p not in result.reused)
        return result

    rendering.render_dossier = spy
    try:
        build(root, regions=REGIONS, diags=Diagnostics(), jobs=1)
    finally:
        rendering.render_dossier = real
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
    before, files = _hashes(project / "output"), _files(project / "output")
    path.write_text(text.replace(old, new), encoding="utf-8")
    try:
        rendered = _build(project)
        incremental, now = _hashes(project / "output"), _files(project / "output")
        cold_root = tmp_path / "cold"
        shutil.copytree(project / "content", cold_root / "content")
        shutil.copytree(project / "templates", cold_root / "templates")
        build(cold_root, regions=REGIONS, diags=Diagnostics(), jobs=1)
        assert incremental == _hashes(cold_root / "output")  # byte for byte a cold build
        changed = {k for k, v in incremental.items() if k.endswith(".docx") and before.get(k) != v}
        assert changed and rendered == changed
        kept = {k for k in now if files.get(k) == now[k]}  # the very file the last build wrote, untouched
        assert kept == set(now) - changed
    finally:
        path.write_text(text, encoding="utf-8")
        _build(project)


def test_a_reused_leaf_linked_elsewhere_is_written_afresh(project, tmp_path):
    """An unchanged leaf is published as the same file only when nothing else holds it: a hard link
    from outside output/ (or a linked folder on the way) gets a new file, and the outside copy stays."""
    folder = project / "output" / "examplinib" / "fda"
    leaf = sorted(folder.rglob("*.docx"))[0]
    outside = tmp_path / "kept-elsewhere.docx"
    os.link(leaf, outside)
    before = _files(project / "output")
    (project / P).write_text((project / P).read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a rebuild, same leaves
    try:
        assert _build(project) == set()
        after = _files(project / "output")
        name = leaf.relative_to(project / "output").as_posix()
        assert after[name][0] != outside.stat().st_ino and outside.stat().st_nlink == 1
        assert leaf.read_bytes() == outside.read_bytes()
        assert {k for k in after if after[k] != before[k]} == {name}
    finally:
        (project / P).write_text((project / P).read_text(encoding="utf-8")[:-1], encoding="utf-8")
        _build(project)


def test_a_reused_leaf_reached_through_a_linked_folder_is_written_afresh(project, tmp_path):
    folder = project / "output" / "examplinib" / "fda" / "m3"
    elsewhere = tmp_path / "m3-elsewhere"
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    inodes = {p: p.stat().st_ino for p in elsewhere.rglob("*.docx")}
    (project / P).write_text((project / P).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    try:
        _build(project)
        assert folder.is_dir() and not folder.is_symlink()
        assert {p: p.stat().st_ino for p in elsewhere.rglob("*.docx")} == inodes
        assert all(p.stat().st_nlink == 1 for p in elsewhere.rglob("*.docx"))  # none shared with output/
    finally:
        (project / P).write_text((project / P).read_text(encoding="utf-8")[:-1], encoding="utf-8")
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
