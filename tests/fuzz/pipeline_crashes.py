"""Inputs the whole-pipeline fuzz target (tests/test_pipeline_fuzz.py) once crashed on, as text edits.

Each case is what the mutation did, written as a replacement in one file of the example (so it still
applies when the example changes elsewhere), and the error the writer must now see instead of the
traceback or the unplaced message it once gave. `None` as the old text deletes the file; a compiled pattern as the old text replaces its first match.
"""
from __future__ import annotations

import re

DP = "core/drug-product.yaml"
DS = "core/drug-substance.yaml"
PRODUCT = "core/product.yaml"

# (name, file, old text, new text, expected code, what the crash was)
CASES = [
    ("batch-missing-a-result", DP, "          water: 4.2\n", "", "E2505", "KeyError: 'water' in views/tables.py"),
    ("unknown-result-test", DP, "          water: 4.2\n", "          watr: 4.2\n", "E2508", "KeyError in views/tables.py"),
    ("empty-timepoints", DP, "          timepoints: [0, 3, 6, 9, 12, 18, 24]\n", "          timepoints: []\n", "E2511",
     "IndexError in views/stability.py and cmc/stability.py"),
    ("empty-strengths", DP, "    strengths:\n      - id: 50mg\n        label: 50 mg\n        unit_weight: 250.0 mg\n"
     "      - id: 100mg\n        label: 100 mg\n        unit_weight: 500.0 mg\n", "    strengths: []\n", "E2511",
     "KeyError in views/composition.py"),
    ("duplicate-strength-id", DP, "      - id: 100mg\n", "      - id: 50mg\n", "E2211", "KeyError: '100mg' in views/composition.py"),
    ("misspelt-strength-in-composition", DP, "quantities: {50mg: 60.78, 100mg: 121.57}",
     "quantities: {50mg: 60.78, 100gm: 121.57}", "E2508", "KeyError in views/composition.py"),
    ("misspelt-substance-in-composition", DP, "substance: examplinib-mesylate-acme", "substance: examplinib-mesylat",
     "E2508", "StopIteration in views/tables.py"),
    ("component-without-standard", DP, "        standard: In-house\n        quantities: {50mg: 10.00",
     "        standard: ''\n        quantities: {50mg: 10.00", "E2510", "AttributeError: None.strip in views/tables.py"),
    ("misspelt-batch-formula-strength", DP, "        strength: 50mg\n", "        strength: 500mg\n", "E2508",
     "KeyError in views/composition.py"),
    ("zero-maximum-daily-dose", PRODUCT, "max_daily_dose: 200 mg", "max_daily_dose: 0 mg", "E2513",
     "ZeroDivisionError in cmc/thresholds.py"),
    ("duplicate-region", PRODUCT, "regions: [fda, ema, nmpa]", "regions: [fda, ema, nmpa, fda]", "E2512",
     "every region built twice into the same folder"),
    ("product-file-missing", PRODUCT, None, None, "E2201", "'missing product' with no line or column"),
    ("result-with-a-power-beyond-any-quantity", DS, "total-impurities: [0.11, 0.11, 0.12, 0.11, 0.12, 0.16, 0.17]",
     "total-impurities: [0.11, 0.11, 0.12, 0.11, 0.12, 1e400, 0.17]", "E2620",
     "decimal.InvalidOperation rounding 1e400 to 0.01 in cmc/rounding.py"),
    ("empty-composition-with-a-batch-formula", DP, re.compile(r"    composition:\n(?:(?:      .*)?\n)*"),
     "    composition: []\n", "E2511",
     "ValueError: max() of an empty sequence in views/composition.py"),
    ("unknown-region-listed", PRODUCT, "regions: [fda, ema, nmpa]", "regions: [ema, nmpa]", "E2303",
     "'not built for fda' with no line or column"),
]
