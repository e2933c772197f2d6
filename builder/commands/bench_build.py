"""`invoke bench`, whole builds: the build against a naive docxtpl loop, rebuilds, check, portfolios.

Every figure is one run in a fresh Python process (so "cold" really is: nothing compiled, nothing
cached but what the run itself may use), timed inside it around the work alone, imports excluded,
with its peak RSS (VmHWM). Runs of the different kinds are interleaved, `repeat` rounds, and the
median of each kind is reported with the ratios the issue asks for:

- cold build (empty output/, no content cache) vs the naive loop: the same leaves, the same
  contexts, each template opened with plain docxtpl, rendered and saved (contexts prepared beforehand,
  outside the timing);
- build time per leaf vs the floor: zipping each final leaf's parts from memory;
- no-change rebuild and one-value rebuild (one batch result edited) vs cold;
- `check` (prepare only) vs build;
- portfolios of 1, 4 and 16 copies of the example: time per product and peak memory, and the rebuild
  after one value of one product is edited.

The projects are copies in a temp folder (removed at the end); nothing in the repository is written.
"""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examplinib"
# One batch result in the example's drug product (a single-value edit for the incremental figure).
EDIT = ("drug-product.yaml", "          assay: 100.4\n", "          assay: 100.5\n")


def portfolio(folder: Path, products: int, name: str = "") -> Path:
    """A project with `products` copies of the example (ids examplinib, examplinib-2 …)."""
    from .scaffold import new_product

    root = folder / (name or f"portfolio-{products}")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "content" / EXAMPLE, root / "content" / EXAMPLE)
    for number in range(2, products + 1):
        new_product(root, f"{EXAMPLE}-{number}", EXAMPLE)
    return root


def parse_sizes(text: str) -> tuple[int, ...]:
    """`--portfolio 1,4,16` as numbers, or an option error (exit 2)."""
    from ..errors import content_error

    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    if not parts or not all(p.isdigit() and int(p) >= 1 for p in parts):
        raise content_error("E2306", f"'{text}' is not a list of whole numbers of at least 1 (e.g. 1,4,16)", None,
                            "--portfolio")
    return tuple(int(p) for p in parts)


def child(kind: str, root: str, jobs: int) -> dict:
    """One measured run (in this fresh process); returns seconds, peak MB and what was done."""
    from ..errors import Diagnostics
    from ..pipeline import build, prepare
    from ..project import Project

    project = Project(Path(root))
    if kind == "naive":
        return _naive(project)
    if kind == "floor":
        return _floor(project)
    if kind == "cold":
        shutil.rmtree(project.output, ignore_errors=True)
    if kind == "one-value":
        _edit(project.root)
    start = time.perf_counter()
    if kind == "check":
        dossiers = prepare(project, diags=Diagnostics())
        leaves = sum(len(d.leaves) for d in dossiers)
    else:
        build(project.root, diags=Diagnostics(), jobs=jobs)
        leaves = sum(len(json.loads(m.read_text())["leaves"]) for m in project.output.glob("*/*/manifest.json"))
    return {"s": time.perf_counter() - start, "leaves": leaves, "mb": _peak_mb()}


def _edit(root: Path) -> None:
    name, old, new = EDIT
    path = root / "content" / EXAMPLE / "core" / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text.replace(new, old, 1), encoding="utf-8")


def _naive(project) -> dict:
    """Plain docxtpl over the build's own leaves and contexts: open, render, save."""
    import io

    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from ..errors import Diagnostics
    from ..ooxml.package import read_package
    from ..ooxml.steps import text_width
    from ..pipeline import leaf_blocks, prepare
    from ..render import find_template

    jobs = []
    for dossier in prepare(project, diags=Diagnostics()):
        for leaf in dossier.leaves:
            template = find_template(project.templates, dossier.region, leaf.template)
            width = text_width(read_package(template.data)["word/document.xml"])
            blocks, _ = leaf_blocks(dossier.leaves, leaf, width)
            doc = {"product": dossier.content.product.name, "section": leaf.number, "title": leaf.title,
                   "heading": leaf.heading, "subject": leaf.subject}
            jobs.append((template.data, {"doc": doc, "labels": dossier.profile.labels, "blocks": blocks}))
    start = time.perf_counter()
    for data, context in jobs:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.render(context, jinja_env=Environment(autoescape=True), autoescape=True)
        tpl.save(io.BytesIO())
    return {"s": time.perf_counter() - start, "leaves": len(jobs), "mb": _peak_mb()}


