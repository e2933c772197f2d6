"""`invoke explain`: the merged content, one value a line, with where it was written.

Quarto users asked to *see* what a profile merge produced; here every value shows its file:line
and whether the regional overlay set it.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import Category, Diagnostics, DossierError, content_error
from ..merge import apply_overlay, combine_core
from ..platform import with_platform
from ..project import Project
from ..tabular import load_with_sheets
from ..source import Value


def explain(root: Path, product: str, region: str, prefix: str = "") -> list[str]:
    """Two lines per merged value under `prefix`: the value, then where it was written and what it replaced.

    Every file's problems are reported together; a region the product is not built for, or a prefix
    that matches no value, is an error that lists what there is (never an empty, silent answer)."""
    project = Project(root)
    diags = Diagnostics()
    core = combine_core([s for p in project.core_files(product) if (s := _load(project, p, diags))], diags)
    _check_region(project, core, product, region)
    core, _ = with_platform(project.content, lambda p: _load(project, p, diags), core, diags, region)
    diags.raise_if_errors()
    overlay = project.overlay(product, region)
    source = _load(project, overlay, diags) if overlay else None
    merged = apply_overlay(core, source, diags) if source else core
    diags.raise_if_errors()
    found = [(path, value) for path, value in lines(merged) if path.startswith(prefix)]
    if not found:
        fields = ", ".join(merged.data) if merged.is_map else "none"
        raise content_error("E2603", f"no value under '{prefix}' (top-level fields: {fields})", None, "--field")
    return [text for path, value in found for text in _describe(path, value)]


def _describe(path: str, value: Value) -> tuple[str, str]:
    mark = f"  [from platform {value.platform}]" if value.platform else ""
    if value.overlay:
        mark = f"  [{value.overlay} replaces {value.replaces}]" if value.replaces else f"  [added by {value.overlay}]"
    elif value.replaces:  # the product's own value over its platform's
        mark = f"  [replaces the platform's value at {value.replaces}]"
    return f"{path} = {value.data!r}", f"    {value.origin}{mark}"


def _load(project: Project, path: Path, diags: Diagnostics):
    try:
        return load_with_sheets(project, path)  # a study's sheet cells explain as `file.xlsx:Sheet!B7`
    except DossierError as exc:
        if exc.category != Category.CONTENT:
            raise
        diags.items.extend(exc.diagnostics)
        return None


def _check_region(project: Project, core: Value, product: str, region: str) -> None:
    known = project.regions()
    if region not in known:
        raise content_error("E2305", f"unknown region '{region}' (known: {', '.join(known)})", None, "--region")
    listed = core.data.get("product") if core.is_map else None
    regions = listed.data.get("regions") if listed is not None and listed.is_map else None
    names = [v.data for v in regions.data if v.is_text] if regions is not None and regions.is_list else None
    if names is not None and region not in names:
        raise content_error("E2303", f"product '{product}' is not built for '{region}' (product.regions: "
                            f"{', '.join(names) or 'none'})", regions.origin, "product.regions")


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
