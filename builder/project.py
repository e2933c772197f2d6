"""Where things are: a project root with `content/`, `templates/` and `output/`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import environment_error
from .profile import available_regions


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def products(self) -> list[str]:
        return sorted(p.name for p in self.content.iterdir() if (p / "core").is_dir()) if self.content.is_dir() else []

    def regions(self) -> list[str]:
        return available_regions(self.templates)

    def core_files(self, product: str) -> list[Path]:
        folder = self.content / product / "core"
        if not folder.is_dir():
            known = ", ".join(self.products()) or "none"
            raise environment_error("E4005", f"no product '{product}' (known products: {known})", folder)
        return sorted(folder.glob("*.yaml"))

    def overlay(self, product: str, region: str) -> Path | None:
        path = self.content / product / f"{region}.yaml"
        return path if path.is_file() else None

    def escapes(self, path: Path) -> bool:
        """True when `path` (a link, or a path with '..') resolves outside `content/`."""
        return not path.resolve().is_relative_to(self.content.resolve())

    def display(self, path: Path) -> str:
        """Paths in messages and manifests are relative to the project root, with '/'."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
