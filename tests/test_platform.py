"""Platforms shared across products (content/platforms/<id>/) and `invoke impact`.

The corvane-aav9 platform carries the AAV9 process; examparvovec and examnaglovec build on it. A change
to the platform reaches both products; impact's answer (from the manifests' recorded reads) equals the
set of leaves whose bytes change, for a platform field, a product field and a region overlay field.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from builder.commands.explain import explain
from builder.commands.impact import impact
from builder.errors import Diagnostics, DossierError
from builder.pipeline import build
from builder.project import Project

from conftest import REPO, edit, prepared_diagnostics

PRODUCTS = ["examparvovec", "examnaglovec"]
PLATFORM = "content/platforms/corvane-aav9"
DS = {"examparvovec": "sulfamigene-examparvovec-corvane", "examnaglovec": "naglumigene-examnaglovec-corvane"}
S22 = "m3/32-body-data/32s-drug-sub/{ds}/32s2-manuf/manuf-process-and-controls.docx"


def project(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    for name in [*PRODUCTS, "platforms"]:
        shutil.copytree(REPO / "content" / name, root / "content" / name)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both platform products, every region, built once."""
    root = project(tmp_path_factory.mktemp("platform"))
    diags = Diagnostics()
    build(root, PRODUCTS, None, False, diags)
    return root


def leaf_hashes(root: Path) -> dict[tuple, str]:
    found = {}
    for path in sorted((root / "output").glob("*/*/manifest.json")):
        data = json.loads(path.read_text())
        for leaf in data["leaves"]:
            found[(data["product"], data["region"], leaf["path"])] = leaf["sha256"]
    return found


def text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs) + "\n".join(
        cell.text for table in Document(str(path)).tables for row in table.rows for cell in row.cells)


def test_a_platform_folder_is_not_a_product():
    assert Project(REPO).products() == ["examnaglovec", "examparvovec", "examplinib"]


def test_both_products_build_on_the_platform_in_every_region(built):
    for product in PRODUCTS:
        for region, count in (("fda", 87), ("ema", 86), ("nmpa", 92)):
            manifest = json.loads((built / "output" / product / region / "manifest.json").read_text())
            assert len(manifest["leaves"]) == count, (product, region)
            assert any(i["path"].startswith(PLATFORM) for i in manifest["inputs"])
    own = {p: text(built / "output" / p / "fda" / S22.format(ds=DS[p])) for p in PRODUCTS}
    for product, plasmid, other in (("examparvovec", "pBWG-JeT-hSGSH", "hNAGLU"),
                                    ("examnaglovec", "pBWG-JeT-hNAGLU", "hSGSH")):
        assert "HEK293 suspension working cell bank (WCB-S01)" in own[product]  # the platform's step
        assert plasmid in own[product] and other not in own[product]           # the product's own override
    nmpa = text(built / "output/examnaglovec/nmpa" / S22.format(ds=DS["examnaglovec"]))
    assert "pBWG-JeT-hNAGLU" in nmpa and "工作细胞库" in nmpa  # the platform's Chinese, the product's construct


EDITS = [  # (label, file, old, new): a platform field, a product field, a region overlay field (of the platform)
    ("platform", f"{PLATFORM}/core/process.yaml", "in single-use shake flasks (37 °C", "in single-use shake flasks (36.5 °C"),
    ("product", "content/examnaglovec/core/drug-substance.yaml", "release: Positive for the NAGLU transgene",
     "release: Positive for the hNAGLU transgene"),
    ("overlay", f"{PLATFORM}/nmpa.yaml", "一次性摇瓶", "一次性锥形摇瓶"),
]


@pytest.mark.parametrize("label,file,old,new", EDITS, ids=[e[0] for e in EDITS])
def test_impact_lists_exactly_the_leaves_whose_bytes_change(built, tmp_path, label, file, old, new):
    root = tmp_path / "p"
    shutil.copytree(built, root)
    before = leaf_hashes(root)
    line = (root / file).read_text(encoding="utf-8").split(old)[0].count("\n") + 1
    listed = {(h.product, h.region, h.path) for h in impact(root, file, line)}
    edit(root, file, old, new)
    build(root, PRODUCTS, None, False, Diagnostics())
    after = leaf_hashes(root)
    changed = {key for key in before if before[key] != after.get(key)}
    assert changed, "the edit changed no document: a test that cannot fail"
    assert listed == changed
    if label == "platform":
        assert {product for product, _, _ in changed} == set(PRODUCTS)  # one edit, both products


def test_impact_refuses_a_stale_or_missing_build(built, tmp_path):
    root = tmp_path / "p"
    shutil.copytree(built, root)
    edit(root, f"{PLATFORM}/core/process.yaml", "37 °C", "36 °C")
    with pytest.raises(DossierError) as stale:
        impact(root, f"{PLATFORM}/core/process.yaml", 10)
    assert stale.value.diagnostics[0].code == "E4051" and "changed since the last build" in str(stale.value)
    shutil.rmtree(root / "output")
    with pytest.raises(DossierError) as missing:
        impact(root, f"{PLATFORM}/core/process.yaml")
    assert missing.value.diagnostics[0].code == "E4050" and "invoke build" in str(missing.value)


