"""Write a results workbook the way a lab system exports one, with openpyxl, reproducibly.

Used by the tests (every bad-sheet class is made here) and to regenerate the shipped example's
workbook (`python -m builder.tabular.workbook`), so the committed .xlsx can always be re-made.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

FIXED_TIME = dt.datetime(2025, 1, 1)
_DECIMALS = re.compile(r"[+-]?\d+(\.(\d+))?")


def cell_value(text: str):
    """A typed text as a lab export stores it: a number with a matching number format, else text."""
    match = _DECIMALS.fullmatch(text)
    if match is None:
        return text, "General"
    places = len(match.group(2) or "")
    return (float(text) if places else int(text)), ("0." + "0" * places if places else "0")


def write_workbook(path: Path, tabs: dict[str, list[list[str]]]) -> None:
    """Write `tabs` ({sheet name: rows of texts}) to `path`, numbers stored as numbers with formats."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tabs.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row, 1):
                value, fmt = (text, "General") if r == 1 else cell_value(text)
                cell = sheet.cell(r, c, value)
                cell.number_format = fmt
    book.properties.created = book.properties.modified = FIXED_TIME
    book.save(path)


def study_rows(study: dict) -> list[list[str]]:
    """A study's YAML results as a lab sheet: one row per test, one column per time point."""
    header = ["Test", *(f"{t} months" for t in study["timepoints"])]
    return [header, *([test, *map(str, values)] for test, values in study["results"].items())]


EXAMPLE_STUDY = "lt-f050p2409-bottle"


def main(argv: list[str]) -> int:
    """Regenerate content/examplinib/core/<study>.xlsx from the YAML the example had before."""
    from ruamel.yaml import YAML

    source, target = Path(argv[0]), Path(argv[1])
    yaml = YAML(typ="base")
    data = yaml.load(source.read_text(encoding="utf-8"))
    study = next(s for product in data["drug_products"] for s in product["stability"]["studies"]
                 if s["id"] == EXAMPLE_STUDY)
    write_workbook(target, {"Bottle 25C-60RH": study_rows(study)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
