"""Which documents differ between two builds: their manifests compared leaf by leaf, by path.

A leaf is the same document on both sides when it has the same eCTD path; it changed when its
SHA-256 differs. Builds are byte-for-byte reproducible, so an unchanged leaf has the same hash and
produces nothing in the review. A (product, region) pair that only one side builds contributes all
its leaves as added or removed.
"""
from __future__ import annotations

from dataclasses import dataclass

from .revisions import Side

CHANGED, ADDED, REMOVED = "changed", "added", "removed"


@dataclass(frozen=True)
class LeafChange:
    """One document that differs: where it is, what it is called, and its bytes on each side."""

    product: str
    region: str
    path: str
    number: str
    title: str
    status: str  # changed, added or removed
    base: bytes | None
    head: bytes | None

    @property
    def pair(self) -> tuple[str, str]:
        return self.product, self.region

    @property
    def key(self) -> tuple[str, str, str]:
        return self.product, self.region, self.path


def compare(base: Side, head: Side) -> tuple[list[LeafChange], int]:
    """The differing leaves in eCTD order (head order, then leaves only the base has), and how many
    leaves are unchanged."""
    changes, unchanged = [], 0
    for pair in sorted(set(base.rendered) | set(head.rendered)):
        found, same = _pair_changes(base, head, pair)
        changes += found
        unchanged += same
    return changes, unchanged


def _pair_changes(base: Side, head: Side, pair) -> tuple[list[LeafChange], int]:
    old, new = _leaves(base, pair), _leaves(head, pair)
    changes, same = [], 0
    for path, leaf in new.items():
        if path not in old:
            changes.append(_change(pair, leaf, ADDED, None, _bytes(head, pair, path)))
        elif old[path]["sha256"] != leaf["sha256"]:
            changes.append(_change(pair, leaf, CHANGED, _bytes(base, pair, path), _bytes(head, pair, path)))
        else:
            same += 1
    for path, leaf in old.items():
        if path not in new:
            changes.append(_change(pair, leaf, REMOVED, _bytes(base, pair, path), None))
    return changes, same


def _leaves(side: Side, pair) -> dict[str, dict]:
    rendered = side.rendered.get(pair)
    return {leaf["path"]: leaf for leaf in rendered.manifest["leaves"]} if rendered else {}


def _bytes(side: Side, pair, path: str) -> bytes:
    return side.rendered[pair].files[path]


def _change(pair, leaf: dict, status: str, old: bytes | None, new: bytes | None) -> LeafChange:
    return LeafChange(pair[0], pair[1], leaf["path"], leaf["number"], leaf["title"], status, old, new)
