"""PDF renditions (invoke pdf, invoke build --pdf): every leaf of every shipped example and region is
converted in one LibreOffice run per region and verified; a failed leaf is an error naming it."""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from builder.commands.pdf import pdf
from builder.commands.verify import verify
from builder.errors import Diagnostics, DossierError, Origin
from builder.pdf.inspect import PAGE_POINTS, examine
from builder.pdf.renditions import add_all, load_built
from builder.pipeline import region_profile
from builder.project import Project
from builder.publish import RenderedDossier

from conftest import REPO

PAIRS = [(p, r) for p in ("examplinib", "examparvovec") for r in ("fda", "ema", "nmpa")]
CJK = re.compile(r"[\u4e00-\u9fff]")


def manifest(root: Path, product: str, region: str) -> dict:
    return json.loads((root / "output" / product / region / "manifest.json").read_text(encoding="utf-8"))


def profile(region: str):
    return region_profile(Project(REPO), region, Diagnostics())


def fonts(pdf_file: pikepdf.Pdf) -> dict[str, bool]:
    """Every font of every page, with whether its program is embedded (Type 3 draws its own glyphs)."""
    found = {}
    for page in pdf_file.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            descendant = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = descendant.get("/FontDescriptor")
            found[str(font.BaseFont)] = font.get("/Subtype") == "/Type3" or (
                descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    return found


@pytest.mark.parametrize("product,region", PAIRS)
def test_every_leaf_has_a_verified_pdf_beside_it(published, product, region):
    data = manifest(published, product, region)
    rules = profile(region)
    renditions = {r["source"]: r for r in data["renditions"]}
    assert set(renditions) == {leaf["path"] for leaf in data["leaves"]}
    width, height = PAGE_POINTS[rules.page_size]
    for leaf in data["leaves"]:
        rendition = renditions[leaf["path"]]
        assert rendition["path"] == leaf["path"].removesuffix(".docx") + ".pdf"
        raw = (published / "output" / product / region / rendition["path"]).read_bytes()
        assert hashlib.md5(raw).hexdigest() == rendition["md5"] and hashlib.sha256(raw).hexdigest() == rendition["sha256"]
        with pikepdf.open(io.BytesIO(raw)) as doc:
            assert len(doc.pages) == rendition["pages"] > 0
            assert rules.pdf.version_min <= str(doc.pdf_version) <= rules.pdf.version_max
            assert not doc.is_encrypted
            assert all(fonts(doc).values()), (leaf["path"], fonts(doc))
            outline = doc.Root.get("/Outlines")
            assert outline is not None and outline.get("/First") is not None, leaf["path"]   # headings → bookmarks
            names = doc.Root.get("/Names") or {}
            assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
            for page in doc.pages:
                size = sorted(abs(float(v)) for v in (page.mediabox[2] - page.mediabox[0],
                                                       page.mediabox[3] - page.mediabox[1]))
                assert abs(size[0] - width) < 2 and abs(size[1] - height) < 2, leaf["path"]
                for annot in page.get("/Annots") or ():
                    action = annot.get("/A")
                    assert action is None or action.get("/S") not in ("/URI", "/Launch", "/JavaScript")


def test_nmpa_pdfs_embed_the_east_asian_fonts_or_their_substitutes_and_show_chinese(published):
    data = manifest(published, "examparvovec", "nmpa")
    first = published / "output/examparvovec/nmpa" / data["renditions"][0]["path"]
    with pikepdf.open(first) as doc:
        names = [re.sub(r"^[A-Z]{6}\+", "", str(n)[1:]).casefold() for n in fonts(doc)]
    assert any(n.startswith(("simsun", "notoserifcjk")) for n in names), names
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(first), "-"], capture_output=True, text=True, check=True).stdout
        assert CJK.search(text) and data["leaves"][0]["title"] in text


def test_pdfs_are_listed_in_the_manifest_and_checked_by_verify(published):
    assert len(verify(published)) == 6
    data = manifest(published, "examplinib", "ema")
    assert all(r["pdf_version"] and r["bytes"] > 1000 for r in data["renditions"])


