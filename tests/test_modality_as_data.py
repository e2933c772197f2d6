"""A modality added as data only (issue 9, item 1): an allogeneic cell-therapy profile is written into a
copy of templates/ (its own leaf rules, checks, release attributes, custody events and labels, and an
NMPA wording file), the CAR-T test root is switched to it, and the build for FDA and NMPA follows the
new profile: its leaves, its words, its findings. No code knows the modality."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import pytest

from builder.errors import Diagnostics, DossierError
from builder.pipeline import build, prepare
from builder.project import Project

from conftest import REPO

PROFILE = """\
# Allogeneic (donor-derived) cell therapy: one donor's lot treats several patients, so the chain runs
# from the donation through donor eligibility to each bag given; a batch formula is text (one lot
# fills a variable number of bags); no novel excipients.
id: allogeneic-cell-therapy
name: Allogeneic cell therapy
language: en
product_type: biological
specification_guideline: ICH Q6B principles
leaves:
  3.2.P.1: {need: required, kind: composition-and-dose}
  3.2.P.3.2: {need: required, kind: narrative}
  3.2.P.3.3: {need: required, kind: process-and-custody}
  3.2.P.4.6: {need: not-applicable, why: an allogeneic cell product has no novel excipients}
  3.2.P.5.1: {need: required, kind: specification-and-release}
  3.2.A.2: {need: required}
checks:
  - release-attributes
  - release-attribute-criteria
  - release-attribute-every-lot
  - cell-dose
  - chain-of-identity
release_attributes:
  - {id: viability, attribute: viability, match: [viability, 活率], criterion: lower, unit: "%", every_lot: "true"}
  - {id: identity, attribute: identity, categories: [identification], match: [identity, 鉴别]}
  - {id: dose, attribute: viable cells per bag, applies_to: drug_product, match: [per bag, 每袋], every_lot: "true"}
  - {id: potency, attribute: potency, match: [potency, 效价], criterion: numeric}
custody:
  events:
    - {id: collection, label: Donation by an eligible donor}
    - {id: donor-eligibility, label: Donor eligibility determination}
    - {id: shipment-to-manufacturer, label: Shipment of the donation, handover: "true"}
    - {id: receipt-at-manufacturer, label: Receipt of the donation, handover: "true"}
    - {id: manufacture, label: Start of manufacture}
    - {id: release, label: Lot release}
    - {id: shipment-to-site, label: Shipment of a bag to a treatment centre, handover: "true", patient: "true"}
    - {id: receipt-at-site, label: Receipt of the bag, handover: "true", patient: "true"}
    - {id: thaw, label: Thaw of the bag, patient: "true"}
    - {id: administration, label: Administration to the patient, patient: "true"}
stability:
  guideline: ICH Q5C principles
  extrapolation: none
  accelerated: none
labels:
  custody_statement: Each lot is made from one eligible donor's cells and treats several patients; the donation identifier links the donor, the lot and every bag, and each bag given is traced to its patient.
"""

NMPA_WORDS = """\
custody:
  events:
    - {id: collection, label: 合格供者捐献}
    - {id: donor-eligibility, label: 供者合格性判定}
    - {id: shipment-to-manufacturer, label: 捐献物运输}
    - {id: receipt-at-manufacturer, label: 捐献物接收}
    - {id: manufacture, label: 开始生产}
    - {id: release, label: 批放行}
    - {id: shipment-to-site, label: 输注袋运往治疗中心}
    - {id: receipt-at-site, label: 输注袋接收}
    - {id: thaw, label: 输注袋复苏}
    - {id: administration, label: 患者给药}
labels:
  custody_statement: 每批产品由一名合格供者的细胞生产，可用于多名患者；捐献标识将供者、批次及每一输注袋相互关联，每一给药的输注袋均可追溯至患者。
