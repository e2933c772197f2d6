"""The readiness report per region as Word, Markdown and JSON, in output/<product>/readiness-<region>.*.

The three print the same figures: the score and its formula, a table of every blocker kind with its
count and weight, then what blocks, item by item (JSON lists every item; the documents too).
"""
from __future__ import annotations

import json
from pathlib import Path

from ..ooxml.blocks import Block, Cell, Run, paragraph, table
from ..publish import canonical_json
from .readiness import Readiness
from .risk_docs import _md, _md_table, report_docx, write_reports

STEM = "readiness"


def _label(readiness: Readiness, key: str, **values) -> str:
    text = readiness.profile.labels[key] if readiness.profile is not None else key
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _region(readiness: Readiness) -> str:
    labels = readiness.profile.labels if readiness.profile is not None else {}
    return labels.get(f"region_{readiness.region}", readiness.region.upper())


def rows(readiness: Readiness) -> list[list[str]]:
    """Blocker kind (in the region's words), count, weight."""
    return [[_label(readiness, "readiness_" + blocker.kind.replace("-", "_")), str(blocker.count), str(blocker.weight)]
            for blocker in readiness.blockers]


def headings(readiness: Readiness) -> list[str]:
    return [_label(readiness, k) for k in ("readiness_item", "readiness_count", "readiness_weight")]


def subject(readiness: Readiness) -> str:
    return _label(readiness, "readiness_subject", product=readiness.product_name, region=_region(readiness),
                  as_of=readiness.as_of)


def readiness_markdown(readiness: Readiness) -> str:
    out = [f"# {_label(readiness, 'readiness_title')}", "", subject(readiness), "",
           f"**{_label(readiness, 'readiness_score', score=readiness.score)}**", ""]
    out += _md_table(headings(readiness), rows(readiness)) + ["", f"## {_label(readiness, 'readiness_blockers')}", ""]
    blocking = readiness.blocking()
    if not blocking:
        out.append(_label(readiness, "readiness_ready"))
    for blocker in blocking:
        out += [f"### {_label(readiness, 'readiness_' + blocker.kind.replace('-', '_'))} ({blocker.count})", ""]
        out += [f"- {_md(detail)}" for detail in blocker.details] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _blocks(readiness: Readiness, width: int) -> list[Block]:
    blocks = [paragraph([Run(_label(readiness, "readiness_score", score=readiness.score), bold=True)]),
              table([[Cell((Run(h),)) for h in headings(readiness)]],
                    [[Cell((Run(c),)) for c in row] for row in rows(readiness)], [6, 2, 1], width),
              paragraph([Run(_label(readiness, "readiness_blockers"))], "Heading2")]
    blocking = readiness.blocking()
    if not blocking:
        blocks.append(paragraph([Run(_label(readiness, "readiness_ready"))]))
    for blocker in blocking:
        title = f"{_label(readiness, 'readiness_' + blocker.kind.replace('-', '_'))} ({blocker.count})"
        blocks.append(paragraph([Run(title)], "Heading3"))
        blocks += [paragraph([Run(detail)], "ListBullet") for detail in blocker.details]
    return blocks


def readiness_docx(readiness: Readiness, root: Path) -> bytes:
    return report_docx(root, readiness.region, readiness.profile, _label(readiness, "readiness_title"),
                       subject(readiness), readiness.as_of, lambda width: _blocks(readiness, width),
                       f"{readiness.product}/{STEM}-{readiness.region}", readiness.product_name,
                       template_name="narrative")


def write_readiness(found: list[Readiness], root: Path) -> list[Path]:
    """Markdown and JSON for every pair; Word for every pair that got as far as planning (it needs the
    region's profile for its words and page)."""
    written = []
    for readiness in found:
        files = [(f"{STEM}-{readiness.region}.json", canonical_json(readiness.as_json()))]
        if readiness.profile is not None:
            files += [(f"{STEM}-{readiness.region}.md", readiness_markdown(readiness).encode("utf-8")),
                      (f"{STEM}-{readiness.region}.docx", readiness_docx(readiness, root))]
        written += write_reports(root / "output" / readiness.product, files)
    return written
