"""`git diff` of built Word leaves reads as text: headings, list paragraphs, table cells by position."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.pipeline import build
from builder.commands.textconv import ATTRIBUTE, docx_to_text, setup_git

from conftest import REPO, only_example

ASSAY = "95.0 % to 105.0 % of label claim"


def copy_project(dest: Path) -> Path:
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, dest / name, ignore=only_example)
    return dest


def leaf(root: Path, number: str) -> Path:
    folder = root / "output/examplinib/fda"
    listed = json.loads((folder / "manifest.json").read_text())["leaves"]
    return folder / next(item["path"] for item in listed if item["number"] == number)


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run(["git", "-c", "user.name=Writer", "-c", "user.email=writer@example.com", *args],
                          cwd=root, env=env, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("textconv"))
    build(root, ["examplinib"], ["fda"])
    return root


def test_a_specification_leaf_reads_as_headings_and_positioned_table_cells(built):
    text = docx_to_text(leaf(built, "3.2.P.5.1").read_bytes()).splitlines()
    assert text[0] == "[Heading 1] 3.2.P.5.1 Specification(s)"
    assert "[Table 1]" in text
    assert "| r1c1 | Test" in text
    assert "| r2c3 | Release" in text and not any(line.startswith("| r2c1 ") for line in text)  # merged cells
    assert any(re.fullmatch(rf"\| r\d+c3 \| {re.escape(ASSAY)}", line) for line in text), text
    assert any(line.startswith("[Header] ") and "3.2.P.5.1 Specification(s)" in line for line in text)
    assert any(line.startswith("[Footer] Page ") for line in text)


def test_list_paragraphs_keep_their_style(built):
    text = docx_to_text(leaf(built, "3.2.S.2.4").read_bytes()).splitlines()
    bullets = [line for line in text if line.startswith("[List Bullet] ")]
    assert len(bullets) >= 2 and any(line.startswith("[List Bullet] Step 1") for line in bullets), text
    assert not any("**" in line for line in text)


def test_every_built_leaf_converts(built):
    folder = built / "output/examplinib/fda"
    for item in json.loads((folder / "manifest.json").read_text())["leaves"]:
        text = docx_to_text((folder / item["path"]).read_bytes())
        assert text.startswith(f"[Heading 1] {item['number']} "), item["path"]


def test_the_command_line_prints_the_same_text_every_time(built):
    path = leaf(built, "3.2.P.5.4")
    once = subprocess.run([sys.executable, "-m", "builder.commands.textconv", str(path)], cwd=REPO, capture_output=True, check=True)
    assert once.stdout.decode("utf-8") == docx_to_text(path.read_bytes()) == docx_to_text(path.read_bytes())


def test_templates_and_damaged_files_never_crash():
    for template in sorted((REPO / "templates").rglob("*.docx")):
        assert "[Heading 1] {{ doc.heading }}" in docx_to_text(template.read_bytes()), template
    data = (REPO / "templates/common/narrative.docx").read_bytes()
    for broken in (b"", b"not a zip", data[: len(data) // 2]):
        assert docx_to_text(broken).startswith("[not a readable .docx")


def test_setup_git_replaces_the_binary_attribute_and_is_idempotent(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitattributes").write_text("*.docx binary\n*.dtd -text\n")
    done = setup_git(tmp_path)
    assert any("diff.docx.textconv" in line for line in done)
    assert (tmp_path / ".gitattributes").read_text() == f"{ATTRIBUTE}\n*.dtd -text\n"
    assert git(tmp_path, "config", "--local", "diff.docx.textconv").strip() == f"{sys.executable} -m builder.commands.textconv"
    assert git(tmp_path, "config", "--local", "diff.docx.cachetextconv").strip() == "true"
    assert git(tmp_path, "check-attr", "diff", "--", "a.docx").strip() == "a.docx: diff: docx"
    setup_git(tmp_path)
    assert (tmp_path / ".gitattributes").read_text() == f"{ATTRIBUTE}\n*.dtd -text\n"


def test_git_diff_of_a_rebuilt_leaf_shows_the_changed_criterion(tmp_path):
    root = copy_project(tmp_path)
    build(root, ["examplinib"], ["fda"])
    git(root, "init", "-q")
    (root / ".gitattributes").write_text("*.docx binary\n")
    setup_git(root)
    spec = leaf(root, "3.2.P.5.1").relative_to(root).as_posix()
    git(root, "add", ".gitattributes", spec)
    git(root, "commit", "-q", "-m", "built")
    yaml = root / "content/examplinib/core/drug-product.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert text.count(f"release: {ASSAY}") == 1
    yaml.write_text(text.replace(f"release: {ASSAY}", "release: 96.0 % to 104.0 % of label claim"), encoding="utf-8")
    build(root, ["examplinib"], ["fda"])
    diff = git(root, "diff", "--", spec).splitlines()
    assert not any(line.startswith("Binary files") for line in diff), diff
    assert any(re.fullmatch(rf"-\| r\d+c3 \| {re.escape(ASSAY)}", line) for line in diff), diff
    assert any(re.fullmatch(r"\+\| r\d+c3 \| 96\.0 % to 104\.0 % of label claim", line) for line in diff), diff
