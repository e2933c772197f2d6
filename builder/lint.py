"""The template lint: every part of a template, decoded, and the Jinja in it, parsed as Jinja will.

Two passes, so that neither an encoding trick nor a construct the regular expression misses gets
through: the decoded text of every XML part is searched for forbidden spellings (`|safe`, `__`,
include …), and the source Jinja compiles from each rendered part is parsed and its syntax tree
walked for forbidden nodes (include, import, extends, macros, call blocks, the `safe`, `default` and
`attr` filters, underscore attributes) and for names other than the three a template may use.
Template tags in a part docxtpl does not render (endnotes, styles, settings …) would print as typed,
so they are refused too.
"""
from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError, meta, nodes

from .errors import template_error
from .ooxml.package import read_package
from .ooxml.template_text import TAG, part_texts

CONTEXT_NAMES = {"doc", "labels", "blocks"}
FORBIDDEN = re.compile(r"\|\s*(safe|default|d|attr)\b|__|\{%-?\s*(include|import|from|extends|macro|call)\b")
FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Macro, nodes.CallBlock)
FORBIDDEN_FILTERS = {"safe", "default", "d", "attr"}


def lint_text(data: bytes, display: str) -> list:
    """Refuse (exit 3) a forbidden spelling in any part's decoded text, or tags in a part never rendered;
    return the parts, for `lint_sources`."""
    parts = part_texts(read_package(data))
    for part in parts:
        for tag in re.findall(r"\{[{%#].*?[}%#]\}", part.text, flags=re.S):
            if FORBIDDEN.search(tag):
                raise template_error("E3004", f"template construct not allowed: {tag}", display)
        if not part.sources and TAG.search(part.text):
            raise template_error("E3005", f"template tags in {part.name}, which is not rendered (they would be "
                                 "printed as typed); move them to the body, a header or a footer", display)
    return parts


def lint_sources(parts: list, display: str, env) -> None:
    """Refuse (exit 3) a syntax error, forbidden node or unknown name in what Jinja compiles from any part."""
    for part in parts:
        for source in part.sources:
            _check_source(source, part.name, display, env)


def _check_source(source: str, part: str, display: str, env) -> None:
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise template_error("E3002", f"template syntax error in {part}: {exc}", display) from None
    for node in tree.find_all(FORBIDDEN_NODES):
        raise template_error("E3004", f"template construct not allowed: {type(node).__name__.lower()} "
                             f"(line {node.lineno} of {part})", display)
    for node in tree.find_all(nodes.Filter):
        if node.name in FORBIDDEN_FILTERS:
            raise template_error("E3004", f"template construct not allowed: the '{node.name}' filter "
                                 f"(in {part})", display)
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            raise template_error("E3004", f"template construct not allowed: attribute '{node.attr}' (in {part})",
                                 display, part)
    unknown = sorted(meta.find_undeclared_variables(tree) - CONTEXT_NAMES)
    if unknown:
        raise template_error("E3003", f"unknown template variables {', '.join(unknown)} (templates may use "
                             f"{', '.join(sorted(CONTEXT_NAMES))})", display)
