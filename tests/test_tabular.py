"""Tabular results (builder/tabular/): sheets read as the text cells show, with cell origins and
positioned errors for every bad-sheet class."""
from __future__ import annotations

import openpyxl
import pytest

from builder.errors import DossierError, Origin
from builder.source import parse_bytes, SourceFile
from builder.tabular import splice_sheets
from builder.tabular.workbook import write_workbook

ROWS = [["Test", "0 months", "3 months"], ["assay", "100.4", "99.8"], ["deg-total", "0.50", "< 0.10"],
        ["description", "Conforms", "Conforms"]]
MAPPING = """results:
  sheet: {name}
  test_column: Test
  timepoints: [0 months, 3 months]
  numeric: [assay, deg-total]
"""


def _splice(tmp_path, name):
    text = MAPPING.format(name=name).encode()
    source = SourceFile("content/p/core/x.yaml", "0", len(text), parse_bytes(text, "content/p/core/x.yaml"))
    spliced, inputs = splice_sheets(source, tmp_path, "content/p/core")
    return spliced.root.data["results"], inputs


def _error(tmp_path, name) -> str:
    with pytest.raises(DossierError) as info:
        _splice(tmp_path, name)
    return str(info.value.diagnostics[0])


def test_xlsx_cells_keep_their_shown_text_and_cell_origin(tmp_path):
    write_workbook(tmp_path / "s.xlsx", {"Long term": ROWS})
    results, inputs = _splice(tmp_path, "s.xlsx")
    assert [v.data for v in results.data["deg-total"].data] == ["0.50", "< 0.10"]
    assert results.data["assay"].data[0].data == "100.4"
    assert str(results.data["deg-total"].data[0].origin) == "content/p/core/s.xlsx:Long term!B3"
    assert list(inputs) == ["content/p/core/s.xlsx"] and len(inputs["content/p/core/s.xlsx"][0]) == 64


def test_csv_cells_have_row_column_origins(tmp_path):
    (tmp_path / "s.csv").write_text("\n".join(",".join(r) for r in ROWS), encoding="utf-8")
    results, _ = _splice(tmp_path, "s.csv")
    assert results.data["deg-total"].data[0].data == "0.50"
    assert str(results.data["assay"].data[1].origin) == "content/p/core/s.csv:2:3"


def test_serial_date_and_general_number(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Test", "0 months", "3 months"])
    sheet.append(["description", 0.5, 45658])
    sheet["C2"].number_format = "yyyy-mm-dd"
    book.save(tmp_path / "d.xlsx")
    results, _ = _splice(tmp_path, "d.xlsx")
    assert [v.data for v in results.data["description"].data] == ["0.5", "2025-01-01"]


def _workbook(tmp_path, change) -> None:
    write_workbook(tmp_path / "bad.xlsx", {"S": ROWS})
    book = openpyxl.load_workbook(tmp_path / "bad.xlsx")
    change(book["S"])
    book.save(tmp_path / "bad.xlsx")


@pytest.mark.parametrize("change, expected", [
    (lambda s: s.merge_cells("B2:C2"), "bad.xlsx:S!B2: error E2954: merged cells B2:C2 in the data area"),
    (lambda s: s.__setitem__("C2", "=B2*1"), "bad.xlsx:S!C2: error E2956: formula =B2*1 has no cached value"),
    (lambda s: setattr(s.row_dimensions[3], "hidden", True), "bad.xlsx:S!A3: error E2955: row 3 is hidden"),
    (lambda s: s.__setitem__("C2", "n.d."), "bad.xlsx:S!C2: error E2960: assay: 'n.d.' in the numeric results"),
    (lambda s: s.__setitem__("C1", "3 mo"), "bad.xlsx:S!A1: error E2959: mapped column '3 months' is not in"),
])
def test_bad_sheets_have_positioned_errors(tmp_path, change, expected):
    _workbook(tmp_path, change)
    assert expected in _error(tmp_path, "bad.xlsx")


def test_corrupt_file_and_wrong_kind(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert "broken.xlsx:1:1: error E2952: not a readable .xlsx workbook" in _error(tmp_path, "broken.xlsx")
    (tmp_path / "s.ods").write_bytes(b"x")
    assert "s.ods:1:1: error E2951: cannot read a '.ods' file as a sheet" in _error(tmp_path, "s.ods")


def test_csv_text_in_numeric_column(tmp_path):
    (tmp_path / "s.csv").write_text("Test,0 months,3 months\nassay,100.4,high\n", encoding="utf-8")
    assert "s.csv:2:3: error E2960: assay: 'high' in the numeric results" in _error(tmp_path, "s.csv")


def test_origin_prints_cell():
    assert str(Origin("a.xlsx", 7, 2, "Sheet!B7")) == "a.xlsx:Sheet!B7"
    assert str(Origin("a.yaml", 7, 2)) == "a.yaml:7:2"


def _example_copy(tmp_path):
    import shutil
    from conftest import REPO, only_example

    root = tmp_path / "repo"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example if name == "content" else None)
    return root


def test_example_sheet_cells_show_in_explain_and_findings(tmp_path):
    from builder.commands.explain import explain
    from conftest import edit, prepared_diagnostics

    root = _example_copy(tmp_path)
    shown = explain(root, "examplinib", "fda", "drug_products[examplinib-fct].stability.studies[lt-f050p2409-bottle].results.assay")
    assert shown[:2] == ["drug_products[examplinib-fct].stability.studies[lt-f050p2409-bottle].results.assay[0] = '100.4'",
                         "    content/examplinib/core/stability-f050p2409.xlsx:Bottle 25C-60RH!B3"]
    edit(root, "content/examplinib/core/drug-product.yaml", "numeric: [assay,", "numeric: [description, assay,")
    found = [str(d) for d in prepared_diagnostics(root, "examplinib")]
    assert any("stability-f050p2409.xlsx:Bottle 25C-60RH!B2: error E2960: description: 'Conforms'" in f
               for f in found), found


def test_import_writes_the_sheet_values_as_yaml_and_keeps_the_rest(tmp_path):
    from builder.commands.import_sheet import import_sheet
    from builder.tabular import load_with_sheets
    from builder.project import Project
    from builder.source import load_file

    root = _example_copy(tmp_path)
    yaml_path = root / "content/examplinib/core/drug-product.yaml"
    before = yaml_path.read_text(encoding="utf-8")
    sheet_values = load_with_sheets(Project(root), yaml_path).root
    dry = import_sheet(root, "examplinib", "stability-f050p2409.xlsx")
    assert dry == ["content/examplinib/core/drug-product.yaml: lt-f050p2409-bottle: 7 tests from "
                   "stability-f050p2409.xlsx"]
    assert yaml_path.read_text(encoding="utf-8") == before  # dry run by default
    import_sheet(root, "examplinib", "stability-f050p2409.xlsx", write=True)
    after = yaml_path.read_text(encoding="utf-8")
    assert "deg-impurity-c: [0.10, 0.10, 0.11, 0.12, 0.12, 0.14, 0.15]" in after
    assert "sheet: stability-f050p2409.xlsx" not in after and "# Results of this study come from" in after
    import difflib
    diff = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:1] in "+-"]
    assert len([d for d in diff if d[0] == "+"]) == 7  # the seven result rows, nothing else
    assert all(": [" in d or d[2:].strip().startswith(("sheet:", "tab:", "test_column:", "timepoints:", "numeric:"))
               for d in diff)
    typed = load_file(yaml_path, "content/examplinib/core/drug-product.yaml").root

    def texts(root_value):
        studies = root_value.data["drug_products"].data[0].data["stability"].data["studies"].data
        return {k: [c.data for c in v.data] for k, v in studies[0].data["results"].data.items()}
    assert texts(typed) == texts(sheet_values)


