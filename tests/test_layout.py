"""Pages a reviewer accepts: short tables kept whole, captions with their tables, space after tables,
and a page header that stays one line (the XML properties Word and LibreOffice paginate by)."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder.ooxml import layout
from builder.ooxml.header import HeaderRoom, header_room, text_ems
from builder.ooxml.package import read_package
from builder.ooxml.steps import page_text_width
from builder.pipeline import build

from conftest import REPO, edit, prepared_diagnostics

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AAV = "examparvovec"


def _body(xml_inner: str):
    return etree.fromstring(f'<w:document xmlns:w="{W}"><w:body>{xml_inner}</w:body></w:document>')


def _table(rows: int, header: int = 1) -> str:
    head = '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr><w:tc><w:p><w:pPr><w:pStyle w:val="TableHeading"/></w:pPr></w:p></w:tc></w:tr>'
    body = '<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p></w:tc></w:tr>'
    return "<w:tbl>" + head * header + body * (rows - header) + "</w:tbl>"


def _kept(root) -> list[bool]:
    return [row.find("w:tc/w:p/w:pPr/w:keepNext", NS) is not None for row in root.iter(f"{{{W}}}tr")]


def test_a_short_table_keeps_every_row_but_the_last_with_the_next():
    root = _body(_table(6))
    layout.keep_short_tables(root, 15)
    assert _kept(root) == [True] * 5 + [False]
    ppr = root.find(".//w:tr/w:tc/w:p/w:pPr", NS)
    assert [etree.QName(c).localname for c in ppr] == ["pStyle", "keepNext"]  # schema order


def test_a_long_table_keeps_its_header_with_the_first_row_and_its_last_row_not_alone():
    root = _body(_table(30))
    layout.keep_short_tables(root, 15)
    kept = _kept(root)
    assert kept[:2] == [True, True] and kept[2] is False
    assert kept[-2:] == [True, False] and sum(kept) == 3


def test_the_row_limit_is_the_profiles(tmp_path):
    root = _body(_table(6))
    layout.keep_short_tables(root, 5)
    assert sum(_kept(root)) == 3  # header + first row, and the one before the last


def test_a_caption_keeps_with_its_table_and_what_follows_a_table_is_spaced():
    root = _body('<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr></w:p>' + _table(3)
                 + _table(3) + '<w:p><w:pPr><w:pStyle w:val="Normal"/><w:spacing w:after="120"/></w:pPr></w:p>'
                 + _table(2) + '<w:sectPr/>')
    layout.keep_captions_with_tables(root)
    layout.space_after_tables(root, 120)
    body = root.find("w:body", NS)
    assert body[0].find("w:pPr/w:keepNext", NS) is not None
    kinds = [etree.QName(c).localname for c in body]
    assert kinds == ["p", "tbl", "p", "tbl", "p", "tbl", "sectPr"]  # two tables never touch
    spacers = [c for c in body if c.tag == f"{{{W}}}p"][1:]
    assert [p.find("w:pPr/w:spacing", NS).get(f"{{{W}}}before") for p in spacers] == ["120", "120"]
    assert spacers[1].find("w:pPr/w:spacing", NS).get(f"{{{W}}}after") == "120"


def test_header_room_is_measured_from_the_templates_tab_stops():
    def room(name, paper):
        parts = read_package((REPO / f"templates/common/{name}.docx").read_bytes())
        return header_room(parts, page_text_width(parts["word/document.xml"], paper))

    portrait, landscape = room("specification", "A4"), room("stability-data", "A4")
    assert (portrait.width, portrait.first_stop, portrait.half_points) == (9525, 4762, 18)
    assert landscape.width > portrait.width
    assert room("stability-data", "letter").width == 15840 - 1247 - 1134  # the stops follow the paper
    parts = read_package((REPO / "templates/common/specification.docx").read_bytes())
    assert header_room(parts, 5000, tabs_follow_page=False).width == 9525  # the template's own stop
    long_name = "Sulfamigene Examparvovec Suspension for Intravenous Infusion"
    assert not portrait.fits(long_name, "3.2.P.8.3 Stability Data")  # past the centre stop
    assert landscape.fits(long_name, "3.2.P.8.3 Stability Data")
    assert text_ems("舒法米") == 3.0 and text_ems("ab") < 1.0


def test_a_short_name_longer_than_the_profile_allows_is_an_error_at_its_line(tmp_path):
    root = _project(tmp_path)
    line = edit(root, f"content/{AAV}/core/product.yaml", "short_name: Sulfamigene Examparvovec",
                "short_name: Sulfamigene Examparvovec Suspension for IV Infusion")
    found = [d for d in prepared_diagnostics(root, AAV) if d.code == "E2216"]
    assert len(found) == 1 and found[0].origin.line == line and "at most 40" in found[0].message


def _project(dest: Path) -> Path:
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, dest / name,
                        ignore=lambda d, names: [n for n in names if n not in (AAV, "platforms")] if Path(d) == REPO / "content" else [])
    return dest


@pytest.fixture(scope="module")
def aav_fda(tmp_path_factory):
    root = _project(tmp_path_factory.mktemp("layout"))
    build(root, [AAV], ["fda"])
    folder = root / "output" / AAV / "fda"
    return folder, json.loads((folder / "manifest.json").read_text())["leaves"]


def _part(folder: Path, leaves, number: str, part: str, kind: str = "") -> bytes:
    leaf = next(lf for lf in leaves if lf["number"] == number and kind in lf["path"])
    return zipfile.ZipFile(folder / leaf["path"]).read(part)


def _header_text(folder, leaves, number, kind=""):
    root = etree.fromstring(_part(folder, leaves, number, "word/header1.xml", kind))
    return [t.text for t in root.iter(f"{{{W}}}t")]


def test_the_header_names_the_short_name_only_where_the_full_name_does_not_fit(aav_fda):
    folder, leaves = aav_fda
    assert _header_text(folder, leaves, "3.2.P.5.1")[0] == "Sulfamigene Examparvovec"  # portrait
    assert _header_text(folder, leaves, "3.2.P.8.3", "stability-data")[0] == \
        "Sulfamigene Examparvovec Suspension for Intravenous Infusion"  # landscape: room enough


def test_built_stability_tables_keep_short_tables_whole_and_captions_with_them(aav_fda):
    folder, leaves = aav_fda
    root = etree.fromstring(_part(folder, leaves, "3.2.P.8.3", "word/document.xml", "stability-data"))
    tables = root.findall("w:body/w:tbl", NS)
    assert tables
    for table in tables:
        rows = table.findall("w:tr", NS)
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        kept = [all(p.find("w:pPr/w:keepNext", NS) is not None for p in r.iterfind("w:tc/w:p", NS)) for r in rows]
        if len(rows) <= 15:
            assert kept == [True] * (len(rows) - 1) + [False]
        caption = table.getprevious()
        assert caption.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") == "Caption"
        assert caption.find("w:pPr/w:keepNext", NS) is not None
        after = table.getnext()
        if after.tag == f"{{{W}}}p":
            assert after.find("w:pPr/w:spacing", NS).get(f"{{{W}}}before") == "120"


def _tab_stops(folder, leaves, number, kind=""):
    root = etree.fromstring(_part(folder, leaves, number, "word/header1.xml", kind))
    return {t.get(f"{{{W}}}val"): int(t.get(f"{{{W}}}pos")) for t in root.iterfind(".//w:tabs/w:tab", NS)
            if t.get(f"{{{W}}}val") != "clear"}


def test_on_us_letter_the_header_stops_move_to_the_margins(aav_fda):
    folder, leaves = aav_fda
    portrait, landscape = 12240 - 1247 - 1134, 15840 - 1247 - 1134  # Letter, less the templates' margins
    assert _tab_stops(folder, leaves, "3.2.P.5.1") == {"center": portrait // 2, "right": portrait}
    assert _tab_stops(folder, leaves, "3.2.P.8.3", "stability-data") == {"center": landscape // 2, "right": landscape}
