"""`invoke explain`: the merged content, one value a line, with where it was written.

Quarto users asked to *see* what a profile merge produced; here every value shows its file:line
and whether the regional overlay set it.
"""
from __future__ import annotations

from pathlib import Path

from .errors import Diagnostics
from .merge import apply_overlay, combine_core
from .project import Project
from .source import Value, load_file


def explain(root: Path, product: str, region: str, prefix: str = "") -> None:
    project = Project(root)
    diags = Diagnostics()
    core = combine_core([load_file(p, project.display(p)) for p in project.core_files(product)], diags)
    overlay = project.overlay(product, region)
    merged = apply_overlay(core, load_file(overlay, project.display(overlay)), diags) if overlay else core
    diags.raise_if_errors()
    for path, value in lines(merged):
        if path.startswith(prefix):
            mark = ""
            if value.overlay:
                mark = f"  [{value.overlay} replaces {value.replaces}]" if value.replaces else f"  [added by {value.overlay}]"
            print(f"{path} = {value.data!r}\n    {value.origin}{mark}")


def lines(value: Value, path: str = ""):
    """(dotted path, scalar Value) for every scalar; list records are addressed by their id."""
    if value.is_map:
        for key, child in value.data.items():
            yield from lines(child, f"{path}.{key}" if path else key)
    elif value.is_list:
        for index, child in enumerate(value.data):
            ident = child.data.get("id") if child.is_map else None
            yield from lines(child, f"{path}[{ident.data if ident is not None else index}]")
    else:
        yield path, value
