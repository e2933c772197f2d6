"""Tasks for writers and maintainers: `invoke --list` shows them, `invoke --help TASK` their options.

Each task is a thin wrapper: the work is in `builder.pipeline` (build, check) and `builder.commands`
(everything else), and `builder.commands.runner.run` turns whatever goes wrong into the documented
message and exit code (README: Tasks, Exit codes).
"""
from __future__ import annotations

import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent


def _quiet_broken_pipe():
    from builder.commands.runner import quiet_broken_pipe

    quiet_broken_pipe()


_quiet_broken_pipe()


def _run(func, *args, **kwargs):
    from builder.commands.runner import run

    return run(func, *args, **kwargs)


def _sweep() -> None:
    """What an earlier, hard-killed task left (its process gone) is removed before a task starts."""
    from builder.commands.strays import sweep

    try:
        sweep(ROOT)
    except OSError:
        pass  # a leftover that cannot be removed now is listed by `invoke verify`


def _regions():
    from builder.profile import available_regions

    return available_regions(ROOT / "templates")


def _options(product: str, region: str):
    """--product and --region as lists (None: all); duplicates and unknown regions are refused (exit 2)."""
    from builder.commands.runner import option_list

    return _run(lambda: (option_list(product, "product"), option_list(region, "region", _regions())))


def _show_findings(diags) -> None:
    from builder.commands.report import show_findings

    show_findings(diags)


def _published(exc) -> str:
    """What a failed build leaves: nothing before publishing; each region whole (old or new) after."""
    from builder.commands.runner import NOTHING_WRITTEN

    if exc.diagnostics and exc.diagnostics[0].code == "E4002":
        return "every region folder holds either its previous or its new build, never a mix"
    return NOTHING_WRITTEN


@task(help={"product": "product folder under content/ (default: all)", "region": "fda, ema, nmpa … (default: all)",
            "strict": "treat warnings as errors", "pdf": "also make and verify a PDF beside every leaf (LibreOffice)",
            "jobs": "worker processes preparing products and rendering (product, region) pairs (default 0: one per "
                    "core; 1: serial)",
            "force": "replace leaves edited by hand since the last build (see invoke harvest first)"})
def build(c, product="", region="", strict=False, pdf=False, jobs=0, force=False):
    """Build Word drafts of Module 3 into output/<product>/<region>/ for every product and region."""
    _sweep()
    from builder.commands.report import built_folders
    from builder.errors import Diagnostics
    from builder.up_to_date import build as run_build   # the engine is imported only when something changed

    products, regions = _options(product, region)
    diags = Diagnostics()
    timings, reuse = ([] if pdf else None), []
    try:
        folders = _run(run_build, ROOT, products, regions, strict, diags, int(jobs), timings, force, reuse,
                       written=_published)
    finally:
        _show_findings(diags)
    for line in built_folders(ROOT, folders):
        print(line)
    rendered = sum(leaves - reused for _, _, leaves, reused in reuse)
    print(f"{rendered} leaves rendered, {sum(r for *_, r in reuse)} unchanged since the last build reused")
    if timings:
        from builder.commands.pdf import timing_lines

        for line in timing_lines(timings):
            print(line)


@task(help={"product": "built product (default: every built one)", "region": "fda, ema, nmpa … (default: every built one)"})
def pdf(c, product="", region=""):
    """Make and verify a PDF beside every built leaf (one LibreOffice run per region); all or nothing."""
    _sweep()
    from builder.commands.pdf import pdf as run_pdf, timing_lines
    from builder.errors import Diagnostics

    products, regions = _options(product, region)
    diags = Diagnostics()
    try:
        folders, timings = _run(run_pdf, ROOT, products, regions, diags,
                                written=lambda exc: "nothing was written; every region folder is as it was")
    finally:
        _show_findings(diags)
    for line in timing_lines(timings):
        print(line)


@task(help={"product": "built product (with its PDFs: invoke pdf)", "region": "fda, ema or nmpa",
            "number": "4-digit sequence number: 0000, then one more than --previous",
            "previous": "the earlier sequence folder, e.g. output/<product>/sequences/<region>/0000"})
def sequence(c, product, region, number, previous=""):
    """Write an eCTD v3.2.2 Module 3 sequence (PDF leaves, index.xml, index-md5.txt) from a built region."""
    _sweep()
    from builder.commands.sequence import NOT_INCLUDED, sequence as run_sequence

    report = _run(run_sequence, ROOT, product, region, number, previous,
                  written=lambda exc: "nothing was written; earlier sequences are untouched")
    done = ", ".join(f"{n} {op}" for op, n in report.counts.items() if n)
    print(f"{report.folder.relative_to(ROOT)}: {done}; {report.unchanged} unchanged (not resubmitted); "
          f"{report.seconds:.1f} s")
    print(NOT_INCLUDED)


