"""Verify one PDF rendition against the region's rules, and make its bytes reproducible.

LibreOffice can exit 0 having written nothing, half a file or a PDF the authority refuses, so every
rendition is opened with pikepdf and checked: pages, version range, page size, every font embedded,
bookmarks above the region's page threshold, no encryption, JavaScript, external links or
attachments. The clock-dependent parts (creation date, document ID, LibreOffice's DocChecksum) are
removed and the ID derived from the content, so the same .docx gives the same PDF bytes and a
sequence's MD5 changes only when the document does (lifecycle operations depend on it).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pikepdf

from ..errors import Diagnostic, Origin

PAGE_POINTS = {"A4": (595.28, 841.89), "letter": (612.0, 792.0)}   # ISO 216 and US Letter, in PDF points
TOLERANCE = 2.0                                                     # points
EXTERNAL_ACTIONS = ("/URI", "/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm")
SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class Rendition:
    """A verified, normalised PDF and what the manifest records about it."""

    data: bytes
    pages: int
    version: str
    fonts: tuple[str, ...]
    substituted: dict = field(default_factory=dict)   # font the profile names → substitute found instead


def examine(raw: bytes | None, profile, where: Origin, number: str) -> tuple[Rendition | None, list[Diagnostic]]:
    """The rendition, or None and the errors that name this leaf; warnings may come with a rendition."""
    def problem(code: str, text: str, severity: str = "error") -> Diagnostic:
        return Diagnostic(code, f"{number}: {text}", where, "", severity)

    if not raw:
        return None, [problem("E4103", "LibreOffice wrote no PDF for this leaf (the .docx could not be opened or "
                              "converted); nothing was written")]
    try:
        pdf = pikepdf.open(io.BytesIO(raw))
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError) as exc:
        return None, [problem("E4103", f"LibreOffice wrote an unreadable PDF ({type(exc).__name__}); nothing was "
                              "written")]
    with pdf:
        problems = _problems(pdf, profile, problem)
        fonts = _fonts(pdf)
        problems += [problem("E4107", f"font {name} is not embedded") for name, embedded in sorted(fonts.items())
                     if not embedded]
        substituted, missing = _east_asian(profile, fonts)
        problems += [problem("W4112", f"{font} (the region's East Asian font) is not embedded, nor its accepted "
                             "substitute", "warning") for font in missing]
        if any(p.severity == "error" for p in problems):
            return None, problems
        version, pages = str(pdf.pdf_version), len(pdf.pages)
        data = _normalised(pdf)
    return Rendition(data, pages, version, tuple(sorted(fonts)), substituted), problems


def _problems(pdf: pikepdf.Pdf, profile, problem) -> list[Diagnostic]:
    rules, found = profile.pdf, []
    pages = len(pdf.pages)
    if pages == 0:
        return [problem("E4104", "the PDF has no pages")]
    if not _version_key(rules.version_min) <= _version_key(pdf.pdf_version) <= _version_key(rules.version_max):
        found.append(problem("E4105", f"PDF version {pdf.pdf_version} is outside the accepted "
                             f"{rules.version_min}–{rules.version_max}"))
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        found.append(problem("E4106", "the PDF is encrypted or has security settings"))
    threshold = rules.bookmarks_above_pages
    if threshold is not None and pages > int(threshold) and not _has_outline(pdf):
        found.append(problem("E4108", f"{pages} pages and no bookmarks (required above {threshold} pages)"))
    found += [problem("E4109", text) for text in _active_content(pdf)]
    width, height = PAGE_POINTS[profile.page_size]
    for index, page in enumerate(pdf.pages, 1):
        box = [float(v) for v in page.mediabox]
        size = sorted((abs(box[2] - box[0]), abs(box[3] - box[1])))
        if abs(size[0] - width) > TOLERANCE or abs(size[1] - height) > TOLERANCE:
            found.append(problem("E4110", f"page {index} is {size[0]:.0f} × {size[1]:.0f} pt, not "
                                 f"{profile.page_size} ({width:.0f} × {height:.0f} pt)"))
            break
    return found


def _version_key(text) -> tuple[int, ...]:
    return tuple(int(part) for part in str(text).split("."))


def _has_outline(pdf: pikepdf.Pdf) -> bool:
    outlines = pdf.Root.get("/Outlines")
    return outlines is not None and outlines.get("/First") is not None


def _active_content(pdf: pikepdf.Pdf) -> list[str]:
    """JavaScript, external links and attachments, each said once."""
    found = set()
    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        found.add("the PDF holds JavaScript")
    if names is not None and "/EmbeddedFiles" in names:
        found.add("the PDF holds attachments (embedded files)")
    for holder in (pdf.Root, *pdf.pages):
        if "/AA" in holder:
            found.add("the PDF holds automatic actions (JavaScript)")
    found |= _action(pdf.Root.get("/OpenAction"))
    for page in pdf.pages:
        for annot in page.get("/Annots") or ():
            if annot.get("/Subtype") == "/FileAttachment":
                found.add("the PDF holds attachments (file annotations)")
            found |= _action(annot.get("/A"))
            if "/AA" in annot:
                found.add("the PDF holds automatic actions (JavaScript)")
    return sorted(found)


def _action(action) -> set[str]:
    if not isinstance(action, pikepdf.Dictionary):
        return set()
    kind = action.get("/S")
    if kind == "/JavaScript":
        return {"the PDF holds JavaScript"}
    if kind in EXTERNAL_ACTIONS:
        target = action.get("/URI", "")
        return {f"the PDF links outside itself ({str(kind)[1:]} {str(target)})".replace(" )", ")")}
    return set()


def _fonts(pdf: pikepdf.Pdf) -> dict[str, bool]:
    """Every font the pages (and the forms they draw) use: name without subset tag → embedded."""
    found: dict[str, bool] = {}
    seen: set = set()
    for page in pdf.pages:
        _walk_resources(page.get("/Resources"), found, seen)
    return found


def _walk_resources(resources, found: dict, seen: set) -> None:
    if not isinstance(resources, pikepdf.Dictionary) or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    for font in (resources.get("/Font") or {}).values():
        name = SUBSET.sub("", str(font.get("/BaseFont", "/unnamed"))[1:])
        found[name] = found.get(name, True) and _embedded(font)
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            _walk_resources(xobject.get("/Resources"), found, seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True   # glyphs drawn by the PDF itself
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _east_asian(profile, fonts: dict[str, bool]) -> tuple[dict, list[str]]:
    """Which of the region's East Asian fonts came as their substitute, and which came not at all."""
    if profile.east_asia is None:
        return {}, []
    substituted, missing = {}, []
    embedded = [_squash(name) for name, ok in fonts.items() if ok]
    for font in dict.fromkeys((profile.east_asia.body_font, profile.east_asia.heading_font)):
        if any(name.startswith(_squash(font)) for name in embedded):
            continue
        substitute = profile.pdf.font_substitutes.get(font)
        if substitute and any(name.startswith(_squash(substitute)) for name in embedded):
            substituted[font] = substitute
        else:
            missing.append(font)
    return substituted, missing


def _squash(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).casefold()


def _normalised(pdf: pikepdf.Pdf) -> bytes:
    """The same document gives the same bytes: no clock in the file, the ID derived from its content."""
    for key in ("/CreationDate", "/ModDate"):
        if key in pdf.docinfo:
            del pdf.docinfo[key]
    for key in ("/DocChecksum", "/ID"):
        if key in pdf.trailer:
            del pdf.trailer[key]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()
