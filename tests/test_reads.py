"""Dependency recording (builder/reads.py): what a leaf records reading is what its output depends on.

Completeness, both ways: (1) for every section kind in the examples, each field a leaf records reading,
changed in place, changes that leaf's output; (2) for single-value edits of the YAML files, every
leaf whose document bytes change recorded the edited line (tests/test_platform.py proves the same for
`invoke impact`'s answer, which reads the recording back from the manifests).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from builder.errors import Diagnostics
from builder.page_header import header_name
from builder.page_header import leaf_doc
from builder.pipeline import build, leaf_blocks, prepare, template_layouts
from builder.project import Project
from builder.reads import LeafReads, parse_spans, recording, spans, split_path
from builder.views import subject

from conftest import REPO, edit

_get = object.__getattribute__


@pytest.fixture(scope="module")
def dossiers():
    fda = prepare(Project(REPO), ["examplinib", "examparvovec"], ["fda"])
    nmpa = prepare(Project(REPO), ["examparvovec"], ["nmpa"])
    return [*fda, *nmpa]


_ROOMS: dict = {}


def output(dossier, leaf):
    """Everything a leaf's document is made of that content can change: the header and the blocks
    (built as when recorded: caches keyed by a record's identity stand aside)."""
    with recording():
        blocks, _ = leaf_blocks(dossier.leaves, leaf)
    key = (dossier.product, dossier.region)
    if key not in _ROOMS:
        _ROOMS[key] = {name: room for name, (_, room) in
                      template_layouts(Project(REPO), dossier.region, dossier.profile, dossier.leaves).items()}
    name = header_name(dossier.content.product, f"{leaf.number} {leaf.title}", _ROOMS[key][leaf.template],
                       dossier.profile.layout)  # the name the page header prints, as rendering chooses it
    return (tuple(leaf_doc(dossier.content, leaf, name).values()), subject(leaf.scope),
            dossier.content.product.as_of,  # `finish` writes it into the document's properties
            tuple(block.xml for block in blocks))


def changed_text(text: str, kind) -> list[str]:
    """Values that differ from `text` and stay plausible for its field: another choice, another digit,
    or more words."""
    choices = getattr(kind, "choices", None)
    if choices:
        return [c for c in choices if c != text]
    found = []
    digits = [m.start() for m in re.finditer(r"[0-9]", text)]
    if digits:
        i = digits[-1]
        found.append(text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:])
        found.append(re.sub(r"[0-9]+(\.[0-9]+)?", "9999", text))  # far out of any range a criterion sets
    found.append(text + " Zq")
    return found


def perturbations(read):
    """(label, setter) pairs, each setting one changed value for a recorded read (and undoing it)."""
    node, name = read[0], read[1]
    value = _get(node, name)
    kind = node.__dataclass_fields__[name].metadata.get("kind")
    if len(read) == 3:
        key = read[2]
        entry = value[key]
        texts = [entry] if isinstance(entry, str) else list(entry[:1]) if isinstance(entry, (list, tuple)) else []
        for text in texts:
            for new in changed_text(text, None):
                changed = new if isinstance(entry, str) else type(entry)([new, *entry[1:]])
                yield f"{name}.{key}", {**value, key: changed}
        return
    if isinstance(value, str):
        for new in changed_text(value, kind):
            yield name, new
    elif isinstance(value, tuple) and value and isinstance(value[0], str):
        for new in changed_text(value[0], getattr(kind, "item", None)):
            yield name, (new, *value[1:])


def depends(dossier, leaf, read) -> bool:
    """True when some plausible change of the read value changes the leaf's output (or stops it)."""
    node, name = read[0], read[1]
    before = output(dossier, leaf)
    original = _get(node, name)
    tried = False
    for _, new in perturbations(read):
        tried = True
        object.__setattr__(node, name, new)
        try:
            if output(dossier, leaf) != before:
                return True
        except Exception:  # noqa: BLE001 - a value the leaf cannot do without: it depends on it
            return True
        finally:
            object.__setattr__(node, name, original)
    return not tried  # nothing to change (an omitted field, a record): not a value to test


