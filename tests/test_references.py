"""Cross-references: section citations, table hyperlinks to bookmarks (forward too), test names; dangling ones fail."""
import shutil

import docx
import pytest

from builder.errors import Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project

from conftest import REPO, only_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P81 = "output/examplinib/{}/m3/32-body-data/32p-drug-prod/examplinib-fct/32p8-stab/stability-summary.docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("refs")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    build(root, ["examplinib"], ["fda", "nmpa"])
    return root


def test_a_table_reference_is_a_hyperlink_to_the_bookmarked_caption_even_before_the_table(built):
    document = docx.Document(built / P81.format("fda"))
    body = document.element.body
    link = next(body.iter(f"{W}hyperlink"))
    anchor = link.get(f"{W}anchor")
    bookmark = next(b for b in body.iter(f"{W}bookmarkStart") if b.get(f"{W}name") == anchor)
    caption = bookmark.getparent()
    assert "".join(t.text for t in link.iter(f"{W}t")) == "Table 1"
    assert "".join(t.text for t in caption.iter(f"{W}t")).startswith("Table 1: ")
    paragraphs = list(body.iter(f"{W}p"))
    assert paragraphs.index(link.getparent()) < paragraphs.index(caption)  # a forward reference
    assert link.find(f"{W}r/{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink"


def test_section_and_test_references_become_consistent_citations_in_the_region_language(built):
    english = "\n".join(p.text for p in docx.Document(built / P81.format("fda")).paragraphs)
    assert "results are given in 3.2.P.8.3 Stability Data" in english
    assert "Assay (HPLC) (3.2.P.5.1)" in english
    chinese = "\n".join(p.text for p in docx.Document(built / P81.format("nmpa")).paragraphs)
    assert "见3.2.P.8.3 稳定性数据" in chinese and "见表 1" in chinese
    assert "[[" not in english + chinese


@pytest.mark.parametrize("reference", ["[[table:no-such-table]]", "[[3.2.P.9]]", "[[test:no-such-test]]"])
def test_a_dangling_reference_is_an_error_at_the_narrative(tmp_path, reference):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    path = tmp_path / "content/examplinib/fda.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[[table:stability-studies]]", reference, 1), encoding="utf-8")
    diags = Diagnostics()
    with pytest.raises(DossierError):
        prepare(Project(tmp_path), ["examplinib"], ["fda"], diags=diags)
    error = next(d for d in diags.items if d.code == "E2701")
    assert reference in error.message and "3.2.P.8.1" in error.message
    assert error.origin.path == "content/examplinib/fda.yaml"


def test_compendial_chapters_are_cited_per_region_and_unknown_ones_are_errors(built, tmp_path):
    cells = {r: [row.cells[1].text for row in docx.Document(
        built / f"output/examplinib/{r}/m3/32-body-data/32p-drug-prod/examplinib-fct/32p5-contr-drug-prod/32p51-spec/"
                "specifications.docx").tables[0].rows] for r in ("fda", "nmpa")}
    assert "USP <61>" in cells["fda"] and "ChP 1105" in cells["nmpa"]
    assert not any("[[" in c for c in cells["fda"] + cells["nmpa"])
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    path = tmp_path / "content/examplinib/core/drug-product.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[[chapter:uniformity]]", "[[chapter:uniformty]]"),
                    encoding="utf-8")
    diags = Diagnostics()
    with pytest.raises(DossierError):
        prepare(Project(tmp_path), ["examplinib"], ["ema"], diags=diags)
    error = next(d for d in diags.items if d.code == "E2702")
    assert "uniformty" in error.message and error.field.endswith("tests[uniformity].procedure")
