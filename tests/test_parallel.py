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
