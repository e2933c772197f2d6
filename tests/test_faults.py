"""Fault injection (pitfalls.md §7, F1–F12): whatever goes wrong, the previous output survives intact.

A module fixture builds the example once; each test copies that tree, changes the content (so a new
build differs from the old one in every leaf), injects one fault and checks: the old output is
byte-identical (where a region was already swapped: a region folder is the complete old or the
complete new one, never a mix), the exit category or code is right, and the next build sweeps every
`.staging-*` leftover and succeeds. Faults that kill the process run a build in a subprocess.

Rendering is a pure function of the inputs (F8 checks it), so in-process builds whose fault lies in
publishing reuse the rendered changed dossiers (`cached_render`): they still run prepare, the lock,
the sweep, publish and verify for real, and keep this file near its 90 s budget.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import builder.pipeline
import builder.publish
import builder.rendering
import builder.source
from builder.errors import Category, DossierError
from builder.pipeline import build, prepare, render_dossier
from builder.project import Project
from builder.publish import STAGING_PREFIX, build_lock
from builder.commands.verify import verify

from conftest import REPO, only_example

PRODUCT = "examplinib"
REGIONS = ("fda", "ema")  # two of the three: enough for multi-region faults, and a third of the time less
NAME = "  name: Examplinib Film-coated Tablets\n"

# The subprocess driver: an optional patched clock, an optional kill (os._exit(9)) at the n-th call of
# a publish step, then the build through tasks._run, so exit codes are the ones `invoke build` gives.
DRIVER = r"""
import json, os, shutil, sys
repo, root, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, repo)
if spec.get("clock"):
    import datetime, time
    FAKE = 4102444800.0 + 12345.678  # 2100-01-01: a clock no build ever ran at
    real_localtime, real_gmtime = time.localtime, time.gmtime
    time.time, time.time_ns = (lambda: FAKE), (lambda: int(FAKE * 1e9))
    time.localtime = lambda secs=None: real_localtime(FAKE if secs is None else secs)
    time.gmtime = lambda secs=None: real_gmtime(FAKE if secs is None else secs)
    class FakeDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None): return cls.fromtimestamp(FAKE, tz)
        @classmethod
        def utcnow(cls): return cls.utcfromtimestamp(FAKE)
        @classmethod
        def today(cls): return cls.fromtimestamp(FAKE)
    class FakeDate(datetime.date):
        @classmethod
        def today(cls): return cls.fromtimestamp(FAKE)
    datetime.datetime, datetime.date = FakeDatetime, FakeDate
from pathlib import Path
import invoke, tasks, builder.pipeline, builder.publish

class Proxy:  # a module as builder.publish sees it, one function replaced
    def __init__(self, module): self.module = module
    def __getattr__(self, name): return getattr(self.module, name)

def kill_at(func, n):
    calls = [0]
    def wrapper(*args, **kwargs):
        if calls[0] == n:
            os._exit(9)
        calls[0] += 1
        return func(*args, **kwargs)
    return wrapper

if spec.get("kill"):
    target, n = spec["kill"]
    if target == "_write":
        builder.publish._write = kill_at(builder.publish._write, n)
    else:
        module = {"replace": os, "rmtree": shutil}[target]
        proxy = builder.publish.__dict__[module.__name__] = Proxy(module)
        setattr(proxy, target, kill_at(getattr(module, target), n))
regions = spec.get("regions")
print("ready", flush=True)
try:
    try:
        tasks._run(builder.pipeline.build, Path(root), [%r] if regions else None, regions)
    except invoke.Exit as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(exc.code)
except KeyboardInterrupt:  # a signal just after the build returned
    sys.exit(130)
""" % PRODUCT


# ------------------------------------------------------------------------------------------ helpers

def snapshot(output: Path) -> dict:
    """SHA-256 of every file under output/, staging leftovers aside (they are checked separately), and the
    parsed-content cache aside: a successful build adds the entries of what it parsed, and those are no
    region's output (tests/test_content_cache.py)."""
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*"))
            if p.is_file() and not any(part.startswith(STAGING_PREFIX) for part in p.relative_to(output).parts)
            and p.relative_to(output).parts[0] != ".cache"}


def region_of(snap: dict, region: str) -> dict:
    prefix = f"{PRODUCT}/{region}/"
    return {k: v for k, v in snap.items() if k.startswith(prefix)}


def leftovers(output: Path) -> list[Path]:
    return sorted(output.rglob(f"{STAGING_PREFIX}*"))


