"""Overlay merge rules (docs/content-format.md): deep maps, records by id, explicit removal, no type change."""
from builder.errors import Diagnostics
from builder.commands.explain import lines
from builder.merge import apply_overlay, combine_core

from conftest import source

CORE = """
product:
  name: Core name
  regions: [fda, ema]
tests:
  - id: assay
    procedure: Ph. Eur. 2.2.29
    release: 95.0 % to 105.0 %
  - id: water
    procedure: Ph. Eur. 2.5.12
    release: NMT 0.5 %
"""


def merged(overlay: str):
    diags = Diagnostics()
    core = combine_core([source(CORE)], diags)
    result = apply_overlay(core, source(overlay, "content/p/fda.yaml"), diags)
    return {path: v for path, v in lines(result)}, diags


def test_scalars_replace_and_keep_the_overlay_position():
    values, diags = merged("product:\n  name: US name\n")
    assert not diags.items
    assert values["product.name"].data == "US name"
    assert values["product.name"].overlay == "content/p/fda.yaml"
    assert values["product.name"].origin.line == 2
    assert values["product.regions[0]"].overlay is None


def test_records_merge_by_id_and_new_ones_append():
    values, _ = merged("tests:\n  - id: water\n    procedure: USP <921>\n  - id: pH\n    procedure: USP <791>\n    release: 5.0 to 7.0\n")
    assert values["tests[water].procedure"].data == "USP <921>"
    assert values["tests[water].release"].data == "NMT 0.5 %"
    assert values["tests[water].release"].overlay is None
    assert [p for p in values if p.endswith(".procedure")] == [
        "tests[assay].procedure", "tests[water].procedure", "tests[pH].procedure"]


def test_plain_lists_are_replaced_whole():
    values, _ = merged("product:\n  regions: [nmpa]\n")
    assert [v.data for p, v in values.items() if p.startswith("product.regions")] == ["nmpa"]


def test_removal_is_explicit():
    values, diags = merged("tests:\n  - id: water\n    remove: true\n")
    assert not diags.items
    assert not any(p.startswith("tests[water]") for p in values)


def test_removing_an_unknown_record_is_an_error():
    _, diags = merged("tests:\n  - id: odour\n    remove: true\n")
    assert [d.code for d in diags.errors] == ["E2104"]
    assert diags.errors[0].origin.line == 2


def test_changing_a_type_is_an_error_at_the_overlay_line():
    _, diags = merged("product:\n  name:\n    en: US name\n")
    error = diags.errors[0]
    assert (error.code, error.field, error.origin.path, error.origin.line) == ("E2103", "product.name", "content/p/fda.yaml", 3)
    assert "from text to a mapping" in error.message


def test_a_record_list_cannot_be_emptied_silently():
    _, diags = merged("tests: []\n")
    assert [d.code for d in diags.errors] == ["E2106"]


def test_a_top_level_key_belongs_to_one_core_file():
    diags = Diagnostics()
    combine_core([source("a: 1\n", "core/x.yaml"), source("a: 2\n", "core/y.yaml")], diags)
    assert diags.errors[0].code == "E2102" and diags.errors[0].origin.path == "core/y.yaml"


def test_a_record_id_is_not_an_overlay_replacement_but_other_keys_named_id_are():
    values, _ = merged("tests:\n  - id: water\n    procedure: USP <921>\n")
    assert values["tests[water].id"].overlay is None


def _order(values):
    return [p.split("]")[0][6:] for p in values if p.startswith("tests[") and p.endswith(".procedure")]


def test_an_added_record_is_placed_before_or_after_an_id():
    values, diags = merged("tests:\n  - id: pH\n    procedure: USP <791>\n    place: {before: water}\n")
    assert not diags.items
    assert _order(values) == ["assay", "pH", "water"]
    assert not any(p.endswith(".place") or ".place." in p for p in values)
    values, _ = merged("tests:\n  - id: pH\n    procedure: USP <791>\n    place: {after: assay}\n"
                       "  - id: odour\n    procedure: visual\n    place: {after: pH}\n")
    assert _order(values) == ["assay", "pH", "odour", "water"]


def test_an_existing_record_can_be_moved_by_placement():
    values, diags = merged("tests:\n  - id: water\n    place: {before: assay}\n")
    assert not diags.items
    assert _order(values) == ["water", "assay"]


def test_placing_at_an_unknown_id_is_a_positioned_error():
    _, diags = merged("tests:\n  - id: pH\n    procedure: USP <791>\n    place: {after: LT-25-60}\n")
    [error] = diags.errors
    assert error.code == "E2108"
    assert "LT-25-60" in error.message and "assay" in error.message
    assert (error.origin.line, error.origin.column) == (4, 20)  # the anchor id itself


def test_a_malformed_placement_is_a_positioned_error():
    _, diags = merged("tests:\n  - id: pH\n    procedure: USP <791>\n    place: {after: assay, before: water}\n")
    assert [d.code for d in diags.errors] == ["E2109"]
    assert diags.errors[0].origin.line == 4
