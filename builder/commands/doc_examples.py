"""Examples in the README and docs/ that are what a real run prints, not what someone remembers.

A block of sample output is marked in the Markdown file:

    <!-- example: invoke check --product examplinib --region fda -->
    ```
    $ invoke check --product examplinib --region fda
    …what the command prints…
    ```
    <!-- /example -->

or, for output that needs content with mistakes in it, `<!-- example: docs/examples/<name>.yaml -->`:
a scenario file naming the command, the exit code it must end with, and the edits that put the
mistakes into a scratch copy of the project. `invoke docs` runs each example in a scratch copy (the
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
from ..source import load_file

# The files a scratch copy needs to run any task the way a writer runs it.
PROJECT = ("content", "templates", "builder", "tasks.py", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "output")
MARKER = re.compile(r"^<!-- example: (?P<what>.+?) -->\n(?P<body>.*?)^<!-- /example -->$", re.S | re.M)
TIMING = re.compile(r"\b(?:\d+\.\d+ ?s|\d+ ?ms)\b")  # "10.2 s", "480 ms": a run's duration
RUN_SECONDS = 600


@dataclass(frozen=True)
class Edit:
    """One change a scenario makes to its scratch copy: `replace` (found exactly once) → `with`, or `append`."""

    file: str
    replace: str
    with_: str
    append: str
    at: Origin


@dataclass(frozen=True)
class Example:
    """One marked block: where it is, what it runs, and what it holds now."""

    doc: Path
    line: int
    what: str
    body: str
    span: tuple[int, int]


def examples_in(doc: Path, root: Path) -> list[Example]:
    text = doc.read_text(encoding="utf-8")
    return [Example(doc, text.count("\n", 0, m.start()) + 1, m.group("what"), m.group("body"), m.span("body"))
            for m in MARKER.finditer(text)]


def run_example(example: Example, root: Path, diags: Diagnostics) -> str | None:
    """The block `example` should hold: its command's output in a scratch copy of `root`."""
    where = Origin(example.doc.relative_to(root).as_posix(), example.line, 1)
    command, exit_code, edits = _scenario(example.what, root, where, diags)
    if command is None:
        return None
    argv = shlex.split(command)
    if not argv or argv[0] != "invoke":
        diags.error("E4071", f"an example runs an invoke task, not '{command}'", where)
        return None
    with tempfile.TemporaryDirectory(prefix="cmc-docs-") as scratch:
        copy = Path(scratch) / "project"
        _copy_project(root, copy)
        if not all(_apply(edit, copy, diags) for edit in edits):
            return None
        code, output = _run(argv[1:], copy)
        output = output.replace(str(copy) + os.sep, "").replace(str(copy), ".")
    if code != exit_code:
        diags.error("E4072", f"'{command}' ended with exit code {code}, not {exit_code}:\n{output}", where)
        return None
    return _block(command, output)


def _scenario(what: str, root: Path, where: Origin, diags: Diagnostics):
    """(command, expected exit code, edits) for a marker: a command, or a scenario file naming one."""
    if not what.endswith(".yaml"):
        return what, 0, []
    path = root / what
    if not path.is_file():
        diags.error("E4070", f"no example scenario '{what}'", where)
        return None, 0, []
    tree = load_file(path, what).root
    data = tree.data if tree.is_map else {}
    command, code = data.get("command"), data.get("exit")
    if command is None or not command.is_text or (code is not None and not (code.is_text and code.data.isdigit())):
        diags.error("E4070", "a scenario states `command:` (an invoke command) and, optionally, `exit:` (a number)",
                    tree.origin)
        return None, 0, []
    edits = data.get("edits")
    return command.data, int(code.data) if code is not None else 0, _edits(edits, diags) if edits is not None else []


def _edits(value, diags: Diagnostics) -> list[Edit]:
    found = []
    for item in value.data if value.is_list else ():
        fields = {k: v.data for k, v in item.data.items() if v.is_text} if item.is_map else {}
        if "file" not in fields or not (("replace" in fields and "with" in fields) or "append" in fields):
            diags.error("E4070", "an edit states `file:` and either `replace:` and `with:`, or `append:`", item.origin)
            continue
        found.append(Edit(fields["file"], fields.get("replace", ""), fields.get("with", ""), fields.get("append", ""),
                          item.origin))
    return found


def _copy_project(root: Path, copy: Path) -> None:
    copy.mkdir(parents=True)
    for name in PROJECT:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=IGNORED)
        elif source.is_file():
            shutil.copy2(source, copy / name)


def _apply(edit: Edit, copy: Path, diags: Diagnostics) -> bool:
    """Make one scenario edit; a `replace` text that is not there exactly once says so (the content moved)."""
    target = copy / edit.file
    if not target.is_file() or copy.resolve() not in target.resolve().parents:
        diags.error("E4070", f"an edit names '{edit.file}', which is no file of the project", edit.at)
        return False
    text = target.read_text(encoding="utf-8")
    if edit.replace:
        times = text.count(edit.replace)
        if times != 1:
            diags.error("E4070", f"the text to replace occurs {times} times in {edit.file}, not once; "
                        "change the scenario to match the content", edit.at)
            return False
        text = text.replace(edit.replace, edit.with_)
    target.write_text(text + edit.append, encoding="utf-8")
    return True


def _run(args: list[str], copy: Path) -> tuple[int, str]:
    """Run `invoke ARGS` in the scratch copy with its own builder, as a writer's shell would (no terminal:
    no progress bar), stdout and stderr in the order printed."""
    env = {k: v for k, v in os.environ.items() if k not in ("DOSSIER_TRACEBACK", "CMC_NO_PROGRESS")}
    env.update(PYTHONPATH=str(copy), PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", PYTHONHASHSEED="0", CI="true")
    done = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=copy, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=RUN_SECONDS)
    return done.returncode, done.stdout.decode("utf-8", "replace")


def _block(command: str, output: str) -> str:
    lines = [TIMING.sub("… s", line).rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(["```", f"$ {command}", *lines, "```"]) + "\n"


def refreshed(doc: Path, root: Path, diags: Diagnostics) -> str:
    """`doc`'s text with every example block replaced by a fresh run (blocks that failed stay as they were)."""
    text = doc.read_text(encoding="utf-8")
    for example in reversed(examples_in(doc, root)):
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