def _floor(project) -> dict:
    """Zipping each built leaf's final parts from memory: the least any writer of these bytes pays."""
    from ..ooxml.package import read_package, write_package

    parts = [read_package(p.read_bytes()) for p in sorted(project.output.glob("*/*/m3/**/*.docx"))]
    start = time.perf_counter()
    for package in parts:
        write_package(package)
    return {"s": time.perf_counter() - start, "leaves": len(parts), "mb": _peak_mb()}


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def _run(kind: str, root: Path, jobs: int) -> dict:
    code = (f"import sys, json; sys.path.insert(0, {str(ROOT)!r}); from builder.commands import bench_build; "
            f"print(json.dumps(bench_build.child({kind!r}, {str(root)!r}, {jobs})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env())
    if out.returncode:
        raise RuntimeError(f"bench run '{kind}' failed: {out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _env() -> dict:
    import os

    return {**os.environ, "CMC_NO_PROGRESS": "1"}


def run(repeat: int = 5, portfolios=(1, 4, 16), jobs: int = 0) -> dict:
    """Interleaved rounds of every kind; medians; the portfolio builds once each (they are long)."""
    with tempfile.TemporaryDirectory(prefix="cmc-bench-") as tmp:
        root = portfolio(Path(tmp), 1, "ratios")
        kinds = ("cold", "cold-serial", "naive", "no-change", "one-value", "check")
        runs = {kind: [] for kind in kinds}
        _run("cold", root, 1)  # a first build, so the rebuild kinds have something to rebuild
        for _ in range(repeat):
            for kind in kinds:
                runs[kind].append(_run("cold" if kind == "cold-serial" else kind, root,
                                       1 if kind in ("cold-serial", "naive", "check") else jobs))
        runs["floor"] = [_run("floor", root, 1) for _ in range(repeat)]
        medians = {kind: _median(values) for kind, values in runs.items()}
        sizes = []
        for products in portfolios:
            big = portfolio(Path(tmp), products)
            result = _run("cold", big, jobs)
            edit = _run("one-value", big, jobs)  # one value of one product: the others are left as they are
            sizes.append({"products": products, **result, "per_product_s": result["s"] / products, "edit_s": edit["s"]})
            shutil.rmtree(big, ignore_errors=True)
    return {"medians": medians, "portfolio": sizes, "repeat": repeat}


def _median(values: list[dict]) -> dict:
    return {"s": statistics.median(v["s"] for v in values), "leaves": values[0]["leaves"],
            "mb": max(v["mb"] for v in values)}


TARGETS = (  # (figure, numerator, denominator, per-leaf?, target)
    ("cold build / naive docxtpl loop, serial", "cold-serial", "naive", False, 0.5),
    ("cold build / naive docxtpl loop, every core", "cold", "naive", False, 0.35),
    ("build per leaf / zip floor per leaf", "cold-serial", "floor", True, 3.0),
    ("one-value rebuild / cold build", "one-value", "cold", False, 0.10),
    ("no-change rebuild / cold build", "no-change", "cold", False, 0.05),
    ("check / build", "check", "cold-serial", False, 0.10),
)


def format_report(result: dict) -> str:
    m = result["medians"]
    lines = [f"{'run':<14}{'median s':>10}{'leaves':>8}{'ms/leaf':>9}{'peak MB':>9}"]
    for kind, figure in m.items():
        lines.append(f"{kind:<14}{figure['s']:>10.3f}{figure['leaves']:>8}{1000 * figure['s'] / max(1, figure['leaves']):>9.2f}"
                     f"{figure['mb']:>9.0f}")
    lines.append("")
    lines.append(f"{'ratio':<46}{'measured':>9}{'target':>8}  met")
    for title, top, bottom, per_leaf, target in TARGETS:
        a, b = m[top]["s"], m[bottom]["s"]
        if per_leaf:
            a, b = a / max(1, m[top]["leaves"]), b / max(1, m[bottom]["leaves"])
        ratio = a / b
        lines.append(f"{title:<46}{ratio:>9.2f}{'≤ ' + format(target, 'g'):>8}  {'yes' if ratio <= target else 'no'}")
    lines.append("")
    lines.append(f"{'portfolio':<12}{'s':>9}{'s/product':>11}{'leaves':>8}{'peak MB':>9}{'one-value s':>13}")
    for row in result["portfolio"]:
        lines.append(f"{row['products']:<12}{row['s']:>9.2f}{row['per_product_s']:>11.2f}{row['leaves']:>8}{row['mb']:>9.0f}"
                     f"{row['edit_s']:>13.2f}")
    lines.append(f"medians of {result['repeat']} interleaved runs, each a fresh process timed around the work "
                 "(imports excluded); 'cold' uses every core, 'cold-serial' one; portfolios built once each, then "
                 "rebuilt after one value of one product is edited")
    return "\n".join(lines)
