"""Stage 3, validate: the merged tree → the typed `Content`, or nothing when any rule fails.

Binding checks each field (schema.py); the cross-record rules (references.py) make sure every
identifier a record refers to exists. This stage is the gate: it returns a `Content` only when
both found no error, so plan, views and checks run only on content they can rely on. All problems
are collected in one run.
"""
from __future__ import annotations

from . import master_files, references
from .errors import Diagnostics
from .localisation import check_language_keys
from .model import Content
from .page_header import check_short_name
from .profile import RegionProfile
from .schema import bind_record
from .source import Value


def validate(tree: Value, product_id: str, profile: RegionProfile, diags: Diagnostics) -> Content | None:
    failed = len(diags.errors)
    content = bind_record(Content, tree, "", diags)
    if content is None or len(diags.errors) > failed:
        return None  # a record that failed to bind would make every reference to it look wrong
    references.check(content, product_id, profile, diags)
    master_files.check(content, profile, diags)
    check_short_name(content.product, profile.layout, diags)
    check_language_keys(content, profile, diags)
    return content if len(diags.errors) == failed else None
