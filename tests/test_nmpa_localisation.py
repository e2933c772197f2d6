"""NMPA documents are written in Chinese throughout (issue 15 item 3): names per language, generated
wording from the region's labels in Chinese typography, and a warning for what is still in English."""
from __future__ import annotations

import shutil

import docx
import pytest

from conftest import REPO, edit, prepared_diagnostics

PRODUCTS = ("examplinib", "examparvovec", "examnaglovec")


@pytest.fixture(scope="module")
def nmpa(tmp_path_factory):
    """The three shipped examples built for NMPA, with what `prepare` reported."""
    from builder.errors import Diagnostics
    from builder.pipeline import build, prepare
    from builder.project import Project

    root = tmp_path_factory.mktemp("nmpa")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    build(root, list(PRODUCTS), ["nmpa"], jobs=1)
    diags = Diagnostics()
    dossiers = {d.product: d for d in prepare(Project(root), list(PRODUCTS), ["nmpa"], diags=diags)}
    return root, dossiers, diags


def _leaf(root, product: str, pattern: str):
    return docx.Document(next((root / "output" / product / "nmpa").rglob(pattern)))


def _printed(document) -> list[str]:
    """Every paragraph, table cell, page header and footer a leaf prints."""
    units = [p.text for p in document.paragraphs]
    units += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        units += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return list(dict.fromkeys(u for u in units if u.strip()))


def _subtitle(document) -> str:
    return next(p.text for p in document.paragraphs if p.style.name == "Subtitle")


def test_no_leaf_prints_english_generated_text(nmpa):
    """Every Latin word an NMPA leaf prints is a name, code or unit (the profile's allow-list) or a word
    of the content itself; none comes from a label or from wording made in code."""
    from builder.cmc.localisation import MARKUP, text_fields

    root, dossiers, _ = nmpa
    for product in PRODUCTS:
        dossier = dossiers[product]
        rule = dossier.profile.localisation
        assert rule is not None and rule.allowed, "the allow-list is region data"
        words = set()
        for _, text, _ in text_fields(dossier.content, dossier.profile.language):
            words.update(rule.english_words(text), rule.english_words(MARKUP.sub("", text)))
        leaves = sorted((root / "output" / product / "nmpa").rglob("*.docx"))
        assert len(leaves) > 50, product
        for path in leaves:
            for unit in _printed(docx.Document(path)):
                generated = [w for w in rule.english_words(unit) if w not in words]
                assert not generated, (product, path.name, unit, generated)


def test_the_examples_leave_nothing_in_english(nmpa):
    _, _, diags = nmpa
    found = [str(d) for d in diags.items if d.code in ("W2350", "W2351")]
    assert found == []


def test_subject_lines_and_headers_name_the_product_in_chinese(nmpa):
    root = nmpa[0]
    stability = _leaf(root, "examplinib", "32p8-stab/stability-summary.docx")
    assert _subtitle(stability) == "制剂：甲磺酸艾克普替尼片（薄膜衣片）"
    header = stability.sections[0].header.paragraphs[0].text
    assert header.startswith("甲磺酸艾克普替尼片") and "Examplinib" not in header
    substance = _leaf(root, "examplinib", "32s7-stab/stability-summary.docx")
    assert _subtitle(substance) == "原料药：甲磺酸艾克普替尼（艾克米原料药（上海））"
    aav = _leaf(root, "examparvovec", "32p8-stab/stability-summary.docx")
    assert _subtitle(aav) == "制剂：舒法米基因艾克帕沃韦克注射液（静脉输注用混悬液）"  # the name already says 注射液


def test_the_period_statement_uses_the_official_terms_in_full_width_punctuation(nmpa):
    root = nmpa[0]
    product = [p.text for p in _leaf(root, "examplinib", "32p8-stab/stability-summary.docx").paragraphs]
    assert "有效期：36个月。贮藏：密封，不超过30 °C保存。" in product
    assert not any(p.startswith(("货架期标准", "Shelf life")) for p in product)
    substance = [p.text for p in _leaf(root, "examplinib", "32s7-stab/stability-summary.docx").paragraphs]
    statement = next(p for p in substance if p.startswith("复检期"))
    assert statement.startswith("复检期：36个月。贮藏：") and ": " not in statement and ". " not in statement
    conclusions = next(p for p in product if p.startswith("所有批次"))
    assert "。加速试验" in conclusions and "。 " not in conclusions  # Chinese sentences join without a space


def test_captions_join_their_parts_with_chinese_punctuation(nmpa):
    root = nmpa[0]
    data = _leaf(root, "examplinib", "32s7-stab/stability-data.docx")
    captions = [p.text for p in data.paragraphs if p.style.name.startswith("Caption")]
    assert captions[0].startswith("表 1：EXM2403001，长期试验，25 °C ± 2 °C / 60 %RH ± 5 %RH，"), \
        captions[0]
    spec = _leaf(root, "examplinib", "32p51-spec/specifications.docx")
    caption = next(p.text for p in spec.paragraphs if p.style.name.startswith("Caption"))
    assert caption == "表 1：质量标准：甲磺酸艾克普替尼片质量标准（放行及货架期）（SPC-P-001 第2.0版）"


