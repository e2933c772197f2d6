"""Pairs rendered on several cores give the same bytes as a serial build, and the same errors."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from builder.errors import DossierError
from builder.parallel import worker_count
from builder.pipeline import build

from conftest import REPO, only_example


def _files(output: Path) -> dict[str, str]:
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*")) if p.is_file() and p.relative_to(output).parts[0] != ".cache"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("parallel") / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def test_two_workers_give_the_serial_builds_bytes(project):
    build(project, jobs=1)
    serial = _files(project / "output")
    shutil.rmtree(project / "output")
    build(project, jobs=2)
    assert _files(project / "output") == serial
    assert sum(name.endswith(".docx") for name in serial) > 200  # all three regions, every leaf


def test_a_template_error_in_a_worker_is_the_serial_error(project):
    template = project / "templates" / "common" / "narrative.docx"
    original = template.read_bytes()
    _break(template)
    try:
        errors = []
        for jobs in (1, 2):
            with pytest.raises(DossierError) as caught:
                build(project, jobs=jobs)
            errors.append((caught.value.category, [str(d) for d in caught.value.diagnostics]))
        assert errors[0] == errors[1] and "subjet" in errors[0][1][0]
    finally:
        template.write_bytes(original)


def _break(template: Path) -> None:
    """The narrative template with a misspelt attribute: refused when the first pair renders it."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(template.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ doc.subject }}", b"{{ doc.subjet }}", 1)
            target.writestr(item, data)
    template.write_bytes(out.getvalue())


def test_never_more_workers_than_pairs():
    assert worker_count(8, 3) == 3 and worker_count(1, 6) == 1 and worker_count(None, 1) == 1


def test_a_worker_that_dies_does_not_hang_the_build(project, monkeypatch):
    """A worker killed mid-render (out of memory, kill -9) is not waited for: its pairs render here."""
    import builder.parallel

    build(project, jobs=1)
    serial = _files(project / "output")
    shutil.rmtree(project / "output")
    monkeypatch.setattr(builder.parallel, "_render_one", _die)
    build(project, jobs=2)
    assert _files(project / "output") == serial


def _die(index):
    """A worker's render that kills its process (module level: the pool names it by reference)."""
    import os

    os._exit(9)


# Products prepared on several cores ---------------------------------------------------------------

@pytest.fixture(scope="module")
def products(tmp_path_factory):
    """Every shipped product (three, of three modalities), with a warning and a content error planted
    in the second one, so the diagnostics of products prepared apart must come back in order."""
    root = tmp_path_factory.mktemp("products") / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def _prepared(root: Path, jobs: int):
    from builder.errors import Diagnostics
    from builder.pipeline import prepare_all
    from builder.project import Project

    diags = Diagnostics()
    dossiers = prepare_all(Project(root), None, None, diags, jobs)
    summary = [(d.product, d.region, [lf.path for lf in d.leaves], [str(x) for x in d.diagnostics],
                d.tally.summary() if d.tally else "", d.leaves[0].reads.digest) for d in dossiers]
    return [str(d) for d in diags.items], summary


def test_products_prepared_on_two_cores_are_the_serial_ones(products):
    serial = _prepared(products, 1)
    assert len({row[0] for row in serial[1]}) == 3 and serial[0]  # three products, some warnings
    assert _prepared(products, 2) == serial


def test_diagnostics_of_products_prepared_apart_come_back_in_order(products, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(products, root)
    second = sorted(p.name for p in (root / "content").iterdir() if p.name != "platforms")[1]
    path = next((root / "content" / second / "core").glob("product.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  regions:", "  regionz: []\n  regions:", 1), encoding="utf-8")  # an unknown field
    serial = _prepared(root, 1)
    assert any(second in line and "regionz" in line for line in serial[0])
    assert _prepared(root, 2) == serial
    errors = []
    for jobs in (1, 2):
        with pytest.raises(DossierError) as caught:
            build(root, jobs=jobs)
        errors.append([str(d) for d in caught.value.diagnostics])
    assert errors[0] == errors[1]


def test_a_build_of_every_product_on_two_cores_gives_the_serial_bytes_and_cache(products, tmp_path, monkeypatch):
    import builder.render

    serial_root, parallel_root = tmp_path / "serial", tmp_path / "parallel"
    for root, jobs in ((serial_root, 1), (parallel_root, 2)):
        shutil.copytree(products, root)
        monkeypatch.setattr(builder.render, "_PASSED", set())  # as in a process of its own: verdicts cached anew
        build(root, jobs=jobs)
    assert _files(parallel_root / "output") == _files(serial_root / "output")
    cache = lambda root: sorted(p.name for p in (root / "output" / ".cache" / "content").iterdir())  # noqa: E731
    assert cache(parallel_root) == cache(serial_root) and len(cache(serial_root)) > 20


def test_a_worker_that_dies_while_preparing_does_not_hang_the_build(products, monkeypatch):
    import builder.parallel

    serial = _prepared(products, 1)
    monkeypatch.setattr(builder.parallel, "_each_one", _die)
    assert _prepared(products, 2) == serial  # prepared here instead
