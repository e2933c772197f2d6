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


def test_the_batch_formula_has_a_total_row_and_states_its_size_once(ema, tmp_path):
    leaf = next(ema.rglob("32p3-manuf/batch-formula.docx"))
    document = docx.Document(leaf)
    captions = [p.text for p in document.paragraphs if p.style.name.startswith("Caption")]
    assert captions[0] == "Table 1: Batch formula: Commercial batch, 50 mg (600 000 film-coated tablets from " \
                          "144.0 kg of final blend)"  # not "50 mg, Commercial batch, 50 mg (…) (600000 units)"
    total = [c.text for c in document.tables[0].rows[-1].cells]
    assert total[0] == "Total" and total[2:] == ["250.00", "150.000"]  # 250 mg × 600 000 = 150 kg


def test_the_caption_keeps_what_the_label_does_not_say():
    from types import SimpleNamespace

    from builder.views.base import formula_caption

    scope = SimpleNamespace(label=lambda key, **_: {"batch_formula": "Batch formula", "separator": ": ",
                                                  "comma": ", "}[key])
    size = SimpleNamespace(label="Commercial batch", units="400")
    assert formula_caption(scope, "5 mL", size, "(400 containers)") == "Batch formula: 5 mL, Commercial batch (400 containers)"
    size = SimpleNamespace(label="商业批量，50 mg（60万片）", units="600000")
    assert formula_caption(scope, "50 mg", size, "(600000 units)") == "Batch formula: 商业批量，50 mg（60万片）"
