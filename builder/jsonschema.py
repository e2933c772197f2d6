"""JSON Schemas (draft 2020-12) of the content files, generated from the model, for editor support.

The model's field declarations (`schema.field(kind, required, doc)`) are the single source: the
same declaration drives validation, error messages and these schemas, so an editor's completion,
hover text and inline errors cannot drift from what `invoke check` enforces. The schemas are a
convenience for writers, not the validator: `invoke check` stays authoritative (it also checks ids,
references, dates, overlays against the core, and the loader's YAML restrictions).

Two schemas: `content` describes a whole merged product (everything required is required);
`overlay` describes a regional overlay *or one core file* (a core file holds only some top-level
keys, and an overlay only what differs), so nothing is required except what the merge itself
needs: an `id` on every item of a record list, and complete items in lists that are replaced whole.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from . import model
from .schema import Choice, Kind, ListOf, MapOf, Pattern, Raw, Record, Records, Text

SHEET_FIELDS = {"results"}  # the fields a sheet mapping may stand for (splice.py reads `results:` only)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The loader reads every scalar as the text typed, but the YAML language server types `0.50` as a
# number and `true` as a boolean: accept those, or every unquoted number would show as an error.
SCALAR_TYPES = ["string", "number", "boolean"]
REMOVE = {"enum": [True, "true", "True", "TRUE"], "description": "remove the core record with this id"}


class _Builder:
    """Walks the model once per schema, collecting one `$defs` entry per record class (and mode)."""

    def __init__(self, overlay: bool):
        self.overlay = overlay
        self.defs: dict[str, dict] = {}
        self.listed: set[str] = set()  # defs used as items of a record list (overlays may remove them)

    def record(self, cls, complete: bool) -> dict:
        """A `$ref` to the record's definition; `complete` keeps its required fields in an overlay."""
        partial = self.overlay and not complete
        name = cls.__name__ if partial or not self.overlay else f"{cls.__name__}Complete"
        if name not in self.defs:
            self.defs[name] = {}  # reserve first: records may nest
            self.defs[name] = self._object(cls, partial)
        return {"$ref": f"#/$defs/{name}"}

    def _object(self, cls, partial: bool) -> dict:
        fields = [f for f in dataclasses.fields(cls) if "kind" in f.metadata and not isinstance(f.metadata["kind"], Raw)]
        schema = {
            "type": "object",
            "additionalProperties": False,
            "properties": {f.name: _sheetable(f.name, self.kind(f.metadata["kind"], f.metadata["doc"], not partial))
                           for f in fields},
        }
        if not partial:
            schema["required"] = [f.name for f in fields if f.metadata["required"]]
        doc = _class_doc(cls)
        if doc:
            schema["description"] = doc
        return schema

    def kind(self, kind: Kind, doc: str = "", complete: bool = True) -> dict:
        """The schema of one field kind; `doc` becomes its description (hover text in editors)."""
        if isinstance(kind, Records):
            schema = {"type": "array", "items": self._listed(kind.item.cls, complete)}
        elif isinstance(kind, Record):
            schema = self.record(kind.cls, complete)
        elif isinstance(kind, ListOf):  # replaced whole by an overlay, so its items are complete
            schema = {"type": "array", "items": self.kind(kind.item, complete=True)}
        elif isinstance(kind, MapOf):
            schema = {"type": "object", "propertyNames": {"pattern": kind.key.pattern},
                      "additionalProperties": self.kind(kind.item, complete=complete)}
        elif isinstance(kind, Text):
            schema = _scalar(kind)
        else:
            raise TypeError(f"no JSON Schema for field kind {type(kind).__name__}")
        description = _describe(kind, doc)
        return {**schema, "description": description} if description else schema

    def _listed(self, cls, complete: bool) -> dict:
        """Items of a record list: overlays merge them by `id`, so `id` stays required everywhere.
        (`allOf`, not a keyword beside `$ref`: draft-07 tools, such as many YAML language servers, ignore those.)"""
        ref = self.record(cls, complete)
        self.listed.add(ref["$ref"].rsplit("/", 1)[1])
        return {"allOf": [ref, {"required": ["id"]}]} if self.overlay else ref

    def finish(self) -> dict[str, dict]:
        if self.overlay:
            for name in self.listed:
                self.defs[name]["properties"]["remove"] = REMOVE
        return self.defs


# Results may instead name a lab sheet (builder/tabular/splice.py, docs/tabular-data.md); the loader
# reads it in before validation, so the model only ever sees the typed shape.
SHEET_MAPPING = {
    "type": "object", "additionalProperties": False, "required": ["sheet", "timepoints"],
    "description": "results read from a lab sheet (.xlsx or .csv next to this file)",
    "properties": {
        "sheet": {"type": "string", "description": "the .xlsx or .csv file, next to this YAML file"},
        "tab": {"type": "string", "description": "the workbook's tab (default: the first)"},
        "test_column": {"type": "string", "description": "the header of the column holding the test ids"},
        "timepoints": {"type": "array", "items": {"type": SCALAR_TYPES},
                       "description": "the headers of the result columns, one per time point"},
        "numeric": {"type": "array", "items": {"type": "string"}, "description": "test ids whose results are numbers"},
    },
}


def _sheetable(name: str, schema: dict) -> dict:
    return {"anyOf": [schema, SHEET_MAPPING]} if name in SHEET_FIELDS else schema


def _scalar(kind: Text) -> dict:
    schema: dict = {"type": SCALAR_TYPES}
    if isinstance(kind, Choice):
        schema["enum"] = list(kind.choices)
    elif isinstance(kind, Pattern):
        schema["pattern"] = kind.pattern.pattern
    elif not kind.blank_ok:
        schema["pattern"] = r"\S"  # blank text is refused by the loader
    return schema


def _describe(kind: Kind, doc: str) -> str:
    """The field's doc line, plus what it expects where that says more than 'text'."""
    parts = [doc] if doc else []
    if isinstance(kind, (Pattern, MapOf, Records)) and not isinstance(kind, Choice):
        parts.append(kind.expected)
    if isinstance(kind, Text) and kind.markdown:
        parts.append("Markdown subset: **bold**, *italic*, ~sub~, ^sup^, lists (docs/content-format.md)")
    return "; ".join(parts)


def _class_doc(cls) -> str:
    doc = (cls.__doc__ or "").strip()
    return "" if doc.startswith(f"{cls.__name__}(") else doc  # skip dataclass's generated signature


def _schema(overlay: bool, title: str, description: str) -> dict:
    builder = _Builder(overlay)
    root = builder.record(model.Content, complete=not overlay)
    defs = builder.finish()
    body = defs.pop(root["$ref"].rsplit("/", 1)[1])  # the root is the document itself, not a $def
    return {"$schema": DRAFT, **body, "title": title, "description": description, "$defs": defs}


def content_schema() -> dict:
    """The whole merged content of one product: what `invoke check` validates after merging."""
    return _schema(False, "CMC content (merged)",
                   "The complete content of one product after the core files and an overlay are merged.")


def overlay_schema() -> dict:
    """One core file or one regional overlay: any subset of the top-level keys, nothing required."""
    return _schema(True, "CMC content file (core file or regional overlay)",
                   "A core/*.yaml file or a <region>.yaml overlay: any subset of the content keys. Required "
                   "fields are checked by `invoke check` after merging; record-list items need an `id`, and "
                   "`remove: true` removes a core record in an overlay.")


def write_schemas(dest: Path) -> list[Path]:
    """Write content.schema.json and overlay.schema.json into `dest`, byte-for-byte reproducibly."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in (("content", content_schema()), ("overlay", overlay_schema())):
        path = dest / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
