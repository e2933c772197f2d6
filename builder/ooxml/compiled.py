"""A template package prepared once per process, rendered per leaf without reopening or copying it.

docxtpl renders a leaf by copying the whole python-docx Document of its template, serialising its
body and headers back to text, cleaning that text for Jinja (`patch_xml`), rendering, parsing the
result into the copy and serialising every part again. Only the body, the headers and footers and the
core properties change from leaf to leaf; the rest is the template's own bytes. Here the cleaned
sources and every unchanging part's bytes are made once per template bytes, and each leaf runs only
docxtpl's per-render steps, with docxtpl's own methods (`StrictTemplate`, so strict parsing and the
linear body splice hold), in docxtpl's order: body (`render_xml_part`, `fix_tables`, `fix_docpr_ids`,
`map_tree`), headers, footers, core properties. The parts come out as `StrictTemplate.parts` gives them,
byte for byte (`tests/test_render.py` compares the two on every shipped template, and the build's
output is compared with the previous commit's on the examples).

Templates this does not cover (footnotes, which docxtpl renders once per section, or no core
properties part, which python-docx would create with the time of day) render the docxtpl way.
Relies on python-docx 1.2.0 and docxtpl 0.20.2 internals, both pinned.
"""
from __future__ import annotations

import io
from copy import deepcopy

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.parser import parse_xml

from .docxtpl_strict import Frame, StrictTemplate, _Sink, splice_body

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# docxtpl's `render_properties`: the core properties it renders as templates, in its order
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


class CompiledTemplate:
    """One template's cleaned Jinja sources and unchanging part bytes (see the module docstring)."""

    def __init__(self, data: bytes):
        self.template = StrictTemplate(io.BytesIO(data))
        document = self.template.docx = Document(io.BytesIO(data))
        self.template.render_init = lambda: None  # its state is set per render below
        self.body = self.template.patch_xml(self.template.get_xml())
        self.frame = Frame(document._element)
        self.sections = [(part, part.partname.membername, *self._source(part))
                         for uri in (StrictTemplate.HEADER_URI, StrictTemplate.FOOTER_URI)
                         for key, part in self.template.get_headers_footers(uri)]
        package = document.part.package
        self.core = package.part_related_by(RT.CORE_PROPERTIES)
        self.initial = tuple(getattr(self.core.core_properties, name) for name in _PROPERTIES)
        # Properties without a Jinja tag or a line end (Jinja drops a trailing one) render as themselves:
        # their part is then the same for every leaf.
        self.core_xml = None if any(ch in text for text in self.initial for ch in "{\r\n") else self._core_xml({}, None)
        sink = _Sink()
        PackageWriter._write_content_types_stream(sink, package.parts)
        PackageWriter._write_pkg_rels(sink, package.rels)
        PackageWriter._write_parts(sink, package.parts)
        self.parts = sink.parts

    def _source(self, part) -> tuple[str, str]:
        xml = self.template.get_part_xml(part)
        return self.template.patch_xml(xml), self.template.get_headers_footers_encoding(xml)

    def render(self, context: dict, env) -> dict[str, bytes]:
        """The leaf's parts by name, as `StrictTemplate.render` then `.parts()` give them."""
        tpl, parts = self.template, dict(self.parts)
        tpl.pic_map, tpl.docx_ids_index, tpl.is_saved = {}, 1000, False
        tpl.current_rendering_part = None
        tree = tpl.fix_tables(tpl.render_xml_part(self.body, tpl.docx._part, context, env))
        tpl.fix_docpr_ids(tree)
        parts[tpl.docx._part.partname.membername] = serialize_part_xml(parse_xml(splice_body(self.frame, tree)))
        for part, name, source, encoding in self.sections:
            xml = tpl.render_xml_part(source, part, context, env).encode(encoding)
            parts[name] = serialize_part_xml(parse_xml(xml))
        parts[self.core.partname.membername] = self.core_xml or self._core_xml(context, env)
        return parts

    def _core_xml(self, context: dict, env) -> bytes:
        element = deepcopy(self.core._element)
        properties = CoreProperties(element)
        for name, initial in zip(_PROPERTIES, self.initial):
            setattr(properties, name, env.from_string(initial).render(context) if env is not None else initial)
        return serialize_part_xml(element)


_COMPILED: dict[bytes, CompiledTemplate | None] = {}


def compiled(data: bytes) -> CompiledTemplate | None:
    """The template of these bytes, prepared once per process; None where docxtpl's own way must render it."""
    if data not in _COMPILED:
        if len(_COMPILED) >= 32:
            _COMPILED.clear()
        _COMPILED[data] = CompiledTemplate(data) if _covered(data) else None
    return _COMPILED[data]


def _covered(data: bytes) -> bool:
    document = Document(io.BytesIO(data))
    package = document.part.package
    try:
        package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        return False
    return all(part.content_type != _FOOTNOTES for part in package.parts)
