"""The region comparison names every value that differs, with each region's file:line, and the
documents only some regions get; it is written as Markdown and as one landscape Word table."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from builder.commands.compare import FieldDifference, RegionComparison, RegionValue, compare_regions, merged_order
from builder.commands.compare_docs import comparison_markdown, write_comparison
from builder.commands.explain import lines
from builder.pipeline import prepare
from builder.project import Project

from conftest import REPO, only_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DISSOLUTION = "drug_products[examplinib-fct].specification.tests[dissolution].procedure"


def line_of(root: Path, relative: str, text: str) -> str:
    """`file:line` of the only line of `relative` that contains `text`."""
    rows = [n for n, row in enumerate((root / relative).read_text(encoding="utf-8").splitlines(), 1) if text in row]
    assert len(rows) == 1, (relative, text, rows)
    return f"{relative}:{rows[0]}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("compare")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    return root


@pytest.fixture(scope="module")
def comparison(project) -> RegionComparison:
    return compare_regions(project, "examplinib")


@pytest.fixture(scope="module")
def written(project, comparison) -> list[Path]:
    return write_comparison(comparison, project / "output/examplinib")


def fields(comparison) -> dict[str, FieldDifference]:
    return {f.path: f for f in comparison.fields}


def test_regions_are_in_product_order(comparison):
    assert comparison.regions == ("fda", "ema", "nmpa")


def test_the_dissolution_procedure_differs_with_each_regions_file_and_line(project, comparison):
    values = fields(comparison)[DISSOLUTION].values
    assert values["fda"] == RegionValue("USP <711> / AP-P-002", line_of(project, "content/examplinib/fda.yaml",
                                        "procedure: USP <711> / AP-P-002"), True)
    assert values["ema"] == RegionValue("Ph. Eur. 2.9.3 / AP-P-002", line_of(
        project, "content/examplinib/core/drug-product.yaml", "procedure: Ph. Eur. 2.9.3 / AP-P-002"), False)
    assert values["nmpa"].value.startswith("ChP 0931") and values["nmpa"].overlay
    assert values["nmpa"].origin == line_of(project, "content/examplinib/nmpa.yaml", f"procedure: {values['nmpa'].value}")


def test_exactly_the_values_not_shared_by_every_region_are_listed(project, comparison):
    trees = [dict((path, v.data) for path, v in lines(d.tree)) for d in prepare(Project(project), ["examplinib"])]
    shared = {path for path, value in trees[0].items() if all(t.get(path) == value for t in trees[1:])}
    assert "product.name" in shared and len(shared) > 100
    assert set(fields(comparison)) == set().union(*trees) - shared
    for diff in comparison.fields:
        assert len({v.value if v else None for v in diff.values.values()}) > 1, diff.path


def test_regional_items_are_documents_of_one_region_only(project, comparison):
    regional = {(d.region, leaf.path) for d in prepare(Project(project), ["examplinib"])
                for leaf in d.leaves if leaf.number == "3.2.R"}
    listed = {(s.regions[0], s.path) for s in comparison.sections if len(s.regions) == 1}
    assert regional and regional <= listed
    assert {s.number for s in comparison.sections} == {"3.2.R"}


def test_nmpa_30_65_studies_exist_in_nmpa_only(comparison):
    conditions = [f for f in comparison.fields if ".stability.studies[" in f.path and f.path.endswith(".condition")
                  and f.values["nmpa"] is not None and "30 °C" in f.values["nmpa"].value]
    assert len(conditions) >= 1
    for f in conditions:
        assert f.values["fda"] is None and f.values["ema"] is None, f.path
        assert f.values["nmpa"].overlay and f.values["nmpa"].origin.startswith("content/examplinib/nmpa.yaml:")


def test_merged_order_keeps_each_regions_order():
    assert merged_order([["a", "b", "d"], ["a", "b", "c", "d"], ["x", "a"]]) == ["x", "a", "b", "c", "d"]


def test_markdown_escapes_pipes_and_shortens_long_values(tmp_path):
    long = "word " * 60
    comparison = RegionComparison(tmp_path, "p", "P", "2026-01-01", ("fda", "nmpa"), None, (
        FieldDifference("a.b", {"fda": RegionValue("x | y <b>", "content/p/fda.yaml:3", True), "nmpa": None}),
        FieldDifference("a.c", {"fda": RegionValue(long, "content/p/core/a.yaml:9", False),
                                "nmpa": RegionValue("z", "content/p/nmpa.yaml:4", True)})), ())
    text = comparison_markdown(comparison)
    assert "| Field | FDA | NMPA |" in text
    assert "| a.b | x \\| y &lt;b><br><sub>content/p/fda.yaml:3, overlay</sub> | — |" in text
    row = next(line for line in text.splitlines() if line.startswith("| a.c |"))
    cell = row.split(" | ")[1]
    assert cell.startswith("word word") and "…<br>" in cell and len(cell.split("<br>")[0]) <= 120
    assert "shortened" in text


def test_markdown_file_lists_the_differences(written):
    md = next(p for p in written if p.suffix == ".md")
    assert md.name == "region-comparison.md" and md.parent.name == "examplinib"
    text = md.read_text(encoding="utf-8")
    assert "| Field | FDA | EMA | NMPA |" in text
    row = next(line for line in text.splitlines() if line.startswith(f"| {DISSOLUTION} |"))
    assert "USP <711> / AP-P-002<br><sub>content/examplinib/fda.yaml:" in row
    assert not list(md.parent.glob(".*.tmp"))


def test_word_file_is_one_landscape_table_headed_by_the_regions(written, comparison):
    path = next(p for p in written if p.suffix == ".docx")
    document = docx.Document(path)
    assert len(document.tables) == 1
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Field", "FDA", "EMA", "NMPA"]
    assert len(table.rows) == len(comparison.fields) + 1
    section = document.sections[0]
    assert section.orientation == 1 and section.page_width > section.page_height
    row = next(r for r in table.rows if r.cells[0].text == DISSOLUTION)
    assert row.cells[1].text.startswith("USP <711> / AP-P-002")
    properties = document.core_properties  # dated from the content, never the clock
    assert properties.title == f"Region comparison: {comparison.product_name}"
    assert properties.created.date().isoformat() == comparison.as_of
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")  # NMPA's Chinese values
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"


def test_writing_twice_gives_the_same_bytes(project, comparison, written, tmp_path):
    again = write_comparison(comparison, tmp_path)
    for first, second in zip(written, again):
        assert first.read_bytes() == second.read_bytes(), first.name
