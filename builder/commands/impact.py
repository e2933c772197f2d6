"""`invoke impact --file F [--line N]`: every product, region and leaf whose output changes when that
content changes, answered from what the last build recorded (each leaf's `depends` in its manifest,
`builder/reads.py`), never guessed from file names or section kinds.

The answer is only as good as the build it reads: a content file, profile or template changed since
then (or a product never built) makes the manifests stale, and impact says so instead of answering.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import environment_error
from ..project import Project
from ..reads import parse_spans


@dataclass(frozen=True)
class Hit:
    """One leaf the change reaches."""

    product: str
    region: str
    number: str
    title: str
    path: str


def impact(root: Path, file: str, line: int | None = None) -> list[Hit]:
    """The leaves of the last build whose recorded dependencies include `file` (at `line`, if given)."""
    project = Project(root)
    target = _display(project, file)
    manifests = _manifests(project)
    _check_fresh(project, manifests)
    hits = []
    for (product, region), data in sorted(manifests.items()):
        for leaf in data["leaves"]:
            spans = leaf.get("depends", {}).get("lines", {}).get(target)
            if spans is None or (line is not None and line not in parse_spans(spans)):
                continue
            hits.append(Hit(product, region, leaf["number"], leaf["title"], leaf["path"]))
    if not any(target == i["path"] for data in manifests.values() for i in data["inputs"]):
        raise environment_error("E4052", f"no build read {target} (inputs are content/<product>/… and "
                                "content/platforms/<id>/… files)", target)
    return hits


def _display(project: Project, file: str) -> str:
    """`file` as the manifests name it: relative to the project root, with '/'."""
    path = Path(file)
    if not path.is_absolute():
        if (project.root / path).exists() or not (Path.cwd() / path).exists():
            return path.as_posix()
        path = Path.cwd() / path
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _manifests(project: Project) -> dict[tuple[str, str], dict]:
    """(product, region) → manifest of the last build; every product in content/ must have one."""
    found = {}
    for path in sorted(project.output.glob("*/*/manifest.json")):
        try:
            found[(path.parent.parent.name, path.parent.name)] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise environment_error("E4050", f"cannot read {project.display(path)} ({exc}); run `invoke build`",
                                    project.display(path)) from None
    if not found:
        raise environment_error("E4050", "no build yet: impact answers from the manifests of the last build "
                                "(output/<product>/<region>/manifest.json); run `invoke build` first",
                                project.display(project.output))
    missing = [p for p in project.products() if not any(product == p for product, _ in found)]
    if missing:
        raise environment_error("E4051", f"no build of {', '.join(missing)} in output/: the answer would leave "
                                f"them out; run `invoke build` first", project.display(project.output))
    if any("depends" not in leaf for data in found.values() for leaf in data["leaves"]):
        raise environment_error("E4051", "the manifests in output/ come from a build that recorded no "
                                "dependencies; run `invoke build` again", project.display(project.output))
    return found


def _check_fresh(project: Project, manifests: dict) -> None:
    """Every input a manifest lists still has the bytes it had (content, profiles, templates)."""
    changed = {}
    for (product, region), data in manifests.items():
        for item in data["inputs"]:
            path = project.root / item["path"]
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                digest = None
            if digest != item["sha256"]:
                changed.setdefault(item["path"], []).append(f"{product}/{region}")
    new = _unbuilt_files(project, manifests)
    if changed or new:
        what = [f"{path} changed since the last build ({', '.join(pairs)})" for path, pairs in sorted(changed.items())]
        what += [f"{path} was not there at the last build" for path in new]
        raise environment_error("E4051", "the manifests are stale: " + "; ".join(what[:5])
                                + (f" and {len(what) - 5} more" if len(what) > 5 else "")
                                + ". Run `invoke build`, then ask again (impact answers from the last build's "
                                "recorded reads)", project.display(project.output))


def _unbuilt_files(project: Project, manifests: dict) -> list[str]:
    """Content files of built products and of their platforms that no manifest lists (added since)."""
    listed = {item["path"] for data in manifests.values() for item in data["inputs"]}
    products = {product for product, _ in manifests}
    found = []
    for product in sorted(products):
        for path in sorted((project.content / product / "core").glob("*.yaml")):
            if project.display(path) not in listed:
                found.append(project.display(path))
    return found


def format_impact(hits: list[Hit], file: str, line: int | None) -> str:
    where = f"{file}:{line}" if line is not None else file
    if not hits:
        return (f"no leaf of the last build reads {where} (a comment, a blank line, or a value no document "
                "shows): changing it changes no document")
    out = [f"{len(hits)} {'leaves' if len(hits) != 1 else 'leaf'} read {where}:"]
    pair = None
    for hit in hits:
        if (hit.product, hit.region) != pair:
            pair = (hit.product, hit.region)
            out.append(f"{hit.product} / {hit.region}")
        out.append(f"  {hit.number} {hit.title} — {hit.path}")
    return "\n".join(out)
