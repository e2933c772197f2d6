"""The review summary: every differing document and every changed value, by region and leaf.

One model (`Summary`) feeds both writers, so `summary.md` (read in git and in pull requests) and
`summary.docx` (read next to the redlines) list the same items. A revision that failed to build is
the first thing in the summary, with every diagnostic, never left out. Paths are relative to the
project (`content/…`) and to `output/review/`: no temporary folder or clock time appears.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...errors import DossierError
from ...provenance import renders
from . import values
from .compare import ADDED, CHANGED, LeafChange
from .git import History, Revision
from .revisions import Side


@dataclass
class LeafSection:
    """One differing document: what it is, its redline (changed leaves only) and what changed in it."""

    change: LeafChange
    redline: str | None = None
    marks: Counter = field(default_factory=Counter)
    entries: list[values.Change] = field(default_factory=list)


@dataclass
class PairSection:
    product: str
    region: str
    leaves: list[LeafSection] = field(default_factory=list)
    unplaced: list[values.Change] = field(default_factory=list)


@dataclass
class Summary:
    base: Revision
    head: Revision
    scope: str
    failures: list[tuple[str, DossierError]] = field(default_factory=list)
    pairs: list[PairSection] = field(default_factory=list)
    unchanged: int = 0

    @property
    def counts(self) -> Counter:
        return Counter(leaf.change.status for pair in self.pairs for leaf in pair.leaves)


def failures(base: Side, head: Side) -> list[tuple[str, DossierError]]:
    """("Base revision HEAD~1 (abc1234) failed to build", its error) for each side that failed."""
    def title(which: str, revision: Revision) -> str:
        name = f"revision {revision.label}" if revision.commit else "(the working tree)"
        return f"{which} {name} failed to build"

    return [(title(which, side.revision), side.error)
            for which, side in (("Base", base), ("Head", head)) if side.error is not None]


def summarise(summary: Summary, base: Side, head: Side, changes: list[LeafChange], redlines: dict,
              history: History) -> Summary:
    """Fill `summary` with one section per (product, region) that has a differing document or value."""
    from ...ooxml.revisions import count

    for pair in sorted(set(base.dossiers) | set(head.dossiers)):
        section = PairSection(*pair)
        for change in (c for c in changes if c.pair == pair):
            data = redlines.get(change.key)
            section.leaves.append(LeafSection(change, redline_path(change) if data else None,
                                              count(data) if data else Counter()))
        if pair in base.dossiers and pair in head.dossiers:
            _place(section, values.changes(base.dossiers[pair].tree, head.dossiers[pair].tree, history),
                   base.dossiers[pair], head.dossiers[pair])
        if section.leaves or section.unplaced:
            summary.pairs.append(section)
    return summary


def redline_path(change: LeafChange) -> str:
    """Where a leaf's redline goes, below `output/review/`: the eCTD path under product and region."""
    return f"{change.product}/{change.region}/{change.path}"


def _place(section: PairSection, found: list[values.Change], base, head) -> None:
    """Put each changed value under every differing document that renders it; the rest apart."""
    by_path = {leaf.change.path: leaf for leaf in section.leaves}
    for change in found:
        dossier = head if change.side == "head" else base
        hits = [leaf for leaf in dossier.leaves if leaf.path in by_path and renders(leaf, change.path)]
        for leaf in hits:
            by_path[leaf.path].entries.append(change)
        if not hits:
            section.unplaced.append(change)


# ------------------------------------------------------------------------------------------ Markdown

def markdown(summary: Summary) -> str:
    out = [f"# Review: {summary.base.label} → {summary.head.label}", ""]
    out += [f"- {line}" for line in header_lines(summary)] + [""]
    for title, error in summary.failures:
        out += [f"## {title}", "", "```text", *(str(d) for d in error.diagnostics), "```", "",
                "No redlines were made. Fix the content of that revision, or review other revisions.", ""]
    for pair in summary.pairs:
        out += [f"## {pair.product} — {pair.region}", ""]
        for leaf in pair.leaves:
            out += [f"### {leaf_heading(leaf)}", "", _md(status_line(leaf)), ""]
            out += [f"- {_md(entry.line(leaf.change.number))}" for entry in leaf.entries] or [
                "- No content value changed here: a template or the section structure did."]
            out.append("")
        if pair.unplaced:
            out += ["### Changed values that no changed document shows", ""]
            out += [f"- {_md(entry.line('—'))}" for entry in pair.unplaced] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def header_lines(summary: Summary) -> list[str]:
    counts = summary.counts
    lines = [f"Base: {_revision(summary.base)}", f"Head: {_revision(summary.head)}", f"Scope: {summary.scope}"]
    if not summary.failures:
        lines.append(f"{counts[CHANGED]} documents changed (redlined), {counts[ADDED]} added, "
                     f"{counts['removed']} removed, {summary.unchanged} unchanged (nothing written for them)")
    return lines


def leaf_heading(leaf: LeafSection) -> str:
    suffix = {CHANGED: "", ADDED: " (added)"}.get(leaf.change.status, " (removed)")
    return f"{leaf.change.number} {leaf.change.title}{suffix}"


def status_line(leaf: LeafSection) -> str:
    change = leaf.change
    if leaf.redline:
        return f"Redline: {leaf.redline} ({marks(leaf.marks)})"
    if change.status == ADDED:
        return f"Document added: {change.path} (no redline: nothing to compare it with)"
    return f"Document removed: {change.path}"


MARK_WORDS = {"ins": "insertion", "del": "deletion", "cellIns": "inserted cell", "cellDel": "deleted cell"}


def marks(counts: Counter) -> str:
    """Revision marks counted in the review pane's words ("4 insertions, 1 deletion, 6 formatting changes")."""
    words = Counter()
    for kind, n in counts.items():
        words[MARK_WORDS.get(kind, "formatting change" if kind.endswith("PrChange") else "other change")] += n
    order = [*MARK_WORDS.values(), "formatting change", "other change"]
    return ", ".join(f"{words[w]} {w}{'s' if words[w] > 1 else ''}" for w in order if words[w]) or "no revision marks"


def _revision(revision: Revision) -> str:
    return f"{revision.label}, {revision.author}, {revision.date}"


def _md(text: str) -> str:
    """Markdown-safe text: what the writer typed is shown, not read as emphasis, code or HTML."""
    for char in "\\`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text
