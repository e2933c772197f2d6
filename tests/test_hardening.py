"""Issue 10's classes of bad input, through the real build (the helpers of test_bad_inputs.py):
exit code, positioned message, untouched content/ and templates/, unchanged prior output/.

1 cross-record references gate the later stages; 2 nothing written outside output/; 3 nothing a
writer typed silently ignored.
"""
from __future__ import annotations

from builder.errors import Category

from test_bad_inputs import DP, CORE_PRODUCT, expect, golden, project  # noqa: F401 - fixtures

BATCH = "- id: f050p2409"


def test_a_batch_missing_one_result_is_e2505_not_a_key_error(project, capsys):
    """The issue's example: a drug-product batch without its `water` result. (through the CLI)"""
    text = project.text(DP)
    start = text.index("results:", text.index(BATCH))
    line = text.count("\n", 0, start) + 2  # the results mapping starts at its first entry, the next line
    col = start - text.rfind("\n", 0, start) + 2
    water = text.index("          water: ", start)
    project.write(DP, text[:water] + text[text.index("\n", water) + 1:])
    messages = project.fails(Category.CONTENT, cli=capsys)
    expect(messages, DP, line, col, "E2505",
           "drug_products[examplinib-fct].batches[f050p2409].results", "no result for test 'water'")


def test_empty_required_lists_and_a_misspelt_composition_reference_are_all_reported(project):
    line, _, col = project.set_value(DP, "timepoints", "[]", after="- id: lt-f050p2409-bottle")
    sline, _, scol = project.set_value(DP, "substance", "examplinib-mesylat", after="composition:")
    messages = project.fails(Category.CONTENT)
    expect(messages, DP, line, col, "E2511", "drug_products[examplinib-fct].stability.studies[lt-f050p2409-bottle]"
           ".timepoints", "the list is empty (expected at least one time point)")
    expect(messages, DP, sline, scol, "E2508", "drug_products[examplinib-fct].composition[examplinib-mesylate].substance",
           "unknown drug substance 'examplinib-mesylat' (expected one of: examplinib-mesylate-acme)")


def test_a_zero_maximum_daily_dose_is_an_error_at_its_value(project):
    line, _, col = project.set_value(CORE_PRODUCT, "max_daily_dose", "0 mg", after="product:")
    messages = project.fails(Category.CONTENT)
    expect(messages, CORE_PRODUCT, line, col, "E2513", "product.max_daily_dose", "'0 mg' is not a maximum daily dose")
