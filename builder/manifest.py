"""What a build read and wrote: per leaf its CTD number, title, path, SHA-256 and sources.

The manifest holds no clock time, so it is as reproducible as the leaves it lists.
"""
from __future__ import annotations

import dataclasses
import platform
from functools import lru_cache
from importlib import metadata

from . import __version__
from .model import Node
from .publish import sha256

LIBRARIES = ("docxtpl", "python-docx", "lxml", "ruamel.yaml", "jinja2", "markdown-it-py", "mdit-py-plugins",
             "openpyxl", "pint", "pikepdf")  # each can change what a build writes (the up-to-date key reads them)


def leaf_record(leaf, data: bytes, template: str, fingerprint: str | None = None, memo: dict | None = None) -> dict:
    """One leaf's manifest entry; `memo` (one per pair) keeps each record's source files, since every
    leaf of a pair shares the product and most share a substance or drug product."""
    scope = leaf.scope
    owners = [scope.content.product, scope.substance, scope.product, scope.excipient, scope.item]
    record = {
        "number": leaf.number,
        "title": leaf.title,
        "element": leaf.element,
        "path": leaf.path,
        "sha256": sha256(data),
        "bytes": len(data),
        "template": template,
        "sources": sorted({path for owner in owners if owner is not None for path in source_paths(owner, memo)}),
    }
    if fingerprint is not None:  # what the leaf was made from (incremental.py): the next build reuses it
        record["fingerprint"] = fingerprint
    if getattr(leaf, "reads", None) is not None:  # what the leaf read: `invoke impact` answers from this
        record["depends"] = leaf.reads.as_json()
    if getattr(leaf, "backbone", ()):  # the eCTD headings the leaf sits in, with their attributes
        record["backbone"] = [{"element": element, **({"attributes": dict(attrs)} if attrs else {})}
                              for element, attrs in leaf.backbone]
    if getattr(leaf, "extension", None) is not None:  # the eCTD backbone nests this leaf in a node-extension
        record["node_extension"] = {"id": leaf.extension.id, "title": leaf.extension.title}
    return record


def node_extensions(leaves: list[dict]) -> list[dict]:
    """The node extensions in backbone order, each with the paths of the leaves under it."""
    found: dict[str, dict] = {}
    for leaf in leaves:
        extension = leaf.get("node_extension")
        if extension is not None:
            found.setdefault(extension["id"], {**extension, "leaves": []})["leaves"].append(leaf["path"])
    return list(found.values())


def source_paths(record, memo: dict | None = None) -> set[str]:
    """Every file that wrote a field of `record` or of the records inside it (core or overlay); `memo`
    (by record identity, the records alive while it is) answers a record met before at once."""
    memo = {} if memo is None else memo
    found = memo.get(id(record))
    if found is not None and found[0] is record:
        return found[1]
    paths = {record.at.path} | {o.path for o in record.origins.values()}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Node):
                paths |= source_paths(child, memo)
    paths = {p for p in paths if p}
    memo[id(record)] = (record, paths)
    return paths


def manifest(dossier, leaves: list[dict], inputs: list[tuple], reports: list[dict] = ()) -> dict:
    return {
        "reports": list(reports),
        "manifest_version": 1,
        "product": dossier.product,
        "region": dossier.region,
        "tool": tool_versions(),
        "inputs": [{"path": p, "sha256": h, "bytes": n, "role": r} for p, h, n, r in sorted(set(inputs))],
        "leaves": leaves,
        **({"node_extensions": extensions} if (extensions := node_extensions(leaves)) else {}),
    }


def tool_versions() -> dict:
    return {
        "name": "cmc-dossier-builder",
        "version": __version__,
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


@lru_cache(maxsize=None)
def _version(name: str) -> str:
    """A library's installed version (read once per process: each read scans the installed metadata)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