def test_every_recorded_field_of_every_kind_changes_its_leaf(dossiers):
    """For every section kind, each (record type, field) its leaves read changes one of those leaves
    when changed in one of the records it was read on. A value read for a decision (whether accelerated
    data show a significant change) changes a document only when the change crosses the decision, and
    another value may already have decided it: hence "one of the leaves, one of the records"."""
    groups: dict[tuple, list] = {}
    for dossier in dossiers:
        for leaf in dossier.leaves:
            for read in leaf.reads.fields:
                if read[1] == "id":
                    continue  # identity, not a value: renaming a record moves or drops what refers to it
                entry = read[2] if len(read) == 3 and read[1] == "narrative" else ""
                groups.setdefault((leaf.kind, type(read[0]).__name__, read[1], entry), []).append((dossier, leaf, read))
    failures = [".".join(map(str, key)) for key, cases in groups.items() if key[:3] not in MASKED
                and not any(depends(dossier, leaf, read) for dossier, leaf, read in _spread(cases, 60))]
    assert len({key[0] for key in groups}) > 25 and len(groups) > 300, len(groups)
    assert not failures, "\n".join(failures)


# Read, but in these examples no single change of it changes a document: a test's category decides how
# its stability criterion is read for the significant-change decision, which other results already make.
MASKED = {("stability-summary", "Test", "category")}


def _spread(cases: list, most: int) -> list:
    """At most `most` cases, taken evenly over the list (so over several leaves and records)."""
    step = max(1, len(cases) // most)
    return cases[::step][:most]


def test_spans_round_trip_and_paths_split_at_their_record():
    assert spans([3, 4, 5, 9, 11, 12]) == "3-5,9,11-12"
    assert parse_spans("3-5,9,11-12") == {3, 4, 5, 9, 11, 12}
    assert split_path("drug_products[x].specification.tests[assay].release") == \
        ("drug_products[x].specification.tests[assay]", "release")
    reads = LeafReads(paths=frozenset({"a[x].names", "a[x].b[y].c"}))
    assert reads.shows("a[x].names[1]") and reads.shows("a[x].b[y]") and not reads.shows("a[x].d")


def test_nothing_is_recorded_outside_a_recording(dossiers):
    from builder.nodes import Node

    assert "__getattribute__" not in Node.__dict__  # the hook is on only while a leaf is recorded


# ----------------------------------------------------------------- (2) edits of the files, built

EDITS = [  # (file, old, new): single values, each in a different part of the model
    ("content/examplinib/core/drug-substance.yaml", "NMT 0.15 %", "NMT 0.14 %"),           # a criterion
    ("content/examplinib/core/drug-product.yaml", "          assay: 100.4\n", "          assay: 100.5\n"),  # a result
    ("content/examplinib/core/drug-substance.yaml", "Each starting material is purchased",   # mid-narrative line
     "Each starting material is bought"),
    ("content/examplinib/fda.yaml", "USP (activated charcoal)", "USP (activated carbon)"),  # a region overlay
    ("content/examplinib/core/product.yaml", "  as_of: 2026-11-01", "  as_of: 2026-11-02"),  # every document
]


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("reads")
    for name in ("templates", "content/examplinib"):
        shutil.copytree(REPO / name, root / name)
    build(root, ["examplinib"], ["fda"], False, Diagnostics())
    return root


def leaf_bytes(root: Path) -> dict[str, str]:
    manifest = json.loads((root / "output/examplinib/fda/manifest.json").read_text())
    return {leaf["path"]: leaf["sha256"] for leaf in manifest["leaves"]}


def recorded(root: Path, file: str, line: int) -> set[str]:
    manifest = json.loads((root / "output/examplinib/fda/manifest.json").read_text())
    return {leaf["path"] for leaf in manifest["leaves"]
            if line in parse_spans(leaf["depends"]["lines"].get(file, ""))}


@pytest.mark.parametrize("file,old,new", EDITS)
def test_leaves_whose_bytes_change_all_recorded_the_edited_line(small_project, tmp_path, file, old, new):
    root = tmp_path / "p"
    shutil.copytree(small_project, root)
    before = leaf_bytes(root)
    line = edit(root, file, old, new)
    expected = recorded(root, file, line)
    build(root, ["examplinib"], ["fda"], False, Diagnostics())
    after = leaf_bytes(root)
    changed = {path for path in before if before[path] != after.get(path)}
    assert changed, "the edit changed no document: a test that cannot fail"
    assert changed <= expected, sorted(changed - expected)
