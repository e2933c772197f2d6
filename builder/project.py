"""Where things are: a project root with `content/`, `templates/` and `output/`."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import environment_error
from .profile import available_regions

PLATFORMS = "platforms"  # content/platforms/<id>/: platform content shared by products (platform.py)


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @cached_property
    def cache(self):
        """Parsed content kept between runs, in output/.cache/ (builder/content_cache.py)."""
        from .content_cache import ContentCache
        from .publish import check_output

        return ContentCache(self.output / ".cache" / "content", lambda folder: check_output(self.output, folder))

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def products(self) -> list[str]:
        """Product folders: those with a `core/`; `content/platforms/` holds platforms, never a product."""
        if not self.content.is_dir():
            return []
        return sorted(p.name for p in self.content.iterdir() if (p / "core").is_dir() and p.name != PLATFORMS)

    def regions(self) -> list[str]:
        return available_regions(self.templates)

    def core_files(self, product: str) -> list[Path]:
        folder = self.content / product / "core"
        if not folder.is_dir():
            known = ", ".join(self.products()) or "none"
            raise environment_error("E4005", f"no product '{product}' (known products: {known})", folder)
        return sorted(folder.glob("*.yaml"))

    def overlay(self, product: str, region: str) -> Path | None:
        """The overlay's path when anything is there: a FIFO or a folder named `fda.yaml` is reported, not skipped."""
        path = self.content / product / f"{region}.yaml"
        return path if os.path.lexists(path) else None

    def escapes(self, path: Path) -> bool:
        """True when `path` (a link, or a path with '..') resolves outside `content/`; a link loop does not
        escape (reading it reports the loop)."""
        try:
            return not path.resolve().is_relative_to(self.content.resolve())
        except (RuntimeError, OSError):
            return False

    def display(self, path: Path) -> str:
        """Paths in messages and manifests are relative to the project root, with '/'."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def unread(self, product: str) -> list[tuple[Path, str]]:
        """(path, why) for each entry of a product folder the build would not read.

        A product folder holds `core/` (only `*.yaml`) and one `<region>.yaml` overlay per known region;
        an overlay saved as `fda.yml`, `EMA.yaml` or for an unknown region would otherwise be ignored in
        silence. Hidden entries (`.DS_Store`, editor swap files) are left alone."""
        folder = self.content / product
        regions = self.regions()
        expected = "core/ and " + ", ".join(f"{r}.yaml" for r in regions)
        found = []
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.name.startswith(".") or path.name == "core" or (path.suffix == ".yaml" and path.stem in regions):
                continue
            found.append((path, f"not read: a product folder holds {expected}{_hint(path.name, regions)}"))
        core = folder / "core"
        for path in sorted(core.iterdir()) if core.is_dir() else ():
            if not path.name.startswith(".") and path.suffix != ".yaml":
                found.append((path, f"not read: core/ holds only *.yaml files{_hint(path.name, regions, core=True)}"))
        return found


def _hint(name: str, regions: list[str], core: bool = False) -> str:
    stem, _, suffix = name.partition(".")
    if suffix.lower() in ("yml", "yaml") and (core or stem.lower() not in regions):
        if core:
            return f"; did you mean {stem}.yaml?"
        return f" (no region profile '{stem}' in templates/)" if stem.lower() == stem else ""
    if stem.lower() in regions:
        return f"; did you mean {stem.lower()}.yaml?"
    return ""