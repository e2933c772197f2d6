"""Every printed word comes from the region's profile: the EU says "active substance" and "finished
product" in every table, never the FDA's "drug substance" or "drug product" (issue 15, labels)."""
from __future__ import annotations

import shutil

import docx
import pytest
from ruamel.yaml import YAML

from conftest import REPO, only_example

US_TERMS = ("drug substance", "drug product")


def _labels(region: str) -> dict:
    yaml = YAML(typ="safe")
    common = yaml.load((REPO / "templates/common/profile.yaml").read_text(encoding="utf-8"))["labels"]
    return {**common, **yaml.load((REPO / f"templates/{region}/region.yaml").read_text(encoding="utf-8"))["labels"]}


def test_no_eu_label_uses_the_us_terms():
    eu = _labels("ema")
    wrong = {k: v for k, v in eu.items() if isinstance(v, str) and any(t in v.lower() for t in US_TERMS)}
    assert wrong == {}
    assert eu["ds_batches"] == "Active substance batch(es) used"


@pytest.fixture(scope="module")
def ema(tmp_path_factory):
    from builder.pipeline import build

    root = tmp_path_factory.mktemp("labels")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    build(root, ["examplinib"], ["ema"], jobs=1)
    return root / "output/examplinib/ema"


def test_eu_batch_tables_say_active_substance(ema):
    leaf = next(ema.rglob("32p54-batch-analys/batch-analyses.docx"))
    cells = [c.text for t in docx.Document(leaf).tables for r in t.rows for c in r.cells]
    assert "Active substance batch(es) used" in cells
    yaml = YAML(typ="safe")
    common = yaml.load((REPO / "templates/common/profile.yaml").read_text(encoding="utf-8"))["labels"]
    us_labels = {v for v in common.values() if isinstance(v, str) and any(t in v.lower() for t in US_TERMS)}
    assert us_labels >= {"Drug substance batch(es) used", "Drug substance", "Drug product"}
    for path in ema.rglob("*.docx"):  # content may say "drug substance" in its own words; labels may not
        document = docx.Document(path)
        printed = {c.text for t in document.tables for r in t.rows for c in r.cells}
        printed |= {p.text for p in document.paragraphs}
        assert not printed & us_labels, path.name


def test_the_subject_line_does_not_repeat_the_dosage_form(ema):
    from builder.views.base import product_name

    assert product_name("Examplinib Film-coated Tablets", "film-coated tablet") == "Examplinib Film-coated Tablets"
    assert product_name("Sulfamigene examparvovec", "suspension for infusion") == \
        "Sulfamigene examparvovec, suspension for infusion"
    leaf = next(ema.rglob("32p8-stab/stability-summary.docx"))
    subtitle = next(p.text for p in docx.Document(leaf).paragraphs if p.style.name == "Subtitle")
    assert subtitle == "Finished product: Examplinib Film-coated Tablets", subtitle
