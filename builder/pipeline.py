"""The build, as named stages: load → merge → validate → measure → plan → check → render → post-process →
write → manifest.

`prepare` runs the first four for every (product, region) pair and stops with *all* content errors
of all pairs; only then does anything render (`rendering.py`), and only a fully rendered build is
published (`publish.py`). The cross-reference check that ends planning is `cross_references.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .cmc.checks import compendial_references
from .cmc.findings import Rules, findings, unused_justifications
from .cmc.measure import measure
from .cmc.pairs import Tally
from .cross_references import check_references, leaf_blocks  # noqa: F401  (leaf_blocks: for callers)
from .errors import Diagnostics, DossierError, Origin
from .hand_edits import refuse_hand_edits
from .merge import apply_overlay, combine_core
from .platform import refuse_description, with_platform
from .modality import load_modality
from . import modality_content
from .model import Content
from .page_header import template_layouts
from .plan import Leaf, plan
from .up_to_date import record, settle, state_key
from .parallel import each, renderer
from .profile import RegionProfile, load_profile
from .progress import progress
from .project import Project
from .publish import RenderedDossier, Staging, build_lock, publish
from .rendering import check_templates, finish, leaf_bytes, render_dossier, render_leaf  # noqa: F401  (for callers)
from .scope import Scope
from .source import SourceFile, Value, caching
from .tabular import load_with_sheets
from .structure import SectionTree, load_tree
from .validate import validate
from .reads import ContentIndex


@dataclass(frozen=True)
class Dossier:
    """One (product, region) pair after planning: everything rendering needs, and what was read."""

    product: str
    region: str
    profile: RegionProfile
    content: Content
    tree: Value
    leaves: tuple[Leaf, ...]
    inputs: tuple[tuple[SourceFile, str], ...]
    findings: tuple = ()
    tally: Tally | None = None   # how the (result, criterion) pairs ended
    diagnostics: tuple = ()      # everything reported while preparing this pair (its product's files included)
    texts: dict | None = None    # leaf path → the paragraphs and cells it prints (readiness reads them)
    blocks: dict | None = None   # leaf path → (text width, its blocks, cross-references resolved), built once


def build(root: Path, products=None, regions=None, strict: bool = False, diags: Diagnostics | None = None,
          jobs: int | None = None, timings: list | None = None, force: bool = False,
          reuse: list | None = None, key: str | None = None, settled: tuple | None = None) -> list[Path]:
    """Build and publish; with `timings` (a list, filled in), every leaf also gets its verified PDF; a leaf
    edited by hand since the last build stops it (E5010) unless `force`. A pair that is up to date is
    left as it is (`settled`: what `up_to_date.settle` found, when the caller asked it already)."""
    project = Project(root)
    diags = diags if diags is not None else Diagnostics()
    key = key or state_key(project)
    kept, stale = settled or (settle(project, products, regions, key, diags, strict, reuse) if timings is None
                              else ([], None))
    if kept and not stale:
        return kept                                                          # nothing changed since the last build
    wanted, narrow = (list(stale), stale) if kept else (products, None)     # the pairs not up to date
    dossiers = prepare(project, wanted, regions, strict, diags, jobs, narrow)  # load → merge → validate → plan, checked
    check_templates(project, dossiers)                                       # before workers fork: once
    with build_lock(project.output):                                         # from the first leaf staged to the swap
        if not force:
            refuse_hand_edits(root, [(d.product, d.region) for d in dossiers])
        rendered, folders = _render_and_publish(project, dossiers, jobs, diags, timings, reuse)
        _remember(project, dossiers, rendered, folders, key)
        return _in_order(products or project.products(), kept + folders, dossiers)


def _in_order(products: list[str], folders: list[Path], dossiers: list) -> list[Path]:
    """The folders of the pairs kept and built, in the order a build of them all gives: by product as
    asked for, then by region as the product lists them."""
    rank = {product: index for index, product in enumerate(products)}
    own = {d.product: list(d.content.product.regions) for d in dossiers}

    def place(folder: Path):
        regions = own.get(folder.parent.name, [])
        return rank.get(folder.parent.name, len(rank)), regions.index(folder.name) if folder.name in regions else -1
    return sorted(folders, key=place)


def _render_and_publish(project: Project, dossiers: list, jobs, diags, timings, reuse) -> tuple[list, list[Path]]:
    """Render and post-process every leaf (on every core), writing each to its pair's staging folder as
    it is finished, then swap the pairs in; whatever stops it, nothing staged is left behind."""
    staging = Staging(project.output) if timings is None else None           # PDFs are made from leaves in memory
    try:
        with renderer(project, dossiers, jobs, staging) as render_all:
            with progress(sum(len(d.leaves) for d in dossiers), "Rendering") as advance:
                rendered = render_all(advance)
        if reuse is not None:  # (product, region, leaves, reused from the last build)
            reuse.extend((r.product, r.region, len(d.leaves), len(r.reused)) for r, d in zip(rendered, dossiers))
        if timings is not None:
            rendered = _with_pdfs(project, rendered, dossiers, diags, timings)
        return rendered, publish(project.output, rendered)
    finally:
        if staging is not None:
            staging.clear()


def _remember(project: Project, dossiers: list, rendered: list, folders: list[Path], key: str) -> None:
    """The output is published: what follows only saves time next build, so an interrupt skips it."""
    try:
        project.cache.flush()
        for dossier, made, folder in zip(dossiers, rendered, folders):
            record(project, dossier, made, folder, key)
    except KeyboardInterrupt:
        pass


def _with_pdfs(project: Project, rendered: list, dossiers: list, diags, timings: list) -> list[RenderedDossier]:
    from .pdf.renditions import add_all   # pikepdf is imported only when PDFs are asked for

    rendered, made = add_all([(r, d.profile, project.display(project.output / r.product / r.region))
                              for r, d in zip(rendered, dossiers)], diags)
    timings.extend(made)
    return rendered


def prepare(project: Project, products=None, regions=None, strict: bool = False,
            diags: Diagnostics | None = None, jobs: int | None = None, narrow: dict | None = None) -> list[Dossier]:
    """Load, merge, validate, plan and check every selected pair; raise with every problem found.

    Warnings and justified findings stay in `diags` (when given) for the caller to show."""
    diags = diags if diags is not None else Diagnostics()
    dossiers = prepare_all(project, products, regions, diags, jobs, narrow)
    diags.raise_if_errors(strict=strict)
    return dossiers


def prepare_all(project: Project, products=None, regions=None, diags: Diagnostics | None = None,
                jobs: int | None = None, narrow: dict | None = None) -> list[Dossier]:
    """`prepare` without stopping at errors: every pair that got as far as planning, errors in `diags`
    and in each pair's own `diagnostics` (readiness counts what is still missing). With `jobs`, the
    products are prepared on every core (`parallel.each`), in the same order and with the same
    diagnostics as one after another; `narrow` (product → regions) asks for fewer regions of some."""
    diags = diags if diags is not None else Diagnostics()
    with caching(project.cache):  # templates/' YAML (profiles, rules, tree) is cached like content
        tree = _guard(diags, load_tree, project.templates, diags)
        rules = Rules.load(project.templates, tree)
        dossiers = []
        alone = partial(_product_alone, project, tree, rules, regions=regions, narrow=narrow or {}, limit=diags.limit)
        for items, prepared, changes in each(alone, list(products or project.products()), jobs):
            diags.items.extend(items)
            dossiers += prepared
            project.cache.take(changes)
    _dedupe(diags)
    return dossiers


def _product_alone(project: Project, tree, rules, product: str, regions, narrow: dict,
                   limit: int) -> tuple[list, list, tuple]:
    """One product prepared on its own: (its diagnostics, its pairs, what it added to the content cache)."""
    diags = Diagnostics(limit=limit)
    prepared = _prepare_product(project, tree, rules, product, narrow.get(product) or regions, diags)
    return diags.items, prepared, project.cache.changes()


def region_profile(project: Project, region: str, diags: Diagnostics) -> RegionProfile:
    """One region's profile on its own (invoke pdf, invoke sequence); its errors raise (exit 2)."""
    profile, _ = load_profile(project.templates, region, diags)
    diags.raise_if_errors()
    return profile


