"""Cross-record rules of validate: every identifier a record uses names a record that exists.

Binding (schema.py) checks each field on its own; these rules check the facts between records, so
that plan, views and checks may assume them: every batch reports every specification test, every
id a batch, study, composition row or batch formula uses exists, a study has one result per time
point, and the lists a table is built from are not empty. `validate` runs them all, reports every
problem in one run, and gives no `Content` back when any fails, so no later stage ever meets a
dangling reference (a `KeyError` there would be a traceback instead of a message).
"""
from __future__ import annotations


from .errors import Diagnostics


def check(content, product_id: str, profile, diags: Diagnostics) -> None:
    """Every cross-record rule for one merged product; problems go to `diags`."""
    _check_product(content, product_id, diags)
    sites = {s.id for s in content.sites}
    substances = {ds.id: ds for ds in content.drug_substances}
    substance_batches = {b.id for ds in content.drug_substances for b in ds.batches}
    for ds in content.drug_substances:
        _check_owner(ds, f"drug_substances[{ds.id}]", sites, diags)
        _check_banks(ds, f"drug_substances[{ds.id}]", diags)
        _check_comparability(ds, f"drug_substances[{ds.id}]", sites, diags)
    for dp in content.drug_products:
        path = f"drug_products[{dp.id}]"
        _check_owner(dp, path, sites, diags)
        _check_comparability(dp, path, sites, diags)
        _check_substance_batches(dp, path, substance_batches, diags)
        _check_composition(dp, path, substances, diags)
        _check_excipients(dp, path, diags)
        _check_dose_and_lots(dp, path, sites, diags)
    _check_facilities(content, sites, diags)
    for item in content.appendices.adventitious_agents if content.appendices is not None else ():
        _check_safety(item, f"appendices.adventitious_agents[{item.id}]", diags)
    known = {t.id for t in profile.regional_items}
    for item in content.regional:
        kind, name = (item.extension, "extension") if item.extension else (item.id, "id")
        if kind not in known:
            diags.error("E2502", f"'{kind}' is not a regional item of {profile.id} (known: {', '.join(sorted(known))})",
                        item.where(name), f"regional[{item.id}]")


def _check_product(content, product_id: str, diags: Diagnostics) -> None:
    product = content.product
    if not product.regions:
        diags.error("E2509", "lists no region to build for (e.g. [fda, ema, nmpa])", product.where("regions"),
                    "product.regions")
    seen = set()
    for region in product.regions:
        if region in seen:
            diags.error("E2512", f"region '{region}' is listed twice (list each region once)", product.where("regions"),
                        "product.regions")
        seen.add(region)
    if product.id != product_id:
        diags.error("E2501", f"product id '{product.id}' differs from its folder '{product_id}'",
                    product.where("id"), "product.id")
    # max_daily_dose is read as a quantity in stage measure (cmc/measure.py, E2513)


def _not_empty(items, what: str, origin, path: str, diags: Diagnostics) -> bool:
    if items:
        return True
    diags.error("E2511", f"the list is empty (expected at least one {what})", origin, path)
    return False


def _check_owner(owner, path: str, sites: set, diags: Diagnostics) -> None:
    for index, role in enumerate(owner.manufacturers):
        _known(role.site, sites, "site", role.where("site"), f"{path}.manufacturers[{index}].site", diags)
    spec = owner.specification
    if spec is not None:
        _not_empty(spec.tests, "test", spec.where("tests"), f"{path}.specification.tests", diags)
    if getattr(owner, "strengths", None) is not None:
        _not_empty(owner.strengths, "strength", owner.where("strengths"), f"{path}.strengths", diags)
    tests = [t.id for t in spec.tests] if spec else []
    for batch in owner.batches:
        _known(batch.site, sites, "site", batch.where("site"), f"{path}.batches[{batch.id}].site", diags)
        _check_results(batch, tests, f"{path}.batches[{batch.id}].results", diags)
    if owner.stability is not None:
        _check_stability(owner, path, tests, diags)
    _check_parameters(owner, path, diags)


