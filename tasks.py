"""Tasks for writers and maintainers: `invoke --list` shows them, `invoke --help TASK` their options."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C: staging removed, no half-swapped region


def _run(func, *args, **kwargs):
    """Run a builder call, turning dossier errors into messages and exit codes (1 means a bug)."""
    from builder.errors import DossierError

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return func(*args, **kwargs)
    except KeyboardInterrupt:
        raise Exit("interrupted; every region folder holds either its previous or its new build, never a mix",
                   code=130) from None
    except DossierError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.diagnostics)
        raise Exit(f"{count} problem{'s' if count != 1 else ''} found; nothing was written", code=int(exc.category))
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug, never a content mistake
        raise Exit(_internal_error(exc), code=1) from None


def _internal_error(exc: Exception) -> str:
    """A bug in the builder, said as one: where it happened, and a request to report it."""
    import os
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1]
    if os.environ.get("DOSSIER_TRACEBACK"):
        traceback.print_exception(exc, file=sys.stderr)
    return (f"internal error: {type(exc).__name__}: {exc} (at {Path(frame.filename).name}:{frame.lineno})\n"
            "This is a bug in the builder, not in your content. Please report it with the command you ran "
            "(set DOSSIER_TRACEBACK=1 for the full traceback).")


def _show_findings(diags) -> None:
    """Warnings and justified findings, as a table: severity, code, location, field and message."""
    shown = [d for d in diags.items if d.severity != "error"]
    if not shown:
        return
    width = max(len(str(d.origin or "")) for d in shown)
    print(f"{'severity':<10} {'code':<6} {'location':<{width}}  field: message")
    for d in sorted(shown, key=lambda d: (str(d.origin or ""), d.code)):
        print(f"{d.severity:<10} {d.code:<6} {str(d.origin or ''):<{width}}  {d.field}: {d.message}")


def _list(value):
    return [v for v in (value or "").split(",") if v] or None


@task(help={"product": "product folder under content/ (default: all)", "region": "fda, ema, nmpa … (default: all)",
            "strict": "treat warnings as errors"})
def build(c, product="", region="", strict=False):
    """Build Word drafts of Module 3 into output/<product>/<region>/ for every product and region."""
    from builder.errors import Diagnostics
    from builder.pipeline import build as run_build

    diags = Diagnostics()
    try:
        folders = _run(run_build, ROOT, _list(product), _list(region), strict, diags)
    finally:
        _show_findings(diags)
    for folder in folders:
        manifest = folder / "manifest.json"
        import json

        leaves = json.loads(manifest.read_text())["leaves"]
        print(f"{folder.relative_to(ROOT)}: {len(leaves)} documents")


@task(help={"product": "product (default: all)", "region": "region (default: all)", "strict": "warnings fail too"})
def check(c, product="", region="", strict=False):
    """Check content without rendering: load, merge, validate, plan and cross-check; list every finding."""
    from builder.errors import Diagnostics
    from builder.pipeline import prepare
    from builder.project import Project

    diags = Diagnostics()
    try:
        dossiers = _run(prepare, Project(ROOT), _list(product), _list(region), strict, diags)
    finally:
        _show_findings(diags)
    for d in dossiers:
        print(f"{d.product}/{d.region}: {len(d.leaves)} leaves planned, no errors")


@task(help={"product": "product", "region": "region", "field": "dotted path prefix to show, e.g. drug_products"})
def explain(c, product, region, field=""):
    """Show the merged content of a product for a region, with the file:line of every value."""
    from builder.explain import explain as run_explain

    _run(run_explain, ROOT, product, region, field)


@task(help={"id": "the new product's identifier (its folder name)", "source": "product to start from"})
def new_product(c, id, source="examplinib"):
    """Start a product: copy an existing one to content/<id>/ and give it its own id; then edit the facts."""
    from builder.scaffold import new_product as run_new_product

    target = _run(run_new_product, ROOT, id, source)
    print(f"{target.relative_to(ROOT)} created from {source}; edit its YAML, then: invoke check --product {id}")


@task(help={"force": "overwrite existing templates (a writer's restyling would be lost)"})
def templates(c, force=False):
    """Regenerate the house-style .docx templates; regions with East Asian fonts get their own."""
    folder = ROOT / "templates"
    try:
        written = _templates(folder, force)
    except FileExistsError as exc:
        raise Exit(f"{exc}; pass --force to overwrite (restyling done in Word would be lost)", code=4) from None
    print("\n".join(str(p.relative_to(ROOT)) for p in written))


def _templates(folder: Path, force: bool) -> list:
    from builder.errors import Diagnostics
    from builder.ooxml.housestyle import EastAsia, write_templates
    from builder.profile import available_regions, load_profile

    written = write_templates(folder / "common", force=force)
    for region in available_regions(folder):
        profile, _ = _run(load_profile, folder, region, Diagnostics())
        if profile is not None and profile.east_asia is not None:
            fonts = profile.east_asia
            written += write_templates(folder / region, EastAsia(fonts.body_font, fonts.heading_font, fonts.lang), force=force)
    return written


@task
def schema(c):
    """Write the JSON Schemas of the content files into schemas/ (editor completion and inline errors)."""
    from builder.jsonschema import write_schemas

    for path in write_schemas(ROOT / "schemas"):
        print(path.relative_to(ROOT))


@task(help={"base": "revision to review from: branch, tag, hash or HEAD~1",
            "head": "revision to review to (default: the working tree)",
            "product": "product (default: all)", "region": "fda, ema, nmpa … (default: all)"})
def review(c, base, head="", product="", region=""):
    """Redlines with tracked changes and a summary of every changed value, base → head, into output/review/."""
    from builder.errors import DossierError
    from builder.review import review as run_review

    try:
        report = run_review(ROOT, base, head or None, _list(product), _list(region))
    except KeyboardInterrupt:
        raise Exit("interrupted; previous review untouched", code=130) from None
    except DossierError as exc:
        print(exc, file=sys.stderr)
        written = exc.diagnostics and exc.diagnostics[0].code == "E2901"
        raise Exit("a revision failed to build; see output/review/summary.md" if written
                   else "review failed; nothing was written", code=int(exc.category)) from None
    print(f"{report.summary}: {len(report.changes)} documents differ, {report.unchanged} unchanged")
    for path in report.redlines:
        print(path)


@task
def setup_git(c):
    """Let `git diff` show built .docx files as text: one line per paragraph and per table cell."""
    from builder.textconv import setup_git as run_setup_git

    for line in _run(run_setup_git, ROOT):
        print(line)


@task(help={"product": "product folder under content/"})
def compare_regions(c, product):
    """Write output/<product>/region-comparison.{md,docx}: every value and document that differs between regions."""
    from builder.compare import compare_regions as run_compare, write_comparison

    comparison = _run(run_compare, ROOT, product)
    for path in _run(write_comparison, comparison, ROOT / "output" / product):
        print(path.relative_to(ROOT))
    print(f"{len(comparison.fields)} values and {len(comparison.sections)} documents differ "
          f"between {', '.join(comparison.regions)}")


@task(positional=["section"], help={"product": "product", "region": "region",
                                    "section": "CTD section number, e.g. 3.2.P.5.1 (positional)"})
def trace(c, product, region, section):
    """List every value a section prints, with its file:line:col and the commit and author that last changed it."""
    from builder.trace import format_trace, trace as run_trace

    print(format_trace(_run(run_trace, ROOT, product, region, section)))


@task(help={"rows": "comma-separated row counts (default 100,1000,10000)", "columns": "cells per row",
            "repeat": "runs per figure; the median is reported"})
def bench(c, rows="100,1000,10000", columns=12, repeat=3):
    """Benchmark large tables: our renderer against writing the same XML with lxml."""
    from builder.bench import format_report, run

    counts = tuple(int(n) for n in rows.split(",") if n.strip())
    print(format_report(_run(run, counts, int(columns), int(repeat))))


@task(help={"seconds": "how long to fuzz (default 60)"})
def fuzz(c, seconds=60):
    """Fuzz the YAML loader with atheris (pip install -e '.[fuzz]'); crashes land in build/fuzz/."""
    c.run(f"{sys.executable} tests/fuzz/fuzz_loader.py -max_total_time={int(seconds)} -rss_limit_mb=1024 -timeout=5 "
          "-artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz/corpus tests/fuzz/crashes", pty=False)


@task
def test(c):
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest -q", pty=False)


@task(help={"product": "product (default: all built)", "region": "region (default: all built)"})
def verify(c, product="", region=""):
    """Recompute every manifest in output/ and name any file that differs, is missing or extra."""
    from builder.verify import verify as run_verify

    for manifest in _run(run_verify, ROOT, _list(product), _list(region)):
        print(f"{manifest.parent.relative_to(ROOT)}: matches its manifest")
