"""`--format pqcmc`: FHIR R5 JSON in the shape of the FDA PQ/CMC implementation guide
(HL7/FHIR-us-pq-cmc-fda): one Bundle (type document, Composition first) per product and region.

Specifications (3.2.S.4.1, 3.2.P.5.1, excipient 3.2.P.4.1) become PlanDefinition (profile
pqcmc-quality-specification), each test an action with its acceptance criterion as goal target;
batch results become DiagnosticReport (pqcmc-batch-analysis) with one Observation per test.
Each exported content value is listed in pqcmc.trace.json (JSON pointer → file:line:column)."""
from __future__ import annotations

import re


from ..errors import content_error, environment_error

from .trace import Trace, decimal, dumps, plain

IG = "http://hl7.org/fhir/us/pq-cmc-fda/StructureDefinition/"
# Profile ids as in the IG's FSH (qualitySpecification.fsh, BatchAnalysis.fsh, StabilityStudy.fsh). The IG
# has one document Bundle profile per composition (e.g. cmc-ectd-document-sp4454 batch analyses,
# cmc-ectd-document-sp7383 stability); this export keeps one Bundle per pair, so Bundle and
# Composition claim no profile.
PROFILES = {"PlanDefinition": IG + "pqcmc-quality-specification", "DiagnosticReport": IG + "pqcmc-batch-analysis",
            "Stability": IG + "pqcmc-stability-study-interval-report", "Observation": IG + "pq-result-observation"}
UCUM = {"%": "%", "mg": "mg", "g": "g", "mL": "mL", "µg": "ug", "ppm": "[ppm]", "CFU/g": "{CFU}/g", "µm": "um"}
SECTIONS = {"drug_substances": "3.2.S.4.1", "drug_products": "3.2.P.5.1", "excipients": "3.2.P.4.1"}
DATE = "2000-01-01"  # fixed: a date the content does not give must not make bytes vary


class Src:
    """A content value placed in a resource: rendered as `out`, traced to `value.origin`."""

    def __init__(self, value, out=None):
        self.value, self.out = value, value.data if out is None else out


def export(dossier, diags=None) -> dict[str, bytes]:
    resources = []
    for section, owner, spec in _specifications(dossier.tree):
        resources.append(_plan(section, owner, spec))
        for batch in _list(owner, "batches"):
            resources.extend(_batch(owner, spec, batch, diags))
        for study in _list(_get(owner, "stability"), "studies"):
            resources.extend(_study(spec, study, diags))
    composition = {"resourceType": "Composition", "id": "composition", "status": "final", "date": DATE,
                   "type": {"text": "eCTD specification and batch analyses"},
                   "title": f"{dossier.product} – {dossier.region} quality specifications",
                   "author": [{"display": dossier.product}],
                   "section": [{"title": r["title"].out if isinstance(r.get("title"), Src) else r["id"],
                                "entry": [{"reference": f"{r['resourceType']}/{r['id']}"}]} for r in resources]}
    entries = [composition, *resources]
    bundle = {"resourceType": "Bundle", "id": f"{dossier.product}-{dossier.region}", "type": "document",
              "timestamp": DATE + "T00:00:00Z",
              "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:cmc:{dossier.product}:{dossier.region}"},
              "entry": [{"fullUrl": f"urn:cmc:{r['resourceType']}/{r['id']}", "resource": _meta(r)} for r in entries]}
    trace = Trace()
    data = _resolve(bundle, "", trace)
    _validate(data, trace)
    return {"pqcmc.bundle.json": dumps(data), "pqcmc.trace.json": trace.dumps("pqcmc.bundle.json")}


