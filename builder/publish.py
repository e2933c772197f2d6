"""Stages 7–8, write and manifest: staged output published all-or-nothing, manifest written last.

Every (product, region) folder is rendered completely into a staging folder next to `output/`'s
final place, then swapped in with renames; a failure at any point before the swap leaves the
previous output untouched and removes the staging folder (pitfalls.md §4.2).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import stat
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .errors import environment_error
from .files import NotAFile, read_regular

STAGING_PREFIX = ".staging-"


@dataclass(frozen=True)
class RenderedDossier:
    """One (product, region) build in memory: its files (relative path → bytes) and manifest."""

    product: str
    region: str
    files: dict[str, bytes]
    manifest: dict
    reused: tuple = ()  # paths of the leaves taken unchanged from the last build (incremental.py)
    staged: Path | None = None  # the folder already holding the files whose bytes are None (`Staging`)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def check_output(output: Path, *targets: Path) -> None:
    """Refuse to write when `output/`, or a folder to be written in it, resolves (through links or
    mounts) into `content/`, `templates/` or out of the project: a build must never write there.

    `output/` may be a link to another place inside the project (a build folder), never further."""
    root = output.parent.resolve()
    real_output = _real(output)
    for path in (output, *targets):
        real = _real(path)
        inside = real.is_relative_to(real_output) if path is not output else real.is_relative_to(root) and real != root
        if not inside or any(real.is_relative_to(root / name) for name in ("content", "templates")):
            shown = real.relative_to(root).as_posix() if real.is_relative_to(root) else real.as_posix()
            raise environment_error("E4040", f"refusing to write: this path resolves to {shown}, which is "
                                    f"{_where(real, root)}; output/ must be a folder of its own in the project",
                                    _display(output, path)) from None


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        raise environment_error("E4040", "refusing to write: this path is a symbolic link loop", path.name) from None


def _display(output: Path, path: Path) -> str:
    """Paths in messages are relative to the project root, like every other message's."""
    return path.relative_to(output.parent).as_posix() if path.is_relative_to(output.parent) else path.as_posix()


def _where(real: Path, root: Path) -> str:
    for name in ("content", "templates"):
        if real.is_relative_to(root / name):
            return f"inside {name}/"
    return "outside the project" if not real.is_relative_to(root) else "not inside output/"


@contextmanager
def build_lock(output: Path):
    """One build at a time per output folder; stale staging folders from a crash are swept.

    An output folder that cannot be created or locked (permission, read-only mount) is an
    environment error (exit 4), not a traceback."""
    check_output(output)
    try:
        output.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a `.lock` planted as a link to a source file must not truncate that file
        handle = os.fdopen(os.open(output / ".lock", os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644), "w")
    except OSError as exc:
        raise environment_error("E4002", f"cannot lock the output folder: {exc.strerror or exc}", output) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise environment_error("E4010", "another build is running on this output folder", output) from None
        _sweep(output)
        yield


def _sweep(output: Path) -> None:
    """Remove what an interrupted build left; a region folder caught mid-swap gets its old copy back."""
    for stale in sorted(output.rglob(f"{STAGING_PREFIX}*")):
        final = stale.with_name(stale.name.removeprefix(f"{STAGING_PREFIX}old-"))
        if stale.is_symlink():  # rmtree refuses links; writing through one would leave output/
            stale.unlink()
        elif stale.name.startswith(f"{STAGING_PREFIX}old-") and not final.exists():
            os.replace(stale, final)
        else:
            shutil.rmtree(stale, ignore_errors=True)


def publish(output: Path, dossiers: list[RenderedDossier]) -> list[Path]:
    """Write every dossier to staging, then swap each into place; returns the published folders."""
    check_output(output, *(output / d.product / d.region for d in dossiers))
    staged = []
    try:
        for dossier in dossiers:
            staged.append((_stage(output, dossier), output / dossier.product / dossier.region))
        for stage, final in staged:
            swap(stage, final)
    finally:
        for stage, _ in staged:
            shutil.rmtree(stage, ignore_errors=True)
    return [final for _, final in staged]


