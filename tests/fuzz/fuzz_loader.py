"""Fuzz target for the content loader (pitfalls.md §8, target 1): only content errors may escape.

`builder.source.parse_bytes` gets arbitrary bytes. It must either return a tree of text, lists and
mappings, every value positioned 1-based, or raise `DossierError` with category 2 (content) whose
diagnostics name the file and, where the loader can know it, a 1-based line and column inside the file.
Anything else (a ruamel NotImplementedError/AssertionError, a RecursionError, a KeyError) is a crash.

    python tests/fuzz/fuzz_loader.py -max_total_time=180 -rss_limit_mb=1024 -timeout=5 \
        -artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz/corpus

libFuzzer writes new inputs into the *first* corpus folder, so name a scratch folder first and the
committed seeds (tests/fuzz/corpus) second; missing folders are created. Inputs are capped at 4,096
bytes unless `-max_len` is given. A crash input is written under `-artifact_prefix`; copy it to
tests/fuzz/crashes/<short-name>.yaml so that tests/test_fuzz_regressions.py keeps it fixed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports(include=["builder", "ruamel"]):
    from builder.errors import DossierError
    from builder.source import parse_bytes

from loader_checks import DISPLAY, check_error, check_tree  # noqa: E402 - after instrumentation


def TestOneInput(data: bytes) -> None:
    try:
        tree = parse_bytes(data, DISPLAY)
    except DossierError as exc:
        check_error(exc, data)
        return
    check_tree(tree)


def main(argv: list[str]) -> None:
    if not any(arg.startswith("-max_len=") for arg in argv):
        argv = [*argv, "-max_len=4096"]
    for arg in argv[1:]:  # libFuzzer refuses corpus and artifact folders that do not exist yet
        if arg.startswith("-artifact_prefix=") and arg.endswith("/"):
            Path(arg.split("=", 1)[1]).mkdir(parents=True, exist_ok=True)
        elif not arg.startswith("-") and not Path(arg).is_file():
            Path(arg).mkdir(parents=True, exist_ok=True)
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