def _validate(data: dict, trace: Trace) -> None:
    """The FHIR R5 model is the gate for structure; a failure names the content value it came from.
    The model library is an optional extra: without it the export stops with how to install it."""
    try:
        from fhir.resources.bundle import Bundle
        from pydantic import ValidationError
    except ImportError:
        raise environment_error("E4119", "the PQ/CMC export validates with fhir.resources, which is not installed: "
                                "pip install -e '.[export]'") from None
    try:
        Bundle.model_validate(plain(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        pointer = "/" + "/".join(str(p) for p in first["loc"])
        where = trace.entries.get(pointer)
        raise content_error("E2973", f"the PQ/CMC bundle is not valid FHIR R5 at {pointer}: {first['msg']}"
                            + (f" (value from {where})" if where else ""), None, pointer) from None


def _fid(text: str) -> str:
    """A FHIR id (letters, digits, '-' and '.', at most 64) from a content identifier."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def _meta(resource: dict) -> dict:
    """The resource with meta.profile naming its PQ/CMC profile (a report's `_kind` selects batch or stability)."""
    body = {k: v for k, v in resource.items() if k != "_kind"}
    profile = PROFILES.get(resource.get("_kind", resource["resourceType"]))
    return {**body, "meta": {"profile": [profile]}} if profile else body


def _specifications(tree):
    """(section, owning record, specification) for every specification in the content, in order."""
    for key, section in SECTIONS.items():
        if key == "excipients":
            continue
        for owner in _list(tree, key):
            spec = _get(owner, "specification")
            if spec is not None:
                yield section, owner, spec
            for excipient in _list(owner, "excipients"):
                if (own := _get(excipient, "specification")) is not None:
                    yield SECTIONS["excipients"], excipient, own


def _plan(section: str, owner, spec) -> dict:
    actions, goals = [], []
    for test in _list(spec, "tests"):
        tid = _text(test, "id")
        for kind in ("release", "shelf_life"):
            crit = _get(test, kind)
            if crit is not None:
                goals.append({"id": _fid(f"{tid}-{kind}"), "description": {"text": f"{tid} ({kind})"},
                              "target": [{"detailString": Src(crit)}]})
        actions.append({"id": _fid(tid), "title": Src(_get(test, "test")),
                        "description": Src(_get(test, "procedure")) if _get(test, "procedure") else None,
                        "goalId": [g["id"] for g in goals if g["id"].startswith(_fid(f"{tid}-"))]})
    return {"resourceType": "PlanDefinition", "id": _fid(_text(spec, "id")), "status": "active",
            "title": Src(_get(spec, "name")), "version": Src(_get(spec, "version")) if _get(spec, "version") else None,
            "subtitle": section, "date": DATE,
            "subjectReference": {"display": Src(_get(owner, "name") or _get(owner, "id"))},
            "goal": goals, "action": actions}


def _batch(owner, spec, batch, diags) -> list[dict]:
    """A batch's release results: one DiagnosticReport (pqcmc-batch-analysis) and an Observation per test."""
    bid, subject = _text(batch, "id"), Src(_get(batch, "number") or _get(batch, "id"))
    results = _get(batch, "results")
    observations = [_observation(_units(spec), f"{bid}-{tid}", tid, result, subject, diags)
                    for tid, result in (results.data.items() if results is not None and results.is_map else ())]
    return [_report(f"batch-{bid}", f"Batch analysis {bid}", "DiagnosticReport", observations), *observations]


def _study(spec, study, diags) -> list[dict]:
    """A stability study: per time point one DiagnosticReport (pqcmc-stability-study-interval-report)
    with an Observation (pq-result-observation) per test."""
    sid, subject = _text(study, "id"), Src(_get(study, "batch") or _get(study, "id"))
    results = _get(study, "results")
    series = list(results.data.items()) if results is not None and results.is_map else []
    out = []
    for index, point in enumerate(_list(study, "timepoints")):
        observations = [_observation(_units(spec), f"{sid}-t{point.data}-{tid}", tid, values.data[index], subject, diags)
                        for tid, values in series if values.is_list and index < len(values.data)]
        report = _report(f"stab-{sid}-t{point.data}", f"Stability {sid}", "Stability", observations)
        report["conclusion"] = Src(point, f"time point {point.data}")
        out.extend([report, *observations])
    return out


def _units(spec) -> dict:
    return {_text(t, "id"): _get(t, "result_unit") for t in _list(spec, "tests")}


def _report(rid: str, text: str, kind: str, observations: list) -> dict:
    return {"resourceType": "DiagnosticReport", "id": _fid(rid), "status": "final", "code": {"text": text},
            "_kind": kind, "result": [{"reference": f"Observation/{o['id']}"} for o in observations]}


def _observation(units: dict, oid: str, tid: str, result, subject: Src, diags) -> dict:
    """One result: a Quantity (typed decimal, UCUM where known) when numeric with a unit, else text."""
    obs = {"resourceType": "Observation", "id": _fid(oid), "status": "final", "code": {"text": tid},
           "subject": {"display": subject}}
    unit, number = units.get(tid), decimal(result.data) if result.is_text else None
    if number is not None and unit is not None:
        code = UCUM.get(unit.data)
        obs["valueQuantity"] = {"value": Src(result, number), "unit": Src(unit)}
        if code is not None:
            obs["valueQuantity"].update(system="http://unitsofmeasure.org", code=code)
        elif diags is not None:
            diags.warning("W2972", f"unit '{unit.data}' has no known UCUM code; exported without one",
                          unit.origin, f"{tid}.result_unit")
    else:
        obs["valueString"] = Src(result)
    return obs


def _resolve(node, pointer: str, trace: Trace):
    """Drop empty fields, turn every Src into its output and record where it came from."""
    if isinstance(node, Src):
        trace.add(pointer, node.value)
        return node.out
    if isinstance(node, dict):
        return {k: _resolve(v, f"{pointer}/{k}", trace) for k, v in node.items() if v not in (None, [], {})}
    if isinstance(node, list):
        return [_resolve(v, f"{pointer}/{i}", trace) for i, v in enumerate(node)]
    return node


def _get(value, key):
    return value.data.get(key) if value is not None and value.is_map else None


def _list(value, key):
    found = _get(value, key)
    return found.data if found is not None and found.is_list else []


def _text(value, key) -> str:
    found = _get(value, key)
    return found.data if found is not None and found.is_text else ""