@task(help={"product": "product (default: all)", "region": "region (default: all)",
            "pdf": "also make its PDF with LibreOffice (default: when soffice is installed)"})
def draft(c, product="", region="", pdf=True):
    """Write one review draft per region: every leaf in Module 3 order, a table of contents, and its PDF."""
    _sweep()
    from builder.commands.draft import draft as run_draft

    products, regions = _options(product, region)
    for made in _run(run_draft, ROOT, products, regions, pdf,
                     written=lambda exc: "drafts written before the failure stay, each whole; builds are untouched"):
        files = ", ".join(p.relative_to(ROOT).as_posix() for p in (made.docx, made.pdf) if p)
        print(f"{made.product}/{made.region}: {made.leaves} leaves → {files}")


@task(help={"product": "product (default: every built one)", "region": "region (default: every built one)",
            "markdown": "print Markdown (a table per leaf) instead of terminal text"})
def harvest(c, product="", region="", markdown=False):
    """Show what hand edits changed in built leaves (old → new text) and the YAML file:line of each value."""
    from builder.commands.harvest import format_harvest, harvest as run_harvest

    products, regions = _options(product, region)
    print(format_harvest(_run(run_harvest, ROOT, products, regions), markdown))


@task(help={"product": "product (default: all)", "region": "region (default: all)", "strict": "warnings fail too",
            "jobs": "worker processes preparing products (default 0: one per core; 1: serial)"})
def check(c, product="", region="", strict=False, jobs=0):
    """Check content without rendering: load, merge, validate, plan and cross-check; list every finding."""
    from builder.errors import Diagnostics
    from builder.pipeline import prepare
    from builder.project import Project

    products, regions = _options(product, region)
    diags = Diagnostics()
    try:
        dossiers = _run(prepare, Project(ROOT), products, regions, strict, diags, int(jobs))
    finally:
        _show_findings(diags)
    from builder.commands.readiness import readiness_of

    ready = _run(readiness_of, dossiers, ROOT / "templates")
    for d in dossiers:
        print(f"{d.product}/{d.region}: {len(d.leaves)} leaves planned, no errors; {d.tally.summary()}; "
              f"{ready[(d.product, d.region)].summary()}")


@task(help={"product": "product", "region": "region", "field": "dotted path prefix to show, e.g. drug_products"})
def explain(c, product, region, field=""):
    """Show the merged content of a product for a region, with the file:line of every value."""
    from builder.commands.explain import explain as run_explain

    for line in _run(run_explain, ROOT, product, region, field):
        print(line)


@task(help={"product": "product", "region": "region", "format": "export format: pqcmc (FHIR R5 PQ/CMC) or json"})
def export(c, product, region, format="pqcmc"):
    """Export the validated merged content as FHIR R5 PQ/CMC JSON or plain JSON, with a trace to file:line."""
    from builder.errors import Diagnostics
    from builder.export import export as run_export

    _sweep()
    diags = Diagnostics()
    try:
        written = _run(run_export, ROOT, product, region, format, diags)
    finally:
        _show_findings(diags)
    for path in written:
        print(path)


@task(name="import", help={"product": "product folder under content/",
                           "sheet": "the .xlsx/.csv file a study's results name, e.g. stability-f050p2409.xlsx",
                           "write": "apply the changes (default: dry run, print what would change)"})
def import_(c, product, sheet, write=False):
    """Carry a lab sheet's values into the YAML records that name it (dry run unless --write)."""
    _sweep()
    from builder.commands.import_sheet import import_sheet

    for line in _run(import_sheet, ROOT, product, sheet, write):
        print(("changed " if write else "would change ") + line)


@task(help={"id": "the new product's identifier (its folder name)", "source": "product to start from"})
def new_product(c, id, source="examplinib"):
    """Start a product: copy an existing one to content/<id>/ and give it its own id; then edit the facts."""
    _sweep()
    from builder.commands.scaffold import new_product as run_new_product

    target = _run(run_new_product, ROOT, id, source)
    print(f"{target.relative_to(ROOT)} created from {source}; edit its YAML, then: invoke check --product {id}")


