"""The parsed-content cache: a hit gives the tree a parse gives; a bad entry is discarded, never trusted."""
from __future__ import annotations

import os

from builder.content_cache import ContentCache
from builder.source import load_file

TEXT = b"product:\n  name: Examplinib\n  doses:\n    - 10 mg\n    - 20 mg\n  note: >\n    folded\n    text\n"


def _file(tmp_path, data=TEXT):
    path = tmp_path / "product.yaml"
    path.write_bytes(data)
    return path


def test_a_hit_gives_the_parsed_tree_with_this_files_name(tmp_path):
    cache = ContentCache(tmp_path / "output" / ".cache")
    path = _file(tmp_path)
    first = load_file(path, "content/a/core/product.yaml", cache)
    assert not (tmp_path / "output" / ".cache").exists()  # written when the build publishes, not before
    assert cache.flush() == 1
    assert len(list((tmp_path / "output" / ".cache").glob("*.json"))) == 1
    again = load_file(path, "content/b/core/product.yaml", cache)  # same bytes elsewhere: same tree, own name
    plain = load_file(path, "content/b/core/product.yaml")
    assert again == plain and again.root != first.root
    assert again.root.data["product"].data["doses"].data[1].origin.path == "content/b/core/product.yaml"


def test_a_corrupted_entry_is_discarded_and_the_file_parsed_again(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path)
    load_file(path, "p.yaml", cache)
    cache.flush()
    entry = next((tmp_path / "cache").glob("*.json"))
    data = bytearray(entry.read_bytes())
    data[data.index(b"Examplinib")] = ord("X")  # still valid JSON: only the checksum catches it
    entry.write_bytes(bytes(data))
    loaded = load_file(path, "p.yaml", cache)
    assert loaded.root.data["product"].data["name"].data == "Examplinib"
    assert not entry.exists()  # discarded …
    cache.flush()
    assert b"Examplinib" in entry.read_bytes()  # … and written again


def test_a_truncated_entry_is_not_trusted(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path)
    load_file(path, "p.yaml", cache)
    cache.flush()
    entry = next((tmp_path / "cache").glob("*.json"))
    entry.write_bytes(entry.read_bytes()[:40])
    assert load_file(path, "p.yaml", cache) == load_file(path, "p.yaml")


def test_an_entry_from_another_loader_version_is_ignored(tmp_path, monkeypatch):
    import builder.content_cache as module

    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path)
    load_file(path, "p.yaml", cache)
    cache.flush()
    monkeypatch.setattr(module, "LOADER_VERSION", "other")
    assert cache.get(next((tmp_path / "cache").glob("*.json")).stem, "p.yaml") is None


def test_a_cache_folder_linked_out_of_output_is_not_written(tmp_path):
    from builder.publish import check_output

    (tmp_path / "content").mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "output").mkdir()
    os.symlink(outside, tmp_path / "output" / ".cache")
    cache = ContentCache(tmp_path / "output" / ".cache" / "content",
                         lambda folder: check_output(tmp_path / "output", folder))
    loaded = load_file(_file(tmp_path / "content"), "content/p.yaml", cache)
    assert cache.flush() == 0
    assert loaded.root.data["product"].data["name"].data == "Examplinib"
    assert list(outside.rglob("*")) == []


def test_errors_are_not_cached(tmp_path):
    import pytest
    from builder.errors import DossierError

    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path, b"a: 1\na: 2\n")
    for _ in range(2):
        with pytest.raises(DossierError):
            load_file(path, "p.yaml", cache)
    cache.flush()
    assert not list((tmp_path / "cache").glob("*.json"))


def _parsed_during_check(root, monkeypatch) -> list[str]:
    """The files `prepare` parses (rather than takes from the cache)."""
    import builder.source as source
    from builder.errors import Diagnostics
    from builder.pipeline import prepare
    from builder.project import Project

    parsed, real = [], source.parse_bytes
    monkeypatch.setattr(source, "parse_bytes", lambda data, display: parsed.append(display) or real(data, display))
    prepare(Project(root), regions=["nmpa"], diags=Diagnostics())
    monkeypatch.setattr(source, "parse_bytes", real)
    return parsed


def test_after_a_build_a_check_parses_no_yaml_and_an_edited_profile_alone_again(tmp_path, monkeypatch):
    import shutil

    from builder.errors import Diagnostics
    from builder.pipeline import build
    from conftest import REPO, only_example

    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    first = _parsed_during_check(root, monkeypatch)
    assert "templates/common/profile.yaml" in first and "templates/nmpa/region.yaml" in first
    assert len(first) == len(set(first))  # a file read for several products or pairs is parsed once per run
    build(root, regions=["nmpa"], diags=Diagnostics(), jobs=1)
    assert _parsed_during_check(root, monkeypatch) == []  # profiles, rules, tree and content all cached
    profile = root / "templates" / "nmpa" / "region.yaml"
    profile.write_bytes(profile.read_bytes() + b"# edited\n")
    assert _parsed_during_check(root, monkeypatch) == ["templates/nmpa/region.yaml"]


