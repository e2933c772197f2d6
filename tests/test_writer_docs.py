"""docs/reference.md and the README's sample outputs are what the data and real runs give (issue 15,
item 6): a profile, the schema or the content changes, and these tests fail until `invoke docs` is run."""
from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import docx
import pytest

from builder.commands import doc_examples, writer_docs
from builder.errors import Diagnostics, DossierError
from conftest import REPO, only_example

RUN = "run `invoke docs` to regenerate them, and commit the result"


def _diff(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), f"{name} (committed)", f"{name} (fresh)",
                                 lineterm="", n=1)
    return "\n".join(list(lines)[:40])


def test_the_committed_reference_page_is_current():
    fresh = writer_docs.reference_page(REPO / "templates")
    committed = (REPO / writer_docs.REFERENCE).read_text(encoding="utf-8")
    assert committed == fresh, \
        f"docs/reference.md is out of date: {RUN}\n{_diff(committed, fresh, 'docs/reference.md')}"


def _examples():
    return [e for doc in doc_examples.documents_with_examples(REPO) for e in doc_examples.examples_in(doc)]


def test_the_readme_has_examples_from_real_runs():
    whats = [e.what for e in _examples() if e.doc.name == "README.md"]
    assert "invoke check --product examplinib --region fda" in whats
    assert "docs/examples/errors.yaml" in whats


@pytest.mark.parametrize("example", _examples(), ids=lambda e: f"{e.doc.name}:{e.line}")
def test_each_example_block_is_what_its_command_prints(example):
    diags = Diagnostics()
    fresh = doc_examples.run_example(example, REPO, diags)
    assert not diags.items, "\n".join(str(d) for d in diags.items)
    where = f"{example.doc.relative_to(REPO)}:{example.line}"
    assert example.body == fresh, (f"the example at {where} ({example.what}) differs from a real run: {RUN}\n"
                                   f"{_diff(example.body, fresh, where)}")