def change_content(root: Path) -> None:
    """A new build differs from the old in every leaf of every region (the product name is in each header)."""
    path = root / "content" / PRODUCT / "core" / "product.yaml"
    text = path.read_text(encoding="utf-8")
    assert NAME in text
    path.write_text(text.replace(NAME, NAME.rstrip("\n") + " (revised)\n", 1), encoding="utf-8")


def output_problems(root: Path, regions=None) -> list[str]:
    """What verify finds wrong with the *outputs* (the inputs have changed since, on purpose); the
    leftovers a killed build left are checked apart (`verify_lists_leftovers`)."""
    try:
        verify(root, regions=regions)
    except DossierError as exc:
        assert exc.category == Category.VERIFICATION
        return [str(d) for d in exc.diagnostics if not d.message.startswith("input file") and d.code != "E5007"]
    return []


def verify_lists_leftovers(root: Path) -> None:
    """verify names every staging folder a killed build left (E5007), each exactly once."""
    try:
        verify(root)
        listed = []
    except DossierError as exc:
        listed = sorted(d.origin.path for d in exc.diagnostics if d.code == "E5007")
    expected = sorted(p.relative_to(root).as_posix() for p in leftovers(root / "output")
                      if not p.name.startswith(f"{STAGING_PREFIX}old-"))
    assert listed == expected


def sweep(output: Path) -> None:
    """What the next build does first, under its lock."""
    with build_lock(output):
        pass


def rebuild(root: Path, regions=("fda",)) -> dict:
    """The next clean build: sweeps leftovers, succeeds, verifies; returns the output snapshot."""
    build(root, [PRODUCT], list(regions))
    assert leftovers(root / "output") == []
    verify(root, regions=list(regions))
    return snapshot(root / "output")


@contextmanager
def cached_render(cache: dict):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builder.rendering, "render_dossier", lambda project, dossier, advance=None, stage=None: cache[dossier.region])
        yield


def driver(root: Path, spec: dict, *python_flags: str, env: dict | None = None) -> subprocess.Popen:
    args = [sys.executable, *python_flags, "-c", DRIVER, str(REPO), str(root), json.dumps(spec)]
    return subprocess.Popen(args, cwd=root, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def raise_after(n: int, exc_factory, func):
    calls = [0]

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] > n:
            raise exc_factory()
        return func(*args, **kwargs)

    return wrapper


