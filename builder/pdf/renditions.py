"""Add verified PDF renditions to built regions: one LibreOffice process per (product, region).

Each leaf's PDF is written beside it (`…/stability-data.docx` → `…/stability-data.pdf`) and listed
in the manifest under `renditions`, with the leaf it renders, its SHA-256 and MD5, pages and PDF
version, so `invoke verify` checks them like the leaves. A region is published only when every one
of its leaves converted and passed every check; a failure names each leaf and writes nothing.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Category, Diagnostic, Diagnostics, DossierError, Origin, environment_error
from ..publish import RenderedDossier, sha256
from .convert import convert
from .inspect import examine


@dataclass(frozen=True)
class Timing:
    """How long one region's renditions took: the LibreOffice batch and the checks, in seconds."""

    product: str
    region: str
    leaves: int
    convert_s: float
    verify_s: float

    @property
    def per_leaf_s(self) -> float:
        return (self.convert_s + self.verify_s) / self.leaves if self.leaves else 0.0


def pdf_path(leaf_path: str) -> str:
    return leaf_path.removesuffix(".docx") + ".pdf"


def add_all(items: list[tuple[RenderedDossier, object, str]], diags: Diagnostics) -> tuple[list, list[Timing]]:
    """Renditions for every (dossier, profile, shown-as) in turn; every failed leaf of every region is
    reported together, and nothing is returned for publishing unless all passed."""
    rendered, timings, problems = [], [], []
    for dossier, profile, shown_as in items:
        try:
            with_pdf, timing = add_renditions(dossier, profile, diags, shown_as)
        except DossierError as exc:
            if exc.category != Category.ENVIRONMENT or exc.diagnostics[0].code in ("E4101", "E4102"):
                raise   # no LibreOffice, or a stuck one: the other regions would fail the same way
            problems += exc.diagnostics
            continue
        rendered.append(with_pdf)
        timings.append(timing)
    if problems:
        raise DossierError(Category.ENVIRONMENT, problems)
    return rendered, timings


def add_renditions(dossier: RenderedDossier, profile, diags: Diagnostics, shown_as: str) -> tuple[RenderedDossier, Timing]:
    """The dossier with a verified PDF beside every leaf; errors (naming each leaf) raise, exit 4."""
    leaves = dossier.manifest["leaves"]
    documents = {leaf["path"]: dossier.files[leaf["path"]] for leaf in leaves}
    started = time.perf_counter()
    raw = convert(documents)
    converted = time.perf_counter()
    files = {path: data for path, data in dossier.files.items() if not path.endswith(".pdf")}
    records, problems, substituted = [], [], {}
    for leaf in leaves:
        target = pdf_path(leaf["path"])
        rendition, found = examine(raw.get(leaf["path"]), profile, Origin(f"{shown_as}/{target}"), leaf["number"])
        problems += found
        if rendition is None:
            continue
        files[target] = rendition.data
        for font, substitute in rendition.substituted.items():
            substituted.setdefault((font, substitute), []).append(target)
        records.append({"path": target, "source": leaf["path"], "sha256": sha256(rendition.data),
                        "md5": hashlib.md5(rendition.data).hexdigest(), "bytes": len(rendition.data),
                        "pages": rendition.pages, "pdf_version": rendition.version})
    timing = Timing(dossier.product, dossier.region, len(leaves), converted - started, time.perf_counter() - converted)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DossierError(Category.ENVIRONMENT, errors)
    diags.items.extend(p for p in problems if p.severity != "error")
    for (font, substitute), paths in sorted(substituted.items()):
        diags.warning("W4111", f"{len(paths)} of {len(leaves)} PDFs embed {substitute} in place of {font}, which is "
                      f"not installed; the region asks for {font} (⚠): install it before submitting",
                      Origin(shown_as), "pdf.font_substitutes")
    manifest = {**dossier.manifest, "renditions": records}
    return replace(dossier, files=files, manifest=manifest), timing


def load_built(folder: Path, shown_as: str) -> RenderedDossier:
    """A published region folder read back: its leaves and reports, each checked against the manifest.

    Only what the build wrote is converted: a leaf changed since (edited in Word) is refused, so a
    PDF never silently renders something other than the content."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise environment_error("E4100", "not built: run invoke build for this product and region first", shown_as)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = [(item["path"], item["sha256"]) for item in manifest["leaves"] + manifest.get("reports", [])]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise environment_error("E4100", f"manifest is unreadable ({type(exc).__name__}): run invoke build again",
                                f"{shown_as}/manifest.json") from None
    files, changed = {}, []
    for path, expected in entries:
        try:
            data = (folder / path).read_bytes()
        except OSError:
            data = None
        if data is None or sha256(data) != expected:
            changed.append(Diagnostic("E4113", "this leaf is missing or differs from what the build wrote; rebuild "
                                      "(or carry the hand edit into the content) before making PDFs",
                                      Origin(f"{shown_as}/{path}")))
            continue
        files[path] = data
    if changed:
        raise DossierError(Category.ENVIRONMENT, changed)
    return RenderedDossier(manifest["product"], manifest["region"], files, manifest)