def _check_stability(owner, path: str, tests: list[str], diags: Diagnostics) -> None:
    stability, batches = owner.stability, {b.id for b in owner.batches}
    _not_empty(stability.studies, "study", stability.where("studies"), f"{path}.stability.studies", diags)
    for study in stability.studies:
        where = f"{path}.stability.studies[{study.id}]"
        _known(study.batch, batches, "batch", study.where("batch"), f"{where}.batch", diags)
        _not_empty(study.timepoints, "time point", study.where("timepoints"), f"{where}.timepoints", diags)
        _not_empty(study.results, "test's results", study.where("results"), f"{where}.results", diags)
        for test, values in study.results.items():
            _known(test, set(tests), "specification test", study.where(f"results.{test}"), f"{where}.results.{test}",
                   diags)
            if len(values) != len(study.timepoints):
                diags.error("E2503", f"{len(values)} results for {len(study.timepoints)} time points "
                            "(one per time point; write NT or – where none)", study.where(f"results.{test}"),
                            f"{where}.results.{test}")


def _check_banks(ds, path: str, diags: Diagnostics) -> None:
    """A bank is made from a bank of the same substance; a plasmid or virus seed names the bank it comes from."""
    banks = {b.id for b in ds.cell_banks}
    for bank in ds.cell_banks:
        if bank.derived_from:
            _known(bank.derived_from, banks - {bank.id}, "cell bank", bank.where("derived_from"),
                   f"{path}.cell_banks[{bank.id}].derived_from", diags)
    for material in ds.starting_materials:
        if material.bank:
            _known(material.bank, banks, "cell bank", material.where("bank"),
                   f"{path}.starting_materials[{material.id}].bank", diags)


def _check_parameters(owner, path: str, diags: Diagnostics) -> None:
    """A process parameter states a set point, a range or both (they are read in stage measure)."""
    for step in owner.process:
        for parameter in step.parameters:
            if not parameter.target and not parameter.range:
                diags.error("E2551", f"process parameter '{parameter.name}' gives neither `target` nor `range`",
                            parameter.at, f"{path}.process[{step.id}].parameters[{parameter.id}]")


def _check_facilities(content, sites: set, diags: Diagnostics) -> None:
    """A 3.2.A.1 facility is at a known site and says something: a narrative, areas, or both."""
    for facility in content.appendices.facilities if content.appendices is not None else ():
        where = f"appendices.facilities[{facility.id}]"
        if facility.site:
            _known(facility.site, sites, "site", facility.where("site"), f"{where}.site", diags)
        if not facility.narrative and not facility.areas:
            diags.error("E2552", "a facility needs a `narrative`, `areas` or both", facility.at, where)


def _check_results(batch, tests: list[str], path: str, diags: Diagnostics) -> None:
    if not tests:
        diags.error("E2504", "batch results need a specification on the same record", batch.at, path)
        return
    for test in batch.results:
        _known(test, set(tests), "specification test", batch.where(f"results.{test}"), f"{path}.{test}", diags)
    for test in tests:
        if test not in batch.results:
            diags.error("E2505", f"no result for test '{test}' (write 'Not tested' if it was not)",
                        batch.where("results"), path)


def _check_substance_batches(dp, path: str, known: set, diags: Diagnostics) -> None:
    for batch in dp.batches:
        for ref in batch.drug_substance_batches:
            _known(ref, known, "drug-substance batch", batch.where("drug_substance_batches"),
                   f"{path}.batches[{batch.id}].drug_substance_batches", diags)


def _check_composition(dp, path: str, substances: dict, diags: Diagnostics) -> None:
    strengths = {s.id for s in dp.strengths}
    for comp in dp.composition:
        where = f"{path}.composition[{comp.id}]"
        if bool(comp.standard) == bool(comp.substance) and comp.subtotal != "true":
            diags.error("E2510", "give either `standard` or `substance` (a drug substance, whose 3.2.S.4.1 "
                        "specification is then the standard)", comp.at, where)
        if comp.substance:
            _check_component_substance(comp, where, substances, diags)
        for strength in comp.quantities:  # the quantities themselves are read in stage measure (cmc/measure.py)
            _known(strength, strengths, "strength", comp.where(f"quantities.{strength}"), f"{where}.quantities", diags)
        for strength in sorted(strengths - set(comp.quantities)):
            diags.error("E2507", f"no quantity for strength '{strength}'", comp.where("quantities"), f"{where}.quantities")
    if dp.batch_formula and not [c for c in dp.composition if c.subtotal != "true" and c.removed != "true"]:
        diags.error("E2511", "the list has no component to make a batch of (the batch formula sums the "
                    "composition's components; give them, or remove `batch_formula`)", dp.where("composition"),
                    f"{path}.composition")
    for size in dp.batch_formula:
        _known(size.strength, strengths, "strength", size.where("strength"),
               f"{path}.batch_formula[{size.id}].strength", diags)