@pytest.fixture
def project(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=lambda d, names: [
            n for n in names if d == str(REPO / "content") and n not in ("examplinib",)])
    return tmp_path


def test_a_content_field_left_in_english_is_named_with_its_position(project):
    line = edit(project, "content/examplinib/nmpa.yaml", "      storage: 密封，不超过30 °C保存。\n",
                "      storage: Store below 30 °C in the original package.\n")
    found = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "W2350"]
    assert len(found) == 1, [str(d) for d in found]
    warning = found[0]
    assert warning.severity == "warning" and warning.field == "drug_products[examplinib-fct].stability.storage"
    assert (warning.origin.path, warning.origin.line) == ("content/examplinib/nmpa.yaml", line)
    assert "Store below" in warning.message and "below" in warning.message


def test_a_name_without_its_chinese_entry_is_reported_and_printed_as_the_attribute(project):
    edit(project, "content/examplinib/nmpa.yaml", "    dosage_forms:\n      zh-CN: 薄膜衣片\n", "")
    found = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "W2350"]
    assert [d.field for d in found] == ["drug_products[examplinib-fct].dosage_form"]
    assert found[0].origin.path == "content/examplinib/core/drug-product.yaml"
    assert "add `dosage_forms: {zh-CN: …}` beside it" in found[0].message


def test_an_untranslated_label_is_generated_english(project):
    line = edit(project, "templates/nmpa/region.yaml", "  period_shelf_life: 有效期\n",
                "  period_shelf_life: Shelf life\n")
    found = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "W2351"]
    assert len(found) == 1 and "'Shelf life：36个月" in found[0].message and "3.2.P.8.1" in found[0].message
    assert found[0].field == "labels.period_shelf_life" and found[0].origin.line == line
    assert found[0].origin.path.endswith("nmpa/region.yaml")


def test_the_warning_is_configurable_and_only_where_the_profile_asks(project):
    edit(project, "content/examplinib/nmpa.yaml", "      storage: 密封，不超过30 °C保存。\n",
         "      storage: Store below 30 °C in the original package.\n")
    edit(project, "templates/nmpa/region.yaml", "  severity: warning\n", "  severity: info\n")
    found = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "W2350"]
    assert [d.severity for d in found] == ["info"]
    for region in ("fda", "ema"):  # English regions have no localisation rule: no check
        assert not [d for d in prepared_diagnostics(project, "examplinib", region) if d.code.startswith("W235")]


def test_an_unknown_language_key_is_a_positioned_error(project):
    line = edit(project, "content/examplinib/nmpa.yaml", "    zh-CN: 甲磺酸艾克普替尼片\n\nsites:",
                "    zh-CN: 甲磺酸艾克普替尼片\n    fr: Examplinib comprimés pelliculés\n\nsites:") + 1
    errors = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "E2217"]
    assert len(errors) == 1 and errors[0].field == "product.names.fr"
    assert (errors[0].origin.path, errors[0].origin.line) == ("content/examplinib/nmpa.yaml", line)
    assert "zh-CN" in errors[0].message
    edit(project, "content/examplinib/nmpa.yaml", "    fr: Examplinib", "    French: Examplinib")
    errors = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "E2210"]
    assert len(errors) == 1 and "language tag" in errors[0].message


def test_a_bad_pattern_in_the_rule_is_a_template_error(project):
    edit(project, "templates/nmpa/region.yaml", "    - '^compendial$'", "    - '(unclosed'")
    errors = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "E3011"]
    assert len(errors) == 1 and "(unclosed" in errors[0].message


def test_the_rule_keeps_names_codes_and_units():
    from builder.localisation import LocalisationRule, localised

    rule = LocalisationRule(script="[\u4e00-\u9fff]", allowed=(r"(?<![A-Za-z])(?:mg|mL)(?![A-Za-z])",))
    assert rule.english_words("Northwind Pharma Manufacturing GmbH") == []   # a name
    assert rule.english_words("含量测定（HPLC，qPCR）100 mg/mL") == []         # codes and units
    assert rule.english_words("Visual inspection") == ["inspection"]
    assert rule.english_words("拟定为36 months") == ["months"]
    assert localised({"zh-CN": "甲"}, "zh-CN", "A") == "甲" and localised({"zh": "乙"}, "zh-CN", "A") == "乙"
    assert localised({}, "zh-CN", "A") == "A"


def test_a_region_check_that_is_not_registered_is_a_positioned_error(project):
    line = edit(project, "templates/nmpa/region.yaml", "  - localisation\n", "  - localization\n")
    errors = [d for d in prepared_diagnostics(project, "examplinib", "nmpa") if d.code == "E2313"]
    assert len(errors) == 1 and "'localization'" in errors[0].message and errors[0].origin.line == line
