"""The risk register as a Word document and as Markdown (for git review), one pair per region.

Both print the same things in the same order: the heat map (likelihood rows, highest first, × impact
columns; each cell lists the ids of the risks there and is coloured by its band), the register table,
each risk in detail, and where the regions' assessments differ. Words are the region's labels and
its scales' level names (NMPA in Chinese); the Word document uses the region's `risk-register.docx`
template, falling back to common's, and is post-processed like a leaf, dated from `product.as_of`.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import environment_error
from ..ooxml.atomic import atomic_write
from ..ooxml.blocks import Block, Cell, Run, paragraph, table
from ..ooxml.package import read_package, write_package
from ..ooxml.steps import STEPS, Finish, text_width
from ..publish import check_output
from ..render import find_template, render
from .risk_register import RegionRegister, RiskRow

TEMPLATE = "risk-register"
STEM = "risk-register"


# --- what both formats print -------------------------------------------------------------------------

def heat_map(register: RegionRegister) -> tuple[list[str], list[tuple[str, list[tuple[str, str]]]]]:
    """(column headings, rows): each row a likelihood level with, per impact level, (risk ids, colour)."""
    scales = register.scales
    impacts = sorted(scales.impact.levels, key=lambda lv: int(lv.value))
    likelihoods = sorted(scales.likelihood.levels, key=lambda lv: -int(lv.value))
    colour_by_cell = tuple(sorted(scales.score)) == ("impact", "likelihood")
    rows = []
    for lk in likelihoods:
        cells = []
        for im in impacts:
            ids = [row.risk.id for row in register.rows if row.risk.likelihood == lk.id and row.risk.impact == im.id]
            band = scales.band(int(lk.value) * int(im.value)) if colour_by_cell else None
            cells.append((", ".join(ids), band.colour if band is not None else ""))
        rows.append((f"{lk.id} {lk.name}", cells))
    corner = f"{scales.likelihood.name} ↓  {scales.impact.name} →"
    return [corner] + [f"{im.id} {im.name}" for im in impacts], rows


def register_columns(register: RegionRegister) -> list[str]:
    keys = ["risk_id", "risk_question", "risk_area", "risk_regions"]
    names = [register.label(k) for k in keys] + [register.scales.likelihood.name, register.scales.impact.name]
    if register.scales.detectability is not None and any(r.risk.detectability for r in register.rows):
        names.append(register.scales.detectability.name)
    return names + [register.label(k) for k in ("risk_score", "risk_band", "risk_owner", "risk_status", "risk_review")]


def register_row(register: RegionRegister, row: RiskRow) -> list[str]:
    risk, labels = row.risk, register.labels
    cells = [risk.id, risk.question, area_name(register, risk.area), regions_text(register, risk),
             level(register, "likelihood", risk.likelihood), level(register, "impact", risk.impact)]
    if register.scales.detectability is not None and any(r.risk.detectability for r in register.rows):
        cells.append(level(register, "detectability", risk.detectability) if risk.detectability else labels["risk_none"])
    return cells + [row.value("score", labels), row.value("band", labels), row.value("owner", labels),
                    row.value("status", labels), risk.review or labels["risk_none"]]


def level(register: RegionRegister, factor: str, ident: str) -> str:
    scale = register.scales.scale(factor)
    found = scale.level(ident) if scale is not None else None
    return f"{ident} {found.name}" if found is not None else ident


def area_name(register: RegionRegister, area: str) -> str:
    named = register.scales.area(area)
    return named.name if named is not None else area


def regions_text(register: RegionRegister, risk) -> str:
    if not risk.regions:
        return register.label("risk_all_regions")
    return register.labels["list_separator"].join(register.region_name(r) for r in risk.regions)


def details(register: RegionRegister, row: RiskRow) -> list[tuple[str, str]]:
    """(label, value) pairs of what the register table does not show, only those the risk states."""
    risk, label = row.risk, register.label
    pairs = [("risk_harm", risk.harm), ("risk_assumptions", "\n".join(f"• {a}" for a in risk.assumptions))]
    gaps = [f"• {gap.gap} ({label('risk_gap_filled') if filled else label('risk_gap_open')}: "
            f"{', '.join([*gap.fields, *gap.sections]) or label('risk_none')})" for gap, filled in row.gaps]
    pairs.append(("risk_data_gaps", "\n".join(gaps)))
    pairs.append(("risk_fallback", risk.fallback))
    actions = [f"• {a.action} ({label('owner_' + (a.owner or risk.owner))}"
               f"{'; ' + label('risk_due') + ' ' + a.due if a.due else ''})" for a in risk.actions]
    pairs.append(("risk_actions", "\n".join(actions)))
    pairs.append(("risk_rationale", risk.rationale))
    if risk.residual is not None:
        residual = risk.residual
        pairs.append(("risk_residual", f"{level(register, 'likelihood', residual.likelihood)} × "
                      f"{level(register, 'impact', residual.impact)} = {row.value('residual', register.labels)}"))
    pairs.append(("risk_uncertainty", risk.uncertainty))
    return [(label(key), value) for key, value in pairs if value]


def divergence_table(register: RegionRegister) -> tuple[list[str], list[list[str]]]:
    header = [register.label("risk_id"), register.label("risk_field")] + \
        [register.region_name(r) for r in register.regions]
    names = {"likelihood": register.scales.likelihood.name, "impact": register.scales.impact.name,
             "detectability": register.scales.detectability.name if register.scales.detectability else "",
             "score": register.label("risk_score"), "band": register.label("risk_band"),
             "owner": register.label("risk_owner"), "status": register.label("risk_status"),
             "residual": register.label("risk_residual"), "review": register.label("risk_review")}
    body = [[d.risk, names[d.field]] + [d.values[r] or register.label("risk_none") for r in register.regions]
            for d in register.divergences]
    return header, body


def intro(register: RegionRegister) -> str:
    scales = register.scales
    formula = " × ".join(scales.scale(f).name for f in scales.score)
    bands, low = [], 1
    for band in scales.bands:
        bands.append(f"{band.name} {low}–{band.max}")
        low = int(band.max) + 1
    return register.label("risk_intro", region=register.region_name(register.region), count=len(register.rows),
                          formula=formula, bands=register.labels["list_separator"].join(bands))


def subject(register: RegionRegister) -> str:
    return register.label("risk_subject", product=register.product_name, region=register.region_name(register.region),
                          as_of=register.as_of)


# --- Markdown ----------------------------------------------------------------------------------------

def _md(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")
    return re.sub(r"<(?!br>)(?=[A-Za-z/!?])", "&lt;", text)


def _md_table(header: list[str], body: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(_md(c) for c in row) + " |" for row in body]


def register_markdown(register: RegionRegister) -> str:
    out = [f"# {register.label('risk_title')}", "", subject(register), "", intro(register), "",
           f"## {register.label('risk_heat_map')}", ""]
    header, rows = heat_map(register)
    out += _md_table(header, [[name] + [ids for ids, _ in cells] for name, cells in rows])
    out += ["", f"## {register.label('risk_register')}", ""]
    out += _md_table(register_columns(register), [register_row(register, row) for row in register.rows])
    out += ["", f"## {register.label('risk_details')}", ""]
    for row in register.rows:
        out += [f"### {row.risk.id}", "", row.risk.question, ""]
        out += _md_table([register.label("risk_field"), register.label("value")], [[k, v] for k, v in details(register, row)]) + [""]
    out += [f"## {register.label('risk_divergence')}", ""]
    header, body = divergence_table(register)
    out += _md_table(header, body) if body else [register.label("risk_divergence_none")]
    return "\n".join(out) + "\n"


# --- Word ----------------------------------------------------------------------------------------------

def _cell(text: str, fill: str = "") -> Cell:
    return Cell((Run(text),), fill=fill)


def _heading(text: str, style: str = "Heading2") -> Block:
    return paragraph([Run(text)], style)


def register_blocks(register: RegionRegister, width: int) -> list[Block]:
    blocks = [paragraph([Run(intro(register))]), _heading(register.label("risk_heat_map"))]
    header, rows = heat_map(register)
    blocks.append(table([[_cell(h) for h in header]], [[_cell(name)] + [_cell(ids, fill) for ids, fill in cells]
                                                        for name, cells in rows], [2] * len(header), width))
    blocks.append(_heading(register.label("risk_register")))
    columns = register_columns(register)
    levels = len(columns) - 9                          # likelihood, impact (and detectability)
    weights = [3, 7, 2, 2] + [3] * levels + [2, 2, 2, 2, 2]
    blocks.append(table([[_cell(c) for c in columns]],
                        [[_cell(c) for c in register_row(register, row)] for row in register.rows], weights, width))
    blocks.append(_heading(register.label("risk_details")))
    for row in register.rows:
        blocks.append(_heading(f"{row.risk.id} — {row.risk.question}", "Heading3"))
        blocks.append(table([[_cell(register.label("risk_field")), _cell(register.label("value"))]],
                            [[_cell(k), _cell(v)] for k, v in details(register, row)], [1, 4], width))
    blocks.append(_heading(register.label("risk_divergence")))
    header, body = divergence_table(register)
    if body:
        blocks.append(table([[_cell(h) for h in header]], [[_cell(c) for c in r] for r in body],
                            [2, 2] + [2] * len(register.regions), width))
    else:
        blocks.append(paragraph([Run(register.label("risk_divergence_none"))]))
    return blocks


def register_docx(register: RegionRegister) -> bytes:
    return report_docx(register.root, register.region, register.profile, register.label("risk_title"),
                       subject(register), register.as_of, lambda width: register_blocks(register, width),
                       f"{register.product}/{STEM}-{register.region}", register.product_name)


def report_docx(root: Path, region: str, profile, title: str, subject_text: str, as_of: str, blocks_of,
                name: str, product_name: str, template_name: str = TEMPLATE) -> bytes:
    """A report in the house style: the region's template (else common's), post-processed like a leaf."""
    template = find_template(root / "templates", region, template_name)
    width = text_width(read_package(template.data)["word/document.xml"])
    doc = {"product": product_name, "section": title, "title": subject_text, "heading": title,
           "subject": subject_text}
    data = render(template, doc, profile.labels, blocks_of(width), name)
    east_asia = (profile.east_asia.body_font, profile.east_asia.heading_font, profile.east_asia.lang) \
        if profile.east_asia else None
    info = Finish(title, as_of, profile.language, profile.page_size, east_asia, profile.body_size_pt or "")
    parts = read_package(data)
    for step in profile.postprocess:
        STEPS[step](parts, info)   # dates from the content, never the clock: same input, same bytes
    return write_package(parts)


def write_reports(dest: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write each (name, bytes) into `dest` atomically; refuse a destination that leaves output/."""
    check_output(dest.parent, dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise environment_error("E4002", f"cannot create the folder: {exc.strerror or exc}", dest) from None
    return [atomic_write(dest / name, data) for name, data in files]


def write_registers(registers: list[RegionRegister], output: Path) -> list[Path]:
    written = []
    for register in registers:
        written += write_reports(output / register.product, [
            (f"{STEM}-{register.region}.md", register_markdown(register).encode("utf-8")),
            (f"{STEM}-{register.region}.docx", register_docx(register))])
    return written
