"""Test roots for three modalities (tests/roots/<name>/content, the repository's templates copied in):
an autologous CAR-T, an mRNA-LNP vaccine and an ADC, each built for FDA, EMA and NMPA. The documents
are opened: each profile's leaves show its records (dose, lipids, chain of identity, release strategy,
drug load), regions differ where the overlays say so, NMPA is Chinese, and the clean roots have no
findings at all."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph

from builder.errors import Diagnostics
from builder.pipeline import build

from conftest import REPO

ROOTS = REPO / "tests" / "roots"
REGIONS = ("fda", "ema", "nmpa")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PRODUCTS = {"car-t": "examcel", "mrna-vaccine": "examvax", "adc": "examadc"}


def copy_root(name: str, dest: Path) -> Path:
    """A project of the root's content and the repository's templates, as Sphinx copies its test roots."""
    shutil.copytree(ROOTS / name / "content", dest / "content")
    shutil.copytree(REPO / "templates", dest / "templates")
    return dest


def _build(name: str, tmp_path_factory):
    root = copy_root(name, tmp_path_factory.mktemp(name))
    diags = Diagnostics()
    build(root, diags=diags)
    return name, root, diags


@pytest.fixture(scope="module")
def car_t(tmp_path_factory):
    return _build("car-t", tmp_path_factory)


@pytest.fixture(scope="module")
def mrna(tmp_path_factory):
    return _build("mrna-vaccine", tmp_path_factory)


@pytest.fixture(scope="module")
def adc(tmp_path_factory):
    return _build("adc", tmp_path_factory)


@pytest.fixture(params=["car_t", "mrna", "adc"])
def built(request):
    """Each root, built once for the module."""
    return request.getfixturevalue(request.param)


def manifest(root: Path, product: str, region: str) -> dict:
    return json.loads((root / "output" / product / region / "manifest.json").read_text())


def leaf_text(root: Path, product: str, region: str, number: str, index: int = 0) -> str:
    leaves = [leaf for leaf in manifest(root, product, region)["leaves"] if leaf["number"] == number]
    document = docx.Document(root / "output" / product / region / leaves[index]["path"])
    parts = []  # in document order: a caption, then its table's rows
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            parts.append(Paragraph(element, document).text)
        elif element.tag == f"{W}tbl":
            parts += [" | ".join(c.text for c in row.cells) for row in Table(element, document).rows]
    return "\n".join(parts)


def test_each_root_builds_for_every_region_without_any_finding(built):
    name, root, diags = built
    product = PRODUCTS[name]
    english = ("W2350", "W2351")  # the roots are written in English only: NMPA names what it would print in English
    for region in REGIONS:
        assert manifest(root, product, region)["leaves"], region
        findings = json.loads((root / "output" / product / region / "findings.json").read_text())["findings"]
        assert [f for f in findings if f["code"] not in english] == [], region
        assert region == "nmpa" or not [f for f in findings if f["code"] in english], region
    assert not [d for d in diags.items if d.severity in ("error", "warning") and d.code not in english], \
        [str(d) for d in diags.items]


def test_each_profile_leaf_kind_is_used(built):
    name, root, _ = built
    product = PRODUCTS[name]
    kinds = {(leaf["number"]) for leaf in manifest(root, product, "fda")["leaves"]}
    expected = {"car-t": {"3.2.P.1", "3.2.P.3.3", "3.2.P.5.1", "3.2.P.5.4", "3.2.A.1", "3.2.A.2"},
                "mrna-vaccine": {"3.2.P.1", "3.2.A.3"}, "adc": {"3.2.S.4.4", "3.2.P.5.4", "3.2.A.1", "3.2.A.2"}}[name]
    assert expected <= kinds


def test_car_t_chain_of_identity_is_in_3_2_p_3_3_in_each_language(car_t):
    root = car_t[1]
    fda = leaf_text(root, "examcel", "fda", "3.2.P.3.3")
    assert "Chain of identity and chain of custody" in fda
    assert "Chain of identity of lot EXC-24-0012: CoI-EXM-000123 (patient: PT-0042)" in fda
    assert "Shipment to the treatment centre | CoI-EXM-000123 | 2025-03-11 07:30 | Northwind Rockville shipping | " \
           "CryoCourier Inc." in fda
    assert "Apheresis collection | Receipt at the manufacturing site | 48 hours" in fda
    assert "Each lot is made from one patient's own cells" in fda  # the modality's own sentence
    ppq = fda.split("Chain of identity of lot EXC-PPQ-01")[1]
    assert "Administration" not in ppq  # a healthy-donor lot ends at release
    nmpa = leaf_text(root, "examcel", "nmpa", "3.2.P.3.3")
    assert "身份链与监管链" in nmpa and "运输至治疗中心 | CoI-EXM-000123" in nmpa and "48 小时" in nmpa
    assert "每批产品均以一名患者自身的细胞生产" in nmpa and "Chain of identity" not in nmpa


def test_car_t_release_strategy_differs_by_region_in_3_2_p_5_1(car_t):
    root = car_t[1]
    fda, ema, nmpa = (leaf_text(root, "examcel", r, "3.2.P.5.1") for r in REGIONS)
    assert "Certified by: the quality unit (21 CFR 211.22)" in fda and "USP <71>" in fda
    assert "Certified by: the Qualified Person (QP) of the EU batch release site" in ema
    assert "the QP informs the treating physician" in ema and "EudraLex Volume 4, Part IV" in ema
    assert "放行责任人：质量受权人" in nmpa and "放行后获得结果的检验项目" in nmpa and "接种后7天" in nmpa
    for text in (fda, ema, nmpa):
        assert "7 days after inoculation" in text or "接种后7天" in text


def test_car_t_dose_of_each_lot_is_computed_per_kg_in_3_2_p_5_4(car_t):
    root = car_t[1]
    text = leaf_text(root, "examcel", "fda", "3.2.P.5.4")
    assert "Dose of each lot (Labeled dose: 1.0 × 10^6 to 2.5 × 10^6 CAR+ T cells/kg)" in text
    assert "EXC-24-0012 | 72.4 kg | 1.5 × 10^8 CAR+ T cells | 2.07 × 10^6 cells/kg" in text
    assert "EXC-PPQ-01 | – | 2.2 × 10^8 CAR+ T cells | –" in text
    hold = leaf_text(root, "examcel", "fda", "3.2.S.7.1")  # a shelf life in hours
    assert "Expiration dating period: 24 hours." in hold and "0–24 h" in hold
    p1 = leaf_text(root, "examcel", "ema", "3.2.P.1")
    assert "Labelled dose | 1.0 × 10^6 to 2.5 × 10^6 CAR+ T cells/kg" in p1 and "Body weight | 40 kg to 150 kg" in p1


def test_mrna_lipids_and_dose_are_in_3_2_p_1(mrna):
    root = mrna[1]
    text = leaf_text(root, "examvax", "fda", "3.2.P.1")
    assert "Lipid composition of the nanoparticle (molar ratio)" in text
    assert "Cholesterol | Sterol | 38.5 | 386.7 g/mol" in text and "Total | Total | 100.0" in text
    assert "N/P ratio: 6.0" in text
    assert "50 µg per 0.5 mL dose | 100 µg/mL | 0.5 mL | 50 µg | 1" in text
    nmpa = leaf_text(root, "examvax", "nmpa", "3.2.P.1")
    assert "脂质纳米粒的脂质组成（摩尔比）" in nmpa and "N/P比：6.0" in nmpa and "可电离脂质" in nmpa
    assert "T型混合器" in nmpa


def test_adc_drug_load_distribution_is_summed_and_averaged_in_batch_analyses(adc):
    root = adc[1]
    ds = leaf_text(root, "examadc", "fda", "3.2.S.4.4")
    assert "Drug-load distribution (% of total) | EXA-DS-01 | EXA-DS-02" in ds
    assert "DAR8 | 7.6 % | 7.2 %" in ds and "Total | 100.0 | 100.0" in ds
    assert "Average DAR (calculated from the distribution) | 3.96 | 3.88" in ds
    nmpa = leaf_text(root, "examadc", "nmpa", "3.2.P.5.4")
    assert "载药量分布（占总量百分比）" in nmpa and "平均DAR（由载药量分布计算） | 3.95 | 3.87" in nmpa
    summary = leaf_text(root, "examadc", "fda", "3.2.S.7.1")
    assert "significant change" not in summary and "ICH Q1E" not in summary  # Q5C: accelerated is supportive


def test_nmpa_modality_leaves_print_no_english_label(built):
    name, root, _ = built
    product = PRODUCTS[name]
    labels = ("Chain of identity", "Release strategy", "Lipid composition", "Drug-load distribution", "Dose and "
              "presentation", "Labelled dose", "Time limits", "Certified by", "Events recorded", "Average DAR",
              "Dose of each lot", "Hand-over", "Nominal concentration", "Treatment order")
    numbers = {leaf["number"] for leaf in manifest(root, product, "nmpa")["leaves"]}
    for number in sorted(numbers & {"3.2.P.1", "3.2.P.3.3", "3.2.P.5.1", "3.2.P.5.4", "3.2.S.4.4"}):
        text = leaf_text(root, product, "nmpa", number)
        assert not [label for label in labels if label in text], number


MODALITY_LEAVES = ("3.2.P.1", "3.2.P.3.3", "3.2.P.5.1", "3.2.P.5.4", "3.2.S.4.4")


def test_openxml_audit_finds_no_errors_in_the_modality_leaves(built):
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    name, root, _ = built
    product, validator = PRODUCTS[name], OpenXmlValidator()
    for region in REGIONS:
        for leaf in manifest(root, product, region)["leaves"]:
            if leaf["number"] in MODALITY_LEAVES:
                result = validator.validate(root / "output" / product / region / leaf["path"])
                errors = [str(e) for e in result.errors if e.severity == ValidationSeverity.ERROR]
                assert not errors, (leaf["path"], errors[:3])


def test_libreoffice_converts_the_modality_leaves_of_each_region_to_pdf(built, tmp_path, soffice):
    name, root, _ = built
    product, sample = PRODUCTS[name], []
    for region in REGIONS:
        for leaf in manifest(root, product, region)["leaves"]:
            if leaf["number"] in MODALITY_LEAVES:
                target = tmp_path / f"{region}-{leaf['number'].replace('.', '-')}.docx"
                shutil.copy(root / "output" / product / region / leaf["path"], target)
                sample.append(target)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, sample)], check=True, capture_output=True,
                   timeout=300)
    for docx_file in sample:  # soffice exits 0 even when a file fails to load: check each PDF
        pdf = tmp_path / "pdf" / (docx_file.stem + ".pdf")
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000, pdf.name
