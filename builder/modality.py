"""Modality profiles: what a small molecule, a mAb, an AAV vector, autologous CAR-T cells, an mRNA-LNP
vaccine or an ADC changes in Module 3, as data (modalities.md §1).

A profile is `templates/modalities/<modality>.yaml`, selected by `product.modality`, with an optional
`templates/<region>/modalities/<modality>.yaml` merged over it by the same rules as content overlays
(that is where a region words the modality's sentences in its own language). It says which leaves are
required, optional or not applicable and which section kind renders each; which named checks run
(`cmc/registry.py`); the release attributes every specification must cover; the stability design; and
its own labels. Adding a modality means adding a file; the engine never names one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import Diagnostics, Origin, environment_error
from .merge import apply_overlay
from .model import M, STUDY_TYPES, TEST_CATEGORIES, TIME_UNITS, Node
from .schema import CTD_NUMBER, Choice, ListOf, MapOf, Record, Records, Slug, Text, _suggest, bind_record, field
from .source import load_file

LABEL_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
CRITERION_FORMS = ("range", "lower", "upper", "numeric", "text")
STUDY_TYPE = re.compile(f"^({'|'.join(STUDY_TYPES)})$")
# A check that only holds under one reading of stability data (regions.md §2.5; modalities.md §1.0).
EXTRAPOLATION_CHECKS = {"q1e-extrapolation": "q1e", "real-time-shelf-life": "none"}
FOLDER = "modalities"


@dataclass(**M)
class LeafRule(Node):
    """How one Module 3 leaf is treated for this modality."""

    need: str = field(Choice("required", "optional", "not-applicable"), True,
                      "required: missing content is an error; not-applicable: never built")
    kind: str = field(Slug(), False, "the section kind that renders the leaf for this modality")
    why: str = field(Text(), False, "the reason, printed when content is given for a not-applicable leaf")


@dataclass(**M)
class ReleaseAttribute(Node):
    """An attribute every specification of this modality must test (a missing one is finding F4701)."""

    id: str = field(Slug(), True)
    attribute: str = field(Text(), True, "what must be tested, as a reviewer would name it")
    match: tuple = field(ListOf(Text()), True, "words, any of which in a test's name marks it as this attribute")
    categories: tuple = field(ListOf(Choice(*TEST_CATEGORIES)), False, "test categories that count as this attribute")
    applies_to: str = field(Choice("drug_substance", "drug_product", "both"), False, "default both")
    basis: str = field(Text(), False, "the guideline or reference the expectation comes from")
    criterion: str = field(Choice(*CRITERION_FORMS), False,
                           "the form its criterion takes (modalities.md, criterion form): range, lower (NLT or a "
                           "range), upper (NMT or a range), numeric (any limit) or text; another form is F4911")
    unit: str = field(Text(), False, "a unit its limits must be stated in or convert to, e.g. vg/mL or % (F4912)")
    every_lot: str = field(Choice("true", "false"), False,
                           "true: every batch of a specification with this attribute reports an evaluated result "
                           "(F4913)")


@dataclass(**M)
class CustodyEventType(Node):
    """One event of the chain of identity and custody every lot must record (modalities.md §4)."""

    id: str = field(Slug(), True, "how content names the event, e.g. collection")
    label: str = field(Text(), True, "how documents name it, in the profile's language")
    handover: str = field(Choice("true", "false"), False, "true: the material changes hands (giver and receiver)")
    patient: str = field(Choice("true", "false"), False, "true: only on lots made for a patient (order, "
                         "administration), not on lots from healthy-donor material")


@dataclass(**M)
class CustodyDesign(Node):
    """The events of a lot's chain, in the order they must happen (release before shipment to the site)."""

    events: tuple = field(Records(CustodyEventType), True, "every event a complete chain has, in order")


@dataclass(**M)
class StabilityDesign(Node):
    """How stability is designed and evaluated: ICH Q1A(R2)/Q1E for small molecules, Q5C otherwise."""

    guideline: str = field(Text(), True, "e.g. ICH Q1A(R2) or ICH Q5C")
    extrapolation: str = field(Choice("q1e", "none"), True, "q1e: the Q1E ceiling limits the period proposed")
    accelerated: str = field(Choice("significant-change", "supportive", "none"), True,
                             "significant-change: Q1A(R2) accelerated condition; supportive: informative only")
    time_unit: str = field(Choice(*TIME_UNITS), False, "the usual unit of the shelf life (default months)")
    supporting: tuple = field(ListOf(Choice(*STUDY_TYPES)), False,
                              "study types a complete programme has besides long-term (a missing one is F4303)")
    supporting_applies_to: dict = field(MapOf(STUDY_TYPE, "a study type", Choice("drug_substance", "drug_product",
                                                                                  "both")), False,
                                        "which programme a supporting study type belongs to (default both), e.g. "
                                        "in-use: drug_product")


