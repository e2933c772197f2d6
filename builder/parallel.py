"""Rendering (product, region) pairs on every core, with output byte-identical to a serial build.

Everything before rendering (load, merge, validate, plan, check) runs once in the parent, so the
gate is the same: nothing renders unless every pair is clean. The pool is forked after that, so each
worker already holds the prepared dossiers and only an index crosses the process boundary; a worker
renders one pair and sends back its files. Results come back in the pairs' order, so the published
output and its manifests do not depend on which worker finished first. Where `fork` is not
available, one worker would do, or the caller asks for none (`jobs=None`, the library default; the
`invoke build` task asks for one per core), the pairs render in this process as before.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from .errors import DossierError

_PREPARED: tuple | None = None  # (project, dossiers, stage), set before the fork, read by the workers
_TASK: tuple | None = None      # (func, items) of `each`, likewise


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(jobs: int | None, pairs: int) -> int:
    """`jobs` workers (0: one per core; None: this process only), never more than there are pairs."""
    if jobs is None:
        return 1
    wanted = jobs if jobs > 0 else available_cores()
    return max(1, min(wanted, pairs))


@contextmanager
def renderer(project, dossiers: list, jobs: int | None, stage=None):
    """Yield `render(advance)` → the rendered dossiers in order, each leaf written to `stage` (a
    `publish.Staging`, or None: kept in memory) as it is finished. The pool (if any) is forked here,
    before a progress display starts its drawing thread."""
    from .rendering import render_dossier

    count = worker_count(jobs, len(dossiers))
    if count == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda advance: [render_dossier(project, dossier, advance, stage=stage) for dossier in dossiers]
        return
    global _PREPARED
    _PREPARED = (project, dossiers, stage)
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            yield lambda advance: _collect(pool, project, dossiers, advance, stage)
    finally:
        _PREPARED = None


def _collect(pool, project, dossiers: list, advance, stage=None) -> list:
    """The pairs in order; a worker that died (killed, out of memory) is not waited for: its pairs and
    the rest render here instead, so a build never hangs on a lost worker."""
    from .rendering import render_dossier

    try:
        results = list(pool.map(_render_one, range(len(dossiers))))
    except BrokenProcessPool:
        results = [None] * len(dossiers)
    rendered = []
    for index, result in enumerate(results):
        if result is None:
            result = render_dossier(project, dossiers[index], stage=stage)
        if isinstance(result, _Failed):  # a DossierError in the worker, raised here as it would be serially
            result.throw()
        rendered.append(result)
        dossier = dossiers[index]
        for leaf in dossier.leaves:
            advance(f"{dossier.product}/{dossier.region}/{leaf.number}")
    return rendered


def _render_one(index: int):
    from .rendering import render_dossier

    project, dossiers, stage = _PREPARED
    try:
        return render_dossier(project, dossiers[index], stage=stage)
    except DossierError as exc:
        return _Failed(exc)


def each(func, items: list, jobs: int | None):
    """Yield `func(item)` for every item, in order, computed on forked workers when there are several
    items and cores (the results travel back pickled). A DossierError is raised where the serial loop
    would raise it: after the results of the items before it have been taken. A worker that died
    makes the whole batch run here instead."""
    count = worker_count(jobs, len(items))
    if count == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (func(item) for item in items)
        return
    global _TASK
    _TASK = (func, items)
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_each_one, range(len(items))))
    except BrokenProcessPool:
        results = None
    finally:
        _TASK = None
    if results is None:
        yield from (func(item) for item in items)
        return
    for result in results:
        if isinstance(result, _Failed):
            result.throw()
        yield result


class _Failed:
    """A DossierError as it crosses back from a worker (its own constructor does not unpickle)."""

    def __init__(self, exc: DossierError):
        self.category, self.diagnostics, self.total = exc.category, exc.diagnostics, exc.total

    def throw(self):
        raise DossierError(self.category, self.diagnostics, self.total)


def _each_one(index: int):
    func, items = _TASK
    try:
        return func(items[index])
    except DossierError as exc:
        return _Failed(exc)
