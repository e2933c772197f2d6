"""`invoke verify`: recompute a build's manifest and name every file that differs, is missing or extra.

A reviewer or an auditor can confirm that what is in `output/` is exactly what the build wrote,
and that it was built from the inputs now in the repository.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import Category, Diagnostic, DossierError, Origin
from ..profile import available_regions
from ..publish import STAGING_PREFIX
from .strays import strays


def verify(root: Path, products=None, regions=None) -> list[Path]:
    """Return the verified manifests; raise (exit 5) listing every mismatch.

    Every region folder is checked, including one whose manifest is missing (it would otherwise be
    skipped in silence), and a region an interrupted build left moved aside is reported; staging
    folders are never mistaken for regions."""
    output = root / "output"
    known = set(available_regions(root / "templates"))

    def selected(folder: Path) -> bool:
        """Region folders are named after a region profile (output/review/… and reports are not)."""
        return folder.name in known and (not products or folder.parent.name in products) and \
            (not regions or folder.name in regions)

    folders = sorted(f for f in output.glob("*/*") if f.is_dir() and selected(f)
                     and not any(part.startswith(STAGING_PREFIX) for part in f.relative_to(output).parts))
    aside = sorted(s for s in output.glob(f"*/{STAGING_PREFIX}old-*")
                   if selected(final := s.with_name(s.name.removeprefix(f"{STAGING_PREFIX}old-"))) and not final.exists())
    if not folders and not aside:
        raise DossierError(Category.VERIFICATION, [Diagnostic("E5000", "no built output to verify (run invoke build)")])
    problems = [p for folder in folders for p in _check(root, folder / "manifest.json")]
    problems += [Diagnostic("E5005", "an interrupted build left this region moved aside; run invoke build to restore it",
                            _at(root, s)) for s in aside]
    problems += [Diagnostic("E5007", "left by an interrupted task (its process is gone); the next task removes it",
                            _at(root, s)) for s in strays(root, temp=False)]
    if problems:
        raise DossierError(Category.VERIFICATION, problems)
    return [folder / "manifest.json" for folder in folders]


def _check(root: Path, manifest_path: Path) -> list[Diagnostic]:
    folder = manifest_path.parent
    if not manifest_path.is_file():
        return [Diagnostic("E5001", "manifest is missing (an incomplete or foreign folder)", _at(root, manifest_path))]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        outputs = [_entry(item, "path", "sha256") for item in manifest["leaves"] + manifest.get("reports", [])
                   + manifest.get("renditions", [])]
        inputs = [_entry(item, "path", "sha256", "role") for item in manifest["inputs"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [Diagnostic("E5001", f"manifest is unreadable or incomplete ({type(exc).__name__})", _at(root, manifest_path))]
    problems = [_compare(root, folder / path, sha, "output") for path, sha in outputs]
    problems += [_compare(root, root / path, sha, "input") for path, sha, role in inputs
                 if role != "template" or (root / path).exists()]
    listed = {path for path, _ in outputs} | {"manifest.json"}
    listed |= {d["path"] for d in manifest.get("drafts", []) if isinstance(d, dict) and isinstance(d.get("path"), str)}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.relative_to(folder).as_posix() not in listed:
            problems.append(Diagnostic("E5004", "extra file not listed in the manifest", _at(root, path)))
    return [p for p in problems if p]


def _entry(item: dict, *keys: str) -> tuple[str, ...]:
    """The named fields of one manifest entry, all text, or TypeError/KeyError (an incomplete manifest)."""
    values = tuple(item[key] for key in keys)
    if not all(isinstance(v, str) for v in values):
        raise TypeError("manifest entry fields must be text")
    return values


def _compare(root: Path, path: Path, expected: str, role: str) -> Diagnostic | None:
    if not path.resolve().is_relative_to(root.resolve()):
        return Diagnostic("E5006", f"manifest lists a {role} path outside the project; refused", _at(root, path))
    if not path.is_file():
        return Diagnostic("E5002", f"{role} file listed in the manifest is missing", _at(root, path))
    if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
        what = "differs from what the build wrote" if role == "output" else "changed since the build (rebuild)"
        return Diagnostic("E5003", f"{role} file {what}: SHA-256 does not match the manifest", _at(root, path))
    return None


def _at(root: Path, path: Path) -> Origin:
    try:
        return Origin(path.relative_to(root).as_posix())
    except ValueError:
        return Origin(path.as_posix())
