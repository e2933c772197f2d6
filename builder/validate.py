"""Stage 3, validate: the merged tree → the typed `Content`, plus the checks that span records.

Binding checks each field (schema.py); the cross-checks here make sure every identifier a record
refers to exists, so later stages can rely on them. All problems are collected in one run.
"""
from __future__ import annotations


from .errors import Diagnostics
from .model import Content
from .profile import RegionProfile
from .schema import bind_record
from .source import Value



def validate(tree: Value, product_id: str, profile: RegionProfile, diags: Diagnostics) -> Content | None:
    failed = len(diags.errors)
    content = bind_record(Content, tree, "", diags)
    if content is None:
        return None
    if len(diags.errors) > failed:
        return None  # a record that failed to bind would make every reference to it look wrong
    if not content.product.regions:
        diags.error("E2509", "lists no region to build for (e.g. [fda, ema, nmpa])", content.product.where("regions"),
                    "product.regions")
    if content.product.id != product_id:
        diags.error("E2501", f"product id '{content.product.id}' differs from its folder '{product_id}'",
                    content.product.where("id"), "product.id")
    sites = {s.id for s in content.sites}
    for ds in content.drug_substances:
        _check_owner(ds, f"drug_substances[{ds.id}]", sites, diags)
    for dp in content.drug_products:
        path = f"drug_products[{dp.id}]"
        _check_owner(dp, path, sites, diags)
        _check_composition(dp, path, diags, {ds.id for ds in content.drug_substances})
    known = {t.id for t in profile.regional_items}
    for item in content.regional:
        if item.id not in known:
            diags.error("E2502", f"'{item.id}' is not a regional item of {profile.id} (known: {', '.join(sorted(known))})",
                        item.where("id"), f"regional[{item.id}]")
    return content


def _check_owner(owner, path: str, sites: set, diags: Diagnostics) -> None:
    for role in owner.manufacturers:
        _known(role.site, sites, "site", role.where("site"), f"{path}.manufacturers", diags)
    tests = [t.id for t in owner.specification.tests] if owner.specification else []
    for batch in owner.batches:
        _known(batch.site, sites, "site", batch.where("site"), f"{path}.batches[{batch.id}].site", diags)
        _check_results(batch, tests, f"{path}.batches[{batch.id}].results", diags)
    if owner.stability is not None:
        batches = {b.id for b in owner.batches}
        for study in owner.stability.studies:
            where = f"{path}.stability.studies[{study.id}]"
            _known(study.batch, batches, "batch", study.where("batch"), f"{where}.batch", diags)
            for test, values in study.results.items():
                _known(test, set(tests), "specification test", study.where("results"), f"{where}.results", diags)
                if len(values) != len(study.timepoints):
                    diags.error("E2503", f"{len(values)} results for {len(study.timepoints)} time points "
                                "(one per time point; write NT or – where none)", study.where("results"),
                                f"{where}.results.{test}")


def _check_results(batch, tests: list[str], path: str, diags: Diagnostics) -> None:
    if not tests:
        diags.error("E2504", "batch results need a specification on the same record", batch.at, path)
        return
    for test in batch.results:
        _known(test, set(tests), "specification test", batch.where("results"), path, diags)
    for test in tests:
        if test not in batch.results:
            diags.error("E2505", f"no result for test '{test}' (write 'Not tested' if it was not)",
                        batch.where("results"), path)


def _check_composition(dp, path: str, diags: Diagnostics, substances: set) -> None:
    strengths = {s.id for s in dp.strengths}
    for comp in dp.composition:
        if bool(comp.standard) == bool(comp.substance) and comp.subtotal != "true":
            diags.error("E2510", "give either `standard` or `substance` (a drug substance, whose 3.2.S.4.1 "
                        "specification is then the standard)", comp.at, f"{path}.composition[{comp.id}]")
        if comp.substance:
            _known(comp.substance, substances, "drug substance", comp.where("substance"),
                   f"{path}.composition[{comp.id}].substance", diags)
        where = f"{path}.composition[{comp.id}].quantities"
        for strength in comp.quantities:
            _known(strength, strengths, "strength", comp.where("quantities"), where, diags)
        for strength in strengths - set(comp.quantities):
            diags.error("E2507", f"no quantity for strength '{strength}'", comp.where("quantities"), where)
    for size in dp.batch_formula:
        _known(size.strength, strengths, "strength", size.where("strength"), f"{path}.batch_formula[{size.id}]", diags)


def _known(ident: str, known: set, what: str, origin, path: str, diags: Diagnostics) -> None:
    if ident not in known:
        listed = ", ".join(sorted(known)) or "none defined"
        diags.error("E2508", f"unknown {what} '{ident}' (known: {listed})", origin, path)
