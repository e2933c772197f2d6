"""The content model: what a writer states about a product, as frozen, typed records.

Field declarations double as the schema (see `schema.py`); docs/content-format.md is the writer's
view of the same model. Every record remembers where each of its fields was written (`origins`),
so later stages (cross-section checks, explain, trace) can cite file:line:col.
"""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import BY_ID as _BY_ID, MD as _MD, NARRATIVE as _NARRATIVE, M, Node  # noqa: F401
from .model_characterisation import CharacterisationRow, PotencyLink
from .model_manufacture import (CellBank, CriticalReagent, Facility, Handling, HoldTime, ProcessParameter,
                                StartingMaterial)
from .schema import SLUG, Choice, Date, ListOf, MapOf, Record, Records, Slug, Text, WholeNumber, field
from .model_comparability import Comparability  # noqa: F401  (3.2.S.2.6 / 3.2.P.2, ICH Q5E)
from .model_safety import SafetyEvaluation  # noqa: F401  (3.2.A.2, ICH Q5A(R2))
from .model_platform import PlatformInfo  # noqa: F401  (platforms shared across products, issue 12)

from .model_custody import ChainOfIdentity, Custody, ReleaseStrategy
from .model_dosing import Dosing
from .model_formulation import DRUG_LOAD, LipidNanoparticle
from .model_risks import Risk
from .model_master_files import MasterFile
from .localisation import names_field

NUMBER_STYLES = ("plain", "decimal-comma", "comma-groups", "space-groups")  # cmc/numbers.apply_style
TIME_UNITS = ("hours", "days", "weeks", "months", "years", "cycles")
STUDY_TYPES = ("long-term", "intermediate", "accelerated", "stress", "in-use", "freeze-thaw", "shipping")
STORAGE_CASES = ("room-temperature", "refrigerated", "frozen")  # ICH Q1E decision table (regions.md §2.5)
TEST_CATEGORIES = ("description", "identification", "assay", "specified-impurity", "unspecified-impurity",
                   "total-impurities", "dissolution", "uniformity", "water", "microbial", "physical", "other")


@dataclass(**M)
class Product(Node):
    id: str = field(Slug(), True, "must equal the product folder name")
    name: str = field(Text(), True, "product name used in page headers")
    names: dict = names_field("the product name in page headers")
    short_name: str = field(Text(), False, "a shorter name the page header uses when the full name and the section "
                            "title do not fit on one line (at most the profile's layout.short_name_max characters)")
    inn: str = field(Text(), True, "International Non-proprietary Name")
    modality: str = field(Slug(), True, "a modality profile in templates/modalities/: small-molecule, biologic, "
                          "aav-gene-therapy, autologous-cell-therapy, mrna-lnp, adc")
    sponsor: str = field(Text(), True)
    as_of: str = field(Date(), True, "dossier date written into document properties")
    regions: tuple = field(ListOf(Slug()), True, "regions this product is built for")
    max_daily_dose: str = field(Text(), False, "maximum daily dose, e.g. 200 mg: sets the ICH Q3A/Q3B thresholds")
    platform: str = field(Slug(), False, "a platform in content/platforms/<id>/ whose shared content this product "
                          "builds on (its own values override the platform's by the overlay rules)")
    number_style: str = field(Choice(*NUMBER_STYLES), False, "how results write numbers when not plainly (default "
                              "plain: decimal point, no digit groups)")


@dataclass(**M)
class Identifier(Node):
    scheme: str = field(Text(), True)
    value: str = field(Text(), True)


