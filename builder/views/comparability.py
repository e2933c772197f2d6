"""3.2.S.2.6 Manufacturing process development / 3.2.P.2 Pharmaceutical development: the narrative,
then each ICH Q5E comparability study: the lots, the results of every pre- and post-change lot side by
side against the pre-defined ranges, and a conclusion generated from the verdicts.

With narrative only, the document is exactly the narrative, as a `narrative` leaf renders it. The
conclusion never says more than the verdicts do: results that could not be judged are named, and a
result outside its range is never summed into "all within".
"""
from __future__ import annotations

from ..cmc.comparability import judge_study, lot_number, method, name, outcome, result
from ..ooxml.blocks import Run, paragraph, table
from ..provenance import owner_path
from .base import DocContext, LeafKind, caption, cell, labelled, narrative_blocks, parenthesised, simple_table


def _present(scope, number):
    return bool(scope.narrative(number)) or bool(getattr(scope.owner, "comparability", ()))


def _blocks(scope, number, ctx: DocContext):
    out = narrative_blocks(scope.narrative(number), ctx)
    for study in getattr(scope.owner, "comparability", ()):
        out += _study(scope, study, ctx)
    return out


def _study(scope, study, ctx: DocContext) -> list:
    sep = scope.label("separator")
    facts = [f"{scope.label('pre_change')}{sep}{study.pre_change}", f"{scope.label('post_change')}{sep}{study.post_change}"]
    if study.protocol is not None:
        facts.append(scope.label("comparability_protocol", reference=study.protocol.reference,
                                 date=study.protocol.approved))
    out = [paragraph([Run(study.change)], "Heading2"), paragraph([Run("\n".join(facts))])]
    out += narrative_blocks(study.narrative, ctx)
    out += _lots(scope, study, ctx)
    out += _results(scope, study, ctx)
    return out + [paragraph([Run(scope.label("sentence_join").join(_conclusion(scope, study)))])]


def _ordered(study) -> list:
    return [lot for role in ("pre-change", "post-change") for lot in study.lots if lot.role == role]


def _lots(scope, study, ctx: DocContext) -> list:
    """Lot | role | scale | site | manufactured, from the lot or else the batch it is: only when some lot
    states more than its number."""
    owner = scope.owner
    facts = [(lot, _facts(owner, lot)) for lot in _ordered(study)]
    if not any(any(values) for _, values in facts):
        return []
    sites = {s.id: s.name for s in scope.content.sites}
    rows = [[cell(lot_number(owner, lot)), cell(scope.label(lot.role.replace("-", "_"))), cell(scale or "–"),
             cell(sites.get(site, site) if site else "–"), cell(made or "–")] for lot, (scale, site, made) in facts]
    columns = labelled(scope, "lot", "process_role", "scale", "site", "manufactured")
    return [caption(ctx, scope, scope.label("comparability_lots"), f"{study.id}-lots"),
            simple_table(ctx, columns, rows, [2, 2, 2, 3, 2])]


def _facts(owner, lot) -> tuple[str, str, str]:
    """(scale, site id, date of manufacture): the lot's own, else its batch's (size, site, date)."""
    batch = next((b for b in owner.batches if b.id == lot.batch), None) if lot.batch else None
    return (lot.scale or (batch.size if batch else ""), lot.site or (batch.site if batch else ""),
            lot.manufactured or (batch.manufactured if batch else ""))


def _results(scope, study, ctx: DocContext) -> list:
    owner = scope.owner
    pre = [lot for lot in study.lots if lot.role == "pre-change"]
    post = [lot for lot in study.lots if lot.role == "post-change"]
    header = [
        [cell(scope.label("quality_attribute"), vmerge="restart"), cell(scope.label("procedure"), vmerge="restart"),
         cell(scope.label("predefined_range"), vmerge="restart"),
         cell(f"{scope.label('pre_change')}{scope.label('separator')}{study.pre_change}", span=len(pre)),
         cell(f"{scope.label('post_change')}{scope.label('separator')}{study.post_change}", span=len(post))],
        [cell("", vmerge="continue")] * 3 + [cell(lot_number(owner, lot)) for lot in pre + post],
    ]
    rows = []
    for attribute in study.attributes:
        found = [result(owner, attribute, lot) for lot in pre + post]
        rows.append([cell(name(owner, attribute)), cell(method(owner, attribute) or "–"), _range_cell(scope, attribute)]
                    + [cell(f[0] if f else "–") for f in found])
    title = scope.label("comparability_results", pre=study.pre_change, post=study.post_change)
    return [caption(ctx, scope, title, study.id), table(header, rows, [3, 3, 4] + [2] * (len(pre) + len(post)),
                                                        ctx.width)]


def _range_cell(scope, attribute):
    """The range as typed; under it how it was set (approach, basis), as the protocol says."""
    how = [scope.label("approach_" + attribute.approach.replace("-", "_"))] if attribute.approach else []
    how += [attribute.basis] if attribute.basis else []
    if not how:
        return cell(attribute.range)
    return cell(f"{attribute.range}\n{parenthesised(scope, scope.label('separator').join(how), False)}")


def _conclusion(scope, study) -> list[str]:
    """Sentences from the verdicts, in the region's words (the same judging the check reports)."""
    if scope.reading is None:
        return []
    judged = judge_study(scope.owner, owner_path(scope), study, scope.reading)
    post = [j for j in judged if j.post_change]
    outside = [j for j in post if outcome(j) == "outside"]
    unchecked = [j for j in judged if outcome(j) == "unchecked"]
    pre_outside = [j for j in judged if not j.post_change and outcome(j) == "outside"]
    lots = len({lot.id for lot in study.lots if lot.role == "post-change"})
    listed = lambda items: scope.label("list_separator").join(  # noqa: E731
        f"{name(scope.owner, j.attribute)}{scope.label('comma')}{j.number}{parenthesised(scope, j.text)}"
        for j in items)
    if outside:
        sentences = [scope.label("comparability_outside", count=str(len(outside)), list=listed(outside))]
    elif not [j for j in post if outcome(j) == "unchecked"]:
        sentences = [scope.label("comparability_within", count=str(len(post)), lots=str(lots))]
    else:
        judged_post = [j for j in post if outcome(j) == "conforms"]
        sentences = [scope.label("comparability_within_judged", judged=str(len(judged_post)), count=str(len(post)))]
    if pre_outside:
        sentences.append(scope.label("comparability_pre_outside", count=str(len(pre_outside)), list=listed(pre_outside)))
    if unchecked:
        sentences.append(scope.label("comparability_unchecked", count=str(len(unchecked)), list=_by_attribute(
            scope, unchecked)))
    return sentences


def _by_attribute(scope, judged) -> str:
    """`Infectious titre: SGA-2103, SGA-2109; Stability: SGB-2502`: each attribute once, with its lots."""
    lots: dict = {}
    for j in judged:
        lots.setdefault(name(scope.owner, j.attribute), []).append(j.number)
    sep, comma = scope.label("separator"), scope.label("list_comma")
    return scope.label("list_separator").join(f"{attribute}{sep}{comma.join(numbers)}" for attribute, numbers in lots.items())


COMPARABILITY_KINDS = {
    "process-development": LeafKind(_present, _blocks, lambda n: f"add a narrative for '{n}' or `comparability`"),
}
