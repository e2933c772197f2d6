"""Checks of 3.2.A.2 (ICH Q5A(R2); modalities.md §3): adventitious agent test results against their
criteria, and the viral clearance table's arithmetic and claims.

Thresholds are data (`templates/common/viral-safety.yaml`). Every finding names the step, the virus and
the line it was typed on; error-level ones can be justified like any other.
"""
from __future__ import annotations

from ..errors import Diagnostic
from .clearance import analyse, evaluations, read_lrv
from .comparability import AsTest
from .registry import CheckContext, content_check
from .verdict import CONFORMS, ERROR, OOS


@content_check("adventitious-agent-tests")
def agent_tests(ctx: CheckContext):
    """Every cell bank, seed and bulk test result meets its criterion (F4827), or is said not checked (F4828)."""
    found = []
    for item, path in evaluations(ctx.content):
        materials = {m.id: m for m in item.materials}
        for test in item.tests:
            where = f"{path}.tests[{test.id}]"
            if not test.criterion:
                found.append(Diagnostic("F4828", f"{test.test}: no acceptance criterion, so its results are not "
                                        "checked (state `criterion`, e.g. Negative)", test.at, where, "warning"))
                continue
            as_test = AsTest(test.test, None, None, None, None)
            for material, text in test.results.items():
                found += _agent_result(ctx, test, as_test, materials[material], text, f"{where}.results.{material}")
    return found


def _agent_result(ctx, test, as_test, material, text: str, path: str) -> list[Diagnostic]:
    verdict = ctx.reading.verdict(as_test, test.criterion, text)
    what = f"{test.test} on {material.name}{f' ({material.lot})' if material.lot else ''} = {text}"
    at = test.where(f"results.{material.id}")
    if verdict.outcome == CONFORMS:
        return []
    if verdict.outcome == OOS:
        return [Diagnostic("F4827", f"{what} does not meet '{test.criterion}' ({verdict.reason})", at, path)]
    if verdict.outcome == ERROR:
        return [Diagnostic("E2620", f"{what}: {verdict.reason}", at, path)]
    return [Diagnostic("F4828", f"not checked: {what} against '{test.criterion}' ({test.where('criterion')}): "
                       f"{verdict.reason}", at, path, "warning")]


@content_check("viral-clearance")
def viral_clearance(ctx: CheckContext):
    """Step LRVs agree with their titres (F4821), claimed ones exceed the minimum (F4822), claimed steps of one
    virus act by different mechanisms (F4823), a stated overall equals the computed sum (F4824), and every
    claimed step states its worst-case conditions (F4825)."""
    found = []
    rules = ctx.rules.clearance
    for item, path in evaluations(ctx.content):
        if item.clearance is None:
            continue
        analysis = analyse(item.clearance, ctx.reading, rules)
        base = f"{path}.clearance"
        for cell in analysis.cells.values():
            found += _cell(cell, rules, f"{base}.steps[{cell.step.id}].results.{cell.virus.id}")
        for overall in analysis.overall.values():
            found += _mechanisms(overall, f"{base}.steps")
        found += _stated_overall(item.clearance, analysis, base)
        found += _worst_case(item.clearance, f"{base}.steps")
    return found


def _cell(cell, rules, path: str) -> list[Diagnostic]:
    found, result = [], cell.result
    where = f"{cell.step.name}, {cell.virus.name}"
    if cell.stated is not None and cell.computed is not None and not cell.stated.agrees(cell.computed):
        found.append(Diagnostic("F4821", f"{where}: the LRV is stated as {result.lrv}, but the load and output titres "
                                f"and volumes give {cell.computed.shown()}", result.where("lrv"), path))
    value = cell.value
    if cell.claimed and value.value <= rules.minimum:
        found.append(Diagnostic("F4822", f"{where}: a claimed LRV of {value.shown()} is not greater than "
                                f"{rules.minimum_claimed_lrv} log10, so it is negligible (ICH Q5A); mark it "
                                f"claimed: \"false\" or justify it", result.where("lrv"), path))
    return found


def _mechanisms(overall, path: str) -> list[Diagnostic]:
    """Summing steps of one mechanism overestimates the clearance: the orthogonality rule of Q5A."""
    by_mechanism: dict = {}
    for cell in overall.cells:
        by_mechanism.setdefault(cell.step.mechanism, []).append(cell)
    found = []
    for mechanism, cells in by_mechanism.items():
        if len(cells) > 1:
            names = ", ".join(c.step.name for c in cells)
            found.append(Diagnostic("F4823", f"{overall.virus.name}: the claimed steps {names} all act by "
                                    f"{mechanism}; summing steps of one mechanism overestimates the clearance "
                                    "(ICH Q5A(R2)): claim one, or justify their independence",
                                    cells[1].step.where("mechanism"),
                                    f"{path}[{cells[1].step.id}].results.{overall.virus.id}", "warning"))
    return found


def _stated_overall(clearance, analysis, path: str) -> list[Diagnostic]:
    found = []
    for virus_id, text in clearance.overall.items():
        computed = analysis.overall[virus_id].value
        stated = read_lrv(text)
        if computed is not None and stated.agrees(computed):
            continue
        name = analysis.overall[virus_id].virus.name
        shown = computed.shown() if computed is not None else "nothing (no step is claimed)"
        if computed is not None and computed.at_least and not stated.at_least:
            shown += ", a lower bound because a claimed step's LRV is one"
        found.append(Diagnostic("F4824", f"{name}: the overall reduction is stated as {text}, but the claimed steps "
                                f"add up to {shown}", clearance.where(f"overall.{virus_id}"),
                                f"{path}.overall.{virus_id}"))
    return found


def _worst_case(clearance, path: str) -> list[Diagnostic]:
    found = []
    for step in clearance.steps:
        if not step.worst_case and any(r.is_claimed for r in step.results.values()):
            found.append(Diagnostic("F4825", f"{step.name}: a claimed step states no worst-case conditions of its "
                                    "scale-down study (`worst_case`)", step.at, f"{path}[{step.id}]", "warning"))
    return found
