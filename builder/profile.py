"""Region profiles: everything that differs between health authorities, as data.

A profile is `templates/common/profile.yaml` (shared defaults) with `templates/<region>/region.yaml`
and an optional `templates/<region>/titles.yaml` merged over it by the same rules as content
overlays. Adding an authority means adding that folder; the engine never names a region.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostics, environment_error
from .localisation import LocalisationRule
from .merge import apply_overlay
from .model import M, STORAGE_CASES, Node
from .model_master_files import KIND_KEY, MasterFileKind
from .ooxml.steps import STEPS
from .schema import CTD_NUMBER, Choice, ListOf, MapOf, Pattern, Record, Records, Slug, Text, WholeNumber, bind_record, field
from .source import load_file

LABEL_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
STORAGE_CASE = re.compile(f"^({'|'.join(STORAGE_CASES)})$")
PRODUCT_TYPE = re.compile(r"^(chemical|biological)$")
PROFILE_FILES = ("region.yaml", "titles.yaml")


@dataclass(**M)
class EastAsia(Node):
    body_font: str = field(Text(), True, "East Asian font for body text, e.g. SimSun")
    heading_font: str = field(Text(), True, "East Asian font for headings, e.g. SimHei")
    lang: str = field(Text(), True, "East Asian language tag, e.g. zh-CN")


@dataclass(**M)
class RegionalItemType(Node):
    id: str = field(Slug(), True)
    title: str = field(Text(), True, "leaf title, in the region's language")


@dataclass(**M)
class Naming(Node):
    max_name: str = field(WholeNumber(), True, "longest folder or file name, extension included")
    max_path: str = field(WholeNumber(), True, "longest path below the region's output folder")


FONT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 -]{0,62}$")
PDF_VERSION = re.compile(r"^1\.[0-7]$")


@dataclass(**M)
class PdfRules(Node):
    """What this authority accepts in a PDF rendition (regions.md §1, "Fonts and layout for PDF renditions")."""

    version_min: str = field(Pattern(PDF_VERSION, "a PDF version such as 1.4"), True, "oldest PDF version accepted")
    version_max: str = field(Pattern(PDF_VERSION, "a PDF version such as 1.7"), True, "newest PDF version accepted")
    bookmarks_above_pages: str = field(WholeNumber(), False, "a leaf with more pages than this must have bookmarks "
                                       "(FDA, NMPA: 5); absent: not checked")
    font_substitutes: dict = field(MapOf(FONT_NAME, "a font name", Text()), False,
                                   "East Asian font → the installed font accepted in its place (e.g. SimSun → Noto "
                                   "Serif CJK); a rendition embedding the substitute is a warning (W4111), not an error")


@dataclass(**M)
class RoundingRule(Node):
    """How this authority rounds a result before comparing it with a limit (criteria-and-results.md §3)."""

    rule: str = field(Choice("half-up", "half-even"), True, "USP and Ph. Eur.: half-up; ChP practice: half-even ⚠")
    significant_figures: str = field(Choice("true", "false"), False,
                                     "true: also read limits as significant figures (Ph. Eur. letter) and say when "
                                     "that reading gives another verdict")
    dissolution: str = field(Choice("usp", "chp"), False, "stage rule for dissolution: usp (USP <711> / Ph. Eur. "
                             "2.9.3) or chp (ChP 0931 ⚠)")


@dataclass(**M)
class Layout(Node):
    """How pages flow: short tables kept whole, space after tables, what the page header may name."""

    keep_table_rows: str = field(WholeNumber(), True, "a table of at most this many rows (header included) is "
                                 "kept on one page; a longer one never leaves its header or last row alone")
    space_after_table_pt: str = field(WholeNumber(), True, "space between a table and what follows it, in points")
    short_name_max: str = field(WholeNumber(), True, "longest product.short_name, in characters")
    header_fallback: str = field(Choice("inn", "name"), True, "what the page header names when the product name "
                                 "and section title do not fit and the product has no short_name: inn or name")


@dataclass(**M)
class RegionProfile(Node):
    id: str = field(Slug(), True)
    name: str = field(Text(), True)
    language: str = field(Text(), True, "BCP 47 tag of the dossier language")
    languages: tuple = field(ListOf(Text()), False, "every language tag content may key `names` by (the "
                             "languages of all regions, in the common profile)")
    localisation: LocalisationRule | None = field(Record(LocalisationRule), False, "what counts as English text "
                                                  "left in a dossier written in another script (check `localisation`)")
    checks: tuple = field(ListOf(Slug()), False, "region checks run whatever the modality (e.g. localisation)")
    page_size: str = field(Choice("A4", "letter"), True)
    compendium: str = field(Text(), True, "how this region names its pharmacopoeia")
    east_asia: EastAsia | None = field(Record(EastAsia))
    body_size_pt: str = field(Pattern(re.compile(r"^\d{1,2}(\.5)?$"), "a size in points such as 12 or 10.5"), False,
                              "body text size in points (used by the body_font_size step)")
    titles: dict = field(MapOf(CTD_NUMBER, "a CTD section number", Text()), False, "section titles in the region's language")
    labels: dict = field(MapOf(LABEL_KEY, "a label name", Text(blank_ok=True)), True)
    compendial_chapters: dict = field(MapOf(re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$"), "a chapter key", Text()), False,
                                      "chapter key → how this region cites it, for [[chapter:key]]")
    regional_items: tuple = field(Records(RegionalItemType))
    stability_long_term: tuple = field(ListOf(Text()), False, "long-term conditions this region accepts")
    stability_storage_cases: dict = field(MapOf(STORAGE_CASE, "an ICH Q1E storage case", ListOf(Text())), False,
                                          "ICH Q1A(R2) long-term conditions of each storage case (room-temperature, "
                                          "refrigerated, frozen): the case sets the ICH Q1E ceiling")
    regional_structure: dict = field(MapOf(PRODUCT_TYPE, "a product type (chemical, biological)",
                                           Choice("leaves", "node-extensions")), False,
                                     "per product type, how 3.2.R is filed: leaves (default), or node-extensions (one "
                                     "per regional item, titled as the region titles it, documents under them)")
    rounding: RoundingRule | None = field(Record(RoundingRule), False, "how results are rounded against limits")
    naming: Naming = field(Record(Naming), True)
    pdf: PdfRules = field(Record(PdfRules), True, "what a PDF rendition must be (invoke pdf)")
    postprocess: tuple = field(ListOf(Choice(*STEPS)), True, "post-processing steps, in order")
    layout: Layout = field(Record(Layout), True, "how pages flow: tables kept together, the page header's name")
    master_file_kinds: dict = field(MapOf(KIND_KEY, "a master-file kind", Record(MasterFileKind)), False,
                                    "kind → where it is filed, its fields and the sections it may cover "
                                    "(docs/master-files.md)")

    def label(self, key: str) -> str:
        return self.labels[key]

    def title(self, number: str, default: str) -> str:
        return self.titles.get(number, default)

    def files_regional_as(self, product_type: str) -> str:
        """How this region files 3.2.R for a chemical or biological product: leaves or node-extensions."""
        return self.regional_structure.get(product_type, "leaves")


CHAPTER = re.compile(r"\[\[chapter:([^\[\]\s]+)\]\]")


def chapters(text: str, profile) -> tuple[str, list[str]]:
    """`[[chapter:dissolution]]` → the region's pharmacopoeial chapter ("USP <711>", "Ph. Eur. 2.9.3",
    "ChP 0931"), so a procedure reference is written once and cited per region; returns unknown keys."""
    missing = []

    def cite(match):
        found = profile.compendial_chapters.get(match.group(1))
        if found is None:
            missing.append(match.group(1))
        return found or match.group(0)

    return CHAPTER.sub(cite, text), missing


def available_regions(templates: Path) -> list[str]:
    """Regions are the folders of `templates/` that hold a region.yaml, sorted."""
    return sorted(p.parent.name for p in templates.glob("*/region.yaml"))


def load_profile(templates: Path, region: str, diags: Diagnostics) -> tuple[RegionProfile | None, list]:
    """Return the merged, validated profile for `region` and the source files it was read from."""
    folder = templates / region
    if not (folder / "region.yaml").is_file():
        known = ", ".join(available_regions(templates)) or "none"
        raise environment_error("E4003", f"no region profile '{region}' (known regions: {known})", folder / "region.yaml")
    base = load_file(templates / "common" / "profile.yaml", _display(templates, "common/profile.yaml"))
    sources, tree = [base], base.root
    for name in PROFILE_FILES:
        if (folder / name).is_file():
            layer = load_file(folder / name, _display(templates, f"{region}/{name}"))
            sources.append(layer)
            tree = apply_overlay(tree, layer, diags)
    profile = bind_record(RegionProfile, tree, "", diags)
    if profile is not None and profile.id != region:
        diags.error("E2301", f"profile id '{profile.id}' differs from its folder '{region}'", profile.where("id"), "id")
    if profile is not None and profile.localisation is not None and not _patterns_compile(profile.localisation, diags):
        return None, sources  # a rule that cannot run would stop the check halfway
    if profile is not None:
        _known_checks(profile, diags)
    return profile, sources


def _known_checks(profile: RegionProfile, diags: Diagnostics) -> None:
    """A region's `checks` name registered checks, as a modality's do (E2313 at the entry)."""
    from .cmc.catalogue import CHECKS  # imported here: the checks import the profile's helpers

    for index, check in enumerate(profile.checks):
        if check not in CHECKS:
            diags.error("E2313", f"no check named '{check}' (registered: {', '.join(sorted(CHECKS))})",
                        profile.where(f"checks[{index}]"), f"checks[{index}]")


def _patterns_compile(rule: LocalisationRule, diags: Diagnostics) -> bool:
    """The localisation rule's patterns are regular expressions (E3011 at the profile line), never a traceback."""
    ok = True
    for pattern in rule.patterns():
        try:
            re.compile(pattern)
        except re.error as exc:
            diags.error("E3011", f"'{pattern}' is not a regular expression ({exc})", rule.at, "localisation")
            ok = False
    return ok


def _display(templates: Path, rel: str) -> str:
    return f"{templates.name}/{rel}"
