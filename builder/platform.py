"""Platform content shared across products (issue 12 part 4): kept once, under `content/platforms/<id>/`.

A product names its platform in `product.platform`. The platform's files are read first, then the
product's core is merged over them by the overlay rules (mappings key by key, records by `id`), then the
region overlay: platform → product core → region overlay. A platform states the shared parts of every
drug substance and drug product of the products built on it (`drug_substance:` and `drug_product:`,
one mapping each, since each product's records carry their own ids), and shared `sites`, `appendices`
and `literature` as records. What identifies a product, its batches, stability data and specification
stay the product's own (modalities.md §7: real-time data and acceptance criteria come from the product).

Every value read from a platform file keeps its position and is marked with the platform's id, so
`explain` says "from platform <id>" and trace and provenance cite the platform file's line.
A platform may build on another (`platform.based_on`); a cycle is refused at the reference.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .errors import Diagnostics
from .merge import _merge, apply_overlay, combine_core
from .source import SourceFile, Value

FOLDER = "platforms"
# Top-level keys only a product states: who it is, what it justifies, and its own records (a platform
# gives the shared parts of them under `drug_substance:` / `drug_product:` instead).
PRODUCT_ONLY = ("product", "justifications", "drug_substances", "drug_products")
# Fields of a drug substance or drug product only the product states: its identity and its own data.
RECORD_ONLY = ("id", "substance", "name", "inn", "strengths", "dosing", "specification", "batches", "stability")
PARTS = {"drug_substance": "drug_substances", "drug_product": "drug_products"}


def platform_reference(core: Value) -> Value | None:
    """The `product.platform` value of a core tree (raw: the schema checks it is an identifier)."""
    product = core.data.get("product") if core.is_map else None
    found = product.data.get("platform") if product is not None and product.is_map else None
    return found if found is not None and found.is_text and found.data.strip() else None


def with_platform(content: Path, load, core: Value, diags: Diagnostics,
                  region: str | None = None) -> tuple[Value, list[SourceFile]]:
    """`core` merged over its platform (and the platform's own bases); the platform files read.

    A platform is laid out like a product: `core/*.yaml` and one `<region>.yaml` overlay per region it
    words differently (NMPA's Chinese, FDA's USP grades); with `region`, that overlay is merged over the
    platform's core before the product's core is merged over both. `load(path)` reads one content file
    (a SourceFile, or None with its problem in `diags`). Problems are reported in `diags` at their
    file:line:col and the tree is None."""
    reference = platform_reference(core)
    refuse_description(core, diags)
    if reference is None:
        return core, []
    chain, sources = _chain(content, load, reference, diags, region)
    if chain is None:
        return None, sources
    base = None
    for ident, tree in reversed(chain):  # the deepest base first
        tree = _mark_platform(_as_product_shape(tree, core), ident)
        base = tree if base is None else _merge(base, tree, None, "", diags)
    return _merge(base, core, None, "", diags), sources


def refuse_description(tree: Value, diags: Diagnostics) -> None:
    """E2124: a product's core or overlay describing a platform (`platform:` belongs to platform.yaml)."""
    if tree.is_map and "platform" in tree.data:
        value = tree.data["platform"]
        diags.error("E2124", "`platform:` describes a platform in its own folder (content/platforms/<id>/); a "
                    "product names its platform in product.platform", value.key_origin or value.origin, "platform")


def _chain(content: Path, load, reference: Value, diags: Diagnostics, region: str | None):
    """[(id, tree)] from the named platform down its `based_on` bases; None when one is unusable."""
    chain, sources, seen = [], [], []
    while reference is not None:
        ident = reference.data.strip()
        if ident in seen:
            diags.error("E2122", f"platform '{ident}' is based on itself ({' → '.join([*seen, ident])})",
                        reference.origin, "platform.based_on")
            return None, sources
        folder = content / FOLDER / ident
        files = sorted((folder / "core").glob("*.yaml")) if (folder / "core").is_dir() else []
        if not files:
            known = ", ".join(sorted(p.name for p in (content / FOLDER).iterdir() if (p / "core").is_dir())) \
                if (content / FOLDER).is_dir() else ""
            diags.error("E2121", f"no platform '{ident}' (a folder content/{FOLDER}/{ident}/core/ with *.yaml "
                        f"files; known platforms: {known or 'none'})", reference.origin, "product.platform")
            return None, sources
        overlay = folder / f"{region}.yaml" if region else None
        overlay = overlay if overlay is not None and overlay.exists() else None
        loaded = [s for path in files if (s := load(path))]
        extra = load(overlay) if overlay is not None else None
        if len(loaded) < len(files) or (overlay is not None and extra is None):
            return None, sources
        sources += loaded + ([extra] if extra else [])
        failed = len(diags.errors)
        tree = combine_core(loaded, diags)
        _check_fields(tree, ident, diags)
        if extra is not None:
            _check_fields(extra.root, ident, diags)
            tree = apply_overlay(tree, extra, diags)
        if len(diags.errors) > failed:
            return None, sources
        seen.append(ident)
        chain.append((ident, tree))
        reference = _based_on(tree, ident, diags)
    return chain, sources


def _based_on(tree: Value, ident: str, diags: Diagnostics) -> Value | None:
    info = tree.data.get("platform")
    if info is None or not info.is_map:
        where = info.origin if info is not None else tree.origin
        diags.error("E2125", f"platform '{ident}' has no `platform:` mapping (id, name, source_product, "
                    "source_application, right_of_reference)", where, "platform")
        return None
    own = info.data.get("id")
    if own is None or not own.is_text or own.data != ident:
        diags.error("E2125", f"platform.id must equal the folder name '{ident}'", (own or info).origin, "platform.id")
    base = info.data.get("based_on")
    return base if base is not None and base.is_text and base.data.strip() else None


def _check_fields(tree: Value, ident: str, diags: Diagnostics) -> None:
    """A platform states shared content only: refuse, at its line, what only a product states."""
    if not tree.is_map:
        return
    for key, value in tree.data.items():
        if key in PRODUCT_ONLY:
            hint = f"; state shared fields under `{_part_for(key)}:`" if _part_for(key) else ""
            diags.error("E2123", f"a platform may not set `{key}`: it is the product's own{hint}",
                        value.key_origin or value.origin, key)
        elif key in PARTS and value.is_map:
            for name, field_value in value.data.items():
                if name in RECORD_ONLY:
                    diags.error("E2123", f"a platform may not set `{key}.{name}`: each product states its own "
                                f"({', '.join(RECORD_ONLY)} are product-specific)",
                                field_value.key_origin or field_value.origin, f"{key}.{name}")
        elif key in PARTS:
            diags.error("E2203", "expected a mapping", value.origin, key)


def _part_for(key: str) -> str:
    return next((part for part, records in PARTS.items() if records == key), "")


def _as_product_shape(tree: Value, core: Value) -> Value:
    """The platform tree in the product's shape: its `drug_substance:` part repeated as one record per
    drug substance of the product (each under the product's id), and so for `drug_product:`."""
    data = {}
    for key, value in tree.data.items():
        if key in PARTS:
            records = core.data.get(PARTS[key]) if core.is_map else None
            ids = [item.data["id"] for item in records.data if item.is_map and "id" in item.data
                   and item.data["id"].is_text] if records is not None and records.is_list else []
            data[PARTS[key]] = Value([Value({"id": item, **value.data}, value.origin) for item in ids],
                                     value.origin, key_origin=value.key_origin)
        else:
            data[key] = value
    return Value(data, tree.origin)


def _mark_platform(value: Value, ident: str) -> Value:
    """Mark a platform subtree: `explain` shows 'from platform <id>' for each of its values."""
    if value.is_map:
        return Value({k: _mark_platform(v, ident) for k, v in value.data.items()}, value.origin,
                     key_origin=value.key_origin, platform=ident)
    if value.is_list:
        return Value([_mark_platform(v, ident) for v in value.data], value.origin, key_origin=value.key_origin,
                     platform=ident)
    return replace(value, platform=ident)


def platform_values(tree: Value, ident: str) -> bool:
    """True when some value of `tree` comes from platform `ident` (used by tests and explain)."""
    if tree.platform == ident:
        return True
    children = tree.data.values() if tree.is_map else tree.data if tree.is_list else ()
    return any(platform_values(child, ident) for child in children)