class Staging:
    """A build's staging folders, written leaf by leaf as rendering finishes them, so a build holds no
    more than a leaf's bytes at a time instead of a whole portfolio's (workers write there too). They
    are named by the building process, written only while it holds the build lock, removed by `clear`
    unless published, and swept by the next build if the process was killed."""

    def __init__(self, output: Path):
        self.output, self.owner, self._real = output, os.getpid(), {}

    def folder(self, product: str, region: str) -> Path:
        return self.output / f"{STAGING_PREFIX}{self.owner}-{product}-{region}"

    def put(self, product: str, region: str, rel: str, data: bytes, reused: bool) -> None:
        """Stage one file of the pair; an unchanged leaf as the very file the last build wrote."""
        stage, final = self.folder(product, region), self.output / product / region
        try:
            if reused:
                if final not in self._real:
                    self._real[final] = os.path.realpath(final)
                if _keep(final / rel, os.path.join(self._real[final], rel), stage / rel, data):
                    return
            _write(stage / rel, data)
        except OSError as exc:
            raise _unwritable(exc, stage) from None

    def clear(self) -> None:
        """Remove what this build staged and did not publish (after publishing, nothing is left)."""
        for stage in self.output.glob(f"{STAGING_PREFIX}{self.owner}-*"):
            if stage.is_symlink():
                stage.unlink()
            else:
                shutil.rmtree(stage, ignore_errors=True)


def _unwritable(exc: OSError, where: Path):
    return environment_error("E4002", f"cannot write output: {exc.strerror or exc}; previous output untouched",
                             exc.filename or where)


def _stage(output: Path, dossier: RenderedDossier) -> Path:
    """Write what is left of one dossier (all of it, unless rendering staged its leaves) and its manifest
    to its staging folder; on any failure, Ctrl-C included, remove that folder."""
    staging, reused = Staging(output), set(dossier.reused)
    stage = dossier.staged or staging.folder(dossier.product, dossier.region)
    try:
        for rel, data in sorted(dossier.files.items()):
            if data is not None:  # None: staged as it was rendered
                staging.put(dossier.product, dossier.region, rel, data, rel in reused)
        _write(stage / "manifest.json", canonical_json(dossier.manifest))
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise _unwritable(exc, stage) from None
    except BaseException:  # a write error (E4002) or KeyboardInterrupt: `publish` only cleans completed stages
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def _keep(previous: Path, real: str, path: Path, data: bytes) -> bool:
    """Publish an unchanged leaf as the very file the last build wrote (a hard link: same inode, same
    time stamp, nothing written or synced again), when it is a plain file of the region folder, linked
    nowhere else, and still holds exactly `data`; otherwise (or where links are not supported) the
    caller writes it afresh."""
    try:
        info = os.lstat(previous)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or os.path.realpath(previous) != real:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(previous, path, follow_symlinks=False)
        if read_regular(path) == data:
            return True
        os.unlink(path)
    except (OSError, NotAFile):
        with suppress(OSError):
            os.unlink(path)
    return False


def _write(path: Path, data: bytes) -> None:
    """A new file, always: a path already staged (a leaf rendered again after a lost worker) may be a
    hard link to the published leaf, which must never be written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileNotFoundError):
        os.unlink(path)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def swap(stage: Path, final: Path) -> None:
    """Move the previous folder aside, the new one in; on any failure between, Ctrl-C included, put
    the previous one back, so the region folder is never missing after the build returns."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f"{STAGING_PREFIX}old-{final.name}")
    try:
        if final.exists():
            os.replace(final, old)
        os.replace(stage, final)
    except BaseException as exc:
        restored = _restore(old, final)
        if not isinstance(exc, OSError):
            raise
        kept = "" if restored else f"; the previous output is kept as {old.name} and the next build restores it"
        raise environment_error("E4002", f"cannot publish output: {exc.strerror or exc}{kept}", final) from None
    shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(final.parent)


def _restore(old: Path, final: Path) -> bool:
    """Rename the previous folder back; if even that fails, leave it for the next build's `_sweep`
    (raising here would hide the original error behind a bare OSError)."""
    if old.exists() and not final.exists():
        try:
            os.replace(old, final)
        except OSError:
            return False
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
