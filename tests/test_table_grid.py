"""`ooxml/table_grid.fix_table_grids` on the strict parse is docxtpl's own `fix_tables`, byte for byte:
on the rendered body of every leaf of the example, and on tables made to need each of its changes
(columns added, columns removed, spans, nested tables, cells it does not count), and on seeded
random ones."""
from __future__ import annotations

import random
import shutil

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from builder.ooxml.package import parse_strict
from builder.ooxml.table_grid import fix_table_grids

from conftest import REPO, only_example

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docxtpl(xml: str) -> bytes:
    return etree.tostring(DocxTemplate.fix_tables(None, xml))  # it uses nothing of the instance


def _ours(xml: str) -> bytes:
    tree, problem = parse_strict(xml)
    assert problem is None
    fix_table_grids(tree)
    return etree.tostring(tree)


def _cell(span: int | None = None, properties: str = "") -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span else ""
    return f"<w:tc><w:tcPr>{grid}{properties}</w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"


def _table(widths, rows, inner: str = "") -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' if w is not None else "<w:gridCol/>" for w in widths)
    body = "".join(f"<w:tr>{''.join(row)}</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>{inner}"


def _document(*tables: str) -> str:
    return f'<w:document xmlns:w="{W}"><w:body>{"".join(tables)}<w:sectPr/></w:body></w:document>'


CASES = {
    "as it is": _document(_table([3000, 3000], [[_cell(), _cell()], [_cell(2)]])),
    "a row wider than the grid": _document(_table([2000, 4000], [[_cell(), _cell(), _cell()], [_cell()]])),
    "no widths to keep": _document(_table([None, None], [[_cell(), _cell(), _cell()]])),
    "columns a loop removed": _document(_table([1000, 2000, 3000, 4000], [[_cell(), _cell()], [_cell(2)]])),
    "spans count": _document(_table([1000, 1000, 1000, 1000], [[_cell(3), _cell()], [_cell(), _cell()]])),
    "only the first tcPr and gridSpan": _document(_table(
        [1000] * 6, [["<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:gridSpan w:val=\"5\"/></w:tcPr></w:tc>"
                      "<w:tc><w:tcPr/><w:tcPr><w:gridSpan w:val=\"4\"/></w:tcPr></w:tc>"]])),
    "a cell inside a content control": _document(_table(
        [1000] * 3, [[_cell(), f"<w:sdt><w:sdtContent>{_cell(9)}</w:sdtContent></w:sdt>"]])),
    "nested tables": _document(_table([1500, 1500, 1500], [[
        f"<w:tc><w:tcPr/>{_table([700, 700], [[_cell(), _cell(), _cell(), _cell()]])}<w:p/></w:tc>", _cell()]])),
    "no rows": _document(_table([1000, 2000], [])),
    "two tables": _document(_table([1000, 2000], [[_cell()]]), _table([500], [[_cell(), _cell()]])),
}


@pytest.mark.parametrize("name", CASES)
def test_each_change_docxtpl_makes_is_made_the_same(name):
    assert _ours(CASES[name]) == _docxtpl(CASES[name])


def test_the_cases_make_docxtpl_change_something():
    changed = [name for name, xml in CASES.items()
               if _docxtpl(xml) != etree.tostring(etree.fromstring(xml.encode()))]
    assert len(changed) >= 6, changed  # the fixtures reach its add, remove and span paths


def test_seeded_random_tables_come_out_the_same():
    rng = random.Random(13)
    for _ in range(400):
        tables = []
        for _ in range(rng.randint(1, 3)):
            widths = [rng.choice([0, 700, 1234, 2500]) if rng.random() > 0.03 else None for _ in range(rng.randint(1, 6))]
            rows = [[_cell(rng.choice([None, None, 1, 2, 3])) for _ in range(rng.randint(0, 7))]
                    for _ in range(rng.randint(0, 4))]
            inner = _table([900] * rng.randint(1, 3), [[_cell() for _ in range(rng.randint(1, 4))]]) \
                if rng.random() < 0.2 else ""
            if inner:
                rows.append([f"<w:tc><w:tcPr/>{inner}<w:p/></w:tc>"])
            tables.append(_table(widths, rows))
        xml = _document(*tables)
        assert _outcome(_ours, xml) == _outcome(_docxtpl, xml), xml


def _outcome(fix, xml: str):
    """The bytes, or the kind of error (a grid column without a width cannot be scaled: docxtpl fails)."""
    try:
        return fix(xml)
    except (TypeError, ValueError) as exc:
        return type(exc)


def test_every_rendered_body_of_the_example_comes_out_the_same(tmp_path, monkeypatch):
    from builder.ooxml import docxtpl_strict
    from builder.pipeline import build

    bodies, real = [], docxtpl_strict.StrictTemplate.fix_tables

    def keep(self, xml):
        bodies.append(xml)
        return real(self, xml)

    monkeypatch.setattr(docxtpl_strict.StrictTemplate, "fix_tables", keep)
    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    build(root, regions=["fda", "nmpa"], jobs=1)
    assert len(bodies) > 100 and sum("<w:tbl>" in xml for xml in bodies) > 30
    for xml in bodies:
        assert _ours(xml) == _docxtpl(xml)
