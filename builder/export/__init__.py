"""`invoke export`: the merged, validated model written for other tools, one exporter per format name.

Exporters are a registry (FORMATS) so the engine never branches on a format; each returns
{file name: bytes}. Every export passes the same gate as `invoke build` (pipeline.prepare)."""
from __future__ import annotations

from pathlib import Path

from ..errors import content_error
from ..ooxml.atomic import atomic_write
from ..pipeline import prepare
from ..project import Project
from ..publish import check_output
from . import model_json, pqcmc

FORMATS = {"json": model_json.export, "pqcmc": pqcmc.export}


def export(root: Path, product: str, region: str, fmt: str, diags=None) -> list[Path]:
    """Validate the pair, run the named exporter and write its files atomically under output/."""
    if fmt not in FORMATS:
        raise content_error("E2971", f"unknown export format '{fmt}' (known: {', '.join(sorted(FORMATS))})",
                            None, "--format")
    project = Project(root)
    dossier = prepare(project, [product], [region], False, diags)[0]
    folder = project.output / product / "export" / region
    check_output(project.output, folder)  # a link planted in output/ never sends the export elsewhere
    folder.mkdir(parents=True, exist_ok=True)
    files = FORMATS[fmt](dossier, diags)
    return [atomic_write(folder / name, data) for name, data in sorted(files.items())]