def _check_component_substance(comp, where: str, substances: dict, diags: Diagnostics) -> None:
    origin = comp.where("substance")
    if _known(comp.substance, set(substances), "drug substance", origin, f"{where}.substance", diags) and \
            substances[comp.substance].specification is None:
        diags.error("E2514", f"drug substance '{comp.substance}' has no specification to cite as this component's "
                    "standard (add its `specification`, or give `standard` instead)", origin, f"{where}.substance")


def _check_excipients(dp, path: str, diags: Diagnostics) -> None:
    """An excipient described in 3.2.P.4 is one of the components of 3.2.P.1 (the same id)."""
    components = {c.id for c in dp.composition if not c.substance}
    for excipient in dp.excipients:
        if excipient.specification is None and excipient.standard.strip().lower() != "compendial":
            diags.warning("W2516", f"excipient '{excipient.id}' has its own standard ('{excipient.standard.strip()}') "
                          "but no `specification`: 3.2.P.4.1 can only say it is tested to it (add the specification's "
                          "tests, or write `standard: compendial` if it is a pharmacopoeial grade)",
                          excipient.where("standard"), f"{path}.excipients[{excipient.id}].standard")
    if not dp.composition:
        return
    for excipient in dp.excipients:
        if excipient.id not in components:
            listed = ", ".join(sorted(components)) or "none"
            diags.error("E2515", f"excipient '{excipient.id}' is not a component of the composition (components that "
                        f"are not drug substances: {listed})", excipient.where("id"), f"{path}.excipients[{excipient.id}]")


def _check_comparability(owner, path: str, sites: set, diags: Diagnostics) -> None:
    """ICH Q5E studies: lots are batches of this record or have their own number, both roles are there,
    every attribute names what it measures, and every lot has a result for every attribute."""
    batches = {b.id: b for b in owner.batches}
    tests = {t.id for t in owner.specification.tests} if owner.specification else set()
    for study in owner.comparability:
        where = f"{path}.comparability[{study.id}]"
        lots = {lot.id: lot for lot in study.lots}
        for lot in study.lots:
            _check_lot(lot, f"{where}.lots[{lot.id}]", batches, sites, diags)
        if _not_empty(study.lots, "lot", study.where("lots"), f"{where}.lots", diags):
            for role in ("pre-change", "post-change"):
                if not any(lot.role == role for lot in study.lots):
                    diags.error("E2532", f"no {role} lot: a comparison needs lots made before and after the change",
                                study.where("lots"), f"{where}.lots")
        _not_empty(study.attributes, "attribute", study.where("attributes"), f"{where}.attributes", diags)
        for attribute in study.attributes:
            _check_attribute(attribute, f"{where}.attributes[{attribute.id}]", lots, batches, tests, diags)


def _check_lot(lot, path: str, batches: dict, sites: set, diags: Diagnostics) -> None:
    if bool(lot.batch) == bool(lot.number):
        diags.error("E2530", "give either `batch` (a batch of this record) or `number` (a lot listed here)",
                    lot.at, path)
    if lot.batch:
        _known(lot.batch, set(batches), "batch", lot.where("batch"), f"{path}.batch", diags)
    if lot.site:
        _known(lot.site, sites, "site", lot.where("site"), f"{path}.site", diags)


def _check_attribute(attribute, path: str, lots: dict, batches: dict, tests: set, diags: Diagnostics) -> None:
    if not attribute.attribute and not attribute.test:
        diags.error("E2531", "give `attribute` (what is measured) or `test` (a specification test id)",
                    attribute.at, path)
    if attribute.test and not _known(attribute.test, tests, "specification test", attribute.where("test"),
                                     f"{path}.test", diags):
        return
    for lot in attribute.results:
        _known(lot, set(lots), "comparability lot", attribute.where(f"results.{lot}"), f"{path}.results.{lot}", diags)
    for lot in lots.values():
        batch = batches.get(lot.batch)
        from_batch = batch is not None and attribute.test and attribute.test in batch.results
        if lot.id not in attribute.results and not from_batch:
            diags.error("E2505", f"no result for lot '{lot.id}' (write NT if it was not tested"
                        f"{'' if lot.batch else ', or tie the attribute to a specification `test` and the lot to a `batch`'})",
                        attribute.where("results"), f"{path}.results")