@dataclass(**M)
class Site(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    address: str = field(Text(), True)
    country: str = field(Text(), True)
    identifiers: tuple = field(ListOf(Record(Identifier)))


@dataclass(**M)
class Fact(Node):
    label: str = field(Text(), True)
    value: str = field(_MD, True)


@dataclass(**M)
class SiteRole(Node):
    site: str = field(Slug(), True, "a site id")
    responsibility: str = field(Text(), True)


@dataclass(**M)
class ProcessControl(Node):
    id: str = field(Slug(), True)
    control: str = field(Text(), True)
    criterion: str = field(Text(), True, "the acceptance criterion (for a test for information, what is reported)")
    action_limit: str = field(Text(), False, "a limit that starts an investigation without rejecting the batch")
    for_information: str = field(Choice("true", "false"), False, "true: a test for information (monitoring only)")


@dataclass(**M)
class ProcessStep(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    description: str = field(_MD, True)
    parameters: tuple = field(Records(ProcessParameter), False, "process parameters with set point, range and "
                              "criticality")
    controls: tuple = field(Records(ProcessControl))
    hold_times: tuple = field(Records(HoldTime), False, "maximum hold times of the step's intermediates")


@dataclass(**M)
class Material(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    step: str = field(Text(), True)
    grade: str = field(Text(), True)


@dataclass(**M)
class Impurity(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    origin: str = field(Text(), True, "e.g. process impurity, degradation product")
    control: str = field(Text(), True)


@dataclass(**M)
class Test(Node):
    id: str = field(Slug(), True)
    test: str = field(Text(), True, "the attribute tested, e.g. Assay")
    procedure: str = field(Text(), True, "method reference as the region cites it")
    release: str = field(Text(), True, "release acceptance criterion, as typed")
    shelf_life: str = field(Text(), False, "shelf-life criterion, only where it differs from release")
    category: str = field(Choice(*TEST_CATEGORIES), False, "what the test controls; impurity categories are checked against ICH thresholds")
    attribute: str = field(Slug(), False, "the modality's release attribute this test is (e.g. vector-genome-titre, "
                           "dose, average-dar), when its name does not say so")
    result_unit: str = field(Text(), False, "the unit results are reported in when typed as bare numbers, e.g. % or "
                             "× 10^13 vg/mL")
    lod: str = field(Text(), False, "limit of detection, e.g. 0.02 %: the bound of an ND result")
    loq: str = field(Text(), False, "limit of quantitation, e.g. 0.05 %: the bound of a BLQ or < LOQ result")
    potency: PotencyLink | None = field(Record(PotencyLink), False, "a potency test: the mechanism of action it "
                                        "reflects and whether it is quantitative")


@dataclass(**M)
class Specification(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    version: str = field(Text(), True)
    tests: tuple = field(Records(Test), True)


@dataclass(**M)
class Procedure(Node):
    id: str = field(Slug(), True)
    title: str = field(Text(), True)
    description: str = field(_MD, True)
    validation: str = field(_MD, False, "summary of validation; omit for compendial procedures")


@dataclass(**M)
class Batch(Node):
    id: str = field(Slug(), True)
    number: str = field(Text(), True)
    size: str = field(Text(), True)
    scale: str = field(Text(), True)
    manufactured: str = field(Date(), True)
    site: str = field(Slug(), True)
    use: str = field(Text(), True)
    drug_substance_batches: tuple = field(ListOf(Slug()), False, "drug-substance batch ids used (drug product batches)")
    results: dict = field(_BY_ID, True, "specification test id → result as reported")
    drug_load: dict = field(DRUG_LOAD, False, "a conjugate's drug-load distribution: drug load → % of the total "
                            "(0: 4.8 %, 2: 27.9 % …)")
    chain_of_identity: ChainOfIdentity | None = field(Record(ChainOfIdentity), False, "an autologous lot's chain of "
                                                      "identity and custody")


@dataclass(**M)
class StabilityStudy(Node):
    id: str = field(Slug(), True)
    batch: str = field(Slug(), True)
    type: str = field(Choice(*STUDY_TYPES), True)
    condition: str = field(Text(), True)
    container: str = field(Text(), True)
    timepoints: tuple = field(ListOf(Text()), True, "time points, in `time_unit`")
    time_unit: str = field(Choice(*TIME_UNITS), False, "unit of the time points (default months)")
    results: dict = field(MapOf(SLUG, "a test id", ListOf(Text())), True)


@dataclass(**M)
class Stability(Node):
    period_label: str = field(Choice("shelf_life", "retest_period"), True)
    period: str = field(Text(), True)
    storage: str = field(Text(), True)
    studies: tuple = field(Records(StabilityStudy), True)
    storage_case: str = field(Choice(*STORAGE_CASES), False, "the ICH Q1E storage case of the labelled storage; "
                              "default: the case whose conditions (region profile) list a long-term study's condition")
    study_order: str = field(Choice("by-type", "as-written"), False,
                             "by-type (default): per batch, long-term before intermediate before accelerated "
                             "(other study types keep their place); as-written: the merged order, placements included")


@dataclass(**M)
class ReferenceStandard(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    lot: str = field(Text(), True)
    assigned_value: str = field(Text(), True)
    source: str = field(Text(), True)


@dataclass(**M)
class ContainerComponent(Node):
    id: str = field(Slug(), True)
    component: str = field(Text(), True)
    material: str = field(Text(), True)
    standard: str = field(Text(), True)


@dataclass(**M)
class DrugSubstance(Node):
    id: str = field(Slug(), True, "folder name of this 3.2.S section")
    substance: str = field(Text(), True, "eCTD substance attribute")
    manufacturer: str = field(Text(), True, "eCTD manufacturer attribute")
    names: dict = names_field("the substance name (the eCTD attribute stays as `substance` says)")
    manufacturer_names: dict = names_field("the manufacturer beside the substance name")
    narrative: dict = field(_NARRATIVE)
    nomenclature: tuple = field(ListOf(Record(Fact)))
    structure: tuple = field(ListOf(Record(Fact)))
    properties: tuple = field(ListOf(Record(Fact)))
    manufacturers: tuple = field(ListOf(Record(SiteRole)))
    process: tuple = field(Records(ProcessStep))
    materials: tuple = field(Records(Material))
    cell_banks: tuple = field(Records(CellBank), False, "cell banks and virus seed banks with their testing "
                              "(3.2.S.2.3)")
    starting_materials: tuple = field(Records(StartingMaterial), False, "plasmids, virus seeds and other starting "
                                      "materials (3.2.S.2.3)")
    critical_reagents: tuple = field(Records(CriticalReagent), False, "critical reagents (3.2.S.2.3)")
    characterisation: tuple = field(Records(CharacterisationRow), False, "characterisation results (3.2.S.3.1)")
    impurities: tuple = field(Records(Impurity))
    specification: Specification | None = field(Record(Specification))
    procedures: tuple = field(Records(Procedure))
    batches: tuple = field(Records(Batch))
    reference_standards: tuple = field(Records(ReferenceStandard))
    container_closure: tuple = field(Records(ContainerComponent))
    stability: Stability | None = field(Record(Stability))
    comparability: tuple = field(Records(Comparability), False, "manufacturing changes and their ICH Q5E "
                                 "comparability studies (3.2.S.2.6)")
    handling: Handling | None = field(Record(Handling), False, "storage, shipping and thaw/in-use handling")
    master_files: tuple = field(Records(MasterFile), False, "master files (US DMF, EU CEP or ASMF, NMPA "
                                "registration) that cover some of this substance's sections "
                                "(docs/master-files.md)")


@dataclass(**M)
class Strength(Node):
    id: str = field(Slug(), True)
    label: str = field(Text(), True)
    unit_weight: str = field(Text(), True)


@dataclass(**M)
class Component(Node):
    id: str = field(Slug(), True)
    component: str = field(Text(), True)
    function: str = field(Text(), False, "required, except on subtotal rows")
    standard: str = field(Text(), False, "'compendial' (the region's pharmacopoeia) or free text")
    substance: str = field(Slug(), False, "a drug substance id: its 3.2.S.4.1 specification is the standard")
    quantities: dict = field(_BY_ID, True, "strength id → quantity per unit: 25.0 mg (a bare number is mg), "
                             "0.50 mL, q.s., q.s. to 10.0 mL")
    subtotal: str = field(Choice("true", "false"), False, "true: this row states the sum of the rows above it "
                          "(core tablet weight, fill volume) and is checked like the total")
    removed: str = field(Choice("true", "false"), False, "true: a processing aid removed during manufacture "
                         "(listed, not counted in the total)")
    overage: str = field(Text(), False, "overage and its reason, e.g. 10 % of coating suspension for losses")
    molar_ratio: str = field(Text(), False, "a lipid's share of the total lipid in mol %, e.g. 46.3 (mRNA-LNP); "
                             "printed by the composition-per-volume kind")


@dataclass(**M)
class BatchSize(Node):
    id: str = field(Slug(), True)
    strength: str = field(Slug(), True)
    units: str = field(WholeNumber(), True)
    label: str = field(Text(), True)


@dataclass(**M)
class Excipient(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    function: str = field(Text(), True)
    standard: str = field(Text(), True)
    narrative: dict = field(_NARRATIVE)
    specification: Specification | None = field(Record(Specification))


@dataclass(**M)
class DrugProduct(Node):
    id: str = field(Slug(), True, "folder name of this 3.2.P section")
    name: str = field(Text(), True, "eCTD product-name attribute")
    dosage_form: str = field(Text(), True, "eCTD dosageform attribute")
    names: dict = names_field("the product name (the eCTD attribute stays as `name` says)")
    dosage_forms: dict = names_field("the dosage form")
    manufacturer: str = field(Text(), False)
    dosing: Dosing | None = field(Record(Dosing), False, "the labelled dose and the containers it is drawn from")
    lnp: LipidNanoparticle | None = field(Record(LipidNanoparticle), False, "lipid molar ratios and N/P ratio")
    custody: Custody | None = field(Record(Custody), False, "chain of identity and custody controls")
    release_strategy: ReleaseStrategy | None = field(Record(ReleaseStrategy), False, "how lots are released when "
                                                     "some results follow release")
    strengths: tuple = field(Records(Strength), True)
    narrative: dict = field(_NARRATIVE)
    composition: tuple = field(Records(Component))
    batch_formula: tuple = field(Records(BatchSize))
    manufacturers: tuple = field(ListOf(Record(SiteRole)))
    process: tuple = field(Records(ProcessStep))
    excipients: tuple = field(Records(Excipient))
    specification: Specification | None = field(Record(Specification))
    procedures: tuple = field(Records(Procedure))
    batches: tuple = field(Records(Batch))
    impurities: tuple = field(Records(Impurity))
    reference_standards: tuple = field(Records(ReferenceStandard))
    container_closure: tuple = field(Records(ContainerComponent))
    stability: Stability | None = field(Record(Stability))
    comparability: tuple = field(Records(Comparability), False, "manufacturing changes and their ICH Q5E "
                                 "comparability studies (3.2.P.2)")
    handling: Handling | None = field(Record(Handling), False, "storage, shipping and thaw/in-use handling")


@dataclass(**M)
class RegionalItem(Node):
    id: str = field(Slug(), True, "one of the region profile's regional_items, or the document's own id with "
                    "`extension`")
    narrative: str = field(_MD, True)
    extension: str = field(Slug(), False, "the regional item (NMPA biologics: node extension) this document belongs "
                           "under; default: its id")
    title: str = field(Text(), False, "the document's own title; required under a node extension, whose title is the "
                       "region's")


@dataclass(**M)
class AppendixItem(Node):
    id: str = field(Slug(), True)
    title: str = field(Text(), True)
    narrative: str = field(_MD, True)


@dataclass(**M)
class Appendices(Node):
    facilities: tuple = field(Records(Facility), False, "3.2.A.1, one document each: narrative and areas")
    adventitious_agents: tuple = field(Records(SafetyEvaluation), False, "3.2.A.2: narrative, and for biologics "
                                       "cell-bank testing and viral clearance")
    novel_excipients: tuple = field(Records(AppendixItem))


@dataclass(**M)
class Reference(Node):
    id: str = field(Slug(), True)
    citation: str = field(Text(), True)


@dataclass(**M)
class Justification(Node):
    """A writer's recorded reason for accepting an error-level finding (it then no longer fails the build)."""

    id: str = field(Slug(), True)
    code: str = field(Text(), True, "the finding's code, e.g. F4501")
    path: str = field(Text(), True, "the finding's field path, as `invoke check` prints it")
    reason: str = field(_MD, True)


@dataclass(**M)
class Content(Node):
    """Everything stated about one product for one region, after the overlay is merged."""

    product: Product = field(Record(Product), True)
    sites: tuple = field(Records(Site))
    drug_substances: tuple = field(Records(DrugSubstance), True)
    drug_products: tuple = field(Records(DrugProduct), True)
    regional: tuple = field(Records(RegionalItem))
    appendices: Appendices | None = field(Record(Appendices))
    literature: tuple = field(Records(Reference))
    justifications: tuple = field(Records(Justification))
    risks: tuple = field(Records(Risk), False, "the joint regulatory risk register (ICH Q9(R1)); never printed in "
                         "Module 3: `invoke risks` writes the matrix")
    platform: PlatformInfo | None = field(Record(PlatformInfo), False, "read from the platform the product names "
                                          "(product.platform); written only in content/platforms/<id>/platform.yaml")
