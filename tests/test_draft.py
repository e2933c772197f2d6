"""The combined review draft: every leaf in Module 3 order, real headings, a TOC field, each leaf's own
section and header, listed in the manifest; and (small) its PDF with bookmarks and page numbers."""
from __future__ import annotations

import json
import shutil
import zipfile

import docx
import pytest
from lxml import etree

from builder.commands.draft import draft, to_pdf
from builder.commands.verify import verify
from builder.ooxml.combine import Front, combine
from builder.pipeline import build

from conftest import REPO, only_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    root = tmp_path_factory.mktemp("draft")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    build(root, ["examplinib"], ["fda", "nmpa"])
    made = draft(root, ["examplinib"], ["fda", "nmpa"], pdf=False)
    return root, {m.region: m for m in made}


def _leaves(root, region):
    return json.loads((root / "output/examplinib" / region / "manifest.json").read_text())["leaves"]


def test_the_draft_holds_every_leaf_heading_in_module3_order(drafted):
    root, made = drafted
    fda = made["fda"]
    assert fda.docx == root / "output/examplinib/fda/examplinib-fda-module3-draft.docx" and fda.pdf is None
    document = docx.Document(fda.docx)
    headings = [p.text for p in document.paragraphs if p.style.name == "heading 1" or p.style.style_id == "Heading1"]
    leaves = _leaves(root, "fda")
    assert len(headings) == len(leaves) == fda.leaves
    assert [h.split(" ")[0] for h in headings] == [leaf["number"] for leaf in leaves]
    numbers = [leaf["number"] for leaf in leaves]
    assert numbers.index("3.2.S.1.1") < numbers.index("3.2.P.1") < numbers.index("3.2.P.8.3") < numbers.index("3.3")


def test_the_draft_has_a_toc_field_sections_and_headers_of_each_leaf(drafted):
    root, made = drafted
    parts = zipfile.ZipFile(made["fda"].docx)
    body = etree.fromstring(parts.read("word/document.xml"))
    instructions = "".join(t.text for t in body.iter(f"{W}instrText"))
    assert 'TOC \\o "1-2" \\h' in instructions and instructions.count("PAGEREF _Toc_L") == made["fda"].leaves
    starts = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert {f"_Toc_L{n}" for n in range(1, made["fda"].leaves + 1)} <= starts
    ids = [b.get(f"{W}id") for b in body.iter(f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids))  # unique across the leaves
    anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink")}
    assert anchors <= starts  # every cross-reference still lands
    sections = list(body.iter(f"{W}sectPr"))
    assert len(sections) == made["fda"].leaves + 1  # a front section, then one per leaf
    landscape = [s for s in sections if s.find(f"{W}pgSz").get(f"{W}orient") == "landscape"]
    assert landscape  # stability and batch tables keep their orientation
    headers = [n for n in parts.namelist() if n.startswith("word/header")]
    assert len(headers) == made["fda"].leaves
    assert b"3.2.P.8.3" in parts.read(f"word/header{[l['number'] for l in _leaves(root, 'fda')].index('3.2.P.8.3') + 1}.xml")
    assert b"updateFields" in parts.read("word/settings.xml")
    entries = [p.text.split("\t")[0] for p in docx.Document(made["fda"].docx).paragraphs if p.style.style_id == "TOC1"]
    assert len(entries) == made["fda"].leaves == len(set(entries))  # 3.2.S.4.2 once per procedure, by its subject
    assert any(e.startswith("3.2.S.4.2 Analytical Procedures — AP-S-001") for e in entries)


def test_the_nmpa_draft_front_page_is_chinese_and_verify_accepts_the_draft(drafted):
    root, made = drafted
    document = docx.Document(made["nmpa"].docx)
    front = [p.text for p in document.paragraphs[:4]]
    assert "模块3审阅稿" in front[0] and front[2] == "目录" and "eCTD" in front[1]
    manifest = json.loads((root / "output/examplinib/nmpa/manifest.json").read_text())
    assert manifest["drafts"] == [{"path": "examplinib-nmpa-module3-draft.docx"}]
    assert len(verify(root, ["examplinib"], ["nmpa"])) == 1


def test_the_draft_pdf_has_bookmarks_and_page_numbers(tmp_path, soffice):
    pikepdf = pytest.importorskip("pikepdf")
    leaves = [_small_leaf(tmp_path, text) for text in ("3.2.S.1.1 Nomenclature", "3.2.S.1.2 Structure")]
    path = tmp_path / "draft.docx"
    path.write_bytes(combine(leaves, Front("Title", "Note", "Contents")))
    pdf = to_pdf(path)
    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        assert [item.title for item in outline.root] == ["3.2.S.1.1 Nomenclature", "3.2.S.1.2 Structure"]
    entries = [p.text for p in docx.Document(path).paragraphs if p.style.style_id == "TOC1"]
    assert entries == ["3.2.S.1.1 Nomenclature\t2", "3.2.S.1.2 Structure\t3"]


def _small_leaf(tmp_path, heading: str) -> bytes:
    """A leaf as the build makes it, from the narrative template, holding only a heading and a line."""
    from builder.ooxml.package import read_package, write_package

    parts = read_package((REPO / "templates/common/narrative.docx").read_bytes())
    body = (f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{heading}</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>Text.</w:t></w:r></w:p>')
    xml = parts["word/document.xml"].decode()
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    parts["word/document.xml"] = (xml[:start] + body + xml[end:]).encode()
    return write_package(parts)
