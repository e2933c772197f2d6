"""Content read against its modality profile, before anything is planned: a gate like `measure`.

Which names content may use comes from the profile (a test's `attribute`, a lot's custody events),
so these rules cannot run in `validate`, which knows no profile. The quantities of the dose,
presentations, lipids, drug loads, patient weights and custody limits are read here once, so the
modality checks and views only meet figures they can read (E2621 at the line otherwise). After
planning, `unrendered` says when such content is given but no leaf of the modality shows it.
"""
from __future__ import annotations

from .cmc.numbers import Unreadable
from .cmc.spans import read_span, value_in
from .errors import Diagnostics
from .provenance import renders
from .schema import _suggest

# Content the modality-specific kinds render, and the leaf kinds a writer would expect it in.
MODALITY_FIELDS = {
    "dosing": "3.2.P.1 (kind composition-and-dose)",
    "lnp": "3.2.P.1 (kind composition-and-dose)",
    "custody": "3.2.P.3.3 (kind process-and-custody)",
    "release_strategy": "3.2.P.5.1 (kind specification-and-release)",
}
BATCH_FIELDS = {
    "chain_of_identity": "3.2.P.3.3 (kind process-and-custody)",
    "drug_load": "3.2.S.4.4 / 3.2.P.5.4 (kind batch-analyses-and-lots)",
}


def check(content, modality, reading, diags: Diagnostics) -> bool:
    """Every modality name and quantity readable; True when nothing failed."""
    before = len(diags.errors)
    _profile_units(modality, reading, diags)
    attributes = {a.id for a in modality.release_attributes}
    events = {e.id for e in modality.custody.events} if modality.custody is not None else None
    for owner, path in _owners(content):
        for test in owner.specification.tests if owner.specification else ():
            if test.attribute and test.attribute not in attributes:
                diags.error("E2541", f"'{test.attribute}' is not a release attribute of the {modality.name} profile "
                            f"(known: {', '.join(sorted(attributes)) or 'none'}){_suggest(test.attribute, attributes)}",
                            test.where("attribute"), f"{path}.specification.tests[{test.id}].attribute")
        for batch in owner.batches:
            _batch(batch, f"{path}.batches[{batch.id}]", modality, events, reading, diags)
    for dp in content.drug_products:
        path = f"drug_products[{dp.id}]"
        if dp.dosing is not None:
            _dosing(dp.dosing, f"{path}.dosing", reading, diags)
        if dp.lnp is not None:
            _lnp(dp.lnp, f"{path}.lnp", reading, diags)
        for limit in dp.custody.limits if dp.custody is not None else ():
            where = f"{path}.custody.limits[{limit.id}]"
            for name in ("start", "end"):
                _event_name(getattr(limit, name), events, modality, limit.where(name), f"{where}.{name}", diags)
            _read(limit, "within", where, diags, lambda l=limit: reading.quantity(l.within),
                  lambda q: value_in(q, "second", reading.units) is not None, "a time such as 48 hours or 90 minutes")
    return len(diags.errors) == before


def _owners(content):
    for ds in content.drug_substances:
        yield ds, f"drug_substances[{ds.id}]"
    for dp in content.drug_products:
        yield dp, f"drug_products[{dp.id}]"


def _profile_units(modality, reading, diags: Diagnostics) -> None:
    """What the profile itself must make readable: its units, and the events its custody check needs."""
    if modality.runs("chain-of-identity") and modality.custody is None:
        diags.error("E2343", "check 'chain-of-identity' needs the profile's `custody.events` (the events every lot "
                    "records, in order)", modality.where("checks"), "checks")
    for attribute in modality.release_attributes:
        if not attribute.unit:
            continue
        try:
            reading.quantity(f"1 {attribute.unit}")
        except Unreadable as exc:
            diags.error("E2341", f"release attribute '{attribute.id}': unit '{attribute.unit}' cannot be read ({exc})",
                        attribute.where("unit"), f"release_attributes[{attribute.id}].unit")


def _event_name(name: str, events, modality, origin, path: str, diags: Diagnostics) -> None:
    if events is not None and name not in events:
        diags.error("E2542", f"'{name}' is not a custody event of the {modality.name} profile (known: "
                    f"{', '.join(sorted(events))}){_suggest(name, events)}", origin, path)


def _read(record, name: str, path: str, diags: Diagnostics, read, fits, expected: str) -> None:
    """Read `record.name`; E2621 when it cannot be read or is not of the kind expected."""
    try:
        ok = fits(read())
    except Unreadable as exc:
        diags.error("E2621", f"{exc}; expected {expected}", record.where(name), f"{path}.{name}")
        return
    if not ok:
        diags.error("E2621", f"'{getattr(record, name)}' is not {expected}", record.where(name), f"{path}.{name}")