@task(help={"force": "overwrite existing templates (a writer's restyling would be lost)"})
def templates(c, force=False):
    """Regenerate the house-style .docx templates; regions with East Asian fonts get their own."""
    _sweep()
    from builder.commands.templates import regenerate

    written = _run(regenerate, ROOT / "templates", force,
                   written=lambda exc: "templates written before the failure stay, each whole; the others are untouched")
    print("\n".join(str(p.relative_to(ROOT)) for p in written))


@task
def schema(c):
    """Write the JSON Schemas of the content files into schemas/ (editor completion and inline errors)."""
    _sweep()
    from builder.jsonschema import write_schemas

    for path in _run(write_schemas, ROOT / "schemas"):
        print(path.relative_to(ROOT))


@task(help={"check": "write nothing; list the files that are out of date (exit 5 when any is)"})
def docs(c, check=False):
    """Regenerate docs/reference.md and the README/docs examples from the profiles and real runs."""
    _sweep()
    from builder.commands.writer_docs import refresh_docs

    def written(exc) -> str:
        if exc.diagnostics and exc.diagnostics[0].code == "E4002":  # a write failed after others succeeded
            return "files already written stay whole; the others are as they were"
        return "nothing was written; the docs are as they were"

    stale = _run(refresh_docs, ROOT, check, written=written)
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {'out of date' if check else 'written'}")
    if not stale:
        print("docs/reference.md and every example block are up to date")
    elif check:
        from invoke import Exit

        raise Exit("run `invoke docs` to regenerate them", code=5)


@task(help={"base": "revision to review from: branch, tag, hash or HEAD~1",
            "head": "revision to review to (default: the working tree)",
            "product": "product (default: all)", "region": "fda, ema, nmpa … (default: all)"})
def review(c, base, head="", product="", region=""):
    """Redlines with tracked changes and a summary of every changed value, base → head, into output/review/."""
    _sweep()
    from builder.commands.review import review as run_review

    products, regions = _options(product, region)

    def written(exc) -> str:
        if exc.diagnostics and exc.diagnostics[0].code == "E2901":
            return "a revision failed to build; see output/review/summary.md"
        return "review failed; nothing was written (the previous output/review/ is untouched)"

    report = _run(run_review, ROOT, base, head or None, products, regions, written=written,
                  interrupted="interrupted; previous review untouched")
    print(f"{report.summary}: {len(report.changes)} documents differ, {report.unchanged} unchanged")
    for path in report.redlines:
        print(path)


@task
def setup_git(c):
    """Let `git diff` show built .docx files as text: one line per paragraph and per table cell."""
    _sweep()
    from builder.commands.textconv import setup_git as run_setup_git

    for line in _run(run_setup_git, ROOT):
        print(line)


@task(help={"product": "product folder under content/"})
def compare_regions(c, product):
    """Write output/<product>/region-comparison.{md,docx}: every value and document that differs between regions."""
    _sweep()
    from builder.commands.compare import compare_regions as run_compare
    from builder.commands.compare_docs import write_comparison

    comparison = _run(run_compare, ROOT, product)
    for path in _run(write_comparison, comparison, ROOT / "output" / product,
                     written=lambda exc: "a file already written stays whole; the other is untouched"):
        print(path.relative_to(ROOT))
    print(f"{len(comparison.fields)} values and {len(comparison.sections)} documents differ "
          f"between {', '.join(comparison.regions)}")


@task(help={"product": "product (default: all)", "region": "fda, ema, nmpa … (default: each product's regions)"})
def risks(c, product="", region=""):
    """Write the joint risk register per region (heat map and table) to output/<product>/risk-register-<region>.{docx,md}."""
    _sweep()
    from builder.commands.risk_docs import write_registers
    from builder.commands.risk_register import registers
    from builder.errors import Diagnostics

    products, regions = _options(product, region)
    diags = Diagnostics()
    try:
        found = _run(registers, ROOT, products, regions, diags)
    finally:
        _show_findings(diags)
    for path in _run(write_registers, found, ROOT / "output",
                     written=lambda exc: "a file already written stays whole; the others are untouched"):
        print(path.relative_to(ROOT))
    for name in sorted(set(products or []) - {r.product for r in found}):
        print(f"{name}: no risks (write them under `risks:`, e.g. content/{name}/core/risks.yaml; docs/risks.md)")
    for register in found:
        high = sum(1 for row in register.rows if row.band is not None and row.band.id == register.scales.high)
        print(f"{register.product}/{register.region}: {len(register.rows)} risks, {high} high, "
              f"{len(register.divergences)} values differ between regions")


