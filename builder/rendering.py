"""Stages 5–6, render and post-process: each planned leaf of a pair becomes its finished .docx.

A leaf whose fingerprint is the one the last build recorded, and whose file still holds the recorded
bytes, is taken as it is (`incremental.py`); the others are rendered from their template (checked and
compiled once per process, `check_templates`), post-processed with the region's steps and zipped
once. With a `publish.Staging`, each leaf is written to its pair's staging folder as it is finished.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .cmc.findings import as_json
from .cross_references import leaf_blocks
from .errors import Category, DossierError
from .incremental import basis, fingerprint, previous, reusable
from .manifest import leaf_record, manifest
from .ooxml.compiled import compiled
from .ooxml.package import write_package
from .ooxml.steps import STEPS, Finish, Parts
from .page_header import header_name, leaf_doc, template_layout
from .plan import Leaf
from .project import Project
from .publish import RenderedDossier, Staging, canonical_json, sha256
from .render import TemplateFile, check_template, find_template, render_parts

if TYPE_CHECKING:
    from .pipeline import Dossier


def render_dossier(project: Project, dossier: Dossier, advance=None, stage: Staging | None = None) -> RenderedDossier:
    """Render and post-process every leaf of one pair (`advance` is told of each leaf done); each leaf
    goes to its `stage` folder as it is finished (its bytes are then not kept), or stays in memory."""
    templates: dict[str, TemplateFile] = {}
    files, records, reused, sources = {}, [], [], {}
    folder, shared = project.output / dossier.product / dossier.region, basis(dossier)
    known = previous(folder)                                                 # the last build's fingerprints
    for leaf in dossier.leaves:
        template = templates.get(leaf.template) or _template(project, dossier.region, leaf.template, templates,
                                                             dossier.profile.labels)
        wanted = fingerprint(shared, leaf, sha256(template.data))
        kept = reusable(folder, leaf.path, wanted, known)
        data = kept if kept is not None else leaf_bytes(project, dossier, leaf, templates)
        if kept is not None:
            reused.append(leaf.path)
        records.append(leaf_record(leaf, data, template.display, wanted, sources))
        if stage is not None:
            stage.put(dossier.product, dossier.region, leaf.path, data, reused=kept is not None)
        files[leaf.path] = data if stage is None else None
        if advance is not None:
            advance(f"{dossier.product}/{dossier.region}/{leaf.number}")
    inputs = [(s.path, s.sha256, s.size, role) for s, role in dossier.inputs]
    inputs += [(t.display, *_digest(t.data), "template") for t in templates.values()]
    files["findings.json"] = canonical_json({"findings": as_json(list(dossier.findings)),
                                             "verdicts": dossier.tally.as_json() if dossier.tally else {}})
    reports = [{"path": "findings.json", "sha256": sha256(files["findings.json"])}]
    return RenderedDossier(dossier.product, dossier.region, files, manifest(dossier, records, inputs, reports),
                           tuple(reused), stage.folder(dossier.product, dossier.region) if stage else None)


def leaf_bytes(project: Project, dossier: Dossier, leaf: Leaf, templates: dict) -> bytes:
    """One leaf's finished .docx, as the build writes it (`templates` caches the checked templates)."""
    template = templates.get(leaf.template) or _template(project, dossier.region, leaf.template, templates,
                                                         dossier.profile.labels)
    return finish(render_leaf(dossier, leaf, template), dossier, leaf)


def check_templates(project: Project, dossiers) -> None:
    """Check and prepare every template the pairs use, in this process: a worker forked after it finds
    each one checked and compiled (and each verdict reaches the content cache, which only this process
    writes)."""
    for dossier in dossiers:
        for name in dict.fromkeys(leaf.template for leaf in dossier.leaves):  # in leaf order, as rendering met them
            compiled(_template(project, dossier.region, name, {}, dossier.profile.labels).data)


def _template(project: Project, region: str, name: str, cache: dict, labels: dict) -> TemplateFile:
    template = find_template(project.templates, region, name)
    check_template(template, labels, project.cache)
    cache[name] = template
    return template


def render_leaf(dossier: Dossier, leaf: Leaf, template: TemplateFile) -> dict[str, bytes]:
    width, room = template_layout(template, dossier.profile)
    built = (dossier.blocks or {}).get(leaf.path)
    if built is not None and built[0] == width:  # as the check built them (its errors already stopped the build)
        blocks = built[1]
    else:
        blocks, problems = leaf_blocks(dossier.leaves, leaf, width)
        if problems:
            raise DossierError(Category.CONTENT, problems)
    product = header_name(dossier.content.product, f"{leaf.number} {leaf.title}", room, dossier.profile.layout,
                          dossier.profile.language)
    return render_parts(template, leaf_doc(dossier.content, leaf, product), dossier.profile.labels, blocks, leaf.path)


def finish(parts: dict[str, bytes], dossier: Dossier, leaf: Leaf) -> bytes:
    """Post-process a rendered leaf's parts with the profile's steps, then zip them once, normalised."""
    profile = dossier.profile
    east_asia = (profile.east_asia.body_font, profile.east_asia.heading_font, profile.east_asia.lang) \
        if profile.east_asia else None
    info = Finish(leaf.heading, dossier.content.product.as_of, profile.language, profile.page_size, east_asia,
                  profile.body_size_pt or "", int(profile.layout.keep_table_rows),
                  int(profile.layout.space_after_table_pt) * 20)
    parts = Parts(parts)
    for name in profile.postprocess:
        STEPS[name](parts, info)
    return write_package(parts.finished())


def _digest(data: bytes):
    return sha256(data), len(data)
