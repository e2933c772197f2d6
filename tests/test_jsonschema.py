"""The editor JSON Schemas: generated from the model, structurally sound, and accepting the example."""
from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from builder import model
from builder.jsonschema import content_schema, overlay_schema, write_schemas
from builder.model_custody import TIMESTAMP
from builder.schema import CTD_NUMBER, DATE, SLUG, Records

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "content" / "examplinib"
RECORD_CLASSES = [c for c in vars(model).values()
                  if isinstance(c, type) and issubclass(c, model.Node) and c not in (model.Node, model.Content)]


def model_fields(cls) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if "kind" in f.metadata]


def subschemas(schema: dict):
    """`schema` and every schema inside it (a field may be named `properties`: walk by keyword)."""
    yield schema
    for keyword in ("properties", "$defs"):
        for child in schema.get(keyword, {}).values():
            yield from subschemas(child)
    for keyword in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(keyword), dict):
            yield from subschemas(schema[keyword])
    for child in schema.get("allOf", []):
        yield from subschemas(child)


def objects(schema: dict):
    return [s for s in subschemas(schema) if "properties" in s and s.get("type") == "object"]


def refs(schema: dict):
    return [s["$ref"] for s in subschemas(schema) if "$ref" in s]


@pytest.fixture(scope="module", params=["content", "overlay"])
def schema(request):
    return content_schema() if request.param == "content" else overlay_schema()