@task(help={"product": "product (default: all)", "region": "fda, ema, nmpa … (default: each product's regions)"})
def readiness(c, product="", region=""):
    """Compute per-region readiness (score and blockers) into output/<product>/readiness-<region>.{docx,md,json}."""
    _sweep()
    from builder.commands.readiness import readiness as run_readiness
    from builder.commands.readiness_docs import write_readiness

    products, regions = _options(product, region)
    found = _run(run_readiness, ROOT, products, regions)
    for path in _run(write_readiness, found, ROOT,
                     written=lambda exc: "a file already written stays whole; the others are untouched"):
        print(path.relative_to(ROOT))
    for item in found:
        print(f"{item.product}/{item.region}: {item.summary()}")


@task(positional=["section"], help={"product": "product", "region": "region",
                                    "section": "CTD section number, e.g. 3.2.P.5.1 (positional)"})
def trace(c, product, region, section):
    """List every value a section prints, with its file:line:col and the commit and author that last changed it."""
    from builder.commands.trace import format_trace, trace as run_trace

    print(format_trace(_run(run_trace, ROOT, product, region, section)))


@task(help={"file": "a content file, e.g. content/platforms/corvane-aav9/core/process.yaml",
            "line": "a line of that file (default: any line)"})
def impact(c, file, line=None):
    """List every product, region and leaf whose output changes when a content file (or one line) changes."""
    from builder.commands.impact import format_impact, impact as run_impact

    number = _run(_line_number, line)
    print(format_impact(_run(run_impact, ROOT, file, number), file, number))


def _line_number(line):
    from builder.errors import environment_error

    if line is None:
        return None
    if not str(line).isdigit() or int(line) < 1:
        raise environment_error("E4053", f"--line must be a line number (1, 2, …), not '{line}'")
    return int(line)


@task(help={"rows": "comma-separated row counts (default 100,1000,10000)", "columns": "cells per row",
            "repeat": "runs per figure; the median is reported (build figures: 5)",
            "portfolio": "product counts of the portfolio figure (default 1,4,16)",
            "tables": "only the large-table figures", "builds": "only the whole-build figures",
            "pdf": "instead: PDF time per leaf and sequence time per example and region (minutes; a temp copy)",
            "product": "with --pdf: product (default: all)", "region": "with --pdf: region (default: all)"})
def bench(c, rows="100,1000,10000", columns=12, repeat=0, portfolio="1,4,16", tables=False, builds=False,
          pdf=False, product="", region=""):
    """Benchmark whole builds (vs a naive docxtpl loop, rebuilds, check, portfolios) and large tables."""
    if pdf:
        from builder.commands import bench_publishing

        products, regions = _options(product, region)
        print(bench_publishing.format_report(_run(bench_publishing.run, products, regions)))
        return
    from builder.commands import bench_build
    from builder.commands.bench import format_report, parse_counts, run

    sizes = _run(bench_build.parse_sizes, portfolio)                  # every option checked before minutes of work
    counts = _run(parse_counts, rows, columns, int(repeat) or 3)
    if not tables:
        print(bench_build.format_report(_run(bench_build.run, int(repeat) or 5, sizes)))
    if not builds:
        print(format_report(_run(run, *counts)))


@task(help={"seconds": "how long to fuzz the YAML loader (default 60)",
            "examples": "mutated example products for the whole-pipeline target (default 2000)",
            "verdicts": "examples per verdict property, against the independent oracle (default 20000)"})
def fuzz(c, seconds=60, examples=2000, verdicts=20000):
    """Fuzz the YAML loader (atheris), the whole pipeline on mutated content, and the verdict oracle."""
    c.run(f"{sys.executable} tests/fuzz/fuzz_loader.py -max_total_time={int(seconds)} -rss_limit_mb=1024 -timeout=5 "
          "-artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz/corpus tests/fuzz/crashes", pty=False, warn=True)
    c.run(f"{sys.executable} -m pytest -q tests/test_pipeline_fuzz.py", env={"FUZZ_EXAMPLES": str(int(examples))},
          pty=False)  # runs even when atheris is not installed (the loader fuzzer then fails first, with warn)
    c.run(f"{sys.executable} -m pytest -q tests/test_verdict_properties.py",
          env={"CMC_PROPERTY_EXAMPLES": str(int(verdicts))}, pty=False)


@task
def test(c):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest -q", pty=False)


@task(help={"product": "product (default: all built)", "region": "region (default: all built)"})
def verify(c, product="", region=""):
    """Recompute every manifest in output/ and name any file that differs, is missing or extra; list strays."""
    from builder.commands.verify import verify as run_verify

    products, regions = _options(product, region)
    for manifest in _run(run_verify, ROOT, products, regions):
        print(f"{manifest.parent.relative_to(ROOT)}: matches its manifest")
