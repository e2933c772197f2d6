"""Stage 6, render: one leaf's view → .docx bytes, with docxtpl in a hardened Jinja environment.

docxtpl's defaults lose text silently (autoescape off; recover-mode re-parsing; undefined → blank;
None → "None"; pitfalls.md §2). Here: sandbox, autoescape, strict undefined, a finalize hook that
refuses None, blanks and non-text, and a strict parse of every rendered part before docxtpl's
forgiving one. Any failure names the leaf and the template.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .errors import Category, Diagnostic, DossierError, Origin, environment_error, template_error
from .budget import BudgetedEnvironment, BudgetExceeded, time_limit
from .files import NotAFile, read_regular
from .lint import CONTEXT_NAMES, lint_sources, lint_text
from .ooxml.compiled import compiled
from .ooxml.docxtpl_strict import MalformedXML, StrictTemplate
from .ooxml.package import read_package
from .ooxml.preflight import preflight



class RenderValueError(ValueError):
    """A value that must not be printed reached the template."""


def _finalize(value):
    """Refuse what must not be printed; what may be printed is returned (and counted, see `environment`)."""
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
    """The hardened environment of one render: sandboxed, autoescaping, strict, and on a budget."""
    env = None

    def finalize(value):
        value = _finalize(value)
        env.count(value)
        return value

    env = BudgetedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=finalize)
    return env


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
        display = f"{templates.name}/{folder}/{name}.docx"
        if not os.path.lexists(path):
            continue
        try:
            data = read_regular(path)
        except NotAFile as exc:
            raise template_error("E3008", f"this path is {exc}, not a .docx file (nothing falls back to common/ "
                                 "in its place)", display) from None
        except OSError as exc:
            raise environment_error("E4004", f"cannot read template: {exc.strerror or exc}", display) from None
        preflight(data, display)  # templates are untrusted input: checked before any library opens them
        return TemplateFile(name, path, display, data)
    raise environment_error("E4004", f"no template '{name}.docx' in {region}/ or common/",
                            f"{templates.name}/common/{name}.docx")


DOC_KEYS = ("product", "section", "title", "heading", "subject")


_PASSED: set[str] = set()  # verdict keys of templates checked in this process (or before a worker forked)


def check_template(template: TemplateFile, labels: dict, cache=None) -> None:
    """Refuse a template before any leaf renders: forbidden constructs, syntax errors, unknown names,
    and (by one probe render) misspelt attributes such as `doc.subjet` or a label the region lacks.

    A pass is remembered by the template's bytes, the labels, the builder's code and the libraries'
    versions (in this process, and in the content cache `cache` between runs): the checks took most
    of a rebuild's rendering. A refusal is never remembered: it is found again on every run."""
    key = _verdict_key(template, labels)
    if key in _PASSED or (cache is not None and cache.get_record(key) is True):
        _PASSED.add(key)
        return
    _check_template(template, labels)
    _PASSED.add(key)
    if cache is not None:
        cache.put_record(key, True)


def _verdict_key(template: TemplateFile, labels: dict) -> str:
    from .incremental import engine
    from .manifest import tool_versions

    digest = hashlib.sha256(f"{engine()}\0{json.dumps(tool_versions(), sort_keys=True)}\0".encode())
    digest.update(hashlib.sha256(template.data).digest())
    digest.update(json.dumps(labels, sort_keys=True, ensure_ascii=False).encode())
    return f"template-{digest.hexdigest()}"


def _check_template(template: TemplateFile, labels: dict) -> None:
    parts = lint_text(template.data, template.display)
    try:
        names = StrictTemplate(io.BytesIO(template.data)).get_undeclared_template_variables(environment())
    except TemplateError as exc:
        raise template_error("E3002", f"template syntax error: {exc}{_near_unclosed_tag(template)}",
                             template.display) from None
    unknown = sorted(set(names) - CONTEXT_NAMES)
    if unknown:
        raise template_error("E3003", f"unknown template variables {', '.join(unknown)} "
                             f"(templates may use {', '.join(sorted(CONTEXT_NAMES))})", template.display)
    lint_sources(parts, template.display, environment())
    render(template, {key: key for key in DOC_KEYS}, labels, [], "a probe of the template")


def _near_unclosed_tag(template: TemplateFile) -> str:
    """The text of the first paragraph whose `{{`/`{%` is not closed (Jinja names a later tag instead)."""
    xml = read_package(template.data)["word/document.xml"].decode("utf-8", "replace")
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        text = re.sub(r"<[^>]+>", "", paragraph)
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            return f" (near the paragraph '{text.strip()}')"
    return ""


def render(template: TemplateFile, doc: dict, labels: dict, blocks: list, leaf_name: str) -> bytes:
    """The rendered .docx as python-docx saves it (reports and probes; leaves use `render_parts`)."""
    def save(tpl):
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()
    return _rendered(template, doc, labels, blocks, leaf_name, save)


def render_parts(template: TemplateFile, doc: dict, labels: dict, blocks: list, leaf_name: str) -> dict[str, bytes]:
    """The rendered package's parts by name, unzipped, for post-processing (`pipeline.finish`)."""
    return _rendered(template, doc, labels, blocks, leaf_name, StrictTemplate.parts)


_ESCAPED: list = [None, None]  # the labels last escaped, and their escaped form


def _escaped(labels: dict) -> dict:
    """The profile's labels escaped once per profile, not once per leaf (a twentieth of a build: a
    profile holds hundreds of labels and a leaf prints a few)."""
    if _ESCAPED[0] is not labels:
        _ESCAPED[:] = [labels, {k: Markup(escape(v)) for k, v in labels.items()}]
    return _ESCAPED[1]


def _rendered(template: TemplateFile, doc: dict, labels: dict, blocks: list, leaf_name: str, output):
    context = {"doc": doc, "labels": dict(_escaped(labels)), "blocks": blocks}  # a copy: a template may not
    # change what the next leaf sees
    try:
        with time_limit():
            fast = compiled(template.data) if output is StrictTemplate.parts else None
            if fast is not None:  # the same parts, without docxtpl's per-leaf copy of the package
                return fast.render(context, environment())
            tpl = StrictTemplate(io.BytesIO(template.data))
            tpl.render(context, jinja_env=environment(), autoescape=True)
        return output(tpl)
    except (MemoryError, RecursionError) as exc:
        raise DossierError(Category.TEMPLATE, [Diagnostic("E3006", f"rendering {leaf_name} ran out of "
                           f"{'memory' if isinstance(exc, MemoryError) else 'stack'} (a runaway template?)",
                           Origin(template.display))]) from None
    except BudgetExceeded as exc:
        raise DossierError(Category.TEMPLATE, [
            Diagnostic("E3006", f"rendering {leaf_name} stopped: {exc}", Origin(template.display))]) from None
    except (TemplateError, RenderValueError, MalformedXML) as exc:
        raise DossierError(Category.TEMPLATE, [
            Diagnostic("E3001", f"rendering {leaf_name} failed: {exc}", Origin(template.display))]) from None
