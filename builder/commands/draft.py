"""`invoke draft`: one review document per (product, region), every leaf in Module 3 order, with a table
of contents and PDF bookmarks, for reading and commenting end to end.

The draft is built from the leaves exactly as `invoke build` renders them (`ooxml/combine.py` joins
their bodies), so it never says anything a leaf does not. It is not a leaf and not part of the eCTD
set: it is written as `output/<product>/<region>/<product>-<region>-module3-draft.docx` (and `.pdf`
when LibreOffice is installed) and listed under `drafts` in the region's manifest, which `invoke verify`
accepts without a checksum (a draft is meant to be commented on). The next build replaces the folder.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import environment_error
from ..localisation import localised
from ..ooxml.atomic import atomic_write
from ..ooxml.combine import Front, combine, set_toc_pages
from ..pipeline import leaf_bytes, prepare
from ..project import Project
from ..publish import build_lock, canonical_json, check_output

PDF_TIMEOUT = 600  # seconds for one draft; LibreOffice lays out every page of the region


@dataclass(frozen=True)
class Draft:
    product: str
    region: str
    docx: Path
    pdf: Path | None
    leaves: int


def draft(root: Path, products=None, regions=None, pdf: bool = True) -> list[Draft]:
    """Render each selected pair's leaves, join them into one .docx (and a PDF), and write them."""
    project = Project(root)
    dossiers = prepare(project, products, regions)
    made = []
    with build_lock(project.output):
        for dossier in dossiers:
            templates: dict = {}
            leaves = [leaf_bytes(project, dossier, leaf, templates) for leaf in dossier.leaves]
            data = combine(leaves, _front(dossier))
            folder = project.output / dossier.product / dossier.region
            check_output(project.output, folder)
            folder.mkdir(parents=True, exist_ok=True)
            target = atomic_write(folder / f"{dossier.product}-{dossier.region}-module3-draft.docx", data)
            rendition = to_pdf(target) if pdf and shutil.which("soffice") else None
            _list_in_manifest(folder, [p for p in (target, rendition) if p is not None])
            made.append(Draft(dossier.product, dossier.region, target, rendition, len(leaves)))
    return made


def _front(dossier) -> Front:
    labels = dossier.profile.labels
    product = dossier.content.product
    name = localised(product.names, dossier.profile.language, product.name)
    return Front(f"{name} — {labels['draft_title']} — {dossier.profile.name}",
                 labels["draft_note"].format(as_of=product.as_of), labels["draft_contents"])


def to_pdf(docx: Path) -> Path:
    """The draft's PDF by LibreOffice, its headings as bookmarks, its contents with page numbers.

    LibreOffice does not update a TOC field on `--convert-to` (it would need a UNO script), so the
    pages come from a first conversion's bookmarks: written into the entries, then converted again.
    soffice exits 0 when a file fails to load: success is a PDF that opens with its bookmarks."""
    with tempfile.TemporaryDirectory(prefix="draft-pdf-") as scratch:
        work = Path(scratch)
        first = _convert(docx, work)
        pages = heading_pages(first, docx)
        if pages:
            atomic_write(docx, set_toc_pages(docx.read_bytes(), pages))
            first = _convert(docx, work)
        return atomic_write(docx.with_suffix(".pdf"), first.read_bytes())


def _convert(docx: Path, work: Path) -> Path:
    command = ["soffice", f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(work), str(docx)]
    made = work / f"{docx.stem}.pdf"
    made.unlink(missing_ok=True)
    try:
        subprocess.run(command, check=False, capture_output=True, timeout=PDF_TIMEOUT,
                       env={**os.environ, "HOME": str(work)})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise environment_error("E4060", f"LibreOffice did not make the PDF: {exc}", docx) from None
    if not made.is_file() or made.read_bytes()[:4] != b"%PDF":
        raise environment_error("E4060", "LibreOffice did not make the PDF (soffice reported success)", docx)
    return made


def heading_pages(pdf: Path, docx: Path) -> list[int]:
    """The page (1-based) of each top-level bookmark, i.e. each leaf's heading, in order."""
    try:
        import pikepdf
    except ImportError:  # the entries keep their dashes; Word fills them in on opening
        return []
    try:
        with pikepdf.open(pdf) as document, document.open_outline() as outline:
            index = {page.objgen: n for n, page in enumerate(document.pages, 1)}
            return [index.get(_target(item), 0) for item in outline.root]
    except pikepdf.PdfError as exc:
        raise environment_error("E4060", f"the PDF LibreOffice made does not open: {exc}", docx) from None


def _target(item):
    """The page object an outline item points at (LibreOffice writes explicit `[page /XYZ …]` destinations)."""
    destination = item.destination
    if destination is None and item.action is not None:
        destination = item.action.get("/D")
    try:
        return destination[0].objgen
    except (TypeError, IndexError, AttributeError, KeyError):
        return None


def _list_in_manifest(folder: Path, paths: list[Path]) -> None:
    """Name the draft in the manifest (`drafts`), so `invoke verify` knows it; a missing manifest stays so."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest.get("drafts", [])}
    manifest["drafts"] = [*manifest.get("drafts", []),
                          *({"path": p.name} for p in paths if p.name not in listed)]
    atomic_write(manifest_path, canonical_json(manifest))
