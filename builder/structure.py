"""The Module 3 section tree (ICH M4Q(R1)) as data: numbers, titles, eCTD elements, folders, stems.

The tree is a versioned data file (`templates/common/structure-m4q-r1.yaml`), so an M4Q(R2) tree
can sit beside it later; nothing about section numbering is written in code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostics
from .model import M, Node
import re

from .schema import Choice, MapOf, Raw, Slug, Text, bind_record, field
from .source import Value, load_file

TREE_FILE = "common/structure-m4q-r1.yaml"


@dataclass(**M)
class SectionDef(Node):
    number: str = field(Text(), True)
    title: str = field(Text(), True)
    element: str = field(Text(), True)
    folder: str = field(Text(), False)
    repeat: str = field(Text(), False, "content list this node repeats over")
    once: str = field(Choice("true", "false"), False)
    stem: str = field(Text(), False)
    kind: str = field(Slug(), False)
    template: str = field(Slug(), False)
    docs: str = field(Choice("one", "many"), False)
    per: str = field(Text(), False)
    required: str = field(Choice("true", "false"), False)
    node_extensions: str = field(Choice("true", "false"), False, "true: where a region files this section's "
                                 "documents under node extensions (regional_structure), they are placed so (eCTD: 3.2.R)")
    attributes: dict = field(MapOf(re.compile(r"^[a-z][a-z-]*$"), "an eCTD attribute name", Text()), False,
                             "on a repeating heading: eCTD attribute → field of the repeated record that gives its "
                             "value (3.2.S: substance, manufacturer)")
    within: str = field(Text(), False, "on a top-level section: the backbone heading it sits in (m3-2-body-of-data)")
    children: Value = field(Raw())


@dataclass(frozen=True)
class Section:
    """A node of the tree with its children resolved."""

    spec: SectionDef
    children: tuple["Section", ...]

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(**M)
class TreeFile(Node):
    tree: str = field(Text(), True)
    root_folder: str = field(Text(), True)
    root_element: str = field(Text(), False, "the backbone element of the module (m3-quality)")
    sections: Value = field(Raw(), True)


@dataclass(frozen=True)
class SectionTree:
    name: str
    root_folder: str
    sections: tuple[Section, ...]
    source: object
    root_element: str | None = None


def load_tree(templates: Path, diags: Diagnostics) -> SectionTree | None:
    source = load_file(templates / TREE_FILE, f"{templates.name}/{TREE_FILE}")
    head = bind_record(TreeFile, source.root, "", diags)
    if head is None:
        return None
    sections = _sections(head.sections, "sections", diags)
    return SectionTree(head.tree, head.root_folder, sections, source, head.root_element)


def _sections(value: Value, path: str, diags: Diagnostics) -> tuple[Section, ...]:
    result = []
    for index, item in enumerate(value.data if value else ()):
        spec = bind_record(SectionDef, item, f"{path}[{index}]", diags)
        if spec is not None:
            result.append(Section(spec, _sections(spec.children, f"{path}[{index}].children", diags)))
    return tuple(result)
