"""`invoke pdf`: PDF renditions of built regions, verified, published like a build (all or nothing)."""
from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostics, environment_error
from ..pdf.renditions import Timing, add_all, load_built
from ..pipeline import region_profile
from ..project import Project
from ..publish import build_lock, publish


def pdf(root: Path, products=None, regions=None, diags: Diagnostics | None = None) -> tuple[list[Path], list[Timing]]:
    """Convert and verify every leaf of each selected built region; publish only if all pass."""
    project = Project(root)
    diags = diags if diags is not None else Diagnostics()
    folders = _built(project, products, regions)
    with build_lock(project.output):
        items = [(load_built(folder, project.display(folder)), region_profile(project, folder.name, diags),
                  project.display(folder)) for folder in folders]
        rendered, timings = add_all(items, diags)
        return publish(project.output, rendered), timings


def _built(project: Project, products, regions) -> list[Path]:
    """The region folders to convert: each one asked for must be built; by default, every built one."""
    known = project.regions()
    built = sorted(f.parent for f in project.output.glob("*/*/manifest.json") if f.parent.name in known)
    folders = [f for f in built if (not products or f.parent.name in products) and (not regions or f.name in regions)]
    asked = [project.output / p / r for p in products or () for r in regions or ()]
    missing = [f for f in asked if f not in built] or ([] if folders else [project.output])
    if missing:
        raise environment_error("E4100", "not built: run invoke build for this product and region first",
                                project.display(missing[0]))
    return folders


def timing_lines(timings: list[Timing]) -> list[str]:
    return [f"output/{t.product}/{t.region}: {t.leaves} PDFs verified (LibreOffice {t.convert_s:.1f} s, checks "
            f"{t.verify_s:.1f} s; {t.per_leaf_s:.2f} s per leaf)" for t in timings]
