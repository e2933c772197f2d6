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
    assert len(list((tmp_path / "output" / ".cache").glob("*.json"))) == 1
    again = load_file(path, "content/b/core/product.yaml", cache)  # same bytes elsewhere: same tree, own name
    plain = load_file(path, "content/b/core/product.yaml")
    assert again == plain and again.root != first.root
    assert again.root.data["product"].data["doses"].data[1].origin.path == "content/b/core/product.yaml"


def test_a_corrupted_entry_is_discarded_and_the_file_parsed_again(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path)
    load_file(path, "p.yaml", cache)
    entry = next((tmp_path / "cache").glob("*.json"))
    data = bytearray(entry.read_bytes())
    data[data.index(b"Examplinib")] = ord("X")  # still valid JSON: only the checksum catches it
    entry.write_bytes(bytes(data))
    loaded = load_file(path, "p.yaml", cache)
    assert loaded.root.data["product"].data["name"].data == "Examplinib"
    assert b"Examplinib" in entry.read_bytes()  # discarded and written again


def test_a_truncated_entry_is_not_trusted(tmp_path):
    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path)
    load_file(path, "p.yaml", cache)
    entry = next((tmp_path / "cache").glob("*.json"))
    entry.write_bytes(entry.read_bytes()[:40])
    assert load_file(path, "p.yaml", cache) == load_file(path, "p.yaml")


def test_an_entry_from_another_loader_version_is_ignored(tmp_path, monkeypatch):
    import builder.content_cache as module

    cache = ContentCache(tmp_path / "cache")
    path = _file(tmp_path)
    load_file(path, "p.yaml", cache)
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
    assert not list((tmp_path / "cache").glob("*.json"))
