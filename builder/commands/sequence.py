"""`invoke sequence`: an eCTD v3.2.2 sequence of Module 3 from a built region and its verified PDFs.

Written to `output/<product>/sequences/<region>/<number>/` (outside the region folder, which every
build replaces, so earlier sequences stay for `--previous`): `index.xml`, `index-md5.txt`, the PDF
leaves under `m3/`, and `util/dtd/ich-ectd-3-2.dtd`. Module 1, its regional backbone and the
regional stylesheets are not made: the application folder's README.txt and the console say so.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import Category, Diagnostic, Diagnostics, DossierError, Origin, content_error, environment_error
from ..ooxml.atomic import atomic_write
from ..pdf.renditions import load_built
from ..pipeline import region_profile
from ..plan import NAME
from ..project import Project
from ..publish import STAGING_PREFIX, build_lock, check_output, swap
from ..publish import _write as write_synced   # the build's own fsynced write, for the staged sequence
from ..structure import load_tree
from ..sequence.backbone import DTD_FILE, DTD_HREF, DTD_MD5, EXTENSION, BackboneLeaf, element_order, index_xml, \
    leaf_id, validate
from ..sequence.lifecycle import NUMBER, history, operations

DTD_SOURCE = "common/ectd/" + DTD_FILE
PDF_NAME = re.compile(NAME.pattern.replace(r"(\.docx)?", r"(\.pdf)?"))
NOT_INCLUDED = ("Module 3 only: Module 1 (and its regional backbone, e.g. m1/us/us-regional.xml, "
                "m1/eu/eu-regional.xml, m1/cn/cn-regional.xml), Modules 2, 4 and 5, the regional DTD/XSD files and "
                "the stylesheets are not included; add them with your publishing tool before submitting.")


@dataclass(frozen=True)
class SequenceReport:
    folder: Path
    counts: dict          # operation → leaves
    unchanged: int
    seconds: float


def sequence(root: Path, product: str, region: str, number: str, previous: str = "") -> SequenceReport:
    """Write one sequence; refuse a bad number, a gap, missing or stale PDFs and an empty sequence."""
    started = time.perf_counter()
    project = Project(root)
    if not NUMBER.fullmatch(number or ""):
        raise content_error("E2320", f"sequence number '{number}' must be 4 digits, e.g. 0000", None, "--number")
    diags = Diagnostics()
    profile = region_profile(project, region, diags)
    tree = load_tree(project.templates, diags)
    diags.raise_if_errors()
    application = project.output / product / "sequences" / region
    last, current = _previous(project, previous, number, application)
    folder = project.output / product / region
    built = load_built(folder, project.display(folder))
    leaves = _leaves(project, folder, built.manifest, profile)
    chosen, unchanged = operations(leaves, current) if previous else (leaves, 0)
    if not chosen:
        raise content_error("E2324", f"nothing changed since sequence {last}: every leaf is unchanged, so no sequence "
                            "was written", None, "--number")
    data = index_xml(chosen, element_order(tree))
    problems = validate(data, project.templates / DTD_SOURCE)
    if problems:  # a bug in the backbone writer, said as one
        raise environment_error("E4118", "index.xml does not validate against the ICH DTD: " + "; ".join(problems[:5]))
    files = {"index.xml": data, "index-md5.txt": hashlib.md5(data).hexdigest().encode("ascii"),
             DTD_HREF: _dtd(project)}
    files |= {leaf.href: (folder / leaf.href).read_bytes() for leaf in chosen if leaf.href}
    target = application / number
    with build_lock(project.output):
        check_output(project.output, target)
        _publish(target, files)
        atomic_write(application / "README.txt", (NOT_INCLUDED + "\n").encode("utf-8"))
    counts = {op: sum(1 for leaf in chosen if leaf.operation == op) for op in ("new", "replace", "delete")}
    return SequenceReport(target, counts, unchanged, time.perf_counter() - started)


def _previous(project: Project, previous: str, number: str, application: Path) -> tuple[str, dict]:
    """Check the number against the earlier sequences; return the previous one and what is current."""
    later = sorted(p.name for p in application.glob("*") if NUMBER.fullmatch(p.name) and p.name > number) \
        if application.is_dir() else []
    if later:
        raise content_error("E2323", f"sequence {later[0]} already builds on {number}; a sequence cannot be rewritten "
                            "under later ones", None, "--number")
    if not previous:
        if number != "0000":
            raise content_error("E2322", f"sequence {number} needs --previous (the earlier sequence folder); only "
                                "0000 starts an application", None, "--previous")
        return "", {}
    path = Path(previous)
    path = path if path.is_absolute() else project.root / path
    last, current = history(path)
    if int(number) != int(last) + 1:
        what = "does not follow" if int(number) <= int(last) else "leaves a gap after"
        raise content_error("E2321", f"sequence {number} {what} the previous sequence {last}: the next is "
                            f"{int(last) + 1:04d}", None, "--number")
    return last, current


def _leaves(project: Project, folder: Path, manifest: dict, profile) -> list[BackboneLeaf]:
    """Every built leaf as a new backbone leaf pointing at its verified PDF; names within the region's limits."""
    renditions = {r["source"]: r for r in manifest.get("renditions", [])}
    shown = project.display(folder)
    if not renditions:
        raise environment_error("E4114", f"no verified PDFs: run invoke pdf --product {manifest['product']} --region "
                                f"{manifest['region']} (or invoke build --pdf) first", shown)
    problems, leaves = [], []
    for leaf in manifest["leaves"]:
        rendition = renditions.get(leaf["path"])
        pdf = folder / rendition["path"] if rendition else None
        if rendition is None or not pdf.is_file() or hashlib.md5(pdf.read_bytes()).hexdigest() != rendition["md5"]:
            problems.append(Diagnostic("E4114", f"no verified PDF for this leaf: run invoke pdf --product "
                                       f"{manifest['product']} --region {manifest['region']}",
                                       Origin(f"{shown}/{leaf['path']}")))
            continue
        problems += _naming(rendition["path"], profile, Origin(f"{shown}/{rendition['path']}"))
        chain = tuple((step["element"], tuple(step.get("attributes", {}).items())) for step in leaf.get("backbone", ()))
        if not chain:
            problems.append(Diagnostic("E4114", "the manifest does not say where this leaf sits in the backbone: "
                                       "run invoke build again", Origin(f"{shown}/{leaf['path']}")))
            continue
        if leaf.get("node_extension"):
            chain += ((EXTENSION, (("title", leaf["node_extension"]["title"]),)),)
        leaves.append(BackboneLeaf(chain, leaf_id(rendition["path"]), "new", rendition["md5"], leaf["title"],
                                   rendition["path"]))
    if problems:
        raise DossierError(Category.ENVIRONMENT, problems)
    return leaves


