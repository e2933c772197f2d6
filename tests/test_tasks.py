"""Every task speaks in diagnostics: documented exit codes and messages, never a traceback."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from invoke import Exit

from conftest import REPO, only_example


def tasks_module():
    spec = importlib.util.spec_from_file_location("dossier_tasks", REPO / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_unexpected_exception_is_an_internal_error_with_exit_1_and_a_request_to_report_it(capsys):
    def broken():
        return {}["water"]

    with pytest.raises(Exit) as info:
        tasks_module()._run(broken)
    assert info.value.code == 1
    message = str(info.value.message)
    assert message.startswith("internal error: KeyError: 'water'") and "Please report it" in message
    assert "Traceback" not in capsys.readouterr().err


def invoke(*args, env=None, cwd=REPO):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def task_names() -> list[str]:
    out = invoke("--list").stdout
    return [line.split()[0] for line in out.splitlines()[1:] if line.startswith("  ") and not line.startswith("   ")]


def test_every_task_has_working_help():
    names = task_names()
    assert {"build", "check", "explain", "verify", "review", "trace", "bench", "fuzz", "new-product"} <= set(names)
    for name in names:
        result = invoke("--help", name)
        assert result.returncode == 0 and f"Usage: inv[oke] [--core-opts] {name}" in result.stdout, result.stderr


@pytest.mark.parametrize("args, code, message", [
    (("check", "--region", "fda,fda"), 2, "error E2304: --region: 'fda' is given twice; list each once"),
    (("check", "--region", "pmda"), 2, "error E2305: --region: unknown region 'pmda' (known: ema, fda, nmpa)"),
    (("explain", "--product", "examplinib", "--region", "pmda"), 2, "error E2305: --region: unknown region 'pmda'"),
    (("explain", "--product", "examplinib", "--region", "fda", "--field", "drug_prodcts"), 2,
     "error E2603: --field: no value under 'drug_prodcts' (top-level fields: "),
    (("new-product", "--id", "con"), 2, "error E2801: --id: 'con' is a reserved device name on Windows"),
    (("new-product", "--id", "Zeno"), 2, "error E2801: --id: 'Zeno' is not an identifier"),
    (("bench", "--rows", "ten"), 2, "error E2306: --rows: 'ten' is not a whole number of at least 1"),
    (("build", "--product", "nosuch"), 4, "error E4005: no product 'nosuch'"),
    (("pdf", "--product", "nosuch", "--region", "fda"), 4, "output/nosuch/fda: error E4100: not built"),
    (("sequence", "--product", "examplinib", "--region", "fda", "--number", "12"), 2,
     "error E2320: --number: sequence number '12' must be 4 digits"),
    (("sequence", "--product", "examplinib", "--region", "fda", "--number", "0003"), 2,
     "error E2322: --previous: sequence 0003 needs --previous"),
])
def test_bad_option_values_are_diagnostics_with_the_documented_exit_code(args, code, message):
    before = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*"))
    result = invoke(*args)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr.splitlines()[-1]
    assert sorted(p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*")) == before


def test_a_console_that_cannot_print_chinese_gets_escapes_not_a_traceback():
    result = invoke("explain", "--product", "examplinib", "--region", "nmpa", "--field", "regional",
                    env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "\\u" in result.stdout and "Traceback" not in result.stderr


def test_problem_counts_are_exact_even_when_the_list_is_capped(capsys):
    from builder.errors import Diagnostics

    def many():
        diags = Diagnostics()
        for n in range(250):
            diags.error("E2201", f"problem {n}")
        diags.raise_if_errors()

    with pytest.raises(Exit) as info:
        tasks_module()._run(many)
    assert info.value.code == 2
    assert str(info.value.message) == "250 problems found (the first 100 shown); nothing was written"
    assert len(capsys.readouterr().err.splitlines()) == 100


def test_leftovers_of_a_killed_task_are_listed_by_verify_and_swept_by_the_next_task(tmp_path):
    import shutil

    from builder.commands.strays import strays, sweep
    from builder.commands.verify import verify
    from builder.errors import DossierError
    from builder.pipeline import build

    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    build(tmp_path, ["examplinib"], ["fda"])
    dead = 4_194_000  # above the usual pid range: no such process
    left = [tmp_path / f"output/.staging-{dead}-examplinib-fda", tmp_path / f"output/examplinib/.tmp-{dead}-x.md",
            tmp_path / f"content/.new-{dead}-zeno", tmp_path / f"templates/common/.tmp-{dead}-narrative.docx"]
    live = tmp_path / f"output/.staging-{os.getpid()}-examplinib-ema"  # a task still running: never touched
    for path in left[::2] + [live]:
        path.mkdir(parents=True)
    for path in left[1::2]:
        path.write_bytes(b"half")
    assert strays(tmp_path) == sorted(left)
    with pytest.raises(DossierError) as info:
        verify(tmp_path)
    reported = [str(d) for d in info.value.diagnostics if d.code == "E5007"]
    assert len(reported) == 4 and all("left by an interrupted task" in m for m in reported)
    assert sweep(tmp_path) == sorted(left) and not any(p.exists() for p in left) and live.is_dir()
    live.rmdir()
    assert verify(tmp_path)


def test_scratch_in_the_temp_folder_is_swept_but_never_fails_another_projects_verify(tmp_path):
    """A LibreOffice scratch folder a killed task left in /tmp names no project: every project's next
    task sweeps it, no project's verify reports it (CI once failed 35 tests on one such folder)."""
    import shutil
    import tempfile

    from builder.commands.strays import strays, sweep
    from builder.commands.verify import verify
    from builder.pipeline import build

    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    build(tmp_path, ["examplinib"], ["fda"])
    scratch = Path(tempfile.mkdtemp(prefix="cmc-pdf-4194001-"))
    (scratch / "in").mkdir()
    assert scratch in strays(tmp_path) and scratch not in strays(tmp_path, temp=False)
    assert verify(tmp_path)
    assert scratch in sweep(tmp_path) and not scratch.exists()


def test_a_reader_that_stops_early_gets_no_traceback():
    """`invoke explain … | head -1`: the pipe closes early; the task stops quietly, nothing on stderr."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "invoke", "explain", "--product", "examplinib", "--region", "fda"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert first.startswith(b"drug_products[")
    assert "Traceback" not in err and "BrokenPipe" not in err, err