def test_trace_shows_the_cell_a_stability_value_came_from(tmp_path):
    from builder.commands.trace import trace

    rows = trace(_example_copy(tmp_path), "examplinib", "fda", "3.2.P.8.3")
    cells = {str(r.origin) for r in rows if r.value == "0.15" and "lt-f050p2409-bottle" in r.field}
    assert "content/examplinib/core/stability-f050p2409.xlsx:Bottle 25C-60RH!H4" in cells, cells


def test_a_changed_cell_rebuilds_only_the_leaf_that_reads_it(tmp_path):
    import hashlib
    import json
    import shutil

    from builder.pipeline import build
    from conftest import REPO

    root = _example_copy(tmp_path)
    shutil.copytree(REPO / "schemas", root / "schemas")
    first, second = [], []
    build(root, ["examplinib"], ["fda"], reuse=first)
    sheet = root / "content/examplinib/core/stability-f050p2409.xlsx"
    book = openpyxl.load_workbook(sheet)
    book.active["H4"] = 0.16
    book.active["H4"].number_format = "0.00"
    book.save(sheet)
    build(root, ["examplinib"], ["fda"], reuse=second)
    (_, _, leaves, reused), = second
    assert reused == leaves - 1
    manifest = json.loads((root / "output/examplinib/fda/manifest.json").read_text(encoding="utf-8"))
    listed = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    assert listed["content/examplinib/core/stability-f050p2409.xlsx"] == hashlib.sha256(sheet.read_bytes()).hexdigest()


def test_building_after_import_gives_the_same_documents_as_building_from_the_sheet(tmp_path):
    """The round trip the issue asks for: sheet → build, and sheet → import → YAML → build, byte for byte
    (the documents; findings.json and the manifest name the sheet's cells or the YAML's lines)."""
    import hashlib
    import shutil

    from builder.commands.import_sheet import import_sheet
    from builder.pipeline import build

    def documents(root):
        build(root, ["examplinib"], ["fda"], jobs=1)
        out = root / "output/examplinib/fda"
        return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.docx")}

    root = _example_copy(tmp_path)
    from_sheet = documents(root)
    import_sheet(root, "examplinib", "stability-f050p2409.xlsx", write=True)
    shutil.rmtree(root / "output")  # a cold build: nothing reused from the sheet's build
    assert "sheet: stability-f050p2409.xlsx" not in (root / "content/examplinib/core/drug-product.yaml").read_text()
    assert documents(root) == from_sheet and len(from_sheet) > 50


def test_review_names_the_cell_a_changed_sheet_value_came_from(tmp_path, monkeypatch):
    """git cannot blame inside a workbook: the summary names the cell and the workbook's last change."""
    from builder.commands.review import review
    from test_review import make_repo

    root = make_repo(tmp_path / "repo")
    sheet = root / "content/examplinib/core/stability-f050p2409.xlsx"
    book = openpyxl.load_workbook(sheet)
    book.active["H4"] = 0.16
    book.active["H4"].number_format = "0.00"
    book.save(sheet)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    review(root, "HEAD", None, regions=["fda"])
    summary = (root / "output/review/summary.md").read_text(encoding="utf-8")
    line = next(s for s in summary.splitlines() if "0.16" in s)
    assert "stability-f050p2409.xlsx:Bottle 25C-60RH!H4, uncommitted" in line, line