def _check_safety(item, path: str, diags: Diagnostics) -> None:
    """3.2.A.2: test results name a tested material, clearance results a model virus, and every
    clearance result states its LRV or all four titres and volumes it is computed from."""
    materials = {m.id for m in item.materials}
    for test in item.tests:
        _not_empty(test.results, "result", test.where("results"), f"{path}.tests[{test.id}].results", diags)
        for material in test.results:
            _known(material, materials, "tested material", test.where(f"results.{material}"),
                   f"{path}.tests[{test.id}].results.{material}", diags)
    clearance = item.clearance
    if clearance is None:
        return
    where = f"{path}.clearance"
    viruses = {v.id for v in clearance.viruses}
    _not_empty(clearance.viruses, "model virus", clearance.where("viruses"), f"{where}.viruses", diags)
    _not_empty(clearance.steps, "process step", clearance.where("steps"), f"{where}.steps", diags)
    for step in clearance.steps:
        _not_empty(step.results, "model virus result", step.where("results"), f"{where}.steps[{step.id}].results", diags)
        for virus, result in step.results.items():
            at = f"{where}.steps[{step.id}].results.{virus}"
            if _known(virus, viruses, "model virus", step.where(f"results.{virus}"), at, diags):
                _check_clearance_result(result, at, diags)
    for virus in clearance.overall:
        _known(virus, viruses, "model virus", clearance.where(f"overall.{virus}"), f"{where}.overall.{virus}", diags)


def _check_clearance_result(result, path: str, diags: Diagnostics) -> None:
    stated = [name for name, value in zip(PAIR_FIELDS, result.pairs) if value]
    if stated and len(stated) < len(PAIR_FIELDS):
        missing = ", ".join(f"`{n}`" for n in PAIR_FIELDS if n not in stated)
        diags.error("E2533", f"the LRV is recomputed from all four of {', '.join(PAIR_FIELDS)}; {missing} "
                    "missing", result.at, path)
    elif not stated and not result.lrv:
        diags.error("E2534", "no LRV: state `lrv`, or the load and output volumes and titres it is computed from",
                    result.at, path)


PAIR_FIELDS = ("load_volume", "load_titre", "output_volume", "output_titre")


def _known(ident: str, known: set, what: str, origin, path: str, diags: Diagnostics) -> bool:
    if ident in known:
        return True
    listed = ", ".join(sorted(known)) or "none defined"
    diags.error("E2508", f"unknown {what} '{ident}' (expected one of: {listed})", origin, path)
    return False


def _check_dose_and_lots(dp, path: str, sites: set, diags: Diagnostics) -> None:
    """Ids the dose, lipid, release and custody records use: strengths, composition rows, tests, sites."""
    strengths, rows = {s.id for s in dp.strengths}, {c.id for c in dp.composition}
    tests = {t.id for t in dp.specification.tests} if dp.specification else set()
    for presentation in dp.dosing.presentations if dp.dosing else ():
        _known(presentation.strength, strengths, "strength", presentation.where("strength"),
               f"{path}.dosing.presentations[{presentation.id}].strength", diags)
    for lipid in dp.lnp.lipids if dp.lnp else ():
        _known(lipid.id, rows, "composition row", lipid.where("id"), f"{path}.lnp.lipids[{lipid.id}]", diags)
    for pending in dp.release_strategy.pending if dp.release_strategy else ():
        _known(pending.id, tests, "specification test", pending.where("id"),
               f"{path}.release_strategy.pending[{pending.id}]", diags)
    for batch in dp.batches:
        for event in batch.chain_of_identity.events if batch.chain_of_identity else ():
            if event.site:
                _known(event.site, sites, "site", event.where("site"),
                       f"{path}.batches[{batch.id}].chain_of_identity.events[{event.id}].site", diags)
