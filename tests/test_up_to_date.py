"""A build with nothing changed answers from the last build's records, without loading anything; any
change to what a pair is made from (a value, a new file, a hand-edited leaf, a damaged record) takes
the full path, which then reports or rebuilds as before."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from builder import up_to_date
from builder.errors import Diagnostics, DossierError

from conftest import REPO, only_example

REGIONS = ["fda", "nmpa"]


def _hashes(output: Path) -> dict[str, str]:
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*")) if p.is_file() and p.relative_to(output).parts[0] != ".cache"}


def _build(root: Path, regions=REGIONS, strict=False) -> tuple[bool, list[str], list]:
    """Build; return (whether the engine ran, the warnings shown, the reuse tally)."""
    from builder import pipeline

    ran, real = [], pipeline.prepare
    pipeline.prepare = lambda *a, **k: ran.append(1) or real(*a, **k)
    diags, reuse = Diagnostics(), []
    try:
        up_to_date.build(root, ["examplinib"], regions, strict, diags, 1, None, False, reuse)
    finally:
        pipeline.prepare = real
    return bool(ran), sorted(str(d) for d in diags.items), reuse


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    root = tmp_path_factory.mktemp("fresh") / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    ran, warnings, _ = _build(root)
    assert ran and warnings
    return root, warnings


@pytest.fixture
def project(first, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(first[0], root)
    return root, first[1]


def test_nothing_changed_loads_nothing_writes_nothing_and_shows_the_same_warnings(project):
    root, warnings = project
    before = _hashes(root / "output")
    ran, again, reuse = _build(root)
    assert not ran and again == warnings
    assert _hashes(root / "output") == before
    assert [(r, n == m) for _, r, n, m in reuse] == [("fda", True), ("nmpa", True)] and reuse[0][2] > 50


def test_strict_still_fails_on_the_recorded_warnings(project):
    with pytest.raises(DossierError) as info:
        _build(project[0], strict=True)
    assert all(d.severity == "warning" for d in info.value.diagnostics)


@pytest.mark.parametrize("change", ["value", "new file", "renamed template", "engine"])
def test_any_change_to_what_a_pair_is_made_from_runs_the_build(project, change, monkeypatch):
    root, _ = project
    if change == "value":
        path = root / "content/examplinib/core/drug-product.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("assay: 100.4\n", "assay: 100.5\n", 1), encoding="utf-8")
    elif change == "new file":  # read by nothing yet, but a new file may be an overlay or a template
        (root / "templates/fda/notes.txt").write_text("x", encoding="utf-8")
    elif change == "renamed template":
        template = next((root / "templates/common").glob("*.docx"))
        template.rename(template.with_name("zz-" + template.name))
    else:
        monkeypatch.setattr(up_to_date, "engine", lambda: "another builder")
    ran, *_ = _build(root) if change != "renamed template" else _attempt(root)
    assert ran


def _attempt(root: Path):
    """A build expected to run and then fail (a template is missing): it did not answer 'up to date'."""
    try:
        return _build(root)
    except DossierError:
        return (True,)


@pytest.mark.parametrize("damage", ["leaf edited", "leaf deleted", "extra file", "manifest edited",
                                    "record corrupt", "record missing"])
def test_damaged_output_or_record_is_never_trusted(project, damage):
    root, _ = project
    fda = root / "output/examplinib/fda"
    leaf = next(fda.rglob("*.docx"))
    record = root / "output/.cache/fresh/examplinib/fda.json"
    if damage == "leaf edited":
        leaf.write_bytes(leaf.read_bytes() + b"\0")
    elif damage == "leaf deleted":
        leaf.unlink()
    elif damage == "extra file":
        (fda / "notes.docx").write_bytes(b"x")
    elif damage == "manifest edited":
        (fda / "manifest.json").write_text("{}", encoding="utf-8")
    elif damage == "record corrupt":
        record.write_bytes(record.read_bytes()[:40])
    else:
        record.unlink()
    try:
        ran, *_ = _build(root)
    except DossierError as exc:  # a hand-edited leaf stops the build (E5010): the full path ran
        assert damage == "leaf edited" and exc.diagnostics[0].code == "E5010"
        return
    assert ran and damage != "leaf edited"
    assert not (fda / "notes.docx").exists()


def test_a_region_not_built_before_is_built(project):
    root, _ = project
    shutil.rmtree(root / "output/.cache/fresh/examplinib")  # as if only fda had been recorded
    ran, *_ = _build(root, ["fda"])
    assert ran
    assert not _build(root, ["fda"])[0]
    assert _build(root, ["fda", "nmpa"])[0]  # nmpa has no record of its own


def test_a_region_the_product_does_not_list_is_still_an_error(project):
    with pytest.raises(DossierError) as info:
        _build(project[0], ["zz"])
    assert info.value.diagnostics


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """Two products (the example and a copy of it), built once."""
    from builder.commands.scaffold import new_product

    root = tmp_path_factory.mktemp("portfolio") / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    new_product(root, "examplinib-2", "examplinib")
    up_to_date.build(root, None, REGIONS, False, Diagnostics(), 1)
    return root


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _prepared(root: Path) -> tuple[list[str], list[str], list, list[Path]]:
    """Build every product; return (the products the engine prepared, the warnings shown, the reuse
    tally, the folders returned)."""
    from builder import pipeline

    prepared, real = [], pipeline._prepare_product
    pipeline._prepare_product = lambda project, tree, rules, product, *a: prepared.append(product) or \
        real(project, tree, rules, product, *a)
    diags, reuse = Diagnostics(), []
    try:
        folders = up_to_date.build(root, None, REGIONS, False, diags, 1, None, False, reuse)
    finally:
        pipeline._prepare_product = real
    return prepared, sorted(str(d) for d in diags.items), reuse, folders


def test_an_edit_in_one_product_builds_that_product_alone(portfolio, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(portfolio, root)
    _, warnings, _, _ = _prepared(root)  # nothing changed: the recorded warnings of both
    untouched = _stamps(root / "output" / "examplinib")
    path = root / "content/examplinib-2/core/drug-product.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("assay: 100.4\n", "assay: 100.5\n", 1), encoding="utf-8")
    prepared, shown, reuse, folders = _prepared(root)
    assert prepared == ["examplinib-2"]
    assert _stamps(root / "output" / "examplinib") == untouched  # not even its manifest written again
    assert shown == warnings  # the same warnings as a build of both (the edited value raised none)
    assert [f.relative_to(root / "output").as_posix() for f in folders] == \
        ["examplinib/fda", "examplinib/nmpa", "examplinib-2/fda", "examplinib-2/nmpa"]
    rendered = {(p, r): n - m for p, r, n, m in reuse}
    assert rendered[("examplinib", "fda")] == 0 and rendered[("examplinib-2", "fda")] >= 1
    cold = tmp_path / "cold"
    shutil.copytree(root / "content", cold / "content")
    shutil.copytree(root / "templates", cold / "templates")
    up_to_date.build(cold, None, REGIONS, False, Diagnostics(), 1)
    assert _hashes(root / "output") == _hashes(cold / "output")
    assert _prepared(root)[0] == []  # and now both are up to date


def test_strict_fails_on_the_kept_products_warnings_too(portfolio, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(portfolio, root)
    path = root / "content/examplinib-2/core/drug-product.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("assay: 100.4\n", "assay: 100.5\n", 1), encoding="utf-8")
    with pytest.raises(DossierError) as info:
        up_to_date.build(root, None, REGIONS, True, Diagnostics(), 1)
    paths = {d.origin.path.split("/")[1] for d in info.value.diagnostics if d.origin and d.origin.path.startswith("content/")}
    assert {"examplinib", "examplinib-2"} <= paths


def test_an_overlay_edit_builds_that_region_alone(project, tmp_path):
    """An FDA-only value (an establishment number in fda.yaml): nmpa is neither loaded nor written."""
    from builder import pipeline

    root, warnings = project
    untouched = _stamps(root / "output" / "examplinib" / "nmpa")
    path = root / "content/examplinib/fda.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 3016524870", "value: 3016524871", 1),
                    encoding="utf-8")
    pairs, real = [], pipeline._prepare_pair
    pipeline._prepare_pair = lambda project, tree, rules, core, sources, product, region, *a: \
        pairs.append(region) or real(project, tree, rules, core, sources, product, region, *a)
    diags, reuse = Diagnostics(), []
    try:
        folders = up_to_date.build(root, ["examplinib"], ["fda", "nmpa"], False, diags, 1, None, False, reuse)
    finally:
        pipeline._prepare_pair = real
    assert pairs == ["fda"]
    assert _stamps(root / "output" / "examplinib" / "nmpa") == untouched
    assert sorted(str(d) for d in diags.items) == warnings  # the product's own warnings once, not twice
    assert [f.name for f in folders] == ["fda", "nmpa"]
    cold = tmp_path / "cold"
    shutil.copytree(root / "content", cold / "content")
    shutil.copytree(root / "templates", cold / "templates")
    up_to_date.build(cold, ["examplinib"], ["fda", "nmpa"], False, Diagnostics(), 1)
    assert _hashes(root / "output") == _hashes(cold / "output")
