"""Stage 5, plan: content + region profile + section tree → the ordered eCTD leaves to render.

One Word document per leaf, at the eCTD v3.2.2 folder and file name (module3.md §2, §4). Names come
only from validated identifiers, and every name and path is checked against the region's limits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .errors import Diagnostics
from .scope import Scope
from .structure import Section, SectionTree
from .provenance import owner_path
from .regional import Extension, place
from .master_files import COVERED, COVERED_TEMPLATE, check_sections, covering
from .views import KINDS, subject

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(\.docx)?$")


@dataclass(frozen=True)
class Leaf:
    """One planned document: where it goes, what it is called, and what it renders."""

    number: str
    title: str
    element: str
    path: str
    template: str
    kind: str
    heading: str
    subject: str
    scope: Scope
    extension: Extension | None = None   # the node extension the leaf sits under (regional.py)
    backbone: tuple = ()                 # (element, ((attribute, value), …)) from the module down to the leaf
    reads: object = field(default=None, compare=False, repr=False)  # reads.LeafReads, recorded before rendering


def plan(tree: SectionTree, scope: Scope, diags: Diagnostics) -> tuple[Leaf, ...]:
    leaves: list[Leaf] = []
    root = ((tree.root_element, ()),) if tree.root_element else ()
    for section in tree.sections:
        within = ((section.spec.within, ()),) if section.spec.within else ()
        _walk(section, tree.root_folder, scope, leaves, diags, root + within)
    _check_paths(leaves, scope, diags)
    return tuple(leaves)


def _walk(section: Section, folder: str, scope: Scope, leaves: list, diags: Diagnostics, chain: tuple = ()) -> None:
    spec = section.spec
    if spec.repeat:
        _repeat(section, folder, scope, leaves, diags, chain)
        return
    here = _join(folder, spec.folder)
    if scope.owner is not None:
        here = here.replace("{item}", scope.owner.id)
    own = chain + ((spec.element, ()),)
    if section.is_leaf:
        _plan_leaf(spec, here, scope, leaves, diags, own)
    for child in section.children:
        _walk(child, here, scope, leaves, diags, own)


def _repeat(section: Section, folder: str, scope: Scope, leaves: list, diags: Diagnostics, chain: tuple) -> None:
    """Plan the subtree once per item of the repeated list; `once` children once per parent."""
    spec = section.spec
    base = _join(folder, spec.folder)
    numbers = _numbers_under(section)
    for item in scope.items(spec.repeat):
        check_sections(item, numbers, spec.number, f"{spec.repeat}[{item.id}]", diags)
        inner = replace(scope, **{_scope_slot(spec.repeat): item})
        own = chain + ((spec.element, _attributes(spec, item, diags)),)
        for child in section.children:
            if child.spec.once != "true":
                _walk(child, base.replace("{item}", item.id), inner, leaves, diags, own)
    for child in section.children:
        if child.spec.once == "true":
            _walk(child, base.replace("/{item}", ""), scope, leaves, diags, chain + ((spec.element, ()),))


def _numbers_under(section: Section) -> frozenset:
    """Every section number below a repeated heading that is planned per item (not its `once` children):
    what a master file on the item's record may cover."""
    found, todo = set(), [child for child in section.children if child.spec.once != "true"]
    while todo:
        child = todo.pop()
        found.add(child.spec.number)
        todo.extend(child.children)
    return frozenset(found)


def _attributes(spec, item, diags: Diagnostics) -> tuple:
    """The eCTD attributes of a repeated heading (substance, manufacturer …), from the item's fields."""
    found = []
    for name, source in spec.attributes.items():
        if not hasattr(item, source):
            diags.error("E2409", f"attribute {name} names '{source}', which {type(item).__name__} has no field for",
                        spec.where("attributes"), spec.number)
        elif getattr(item, source):
            found.append((name, getattr(item, source)))
    return tuple(found)


def _scope_slot(repeat: str) -> str:
    return {"drug_substances": "substance", "drug_products": "product", "excipients": "excipient"}[repeat]


