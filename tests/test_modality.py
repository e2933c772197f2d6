"""Modality profiles as data: selection by product.modality, positioned errors in the profile, leaf rules,
checks selected by name, and wording that follows the modality (no Q1E or Q3A/Q3B where they do not apply)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from builder.errors import Diagnostics
from builder.modality import available_modalities
from builder.pipeline import build
from builder.cmc.catalogue import CHECKS

from conftest import REPO, edit, only_example, prepared_diagnostics

PRODUCT = "content/examplinib/core/product.yaml"


@pytest.fixture
def project(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    return tmp_path




def diagnostics(root: Path, region: str = "fda") -> list:
    return prepared_diagnostics(root, "examplinib", region)


def codes(items) -> set:
    return {d.code for d in items}


def test_every_shipped_profile_loads_and_names_only_registered_checks(repo):
    names = available_modalities(repo / "templates")
    assert {"small-molecule", "biologic", "aav-gene-therapy", "autologous-cell-therapy", "mrna-lnp", "adc"} <= set(names)
    from builder.modality import load_modality
    from builder.profile import load_profile

    class Product:
        def __init__(self, modality):
            self.modality = modality

        def where(self, name):
            return None

    for region in ("fda", "nmpa"):
        for name in names:
            diags = Diagnostics()
            profile, _ = load_profile(repo / "templates", region, diags)
            modality, with_labels, sources = load_modality(repo / "templates", Product(name), profile, diags)
            assert modality is not None and not diags.errors, [str(d) for d in diags.items]
            assert set(modality.checks) <= set(CHECKS)
            assert not [d for d in diags.items if d.code == "W2314"], [str(d) for d in diags.items]


def test_an_unknown_modality_is_an_error_at_its_line_with_the_known_ones(project):
    line = edit(project, PRODUCT, "modality: small-molecule", "modality: cell-gene-therapy")
    found = [d for d in diagnostics(project) if d.code == "E2311"]
    assert found and found[0].origin.line == line and found[0].origin.path == PRODUCT
    assert "aav-gene-therapy" in found[0].message and "small-molecule" in found[0].message


def test_a_profile_naming_an_unknown_check_is_an_error_in_the_profile(project):
    path = "templates/modalities/small-molecule.yaml"
    line = edit(project, path, "  - q1e-extrapolation\n", "  - q1e-extrapolaton\n")
    found = [d for d in diagnostics(project) if d.code == "E2313"]
    assert found and found[0].origin.line == line and "q1e-extrapolation" in found[0].message  # the suggestion


def test_checks_follow_the_profile(project):
    """Dropping Q3A/Q3B from the profile drops its finding (F4501) and its threshold table."""
    assert "F4501" in codes(diagnostics(project))
    edit(project, "templates/modalities/small-molecule.yaml", "  - q3-impurity-thresholds\n", "")
    assert "F4501" not in codes(diagnostics(project))
    build(project, ["examplinib"], ["fda"])
    doc = Document(next((project / "output/examplinib/fda").rglob("32s32-imp*/*.docx"), None)
                   or next((project / "output/examplinib/fda").rglob("*impurities*.docx")))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions and not [c for c in captions if "ICH Q3A" in c or "threshold" in c.casefold()], captions


def test_a_not_applicable_leaf_is_not_built_and_its_content_is_named(project):
    edit(project, "templates/modalities/small-molecule.yaml", "checks:\n",
         "leaves:\n  \"3.2.S.2.6\": {need: not-applicable, why: no development history for this test}\nchecks:\n")
    items = diagnostics(project)
    warned = [d for d in items if d.code == "W2406"]
    assert warned and "3.2.S.2.6" in warned[0].message and "no development history" in warned[0].message
    build(project, ["examplinib"], ["fda"])
    assert not list((project / "output/examplinib/fda").rglob("*manuf-process-development*.docx"))


def test_a_leaf_rule_can_make_an_optional_leaf_required(project):
    edit(project, "templates/modalities/small-molecule.yaml", "checks:\n",
         "leaves:\n  \"3.2.A.3\": {need: required}\nchecks:\n")
    errors = [d for d in diagnostics(project) if d.code == "E2402"]
    assert errors and "3.2.A.3" in errors[0].message


def test_a_leaf_rule_naming_an_unknown_kind_is_an_error_in_the_profile(project):
    path = "templates/modalities/small-molecule.yaml"
    edit(project, path, "checks:\n", "leaves:\n  \"3.2.S.2.6\": {need: required, kind: no-such-kind}\nchecks:\n")
    found = [d for d in diagnostics(project) if d.code == "E2401"]
    assert found and found[0].origin.path.endswith("modalities/small-molecule.yaml")


def test_a_region_in_another_language_must_word_the_modality_labels(project):
    edit(project, "templates/modalities/small-molecule.yaml", "checks:\n",
         "labels:\n  small_molecule_note: A sentence only this modality prints.\nchecks:\n")
    assert "W2314" not in codes(diagnostics(project, "fda"))
    warned = [d for d in diagnostics(project, "nmpa") if d.code == "W2314"]
    assert warned and "small_molecule_note" in warned[0].message and "templates/nmpa/modalities" in warned[0].message
    folder = project / "templates/nmpa/modalities"
    folder.mkdir(exist_ok=True)
    (folder / "small-molecule.yaml").write_text("labels:\n  small_molecule_note: 仅此类产品打印的句子。\n", encoding="utf-8")
    assert "W2314" not in codes(diagnostics(project, "nmpa"))


def test_a_biological_modality_drops_small_molecule_rules_and_asks_for_its_attributes(project):
    """The small-molecule tablets declared as a biologic: no Q3A/Q3B finding or Q1E sentence; the
    specification is asked for potency, and the missing attribute is named at the specification."""
    edit(project, PRODUCT, "modality: small-molecule", "modality: biologic")
    items = diagnostics(project)
    assert not codes(items) & {"F4501", "F4301", "F4202", "F4203"}
    missing = [d for d in items if d.code == "F4701"]
    assert any("potency" in d.message for d in missing)
    assert all(d.origin.path.startswith("content/examplinib/core/drug-") for d in missing)