class OsProxy:
    """`os` as builder.publish sees it, some functions replaced (the rest of the process is unaffected)."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


# ------------------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """The old output: the example as shipped, built for every region."""
    root = tmp_path_factory.mktemp("good")
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    build(root, [PRODUCT], list(REGIONS))
    return root


@pytest.fixture(scope="module")
def files_per_region(good) -> int:
    return len(region_of(snapshot(good / "output"), "fda"))


@pytest.fixture(scope="module")
def changed(good, tmp_path_factory):
    """The new output: (rendered dossiers of the changed content for fda and ema, fda's published files)."""
    root = tmp_path_factory.mktemp("changed")
    shutil.copytree(good, root, dirs_exist_ok=True)
    change_content(root)
    project = Project(root)
    cache = {d.region: render_dossier(project, d) for d in prepare(project, [PRODUCT], list(REGIONS))}
    with cached_render(cache):
        new = rebuild(root, REGIONS)
    return cache, region_of(new, "fda")


@pytest.fixture
def project(good, tmp_path):
    """A copy of the good build whose content now differs; returns (root, snapshot of the old output)."""
    root = tmp_path / "project"
    shutil.copytree(good, root)
    change_content(root)
    return root, snapshot(root / "output")


def test_the_good_build_is_what_the_faults_assume(good, changed, files_per_region):
    snap = snapshot(good / "output")
    assert files_per_region > 50 and all(region_of(snap, region) for region in REGIONS)
    assert leftovers(good / "output") == []
    assert verify(good) and not (good / "output" / PRODUCT / "nmpa").exists()
    new_fda = changed[1]
    assert new_fda.keys() == region_of(snap, "fda").keys()
    assert all(new_fda[k] != v for k, v in region_of(snap, "fda").items() if k.endswith(".docx"))


# ------------------------------------------------------------------------ F1 crash mid-write (kill -9)

def test_f1_kill_mid_write_keeps_the_old_output(project):
    """Killed after k files of the staging folder, five times over; one build then sweeps it all."""
    root, before = project
    for k in (0, 1, 2, 5, 40):
        rc, err = finish(driver(root, {"regions": ["fda"], "kill": ["_write", k]}))
        assert rc == 9, (k, err)
        assert snapshot(root / "output") == before, k
        assert output_problems(root) == [], k  # every region's old manifest still matches its files
        verify_lists_leftovers(root)
        # each build swept the previous one's staging folder; k=0 dies before creating its own
        assert len(leftovers(root / "output")) == (k > 0), k
    after = rebuild(root)  # a real render
    assert region_of(after, "fda") != region_of(before, "fda")
    assert {k: v for k, v in after.items() if "/fda/" not in k} == {k: v for k, v in before.items() if "/fda/" not in k}


def test_f1_kill_while_staging_the_second_region(project, changed, files_per_region):
    root, before = project
    rc, err = finish(driver(root, {"regions": list(REGIONS), "kill": ["_write", files_per_region + 5]}))
    assert rc == 9, err
    assert snapshot(root / "output") == before
    assert output_problems(root) == []
    assert len(leftovers(root / "output")) == 2
    verify_lists_leftovers(root)
    with cached_render(changed[0]):
        after = rebuild(root, REGIONS)
    assert all(region_of(after, r) != region_of(before, r) for r in REGIONS)


@pytest.mark.parametrize("kill, expected", [(["replace", 0], "old"), (["replace", 1], "old"), (["rmtree", 0], "new")])
def test_f1_kill_during_the_swap_leaves_a_complete_region(project, changed, kill, expected):
    """replace 1 is the instant between moving the old folder aside and moving the new one in: the
    region folder is absent, verify says so, and the sweep at the next build's start puts it back.
    rmtree 0 is after both renames, before the old copy is removed."""
    root, before = project
    output = root / "output"
    rc, err = finish(driver(root, {"regions": ["fda"], "kill": kill}))
    assert rc == 9, err
    if kill == ["replace", 1]:
        assert not (output / PRODUCT / "fda").exists()
        problems = output_problems(root)
        assert problems and all("E5005" in p for p in problems), problems
    else:
        assert output_problems(root) == []
    sweep(output)
    assert leftovers(output) == []
    assert region_of(snapshot(output), "fda") == (region_of(before, "fda") if expected == "old" else changed[1])
    with cached_render(changed[0]):
        assert region_of(rebuild(root), "fda") == changed[1]


# --------------------------------------------------------------------------------- F2 disk full

@pytest.mark.parametrize("regions", [["fda"], list(REGIONS)])
def test_f2_disk_full_is_an_environment_error_and_keeps_the_old_output(project, changed, files_per_region,
                                                                       monkeypatch, regions):
    """Fails 3 files in (with two regions: 3 files into the second, so the first stage must go too)."""
    root, before = project
    enospc = lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "x.docx")  # noqa: E731
    after = 3 + files_per_region * (len(regions) - 1)
    monkeypatch.setattr(builder.publish, "_write", raise_after(after, enospc, builder.publish._write))
    with cached_render(changed[0]), pytest.raises(DossierError) as caught:
        build(root, [PRODUCT], regions)
    assert caught.value.category == Category.ENVIRONMENT
    assert "No space left" in str(caught.value)
    assert snapshot(root / "output") == before
    assert leftovers(root / "output") == []
    monkeypatch.undo()
    with cached_render(changed[0]):
        rebuild(root, regions)


# ------------------------------------------------------------------------- F3 permission denied

@pytest.mark.parametrize("fail_from, restore_works", [(1, True), (2, True), (2, False)])
def test_f3_permission_denied_on_the_swap(project, changed, monkeypatch, fail_from, restore_works):
    """fail_from=1: moving the old folder aside fails; 2: moving the new one in fails (the old one
    must be put back); restore_works=False: putting it back fails too (the next sweep does it)."""
    root, before = project
    output = root / "output"
    calls = []

    def replace(src, dst):
        calls.append((src, dst))
        if len(calls) == fail_from or (len(calls) > fail_from and not restore_works):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))
        os.replace(src, dst)

    monkeypatch.setattr(builder.publish, "os", OsProxy(replace=replace))
    with cached_render(changed[0]), pytest.raises(DossierError) as caught:
        build(root, [PRODUCT], ["fda"])
    assert caught.value.category == Category.ENVIRONMENT
    assert "Permission denied" in str(caught.value)
    monkeypatch.undo()
    if not restore_works:
        assert "next build restores it" in str(caught.value)
        sweep(output)
    assert snapshot(output) == before
    assert leftovers(output) == []
    with cached_render(changed[0]):
        rebuild(root)


