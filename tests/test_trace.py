"""`trace` lists every value a section renders with its file:line:col and the commit that last changed it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.errors import DossierError
from builder.commands.trace import UNCOMMITTED, format_trace, trace

from conftest import REPO, only_example

AUTHOR = "Trace Tester"
DISSOLUTION = "drug_products[examplinib-fct].specification.tests[dissolution].procedure"
ASSAY = "drug_products[examplinib-fct].specification.tests[assay].release"


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run(["git", "-c", f"user.name={AUTHOR}", "-c", "user.email=trace@example.com", *args],
                          cwd=root, env=env, capture_output=True, check=True)
    return done.stdout.decode("utf-8").strip()


def copy_project(dest: Path) -> Path:
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, dest / name, ignore=only_example)
    return dest


@pytest.fixture
def committed(tmp_path) -> tuple[Path, str]:
    """A project in its own repository, all committed by AUTHOR; returns (root, short hash)."""
    root = copy_project(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "content", "templates")
    git(root, "commit", "-q", "-m", "content")
    return root, git(root, "rev-parse", "--short", "HEAD")


def by_field(rows):
    return {row.field: row for row in rows}


def test_an_overlay_value_points_at_the_overlay_line_and_its_commit(committed):
    root, short = committed
    row = by_field(trace(root, "examplinib", "fda", "3.2.P.5.1"))[DISSOLUTION]
    assert row.value == "USP <711> / AP-P-002"
    assert row.origin.path == "content/examplinib/fda.yaml"
    lines = (root / row.origin.path).read_text(encoding="utf-8").splitlines()
    assert lines[row.origin.line - 1].strip() == "procedure: USP <711> / AP-P-002"
    assert (row.blame.short, row.blame.author) == (short, AUTHOR)
    assert row.change.startswith(f"{short} ") and row.change.endswith(AUTHOR)


def test_a_core_value_points_at_the_core_file(committed):
    root, short = committed
    rows = trace(root, "examplinib", "fda", "3.2.P.5.1")
    row = by_field(rows)[ASSAY]
    assert row.origin.path == "content/examplinib/core/drug-product.yaml" and row.blame.short == short
    assert "product.name" in by_field(rows)  # every page header prints it
    assert {r.number for r in rows} == {"3.2.P.5.1"} and len({r.leaf for r in rows}) == 1
    text = format_trace(rows)
    assert f"  {ASSAY} = {row.value!r}\n      {row.origin}  {short} " in text


def test_a_changed_line_not_yet_committed_says_so(committed):
    root, short = committed
    overlay = root / "content/examplinib/fda.yaml"
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text.replace("procedure: USP <711> / AP-P-002", "procedure: USP <711> / AP-P-002 (2025)"), encoding="utf-8")
    rows = by_field(trace(root, "examplinib", "fda", "3.2.P.5.1"))
    assert rows[DISSOLUTION].blame is None and rows[DISSOLUTION].change == UNCOMMITTED
    assert f"{rows[DISSOLUTION].origin}  {UNCOMMITTED}" in format_trace(list(rows.values()))
    assert rows[ASSAY].blame.short == short


def test_outside_a_repository_everything_is_uncommitted(tmp_path):
    rows = trace(copy_project(tmp_path), "examplinib", "fda", "3.2.P.5.1")
    assert rows and all(row.change == UNCOMMITTED for row in rows)


def test_leaves_sharing_a_number_are_each_listed_by_path(committed):
    root, _ = committed
    rows = trace(root, "examplinib", "fda", "3.2.P.5.2")
    leaves = list(dict.fromkeys(row.leaf for row in rows))
    assert len(leaves) > 1
    for leaf in leaves:
        procedure = re.search(r"analytical-procedure-(.+)\.docx$", leaf).group(1)
        assert any(r.leaf == leaf and f".procedures[{procedure}]." in r.field for r in rows), leaf
    assert all(f"— {leaf}" in format_trace(rows) for leaf in leaves)


def test_an_unknown_section_lists_the_known_ones(committed):
    root, _ = committed
    with pytest.raises(DossierError) as caught:
        trace(root, "examplinib", "fda", "3.2.P.9")
    assert int(caught.value.category) == 2 and caught.value.diagnostics[0].code == "E2601"
    assert "3.2.P.5.1" in str(caught.value)
