"""Benchmark large tables (`invoke bench`): our renderer against writing the same table XML with lxml.

OUR path is the real one: `blocks.table` → `render.render` with the landscape stability template →
`write_package(read_package(...))`. The BASELINE builds the same `w:tbl` with lxml and puts it in the
template's body directly: the floor that any renderer of these bytes pays. Every output is opened with
python-docx and checked (row count, last cell, all table text equal to the baseline's) before a time
is reported: a fast wrong render is not a result. Memory is measured apart from timing, in a fresh
Python process per measurement: peak RSS (VmHWM) minus RSS just before the run.
"""
from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

from .ooxml.blocks import Cell, Run, W_NS, table
from .ooxml.package import read_package, write_package
from .ooxml.steps import text_width
from .render import TemplateFile, render

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "common" / "stability-data.docx"
VALUES = ("99.6", "< 0.05", "Conforms", "0.12", "Not detected", "101.2", "≤ 0.5 %", "4.1")
DOC = {"heading": "3.2.P.8.3 Stability Data", "subject": "Long-term stability, 25 °C / 60 % RH",
       "product": "Examplinib tablets 50 mg", "section": "3.2.P.8.3", "title": "Stability Data"}
LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}
W = f"{{{W_NS}}}"


def _texts(rows: int, columns: int) -> tuple[list[str], list[list[str]]]:
    header = ["Batch", "Test", "Acceptance criterion", *(f"{m} M" for m in range(0, 3 * columns, 3))][:columns]
    body = [[f"B{i:05d}", *(VALUES[(i + c) % len(VALUES)] for c in range(1, columns))] for i in range(rows)]
    return header, body


def ours(template: TemplateFile, header, body) -> tuple[bytes, dict]:
    t0 = time.perf_counter()
    width = text_width(read_package(template.data)["word/document.xml"])
    cell = lambda text: Cell((Run(text),))  # noqa: E731
    block = table([[cell(t) for t in header]], [[cell(t) for t in row] for row in body], [1] * len(header), width)
    t1 = time.perf_counter()
    data = render(template, DOC, LABELS, [block], "bench")
    t2 = time.perf_counter()
    data = write_package(read_package(data))
    t3 = time.perf_counter()
    return data, {"build": t1 - t0, "render": t2 - t1, "normalise": t3 - t2}