@dataclass(**M)
class ModalityProfile(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    language: str = field(Text(), True, "the language of this file's labels (en)")
    product_type: str = field(Choice("chemical", "biological"), True,
                              "chemical or biological product: regions that file them differently select by it")
    specification_guideline: str = field(Text(), True, "e.g. ICH Q6A or ICH Q6B")
    leaves: dict = field(MapOf(CTD_NUMBER, "a CTD section number", Record(LeafRule)), False,
                         "section number → how that leaf is treated (others follow the section tree)")
    checks: tuple = field(ListOf(Slug()), True, "named checks that run, in order (cmc/registry.py)")
    release_attributes: tuple = field(Records(ReleaseAttribute), False)
    stability: StabilityDesign = field(Record(StabilityDesign), True)
    custody: CustodyDesign | None = field(Record(CustodyDesign), False,
                                          "the chain of identity and custody every lot records (autologous products)")
    labels: dict = field(MapOf(LABEL_KEY, "a label name", Text(blank_ok=True)), False,
                         "the modality's own words; a region translates them in its modalities/ folder")

    def leaf(self, number: str) -> LeafRule | None:
        return self.leaves.get(number)

    def runs(self, check: str) -> bool:
        return check in self.checks


def available_modalities(templates: Path) -> list[str]:
    return sorted(p.stem for p in (templates / FOLDER).glob("*.yaml"))


def load_modality(templates: Path, product, profile, diags: Diagnostics):
    """The modality profile for `product` as `profile`'s region sees it, the region profile with the
    modality's labels added (the region's own wording wins), and the files read; None when unknown."""
    name = product.modality
    path = templates / FOLDER / f"{name}.yaml"
    if not path.is_file():
        known = available_modalities(templates)
        if not known:
            raise environment_error("E4006", "no modality profiles", templates / FOLDER)
        diags.error("E2311", f"no modality profile '{name}' (known: {', '.join(known)}){_suggest(name, known)}",
                    product.where("modality"), "product.modality")
        return None, profile, []
    base = load_file(path, f"{templates.name}/{FOLDER}/{name}.yaml")
    sources, tree, regional = [base], base.root, None
    local = templates / profile.id / FOLDER / f"{name}.yaml"
    if local.is_file():
        regional = load_file(local, f"{templates.name}/{profile.id}/{FOLDER}/{name}.yaml")
        sources.append(regional)
        tree = apply_overlay(tree, regional, diags)
    failed = len(diags.errors)
    modality = bind_record(ModalityProfile, tree, "", diags)
    if modality is None or len(diags.errors) > failed:
        return None, profile, sources
    _check_modality(modality, name, diags)
    _custody_words(modality, profile, regional, diags)
    return modality, replace(profile, labels=_labels(modality, profile, regional, diags)), sources


def _check_modality(modality: ModalityProfile, name: str, diags: Diagnostics) -> None:
    from .cmc.registry import CHECKS
    if modality.id != name:
        diags.error("E2312", f"modality id '{modality.id}' differs from its file name '{name}'", modality.where("id"), "id")
    for index, check in enumerate(modality.checks):
        if check not in CHECKS:
            diags.error("E2313", f"no check named '{check}'{_suggest(check, list(CHECKS))}",
                        modality.where(f"checks[{index}]"), f"checks[{index}]")
        wanted = EXTRAPOLATION_CHECKS.get(check)
        if wanted and modality.stability.extrapolation != wanted:
            diags.error("E2316", f"check '{check}' needs stability.extrapolation: {wanted} (this profile says "
                        f"{modality.stability.extrapolation})", modality.where(f"checks[{index}]"), f"checks[{index}]")
    design = modality.stability
    for kind in sorted(set(design.supporting_applies_to) - set(design.supporting)):
        diags.error("E2316", f"supporting_applies_to names '{kind}', which `supporting` does not list",
                    design.where("supporting_applies_to"), f"stability.supporting_applies_to.{kind}")


def _labels(modality: ModalityProfile, profile, regional, diags: Diagnostics) -> dict:
    """Modality words are defaults: the region's labels win, and its modalities/ file wins over both.
    A region that writes another language must word every modality label itself: otherwise an English
    sentence would sit in a Chinese dossier, and that is said, not done silently."""
    own = set(_keys(regional.root, "labels")) if regional is not None else set()
    merged = {**modality.labels, **profile.labels}
    merged.update({k: v for k, v in modality.labels.items() if k in own})
    for key in sorted(k for k in modality.labels if k in profile.labels and k not in own):
        if merged[key] != modality.labels[key]:
            diags.warning("W2315", f"modality label '{key}' is also a region label, and the region's wording "
                          f"is used; give the modality's wording a key of its own", modality.where("labels"),
                          f"labels.{key}")
    if _primary(profile.language) != _primary(modality.language):
        base_language = {k for k in modality.labels if k not in own and k not in profile.labels}
        for key in sorted(base_language):
            diags.warning("W2314", f"modality '{modality.id}' label '{key}' has no {profile.language} wording; "
                          f"add it to templates/{profile.id}/{FOLDER}/{modality.id}.yaml",
                          modality.where("labels"), f"labels.{key}")
    return merged


def _custody_words(modality: ModalityProfile, profile, regional, diags: Diagnostics) -> None:
    """Custody events are printed by their label: a region in another language words each (W2342)."""
    if modality.custody is None or _primary(profile.language) == _primary(modality.language):
        return
    custody = regional.root.data.get("custody") if regional is not None and regional.root.is_map else None
    events = custody.data.get("events") if custody is not None and custody.is_map else None
    worded = {e.data["id"].data for e in events.data if e.is_map and "id" in e.data and "label" in e.data} \
        if events is not None and events.is_list else set()
    for event in modality.custody.events:
        if event.id not in worded:
            diags.warning("W2342", f"modality '{modality.id}' custody event '{event.id}' has no {profile.language} "
                          f"label; add it to templates/{profile.id}/{FOLDER}/{modality.id}.yaml", event.where("label"),
                          f"custody.events[{event.id}].label")


def _primary(tag: str) -> str:
    """en-US and en-GB both read English labels; zh-CN does not."""
    return tag.split("-")[0].casefold()


def _keys(root, name: str) -> list[str]:
    value = root.data.get(name) if root is not None and root.is_map else None
    return list(value.data) if value is not None and value.is_map else []


def origin_of(modality: ModalityProfile | None) -> Origin | None:
    return modality.at if modality is not None else None
