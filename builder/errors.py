"""Diagnostics: every problem a writer can fix carries a place (file:line:col) and a field path.

Stages collect diagnostics instead of raising on the first one (MkDocs' stop-at-first-error is the
anti-pattern), and the pipeline stops at the end of a stage that produced errors. One exception
class, `DossierError`, carries a category that maps to the process exit code; anything else is a bug.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class Category(IntEnum):
    """Exit codes, one per audience: writers (content), template owners, operators (environment)."""

    CONTENT = 2
    TEMPLATE = 3
    ENVIRONMENT = 4
    VERIFICATION = 5


@dataclass(frozen=True, order=True)
class Origin:
    """Where a value was written: a file and a 1-based line and column.

    A value read from a workbook also names its `cell` (`Sheet!B7`); it prints as `file.xlsx:Sheet!B7`,
    the way a lab finds it in Excel, while line/column (row/column) still order findings.
    """

    path: str
    line: int = 0
    column: int = 0
    cell: str = ""

    def __str__(self) -> str:
        if self.cell:
            return f"{self.path}:{self.cell}"
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding, printed as `file:line:col: severity Ecode: field: message`."""

    code: str
    message: str
    origin: Origin | None = None
    field: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{self.severity} {self.code}: {what}{self.message}"


@dataclass
class Diagnostics:
    """Collects findings across a stage, capped so one systematic mistake cannot flood the screen."""

    limit: int = 100
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, origin: Origin | None = None, field: str = "") -> None:
        self.items.append(Diagnostic(code, message, origin, field, "error"))

    def warning(self, code: str, message: str, origin: Origin | None = None, field: str = "") -> None:
        self.items.append(Diagnostic(code, message, origin, field, "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self, category: Category = Category.CONTENT, strict: bool = False) -> None:
        """Stop the pipeline at a stage boundary when anything (or, strict, any warning) is wrong."""
        failing = [d for d in self.items if d.severity in ("error", "warning")] if strict else self.errors
        if failing:
            raise DossierError(category, sorted(failing, key=_sort_key)[: self.limit], total=len(failing))


def _sort_key(d: Diagnostic):
    return (d.origin or Origin(""), d.code, d.field)


class DossierError(Exception):
    """A problem for a person to fix; `category` is the process exit code."""

    def __init__(self, category: Category, diagnostics: list[Diagnostic] | str, total: int | None = None):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic("E0000", diagnostics)]
        self.category = category
        self.diagnostics = diagnostics
        self.total = len(diagnostics) if total is None else total  # all found; `diagnostics` may be capped
        super().__init__("\n".join(str(d) for d in diagnostics))


def content_error(code: str, message: str, origin: Origin | None = None, field: str = "") -> DossierError:
    return DossierError(Category.CONTENT, [Diagnostic(code, message, origin, field)])


def template_error(code: str, message: str, path: Path | str, field: str = "") -> DossierError:
    return DossierError(Category.TEMPLATE, [Diagnostic(code, message, Origin(str(path)), field)])


def environment_error(code: str, message: str, path: Path | str | None = None) -> DossierError:
    origin = Origin(str(path)) if path is not None else None
    return DossierError(Category.ENVIRONMENT, [Diagnostic(code, message, origin)])
