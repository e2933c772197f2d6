"""Master-file references: which sections a region's dossier covers by a master file, what it says there,
and the rules a reference must meet.

A drug substance lists its master files (`master_files:`, model_master_files.py); each names a kind of
the region profiles (`master_file_kinds:`) and the sections it covers. In a region that cites the
reference, each covered section is one document stating the region's words for the reference
(views/master_file.py; plan.py sends the leaf there whatever its own kind), and needs none of the
record's detailed data. What varies (kinds, their fields, the sections each may cover, the statements)
is profile data; this module only reads it.

Rules, by stage: validate (E2561 unknown kind, E2562 a field the kind does not take, E2563 a region the
kind is not filed in, E2565 a type the kind does not list, E2567 a region profile without the kind's
statement); plan (E2564 a covered section that is not a section of the record's subtree, W2566 records
written for a covered section); check (F4881 a covered section outside the kind's may_cover, the
applicant's own part; F4882 a reference without a field it needs to be filed: readiness counts it).
"""
from __future__ import annotations

from .errors import Diagnostic, Diagnostics
from .model_master_files import REFERENCE_FIELDS
from .provenance import owner_path
from .reads import note_label
from .schema import _suggest

COVERED = "master-file"        # the leaf kind of a covered section (views/master_file.py)
COVERED_TEMPLATE = "narrative"  # a statement and a narrative: the portrait narrative template


def _owners(content):
    """(record, field path) of every record that may cite master files."""
    for ds in content.drug_substances:
        yield ds, f"drug_substances[{ds.id}]"


def filed_in(reference, kind, region: str) -> bool:
    """Whether `region`'s dossier cites the reference: its own `region`, else every region of its kind."""
    return region in ((reference.region,) if reference.region else kind.regions)


def cited(owner, profile) -> list:
    """The owner's master files that this region's dossier cites (a core list serves every region)."""
    kinds = profile.master_file_kinds
    return [mf for mf in getattr(owner, "master_files", ()) or ()
            if mf.kind in kinds and filed_in(mf, kinds[mf.kind], profile.id)]


def within(number: str, sections) -> bool:
    """`number` is one of `sections` or lies under one of them (3.2.S.2.2 under 3.2.S.2)."""
    return any(number == s or number.startswith(s + ".") for s in sections)


def covering(scope, number: str) -> list:
    """The master files of this region that cover section `number` of the scope's record."""
    owner = scope.owner
    if owner is None or not getattr(owner, "master_files", ()):
        return []
    return [mf for mf in cited(owner, scope.profile) if within(number, mf.covered_sections)]


def statement(scope, reference) -> str:
    """The region's sentence for a covered section: `master_file_<kind>` with each `{field}` replaced by
    the field's clause (`master_file_<kind>_<field>`, else `master_file_<field>`) when the kind has one,
    else by the value; a missing field prints its clause as nothing, a bare value as master_file_missing,
    so the sentence never states a document the content does not name."""
    labels = scope.profile.labels
    text, filled = scope.label(f"master_file_{reference.kind}"), []
    for name in REFERENCE_FIELDS:
        if "{" + name + "}" not in text:
            continue
        value = getattr(reference, name) or ""
        keys = (f"master_file_{reference.kind}_{name}", f"master_file_{name}")
        for key in keys:
            note_label(key)
        clause = next((key for key in keys if key in labels), None)
        if clause is not None:
            shown = scope.label(clause, value=value) if value else ""
        else:
            shown = value or scope.label("master_file_missing")
        text = text.replace("{" + name + "}", shown)
        filled.append(shown)
    return _one_stop(text, filled)


def _one_stop(text: str, filled: list) -> str:
    """A value ending in a full stop ("… Co., Ltd.") where the sentence ends keeps one stop, not two."""
    for shown in filled:
        if shown and shown[-1] in ".。":
            text = text.replace(shown + shown[-1], shown)
    return text


