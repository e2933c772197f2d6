"""Issue 10's classes of bad input, through the real build (the helpers of test_bad_inputs.py):
exit code, positioned message, untouched content/ and templates/, unchanged prior output/.

1 cross-record references gate the later stages; 2 nothing written outside output/; 3 nothing a
writer typed silently ignored.
"""
from __future__ import annotations

import os
import shutil
import socket

import pytest

from builder.errors import Category, Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project

from test_bad_inputs import (CORE_PRODUCT, DP, DS, EMA, FDA, NEW_CORE, PRODUCT, expect, golden, own,  # noqa: F401
                             project, sources)

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


# -- 2: nothing is written outside output/, whatever is in the way -----------------------------------------

def _output_link(project, target: str) -> None:
    shutil.rmtree(project.root / "output")
    (project.root / "output").symlink_to(project.root / target, target_is_directory=True)


@pytest.mark.parametrize("target, where", [("content", "inside content/"), ("templates", "inside templates/"),
                                           ("..", "outside the project")])
def test_an_output_folder_that_is_a_link_into_sources_or_out_of_the_project_is_refused(project, target, where):
    before = sources(project.root)
    outside = sorted(os.listdir(project.root.parent))
    _output_link(project, target)
    with pytest.raises(DossierError) as info:
        build(project.root, None, ["fda"])
    assert info.value.category == Category.ENVIRONMENT
    message = str(info.value.diagnostics[0])
    assert message.startswith("output: error E4040: refusing to write: this path resolves to ") and where in message
    assert sources(project.root) == before and sorted(os.listdir(project.root.parent)) == outside


def test_a_product_folder_in_output_that_links_into_content_is_refused_and_content_is_untouched(project):
    before = sources(project.root)
    shutil.rmtree(project.root / "output/examplinib")
    (project.root / "output/examplinib").symlink_to(project.root / "content/examplinib", target_is_directory=True)
    with pytest.raises(DossierError) as info:
        build(project.root, None, ["fda"])
    assert info.value.category == Category.ENVIRONMENT and "inside content/" in str(info.value)
    assert str(info.value.diagnostics[0]).startswith("output/examplinib/fda: error E4040: ")
    assert sources(project.root) == before


def test_a_lock_file_planted_as_a_link_to_a_source_file_does_not_truncate_it(project):
    before = sources(project.root)
    lock = project.root / "output/.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(project.root / DP)
    with pytest.raises(DossierError) as info:
        build(project.root, None, ["fda"])
    assert info.value.category == Category.ENVIRONMENT and "E4002" in str(info.value)
    assert sources(project.root) == before


@pytest.mark.parametrize("make, what", [
    (lambda p: os.mkfifo(p), "a named pipe (FIFO)"),
    (lambda p: p.mkdir(), "a folder"),
    (lambda p: (p.symlink_to(p.with_name("loop-b.yaml")), p.with_name("loop-b.yaml").symlink_to(p)),
     "a symbolic link loop"),
    (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), "a socket"),
])
def test_a_content_path_that_is_not_a_regular_file_is_a_positioned_error_never_a_hang(project, make, what):
    make(project.root / NEW_CORE)
    project.injected.add(NEW_CORE)
    messages = project.fails(Category.CONTENT)
    expect(messages, NEW_CORE, 1, 1, "E2008", text=f"this path is {what}, not a YAML file")


def test_an_overlay_that_is_a_fifo_is_reported_not_skipped(project):
    (project.root / FDA).unlink()
    os.mkfifo(project.root / FDA)
    project.injected.add(FDA)
    messages = project.fails(Category.CONTENT, regions=["fda"])
    expect(messages, FDA, 1, 1, "E2008", text="this path is a named pipe (FIFO)")


def test_a_template_that_is_not_a_regular_file_is_a_template_error_not_a_silent_fallback(project):
    path = project.root / "templates/nmpa/narrative.docx"
    path.unlink()
    os.mkfifo(path)
    project.injected.add("templates/nmpa/narrative.docx")
    messages = project.fails(Category.TEMPLATE, regions=["nmpa"])
    assert messages[0].startswith("templates/nmpa/narrative.docx: error E3008: this path is a named pipe (FIFO)")


# -- 3: nothing a writer typed is silently dropped or ignored ----------------------------------------------

