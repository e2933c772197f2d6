"""The risk register's arithmetic, read from data: scales, score, band, and whether a data gap is filled.

The scales are `templates/common/risk-scales.yaml`, merged with a region's own `risk-scales.yaml` (its
words for the levels) by the content overlay rules. Scores are whole numbers (products of level
values), so plain integer arithmetic is exact here. Nothing in this module reads the clock: "today" is
the dossier's `product.as_of`, or a date a command is given explicitly (`--as-of`).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostics, Origin
from .merge import apply_overlay
from .nodes import M, Node
from .schema import ListOf, Pattern, Record, Records, Slug, Text, WholeNumber, Choice, bind_record, field
from .source import load_file

SCALES_FILE = "risk-scales.yaml"
FACTORS = ("likelihood", "impact", "detectability")


@dataclass(**M)
class Level(Node):
    id: str = field(Slug(), True, "what content types, e.g. 3")
    value: str = field(WholeNumber(), True, "the number it counts as in the score")
    name: str = field(Text(), True, "its words, e.g. possible")


@dataclass(**M)
class Scale(Node):
    name: str = field(Text(), True)
    levels: tuple = field(Records(Level), True)

    def level(self, ident: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == ident), None)


@dataclass(**M)
class Band(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    max: str = field(WholeNumber(), True, "the highest score in the band")
    colour: str = field(Pattern(re.compile(r"^[0-9A-F]{6}$"), "an RGB colour such as FFC7CE"), True)


@dataclass(**M)
class Area(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)


@dataclass(**M)
class Scales(Node):
    """The agreed scales: what the levels mean, which factors the score multiplies, the bands."""

    likelihood: Scale = field(Record(Scale), True)
    impact: Scale = field(Record(Scale), True)
    detectability: Scale | None = field(Record(Scale), False)
    score: tuple = field(ListOf(Choice(*FACTORS)), True, "factors multiplied into the score")
    bands: tuple = field(Records(Band), True, "in ascending order of max")
    high: str = field(Slug(), True, "the band id that counts as high")
    areas: tuple = field(Records(Area), False)

    def scale(self, factor: str) -> Scale | None:
        return getattr(self, factor)

    def band(self, score: int) -> Band | None:
        return next((b for b in self.bands if score <= int(b.max)), None)

    def area(self, ident: str) -> Area | None:
        return next((a for a in self.areas if a.id == ident), None)

    @property
    def maximum(self) -> int:
        result = 1
        for factor in self.score:
            result *= max(int(lv.value) for lv in self.scale(factor).levels)
        return result


def load_scales(templates: Path, region: str | None, diags: Diagnostics) -> tuple[Scales | None, list]:
    """The common scales, with the region's wording merged over them when it has a file; and the sources."""
    common = load_file(templates / "common" / SCALES_FILE, f"{templates.name}/common/{SCALES_FILE}")
    sources, root = [common], common.root
    own = templates / region / SCALES_FILE if region else None
    if own is not None and own.is_file():
        overlay = load_file(own, f"{templates.name}/{region}/{SCALES_FILE}")
        sources.append(overlay)
        root = apply_overlay(root, overlay, diags)
    scales = bind_record(Scales, root, "", diags)
    if scales is not None:
        _check_scales(scales, diags)
    return scales, sources


def _check_scales(scales: Scales, diags: Diagnostics) -> None:
    for factor in scales.score:
        if scales.scale(factor) is None:
            diags.error("E2330", f"the score multiplies {factor}, which has no scale", scales.where("score"), "score")
    maxima = [int(b.max) for b in scales.bands]
    if maxima != sorted(maxima) or not maxima or (all(scales.scale(f) for f in scales.score)
                                                  and maxima[-1] < scales.maximum):
        diags.error("E2330", "bands must ascend and the last must reach the highest score", scales.where("bands"),
                    "bands")
    if not any(b.id == scales.high for b in scales.bands):
        diags.error("E2330", f"high: '{scales.high}' is not a band id", scales.where("high"), "high")


@dataclass(frozen=True)
class Assessed:
    """A risk's computed figures: score and band (None when a level is not on its scale)."""

    score: int | None
    band: Band | None
    problems: tuple = ()   # (field, message)


def assess(levels, scales: Scales) -> Assessed:
    """Score `levels` (a Risk or its Residual) on the scales: the product of the scored factors' values."""
    problems, score = [], 1
    for factor in FACTORS:
        typed = getattr(levels, factor, "") or ""
        scale = scales.scale(factor)
        if typed and scale is None:
            problems.append((factor, f"the scales have no {factor}; remove it or add the scale"))
        elif typed and scale.level(typed) is None:
            ids = ", ".join(lv.id for lv in scale.levels)
            problems.append((factor, f"'{typed}' is not a {scale.name.lower()} level ({ids})"))
        elif factor in scales.score:
            if not typed:
                problems.append((factor, f"the score multiplies {factor}: state it"))
            else:
                score *= int(scale.level(typed).value)
    if problems:
        return Assessed(None, None, tuple(problems))
    return Assessed(score, scales.band(score))


def concerns(risk, region: str | None, product_regions) -> bool:
    """A risk concerns the regions it lists; a risk listing none concerns every region of the product."""
    return region is None or region in (risk.regions or product_regions)


def for_region(content, region: str | None) -> list:
    return [r for r in content.risks if concerns(r, region, content.product.regions)]


def is_high(risk, scales: Scales) -> bool:
    band = assess(risk, scales).band
    return band is not None and band.id == scales.high


# --- data gaps ---------------------------------------------------------------------------------------

SEGMENT = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[([^\]]+)\])?(?:\.(.*))?$", re.S)
SET, UNSET, UNKNOWN = "set", "unset", "unknown"


def field_state(obj, path: str) -> str:
    """Whether `path` (as `invoke check` prints field paths) is set in `obj`: set, unset, or unknown (the
    model has no such field, a typo to report). A record id that does not exist yet is merely unset."""
    while True:
        if not dataclasses.is_dataclass(obj):
            return UNKNOWN
        match = SEGMENT.match(path)
        if match is None:
            return UNKNOWN
        name, index, rest = match.groups()
        if name not in {f.name for f in dataclasses.fields(obj) if "kind" in f.metadata}:
            return UNKNOWN
        value = getattr(obj, name)
        if index is not None:
            value = _item(value, index)
            if value is _MISSING:
                return UNSET
        if isinstance(value, dict) and rest is not None:
            return SET if rest in value and _filled(value[rest]) else UNSET
        if rest is None:
            return SET if _filled(value) else UNSET
        if value is None:
            return UNSET
        obj, path = value, rest


_MISSING = object()


def _item(value, index: str):
    if isinstance(value, dict):
        return value.get(index, _MISSING)
    if isinstance(value, tuple):
        return next((v for v in value if getattr(v, "id", None) == index), _MISSING)
    return _MISSING


def _filled(value) -> bool:
    return value not in (None, "", (), {})


def origin_of(risk, name: str) -> Origin:
    return risk.where(name)


def section_numbers(tree) -> frozenset:
    """Every CTD number of the section tree, leaves and headings alike."""
    found, todo = set(), list(tree.sections)
    while todo:
        section = todo.pop()
        found.add(section.spec.number)
        todo.extend(section.children)
    return frozenset(found)