def test_f3_output_folder_that_cannot_be_locked_is_an_environment_error(project, changed, monkeypatch):
    root, before = project

    real_open = os.open

    def deny(path, *args, **kwargs):  # the lock is opened with os.open (O_NOFOLLOW: a planted link is refused)
        if Path(path).name == ".lock":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with cached_render(changed[0]), pytest.raises(DossierError) as caught:
        build(root, [PRODUCT], ["fda"])
    assert caught.value.category == Category.ENVIRONMENT and "Permission denied" in str(caught.value)
    monkeypatch.undo()
    assert snapshot(root / "output") == before
    with cached_render(changed[0]):
        rebuild(root)


# ------------------------------------------------------------------- F4 template deleted mid-build

def test_f4_template_deleted_after_planning(project, changed, monkeypatch):
    root, before = project
    template = root / "templates/common/narrative.docx"
    saved = template.read_bytes()
    dossiers = prepare(Project(root), [PRODUCT], ["fda"])  # the stages by hand
    template.unlink()
    with pytest.raises(DossierError) as caught:
        render_dossier(Project(root), dossiers[0])
    assert caught.value.category == Category.ENVIRONMENT and "narrative.docx" in str(caught.value)
    template.write_bytes(saved)
    real_prepare = builder.pipeline.prepare  # and through build()

    def prepare_then_delete(*args, **kwargs):
        planned = real_prepare(*args, **kwargs)
        template.unlink()
        return planned

    monkeypatch.setattr(builder.pipeline, "prepare", prepare_then_delete)
    with pytest.raises(DossierError) as caught:
        build(root, [PRODUCT], ["fda"])
    assert caught.value.category == Category.ENVIRONMENT
    assert "narrative.docx" in str(caught.value)
    assert snapshot(root / "output") == before
    assert leftovers(root / "output") == []
    monkeypatch.undo()
    template.write_bytes(saved)
    with cached_render(changed[0]):
        rebuild(root)


# ------------------------------------------------------------------------------ F5 SIGINT / SIGTERM

def signal_build(root: Path, sig: int, when) -> int:
    """Start a build of fda, wait `when` seconds (or until its staging folder appears), signal it."""
    proc = driver(root, {"regions": ["fda"]})
    assert proc.stdout.readline().strip() == "ready"
    if when == "staging":
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and \
                not any(n.startswith(STAGING_PREFIX) for n in os.listdir(root / "output")):
            time.sleep(0.001)
    else:
        time.sleep(when)
    proc.send_signal(sig)
    return finish(proc)[0]


def fda_state(root: Path, before: dict, new: dict) -> str:
    fda = region_of(snapshot(root / "output"), "fda")
    return "old" if fda == region_of(before, "fda") else "new" if fda == new else "partial"


@pytest.mark.parametrize("when", [0.2, 1.0, "staging"])
def test_f5_sigint_exits_130_and_keeps_the_region_whole(project, changed, when):
    root, before = project
    rc = signal_build(root, signal.SIGINT, when)
    assert rc == 130 if when == 0.2 else rc in (0, 130)
    assert fda_state(root, before, changed[1]) == ("new" if rc == 0 else "old")
    assert output_problems(root) == []
    with cached_render(changed[0]):
        assert region_of(rebuild(root), "fda") == changed[1]


@pytest.mark.parametrize("when", [0.6, "staging"])
def test_f5_sigterm_cleans_up_like_sigint(project, changed, when):
    """tasks._run turns SIGTERM into KeyboardInterrupt: exit 130, staging removed, the region whole."""
    root, before = project
    rc = signal_build(root, signal.SIGTERM, when)
    assert rc in (0, 130)
    assert fda_state(root, before, changed[1]) == ("new" if rc == 0 else "old")
    assert output_problems(root) == []
    with cached_render(changed[0]):
        assert region_of(rebuild(root), "fda") == changed[1]


def test_f5_interrupt_while_staging_removes_the_staging_folder_at_once(project, changed, monkeypatch):
    root, before = project
    monkeypatch.setattr(builder.publish, "_write", raise_after(5, KeyboardInterrupt, builder.publish._write))
    with cached_render(changed[0]), pytest.raises(KeyboardInterrupt):
        build(root, [PRODUCT], ["fda"])
    assert snapshot(root / "output") == before
    assert leftovers(root / "output") == []