def test_explain_shows_the_platform_origin():
    ds = DS["examnaglovec"]
    lines = explain(REPO, "examnaglovec", "fda", f"drug_substances[{ds}].process[seed-expansion].name")
    assert lines[1].strip().startswith(f"{PLATFORM}/core/process.yaml:") and "[from platform corvane-aav9]" in lines[1]
    lines = explain(REPO, "examnaglovec", "fda", f"drug_substances[{ds}].process[transfection].description")
    assert lines[1].strip().startswith("content/examnaglovec/core/drug-substance.yaml:")
    assert f"[replaces the platform's value at {PLATFORM}/core/process.yaml:" in lines[1]


# ------------------------------------------------------------------------------- bad references

@pytest.fixture
def naglo(tmp_path):
    root = tmp_path / "bad"
    shutil.copytree(REPO / "templates", root / "templates")
    for name in ("examnaglovec", "platforms"):
        shutil.copytree(REPO / "content" / name, root / "content" / name)
    return root


def codes_at(items) -> set[tuple]:
    return {(d.code, d.origin.path, d.origin.line) for d in items if d.origin is not None}


def test_an_unknown_platform_is_refused_at_its_reference(naglo):
    line = edit(naglo, "content/examnaglovec/core/product.yaml", "platform: corvane-aav9", "platform: corvane-aav8")
    found = prepared_diagnostics(naglo, "examnaglovec")
    assert ("E2121", "content/examnaglovec/core/product.yaml", line) in codes_at(found)
    message = next(d for d in found if d.code == "E2121")
    assert "corvane-aav8" in message.message and "corvane-aav9" in message.message  # names what there is
    assert message.origin.column > 1


def test_a_platform_cycle_is_refused(naglo):
    other = naglo / "content/platforms/other-base/core"
    other.mkdir(parents=True)
    (other / "platform.yaml").write_text("platform:\n  id: other-base\n  name: Base\n  based_on: corvane-aav9\n")
    edit(naglo, f"{PLATFORM}/core/platform.yaml", "  name: Corvane", "  based_on: other-base\n  name: Corvane")
    found = [d for d in prepared_diagnostics(naglo, "examnaglovec") if d.code == "E2122"]
    assert found and "corvane-aav9 → other-base → corvane-aav9" in found[0].message
    assert found[0].origin.path == "content/platforms/other-base/core/platform.yaml" and found[0].origin.line == 4


def test_a_platform_may_not_set_what_is_product_specific(naglo):
    top = edit(naglo, f"{PLATFORM}/core/platform.yaml", "platform:\n", "justifications: []\nplatform:\n")
    part = edit(naglo, f"{PLATFORM}/core/process.yaml", "drug_substance:\n",
                "drug_substance:\n  batches: []\n")
    found = codes_at(prepared_diagnostics(naglo, "examnaglovec"))
    assert ("E2123", f"{PLATFORM}/core/platform.yaml", top) in found
    assert ("E2123", f"{PLATFORM}/core/process.yaml", part + 1) in found


def test_a_product_describing_a_platform_itself_is_refused(naglo):
    line = edit(naglo, "content/examnaglovec/core/product.yaml", "sites:\n", "platform: {id: x}\nsites:\n")
    over = edit(naglo, "content/examnaglovec/fda.yaml", "sites:\n", "platform: {right_of_reference: none}\nsites:\n")
    found = codes_at(prepared_diagnostics(naglo, "examnaglovec"))
    assert ("E2124", "content/examnaglovec/core/product.yaml", line) in found
    assert ("E2124", "content/examnaglovec/fda.yaml", over) in found


def test_a_platform_without_its_right_of_reference_is_a_finding(naglo):
    path = naglo / PLATFORM / "core/platform.yaml"
    path.write_text("\n".join(l for l in path.read_text().split("\n") if not l.startswith("  right_of_reference")))
    found = [d for d in prepared_diagnostics(naglo, "examnaglovec") if d.code == "F4971"]
    assert found and "right_of_reference" in found[0].message and found[0].severity == "error"
    assert found[0].origin.path == f"{PLATFORM}/core/platform.yaml"


def test_trace_names_the_platform_of_a_value():
    from builder.commands.trace import format_trace, trace

    rows = trace(REPO, "examnaglovec", "fda", "3.2.S.2.2")
    seed = next(r for r in rows if r.field.endswith("process[seed-expansion].name"))
    assert seed.platform == "corvane-aav9" and seed.origin.path == f"{PLATFORM}/core/process.yaml"
    own = next(r for r in rows if r.field.endswith("process[transfection].description"))
    assert own.platform is None and own.origin.path == "content/examnaglovec/core/drug-substance.yaml"
    assert "from platform corvane-aav9" in format_trace([seed])
