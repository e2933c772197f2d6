"""`--format json`: the merged model as plain JSON (every scalar as its typed text) + model.trace.json."""
from __future__ import annotations

from .trace import Trace, dumps


def export(dossier, diags=None) -> dict[str, bytes]:
    trace = Trace()
    body = {"product": dossier.product, "region": dossier.region, "format": "cmc-model/1",
            "model": _plain(dossier.tree, "/model", trace)}
    return {"model.json": dumps(body), "model.trace.json": trace.dumps("model.json")}


def _plain(value, pointer: str, trace: Trace):
    if value.is_map:
        return {k: _plain(v, f"{pointer}/{_escape(k)}", trace) for k, v in value.data.items()}
    if value.is_list:
        return [_plain(v, f"{pointer}/{i}", trace) for i, v in enumerate(value.data)]
    trace.add(pointer, value)
    return value.data


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
