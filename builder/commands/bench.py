"""`invoke bench`: large tables through our renderer against the same table XML written with lxml.

OURS: `blocks.table` → `render.render_parts` (landscape stability template, the leaf path a build takes:
the template prepared once, `ooxml/compiled.py`) → `write_package`.
BASELINE: the same `w:tbl` built with lxml and put in the template's body: the floor for these bytes.
Every output is checked with python-docx (rows, last cell, text equal to the baseline's); a wrong one raises.
Wall-time medians (`perf_counter`), with CPU time (`process_time`) as the figure to trust on a busy machine.
Memory: a fresh process per figure, peak RSS (VmHWM) minus RSS just before the run.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

from ..errors import content_error
from ..ooxml.blocks import Cell, Run, table
from ..ooxml.namespaces import W_NS
from ..ooxml.package import read_package, write_package
from ..ooxml.steps import text_width
from ..render import TemplateFile, find_template, render_parts

ROOT = Path(__file__).resolve().parents[2]
VALUES = ("99.6", "< 0.05", "Conforms", "0.12", "Not detected", "101.2", "≤ 0.5 %", "4.1")
DOC = {"heading": "3.2.P.8.3 Stability Data", "subject": "Long-term stability, 25 °C / 60 % RH",
       "product": "Examplinib tablets 50 mg", "section": "3.2.P.8.3", "title": "Stability Data"}
LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}
W = f"{{{W_NS}}}"


def _template() -> TemplateFile:
    return find_template(ROOT / "templates", "common", "stability-data")


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
    parts = render_parts(template, DOC, LABELS, [block], "bench")
    t2 = time.perf_counter()
    data = write_package(parts)
    return data, {"build_s": t1 - t0, "render_s": t2 - t1, "normalise_s": time.perf_counter() - t2}


def _sub(parent, tag: str, **attrs):
    return etree.SubElement(parent, W + tag, {W + k: v for k, v in attrs.items()})


def baseline(template: TemplateFile, header, body) -> bytes:
    parts = read_package(template.data)
    root = etree.fromstring(parts["word/document.xml"])
    doc_body, col = root.find(W + "body"), str(max(400, text_width(parts["word/document.xml"]) // len(header)))
    for child in list(doc_body)[:-1]:  # all but the final w:sectPr
        doc_body.remove(child)
    heading, tbl = etree.Element(W + "p"), etree.Element(W + "tbl")
    _sub(_sub(heading, "pPr"), "pStyle", val="Heading1")
    _sub(_sub(heading, "r"), "t").text = DOC["heading"]
    props = _sub(tbl, "tblPr")
    _sub(props, "tblStyle", val="CMCTable")
    _sub(props, "tblW", w="5000", type="pct")
    _sub(props, "tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="1", lastColumn="0",
         noHBand="0", noVBand="1")
    grid = _sub(tbl, "tblGrid")
    for _ in header:
        _sub(grid, "gridCol", w=col)
    for i, row in enumerate([header, *body]):
        tr = _sub(tbl, "tr")
        tr_pr = _sub(tr, "trPr")
        _sub(tr_pr, "cantSplit")
        if i == 0:
            _sub(tr_pr, "tblHeader")
        for text in row:
            tc = _sub(tr, "tc")
            _sub(_sub(tc, "tcPr"), "tcW", w=col, type="dxa")
            p = _sub(tc, "p")
            _sub(_sub(p, "pPr"), "pStyle", val="TableHeading" if i == 0 else "TableText")
            _sub(_sub(p, "r"), "t").text = text
    doc_body[0:0] = [heading, tbl]
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return write_package(parts)


def check(data: bytes, header, body) -> str:
    """Raise unless the output holds one table with every row and the right last cell; return its text."""
    import docx

    tables = docx.Document(io.BytesIO(data)).tables
    if len(tables) != 1 or len(tables[0].rows) != len(body) + 1:
        raise AssertionError(f"expected 1 table of {len(body) + 1} rows, got {[len(t.rows) for t in tables]}")
    last = tables[0].rows[-1].cells[-1].text
    if last != body[-1][-1]:
        raise AssertionError(f"last cell is {last!r}, expected {body[-1][-1]!r}")
    return "\t".join(tables[0]._tbl.itertext())


def _median(func, repeat: int):
    """(wall s, CPU s, result) of the run with the median wall time."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = func()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, result))
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


