"""Leaves go to staging as they are rendered (issue 13, item 4): a build holds one leaf's bytes at a
time, not a portfolio's, serially and on two workers; a failure while rendering leaves neither a
staging folder nor a changed output; a staged file is never written through to the published one."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest

import builder.pipeline
import builder.rendering
from builder.errors import Category, DossierError, environment_error
from builder.pipeline import build
from builder.publish import STAGING_PREFIX, Staging

from conftest import REPO, only_example

REGIONS = ["fda", "ema"]
NAME = "  name: Examplinib Film-coated Tablets\n"


def _snapshot(output: Path) -> dict[str, str]:
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*")) if p.is_file() and p.relative_to(output).parts[0] != ".cache"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staging") / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    build(root, regions=REGIONS, jobs=1)
    return root


@pytest.fixture
def changed(built, tmp_path) -> Path:
    """A copy of the built project whose every leaf changes (the product name is in each header)."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    path = root / "content" / "examplinib" / "core" / "product.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(NAME, NAME.rstrip("\n") + " (revised)\n", 1),
                    encoding="utf-8")
    return root


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_leaf_is_staged_as_rendered_and_no_bytes_are_held(changed, monkeypatch, jobs):
    seen = []
    real = builder.pipeline.publish

    def inspect(output, rendered):  # what reaches publishing: leaves on disk already, none in memory
        for dossier in rendered:
            records = {leaf["path"]: leaf["sha256"] for leaf in dossier.manifest["leaves"]}
            assert dossier.staged is not None and dossier.staged.name.startswith(STAGING_PREFIX)
            assert all(dossier.files[path] is None for path in records)
            assert {path: hashlib.sha256((dossier.staged / path).read_bytes()).hexdigest()
                    for path in records} == records
            seen.append((dossier.region, len(records)))
        return real(output, rendered)

    monkeypatch.setattr(builder.pipeline, "publish", inspect)
    build(changed, regions=REGIONS, jobs=jobs)
    assert [region for region, _ in seen] == REGIONS and all(count > 50 for _, count in seen)
    assert not list((changed / "output").glob(f"{STAGING_PREFIX}*"))
    cold = changed.parent / "cold"
    shutil.copytree(changed / "content", cold / "content")
    shutil.copytree(changed / "templates", cold / "templates")
    build(cold, regions=REGIONS, jobs=1)
    assert _snapshot(changed / "output") == _snapshot(cold / "output")


def _fail_in(region: str, after: int, error):
    """`leaf_bytes` that raises `error()` at the `after`-th leaf it renders for `region`."""
    real, calls = builder.rendering.leaf_bytes, [0]

    def leaf_bytes(project, dossier, leaf, templates):
        if dossier.region == region:
            calls[0] += 1
            if calls[0] > after:
                raise error()
        return real(project, dossier, leaf, templates)
    return leaf_bytes


@pytest.mark.parametrize("jobs, error", [
    (1, KeyboardInterrupt),
    (1, lambda: environment_error("E4004", "cannot read template: gone", "templates/common/narrative.docx")),
    (2, lambda: environment_error("E4004", "cannot read template: gone", "templates/common/narrative.docx")),
], ids=["interrupt", "error", "error-in-a-worker"])
def test_a_failure_while_rendering_leaves_no_staging_and_the_old_output(changed, monkeypatch, jobs, error):
    before = _snapshot(changed / "output")
    monkeypatch.setattr(builder.rendering, "leaf_bytes", _fail_in("ema", 20, error))
    with pytest.raises((KeyboardInterrupt, DossierError)) as caught:
        build(changed, regions=REGIONS, jobs=jobs)
    if caught.type is DossierError:
        assert caught.value.category == Category.ENVIRONMENT and "gone" in str(caught.value)
    assert not list((changed / "output").glob(f"{STAGING_PREFIX}*"))  # fda's full stage and ema's partial one
    assert _snapshot(changed / "output") == before


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_while_staging_is_an_environment_error_and_keeps_the_old_output(changed, monkeypatch, jobs):
    import builder.publish

    before, real, calls = _snapshot(changed / "output"), builder.publish._write, [0]

    def write(path, data):
        calls[0] += 1
        if calls[0] > 30:  # in the first region's leaves (in a worker: its own count)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(builder.publish, "_write", write)
    with pytest.raises(DossierError) as caught:
        build(changed, regions=REGIONS, jobs=jobs)
    assert caught.value.category == Category.ENVIRONMENT and caught.value.diagnostics[0].code == "E4002"
    assert "No space left" in str(caught.value) and "previous output untouched" in str(caught.value)
    assert not list((changed / "output").glob(f"{STAGING_PREFIX}*"))
    assert _snapshot(changed / "output") == before


def test_a_staged_leaf_is_never_written_through_to_the_published_one(tmp_path):
    output = tmp_path / "output"
    published = output / "p" / "fda" / "m3" / "a.docx"
    published.parent.mkdir(parents=True)
    published.write_bytes(b"old")
    staging = Staging(output)
    staged = staging.folder("p", "fda") / "m3" / "a.docx"
    staging.put("p", "fda", "m3/a.docx", b"old", reused=True)            # unchanged: the same file
    assert staged.stat().st_ino == published.stat().st_ino
    staging.put("p", "fda", "m3/a.docx", b"new", reused=False)           # rendered again (a lost worker's pair)
    assert published.read_bytes() == b"old" and staged.read_bytes() == b"new"
    assert published.stat().st_nlink == 1
    staging.put("p", "fda", "m3/a.docx", b"different", reused=True)      # said unchanged, bytes differ: written
    assert published.read_bytes() == b"old" and staged.read_bytes() == b"different"
    staging.clear()
    assert not staging.folder("p", "fda").exists() and published.read_bytes() == b"old"