def _plan_leaf(spec, folder: str, scope: Scope, leaves: list, diags: Diagnostics, chain: tuple = ()) -> None:
    rule = scope.modality.leaf(spec.number) if scope.modality is not None else None
    name = rule.kind if rule is not None and rule.kind else spec.kind
    kind = KINDS.get(name)
    if kind is None:
        where = rule.where("kind") if rule is not None and rule.kind else spec.where("kind")
        diags.error("E2401", f"unknown section kind '{name}'", where, spec.number)
        return
    title = scope.profile.title(spec.number, spec.title)
    heading = f"{spec.number} {title}"
    if rule is not None and rule.need == "not-applicable":
        _not_applicable(spec, kind, rule, heading, scope, diags)
        return
    if covering(scope, spec.number):
        _plan_covered(spec, kind, folder, title, heading, scope, leaves, diags, chain)
        return
    spec = replace(spec, kind=name, required=("true" if rule.need == "required" else "false")) if rule else spec
    if spec.docs == "many":
        items = [i for i in scope.items(spec.per) if kind.present(replace(scope, item=i), spec.number)]
        placed = place(items, scope.profile, scope.modality, diags) if spec.node_extensions == "true" else \
            [(item, None) for item in items]
        for item, extension in placed:
            inner = replace(scope, item=item)
            path = f"{folder.replace('{item}', item.id)}/{spec.stem}-{item.id}.docx"
            own = (item.title, extension.title) if extension is not None else (title, heading)
            leaves.append(Leaf(spec.number, own[0], spec.element, path, spec.template, spec.kind, own[1],
                               subject(inner), inner, extension, chain))
        present = bool(items)
    else:
        present = kind.present(scope, spec.number)
        if present:
            path = f"{folder}/{spec.stem}.docx"
            leaves.append(Leaf(spec.number, title, spec.element, path, spec.template, spec.kind, heading,
                               subject(scope), scope, backbone=chain))
    if not present and spec.required == "true":
        owner = scope.owner
        where = owner.at if owner is not None else None
        diags.error("E2402", f"{heading} has no content: {kind.hint(spec.number)}", where, owner_path(scope))


def _plan_covered(spec, kind, folder: str, title: str, heading: str, scope: Scope, leaves: list, diags: Diagnostics,
                  chain: tuple) -> None:
    """A section a master file covers: one document stating the reference (views/master_file.py) in place
    of the section's own kind, so none of its detailed records is required; records written for it
    anyway are not printed, and not dropped in silence (W2566)."""
    if _own_data(spec, kind, scope):
        owner = scope.owner
        diags.warning("W2566", f"{heading} is covered by a master file; the record's own data for it is not "
                      "printed (remove it, or the section from covered_sections)", owner.at, owner_path(scope))
    leaves.append(Leaf(spec.number, title, spec.element, f"{folder}/{spec.stem}.docx", COVERED_TEMPLATE, COVERED,
                       heading, subject(scope), scope, backbone=chain))


def _own_data(spec, kind, scope: Scope) -> bool:
    """Whether the record holds data for the section beyond its narrative (which a covered leaf prints)."""
    if spec.docs == "many":
        return bool(scope.items(spec.per))
    owner = scope.owner
    bare = replace(owner, narrative={k: v for k, v in owner.narrative.items() if k != spec.number})
    slot = next(name for name in ("excipient", "product", "substance") if getattr(scope, name) is owner)
    return kind.present(replace(scope, **{slot: bare}), spec.number)


def _not_applicable(spec, kind, rule, heading: str, scope: Scope, diags: Diagnostics) -> None:
    """Never built; content written for it is not dropped in silence."""
    if spec.docs == "many" or not kind.present(scope, spec.number):
        return
    owner = scope.owner
    why = f": {rule.why}" if rule.why else ""
    diags.warning("W2406", f"{heading} is not applicable to {scope.modality.name}{why}; its content is not built",
                  owner.at if owner is not None else rule.at, owner_path(scope))


def _join(folder: str, more: str | None) -> str:
    return f"{folder}/{more}" if more else folder


def _check_paths(leaves: list[Leaf], scope: Scope, diags: Diagnostics) -> None:
    """Every name is [a-z0-9-], within the region's name and path limits, and unique ignoring case."""
    naming = scope.profile.naming
    seen: dict[str, Leaf] = {}
    for leaf in leaves:
        where = leaf.scope.owner.at if leaf.scope.owner is not None else None
        for name in leaf.path.split("/"):
            if not NAME.fullmatch(name) or len(name) > int(naming.max_name):
                diags.error("E2403", f"output name '{name}' is not [a-z0-9-] within {naming.max_name} characters "
                            f"(from {leaf.path})", where, leaf.number)
        if len(leaf.path) > int(naming.max_path):
            diags.error("E2404", f"path is {len(leaf.path)} characters, over the region's {naming.max_path}: "
                        f"{leaf.path}; shorten the ids", where, leaf.number)
        if leaf.path.casefold() in seen:
            diags.error("E2405", f"two leaves would be written to {leaf.path}", where, leaf.number)
        seen[leaf.path.casefold()] = leaf