def test_misnamed_overlays_and_stray_files_are_warnings_naming_them_and_errors_under_strict(project):
    (project.root / FDA).rename(project.root / f"{PRODUCT}/fda.yml")
    (project.root / EMA).rename(project.root / f"{PRODUCT}/EMA.yaml")
    (project.root / f"{PRODUCT}/core/notes.txt").write_text("remember the CEP", encoding="utf-8")
    project.injected |= {FDA, EMA, f"{PRODUCT}/fda.yml", f"{PRODUCT}/EMA.yaml", f"{PRODUCT}/core/notes.txt"}
    diags = Diagnostics()
    prepare(Project(project.root), None, ["nmpa"], False, diags)
    warnings = [str(d) for d in diags.items if d.code == "W2020"]
    expected = "not read: a product folder holds core/ and ema.yaml, fda.yaml, nmpa.yaml"
    assert f"{PRODUCT}/fda.yml:1:1: warning W2020: {expected}; did you mean fda.yaml?" in warnings
    assert f"{PRODUCT}/EMA.yaml:1:1: warning W2020: {expected}; did you mean ema.yaml?" in warnings
    assert f"{PRODUCT}/core/notes.txt:1:1: warning W2020: not read: core/ holds only *.yaml files" in warnings
    messages = own(project.fails(Category.CONTENT, strict=True, regions=["nmpa"]))
    assert sorted(m.split(": ")[0] for m in messages) == sorted(
        f"{PRODUCT}/{n}:1:1" for n in ("EMA.yaml", "core/notes.txt", "fda.yml"))


def test_an_overlay_for_a_region_the_product_does_not_list_is_a_warning(project):
    project.set_value(CORE_PRODUCT, "regions", "[fda, ema]", after="product:")
    diags = Diagnostics()
    project.builds(["fda"], diags)
    assert any(str(d).startswith(f"{PRODUCT}/nmpa.yaml:1:1: warning W2021: not read: this overlay is for nmpa")
               for d in diags.items)


@pytest.mark.parametrize("text, problem", [
    ("- a\\n  - b\\n    - c\\n      - d", "a list nested 4 deep"),
    ("3. third\\n4. fourth", "a numbered list starting at 3 would be printed from 1"),
])
def test_markdown_the_documents_cannot_show_is_an_error_at_its_field(project, text, problem):
    line, _, col = project.set_value(DS, "value", f'"{text}"', after="- label: United States Adopted Name")
    messages = project.fails(Category.CONTENT)
    expect(messages, DS, line, col, "E2212", "drug_substances[examplinib-mesylate-acme].nomenclature[1].value",
           "Markdown the documents cannot show (line ")
    assert problem in messages[0]


@pytest.mark.parametrize("char", ["\\u00ad", "\\u2060", "\\u061c", "\\ufe0f", "\\U000e0041", "\\u3164"])
def test_any_invisible_or_reordering_character_is_a_warning_whichever_code_point(project, char):
    line, _, col = project.set_value(DP, "title", f'"Water{char} content"', after="- id: ap-p-004")
    messages = own(project.fails(Category.CONTENT, strict=True))
    expect(messages, DP, line, col, "W2206", "drug_products[examplinib-fct].procedures[ap-p-004].title",
           "invisible or bidirectional character U+")


# -- 4: templates are linted as Word reads them, and evaluated on a budget ---------------------------------

def _part(name: str, old: str, new: str):
    def edit(parts):
        xml = parts[name].decode()
        assert old in xml, (name, old)
        parts[name] = xml.replace(old, new, 1).encode()
    return edit


@pytest.mark.parametrize("name, old, new, message", [
    ("word/document.xml", "{{ doc.subject }}", "{{ doc.subject &#124;safe }}",
     "template construct not allowed: {{ doc.subject |safe }}"),
    ("word/document.xml", "{{ doc.subject }}", "{{ doc.subject }}{&#37; include 'x' %}",
     "template construct not allowed: {% include 'x' %}"),
    ("word/document.xml", "{{ doc.subject }}", "{{ doc.subject }}{% from 'x' import y %}",
     "template construct not allowed: {% from 'x' import y %}"),
    ("word/header1.xml", "{{ doc.product }}", "{{ doc.product }}{% extends 'base' %}",
     "template construct not allowed: {% extends 'base' %}"),
    ("docProps/core.xml", "<dc:title></dc:title>", "<dc:title>{{ doc.title|attr('x') }}</dc:title>",
     "template construct not allowed: {{ doc.title|attr('x') }}"),
    ("docProps/core.xml", "<dc:title></dc:title>", "<dc:title>{{ secret }}</dc:title>",
     "unknown template variables secret (templates may use blocks, doc, labels)"),
    ("word/styles.xml", "</w:styles>", "<!-- {{ doc.title }} --></w:styles>", "template tags in word/styles.xml"),
])
def test_every_part_is_linted_decoded(project, name, old, new, message):
    project.edit_template(_part(name, old, new))
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert messages[0].startswith("templates/common/narrative.docx: error E3") and message in messages[0], messages


@pytest.mark.parametrize("construct, why", [
    ("{% for a in range(100000) %}{% for b in range(100000) %}{{ doc.subject * 100000 }}{% endfor %}{% endfor %}",
     "printed more than"),
    ("{{ doc.subject * 100000000 }}", "a repetition of more than"),
])
def test_a_runaway_template_is_a_template_error_not_a_hang_or_memory_error(project, construct, why):
    project.edit_template(_part("word/document.xml", "{{ doc.subject }}", construct))
    messages = project.fails(Category.TEMPLATE, regions=["fda"])
    assert messages[0].startswith("templates/common/narrative.docx: error E3006: ") and why in messages[0], messages
