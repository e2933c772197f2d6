"""The schema collects every problem, each with file:line:col, the field path and what was expected."""
from builder.errors import Diagnostics
from builder.model import Batch
from builder.model import Test as SpecTest
from builder.schema import bind_record

from conftest import source


def bind(cls, text):
    diags = Diagnostics()
    return bind_record(cls, source(text).root, "specification.tests[0]", diags), diags


def test_a_valid_record_keeps_text_as_typed_and_remembers_positions():
    test, diags = bind(SpecTest, "id: assay\ntest: Assay\nprocedure: AP-001\nrelease: 98.0 % to 102.0 %\nshelf_life: 0.50\n")
    assert not diags.items
    assert test.shelf_life == "0.50"
    assert test.where("release").line == 4


def test_all_problems_are_reported_in_one_run():
    _, diags = bind(SpecTest, "id: Assay X\ntest: ~\nprocedure: null\nrelaese: NMT 1 %\n")
    found = {(d.code, d.field) for d in diags.errors}
    assert ("E2208", "specification.tests[0].id") in found
    assert ("E2201", "specification.tests[0].test") in found
    assert ("E2201", "specification.tests[0].procedure") in found
    assert ("E2201", "specification.tests[0]") in found  # release missing, at the parent mapping
    unknown = next(d for d in diags.errors if d.code == "E2202")
    assert "did you mean" in unknown.message and unknown.origin.line == 4


def test_blank_and_null_spellings_count_as_missing():
    for blank in ('""', "' '", "~", "null", "Null", "NULL", ""):
        _, diags = bind(SpecTest, f"id: a\ntest: {blank}\nprocedure: p\nrelease: r\n")
        assert [d.code for d in diags.errors] == ["E2201"], blank


def test_dates_are_checked_but_kept_as_typed():
    batch, diags = bind(Batch, "id: b1\nnumber: 007\nsize: 1 kg\nscale: pilot\nmanufactured: 2024-13-45\nsite: s\nuse: x\nresults: {a: '1'}\n")
    assert batch is None
    assert diags.errors[0].code == "E2208" and diags.errors[0].origin.line == 5


def test_control_characters_and_surrogates_are_refused_with_their_field():
    for escaped in ('"a\\x07b"', '"a\\ud800b"', '"a\\x0cb"', '"{_{ x }_}"'):
        _, diags = bind(SpecTest, f"id: a\ntest: {escaped}\nprocedure: p\nrelease: r\n")
        assert diags.errors and diags.errors[0].field == "specification.tests[0].test", escaped


def test_wrong_types_name_what_was_expected():
    _, diags = bind(SpecTest, "id: a\ntest: [x]\nprocedure: p\nrelease: r\n")
    assert diags.errors[0].message == "expected text, got a list"