def test_the_same_leaf_gives_the_same_pdf_bytes(published, tmp_path):
    """Lifecycle operations compare MD5s: a rendition must not change with the clock."""
    folder = published / "output/examplinib/fda"
    dossier = _two_leaves(folder, tmp_path)
    once, _ = add_all([(dossier, profile("fda"), "x")], Diagnostics())
    again, _ = add_all([(dossier, profile("fda"), "x")], Diagnostics())
    pdfs = sorted(p for p in once[0].files if p.endswith(".pdf"))
    assert pdfs and all(once[0].files[p] == again[0].files[p] for p in pdfs)
    published_bytes = (folder / pdfs[0]).read_bytes()
    assert once[0].files[pdfs[0]] == published_bytes


def _two_leaves(folder: Path, tmp_path: Path, corrupt: bool = False) -> RenderedDossier:
    built = load_built(folder, "output/examplinib/fda")
    leaves = built.manifest["leaves"][:2]
    files = {leaf["path"]: built.files[leaf["path"]] for leaf in leaves}
    if corrupt:
        files[leaves[1]["path"]] = b"PK\x03\x04 this is not a Word document"
    return RenderedDossier(built.product, built.region, files, {**built.manifest, "leaves": leaves, "reports": []})


def test_a_leaf_libreoffice_cannot_convert_is_an_error_naming_it(published, tmp_path):
    dossier = _two_leaves(published / "output/examplinib/fda", tmp_path, corrupt=True)
    bad = dossier.manifest["leaves"][1]
    with pytest.raises(DossierError) as failed:
        add_all([(dossier, profile("fda"), "output/examplinib/fda")], Diagnostics())
    assert failed.value.category == 4
    assert [d.code for d in failed.value.diagnostics] == ["E4103"]
    assert str(failed.value.diagnostics[0].origin) == "output/examplinib/fda/" + bad["path"].replace(".docx", ".pdf")
    assert bad["number"] in failed.value.diagnostics[0].message


def test_invoke_pdf_writes_nothing_when_one_leaf_fails(published, tmp_path):
    """A corrupt leaf (its manifest agreeing, as if the build wrote it) stops the whole region."""
    root = tmp_path / "project"
    shutil.copytree(published / "templates", root / "templates")
    (root / "content").mkdir()
    folder = root / "output/examplinib/fda"
    data = manifest(published, "examplinib", "fda")
    keep = data["leaves"][:2]
    for leaf in keep:
        (folder / leaf["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(published / "output/examplinib/fda" / leaf["path"], folder / leaf["path"])
    broken = b"PK\x03\x04 damaged"
    (folder / keep[1]["path"]).write_bytes(broken)
    keep[1] = {**keep[1], "sha256": hashlib.sha256(broken).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps({**data, "leaves": keep, "reports": [], "renditions": []}))
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(DossierError) as failed:
        pdf(root, ["examplinib"], ["fda"])
    assert [d.code for d in failed.value.diagnostics] == ["E4103"]
    assert keep[1]["path"].replace(".docx", ".pdf") in str(failed.value.diagnostics[0].origin)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not list((root / "output").rglob(".staging-*"))


def test_a_hand_edited_leaf_is_not_converted(published, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(published / "templates", root / "templates")
    shutil.copytree(published / "output/examplinib/ema", root / "output/examplinib/ema")
    leaf = manifest(published, "examplinib", "ema")["leaves"][3]["path"]
    (root / "output/examplinib/ema" / leaf).write_bytes(b"edited in Word")
    with pytest.raises(DossierError) as failed:
        pdf(root, ["examplinib"], ["ema"])
    assert [(d.code, str(d.origin)) for d in failed.value.diagnostics] == [("E4113", f"output/examplinib/ema/{leaf}")]


def test_pdf_of_a_region_not_built_and_without_libreoffice_are_environment_errors(tmp_path, monkeypatch, published):
    shutil.copytree(published / "templates", tmp_path / "templates")
    with pytest.raises(DossierError) as failed:
        pdf(tmp_path, ["examplinib"], ["fda"])
    assert failed.value.category == 4 and failed.value.diagnostics[0].code == "E4100"
    monkeypatch.setenv("CMC_SOFFICE", str(tmp_path / "no-soffice"))
    dossier = _two_leaves(published / "output/examplinib/fda", tmp_path)
    with pytest.raises(DossierError) as failed:
        add_all([(dossier, profile("fda"), "x")], Diagnostics())
    assert failed.value.diagnostics[0].code == "E4101"


# What the checks refuse, on PDFs made here (no LibreOffice needed)


def _pdf(pages: int = 1, size=(612, 792), version: str = "1.6", outline: bool = False, **extra) -> bytes:
    doc = pikepdf.new()
    for _ in range(pages):
        doc.add_blank_page(page_size=size)
    if outline:
        with doc.open_outline() as tree:
            tree.root.append(pikepdf.OutlineItem("Heading", 0))
    if "uri" in extra:
        doc.pages[0].Annots = doc.make_indirect(pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(extra["uri"])))]))
    if extra.get("javascript"):
        doc.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    if extra.get("attachment"):
        doc.attachments["data.txt"] = pikepdf.AttachedFileSpec(doc, b"secret")
    out = io.BytesIO()
    secured = {"encryption": pikepdf.Encryption(owner="o", user="", R=4, allow=pikepdf.Permissions(extract=False))} \
        if extra.get("encrypted") else {}
    doc.save(out, min_version=version, force_version=version, **secured)
    return out.getvalue()