def _prepare_product(project, tree: SectionTree | None, rules, product: str, regions, diags) -> list[Dossier]:
    start = len(diags.items)
    files = project.core_files(product)
    core_sources = [s for p in files if (s := _load(project, p, diags))]                           # load
    failed = len(diags.errors)
    core = combine_core(core_sources, diags)
    if len(core_sources) < len(files) or len(diags.errors) > failed:
        _load_overlays_only(project, product, diags)
        return []  # the core's own errors are reported; checking the rest would only echo them
    _unread_files(project, product, core, diags, {sheet.path for s in core_sources for sheet in s.sheets})
    shared, pairs = len(diags.items), []
    load = _memo(project, diags)
    for region in _targets(core, product, regions, project, diags):
        mark = len(diags.items)
        pair = _prepare_pair(project, tree, rules, core, core_sources, product, region, diags, load)
        if pair is not None:
            pairs.append(replace(pair, diagnostics=tuple(diags.items[start:shared] + diags.items[mark:])))
    return pairs


def _prepare_pair(project, tree, rules, core: Value, core_sources, product: str, region: str, diags,
                  load=None) -> Dossier | None:
    profile, profile_sources = _guard(diags, load_profile, project.templates, region, diags) or (None, [])
    overlay_path = project.overlay(product, region)
    overlay = _load(project, overlay_path, diags) if overlay_path else None                       # load
    failed = len(diags.errors)
    if overlay is not None:
        refuse_description(overlay.root, diags)
    core, platform_sources = with_platform(project.content, load or _memo(project, diags), core, diags, region)
    core_sources = [*platform_sources, *core_sources]                                              # … on its platform
    if core is None:
        return None
    platform_failed = len(diags.errors) > failed  # the overlay's own merge errors still let validation report
    merged = apply_overlay(core, overlay, diags) if overlay else core                              # merge
    if profile is None or tree is None or platform_failed:
        return None
    content = validate(merged, product, profile, diags)                                            # validate
    if content is None:
        return None
    modality, profile, modality_sources = (_guard(diags, load_modality, project.templates, content.product, profile,
                                                  diags) or (None, profile, []))
    if modality is None:
        return None
    reading = rules.reading(content, profile)
    if not measure(content, reading, diags):                                                      # measure
        return None
    if not modality_content.check(content, modality, reading, diags):                             # … as the modality names it
        return None
    scope = Scope(content, profile, rules=rules, reading=reading, modality=modality)
    leaves = plan(tree, scope, diags)                                                             # plan
    roots = [s.root for s in [*core_sources, *([overlay] if overlay else [])]]
    layouts = template_layouts(project, region, profile, leaves)
    leaves, texts, blocks = check_references(leaves, diags, ContentIndex(content, roots), layouts)  # resolve, record
    modality_content.unrendered(content, leaves, diags)
    found, tally = findings(content, rules, profile, reading, modality, leaves, texts)             # check
    diags.items.extend(found + unused_justifications(found, content) + compendial_references(content, profile))
    sources = [(s, "content") for s in [*core_sources, *([overlay] if overlay else [])]]
    sources += [(sheet, "content") for s, _ in list(sources) for sheet in s.sheets]
    sources += [(s, "profile") for s in profile_sources] + [(tree.source, "structure")]
    sources += [(s, "modality") for s in modality_sources]
    sources += [(s, "rules") for s in rules.sources]
    return Dossier(product, region, profile, content, merged, leaves, tuple(sources), tuple(found), tally,
                   texts=texts, blocks=blocks)


