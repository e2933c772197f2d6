"""Incremental builds: a leaf is rendered again only when something it depends on changed.

A leaf's fingerprint is the SHA-256 of everything its bytes are made from: the builder's own code,
the pair's non-content inputs (region profile, modality, rules, section tree), the leaf's template,
the table of leaves (cross-references print other leaves' numbers and titles), the leaf's own place
and titles, and the values its views read, in the order they read them (recorded as they read,
`reads.py`: a value no view read cannot change the leaf). The manifest keeps each leaf's fingerprint;
the next build takes the previous bytes of a leaf whose fingerprint is the same and whose file still
has the recorded SHA-256, and renders the rest. A value the fingerprint cannot describe exactly (an
object without a stable text form) only makes the leaf render again, never reuses it wrongly.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from . import __version__
from .files import NotAFile, read_regular
from .nodes import Node

_get = object.__getattribute__


def values_digest(recorder, memo: dict | None = None) -> str:
    """The values one recording read, in order: fields, then map entries, then labels.

    `memo` (one per pair) keeps each field's text once made: the leaves of a pair read the same
    records over and over, and making the text of a long list again for every leaf was a third of
    `invoke check`. It holds the node too, so an id is never reused while its entry lives."""
    memo = {} if memo is None else memo
    digest = hashlib.sha256()
    for node, name in recorder.fields:
        key = (id(node), name)
        if (known := memo.get(key)) is None:
            known = memo[key] = (node, f"{type(node).__name__}.{name}={_stable(_get(node, name))}\n".encode())
        digest.update(known[1])
    for node, name, entry in recorder.entries:
        value = _get(node, name).get(entry)
        digest.update(f"{type(node).__name__}.{name}[{entry!r}]={_stable(value)}\n".encode())
    digest.update(repr(sorted(recorder.labels)).encode())
    return digest.hexdigest()


def _stable(value) -> str:
    """A text that changes whenever the printed value could: records by kind (their fields are reads of
    their own), maps by their keys, sequences item by item, everything else by its representation."""
    if isinstance(value, Node):
        return f"<{type(value).__name__}>"
    if isinstance(value, Mapping):
        return "{" + ",".join(repr(k) for k in value) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_stable(v) for v in value) + ")"
    if isinstance(value, (str, int, float, Decimal, bool)) or value is None:
        return repr(value)
    text = repr(value)
    return text if " at 0x" not in text else f"<unstable {id(value)}>"  # never equal across runs


@lru_cache(maxsize=1)
def engine() -> str:
    """The builder's version and the bytes of its code: a changed view renders every leaf again."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def basis(dossier) -> str:
    """What every leaf of the pair shares: code, non-content inputs, and the table of leaves."""
    inputs = sorted((s.path, s.sha256) for s, role in dossier.inputs if role != "content")
    table = [(lf.number, lf.title, lf.path, lf.kind, lf.template) for lf in dossier.leaves]
    return _hash([engine(), dossier.product, dossier.region, inputs, table])


def fingerprint(shared: str, leaf, template_sha: str) -> str | None:
    """The leaf's fingerprint, or None when its reads were not recorded (it always renders)."""
    reads = getattr(leaf, "reads", None)
    if reads is None or not getattr(reads, "digest", ""):
        return None
    extension = getattr(leaf, "extension", None)
    return _hash([shared, template_sha, leaf.number, leaf.title, leaf.heading, leaf.subject, leaf.path,
                  leaf.kind, leaf.template, repr(extension), repr(getattr(leaf, "backbone", ())), reads.digest])


def _hash(parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def previous(folder: Path) -> dict[str, tuple[str, str]]:
    """path → (fingerprint, sha256) of each leaf the last build of this region wrote (empty when none,
    or when its manifest cannot be read: then everything renders)."""
    try:
        manifest = json.loads(read_regular(folder / "manifest.json"))
        return {leaf["path"]: (leaf["fingerprint"], leaf["sha256"]) for leaf in manifest["leaves"]
                if isinstance(leaf.get("fingerprint"), str)}
    except (OSError, NotAFile, ValueError, KeyError, TypeError, AttributeError):
        return {}


def reusable(folder: Path, path: str, wanted: str | None, known: dict) -> bytes | None:
    """The previous bytes of leaf `path` when its fingerprint is `wanted` and the file is as recorded."""
    if wanted is None or known.get(path, ("", ""))[0] != wanted:
        return None
    try:
        data = read_regular(folder / path)
    except (OSError, NotAFile):
        return None
    return data if hashlib.sha256(data).hexdigest() == known[path][1] else None
