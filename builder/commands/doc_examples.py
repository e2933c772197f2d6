"""Examples in the README and docs/ that are what a real run prints, not what someone remembers.

A block of sample output is marked in the Markdown file:

    <!-- example: invoke check --product examplinib --region fda -->
    ```
    $ invoke check --product examplinib --region fda
    …what the command prints…
    ```
    <!-- /example -->

or, for output that needs content with mistakes in it or a built leaf edited by hand,
`<!-- example: docs/examples/<name>.yaml -->`: a scenario file (doc_scenarios.py) naming the command,
the exit code it must end with, and the steps done first (commands, edits). `invoke docs` runs each example in a scratch copy (the
project's content, templates, builder and tasks.py; never the real tree) as a writer would run it,
through `invoke`, and writes its output between the markers; tests/test_writer_docs.py runs them again
and fails when a block differs. Timings and the scratch folder's path are taken out of the output,
so the same project gives the same block.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Category, Diagnostics, Origin
from .doc_scenarios import Scenario, Step, apply_edit, read_scenario

# The files a scratch copy needs to run any task the way a writer runs it.
PROJECT = ("content", "templates", "builder", "tasks.py", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "output")
MARKER = re.compile(r"^<!-- example: (?P<what>.+?) -->\n(?P<body>.*?)^<!-- /example -->$", re.S | re.M)
TIMING = re.compile(r"\b(?:\d+\.\d+ ?s|\d+ ?ms)\b")  # "10.2 s", "480 ms": a run's duration
RUN_SECONDS = 600


@dataclass(frozen=True)
class Example:
    """One marked block: where it is, what it runs, and what it holds now."""

    doc: Path
    line: int
    what: str
    body: str
    span: tuple[int, int]


OPENING = re.compile(r"^<!-- example:", re.M)


def examples_in(doc: Path) -> list[Example]:
    text = doc.read_text(encoding="utf-8")
    return [Example(doc, _line(text, m.start()), m.group("what"), m.group("body"), m.span("body"))
            for m in MARKER.finditer(text)]


def unclosed(doc: Path, root: Path, diags: Diagnostics) -> None:
    """An opening marker no `<!-- /example -->` closes would leave its block typed by hand, unseen: E4071."""
    text = doc.read_text(encoding="utf-8")
    closed = {m.start() for m in MARKER.finditer(text)}
    for m in OPENING.finditer(text):
        if m.start() not in closed:
            diags.error("E4071", "an example marker without its closing `<!-- /example -->` (or with a malformed "
                        "opening line `<!-- example: COMMAND -->`)",
                        Origin(doc.relative_to(root).as_posix(), _line(text, m.start()), 1))


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def run_example(example: Example, root: Path, diags: Diagnostics) -> str | None:
    """The block `example` should hold: its command's output in a scratch copy of `root`."""
    where = Origin(example.doc.relative_to(root).as_posix(), example.line, 1)
    scenario = _scenario(example.what, root, where, diags)
    if scenario is None or not all(_invoke(c, where, diags) for c in
                                   [scenario.command] + [s.run for s in scenario.steps if s.run]):
        return None
    with tempfile.TemporaryDirectory(prefix="cmc-docs-") as scratch:
        copy = Path(scratch) / "project"
        _copy_project(root, copy)
        if not all(_step(step, copy, diags) for step in scenario.steps):
            return None
        code, output = _run(shlex.split(scenario.command)[1:], copy)
    if code != scenario.exit:
        diags.error("E4072", f"'{scenario.command}' ended with exit code {code}, not {scenario.exit}:\n"
                    f"{_tail(output)}", where)
        return None
    return _block(scenario.command, output)


def _invoke(command: str, where: Origin, diags: Diagnostics) -> bool:
    argv = shlex.split(command)
    if argv[:1] != ["invoke"]:
        diags.error("E4071", f"an example runs an invoke task, not '{command}'", where)
    return argv[:1] == ["invoke"]


def _scenario(what: str, root: Path, where: Origin, diags: Diagnostics) -> Scenario | None:
    """A marker names a command (exit 0, no steps) or a scenario file."""
    if not what.endswith(".yaml"):
        return Scenario(what, 0, ())
    path = root / what
    if not path.is_file():
        diags.error("E4070", f"no example scenario '{what}'", where)
        return None
    return read_scenario(path, what, diags)


def _step(step: Step, copy: Path, diags: Diagnostics) -> bool:
    if not step.run:
        return apply_edit(step, copy, diags)
    code, output = _run(shlex.split(step.run)[1:], copy)
    if code != 0:
        diags.error("E4072", f"step '{step.run}' ended with exit code {code}, not 0:\n{_tail(output)}", step.at)
    return code == 0


def _copy_project(root: Path, copy: Path) -> None:
    copy.mkdir(parents=True)
    for name in PROJECT:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=IGNORED)
        elif source.is_file():
            shutil.copy2(source, copy / name)


def _run(args: list[str], copy: Path) -> tuple[int, str]:
    """Run `invoke ARGS` in the scratch copy with its own builder, as a writer's shell would (no terminal:
    no progress bar), stdout and stderr in the order printed."""
    env = {k: v for k, v in os.environ.items() if k not in ("DOSSIER_TRACEBACK", "CMC_NO_PROGRESS")}
    env.update(PYTHONPATH=str(copy), PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", PYTHONHASHSEED="0", CI="true")
    try:
        done = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=copy, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        return -1, f"(did not finish within {RUN_SECONDS} s)"
    output = done.stdout.decode("utf-8", "replace")
    return done.returncode, output.replace(str(copy) + os.sep, "").replace(str(copy), ".")


def _tail(output: str, lines: int = 20) -> str:
    """The end of a failed run's output: where its own message and problem count are."""
    return "\n".join(output.rstrip().splitlines()[-lines:])


def _block(command: str, output: str) -> str:
    lines = [TIMING.sub("… s", line).rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(["```", f"$ {command}", *lines, "```"]) + "\n"


def refreshed(doc: Path, root: Path, diags: Diagnostics) -> str:
    """`doc`'s text with every example block replaced by a fresh run (blocks that failed stay as they were)."""
    text = doc.read_text(encoding="utf-8")
    unclosed(doc, root, diags)
    for example in reversed(examples_in(doc)):
        block = run_example(example, root, diags)
        if block is not None:
            start, end = example.span
            text = text[:start] + block + text[end:]
    return text


def documents_with_examples(root: Path) -> list[Path]:
    """README.md and docs/*.md, the files whose examples `invoke docs` keeps true."""
    return [p for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))] if p.is_file()]


def raise_if_failed(diags: Diagnostics) -> None:
    diags.raise_if_errors(Category.ENVIRONMENT)
