"""A small AAV gene therapy project in a tmp dir (tests/data/aav-mini with a copy of templates/), and
helpers to edit it, run the checks and open what it builds."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx

from builder.pipeline import build

from conftest import REPO, edit, prepared_diagnostics  # noqa: F401  (tests import edit from here)

PRODUCT = "aavmini"
DS = f"content/{PRODUCT}/core/drug-substance.yaml"
DP = f"content/{PRODUCT}/core/drug-product.yaml"
CORE = f"content/{PRODUCT}/core/product.yaml"
NMPA = f"content/{PRODUCT}/nmpa.yaml"
P = "m3/32-body-data/32p-drug-prod/testavec-vial"
S = "m3/32-body-data/32s-drug-sub/aav9-bulk"
SUMMARY = f"{P}/32p8-stab/stability-summary.docx"
COMPOSITION = f"{P}/32p1-desc-comp/description-and-composition.docx"
FORMULA = f"{P}/32p3-manuf/batch-formula.docx"
REGIONAL = "m3/32-body-data/32r-reg-info"


def make(root: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "tests/data/aav-mini", root / "content" / PRODUCT)
    return root




def diagnostics(root: Path, region: str = "fda") -> list:
    return prepared_diagnostics(root, PRODUCT, region)


def codes(root: Path, region: str = "fda", prefix: str = "F") -> list:
    return [d for d in diagnostics(root, region) if d.code.startswith(prefix)]


def built(root: Path, region: str) -> Path:
    build(root, [PRODUCT], [region])
    return root / "output" / PRODUCT / region


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs if p.text.strip()]


def rows(path: Path, index: int = 0) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in docx.Document(path).tables[index].rows]
