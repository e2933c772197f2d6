"""`invoke compare-regions`: what differs between the regions of one product, and where it was written.

Reviewers of a multi-region filing ask "what does NMPA get that FDA does not?". The answer is in the
merged content of each region: every value that differs (or exists in some regions only) is listed
with, per region, the value, the file:line it came from and whether an overlay set it, plus the
documents (leaves) that only some regions get. Written as Markdown (for review in git) and as one
landscape Word table (`compare_docs.py`), next to the region folders in `output/<product>/`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import content_error
from .explain import lines
from ..pipeline import Dossier, prepare
from ..project import Project
from ..views.base import item_title

LIMIT = 120  # characters of a value shown in a table cell
NAME = "region-comparison"


@dataclass(frozen=True)
class RegionValue:
    """One region's value at a path: the text, `file:line`, and whether that region's overlay set it."""

    value: str
    origin: str
    overlay: bool


@dataclass(frozen=True)
class FieldDifference:
    """A merged-content path whose value is not the same in every region (None: absent there)."""

    path: str
    values: dict[str, RegionValue | None]


@dataclass(frozen=True)
class SectionDifference:
    """A document (leaf, by path) that some regions get and others do not."""

    path: str
    number: str
    title: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class RegionComparison:
    root: Path
    product: str
    product_name: str
    as_of: str
    regions: tuple[str, ...]
    east_asia: tuple[str, str, str] | None
    fields: tuple[FieldDifference, ...]
    sections: tuple[SectionDifference, ...]


def compare_regions(root: Path, product: str) -> RegionComparison:
    """Prepare every region the product targets (content errors raise as in a build) and compare."""
    dossiers = prepare(Project(root), [product])
    if not dossiers:
        raise content_error("E2602", f"product '{product}' targets no region to compare", None, "product.regions")
    regions = tuple(d.region for d in dossiers)
    fonts = next((d.profile.east_asia for d in dossiers if d.profile.east_asia), None)
    first = dossiers[0].content.product
    return RegionComparison(
        root, product, first.name, first.as_of, regions,
        (fonts.body_font, fonts.heading_font, fonts.lang) if fonts else None,
        tuple(_fields(dossiers)), tuple(_sections(dossiers)))


def _fields(dossiers: list[Dossier]):
    per_region = {d.region: {path: _region_value(v) for path, v in lines(d.tree)} for d in dossiers}
    for path in merged_order([list(values) for values in per_region.values()]):
        values = {region: per_region[region].get(path) for region in per_region}
        if len({v.value if v else None for v in values.values()}) > 1:
            yield FieldDifference(path, values)


def _region_value(value) -> RegionValue:
    where = str(value.origin) if value.origin.cell else f"{value.origin.path}:{value.origin.line}"
    return RegionValue(value.data, where, value.overlay is not None)


def _sections(dossiers: list[Dossier]):
    by_path: dict[str, list] = {}
    for path in merged_order([[leaf.path for leaf in d.leaves] for d in dossiers]):
        by_path[path] = []
    for d in dossiers:
        for leaf in d.leaves:
            by_path[leaf.path].append((d.region, leaf))
    for path, found in by_path.items():
        if len(found) < len(dossiers):
            leaf = found[0][1]
            title = f"{leaf.title} — {item_title(leaf.scope)}" if leaf.scope.item is not None else leaf.title
            yield SectionDifference(path, leaf.number, title, tuple(region for region, _ in found))


def merged_order(sequences: list[list[str]]) -> list[str]:
    """All items, each sequence's order kept: an item only a later region has goes after its
    predecessor there (NMPA's extra stability study sits next to the other studies, not at the end)."""
    order: list[str] = []
    for sequence in sequences:
        seen = set(order)
        position = 0
        for item in sequence:
            if item in seen:
                position = order.index(item) + 1
            else:
                order.insert(position, item)
                seen.add(item)
                position += 1
    return order


def shorten(text: str, limit: int = LIMIT) -> str:
    """One line, at most `limit` characters: narratives would make the table unreadable."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def heading(region: str) -> str:
    return region.upper()