def test_draft_and_root(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == {f.name for f in model_fields(model.Content)}


def test_every_object_is_closed_and_requires_only_its_own_fields(schema):
    found = objects(schema)
    assert len(found) > 20
    for obj in found:
        assert obj["additionalProperties"] is False, obj
        assert set(obj.get("required", [])) <= set(obj["properties"]), obj


def test_every_ref_resolves(schema):
    targets = set(refs(schema))
    assert targets
    for target in targets:
        assert target.startswith("#/$defs/") and target.removeprefix("#/$defs/") in schema["$defs"], target


def test_every_model_field_appears():
    defs = content_schema()["$defs"]
    assert {c.__name__ for c in RECORD_CLASSES} <= set(defs)
    for cls in RECORD_CLASSES:
        assert set(defs[cls.__name__]["properties"]) == {f.name for f in model_fields(cls)}, cls.__name__


def test_required_fields_follow_the_model():
    schema = content_schema()
    assert schema["$defs"]["Test"]["required"] == ["id", "test", "procedure", "release"]
    assert "shelf_life" in schema["$defs"]["Test"]["properties"]
    assert schema["required"] == ["product", "drug_substances", "drug_products"]
    for cls in RECORD_CLASSES:
        expected = [f.name for f in model_fields(cls) if f.metadata["required"]]
        assert schema["$defs"][cls.__name__]["required"] == expected, cls.__name__


def test_kinds_map_to_keywords():
    defs = content_schema()["$defs"]
    assert defs["Test"]["properties"]["id"]["pattern"] == SLUG.pattern
    assert defs["Batch"]["properties"]["manufactured"]["pattern"] == DATE.pattern
    assert defs["BatchSize"]["properties"]["units"]["pattern"] == "^[1-9][0-9]{0,11}$"
    assert defs["Product"]["properties"]["modality"]["pattern"] == SLUG.pattern  # the profiles are data
    assert defs["CustodyEvent"]["properties"]["time"]["pattern"] == TIMESTAMP.pattern
    narrative = defs["DrugSubstance"]["properties"]["narrative"]
    assert narrative["propertyNames"]["pattern"] == CTD_NUMBER.pattern
    assert narrative["additionalProperties"]["type"] == ["string", "number", "boolean"]
    tests = defs["Specification"]["properties"]["tests"]
    assert tests["type"] == "array" and tests["items"]["$ref"] == "#/$defs/Test"
    assert defs["Product"]["properties"]["as_of"]["description"].startswith("dossier date")


def test_scalars_accept_what_the_yaml_language_server_types_as_numbers():
    """`limit: 0.50` is a number to the editor but text to the loader: the schema must not flag it."""
    assert content_schema()["$defs"]["Test"]["properties"]["release"]["type"] == ["string", "number", "boolean"]


def test_overlay_requires_nothing_but_ids_and_allows_removal():
    schema = overlay_schema()
    assert "required" not in schema
    for name, definition in schema["$defs"].items():
        assert name.endswith("Complete") or "required" not in definition, name
    assert schema["$defs"]["Test"]["properties"]["remove"]["enum"][:2] == [True, "true"]
    assert "remove" not in schema["$defs"]["Specification"]["properties"]  # a single record, not a list item
    tests = schema["$defs"]["Specification"]["properties"]["tests"]
    assert tests["items"] == {"allOf": [{"$ref": "#/$defs/Test"}, {"required": ["id"]}]}
    # lists replaced whole by an overlay (not merged by id) keep complete items
    assert schema["$defs"]["Site"]["properties"]["identifiers"]["items"]["$ref"] == "#/$defs/IdentifierComplete"
    assert schema["$defs"]["IdentifierComplete"]["required"] == ["scheme", "value"]


def test_every_records_field_gets_remove():
    schema = overlay_schema()
    listed = {f.metadata["kind"].item.cls.__name__ for cls in RECORD_CLASSES + [model.Content]
              for f in model_fields(cls) if isinstance(f.metadata["kind"], Records)}
    assert listed
    for name in listed:
        assert "remove" in schema["$defs"][name]["properties"], name


def test_write_schemas_is_reproducible(tmp_path):
    first = write_schemas(tmp_path / "schemas")
    assert [p.name for p in first] == ["content.schema.json", "overlay.schema.json"]
    before = [p.read_bytes() for p in first]
    write_schemas(tmp_path / "schemas")
    assert [p.read_bytes() for p in first] == before
    text = before[0].decode("utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "$defs"')  # indent 2, sorted keys
    assert json.loads(text) == content_schema()


# With the jsonschema package (optional): meta-schema validity and the example product --------------

def _load(path: Path):
    """What an editor sees: YAML 1.2 types (numbers, booleans), dates kept as text."""
    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value
    return plain(YAML(typ="safe").load(path))


def _validator(schema):
    jsonschema = pytest.importorskip("jsonschema", reason="the jsonschema package is not installed")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _problems(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_schemas_are_valid_json_schema(schema):
    _validator(schema)


def test_example_product_validates():
    core_files = sorted((EXAMPLE / "core").glob("*.yaml"))
    if not core_files:
        pytest.skip("content/examplinib/core/ has no files yet")
    overlay, content = _validator(overlay_schema()), _validator(content_schema())
    merged = {}
    for path in core_files + sorted(EXAMPLE.glob("*.yaml")):
        data = _load(path)
        assert _problems(overlay, data) == [], path.name
        if path.parent.name == "core":
            merged.update(data)
    assert _problems(content, merged) == []


def test_schema_catches_typos_and_missing_fields():
    content = _validator(content_schema())
    test = {"id": "assay", "test": "Assay", "procedure": "AP-002", "relaese": "95.0 %"}
    spec = {"id": "s", "name": "S", "version": "1", "tests": [test]}
    product = {"id": "p", "name": "P", "inn": "p", "modality": "small-molecule", "sponsor": "S",
               "as_of": "2024-01-05", "regions": ["fda"]}
    data = {"product": product, "drug_substances": [],
            "drug_products": [{"id": "dp", "name": "D", "dosage_form": "tablet", "strengths": [], "specification": spec}]}
    problems = "\n".join(_problems(content, data))
    assert "'relaese' was unexpected" in problems and "'release' is a required property" in problems
    overlay = _validator(overlay_schema())
    assert _problems(overlay, {"drug_products": [{"id": "dp", "remove": True}]}) == []
    assert _problems(overlay, {"drug_products": [{"name": "no id"}]})
    assert _problems(overlay, {"product": {"modality": "small molecule"}})


def test_committed_schemas_match_the_model(tmp_path):
    """schemas/ is generated by `invoke schema`; a model change without regenerating it fails here."""
    from builder.jsonschema import write_schemas

    repo = Path(__file__).resolve().parents[1]
    for path in write_schemas(tmp_path):
        assert (repo / "schemas" / path.name).read_bytes() == path.read_bytes(), f"run invoke schema ({path.name})"


def test_the_sheet_mapping_schema_lists_exactly_the_keys_the_reader_accepts():
    from builder.jsonschema import SHEET_MAPPING
    from builder.tabular.splice import MAPPING_KEYS

    assert set(SHEET_MAPPING["properties"]) == MAPPING_KEYS
