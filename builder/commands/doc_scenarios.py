"""Scenario files (docs/examples/*.yaml): what a documented example does to a scratch copy before its
command runs, so sample output showing mistakes or hand edits comes from a real run too.

    command: invoke harvest --product examplinib --region fda   # the command whose output is shown
    exit: 0                                                     # the exit code it must end with
    steps:                                                      # done in order, in the scratch copy
      - run: invoke build --product examplinib --region fda     # a command that must succeed
      - file: content/examplinib/core/drug-product.yaml         # an edit: `replace` (there exactly once,
        replace: "release: Q = 80 % in 30 min"                  #   or its `occurrence`) → `with`,
        with: "relaese: Q = 80 % in 30 min"                     #   or `append`
      - file: output/…/stability-data.docx                      # a .docx: the XML `part` is edited
        part: word/document.xml

A step whose text is no longer where the scenario says (the content moved) is E4070 at the step's line:
the scenario is changed to match, never the example typed by hand.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics, Origin
from ..source import load_file

EDIT_KEYS = {"file", "part", "replace", "with", "append", "occurrence"}


@dataclass(frozen=True)
class Step:
    """One thing a scenario does: `run` a command, or edit `file` (its zip member `part`, for a .docx)."""

    at: Origin
    run: str = ""
    file: str = ""
    part: str = ""
    replace: str = ""
    with_: str = ""
    append: str = ""
    occurrence: int = 0  # 0: the text must occur exactly once


@dataclass(frozen=True)
class Scenario:
    command: str
    exit: int
    steps: tuple[Step, ...]


def read_scenario(path: Path, name: str, diags: Diagnostics) -> Scenario | None:
    """The scenario in `path`, or None after saying (E4070, at the line) what is wrong with it."""
    tree = load_file(path, name).root
    data = tree.data if tree.is_map else {}
    command, code, steps = data.get("command"), data.get("exit"), data.get("steps")
    if command is None or not command.is_text or (code is not None and not (code.is_text and code.data.isdigit())):
        diags.error("E4070", "a scenario states `command:` (an invoke command) and, optionally, `exit:` (a number) "
                    "and `steps:`", tree.origin)
        return None
    found = [_step(item, diags) for item in (steps.data if steps is not None and steps.is_list else ())]
    if None in found:
        return None
    return Scenario(command.data, int(code.data) if code is not None else 0, tuple(found))


def _step(item, diags: Diagnostics) -> Step | None:
    fields = {k: v.data for k, v in item.data.items() if v.is_text} if item.is_map else {}
    if set(fields) == {"run"}:
        return Step(item.origin, run=fields["run"])
    edit = "file" in fields and set(fields) <= EDIT_KEYS and (("replace" in fields and "with" in fields)
                                                               or "append" in fields)
    if not edit or not fields.get("occurrence", "1").isdigit():
        diags.error("E4070", "a step is `run:` (an invoke command), or an edit: `file:` with `replace:` and `with:` "
                    "(optionally `occurrence:` and, in a .docx, `part:`) or `append:`", item.origin)
        return None
    return Step(item.origin, file=fields["file"], part=fields.get("part", ""), replace=fields.get("replace", ""),
                with_=fields.get("with", ""), append=fields.get("append", ""),
                occurrence=int(fields.get("occurrence", "0")))


def apply_edit(step: Step, copy: Path, diags: Diagnostics) -> bool:
    """Make one edit in the scratch copy; False after saying why it could not be made as written."""
    target = copy / step.file
    if not target.is_file() or copy.resolve() not in target.resolve().parents:
        diags.error("E4070", f"a step names '{step.file}', which is no file of the project at that point", step.at)
        return False
    if not step.part:
        text = _edited(target.read_text(encoding="utf-8"), step, step.file, diags)
        if text is not None:
            target.write_text(text, encoding="utf-8")
        return text is not None
    return _edit_part(target, step, diags)


def _edit_part(target: Path, step: Step, diags: Diagnostics) -> bool:
    """Edit one XML part of a .docx (a hand edit in Word, as a scenario states it), the others kept as they are."""
    with zipfile.ZipFile(target) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    names = [info.filename for info, _ in entries]
    if step.part not in names:
        diags.error("E4070", f"'{step.file}' has no part '{step.part}'", step.at)
        return False
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            if info.filename == step.part:
                text = _edited(data.decode("utf-8"), step, f"{step.file}:{step.part}", diags)
                if text is None:
                    return False
                data = text.encode("utf-8")
            package.writestr(info, data)
    target.write_bytes(buffer.getvalue())
    return True


def _edited(text: str, step: Step, name: str, diags: Diagnostics) -> str | None:
    if not step.replace:
        return text + step.append
    times = text.count(step.replace)
    wanted = step.occurrence or 1
    if (step.occurrence == 0 and times != 1) or times < wanted:
        said = "once" if step.occurrence == 0 else f"at least {wanted} times"
        diags.error("E4070", f"the text to replace occurs {times} times in {name}, not {said}; change the "
                    "scenario to match the content", step.at)
        return None
    at = -1
    for _ in range(wanted):
        at = text.index(step.replace, at + 1)
    return text[:at] + step.with_ + text[at + len(step.replace):] + step.append
