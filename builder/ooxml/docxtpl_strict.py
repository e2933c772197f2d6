"""docxtpl, made strict and linear: where it touches XML trees (the strict parse of every rendered
part, the body splice) and its listing pass on parts that need none, overridden here; `compiled.py`
runs these same methods per leaf on a template prepared once.

Kept in the ooxml layer (python-docx's oxml/proxy split): the rest of the pipeline never sees lxml.
"""
from __future__ import annotations

import io
import re

from copy import deepcopy

from docx import Document
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from .package import parse_strict
from .table_grid import fix_table_grids


class MalformedXML(ValueError):
    """A rendered part is not well-formed XML (docxtpl would have 'repaired' it by dropping text)."""


class _Sink:
    """Stands where python-docx's zip writer would: keeps each member's bytes by name."""

    def __init__(self):
        self.parts: dict[str, bytes] = {}

    def write(self, uri, blob: bytes) -> None:
        self.parts[uri.membername] = blob


_PRISTINE: dict[bytes, object] = {}   # template bytes → the python-docx Document opened from them, never rendered


def _fresh_document(template_file):
    """A python-docx Document of the template, as `Document(template_file)` gives it: opened once per
    template bytes and copied per leaf (a deep copy of the part graph costs about a third of reopening
    the zip and re-parsing every part, measured on the shipped templates)."""
    data = template_file.getvalue() if isinstance(template_file, io.BytesIO) else None
    if data is None:
        return Document(template_file)
    if data not in _PRISTINE:
        if len(_PRISTINE) >= 32:
            _PRISTINE.clear()
        _PRISTINE[data] = Document(io.BytesIO(data))
    return deepcopy(_PRISTINE[data])


class StrictTemplate(DocxTemplate):
    def init_docx(self, reload: bool = True):
        """docxtpl's own, with the template's Document copied from the one opened first (see above)."""
        if not self.docx or (self.is_rendered and reload):
            self.docx = _fresh_document(self.template_file)
            self.is_rendered = False

    _parsed = None  # (xml, tree): the last rendered part and its strict parse, for `fix_tables`

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        """docxtpl re-parses its output in lxml's recover mode, which drops what it cannot parse;
        parse every rendered part strictly first, so malformed XML fails instead of losing text."""
        xml = super().render_xml_part(src_xml, part, context, jinja_env)
        tree, problem = parse_strict(xml)
        if problem:
            raise MalformedXML(f"rendered XML is not well-formed ({problem})")
        self._parsed = (xml, tree)
        return xml

    def fix_tables(self, xml):
        """docxtpl's, on the tree the strict parse of this same text made (for well-formed XML, the tree
        its recover-mode parse gives) instead of parsing the body a second time (`table_grid.py`)."""
        parsed, self._parsed = self._parsed, None
        if parsed is None or parsed[0] is not xml:
            return super().fix_tables(xml)
        fix_table_grids(parsed[1])
        return parsed[1]

    def resolve_listing(self, xml):
        """docxtpl's, which turns tabs, line feeds, BEL and form feeds inside text into Word's breaks with
        three nested regex passes over the whole part; a part with none of the four is left as it is
        (the passes rebuild it unchanged), which is every part the views build (they write w:br and
        w:tab themselves): a third of a leaf's rendering."""
        if not any(ch in xml for ch in "\t\n\a\f"):
            return xml
        return super().resolve_listing(xml)

    def parts(self) -> dict[str, bytes]:
        """The parts `save` would zip, without zipping: the build post-processes and zips each leaf once
        (`ooxml.package.write_package`), so deflating here only for the next stage to inflate is waste.
        The same writer functions as python-docx 1.2.0's `OpcPackage.save` (pinned), so the same part
        bytes; docxtpl's media and zip-name replacements (unused by our templates) fall back to `save`."""
        if self.crc_to_new_media or self.crc_to_new_embedded or self.zipname_to_replace:
            from .package import read_package
            out = io.BytesIO()
            self.save(out)
            return read_package(out.getvalue())
        self.pre_processing()
        package, sink = self.docx.part.package, _Sink()
        for part in package.parts:
            part.before_marshal()
        PackageWriter._write_content_types_stream(sink, package.parts)
        PackageWriter._write_pkg_rels(sink, package.rels)
        PackageWriter._write_parts(sink, package.parts)
        self.is_saved = True
        return sink.parts

    def map_tree(self, tree):
        """docxtpl's `root.replace(body, tree)` moves the parsed body between lxml documents, and lxml's
        namespace fix-up misses its cache on every `xml:space` attribute, so the move is O(n²) in text
        runs: 1.9 s of 4.2 s for a 10,000 × 12 table, 7.5 s of 12.4 s at 20,000 rows. Serialise the body
        into the part and parse once instead: linear, and the same bytes (measured by `invoke bench`).
        Relies on python-docx 1.2.0 internals (pinned): the part's element and the cached body proxy."""
        new = parse_xml(splice_body(Frame(self.docx._element), tree))
        self.docx._part._element = self.docx._element = new
        self.docx._Document__body = None  # python-docx caches the body proxy


class Frame:
    """A document part's XML around its body, serialised once (`splice_body` puts a body into it)."""

    def __init__(self, root):
        frame = deepcopy(root)
        frame.replace(frame.body, etree.Comment("docxtpl-body"))
        self.head, self.tail = etree.tostring(frame).split(b"<!--docxtpl-body-->")
        self.nsmap = root.nsmap


def splice_body(frame: Frame, tree) -> bytes:
    """The part's XML with `tree` as its body, namespace declarations its root already makes dropped
    (`tree` is cleared: peak memory stays near one tree)."""
    body = etree.tostring(tree)
    tree.clear()
    end = body.index(b">")
    same = lambda m: b"" if frame.nsmap.get(m[1].decode()) == m[2].decode() else m[0]  # noqa: E731
    return b"".join((frame.head, re.sub(rb'\sxmlns:(\w+)="([^"]*)"', same, body[:end]), memoryview(body)[end:],
                     frame.tail))
