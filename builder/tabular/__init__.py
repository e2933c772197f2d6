"""Tabular results as content sources: a lab's CSV or .xlsx export read into the same `Value` tree as YAML.

A study's `results:` may be a small mapping instead of lists (docs/tabular-data.md):

    results:
      sheet: stability-f050p2409.xlsx   # next to the YAML file
      tab: Bottle 25C                   # .xlsx only; the first sheet when omitted
      test_column: Test                 # header of the column holding the test ids
      timepoints: ["0", "3", "6"]       # headers of the result columns, in time-point order
      numeric: [assay, water]           # tests whose cells must be numbers

Each cell becomes a `Value` whose `Origin` names the cell (`file.xlsx:Bottle 25C!C4`, `file.csv:4:3`), and
holds the text the cell shows, so the schema and quantity model read it exactly like a typed YAML value.
Readers are chosen by file kind from `READERS`; the engine never branches on an extension.
"""
from __future__ import annotations

from .grid import Cell, Grid, READERS, read_grid
from .splice import load_with_sheets, splice_sheets, sheet_inputs

__all__ = ["Cell", "Grid", "READERS", "read_grid", "splice_sheets", "sheet_inputs"]