def test_f5_interrupt_between_the_swap_renames_puts_the_old_region_back(project, changed, monkeypatch):
    root, before = project
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        os.replace(src, dst)

    monkeypatch.setattr(builder.publish, "os", OsProxy(replace=replace))
    with cached_render(changed[0]), pytest.raises(KeyboardInterrupt):
        build(root, [PRODUCT], ["fda"])
    assert snapshot(root / "output") == before
    assert leftovers(root / "output") == []


# --------------------------------------------------------------------------- F6 exception in leaf 3

def test_f6_exception_in_the_third_leaf_publishes_nothing(project, changed, monkeypatch):
    root, before = project
    injected = lambda: DossierError(Category.TEMPLATE, "injected")  # noqa: E731
    monkeypatch.setattr(builder.rendering, "render_leaf", raise_after(2, injected, builder.rendering.render_leaf))
    with pytest.raises(DossierError) as caught:
        build(root, [PRODUCT], list(REGIONS))
    assert caught.value.category == Category.TEMPLATE and "injected" in str(caught.value)
    assert snapshot(root / "output") == before
    assert leftovers(root / "output") == []
    monkeypatch.undo()
    with cached_render(changed[0]):
        rebuild(root, REGIONS)


# ---------------------------------------------------------------------- F7 source changed mid-build

