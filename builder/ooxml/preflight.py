"""Preflight a .docx template before python-docx or docxtpl opens it (pitfalls.md §3, §6 #39–44).

A template is a zip of XML parts that a writer may have saved from Word or received by email.
python-docx and docxtpl open zip bombs until memory runs out, drop entity references silently, and
copy VBA projects, external links and unknown parts into every document they write. So the
package is checked here with zipfile and a non-resolving lxml parser only, and refused (exit 3,
naming the part) unless it is a plain Word document: allow-lists for content and relationship types,
no DTDs, no active content, nothing external, no review marks and no protection.
"""
from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
import zlib
from urllib.parse import unquote

from lxml import etree

from .namespaces import CT_NS, REL_NS, W_NS, W_STRICT_NS, clark
from ..errors import template_error

MAX_ENTRIES = 1_000
MAX_TOTAL = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
CONTENT_TYPES = "[Content_Types].xml"
_CT_NS = clark(CT_NS)
_REL_NS = clark(REL_NS)
_W = (W_NS, W_STRICT_NS)
_OD, _WML = "application/vnd.openxmlformats-officedocument.", "application/vnd.openxmlformats-officedocument.wordprocessingml."
MAIN = _WML + "document.main+xml"
ALLOWED_TYPES = {
    "application/xml", "application/vnd.openxmlformats-package.relationships+xml",
    "application/vnd.openxmlformats-package.core-properties+xml", _OD + "extended-properties+xml",
    _OD + "custom-properties+xml", _OD + "customXmlProperties+xml", _OD + "theme+xml",
    "application/vnd.ms-word.stylesWithEffects+xml", "image/png", "image/jpeg", "image/gif", "image/bmp",
    "image/tiff", "image/x-emf", "image/x-wmf", "image/svg+xml",
} | {_WML + t + "+xml" for t in ("document.main", "document.glossary", "styles", "settings", "webSettings",
                                  "numbering", "fontTable", "header", "footer", "footnotes", "endnotes")}
