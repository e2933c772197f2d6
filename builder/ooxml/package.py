"""Read and write OOXML zip packages deterministically.

python-docx stamps every zip entry with the current time, so two identical renders differ in bytes.
Every package we write goes through `write_package`, which fixes entry times, order and attributes,
so the same parts always give the same bytes (pitfalls.md §4.3).
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

CONTENT_TYPES = "[Content_Types].xml"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def read_package(data: bytes) -> dict[str, bytes]:
    """Return the parts of a zip package by name, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _ordered_names(names) -> list[str]:
    rest = sorted(n for n in names if n != CONTENT_TYPES)
    return ([CONTENT_TYPES] if CONTENT_TYPES in names else []) + rest


def write_package(parts: dict[str, bytes]) -> bytes:
    """Return zip bytes for `parts`: content types first, then sorted, all dated 1980-01-01."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in _ordered_names(parts):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def parse_strict(xml: str):
    """(the tree, None) when `xml` parses strictly (no entities, no network); else (None, the complaint)."""
    try:
        return etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)), None
    except etree.XMLSyntaxError as exc:
        return None, str(exc)
