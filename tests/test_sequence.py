"""eCTD v3.2.2 sequences (invoke sequence): the backbone validates against the ICH DTD, its checksums
match the files, and a later sequence gets new, replace and delete from the checksums."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from builder.commands.sequence import sequence
from builder.errors import DossierError
from builder.sequence.backbone import XLINK

from conftest import REPO

DTD = REPO / "templates/common/ectd/ich-ectd-3-2.dtd"
HREF = f"{{{XLINK}}}href"
CJK = re.compile(r"[\u4e00-\u9fff]")
PAIRS = [(p, r) for p in ("examplinib", "examparvovec") for r in ("fda", "ema", "nmpa")]


def valid(index: Path) -> etree._Element:
    """Parse index.xml as a validating reader would, against the shipped ICH DTD; return its root."""
    root = etree.parse(str(index), etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    return root


def check_files(folder: Path, root) -> None:
    """index-md5.txt is the MD5 of index.xml; every href is relative with '/', and its file's MD5 is the checksum."""
    assert (folder / "index-md5.txt").read_text().strip() == hashlib.md5((folder / "index.xml").read_bytes()).hexdigest()
    assert hashlib.md5((folder / "util/dtd/ich-ectd-3-2.dtd").read_bytes()).hexdigest() == \
        "1d6f631cc6b6357f0f4fe378e5f79a27"
    for leaf in root.iter("leaf"):
        href = leaf.get(HREF)
        if href is None:
            continue
        assert not href.startswith("/") and "\\" not in href and ".." not in href
        assert hashlib.md5((folder / href).read_bytes()).hexdigest() == leaf.get("checksum")
        assert leaf.get("checksum-type") == "md5"
    listed = {leaf.get(HREF) for leaf in root.iter("leaf") if leaf.get(HREF)}
    assert {p.relative_to(folder).as_posix() for p in (folder / "m3").rglob("*") if p.is_file()} == listed


@pytest.mark.parametrize("product,region", PAIRS)
def test_a_first_sequence_of_each_example_and_region_validates_against_the_dtd(published, product, region):
    report = sequence(published, product, region, "0000")
    folder = published / "output" / product / "sequences" / region / "0000"
    assert report.folder == folder and report.counts["new"] > 0
    root = valid(folder / "index.xml")
    check_files(folder, root)
    manifest = json.loads((published / "output" / product / region / "manifest.json").read_text(encoding="utf-8"))
    leaves = list(root.iter("leaf"))
    assert len(leaves) == len(manifest["leaves"]) and {leaf.get("operation") for leaf in leaves} == {"new"}
    assert (folder / "index.xml").read_bytes().count(b'xmlns:xlink="http://www.w3c.org/1999/xlink"') == 1
    titles = [leaf.findtext("title") for leaf in leaves]
    assert titles == [leaf["title"] for leaf in manifest["leaves"]]
    if region == "nmpa":
        assert all(CJK.search(t) for t in titles if not t.startswith(("ICH", "USP", "Ph.")))
    substances = root.findall(".//m3-2-s-drug-substance")
    assert substances and all(s.get("substance") and s.get("manufacturer") for s in substances)
    assert "Module 1" in (published / "output" / product / "sequences" / region / "README.txt").read_text()


def test_nmpa_biologics_leaves_sit_under_the_six_node_extensions(published):
    sequence(published, "examparvovec", "nmpa", "0000")
    root = valid(published / "output/examparvovec/sequences/nmpa/0000/index.xml")
    regional = root.find(".//m3-2-r-regional-information")
    assert [e.findtext("title") for e in regional.findall("node-extension")] == [
        "3.2.R.1工艺验证", "3.2.R.2批记录", "3.2.R.3分析方法验证报告", "3.2.R.4稳定性图谱", "3.2.R.5可比性方案", "3.2.R.6其他"]
    assert all(e.findall("leaf") for e in regional.findall("node-extension"))
    assert regional.findall("leaf") == []


# Lifecycle, on a small region folder made here (the backbone does not read the PDFs, only their MD5)

