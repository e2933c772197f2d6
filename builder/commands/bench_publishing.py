"""`invoke bench --pdf`: what publishing costs, as figures: PDF time per leaf (one LibreOffice run per
region, then the pikepdf checks) and the time of a first eCTD sequence, per example and region.

Runs on a copy of `content/` and `templates/` in a temporary folder, so `output/` is never touched.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from ..errors import Diagnostics
from ..pipeline import build
from .sequence import sequence

ROOT = Path(__file__).resolve().parents[2]


def run(products=None, regions=None) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="cmc-bench-") as scratch:
        root = Path(scratch)
        for name in ("content", "templates"):
            shutil.copytree(ROOT / name, root / name)
        timings: list = []
        started = time.perf_counter()
        build(root, products, regions, diags=Diagnostics(), timings=timings)
        total = time.perf_counter() - started
        rows = []
        for t in timings:
            report = sequence(root, t.product, t.region, "0000")
            rows.append({"pair": f"{t.product}/{t.region}", "leaves": t.leaves, "libreoffice_s": t.convert_s,
                         "checks_s": t.verify_s, "per_leaf_s": t.per_leaf_s, "sequence_s": report.seconds})
        rows.append({"pair": "build --pdf, all of the above", "total_s": total})
        return rows


def format_report(rows: list[dict]) -> str:
    lines = [f"{'pair':<24} {'leaves':>6} {'LibreOffice s':>13} {'checks s':>9} {'s per leaf':>10} {'sequence s':>10}"]
    for row in rows:
        if "leaves" in row:
            lines.append(f"{row['pair']:<24} {row['leaves']:>6} {row['libreoffice_s']:>13.1f} {row['checks_s']:>9.2f} "
                         f"{row['per_leaf_s']:>10.3f} {row['sequence_s']:>10.2f}")
        else:
            lines.append(f"{row['pair']}: {row['total_s']:.1f} s wall (render, convert, verify, publish)")
    return "\n".join(lines)