_OD_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
ALLOWED_RELS = {_OD_REL + t for t in (
    "officeDocument", "extended-properties", "custom-properties", "styles", "settings", "webSettings",
    "numbering", "fontTable", "header", "footer", "footnotes", "endnotes", "theme", "image", "customXml",
    "customXmlProps", "glossaryDocument")} | {
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
# Why a type is refused, by a word in it: the message tells the template owner what to remove.
_ACTIVE = {"macroenabled": "macro-enabled (VBA) content", "vbaproject": "a VBA macro project", "vbadata": "VBA macro data",
           "keymapcustomizations": "macro key bindings", "activex": "an ActiveX control", "/control": "an ActiveX control",
           "oleobject": "an embedded OLE object", "embeddings": "an embedded file", "/package": "an embedded file",
           "afchunk": "an imported chunk (altChunk)", "subdocument": "a subdocument",
           "attachedtemplate": "an attached template (a known phishing vector)"}
_STORY_TYPES = {_WML + t + "+xml" for t in ("document.main", "document.glossary", "header", "footer", "footnotes", "endnotes")}
_REVIEW = {"ins": "a tracked insertion", "del": "a tracked deletion", "moveFrom": "a tracked move",
           "moveTo": "a tracked move", "moveFromRangeStart": "a tracked move", "moveToRangeStart": "a tracked move",
           "cellIns": "a tracked change", "cellDel": "a tracked change", "cellMerge": "a tracked change",
           "rPrChange": "a tracked formatting change", "pPrChange": "a tracked formatting change",
           "sectPrChange": "a tracked formatting change", "tblPrChange": "a tracked formatting change",
           "trPrChange": "a tracked formatting change", "tcPrChange": "a tracked formatting change",
           "commentRangeStart": "a comment", "commentRangeEnd": "a comment", "commentReference": "a comment",
           "vanish": "hidden text", "specVanish": "hidden text"}
_SETTINGS = {"documentProtection": "document protection", "writeProtection": "write protection",
             "attachedTemplate": "an attached template"}


_PASSED: set[bytes] = set()  # SHA-256 of packages passed in this process (a verdict depends on the bytes alone)


def preflight(data: bytes, display: str) -> None:
    """Raise a TEMPLATE error (exit 3) naming the part unless `data` is a plain, passive Word package.

    A pass is remembered by the bytes' SHA-256: a build looks each template up once per pair and
    stage, and the example's twelve template files are four distinct packages (forty-five checks of
    a millisecond each became four). A refusal is never remembered."""
    key = hashlib.sha256(data).digest()
    if key in _PASSED:
        return
    _check(data, display)
    _PASSED.add(key)


def _check(data: bytes, display: str) -> None:
    parts = _read(data, display)
    for name, body in parts.items():
        if _is_xml(name) and (b"<!DOCTYPE" in body or b"<!ENTITY" in body):
            _fail("E3103", f"part '{name}' declares a DOCTYPE or ENTITY; Word packages never use DTDs", display)
    trees = {name: _parse(name, body, display) for name, body in parts.items() if _is_xml(name)}
    types = _content_types(trees, display)
    _check_review(trees, types, display)
    _check_content_types(parts, types, display)
    _check_relationships(parts, trees, display)


def _fail(code: str, message: str, display: str):
    raise template_error(code, message, display)


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _read(data: bytes, display: str) -> dict[str, bytes]:
    """Check the zip directory (nothing decompressed yet), then read every part, verifying its CRC."""
    where, parts = "", {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_bounds(zf.infolist(), display)
            for info in zf.infolist():
                where = f": part '{info.filename}' cannot be read"
                parts[info.filename] = zf.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        _fail("E3101", f"not a Word .docx (zip) file{where} ({exc})", display)
    return parts


def _check_bounds(infos: list[zipfile.ZipInfo], display: str) -> None:
    """Zip-bomb and path guards on declared sizes: Python's reader never inflates past a declared size."""
    if len(infos) > MAX_ENTRIES:
        _fail("E3102", f"the zip has {len(infos):,} entries; the limit is {MAX_ENTRIES:,}", display)
    seen, total = set(), 0
    for info in infos:
        name, total = info.filename, total + info.file_size
        problem = _name_problem(name, seen) or _size_problem(info, total)
        if problem:
            _fail("E3102", f"part '{name}': {problem}", display)
        seen.add(name.lower())


def _name_problem(name: str, seen: set[str]) -> str:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute entry name"
    if "\\" in name:
        return "backslash in entry name"
    if ".." in name.split("/"):
        return "'..' in entry name"
    return "duplicate entry name" if name.lower() in seen else ""


def _size_problem(info: zipfile.ZipInfo, total: int) -> str:
    if info.flag_bits & 0x1:
        return "encrypted entry"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"compression method {info.compress_type}; Word writes only stored or deflated entries"
    if total > MAX_TOTAL:
        return f"the parts declare {total:,} bytes uncompressed; the limit is {MAX_TOTAL:,} (zip bomb?)"
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"compression ratio {info.file_size // max(info.compress_size, 1):,}:1 exceeds {MAX_RATIO}:1 (zip bomb?)"
    return ""


def _parse(name: str, body: bytes, display: str):
    """Parse strictly and without entities, DTDs or network (a UTF-16 part could hide its DOCTYPE from the scan)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        _fail("E3107", f"part '{name}' is not well-formed XML ({exc})", display)
    if root.getroottree().docinfo.doctype:
        _fail("E3103", f"part '{name}' declares a DOCTYPE or ENTITY; Word packages never use DTDs", display)
    return root


def _content_types(trees: dict, display: str) -> dict[str, str]:
    """Map every part name to its declared content type (overrides win over extension defaults)."""
    root = trees.get(CONTENT_TYPES)
    if root is None:
        _fail("E3104", f"part '{CONTENT_TYPES}' is missing: not a Word package", display)
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(_CT_NS + "Default")}
    overrides = {e.get("PartName", "").lstrip("/").lower(): e.get("ContentType", "") for e in root.iter(_CT_NS + "Override")}
    return {f"ext:{ext}": ct for ext, ct in defaults.items()} | {f"part:{p}": ct for p, ct in overrides.items()}


def _type_of(name: str, types: dict[str, str]) -> str | None:
    extension = posixpath.basename(name).rpartition(".")[2]  # '.rels' has the extension 'rels'
    return types.get(f"part:{name.lower()}") or types.get(f"ext:{extension.lower()}")


def _active(text: str) -> str:
    return next((why for word, why in _ACTIVE.items() if word in text.lower()), "")


def _check_content_types(parts: dict, types: dict[str, str], display: str) -> None:
    """Allow-list declared types, and give every part one: a .docm, VBA or OLE part is refused here."""
    for key, ctype in types.items():
        if ctype not in ALLOWED_TYPES:
            why = _active(ctype) or "not allowed in a template"
            _fail("E3104", f"part '{key.split(':', 1)[1]}' in {CONTENT_TYPES}: content type '{ctype}' is {why}", display)
    for name in parts:
        if name != CONTENT_TYPES and not name.endswith("/"):
            if _active(name):
                _fail("E3104", f"part '{name}' is {_active(name)}", display)
            if _type_of(name, types) is None:
                _fail("E3104", f"part '{name}' has no content type in {CONTENT_TYPES}", display)
    if MAIN not in types.values():
        _fail("E3104", f"part '{CONTENT_TYPES}' declares no main document ({MAIN})", display)


def _check_review(trees: dict, types: dict[str, str], display: str) -> None:
    """Comments, tracked changes, hidden text and protection survive rendering and PDF conversion."""
    for name, root in trees.items():
        ctype = _type_of(name, types) or ""
        if "comments" in ctype.lower() or posixpath.basename(name).lower().startswith("comments"):
            _fail("E3106", f"part '{name}' holds comments; delete all comments in Word and save again", display)
        found = _REVIEW if ctype in _STORY_TYPES else _SETTINGS if ctype == _WML + "settings+xml" else None
        for element in root.iter() if found else ():
            qname = etree.QName(element) if isinstance(element.tag, str) else None
            if qname is not None and qname.namespace in _W and qname.localname in found:
                _fail("E3106", f"part '{name}' has {found[qname.localname]} (w:{qname.localname}); "
                      "accept or reject all changes, remove comments, hidden text and protection, and save", display)


def _check_relationships(parts: dict, trees: dict, display: str) -> None:
    """Nothing external, only passive relationship types, and every internal target present."""
    lower = {name.lower() for name in parts}
    for name, root in trees.items():
        if not name.lower().endswith(".rels"):
            continue
        base = posixpath.dirname(posixpath.dirname(name))
        for rel in root.iter(_REL_NS + "Relationship"):
            rtype, target, rid = rel.get("Type", ""), rel.get("Target", ""), rel.get("Id", "")
            if rel.get("TargetMode", "Internal") != "Internal":
                _fail("E3105", f"part '{name}': relationship {rid} points outside the package ({target})", display)
            if rtype not in ALLOWED_RELS:
                _fail("E3105", f"part '{name}': relationship {rid} of type '{rtype}' is "
                      f"{_active(rtype) or 'not allowed in a template'}", display)
            path = unquote(target.split("#", 1)[0])
            resolved = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(base, path))
            if resolved.lower() not in lower:
                _fail("E3105", f"part '{name}': relationship {rid} points at a missing part '{target}'", display)