def baseline(template: TemplateFile, header, body) -> bytes:
    parts = read_package(template.data)
    root = etree.fromstring(parts["word/document.xml"])
    body_el = root.find(W + "body")
    width = text_width(parts["word/document.xml"])
    for child in list(body_el)[:-1]:  # everything but the final w:sectPr
        body_el.remove(child)
    heading = etree.Element(W + "p")
    etree.SubElement(etree.SubElement(heading, W + "pPr"), W + "pStyle", {W + "val": "Heading1"})
    etree.SubElement(etree.SubElement(heading, W + "r"), W + "t").text = DOC["heading"]
    tbl = etree.Element(W + "tbl")
    props = etree.SubElement(tbl, W + "tblPr")
    etree.SubElement(props, W + "tblStyle", {W + "val": "CMCTable"})
    etree.SubElement(props, W + "tblW", {W + "w": "5000", W + "type": "pct"})
    grid = etree.SubElement(tbl, W + "tblGrid")
    col = str(max(400, width // len(header)))
    for _ in header:
        etree.SubElement(grid, W + "gridCol", {W + "w": col})
    for i, row in enumerate([header, *body]):
        tr = etree.SubElement(tbl, W + "tr")
        trpr = etree.SubElement(tr, W + "trPr")
        etree.SubElement(trpr, W + "cantSplit")
        if i == 0:
            etree.SubElement(trpr, W + "tblHeader")
        for text in row:
            tc = etree.SubElement(tr, W + "tc")
            etree.SubElement(etree.SubElement(tc, W + "tcPr"), W + "tcW", {W + "w": col, W + "type": "dxa"})
            p = etree.SubElement(tc, W + "p")
            etree.SubElement(etree.SubElement(p, W + "pPr"), W + "pStyle",
                             {W + "val": "TableHeading" if i == 0 else "TableText"})
            etree.SubElement(etree.SubElement(p, W + "r"), W + "t").text = text
    body_el.insert(0, tbl)
    body_el.insert(0, heading)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package(parts)


def check(data: bytes, header, body) -> str:
    """Raise unless the output has one table with every row and the right last cell; return its text."""
    import docx

    tables = docx.Document(io.BytesIO(data)).tables
    if len(tables) != 1 or len(tables[0].rows) != len(body) + 1:
        raise AssertionError(f"expected 1 table of {len(body) + 1} rows, got {[len(t.rows) for t in tables]}")
    last = tables[0].rows[-1].cells[-1].text
    if last != body[-1][-1]:
        raise AssertionError(f"last cell is {last!r}, expected {body[-1][-1]!r}")
    return "\t".join(tables[0]._tbl.itertext())


def _template() -> TemplateFile:
    return TemplateFile("stability-data", TEMPLATE, "templates/common/stability-data.docx", TEMPLATE.read_bytes())


def _time(func, repeat: int):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        runs.append((time.perf_counter() - t0, result))
    runs.sort(key=lambda r: r[0])
    return runs[len(runs) // 2]  # the median run (upper median for an even count)


def peak_mb(path: str, rows: int, columns: int) -> float:
    """Peak RSS increase of one run of `path` ("ours" or "baseline"), in a fresh process."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from builder import bench; bench._peak_child()"
    out = subprocess.run([sys.executable, "-c", code, path, str(rows), str(columns)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["mb"]


def _peak_child() -> None:
    path, rows, columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    template, (header, body) = _template(), _texts(rows, columns)
    import docx  # noqa: F401  (imported by the render anyway; not part of the run's memory)

    rss = _status("VmRSS")
    ours(template, header, body) if path == "ours" else baseline(template, header, body)
    print(json.dumps({"mb": (_status("VmHWM") - rss) / 1024}))


def _status(key: str) -> int:
    """A /proc/self/status figure in kB: VmHWM is this process's own peak (ru_maxrss survives exec)."""
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key + ":"))


def run(rows=(100, 1000, 10000), columns=12, repeat=3, memory=True) -> list[dict]:
    template, results = _template(), []
    for n in rows:
        header, body = _texts(n, columns)
        ours_s, (data, split) = _time(lambda: ours(template, header, body), repeat)
        base_s, base = _time(lambda: baseline(template, header, body), repeat)
        same = check(data, header, body) == check(base, header, body)
        if not same:
            raise AssertionError(f"{n} rows: our table text differs from the baseline's")
        results.append({"rows": n, "columns": columns, "ours_s": ours_s, "baseline_s": base_s,
                        "ratio": ours_s / base_s, "ours_per_1000_s": ours_s * 1000 / n, **split,
                        "checked": {"rows": n + 1, "last_cell": body[-1][-1], "same_text_as_baseline": same},
                        "peak_mb": {"ours": peak_mb("ours", n, columns), "baseline": peak_mb("baseline", n, columns)}
                        if memory else None})
    return results


def format_report(results) -> str:
    lines = [f"{'rows':>7} {'ours s':>8} {'build':>7} {'render':>7} {'normal.':>7} {'lxml s':>8} "
             f"{'ratio':>6} {'s/1k rows':>9} {'MB ours':>8} {'MB lxml':>8}"]
    for r in results:
        mem = r["peak_mb"] or {"ours": float("nan"), "baseline": float("nan")}
        lines.append(f"{r['rows']:>7} {r['ours_s']:>8.3f} {r['build']:>7.3f} {r['render']:>7.3f} "
                     f"{r['normalise']:>7.3f} {r['baseline_s']:>8.3f} {r['ratio']:>6.2f} "
                     f"{r['ours_per_1000_s']:>9.3f} {mem['ours']:>8.1f} {mem['baseline']:>8.1f}")
    per_row = {r["rows"]: (r["ours_s"] / r["rows"], r["baseline_s"] / r["rows"]) for r in results}
    top = max(per_row)
    for low in sorted(per_row)[:-1]:
        ours_x, base_x = (per_row[top][i] / per_row[low][i] for i in (0, 1))
        lines.append(f"linearity: per-row time at {top:,} / at {low:,} rows = {ours_x:.2f} (lxml {base_x:.2f}); "
                     "1 = linear, > 1 superlinear; fixed costs pull it below 1")
    lines.append(f"{results[0]['columns']} columns; times are medians (split columns from the median run); "
                 "MB = peak RSS (VmHWM) minus RSS before the run, fresh process per measurement; "
                 "every output checked with python-docx (row count, last cell, same text as lxml)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_report(run()))
