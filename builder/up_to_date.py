"""A build with nothing changed answers from what the last build recorded, without loading anything.

Incremental builds (incremental.py) reuse unchanged leaves, but still load, merge, validate and plan
every pair to learn which leaves those are: most of a build. When nothing a pair is made from has
changed, that work would only reproduce the last build, so each published pair leaves a record in
`output/.cache/fresh/<product>/<region>.json`: the *state key* (the builder's code and the names of
every file under content/ and templates/, so a file added, removed or renamed anywhere counts as a
change), the SHA-256 of every input file the pair read, of every file it wrote, the regions its
product lists, and the warnings and findings it reported. A pair whose record still matches the
files on disk is left as it is: its recorded warnings are shown again (`--strict` still fails on
them) and nothing of it is loaded or written; the other pairs take the normal path, which reports
whatever differs (a record that cannot be read, a file edited by hand). With every pair up to date,
the engine is not even imported. A record only saves time; it is never trusted over the files.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .errors import Diagnostic, Diagnostics, Origin
from .files import NotAFile, read_regular
from .incremental import engine
from .publish import build_lock, canonical_json

VERSION = 1


def state_key(project) -> str:
    """The builder's code, the libraries' versions and every file name under content/ and templates/
    (the files' bytes are the records' SHA-256s' business)."""
    from .manifest import tool_versions

    digest = hashlib.sha256(f"{VERSION}\0{engine()}\0{json.dumps(tool_versions(), sort_keys=True)}".encode())
    for top in (project.content, project.templates):
        for folder, dirs, files in os.walk(top):  # folders too: a folder where a file was is a change
            dirs.sort()
            for name, kind in sorted([(d, "/") for d in dirs] + [(f, "") for f in files]):
                digest.update(os.path.relpath(os.path.join(folder, name), project.root).encode() + kind.encode() + b"\0")
    return digest.hexdigest()


def record(project, dossier, rendered, folder: Path, key: str) -> None:
    """Leave the record of one published pair (best effort: a record that cannot be written costs speed)."""
    manifest = rendered.manifest
    body = {
        "version": VERSION, "key": key, "product": dossier.product, "region": dossier.region,
        "regions": list(dossier.content.product.regions),
        "inputs": {item["path"]: item["sha256"] for item in manifest["inputs"]},
        "outputs": {**_outputs(manifest), "manifest.json": _digest(canonical_json(manifest))},
        "leaves": len(manifest["leaves"]),
        "diagnostics": [_encode(d) for d in dossier.diagnostics if d.severity != "error"],
    }
    path = _path(project, dossier.product, dossier.region)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass


def fresh(project, products, regions, key: str) -> tuple[list[tuple[str, str, int, Path, list[Diagnostic]]], dict]:
    """(product, region, leaves, folder, diagnostics) of every requested pair that is up to date, and
    what is not: product → the regions to build (None: every requested one, nothing usable recorded)."""
    pairs, stale = [], {}
    for product in products or project.products():
        found, missing = _records(project, product, regions, key)
        pairs += found
        if missing is None or missing:
            stale[product] = missing
    return pairs, stale


def build(root: Path, products=None, regions=None, strict: bool = False, diags: Diagnostics | None = None,
          jobs: int | None = None, timings: list | None = None, force: bool = False,
          reuse: list | None = None) -> list[Path]:
    """`pipeline.build`, with the up-to-date answer given before the engine is even imported (a third
    of a second of the near-instant case is importing it)."""
    from .project import Project

    project, diags = Project(root), diags if diags is not None else Diagnostics()
    key = state_key(project)
    settled = settle(project, products, regions, key, diags, strict, reuse) if timings is None else None
    if settled is not None and settled[0] and not settled[1]:
        return settled[0]
    from .pipeline import build as run_build

    return run_build(root, products, regions, strict, diags, jobs, timings, force, reuse, key, settled)


def settle(project, products, regions, key: str, diags: Diagnostics, strict: bool = False,
           reuse: list | None = None) -> tuple[list[Path], dict | None]:
    """(the published folders of the up-to-date pairs, what is still to build: product → its regions,
    None for every requested one). The up-to-date pairs are left as they are: their last build's
    warnings are shown again and every leaf counts as reused; with nothing left to build, `strict`
    fails on those warnings here."""
    if not (project.output / ".cache" / "fresh").is_dir():
        return [], None  # nothing recorded: everything asked for is built
    with build_lock(project.output):  # no build is publishing while the records are compared; a planted lock is refused
        pairs, stale = fresh(project, products, regions, key)
    replay(pairs, diags)
    if not stale:
        diags.raise_if_errors(strict=strict)
    if reuse is not None:
        reuse.extend((product, region, leaves, leaves) for product, region, leaves, *_ in pairs)
    return [folder for *_, folder, _ in pairs], stale


def replay(pairs, diags: Diagnostics) -> None:
    """The warnings and findings the last build showed, shown again once each."""
    seen = {(d.code, d.message, str(d.origin or ""), d.field) for d in diags.items}
    for *_, diagnostics in pairs:
        for d in diagnostics:
            if (mark := (d.code, d.message, str(d.origin or ""), d.field)) not in seen:
                seen.add(mark)
                diags.items.append(d)


def _records(project, product: str, regions, key: str) -> tuple[list, list[str] | None]:
    """(the product's up-to-date pairs, its requested regions that are not), or ([], None) when its
    records say nothing usable (then the normal path builds, or reports, every requested region)."""
    first = _read(project, product, None)
    if first is None:
        return [], None
    own = first["regions"]
    wanted = [r for r in own if not regions or r in regions]
    if not wanted or any(r not in own for r in regions or ()):
        return [], None  # a region the product does not list: the normal path says so (E2303)
    pairs, missing = [], []
    for region in wanted:
        body = _read(project, product, region)
        folder = project.output / product / region
        if body is None or body["key"] != key or body["regions"] != own or not _matches(project, body, folder):
            missing.append(region)
        else:
            pairs.append((product, region, body["leaves"], folder, [_decode(d) for d in body["diagnostics"]]))
    return pairs, missing


def _matches(project, body: dict, folder: Path) -> bool:
    """Every input as recorded, every output as written, nothing else in the region folder."""
    if any(_sha(project.root / path) != sha for path, sha in body["inputs"].items()):
        return False
    present = {os.path.relpath(os.path.join(d, n), folder) for d, _, names in os.walk(folder) for n in names}
    if present != set(body["outputs"]):
        return False
    return all(_sha(folder / path) == sha for path, sha in body["outputs"].items())


def _outputs(manifest: dict) -> dict[str, str]:
    items = manifest["leaves"] + manifest.get("reports", []) + manifest.get("renditions", [])
    return {item["path"]: item["sha256"] for item in items}


def _read(project, product: str, region: str | None) -> dict | None:
    """One pair's record (any of the product's when `region` is None), or None when unusable."""
    folder = project.output / ".cache" / "fresh" / product
    try:
        path = _path(project, product, region) if region else \
            min(p for p in folder.glob("*.json") if not p.name.startswith("."))
        body = json.loads(read_regular(path))
        if body.get("version") != VERSION or not isinstance(body.get("regions"), list):
            return None
        return body
    except (OSError, NotAFile, ValueError, TypeError, AttributeError):
        return None


def _path(project, product: str, region: str) -> Path:
    return project.output / ".cache" / "fresh" / product / f"{region}.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha(path: Path) -> str | None:
    try:
        return _digest(read_regular(path))
    except (OSError, NotAFile):
        return None


def _encode(d: Diagnostic) -> list:
    return [d.code, d.message, str(d.origin) if d.origin else None, d.field, d.severity]


def _decode(item: list) -> Diagnostic:
    code, message, origin, field, severity = item
    return Diagnostic(code, message, Origin(origin) if origin else None, field, severity)