SUBSTANCE = [{"element": "m3-quality"}, {"element": "m3-2-body-of-data"},
             {"element": "m3-2-s-drug-substance", "attributes": {"substance": "x mesylate", "manufacturer": "Acme"}}]
LITERATURE = [{"element": "m3-quality"}, {"element": "m3-3-literature-references"}]
LEAVES = {
    "a": ("3.2.S.1.1", "Nomenclature", "m3/32-body-data/32s-drug-sub/x/32s1-gen-info/nomenclature",
          SUBSTANCE + [{"element": "m3-2-s-1-general-information"}, {"element": "m3-2-s-1-1-nomenclature"}]),
    "b": ("3.2.S.7.3", "Stability Data", "m3/32-body-data/32s-drug-sub/x/32s7-stab/stability-data",
          SUBSTANCE + [{"element": "m3-2-s-7-stability"}, {"element": "m3-2-s-7-3-stability-data"}]),
    "c": ("3.3", "ICH Q1A(R2)", "m3/33-lit-ref/reference-ich-q1a-r2", LITERATURE),
    "d": ("3.3", "ICH Q6A", "m3/33-lit-ref/reference-ich-q6a", LITERATURE),
    "e": ("3.3", "ICH M7(R2)", "m3/33-lit-ref/reference-ich-m7-r2", LITERATURE),
}


def region_folder(root: Path, versions: dict[str, str]) -> None:
    """output/p/fda as a build with PDFs would leave it: leaf → content version ('1', '2' …)."""
    folder = root / "output/p/fda"
    shutil.rmtree(folder, ignore_errors=True)
    leaves, renditions = [], []
    for key, version in versions.items():
        number, title, stem, backbone = LEAVES[key]
        docx, pdf = f"{stem}.docx", f"{stem}.pdf"
        data, rendered = f"docx {key} {version}".encode(), f"%PDF-1.6 {key} {version}".encode()
        for path, body in ((docx, data), (pdf, rendered)):
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(body)
        leaves.append({"number": number, "title": title, "element": backbone[-1]["element"], "path": docx,
                       "sha256": hashlib.sha256(data).hexdigest(), "backbone": backbone})
        renditions.append({"path": pdf, "source": docx, "md5": hashlib.md5(rendered).hexdigest(),
                           "sha256": hashlib.sha256(rendered).hexdigest()})
    (folder / "manifest.json").write_text(json.dumps({"product": "p", "region": "fda", "leaves": leaves,
                                                      "reports": [], "renditions": renditions, "inputs": []}))


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "content").mkdir()
    return tmp_path


def leaves_of(folder: Path) -> dict[str, etree._Element]:
    return {leaf.findtext("title"): leaf for leaf in valid(folder / "index.xml").iter("leaf")}


def test_a_second_sequence_replaces_deletes_and_adds_and_leaves_the_unchanged_out(project):
    region_folder(project, {"a": "1", "b": "1", "c": "1", "d": "1"})
    sequence(project, "p", "fda", "0000")
    first = project / "output/p/sequences/fda/0000"
    ids = {title: leaf.get("ID") for title, leaf in leaves_of(first).items()}
    region_folder(project, {"a": "1", "b": "2", "c": "1", "e": "1"})   # b changed, d gone, e new
    report = sequence(project, "p", "fda", "0001", previous=str(first))
    second = project / "output/p/sequences/fda/0001"
    assert report.counts == {"new": 1, "replace": 1, "delete": 1} and report.unchanged == 2
    leaves = leaves_of(second)
    assert set(leaves) == {"Stability Data", "ICH Q6A", "ICH M7(R2)"}
    replaced, deleted, added = leaves["Stability Data"], leaves["ICH Q6A"], leaves["ICH M7(R2)"]
    assert replaced.get("operation") == "replace"
    assert replaced.get("modified-file") == f"../0000/index.xml#{ids['Stability Data']}"
    assert replaced.get(HREF) == "m3/32-body-data/32s-drug-sub/x/32s7-stab/stability-data.pdf"
    assert deleted.get("operation") == "delete" and deleted.get(HREF) is None
    assert deleted.get("modified-file") == f"../0000/index.xml#{ids['ICH Q6A']}"
    assert deleted.getparent().tag == "m3-3-literature-references"
    assert added.get("operation") == "new" and added.get("modified-file") is None
    assert replaced.getparent().getparent().getparent().get("substance") == "x mesylate"
    check_files(second, valid(second / "index.xml"))
    assert not (second / "m3/32-body-data/32s-drug-sub/x/32s1-gen-info").exists()   # unchanged: not resubmitted

    region_folder(project, {"a": "1", "b": "3", "c": "1", "d": "2", "e": "1"})
    sequence(project, "p", "fda", "0002", previous=str(second))
    third = leaves_of(project / "output/p/sequences/fda/0002")
    assert third["Stability Data"].get("modified-file") == f"../0001/index.xml#{replaced.get('ID')}"
    assert third["ICH Q6A"].get("operation") == "new" and set(third) == {"Stability Data", "ICH Q6A"}


