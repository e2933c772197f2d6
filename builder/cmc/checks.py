"""Checks across sections: each fact is compared with every other fact it relates to.

Each check returns findings (`Diagnostic`s with F-codes) located at the YAML line of the fact that is
wrong. Error-level findings fail the build unless the content records a justification for them.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..errors import Diagnostic
from .criteria import Vocabulary, judge, number, parse
from .thresholds import dose_mg, thresholds

IMPURITY_LIMITS = {"specified-impurity": "qualification", "unspecified-impurity": "identification"}


def owners(content):
    """(record, path, material) for every drug substance and drug product."""
    for ds in content.drug_substances:
        yield ds, f"drug_substances[{ds.id}]", "drug_substance"
    for dp in content.drug_products:
        yield dp, f"drug_products[{dp.id}]", "drug_product"


def batch_results(content, vocab: Vocabulary) -> list[Diagnostic]:
    """Every batch result against the release criterion that applied to it."""
    found = []
    for owner, path, _ in owners(content):
        tests = {t.id: t for t in owner.specification.tests} if owner.specification else {}
        for batch in owner.batches:
            for test_id, result in batch.results.items():
                test = tests.get(test_id)
                if test is None:
                    continue
                verdict = judge(result, parse(test.release, vocab), vocab)
                where = f"{path}.batches[{batch.id}].results.{test_id}"
                if verdict.outcome == "fails":
                    found.append(Diagnostic("F4101", f"out of specification: batch {batch.number}, {test.test} = "
                                            f"{result}, release criterion '{test.release}' ({verdict.reason})",
                                            batch.where(f"results.{test_id}"), where))
                elif verdict.reason.startswith("meets stage 2"):
                    found.append(Diagnostic("F4102", f"batch {batch.number}, {test.test} = {result} {verdict.reason}",
                                            batch.where(f"results.{test_id}"), where, "warning"))
    return found


def substance_batches_used(content) -> list[Diagnostic]:
    """Drug-product batches name drug-substance batches that exist in 3.2.S.4.4."""
    known = {b.id for ds in content.drug_substances for b in ds.batches}
    return [Diagnostic("F4103", f"drug-substance batch '{ref}' is not a batch of any drug substance",
                       batch.where("drug_substance_batches"), f"drug_products[{dp.id}].batches[{batch.id}]")
            for dp in content.drug_products for batch in dp.batches
            for ref in batch.drug_substance_batches if ref not in known]


def release_and_shelf_life(content, vocab: Vocabulary) -> list[Diagnostic]:
    """A shelf-life criterion may be wider than release, never narrower."""
    found = []
    for owner, path, _ in owners(content):
        for test in owner.specification.tests if owner.specification else ():
            if not test.shelf_life:
                continue
            units = (_units(test.release), _units(test.shelf_life))
            if all(units) and units[0] != units[1]:
                found.append(Diagnostic("F4602", f"{test.test}: release is in {'/'.join(units[0])} but shelf life in "
                                        f"{'/'.join(units[1])}", test.where("shelf_life"),
                                        f"{path}.specification.tests[{test.id}].shelf_life"))
            release, shelf = parse(test.release, vocab), parse(test.shelf_life, vocab)
            if release.kind != shelf.kind:
                continue
            narrower = (shelf.high is not None and release.high is not None and shelf.high < release.high) or \
                       (shelf.low is not None and release.low is not None and shelf.low > release.low)
            if narrower:
                found.append(Diagnostic("F4601", f"{test.test}: shelf-life criterion '{test.shelf_life}' is narrower "
                                        f"than release '{test.release}'", test.where("shelf_life"),
                                        f"{path}.specification.tests[{test.id}].shelf_life"))
    return found


_UNIT = re.compile(r"%|ppm|µm|mg/mL|mg|CFU/g|cfu/g|min")


def _units(text: str) -> tuple:
    """The units a criterion is written in (so '%' and 'ppm' for the same test are caught)."""
    return tuple(sorted({u.lower() for u in _UNIT.findall(text)}))


def composition_totals(content) -> list[Diagnostic]:
    """The components of each strength add up to its stated unit weight."""
    found = []
    for dp in content.drug_products:
        for strength in dp.strengths:
            stated = number(strength.unit_weight)
            quantities = [c.quantities.get(strength.id) for c in dp.composition]
            if stated is None or not dp.composition or None in quantities:
                continue
            total = sum(Decimal(q) for q in quantities)
            if total.quantize(Decimal(1).scaleb(-stated[1])) != stated[0]:
                found.append(Diagnostic("F4401", f"components of {strength.label} add up to {total} mg, but the unit "
                                        f"weight is {strength.unit_weight}", strength.where("unit_weight"),
                                        f"drug_products[{dp.id}].strengths[{strength.id}].unit_weight"))
    return found


def impurity_limits(content, bands: dict, vocab: Vocabulary) -> list[Diagnostic]:
    """Impurity limits above the ICH Q3A/Q3B threshold for their kind need a justification."""
    dose = dose_mg(content.product.max_daily_dose) if content.product.max_daily_dose else None
    if dose is None:
        return []
    found = []
    for owner, path, material in owners(content):
        limits = thresholds(bands, material, dose)
        for test in owner.specification.tests if owner.specification else ():
            kind = IMPURITY_LIMITS.get(test.category)
            criterion = parse(test.shelf_life or test.release, vocab)
            if kind and criterion.high is not None and criterion.high > getattr(limits, kind):
                found.append(Diagnostic("F4501", f"{test.test}: limit {criterion.high} % is above the ICH {kind} "
                                        f"threshold of {getattr(limits, kind)} % for a maximum daily dose of "
                                        f"{content.product.max_daily_dose}", test.where("release"),
                                        f"{path}.specification.tests[{test.id}]"))
    return found


def compendial_references(content, profile) -> list[Diagnostic]:
    """Every `[[chapter:key]]` in a procedure reference names a chapter the region's profile knows."""
    from ..views.links import chapters

    found = []
    specs = [(o.specification, p) for o, p, _ in owners(content)]
    specs += [(e.specification, f"drug_products[{dp.id}].excipients[{e.id}]")
              for dp in content.drug_products for e in dp.excipients]
    for spec, path in specs:
        for test in spec.tests if spec else ():
            for key in chapters(test.procedure, profile)[1]:
                found.append(Diagnostic("E2702", f"no compendial chapter '{key}' in the {profile.id} profile (known: "
                                        f"{', '.join(sorted(profile.compendial_chapters)) or 'none'})",
                                        test.where("procedure"), f"{path}.specification.tests[{test.id}].procedure"))
    return found