def _unread_files(project: Project, product: str, core: Value, diags: Diagnostics, sheets=frozenset()) -> None:
    """Nothing a writer saved is ignored in silence: stray files (a sheet a study reads is not one),
    and overlays for regions not listed."""
    for path, why in project.unread(product):
        if project.display(path) in sheets:
            continue
        diags.warning("W2020", why, Origin(project.display(path), 1, 1))
    listed, where = _raw_regions(core)
    names = [name for name, _ in listed]
    for region in project.regions() if listed else ():
        path = project.overlay(product, region)
        if path is not None and region not in names:
            diags.warning("W2021", f"not read: this overlay is for {region}, which product.regions does not list "
                          f"({', '.join(names)}; {where})", Origin(project.display(path), 1, 1))


def _load_overlays_only(project: Project, product: str, diags: Diagnostics) -> None:
    """With the core unreadable, still report each overlay's own file-level errors in the same run."""
    for region in project.regions():
        path = project.overlay(product, region)
        overlay = _load(project, path, diags) if path else None
        if overlay is not None:
            apply_overlay(Value({}, Origin("")), overlay, diags)


def _targets(core: Value, product: str, regions, project: Project, diags: Diagnostics) -> list[str]:
    """The regions to build: the product's own list (`product.regions`), narrowed by the request."""
    known = project.regions()
    listed, where = _raw_regions(core)
    if not listed:  # missing, empty or not a list: validation reports it at its line
        return [r for r in known if not regions or r in regions][:1]
    for name, origin in listed:
        if name not in known:
            diags.error("E2302", f"no region profile '{name}' (known: {', '.join(known)})", origin, "product.regions")
    own = [name for name, _ in listed if name in known]
    for region in regions or ():
        if region not in own:
            diags.error("E2303", f"product '{product}' is not built for '{region}' (product.regions: "
                        f"{', '.join(own) or 'none'})", where, "product.regions")
    return [r for r in own if not regions or r in regions]


def _raw_regions(core: Value) -> tuple[list, Origin]:
    """The (name, origin) of each region `product.regions` lists, and where the list was written."""
    product = core.data.get("product") if core.is_map else None
    regions = product.data.get("regions") if product is not None and product.is_map else None
    if regions is None or not regions.is_list:
        return [], (regions or product or core).origin
    return [(v.data, v.origin) for v in regions.data if v.is_text], regions.origin


def _load(project: Project, path: Path, diags: Diagnostics) -> SourceFile | None:
    if project.escapes(path):
        diags.error("E2007", "content file is a link to a place outside content/; copy the file instead",
                    Origin(project.display(path), 1, 1))
        return None
    return _guard(diags, load_with_sheets, project, path)


def _memo(project: Project, diags: Diagnostics):
    """A loader that reads each platform file once per product, however many of its regions use it."""
    cache: dict = {}

    def load(path: Path):
        if path not in cache:
            cache[path] = _load(project, path, diags)
        return cache[path]
    return load


def _guard(diags: Diagnostics, func, *args):
    """Run a loading step; a content error in one file is recorded and the build goes on reading."""
    try:
        return func(*args)
    except DossierError as exc:
        if exc.category.value != 2:
            raise
        diags.items.extend(exc.diagnostics)
        return None


def _dedupe(diags: Diagnostics) -> None:
    """The same core mistake is found once per region; report it once."""
    seen, unique = set(), []
    for item in diags.items:
        key = (item.origin, item.code, item.field, item.message)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    diags.items[:] = unique
