"""Checks as a registry of named functions, selected by name from a modality profile's `checks`.

A content check looks at the whole product (`run(ctx)`); an owner check runs once per drug substance
and drug product (`run(ctx, owner, path)`), after every content check. Checks register themselves
with `@content_check(name)` or `@owner_check(name)`; `catalogue` imports every module that does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class CheckContext:
    """What a check may read: the content, the rules, the region and modality profiles, the reading, the plan."""

    content: object
    rules: object
    profile: object
    reading: object
    modality: object
    leaves: tuple = ()   # the planned leaves of this pair (risk data gaps linked to sections read them)
    texts: dict | None = None   # leaf path → what it prints, from the pipeline (None: built on demand)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable
    per_owner: bool
    doc: str


CHECKS: dict[str, Check] = {}


def _register(name: str, per_owner: bool):
    def decorate(fn):
        if name in CHECKS:
            raise ValueError(f"check '{name}' registered twice")
        CHECKS[name] = Check(name, fn, per_owner, (fn.__doc__ or "").strip().split("\n")[0])
        return fn
    return decorate


def content_check(name: str):
    return _register(name, False)


def owner_check(name: str):
    return _register(name, True)
