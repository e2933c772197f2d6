"""The region comparison as a Markdown table and as one landscape Word table.

Kept apart from `compare.py` (which finds the differences) so that the comparison logic never
depends on Word. Both writers print the same rows; long narrative values are shortened to
`compare.LIMIT` characters, and both say so, because `invoke explain` prints them in full.
"""
from __future__ import annotations

import re
from pathlib import Path

from .compare import LIMIT, NAME, RegionComparison, RegionValue, heading, shorten
from ..ooxml.atomic import atomic_write
from ..ooxml.blocks import Block, Cell, Run, paragraph, table
from ..ooxml.package import read_package, write_package
from ..ooxml.steps import Finish, core_properties, east_asian_fonts, text_width
from ..errors import environment_error
from ..publish import check_output
from ..render import find_template, render

LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}
TITLE = "Region comparison"
NOTE = (f"Values longer than {LIMIT} characters are shortened (…); `invoke explain` prints them in full. "
        "“overlay” marks a value the region's overlay file set.")
ABSENT = "—"


def _md_escape(text: str) -> str:
    """Table-safe Markdown: `|` would end the cell; a `<tag` would be read as HTML."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


def _md_cell(item: RegionValue | None) -> str:
    if item is None:
        return ABSENT
    mark = ", overlay" if item.overlay else ""
    return f"{_md_escape(shorten(item.value))}<br><sub>{_md_escape(item.origin)}{mark}</sub>"


def comparison_markdown(comparison: RegionComparison) -> str:
    regions = comparison.regions
    out = [f"# {TITLE}: {comparison.product_name}", "",
           f"Regions: {', '.join(heading(r) for r in regions)}. {NOTE}", "",
           f"## Documents not in every region ({len(comparison.sections)})", ""]
    out += [f"| Section | Title | Document | {' | '.join(heading(r) for r in regions)} |",
            "|---|---|---|" + "---|" * len(regions)]
    for s in comparison.sections:
        marks = " | ".join("✓" if r in s.regions else ABSENT for r in regions)
        out.append(f"| {s.number} | {_md_escape(s.title)} | {_md_escape(s.path)} | {marks} |")
    out += ["", f"## Values that differ ({len(comparison.fields)})", ""]
    out += [f"| Field | {' | '.join(heading(r) for r in regions)} |", "|---|" + "---|" * len(regions)]
    for f in comparison.fields:
        out.append(f"| {_md_escape(f.path)} | {' | '.join(_md_cell(f.values[r]) for r in regions)} |")
    return "\n".join(out) + "\n"


def _cell(item: RegionValue | None) -> Cell:
    if item is None:
        return Cell((Run(ABSENT),))
    mark = " (overlay)" if item.overlay else ""
    return Cell((Run(shorten(item.value) + "\n"), Run(item.origin + mark, italic=True)))


def _section_lines(comparison: RegionComparison) -> list[Block]:
    blocks = [paragraph([Run(f"Documents not in every region ({len(comparison.sections)})", bold=True)])]
    for s in comparison.sections:
        only = ", ".join(heading(r) for r in s.regions)
        blocks.append(paragraph([Run(f"{s.number} {s.title} — {only} only: {s.path}")], "ListBullet"))
    return blocks


def comparison_docx(comparison: RegionComparison) -> bytes:
    """One landscape document: the documents some regions lack as a list, then one table of values."""
    template = find_template(comparison.root / "templates", "common", "stability-data")
    width = text_width(read_package(template.data)["word/document.xml"])
    regions = comparison.regions
    header = [[Cell((Run("Field"),))] + [Cell((Run(heading(r)),)) for r in regions]]
    body = [[Cell((Run(f.path),))] + [_cell(f.values[r]) for r in regions] for f in comparison.fields]
    caption = f"Values that differ between {', '.join(heading(r) for r in regions)} ({len(body)})"
    blocks = [paragraph([Run(NOTE)]), *_section_lines(comparison), paragraph([Run(caption)], "Caption"),
              table(header, body, [3] + [2] * len(regions), width)]
    heading_text = f"{TITLE}: {comparison.product_name}"
    doc = {"product": comparison.product_name, "section": TITLE, "title": ", ".join(heading(r) for r in regions),
           "heading": heading_text, "subject": f"{comparison.product} — as of {comparison.as_of}"}
    data = render(template, doc, LABELS, blocks, f"{comparison.product}/{TITLE}")
    parts = read_package(data)
    finish = Finish(heading_text, comparison.as_of, "en", "A4", comparison.east_asia)
    east_asian_fonts(parts, finish)  # NMPA values are Chinese: without zh-CN they get Japanese glyphs
    core_properties(parts, finish)   # dates from the content, not the clock: same input, same bytes
    return write_package(parts)


def write_comparison(comparison: RegionComparison, dest: Path) -> list[Path]:
    """Write `region-comparison.md` and `.docx` into `dest` (each atomically); return their paths."""
    check_output(dest.parent, dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environment_error("E4002", f"cannot create the folder: {exc.strerror or exc}", dest) from None
    return [atomic_write(dest / f"{NAME}{suffix}", data)
            for suffix, data in ((".md", comparison_markdown(comparison).encode("utf-8")),
                                 (".docx", comparison_docx(comparison)))]