def _naming(href: str, profile, where: Origin) -> list[Diagnostic]:
    """The region's limits (module3.md §4): [a-z0-9-] names within max_name, one extension, max_path."""
    naming, found = profile.naming, []
    for name in href.split("/"):
        if not PDF_NAME.fullmatch(name) or len(name) > int(naming.max_name):
            found.append(Diagnostic("E4117", f"name '{name}' is not [a-z0-9-] within {naming.max_name} characters",
                                    where))
    if len(href) > int(naming.max_path):
        found.append(Diagnostic("E4117", f"path is {len(href)} characters, over the region's {naming.max_path}", where))
    return found


def _dtd(project: Project) -> bytes:
    data = (project.templates / DTD_SOURCE).read_bytes()
    if hashlib.md5(data).hexdigest() != DTD_MD5:
        raise environment_error("E4118", "the ICH DTD differs from the published file (MD5); restore it byte for "
                                "byte (CRLF line endings)", project.display(project.templates / DTD_SOURCE))
    return data


def _publish(target: Path, files: dict[str, bytes]) -> None:
    """Stage the whole sequence beside its place, then rename it in: never half a sequence."""
    stage = target.with_name(f"{STAGING_PREFIX}{os.getpid()}-{target.name}")
    try:
        for rel, data in sorted(files.items()):
            write_synced(stage / rel, data)
        swap(stage, target)
    except OSError as exc:
        raise environment_error("E4002", f"cannot write the sequence: {exc.strerror or exc}; nothing was written",
                                target) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