def _codes(raw: bytes, region: str = "fda") -> list[str]:
    rendition, problems = examine(raw, profile(region), Origin("x.pdf"), "3.2.S.1.1")
    assert (rendition is None) == any(p.severity == "error" for p in problems)
    return [p.code for p in problems]


def test_a_clean_pdf_passes_and_is_normalised():
    rendition, problems = examine(_pdf(), profile("fda"), Origin("x.pdf"), "3.2.S.1.1")
    assert problems == [] and rendition.pages == 1 and rendition.version == "1.6"
    assert rendition.data == examine(_pdf(), profile("fda"), Origin("x.pdf"), "3.2.S.1.1")[0].data


@pytest.mark.parametrize("raw,region,code", [
    (None, "fda", "E4103"),
    (b"%PDF-1.4 truncated", "fda", "E4103"),
    (_pdf(version="1.3"), "fda", "E4105"),
    (_pdf(encrypted=True), "fda", "E4106"),
    (_pdf(pages=6), "fda", "E4108"),               # FDA: bookmarks above 5 pages
    (_pdf(pages=6, size=(595.28, 841.89)), "nmpa", "E4108"),
    (_pdf(javascript=True), "fda", "E4109"),
    (_pdf(uri="https://example.com"), "fda", "E4109"),
    (_pdf(attachment=True), "fda", "E4109"),
    (_pdf(size=(595.28, 841.89)), "fda", "E4110"),  # A4 is not US Letter
    (_pdf(), "nmpa", "E4110"),
], ids=["no-pdf", "unreadable", "version-1.3", "encrypted", "fda-no-bookmarks", "nmpa-no-bookmarks", "javascript",
        "external-link", "attachment", "a4-for-fda", "letter-for-nmpa"])
def test_what_the_checks_refuse(raw, region, code):
    assert code in _codes(raw, region)


def test_bookmarks_are_not_required_at_or_below_the_threshold_or_where_the_region_sets_none():
    assert _codes(_pdf(pages=5)) == []
    assert _codes(_pdf(pages=6, outline=True)) == []
    assert _codes(_pdf(pages=6, size=(595.28, 841.89)), "ema") == []   # EMA: not established, not checked


def test_a_font_that_is_not_embedded_is_an_error():
    doc = pikepdf.new()
    doc.add_blank_page(page_size=(612, 792))
    doc.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Helvetica"))))
    out = io.BytesIO()
    doc.save(out, min_version="1.4")
    assert _codes(out.getvalue()) == ["E4107"]