def test_the_errors_example_names_the_lines_of_todays_content():
    errors = next(e for e in _examples() if e.what == "docs/examples/errors.yaml")
    text = (REPO / "content/examplinib/core/drug-substance.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if "manufactured: 2024-03-14" in t)
    assert f"content/examplinib/core/drug-substance.yaml:{line}:23: error E2208" in errors.body
    assert errors.body.rstrip().endswith("5 problems found; nothing was written\n```")


def _templates(tmp_path) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    return tmp_path / "templates"


def test_a_chapter_key_one_region_lacks_is_shown_as_missing_there(tmp_path):
    templates = _templates(tmp_path)
    fda = templates / "fda/region.yaml"
    fda.write_text(fda.read_text(encoding="utf-8").replace(
        "compendial_chapters:\n", "compendial_chapters:\n  sterility: USP <71>\n"), encoding="utf-8")
    page = writer_docs.reference_page(templates)
    assert "| `sterility` | – | USP <71> | – |" in page
    assert "| `dissolution` | Ph. Eur. 2.9.3 | USP <711> | ChP 0931 |" in page


def test_regional_items_are_listed_per_region_in_profile_order(tmp_path):
    page = writer_docs.reference_page(_templates(tmp_path))
    nmpa = page[page.index("### nmpa"):page.index("## Master-file kinds")]
    ids = [line.split("`")[1] for line in nmpa.splitlines() if line.startswith("| `")]
    assert ids == ["process-validation", "batch-records", "method-validation-reports", "stability-chromatograms",
                   "comparability-protocol", "other"]
    assert "| `executed-batch-records` | Executed Batch Records |" in page


def test_a_modality_that_makes_a_leaf_not_applicable_says_so(tmp_path):
    templates = _templates(tmp_path)
    adc = templates / "modalities/adc.yaml"
    adc.write_text(adc.read_text(encoding="utf-8").replace(
        "leaves:\n", "leaves:\n  3.2.S.2.6: {need: not-applicable, why: test}\n"), encoding="utf-8")
    page = writer_docs.reference_page(templates)
    row = next(line for line in page.splitlines() if line.startswith("| 3.2.S.2.6 |"))
    assert "n/a: adc" in row and "**required**: aav-gene-therapy, autologous-cell-therapy" in row
    unchanged = next(line for line in page.splitlines() if line.startswith("| 3.2.S.2.5 |"))
    assert "| **required** |" in unchanged


def test_a_broken_profile_stops_the_page_with_its_position(tmp_path):
    templates = _templates(tmp_path)
    (templates / "modalities/adc.yaml").write_text("id: adc\n", encoding="utf-8")
    with pytest.raises(DossierError) as caught:
        writer_docs.reference_page(templates)
    assert "templates/modalities/adc.yaml:1:1" in str(caught.value)


def test_the_page_is_the_same_bytes_every_time(tmp_path):
    templates = _templates(tmp_path)
    assert writer_docs.reference_page(templates) == writer_docs.reference_page(templates)


def test_markdown_fields_come_from_the_schema():
    fields = dict(writer_docs.markdown_fields())
    assert "drug_products[].excipients[].narrative.<CTD number>" in fields
    assert "risks[].fallback" in fields
    assert "drug_products[].specification.tests[].test" not in fields
    assert "drug_products[].specification.tests[].procedure" not in fields


@pytest.fixture(scope="module")
def marked_build(tmp_path_factory):
    """The example built for FDA with `**…**` in a Markdown field and `*…*` in a plain one."""
    from builder.pipeline import build

    root = tmp_path_factory.mktemp("marks")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    path = root / "content/examplinib/core/drug-product.yaml"
    text = path.read_text(encoding="utf-8")
    marks = (("  Microcrystalline cellulose is tested", "  **Microcrystalline cellulose** is tested"),
             ("          test: Assay (HPLC)\n", "          test: Assay *(HPLC)*\n"))
    for old, new in marks:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    build(root, ["examplinib"], ["fda"], jobs=1)
    folder = root / "output/examplinib/fda"
    leaves = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["leaves"]
    return {leaf["number"]: docx.Document(str(folder / leaf["path"])) for leaf in leaves
            if leaf["number"] == "3.2.P.5.1" or (leaf["number"] == "3.2.P.4.1" and "microcrystalline" in leaf["path"])}


def test_what_the_page_says_is_what_a_build_does(marked_build):
    """A Markdown field listed on the page prints bold; a field not listed prints its asterisks as typed."""
    page = (REPO / writer_docs.REFERENCE).read_text(encoding="utf-8")
    assert "`drug_products[].excipients[].narrative.<CTD number>`" in page
    assert "`drug_products[].specification.tests[].test`" not in page
    paragraph = next(p for p in marked_build["3.2.P.4.1"].paragraphs if "Microcrystalline cellulose is" in p.text)
    assert "*" not in paragraph.text
    assert [r.text for r in paragraph.runs if r.bold] == ["Microcrystalline cellulose"]
    cells = [c.text for t in marked_build["3.2.P.5.1"].tables for row in t.rows for c in row.cells]
    assert "Assay *(HPLC)*" in cells


def test_timings_are_taken_out_of_example_output():
    block = doc_examples._block("invoke bench", "build 10.2 s, check 480 ms\n36 months, 30 min\n\n")
    assert block == "```\n$ invoke bench\nbuild … s, check … s\n36 months, 30 min\n```\n"


def _scratch_project(tmp_path, readme: str) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "templates", "builder"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "output"))
    for name in ("tasks.py", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    (root / "docs/examples").mkdir(parents=True)
    (root / "README.md").write_text(readme, encoding="utf-8")
    return root


def _marked(what: str, body: str = "```\nold\n```\n") -> str:
    return f"Intro\n\n<!-- example: {what} -->\n{body}<!-- /example -->\n\nEnd\n"


def test_invoke_docs_check_names_stale_files_and_writing_fixes_them(tmp_path):
    root = _scratch_project(tmp_path, _marked("invoke --help docs"))  # a quick command: the runs are tested above
    code, output = doc_examples._run(["docs", "--check"], root)  # the task, as a maintainer runs it
    assert code == 5, output
    assert "docs/reference.md: out of date\nREADME.md: out of date\n" in output and "run `invoke docs`" in output
    assert not (root / "docs/reference.md").exists() and "old" in (root / "README.md").read_text(encoding="utf-8")
    writer_docs.refresh_docs(root)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "$ invoke --help docs\nUsage: inv[oke] [--core-opts] docs [--options]" in readme
    assert readme.startswith("Intro\n\n<!-- example:") and readme.endswith("<!-- /example -->\n\nEnd\n")
    assert str(root) not in readme
    assert writer_docs.refresh_docs(root, check=True) == []


def _run(root: Path) -> Diagnostics:
    diags = Diagnostics()
    (example,) = doc_examples.examples_in(root / "README.md")
    assert doc_examples.run_example(example, root, diags) is None
    return diags


def test_a_scenario_whose_text_moved_is_named_at_its_line(tmp_path):
    root = _scratch_project(tmp_path, _marked("docs/examples/moved.yaml"))
    (root / "docs/examples/moved.yaml").write_text(
        "command: invoke check --product examplinib\nexit: 2\nsteps:\n"
        "  - file: content/examplinib/core/drug-product.yaml\n    replace: no such text\n    with: x\n",
        encoding="utf-8")
    (found,) = _run(root).items
    assert (found.code, str(found.origin)) == ("E4070", "docs/examples/moved.yaml:4:5")
    assert "occurs 0 times in content/examplinib/core/drug-product.yaml" in found.message


def test_an_example_that_is_no_invoke_command_is_refused(tmp_path):
    root = _scratch_project(tmp_path, _marked("rm -rf content"))
    (found,) = _run(root).items
    assert (found.code, str(found.origin)) == ("E4071", "README.md:3:1")
    assert (root / "content").is_dir()


def test_an_example_ending_with_another_exit_code_is_refused(tmp_path):
    root = _scratch_project(tmp_path, _marked("docs/examples/exit.yaml"))
    (root / "docs/examples/exit.yaml").write_text("command: invoke check --product examplinib --region fda\nexit: 2\n",
                                                  encoding="utf-8")
    (found,) = _run(root).items
    assert found.code == "E4072" and "ended with exit code 0, not 2" in found.message


def test_a_scenario_edit_past_the_last_occurrence_is_named(tmp_path):
    root = _scratch_project(tmp_path, _marked("docs/examples/third.yaml"))
    (root / "docs/examples/third.yaml").write_text(
        "command: invoke check\nsteps:\n  - file: content/examplinib/fda.yaml\n    replace: 'id: northwind-weil'\n"
        "    with: x\n    occurrence: 3\n", encoding="utf-8")
    (found,) = _run(root).items
    assert (found.code, str(found.origin)) == ("E4070", "docs/examples/third.yaml:3:5")
    assert "occurs 1 times in content/examplinib/fda.yaml, not at least 3 times" in found.message


def test_a_scenario_step_that_fails_is_named_at_its_line(tmp_path):
    root = _scratch_project(tmp_path, _marked("docs/examples/step.yaml"))
    (root / "docs/examples/step.yaml").write_text(
        "command: invoke check\nsteps:\n  - run: invoke check --region pmda\n", encoding="utf-8")
    (found,) = _run(root).items
    assert (found.code, str(found.origin)) == ("E4072", "docs/examples/step.yaml:3:5")
    assert "step 'invoke check --region pmda' ended with exit code 2, not 0" in found.message


def test_a_scenario_step_is_a_run_or_an_edit(tmp_path):
    root = _scratch_project(tmp_path, _marked("docs/examples/odd.yaml"))
    (root / "docs/examples/odd.yaml").write_text(
        "command: invoke check\nsteps:\n  - run: invoke check\n    file: README.md\n", encoding="utf-8")
    (found,) = _run(root).items
    assert (found.code, str(found.origin)) == ("E4070", "docs/examples/odd.yaml:3:5")


def test_an_example_marker_left_open_is_refused_and_nothing_is_written(tmp_path):
    root = _scratch_project(tmp_path, "Intro\n\n<!-- example: invoke --help docs -->\n```\nold\n```\n")
    with pytest.raises(DossierError) as caught:
        writer_docs.refresh_docs(root)
    assert "README.md:3:1: error E4071: an example marker without its closing" in str(caught.value)
    assert not (root / "docs/reference.md").exists()


def test_master_file_kinds_are_listed_from_the_common_profile(tmp_path):
    templates = _templates(tmp_path)
    page = writer_docs.reference_page(templates)
    table = page[page.index("## Master-file kinds"):page.index("## Fields that accept Markdown")]
    assert "| `dmf` | US Drug Master File | fda | `type`, `number`, `holder`, `authorisation` |" in table
    profile = templates / "common" / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("    types: [II, III, IV, V]\n",
                                                                   "    types: [II, III]\n"), encoding="utf-8")
    assert "| II, III | 3.2.S.2.2" in writer_docs.reference_page(templates)
