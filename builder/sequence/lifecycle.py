"""What an application holds after its earlier sequences, and the operation each leaf now needs.

The current state is replayed from every earlier sequence folder beside `--previous` (0000 … previous):
`new` adds a file, `replace` swaps the file its `modified-file` names, `delete` removes it. A leaf
whose MD5 equals the current file's at the same path is unchanged and not resubmitted; a changed one
replaces it (`modified-file` pointing at the earlier leaf); a current file the build no longer has is
deleted (no href). Relative references `../<sequence>/index.xml#<ID>` assume sibling sequence
folders, as an application is filed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import environment_error
from .backbone import EXTENSION, XLINK, BackboneLeaf, leaf_id

NUMBER = re.compile(r"^\d{4}$")
TARGET = re.compile(r"^\.\./(\d{4})/index\.xml#(.+)$")


@dataclass(frozen=True)
class Current:
    """A file the application holds now: where it was filed, by which sequence and leaf."""

    sequence: str
    id: str
    href: str
    checksum: str
    title: str
    chain: tuple


def history(previous: Path) -> tuple[str, dict[str, Current]]:
    """The previous sequence's number and the files current after it, replayed from 0000."""
    if not NUMBER.fullmatch(previous.name) or not (previous / "index.xml").is_file():
        raise environment_error("E4115", "--previous must be an earlier sequence folder (a 4-digit name holding "
                                "index.xml)", previous)
    current: dict[str, Current] = {}
    for folder in sorted(p for p in previous.parent.iterdir() if NUMBER.fullmatch(p.name) and p.name <= previous.name):
        for operation, entry, target in _leaves(folder):
            if operation in ("replace", "delete"):
                gone = [href for href, held in current.items() if (held.sequence, held.id) == target]
                if not gone:
                    raise environment_error("E4115", f"{operation} of {target[1]} names no current leaf of sequence "
                                            f"{target[0]}", folder / "index.xml")
                del current[gone[0]]
            if operation in ("new", "replace"):
                current[entry.href] = entry
    return previous.name, current


def _leaves(folder: Path):
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.parse(str(folder / "index.xml"), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise environment_error("E4115", f"cannot read this sequence's backbone ({type(exc).__name__})",
                                folder / "index.xml") from None
    for leaf in root.iter("leaf"):
        operation = leaf.get("operation")
        match = TARGET.match(leaf.get("modified-file") or "")
        target = (match.group(1), match.group(2)) if match else None
        if operation in ("replace", "delete") and target is None:
            raise environment_error("E4115", f"leaf {leaf.get('ID')}: {operation} without a modified-file of the form "
                                    "../NNNN/index.xml#ID", folder / "index.xml")
        href = leaf.get(f"{{{XLINK}}}href")
        entry = Current(folder.name, leaf.get("ID"), href, leaf.get("checksum", ""), leaf.findtext("title", ""),
                        _chain(leaf)) if href else None
        yield operation, entry, target


def _chain(leaf) -> tuple:
    """The headings a leaf sits in, as the backbone writes them (attributes kept, IDs dropped)."""
    steps = []
    for node in reversed(list(leaf.iterancestors())):
        if not isinstance(node.tag, str) or node.getparent() is None:
            continue   # the ectd:ectd root is written by the backbone itself
        if node.tag == EXTENSION:
            steps.append((EXTENSION, (("title", node.findtext("title", "")),)))
        else:
            steps.append((node.tag, tuple((k, v) for k, v in node.attrib.items() if k not in ("ID",))))
    return tuple(steps)


def operations(leaves: list[BackboneLeaf], current: dict[str, Current]) -> tuple[list[BackboneLeaf], int]:
    """Each built leaf as new, replace or (unchanged) left out, plus a delete for each file now gone;
    returns them and how many were unchanged."""
    result, unchanged, kept = [], 0, set()
    for leaf in leaves:
        held = current.get(leaf.href)
        kept.add(leaf.href)
        if held is None:
            result.append(leaf)
        elif held.checksum.casefold() == leaf.checksum.casefold():
            unchanged += 1
        else:
            result.append(BackboneLeaf(leaf.chain, leaf.id, "replace", leaf.checksum, leaf.title, leaf.href,
                                       f"../{held.sequence}/index.xml#{held.id}"))
    for href, held in current.items():
        if href not in kept:
            result.append(BackboneLeaf(held.chain, leaf_id(f"delete:{href}"), "delete", held.checksum, held.title,
                                       None, f"../{held.sequence}/index.xml#{held.id}"))
    return result, unchanged