def _batch(batch, path: str, modality, events, reading, diags: Diagnostics) -> None:
    for load, text in batch.drug_load.items():
        where, origin = f"{path}.drug_load.{load}", batch.where(f"drug_load.{load}")
        try:
            ok = _is_percent(reading.quantity(text), reading)
        except Unreadable as exc:
            diags.error("E2621", f"{exc}; expected a percentage such as 27.9 %", origin, where)
            continue
        if not ok:
            diags.error("E2621", f"'{text}' is not a percentage such as 27.9 %", origin, where)
    chain = batch.chain_of_identity
    if chain is None:
        return
    if chain.body_weight:
        _read(chain, "body_weight", f"{path}.chain_of_identity", diags, lambda: reading.quantity(chain.body_weight),
              lambda q: value_in(q, "kilogram", reading.units) is not None and q.value > 0,
              "a body weight such as 72.4 kg")
    for event in chain.events:
        _event_name(event.id, events, modality, event.where("id"), f"{path}.chain_of_identity.events[{event.id}]",
                    diags)


def _is_percent(quantity, reading) -> bool:
    return quantity.unit is None or value_in(quantity, "percent", reading.units) is not None


def _dosing(dosing, path: str, reading, diags: Diagnostics) -> None:
    units = reading.units
    _read(dosing, "dose", path, diags, lambda: read_span(dosing.dose, reading),
          lambda s: 0 < s.low.value <= s.high.value,
          "a dose such as 1.1 × 10^14 vg/kg or 1.0 × 10^6 to 2.5 × 10^6 CAR+ T cells/kg")
    if dosing.body_weight:
        _read(dosing, "body_weight", path, diags, lambda: read_span(dosing.body_weight, reading),
              lambda s: value_in(s.high, "kilogram", units) is not None and s.low.value > 0,
              "body weights such as 2.6 kg to 21.0 kg")
    if dosing.max_dose:
        _read(dosing, "max_dose", path, diags, lambda: reading.quantity(dosing.max_dose),
              lambda q: q.unit is not None and q.value > 0,
              "a dose with its unit, e.g. 2.5 × 10^8 CAR+ T cells")
    for presentation in dosing.presentations:
        where = f"{path}.presentations[{presentation.id}]"
        for name in ("content", "concentration", "volume"):
            if getattr(presentation, name):
                _read(presentation, name, where, diags, lambda n=name: reading.quantity(getattr(presentation, n)),
                      lambda q: q.unit is not None and q.value > 0,
                      "a positive quantity with its unit, e.g. 2.0 × 10^13 vg/mL or 5.5 mL")


def _lnp(lnp, path: str, reading, diags: Diagnostics) -> None:
    for lipid in lnp.lipids:
        where = f"{path}.lipids[{lipid.id}]"
        if lipid.molar_mass:
            _read(lipid, "molar_mass", where, diags, lambda l=lipid: reading.quantity(l.molar_mass),
                  lambda q: value_in(q, "gram / mole", reading.units) is not None and q.value > 0,
                  "a molar mass such as 710.2 g/mol")
    if lnp.np_ratio:
        _read(lnp, "np_ratio", path, diags, lambda: reading.quantity(lnp.np_ratio),
              lambda q: q.unit is None and q.value > 0, "a ratio such as 6.0 (a positive number)")


def unrendered(content, leaves, diags: Diagnostics) -> None:
    """Content of the modality records that no planned leaf shows: never dropped in silence (W2441)."""
    for dp in content.drug_products:
        path = f"drug_products[{dp.id}]"
        for name, where in MODALITY_FIELDS.items():
            value = getattr(dp, name)
            if value is not None and not any(renders(leaf, f"{path}.{name}") for leaf in leaves):
                diags.warning("W2441", f"`{name}` is given but no leaf of this dossier shows it (the modality "
                              f"profile's leaves would set {where}); the checks still read it", dp.where(name), f"{path}.{name}")
    for owner, path in _owners(content):
        for name, where in BATCH_FIELDS.items():
            batch = next((b for b in owner.batches if getattr(b, name)), None)
            if batch is not None and not any(renders(leaf, f"{path}.batches[{batch.id}].{name}") for leaf in leaves):
                diags.warning("W2441", f"`{name}` is given on batches but no leaf of this dossier shows it (the "
                              f"modality profile's leaves would set {where})", batch.where(name),
                              f"{path}.batches[{batch.id}].{name}")
