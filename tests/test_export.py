"""`invoke export`: FHIR R5 PQ/CMC bundle and plain JSON of the merged, validated model."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.errors import Diagnostics, DossierError
from builder.export import FORMATS, export
from conftest import REPO, edit, only_example

fhir_bundle = pytest.importorskip("fhir.resources.bundle")
GOLDEN = REPO / "tests/data/export/examplinib-fda-spc-p-001.json"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export")
    shutil.copytree(REPO / "content", root / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(scope="module")
def pqcmc(project):
    diags = Diagnostics()
    paths = export(project, "examplinib", "fda", "pqcmc", diags)
    return {p.name: p for p in paths}, diags


def _resources(bundle_path: Path) -> dict:
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    return {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}


def test_bundle_is_a_valid_fhir_r5_document_with_pqcmc_profiles(pqcmc):
    paths, _ = pqcmc
    bundle = fhir_bundle.Bundle.model_validate_json(paths["pqcmc.bundle.json"].read_bytes())
    assert bundle.type == "document"
    assert bundle.entry[0].resource.get_resource_type() == "Composition"
    kinds = {e.resource.get_resource_type() for e in bundle.entry}
    assert {"PlanDefinition", "DiagnosticReport", "Observation"} <= kinds
    resources = _resources(paths["pqcmc.bundle.json"])
    assert resources["spc-s-001"]["subtitle"] == "3.2.S.4.1"
    assert any(r.get("subtitle") == "3.2.P.4.1" for r in resources.values())  # the excipient specification
    profiles = {p for r in resources.values() for p in r.get("meta", {}).get("profile", [])}
    ig = "http://hl7.org/fhir/us/pq-cmc-fda/StructureDefinition/"
    assert {ig + "pqcmc-quality-specification", ig + "pqcmc-batch-analysis",
            ig + "pqcmc-stability-study-interval-report", ig + "pq-result-observation"} <= profiles


def test_product_specification_matches_reviewed_golden(pqcmc):
    paths, _ = pqcmc
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert _resources(paths["pqcmc.bundle.json"])["spc-p-001"] == expected


def test_decimals_are_written_as_typed_with_ucum(pqcmc):
    paths, _ = pqcmc
    text = paths["pqcmc.bundle.json"].read_text(encoding="utf-8")
    start = text.index('"id": "f050p2409-deg-impurity-c"')  # YAML: deg-impurity-c: 0.10
    block = text[start:start + 600]
    assert '"value": 0.10\n' in block and '"code": "%"' in block and "http://unitsofmeasure.org" in block


def test_unit_without_ucum_code_is_a_warning(pqcmc):
    _, diags = pqcmc
    assert any(w.code == "W2972" and "anhydrous" in w.message and w.origin.line for w in diags.warnings)


def test_every_traced_value_points_at_its_content(pqcmc, project):
    paths, _ = pqcmc
    trace = json.loads(paths["pqcmc.trace.json"].read_text(encoding="utf-8"))["origins"]
    bundle = json.loads(paths["pqcmc.bundle.json"].read_text(encoding="utf-8"))
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["id"] == "spc-p-001")
    action = next(i for i, a in enumerate(bundle["entry"][index]["resource"]["action"]) if a["id"] == "assay")
    origin = trace[f"/entry/{index}/resource/action/{action}/title"]
    path, line, column = origin.rsplit(":", 2)
    written = (project / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert written[int(column) - 1:].startswith("Assay (HPLC)")
    assert len(trace) > 500


def test_output_is_deterministic(project, pqcmc):
    paths, _ = pqcmc
    before = paths["pqcmc.bundle.json"].read_bytes()
    again = {p.name: p for p in export(project, "examplinib", "fda", "pqcmc")}
    assert again["pqcmc.bundle.json"].read_bytes() == before


def test_json_format_keeps_text_and_traces(project):
    paths = {p.name: p for p in export(project, "examplinib", "fda", "json")}
    assert paths["model.json"].parent == project / "output/examplinib/export/fda"
    model = json.loads(paths["model.json"].read_text(encoding="utf-8"))
    assert model["format"] == "cmc-model/1" and model["region"] == "fda"
    product = model["model"]["drug_products"][0]
    batch = product["batches"][0]
    assert batch["results"]["deg-impurity-c"] == "0.10"  # text, never a float
    trace = json.loads(paths["model.trace.json"].read_text(encoding="utf-8"))["origins"]
    assert trace["/model/drug_products/0/batches/0/results/deg-impurity-c"].startswith(
        "content/examplinib/core/drug-product.yaml:")


def test_formats_are_a_registry():
    assert set(FORMATS) == {"json", "pqcmc"}


def test_unknown_format_is_a_positioned_error(project):
    with pytest.raises(DossierError) as exc:
        export(project, "examplinib", "fda", "xml")
    assert exc.value.diagnostics[0].code == "E2971"


def test_invalid_content_is_refused_before_export(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content", ignore=only_example)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    line = edit(tmp_path, "content/examplinib/core/drug-product.yaml", "    specification:\n      id: spc-p-001",
                "    specification:\n      id: [spc-p-001]")
    with pytest.raises(DossierError) as exc:
        export(tmp_path, "examplinib", "fda", "pqcmc")
    diag = exc.value.diagnostics[0]
    assert diag.origin.path.endswith("drug-product.yaml") and diag.origin.line in (line, line + 1)
    assert not (tmp_path / "output/examplinib/export").exists()


def test_without_the_fhir_library_the_export_says_how_to_install_it(project, monkeypatch):
    import sys

    from builder.errors import Category

    monkeypatch.setitem(sys.modules, "fhir.resources.bundle", None)  # as if the extra were not installed
    with pytest.raises(DossierError) as exc:
        export(project, "examplinib", "fda", "pqcmc", Diagnostics())
    assert exc.value.category == Category.ENVIRONMENT and exc.value.diagnostics[0].code == "E4119"
    assert "pip install -e '.[export]'" in exc.value.diagnostics[0].message


def test_a_link_planted_in_output_never_sends_the_export_out_of_it(project, tmp_path):
    from builder.errors import Category

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = project / "output/examplinib/export"
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside)
    try:
        with pytest.raises(DossierError) as exc:
            export(project, "examplinib", "fda", "json", Diagnostics())
        assert exc.value.category == Category.ENVIRONMENT and exc.value.diagnostics[0].code == "E4040"
        assert list(outside.iterdir()) == []
    finally:
        target.unlink()
