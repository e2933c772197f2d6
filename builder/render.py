"""Stage 6, render: one leaf's view → .docx bytes, with docxtpl in a hardened Jinja environment.

docxtpl's defaults lose text silently (autoescape off; recover-mode re-parsing; undefined → blank;
None → "None"; pitfalls.md §2). Here: sandbox, autoescape, strict undefined, a finalize hook that
refuses None, blanks and non-text, and a strict parse of every rendered part before docxtpl's
forgiving one. Any failure names the leaf and the template.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .errors import Category, Diagnostic, DossierError, Origin, environment_error, template_error
from .ooxml.docxtpl_strict import MalformedXML, StrictTemplate
from .ooxml.package import read_package
from .ooxml.preflight import preflight

CONTEXT_NAMES = {"doc", "labels", "blocks"}


class RenderValueError(ValueError):
    """A value that must not be printed reached the template."""


def _finalize(value):
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()  # names the missing variable
    if value is None:
        raise RenderValueError("a value is None (it would print 'None')")
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise RenderValueError("a value is blank")
        return value
    raise RenderValueError(f"a value is {type(value).__name__}, not text")


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)


@dataclass(frozen=True)
class TemplateFile:
    name: str
    path: Path
    display: str
    data: bytes


def find_template(templates: Path, region: str, name: str) -> TemplateFile:
    """The region's own template if it has one, else the common one."""
    for folder in (region, "common"):
        path = templates / folder / f"{name}.docx"
        if path.is_file():
            display = f"{templates.name}/{folder}/{name}.docx"
            data = path.read_bytes()
            preflight(data, display)  # templates are untrusted input: checked before any library opens them
            return TemplateFile(name, path, display, data)
    raise environment_error("E4004", f"no template '{name}.docx' in {region}/ or common/",
                            f"{templates.name}/common/{name}.docx")


FORBIDDEN = re.compile(r"\|\s*(safe|default|d|attr)\b|__|\{%-?\s*(include|import|from|extends|macro)\b")


DOC_KEYS = ("product", "section", "title", "heading", "subject")


def check_template(template: TemplateFile, labels: dict) -> None:
    """Refuse a template before any leaf renders: forbidden constructs, syntax errors, unknown names,
    and (by one probe render) misspelt attributes such as `doc.subjet` or a label the region lacks."""
    _lint(template)
    try:
        names = StrictTemplate(io.BytesIO(template.data)).get_undeclared_template_variables(environment())
    except TemplateError as exc:
        raise template_error("E3002", f"template syntax error: {exc}{_near_unclosed_tag(template)}",
                             template.display) from None
    unknown = sorted(set(names) - CONTEXT_NAMES)
    if unknown:
        raise template_error("E3003", f"unknown template variables {', '.join(unknown)} "
                             f"(templates may use {', '.join(sorted(CONTEXT_NAMES))})", template.display)
    render(template, {key: key for key in DOC_KEYS}, labels, [], "a probe of the template")


def _near_unclosed_tag(template: TemplateFile) -> str:
    """The text of the first paragraph whose `{{`/`{%` is not closed (Jinja names a later tag instead)."""
    xml = read_package(template.data)["word/document.xml"].decode("utf-8", "replace")
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        text = re.sub(r"<[^>]+>", "", paragraph)
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return f" (near the paragraph '{text.strip()}')"
    return ""


def _lint(template: TemplateFile) -> None:
    parts = read_package(template.data)
    names = [n for n in parts if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
    text = "".join(re.sub(r"<[^>]+>", "", parts[n].decode("utf-8", "replace")) for n in names)
    for tag in re.findall(r"\{[{%].*?[}%]\}", text, flags=re.S):
        if FORBIDDEN.search(tag):
            raise template_error("E3004", f"template construct not allowed: {tag}", template.display)


def render(template: TemplateFile, doc: dict, labels: dict, blocks: list, leaf_name: str) -> bytes:
    context = {"doc": doc, "labels": {k: Markup(escape(v)) for k, v in labels.items()}, "blocks": blocks}
    try:
        tpl = StrictTemplate(io.BytesIO(template.data))
        tpl.render(context, jinja_env=environment(), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except (TemplateError, RenderValueError, MalformedXML) as exc:
        raise DossierError(Category.TEMPLATE, [
            Diagnostic("E3001", f"rendering {leaf_name} failed: {exc}", Origin(template.display))]) from None
    return out.getvalue()