def check(content, profile, diags: Diagnostics) -> None:
    """Stage validate: each reference names a known kind, a region that kind is filed in, and only the
    fields (and types) the kind takes. Every reference is checked in every pair, whichever region it is for."""
    kinds = profile.master_file_kinds
    for owner, path in _owners(content):
        for mf in owner.master_files:
            here = f"{path}.master_files[{mf.id}]"
            kind = kinds.get(mf.kind)
            if kind is None:
                known, hint = ", ".join(sorted(kinds)) or "none", _suggest(mf.kind, kinds)
                diags.error("E2561", f"'{mf.kind}' is not a master-file kind (known: {known}){hint}",
                            mf.where("kind"), f"{here}.kind")
                continue
            _check_reference(mf, kind, profile, here, diags)


def _check_reference(mf, kind, profile, here: str, diags: Diagnostics) -> None:
    """One reference of a known kind: its region, its fields, its statement label and its type."""
    if mf.region and mf.region not in kind.regions:
        diags.error("E2563", f"a {kind.name} is cited in {', '.join(kind.regions)} dossiers, not '{mf.region}'",
                    mf.where("region"), f"{here}.region")
    for name in REFERENCE_FIELDS:
        if getattr(mf, name) and name not in kind.allowed:
            diags.error("E2562", f"a {kind.name} reference takes no `{name}` (it takes: "
                        f"{', '.join(kind.allowed)})", mf.where(name), f"{here}.{name}")
    if filed_in(mf, kind, profile.id) and f"master_file_{mf.kind}" not in profile.labels:
        diags.error("E2567", f"the {profile.id} profile has no statement for a {kind.name}: add the label "
                    f"master_file_{mf.kind} to its region.yaml", mf.where("kind"), f"{here}.kind")
    if mf.type and "type" in kind.allowed and kind.types and mf.type not in kind.types:
        diags.error("E2565", f"'{mf.type}' is not a {kind.name} type (one of {', '.join(kind.types)})",
                    mf.where("type"), f"{here}.type")


def check_sections(item, numbers: frozenset, heading: str, path: str, diags: Diagnostics) -> None:
    """Stage plan: every covered section is a section of the record's own subtree (`numbers`, below the
    repeated `heading` such as 3.2.S)."""
    for mf in getattr(item, "master_files", ()) or ():
        for index, number in enumerate(mf.covered_sections):
            if number not in numbers:
                diags.error("E2564", f"'{number}' is not a {heading} section (expected a section of this "
                            f"record under {heading}, such as {min(numbers, default=heading)})",
                            mf.where(f"covered_sections[{index}]"), f"{path}.master_files[{mf.id}].covered_sections")


def findings(content, profile, leaves=()) -> list[Diagnostic]:
    """Stage check, for this region's references: a planned leaf covered by a kind that may not cover it
    (F4881: the applicant's own part, reported as the kind's `outside` says, the rules behind it being ⚠
    in part), and a reference without a field it needs to be filed (F4882). Both are warnings a
    justification can accept."""
    found = []
    for leaf in (leaf for leaf in leaves if leaf.kind == COVERED):
        for mf in covering(leaf.scope, leaf.number):
            kind = profile.master_file_kinds[mf.kind]
            if kind.outside == "off" or within(leaf.number, kind.may_cover):
                continue
            index = next(i for i, s in enumerate(mf.covered_sections) if within(leaf.number, (s,)))
            why = f": {kind.basis}" if kind.basis else ""
            found.append(Diagnostic("F4881", f"{leaf.number} is marked covered by the {kind.name}, but that part is "
                                    f"the applicant's own{why}", mf.where(f"covered_sections[{index}]"),
                                    f"{owner_path(leaf.scope)}.master_files[{mf.id}].covered_sections[{leaf.number}]",
                                    "warning"))
    for owner, path in _owners(content):
        for mf in cited(owner, profile):
            for name in profile.master_file_kinds[mf.kind].filing:
                if not getattr(mf, name):
                    found.append(Diagnostic("F4882", f"the {profile.master_file_kinds[mf.kind].name} reference "
                                            f"states no `{name}`: it has no document to file until it does", mf.at,
                                            f"{path}.master_files[{mf.id}].{name}", "warning"))
    return found


def references(content, profile) -> int:
    """How many master-file references this region's dossier cites (readiness)."""
    return sum(len(cited(owner, profile)) for owner, _ in _owners(content))