"""
DP = "content/examcel/core/drug-product.yaml"
COLLECTION = re.compile(r"^(\s+- )\{id: collection, identifier: ([^,]+), time: ([^,]+),.*$", re.M)


@pytest.fixture
def allogeneic(tmp_path) -> Path:
    """The CAR-T root under a modality that exists only as files in this project's templates."""
    shutil.copytree(REPO / "tests/roots/car-t/content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    assert not (REPO / "templates/modalities/allogeneic-cell-therapy.yaml").exists()
    (tmp_path / "templates/modalities/allogeneic-cell-therapy.yaml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "templates/nmpa/modalities/allogeneic-cell-therapy.yaml").write_text(NMPA_WORDS, encoding="utf-8")
    _edit(tmp_path / "content/examcel/core/product.yaml", "modality: autologous-cell-therapy",
          "modality: allogeneic-cell-therapy")
    text = (tmp_path / DP).read_text(encoding="utf-8")
    text = re.sub(r"^\s+- \{id: order, .*\n", "", text, flags=re.M)  # no treatment order before an allogeneic lot
    text = COLLECTION.sub(lambda m: f"{m.group(0)}\n{m.group(1)}{{id: donor-eligibility, identifier: {m.group(2)}, "
                          f"time: {m.group(3)}, by: Donor eligibility reviewer}}", text)
    text = text.replace("dose: 1.0 × 10^6 to 2.5 × 10^6 CAR+ T cells/kg", "dose: 5.0 × 10^7 to 2.5 × 10^8 CAR+ T cells")
    for line in ("      body_weight: 40 kg to 150 kg\n", "      weight_basis: actual body weight at apheresis\n",
                 "      max_dose: 2.5 × 10^8 CAR+ T cells\n"):  # a flat dose: no weights, no cap besides its range
        assert line in text
        text = text.replace(line, "")
    text = text.replace("      3.2.P.2: ", "      3.2.P.3.2: One donor lot of 2.0 × 10^9 viable cells fills 8 to 12 bags "
                        "of 68.0 mL, each formulated as in 3.2.P.1.\n      3.2.P.4.6: None.\n      3.2.P.2: ")
    (tmp_path / DP).write_text(text, encoding="utf-8")
    _edit(tmp_path / "content/examcel/nmpa.yaml", "      weight_basis: 单采时的实际体重\n", "")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _text(root: Path, region: str, number: str) -> str:
    listed = json.loads((root / "output/examcel" / region / "manifest.json").read_text())["leaves"]
    document = docx.Document(root / "output/examcel" / region / next(l for l in listed if l["number"] == number)["path"])
    return "\n".join([p.text for p in document.paragraphs] +
                     [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows])


def test_a_modality_written_as_files_builds_and_its_profile_decides(allogeneic):
    diags = Diagnostics()
    build(allogeneic, ["examcel"], ["fda", "nmpa"], diags=diags)
    english = ("W2350", "W2351")  # the root is English only: NMPA names what it would print in English
    shown = [d.code for d in diags.items if d.severity != "info" and d.code not in english]
    assert shown == ["W2406", "W2406"]  # 3.2.P.4.6, fda and nmpa
    assert "not applicable to Allogeneic cell therapy: an allogeneic cell product has no novel excipients" \
        in diags.items[0].message
    numbers = [l["number"] for l in json.loads((allogeneic / "output/examcel/fda/manifest.json").read_text())["leaves"]]
    assert "3.2.P.4.6" not in numbers and "3.2.P.3.2" in numbers
    formula = _text(allogeneic, "fda", "3.2.P.3.2")
    assert "One donor lot of 2.0 × 10^9 viable cells fills 8 to 12 bags" in formula and "Batch formula" not in formula
    custody = _text(allogeneic, "fda", "3.2.P.3.3")
    assert "Each lot is made from one eligible donor's cells and treats several patients" in custody
    assert "Donor eligibility determination | no | every lot" in custody and "Treatment order" not in custody
    chinese = _text(allogeneic, "nmpa", "3.2.P.3.3")
    assert "供者合格性判定 | 否 | 所有批次" in chinese and "每批产品由一名合格供者的细胞生产" in chinese
    dose = _text(allogeneic, "nmpa", "3.2.P.1")
    assert "5.0 × 10^7 to 2.5 × 10^8 CAR+ T cells" in dose and "体重" not in dose


def test_the_new_profiles_checks_and_events_give_the_findings(allogeneic):
    text = (allogeneic / DP).read_text(encoding="utf-8")
    text = re.sub(r"^\s+- \{id: donor-eligibility, identifier: CoI-EXM-000131.*\n", "", text, flags=re.M)
    text = text.replace("dose: 2.2 × 10^8 CAR+ T cells", "dose: 3.0 × 10^8 CAR+ T cells")
    (allogeneic / DP).write_text(text, encoding="utf-8")
    diags = Diagnostics()
    with pytest.raises(DossierError):
        prepare(Project(allogeneic), ["examcel"], ["fda"], diags=diags)
    missing = [d for d in diags.items if d.code == "F4942"]
    assert len(missing) == 1 and "EXC-24-0013 (CoI-EXM-000131): no Donor eligibility determination event" \
        in missing[0].message
    dose = [d for d in diags.items if d.code == "F4932"]
    assert len(dose) == 1 and "outside the labelled dose 5.0 × 10^7 to 2.5 × 10^8 CAR+ T cells" in dose[0].message


def test_an_event_of_another_modality_is_refused_by_the_new_profile(allogeneic):
    _edit(allogeneic / DP, "      - id: dp-0012\n", "      - id: dp-0012\n")
    _edit(allogeneic / DP, "{id: thaw, identifier: CoI-EXM-000123", "{id: order, identifier: CoI-EXM-000123")
    diags = Diagnostics()
    with pytest.raises(DossierError):
        prepare(Project(allogeneic), ["examcel"], ["nmpa"], diags=diags)
    assert any(d.code == "E2542" and "'order' is not a custody event of the Allogeneic cell therapy profile" in d.message
               for d in diags.items)


def test_a_region_that_does_not_word_the_new_modality_is_told(allogeneic):
    (allogeneic / "templates/nmpa/modalities/allogeneic-cell-therapy.yaml").unlink()
    diags = Diagnostics()
    prepare(Project(allogeneic), ["examcel"], ["nmpa"], diags=diags)
    codes = [d.code for d in diags.items]
    assert codes.count("W2342") == 10 and codes.count("W2314") == 1


def test_a_profile_selecting_the_custody_check_without_events_is_refused(allogeneic):
    profile = allogeneic / "templates/modalities/allogeneic-cell-therapy.yaml"
    text = profile.read_text(encoding="utf-8")
    start, end = text.index("custody:\n"), text.index("stability:\n")
    profile.write_text(text[:start] + text[end:], encoding="utf-8")
    (allogeneic / "templates/nmpa/modalities/allogeneic-cell-therapy.yaml").write_text(
        NMPA_WORDS[NMPA_WORDS.index("labels:"):], encoding="utf-8")
    diags = Diagnostics()
    with pytest.raises(DossierError):
        prepare(Project(allogeneic), ["examcel"], ["fda"], diags=diags)
    assert [d.origin.path for d in diags.items if d.code == "E2343"] == ["templates/modalities/allogeneic-cell-therapy.yaml"]