def peak_mb(path: str, rows: int, columns: int) -> float:
    """Peak RSS increase of one run of `path` ("ours" or "baseline") in a fresh process, in MB."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from builder.commands import bench; bench._peak_child()"
    out = subprocess.run([sys.executable, "-c", code, path, str(rows), str(columns)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["mb"]


def _peak_child() -> None:
    path, rows, columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    template, (header, body) = _template(), _texts(rows, columns)
    import docx  # noqa: F401  (the render imports it anyway: not part of the run's memory)

    def status(key: str) -> int:  # kB; VmHWM is this process's own peak (ru_maxrss would keep the parent's)
        return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key))

    before = status("VmRSS:")
    ours(template, header, body) if path == "ours" else baseline(template, header, body)
    print(json.dumps({"mb": (status("VmHWM:") - before) / 1024}))


def parse_counts(rows: str, columns, repeat) -> tuple[tuple[int, ...], int, int]:
    """The bench options as numbers: every one a whole number of at least 1, or an option error (exit 2)."""
    def whole(text, option: str) -> int:
        value = str(text).strip()
        if not value.isdigit() or int(value) < 1:
            raise content_error("E2306", f"'{value}' is not a whole number of at least 1", None, f"--{option}")
        return int(value)

    counts = tuple(whole(n, "rows") for n in str(rows).split(",") if n.strip())
    if not counts:
        raise content_error("E2306", "no row count given (e.g. 100,1000)", None, "--rows")
    return counts, whole(columns, "columns"), whole(repeat, "repeat")


def run(rows=(100, 1000, 10000), columns=12, repeat=3, memory=True) -> list[dict]:
    template, results = _template(), []
    for n in rows:
        header, body = _texts(n, columns)
        ours_s, ours_cpu, (data, split) = _median(lambda: ours(template, header, body), repeat)
        base_s, base_cpu, base = _median(lambda: baseline(template, header, body), repeat)
        if check(data, header, body) != check(base, header, body):
            raise AssertionError(f"{n} rows: our table text differs from the baseline's")
        results.append({"rows": n, "columns": columns, "ours_s": ours_s, "baseline_s": base_s,
                        "ratio": ours_s / base_s, "ours_per_1000_s": ours_s * 1000 / n, **split,
                        "ours_cpu_s": ours_cpu, "baseline_cpu_s": base_cpu,
                        "checked": {"rows": n + 1, "last_cell": body[-1][-1], "same_text_as_baseline": True},
                        "peak_mb": {"ours": peak_mb("ours", n, columns), "baseline": peak_mb("baseline", n, columns)}
                        if memory else None})
    return results


COLUMNS = (("rows", "rows", 7, ""), ("ours s", "ours_s", 7, ".3f"), ("build", "build_s", 6, ".3f"),
           ("render", "render_s", 6, ".3f"), ("zip", "normalise_s", 6, ".3f"), ("lxml s", "baseline_s", 7, ".3f"),
           ("ratio", "ratio", 6, ".2f"), ("s/1k", "ours_per_1000_s", 6, ".3f"), ("cpu ours", "ours_cpu_s", 8, ".3f"),
           ("cpu lxml", "baseline_cpu_s", 8, ".3f"), ("MB ours", "mb_ours", 7, ".1f"), ("MB lxml", "mb_lxml", 7, ".1f"))


def format_report(results) -> str:
    lines = [" ".join(f"{title:>{width}}" for title, _, width, _ in COLUMNS)]
    for r in results:
        mem = r["peak_mb"] or {"ours": float("nan"), "baseline": float("nan")}
        r = {**r, "mb_ours": mem["ours"], "mb_lxml": mem["baseline"]}
        lines.append(" ".join(f"{r[key]:>{width}{fmt}}" for _, key, width, fmt in COLUMNS))
    top = results[-1]
    for low in results[:-1]:
        per = {k: (top[k] / top["rows"]) / (low[k] / low["rows"])
               for k in ("ours_s", "baseline_s", "ours_cpu_s", "baseline_cpu_s")}
        lines.append(f"linearity, per-row time at {top['rows']:,} / at {low['rows']:,} rows: ours "
                     f"{per['ours_s']:.2f} (cpu {per['ours_cpu_s']:.2f}), lxml {per['baseline_s']:.2f} "
                     f"(cpu {per['baseline_cpu_s']:.2f}); 1 = linear, fixed costs pull it below 1")
    lines.append(f"{top['columns']} columns; wall-time medians, split (build, render, zip = normalise) from "
                 "the median run; ratio = ours/lxml; s/1k = ours per 1,000 rows; MB = peak RSS (VmHWM) "
                 "minus RSS before the run, fresh process each; outputs checked with python-docx")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_report(run()))
