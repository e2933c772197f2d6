"""NMPA biologics 3.2.R: documents under the six fixed node extensions, titled by their own content,
with the structure in the manifest; chemical products and FDA/EMA keep leaves under 3.2.R."""
from __future__ import annotations

import json
import shutil

import pytest

from aav_project import NMPA, REGIONAL, built, codes, diagnostics, edit, make, paragraphs
from conftest import REPO, only_example

TITLES = ["3.2.R.1工艺验证", "3.2.R.2批记录", "3.2.R.3分析方法验证报告", "3.2.R.4稳定性图谱", "3.2.R.5可比性方案",
          "3.2.R.6其他"]


@pytest.fixture(scope="module")
def nmpa(tmp_path_factory):
    return built(make(tmp_path_factory.mktemp("aav")), "nmpa")


@pytest.fixture
def project(tmp_path):
    return make(tmp_path)


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_the_manifest_places_each_leaf_under_its_node_extension(nmpa):
    data = manifest(nmpa)
    regional = [leaf for leaf in data["leaves"] if leaf["number"] == "3.2.R"]
    assert [(leaf["title"], leaf["node_extension"]["title"]) for leaf in regional] == [
        ("原液工艺验证报告", TITLES[0]), ("制剂工艺验证报告", TITLES[0]), ("注册批批生产记录", TITLES[1]),
        ("非药典方法验证报告", TITLES[2]), ("稳定性试验代表性图谱", TITLES[3]), ("生产规模变更可比性方案", TITLES[4]),
        ("其他资料", TITLES[5])]
    assert [e["title"] for e in data["node_extensions"]] == TITLES
    assert data["node_extensions"][0]["id"] == "process-validation"
    assert data["node_extensions"][0]["leaves"] == [f"{REGIONAL}/regional-information-pv-ds.docx",
                                                   f"{REGIONAL}/regional-information-pv-dp.docx"]
    assert all("node_extension" not in leaf for leaf in data["leaves"] if leaf["number"] != "3.2.R")


def test_each_document_is_headed_by_its_extension_and_titled_by_its_content(nmpa):
    text = paragraphs(nmpa / f"{REGIONAL}/regional-information-pv-dp.docx")
    assert text[:3] == ["3.2.R.1工艺验证", "制剂工艺验证报告", "制剂连续三批工艺验证。"]
    assert paragraphs(nmpa / f"{REGIONAL}/regional-information-other.docx")[:2] == ["3.2.R.6其他", "其他资料"]


def test_a_missing_extension_is_an_error_at_the_regional_list_unless_justified(project):
    text = (project / NMPA).read_text(encoding="utf-8")
    (project / NMPA).write_text(text.replace("  - id: other\n    title: 其他资料\n    narrative: 无。\n", ""), encoding="utf-8")
    found = [f for f in codes(project, "nmpa") if f.code == "F4801"]
    assert [(f.severity, f.origin.path, f.origin.line, f.field) for f in found] == [
        ("error", NMPA, 2, "regional[other]")]
    assert "3.2.R.6其他" in found[0].message and "biological" in found[0].message
    (project / NMPA).write_text((project / NMPA).read_text(encoding="utf-8") + """justifications:
  - id: no-other
    code: F4801
    path: regional[other]
    reason: 本申请无其他区域性资料。
""", encoding="utf-8")
    assert [f.severity for f in codes(project, "nmpa") if f.code == "F4801"] == ["justified"]


def test_a_document_under_an_extension_needs_its_own_title(project):
    line = edit(project, NMPA, "    title: 其他资料\n", "")
    error = [d for d in diagnostics(project, "nmpa") if d.code == "E2407"]
    assert error and error[0].origin.line == line - 1 and "3.2.R.6其他" in error[0].message


@pytest.mark.parametrize("title", ["3.2.R.6其他", "其他", "3.2.R.6 Other information", "3.2.R 区域性信息"])
def test_writers_cannot_retitle_an_extension(project, title):
    line = edit(project, NMPA, "    title: 其他资料\n", f"    title: {title}\n")
    error = [d for d in diagnostics(project, "nmpa") if d.code == "E2408"]
    assert [(e.origin.path, e.origin.line, e.field) for e in error] == [(NMPA, line, "regional[other].title")]


def test_an_unknown_extension_is_an_error_at_its_line(project):
    line = edit(project, NMPA, "    extension: process-validation\n    title: 制剂工艺验证报告",
                "    extension: process-validation-dp\n    title: 制剂工艺验证报告")
    error = [d for d in diagnostics(project, "nmpa") if d.code == "E2502"]
    assert error and error[0].origin.line == line and "process-validation-dp" in error[0].message


def test_fda_keeps_leaves_for_a_biological_product(project):
    (project / "content/aavmini/fda.yaml").write_text("""regional:
  - id: executed-batch-records
    narrative: Executed batch records are provided.
""", encoding="utf-8")
    data = manifest(built(project, "fda"))
    regional = [leaf for leaf in data["leaves"] if leaf["number"] == "3.2.R"]
    assert [leaf["title"] for leaf in regional] == ["Regional Information"]
    assert "node_extension" not in regional[0] and "node_extensions" not in data
    assert not [f for f in codes(project, "fda") if f.code == "F4801"]


def test_a_chemical_product_keeps_leaves_under_3_2_r_in_nmpa(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    from builder.pipeline import build

    build(tmp_path, ["examplinib"], ["nmpa"])
    data = manifest(tmp_path / "output/examplinib/nmpa")
    regional = [leaf for leaf in data["leaves"] if leaf["number"] == "3.2.R"]
    assert len(regional) == 2 and all("node_extension" not in leaf for leaf in regional)
    assert "node_extensions" not in data
    text = paragraphs(tmp_path / "output/examplinib/nmpa" / regional[0]["path"])
    assert text[1] == "3.2.R.1工艺验证"   # as before: the item's region title is its subject line