def test_the_shared_digest_memo_changes_no_fingerprint():
    """`values_digest` with one memo per pair gives each leaf the digest it gets alone."""
    from builder.incremental import values_digest
    from builder.reads import Recorder
    from builder.nodes import Node
    from dataclasses import dataclass

    @dataclass(frozen=True, kw_only=True)
    class Batch(Node):
        results: tuple = ()
        name: str = ""

    a, b = Batch(results=("0.1", "0.2"), name="A"), Batch(results=("0.3",), name="B")
    first = Recorder(fields=[(a, "results"), (b, "name")])
    second = Recorder(fields=[(b, "name"), (a, "results"), (b, "results")])
    memo: dict = {}
    assert [values_digest(first, memo), values_digest(second, memo)] == [values_digest(first), values_digest(second)]
    assert values_digest(first) != values_digest(Recorder(fields=[(b, "results"), (b, "name")]))


WORKBOOK = "content/examplinib/core/stability-f050p2409.xlsx"


def _grid(path, cache, tab=None):
    from builder.source import caching
    from builder.tabular.grid import read_grid

    with caching(cache):
        return read_grid(path, "content/x/core/results.xlsx", tab)


def test_a_workbook_read_once_is_not_opened_again_and_gives_the_same_cells(tmp_path, monkeypatch):
    import shutil

    from builder.tabular import grid as grids
    from conftest import REPO

    path = tmp_path / "results.xlsx"
    shutil.copy(REPO / WORKBOOK, path)
    cache = ContentCache(tmp_path / "cache")
    first = _grid(path, cache)
    assert cache.flush() == 1
    monkeypatch.setitem(grids.READERS, ".xlsx", lambda *args: (_ for _ in ()).throw(AssertionError("opened")))
    again = _grid(path, cache)
    assert again == first and any(c.origin.cell for row in again.rows for c in row)
    assert any(c.numeric for row in again.rows for c in row) and len(again.rows) > 3
    path.write_bytes(path.read_bytes() + b"\0")  # other bytes: the reader runs (and here refuses to)
    try:
        _grid(path, cache)
    except AssertionError as exc:
        assert "opened" in str(exc)
    else:
        raise AssertionError("a changed workbook was served from the cache")


def test_a_corrupted_sheet_entry_is_discarded_and_the_workbook_read_again(tmp_path):
    import shutil

    from conftest import REPO

    path = tmp_path / "results.xlsx"
    shutil.copy(REPO / WORKBOOK, path)
    cache = ContentCache(tmp_path / "cache")
    first = _grid(path, cache)
    cache.flush()
    entry = next((tmp_path / "cache").glob("grid-*.json"))
    for bad in (entry.read_bytes().replace(b"true", b"fals", 1), b"x\n[1]"):
        entry.write_bytes(bad)
        assert _grid(path, cache) == first
        assert not entry.exists()
        cache.flush()
        assert entry.exists()


def test_unit_factors_are_kept_between_runs_and_a_bad_one_is_computed_again(tmp_path, monkeypatch):
    from decimal import Decimal

    from builder.cmc import units as unit_module
    from builder.source import caching
    from conftest import REPO

    units = unit_module.load_units(load_file(REPO / "templates/common/units.yaml", "units.yaml"))
    monkeypatch.setattr(unit_module, "_TABLES", {})
    with caching(ContentCache(tmp_path / "cache")) as cache:
        assert units.factor("milligram", "gram") == Decimal("0.001")
        assert units.factor("milligram", "liter") is None
        dimension = units.dimension("milligram / milliliter")
    assert cache.flush() == 1
    asked = []
    real = unit_module._pint_factor
    monkeypatch.setattr(unit_module, "_pint_factor", lambda *args: asked.append(args[1:]) or real(*args))
    with caching(ContentCache(tmp_path / "cache")):  # a new run: answered from the table, pint not asked
        assert units.factor("milligram", "gram") == Decimal("0.001")
        assert units.factor("milligram", "liter") is None
        assert units.dimension("milligram / milliliter") == dimension
    assert asked == []
    entry = next((tmp_path / "cache").glob("units-*.json"))
    import hashlib
    import json
    version, key, table = json.loads(entry.read_bytes().partition(b"\n")[2])
    table["factor\0milligram\0gram"] = "not a number"
    body = json.dumps([version, key, table], ensure_ascii=False, separators=(",", ":")).encode()
    entry.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    with caching(ContentCache(tmp_path / "cache")):
        assert units.factor("milligram", "gram") == Decimal("0.001")
    assert asked == [("milligram", "gram")]