def test_f7_manifest_records_the_bytes_parsed_not_the_file_changed_afterwards(good, changed, tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(good, root)
    before = snapshot(root / "output")
    shutil.rmtree(root / "output" / ".cache")  # so product.yaml is parsed, not taken from the content cache
    path = root / "content" / PRODUCT / "core" / "product.yaml"
    original = path.read_bytes()
    real_parse = builder.source.parse_bytes

    def parse_after_the_file_changed(data, display):
        if display.endswith("core/product.yaml") and path.read_bytes() == original:
            change_content(root)  # the file changes on disk between reading and parsing
        return real_parse(data, display)

    monkeypatch.setattr(builder.source, "parse_bytes", parse_after_the_file_changed)
    build(root, [PRODUCT], ["fda"])
    monkeypatch.undo()
    assert path.read_bytes() != original
    assert region_of(snapshot(root / "output"), "fda") == region_of(before, "fda")  # built from what was read
    inputs = json.loads((root / "output" / PRODUCT / "fda" / "manifest.json").read_text())["inputs"]
    recorded = next(i for i in inputs if i["path"] == f"content/{PRODUCT}/core/product.yaml")
    assert (recorded["sha256"], recorded["bytes"]) == (hashlib.sha256(original).hexdigest(), len(original))
    with pytest.raises(DossierError) as caught:
        verify(root, regions=["fda"])
    assert caught.value.category == Category.VERIFICATION
    assert [d.origin.path for d in caught.value.diagnostics] == [f"content/{PRODUCT}/core/product.yaml"]
    assert "changed since the build" in str(caught.value)
    with cached_render(changed[0]):
        rebuild(root)


# ----------------------------------------------------------------------- F8 / F9 environment, -O

def _locale() -> str:
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        names = []
    return "tr_TR.UTF-8" if any(n.lower().replace("-", "") == "tr_tr.utf8" for n in names) else "C.UTF-8"


@pytest.fixture(scope="module")
def reference_fda(good, tmp_path_factory) -> dict:
    """fda built by an unmodified subprocess: the builder code the F8/F9 subprocesses run (this
    process imported its modules earlier; the reference must come from the same source files)."""
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(good, root, dirs_exist_ok=True)
    rc, err = finish(driver(root, {"regions": ["fda"]}))
    assert rc == 0, err
    return region_of(snapshot(root / "output"), "fda")


def test_f8_environment_does_not_change_a_single_byte(good, reference_fda, tmp_path):
    """Time zone, locale (tr_TR where installed), hash seed 0–3 and a clock far in the future."""
    locale = _locale()
    variants = [({"TZ": "Asia/Shanghai", "PYTHONHASHSEED": "0"}, False),
                ({"LC_ALL": locale, "LANG": locale, "PYTHONHASHSEED": "1"}, False),
                ({"PYTHONHASHSEED": "2"}, True),
                ({"TZ": "America/St_Johns", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "3"}, True)]
    roots = [tmp_path / str(i) for i in range(len(variants))]
    procs = []
    for root, (env, clock) in zip(roots, variants):
        shutil.copytree(good, root)
        procs.append(driver(root, {"regions": ["fda"], "clock": clock}, env=env))
    expected = reference_fda
    for root, proc, variant in zip(roots, procs, variants):
        rc, err = finish(proc)
        assert rc == 0, (variant, err)
        assert region_of(snapshot(root / "output"), "fda") == expected, variant
        assert leftovers(root / "output") == []


def test_f9_optimised_python_builds_the_same_bytes(good, reference_fda, tmp_path):
    roots = {flag: tmp_path / flag for flag in ("-O", "-OO")}
    procs = {}
    for flag, root in roots.items():
        shutil.copytree(good, root)
        procs[flag] = driver(root, {"regions": ["fda"]}, flag)
    for flag, proc in procs.items():
        rc, err = finish(proc)
        assert rc == 0, (flag, err)
        assert region_of(snapshot(roots[flag] / "output"), "fda") == reference_fda, flag


# ----------------------------------------------------------------------------- F10 concurrent builds

def test_f10_a_second_build_while_the_lock_is_held(project, changed):
    root, before = project
    output = root / "output"
    with build_lock(output):
        with cached_render(changed[0]), pytest.raises(DossierError) as caught:
            build(root, [PRODUCT], ["fda"])
        assert caught.value.category == Category.ENVIRONMENT
        assert "another build is running" in str(caught.value)
        rc, err = finish(driver(root, {"regions": ["fda"]}))  # another process: `invoke build` exits 4
        assert rc == 4 and "another build is running" in err
    assert snapshot(output) == before
    assert leftovers(output) == []
    with cached_render(changed[0]):
        rebuild(root)


# --------------------------------------------------------------------- F11 / F12 verify

@pytest.fixture
def built(good, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(good, root)
    return root


def verify_problems(root: Path) -> list:
    with pytest.raises(DossierError) as caught:
        verify(root)
    assert caught.value.category == Category.VERIFICATION
    return caught.value.diagnostics


def a_leaf(root: Path, region: str = "fda") -> Path:
    leaf = json.loads((root / "output" / PRODUCT / region / "manifest.json").read_text())["leaves"][10]
    return root / "output" / PRODUCT / region / leaf["path"]


def test_f11_flipped_byte_is_named(built):
    path = a_leaf(built)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    [problem] = verify_problems(built)
    assert problem.code == "E5003" and problem.origin.path == path.relative_to(built).as_posix()


def test_f11_deleted_leaf_is_named(built):
    path = a_leaf(built, "ema")
    path.unlink()
    [problem] = verify_problems(built)
    assert problem.code == "E5002" and problem.origin.path == path.relative_to(built).as_posix()


def test_f11_extra_file_is_named(built):
    extra = a_leaf(built, "fda").with_name("extra.docx")
    extra.write_bytes(b"PK")
    [problem] = verify_problems(built)
    assert problem.code == "E5004" and problem.origin.path == extra.relative_to(built).as_posix()


@pytest.mark.parametrize("damage", ["missing", "empty", "truncated", "not-a-manifest", "leaf-without-hash"])
def test_f12_missing_or_damaged_manifest(built, damage):
    manifest = built / "output" / PRODUCT / "ema" / "manifest.json"
    text = manifest.read_text()
    if damage == "missing":
        manifest.unlink()
    elif damage == "empty":
        manifest.write_text("")
    elif damage == "truncated":
        manifest.write_text(text[: len(text) // 2])
    elif damage == "not-a-manifest":
        manifest.write_text("[]\n")
    else:
        data = json.loads(text)
        del data["leaves"][3]["sha256"]
        manifest.write_text(json.dumps(data))
    problems = verify_problems(built)
    assert [(p.code, p.origin.path) for p in problems] == [("E5001", f"output/{PRODUCT}/ema/manifest.json")]
    with pytest.raises(DossierError) as caught:  # asking for that region alone says the same
        verify(built, regions=["ema"])
    assert caught.value.category == Category.VERIFICATION


def test_f12_partial_manifest_lists_fewer_leaves(built):
    manifest = built / "output" / PRODUCT / "fda" / "manifest.json"
    data = json.loads(manifest.read_text())
    dropped = data["leaves"].pop()
    manifest.write_text(json.dumps(data))
    [problem] = verify_problems(built)
    assert problem.code == "E5004" and problem.origin.path == f"output/{PRODUCT}/fda/{dropped['path']}"