@pytest.mark.parametrize("number,previous,code", [
    ("12", None, "E2320"),
    ("00001", None, "E2320"),
    ("0001", None, "E2322"),          # only 0000 starts an application
    ("0002", "0000", "E2321"),        # a gap
    ("0000", "0000", "E2321"),        # not increasing
    ("0001", "0000", "E2324"),        # nothing changed
])
def test_numbers_are_four_digits_without_gaps_after_the_previous(project, number, previous, code):
    region_folder(project, {"a": "1"})
    sequence(project, "p", "fda", "0000")
    with pytest.raises(DossierError) as failed:
        sequence(project, "p", "fda", number, previous=str(project / "output/p/sequences/fda" / previous)
                 if previous else "")
    assert [d.code for d in failed.value.diagnostics] == [code] and failed.value.category == 2


def test_a_sequence_is_not_rewritten_under_a_later_one_and_previous_must_be_a_sequence(project):
    region_folder(project, {"a": "1"})
    sequence(project, "p", "fda", "0000")
    region_folder(project, {"a": "2"})
    sequence(project, "p", "fda", "0001", previous="output/p/sequences/fda/0000")
    with pytest.raises(DossierError) as failed:
        sequence(project, "p", "fda", "0000")
    assert failed.value.diagnostics[0].code == "E2323"
    with pytest.raises(DossierError) as failed:
        sequence(project, "p", "fda", "0002", previous="output/p/fda")
    assert failed.value.diagnostics[0].code == "E4115"


def test_a_region_without_verified_pdfs_gives_no_sequence(project):
    region_folder(project, {"a": "1", "b": "1"})
    manifest = json.loads((project / "output/p/fda/manifest.json").read_text())
    (project / "output/p/fda/manifest.json").write_text(json.dumps({**manifest, "renditions": []}))
    with pytest.raises(DossierError) as failed:
        sequence(project, "p", "fda", "0000")
    assert failed.value.diagnostics[0].code == "E4114" and failed.value.category == 4
    region_folder(project, {"a": "1", "b": "1"})
    (project / "output/p/fda/m3/32-body-data/32s-drug-sub/x/32s7-stab/stability-data.pdf").write_bytes(b"other")
    with pytest.raises(DossierError) as failed:
        sequence(project, "p", "fda", "0000")
    assert [d.code for d in failed.value.diagnostics] == ["E4114"]
    assert "stability-data.docx" in str(failed.value.diagnostics[0].origin)
    assert not (project / "output/p/sequences/fda/0000").exists()


def test_names_over_the_region_limits_are_refused(project):
    region_folder(project, {"a": "1"})
    edit = project / "templates/fda/region.yaml"
    edit.write_text(edit.read_text(encoding="utf-8").replace("max_path: 150", "max_path: 40"), encoding="utf-8")
    with pytest.raises(DossierError) as failed:
        sequence(project, "p", "fda", "0000")
    assert [d.code for d in failed.value.diagnostics] == ["E4117"]
