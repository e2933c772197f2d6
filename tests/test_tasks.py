"""Every task speaks in diagnostics: documented exit codes and messages, never a traceback."""
from __future__ import annotations

import importlib.util

import pytest
from invoke import Exit

from conftest import REPO


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
