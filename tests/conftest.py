"""Shared fixtures: the repository root, and helpers that run early stages on YAML text."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from textwrap import dedent

import pytest

from builder.errors import Diagnostics
from builder.merge import apply_overlay, combine_core
from builder.modality import load_modality
from builder.plan import plan
from builder.profile import load_profile
from builder.scope import Scope
from builder.source import SourceFile, parse_bytes
from builder.structure import load_tree
from builder.validate import validate

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = "examplinib"


def only_example(directory: str, names: list[str]) -> list[str]:
    """`shutil.copytree` ignore: under content/, every product but the small-molecule example.

    Tests written around examplinib copy the repository and build every product in it; the other
    shipped examples (content/examparvovec) have tests of their own, and would otherwise change these
    tests' counts and double their time."""
    return [n for n in names if n != EXAMPLE] if Path(directory) == REPO / "content" else []


def source(text: str, name: str = "content/p/core/a.yaml") -> SourceFile:
    data = dedent(text).encode("utf-8")
    return SourceFile(name, "", len(data), parse_bytes(data, name))


def prepare_text(core: str, overlay: str | None = None, region: str = "fda"):
    """Run load → merge → validate → plan on YAML text; return (content, leaves, diagnostics)."""
    diags = Diagnostics()
    merged = combine_core([source(core)], diags)
    if overlay:
        merged = apply_overlay(merged, source(overlay, f"content/p/{region}.yaml"), diags)
    profile, _ = load_profile(REPO / "templates", region, diags)
    content = validate(merged, "p", profile, diags)
    modality = None
    if content is not None:
        modality, profile, _ = load_modality(REPO / "templates", content.product, profile, diags)
    scope = Scope(content, profile, modality=modality)
    leaves = plan(load_tree(REPO / "templates", diags), scope, diags) if content and modality else ()
    return content, leaves, diags


@pytest.fixture
def repo() -> Path:
    return REPO


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (apt-get install libreoffice-writer)")
        pytest.skip("LibreOffice not installed")
    return found


@pytest.fixture
def soffice() -> str:
    """LibreOffice's soffice: CI must have it (.ci/run installs it); elsewhere its tests are skipped."""
    return _soffice()


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """Both shipped examples built for every region with verified PDFs (invoke build --pdf), once per
    session: the PDF and sequence tests share it (one LibreOffice run per region, a few minutes)."""
    _soffice()
    from builder.pipeline import build

    root = tmp_path_factory.mktemp("published")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    timings: list = []
    build(root, ["examplinib", "examparvovec"], timings=timings)  # the PDF tests name these two
    root.joinpath("timings.txt").write_text("\n".join(f"{t.product}/{t.region} {t.leaves} {t.convert_s:.1f} "
                                                       f"{t.verify_s:.1f}" for t in timings))
    return root


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the first `old` in a project file; return the 1-based line where it stood."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def prepared_diagnostics(root: Path, product: str, region: str = "fda") -> list:
    """Everything `prepare` reports for one product and region, whether or not it fails."""
    from builder.errors import DossierError
    from builder.pipeline import prepare
    from builder.project import Project

    diags = Diagnostics()
    try:
        prepare(Project(root), [product], [region], diags=diags)
    except DossierError:
        pass
    return diags.items
