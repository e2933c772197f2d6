"""Units: writers' tokens read through a token table into pint, which owns dimensions and conversions.

The registry is exact (Decimal) and built from `templates/common/units.yaml`, so adding a unit is a
data change. A unit here is a pint expression string (`milligram / milliliter`); `Units` resolves it
to pint lazily, once per expression, because importing pint costs a noticeable part of a build.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import cached_property, lru_cache


@dataclass(frozen=True)
class Units:
    """The token table and pint definitions of one project."""

    definitions: tuple[str, ...]
    tokens: dict = field(hash=False, compare=False)
    log_words: tuple[str, ...] = ()

    def __hash__(self) -> int:
        return hash(self.definitions)

    @cached_property
    def pattern(self) -> re.Pattern:
        return _token_pattern(tuple(sorted(self.tokens, key=len, reverse=True)))

    def match(self, text: str, at: int = 0) -> tuple[str, int] | None:
        """The pint name of the unit token at `text[at:]` and where it ends, or None."""
        found = self.pattern.match(text, at)
        return (self.tokens[found.group(0)], found.end()) if found else None

    def registry(self):
        return _registry(self.definitions)

    @cached_property
    def table_key(self) -> str:
        """The content-cache key of the factors and dimensions computed for these definitions."""
        from importlib import metadata

        digest = hashlib.sha256(f"{TABLE_VERSION}\0{metadata.version('pint')}\0".encode())
        digest.update("\n".join(self.definitions).encode())
        return f"units-{digest.hexdigest()}"

    def factor(self, source: str, target: str) -> Decimal | None:
        """How many `target` one `source` is, exactly; None when the two are not commensurable."""
        return _factor(self, source, target)

    def show(self, expression: str) -> str:
        """A pint expression in writers' tokens (`(nanogram) / milliliter` → `ng/mL`)."""
        symbols = _symbols(tuple(self.tokens.items()))
        words = re.sub(r"[A-Za-z_]+", lambda m: symbols.get(m.group(0), m.group(0)), expression)
        return re.sub(r"\s*/\s*", "/", words.replace("(", "").replace(")", "")).replace("dimensionless", "1")

    def dimension(self, unit: str) -> str:
        """A comparable description of a unit's dimensionality ('' for a pure number)."""
        return _dimension(self, unit)


@lru_cache(maxsize=4)
def _token_pattern(tokens: tuple[str, ...]) -> re.Pattern:
    # A token ends where a word ends: `mg` must not match the start of `mgx`, nor `m` of `month`.
    alternatives = "|".join(re.escape(t) for t in tokens)
    return re.compile(rf"(?:{alternatives})(?![A-Za-z])")


@lru_cache(maxsize=4)
def _symbols(pairs: tuple) -> dict:
    symbols: dict = {}
    for token, name in pairs:
        symbols.setdefault(name, token)
    return symbols


def _import_pint():
    """pint, imported on first use. Its optional NumPy support is of no use with Decimal magnitudes and
    costs ~0.3 s of import on every build, so NumPy is hidden from pint unless already imported."""
    import sys

    hidden = "numpy" not in sys.modules
    if hidden:
        sys.modules["numpy"] = None  # an ImportError for pint's optional `import numpy`
    try:
        import pint
    finally:
        if hidden:
            del sys.modules["numpy"]
    return pint


@lru_cache(maxsize=4)
def _registry(definitions: tuple[str, ...]):
    pint = _import_pint()
    registry = pint.UnitRegistry(None, non_int_type=Decimal, on_redefinition="raise", cache_folder=None)
    for line in definitions:
        registry.define(line)
    return registry


# Bump when a factor or dimension is computed differently from the same definitions.
TABLE_VERSION = 1


def _known(units: Units) -> dict:
    """Factors and dimensions pint gave for these definitions in an earlier run (the content cache keeps
    them, so a rebuild need not import pint: its import and registry were a tenth of a rebuild), and
    the ones this run adds. Outside a build (no cache) a table of this process alone."""
    from ..source import current_cache

    cache, key = current_cache(), units.table_key
    kept = _TABLES.get(key)
    if kept is not None and kept[0] is cache:
        return kept[1]
    found = cache.get_record(key) if cache is not None else None
    table = found if isinstance(found, dict) and all(isinstance(v, (str, type(None))) for v in found.values()) else {}
    _TABLES[key] = (cache, table)
    if cache is not None:
        cache.put_record(key, table)  # written when the build publishes, with what this run added
    return table


_TABLES: dict = {}  # table key → (the cache it came from, the table)


def _factor(units: Units, source: str, target: str) -> Decimal | None:
    table = _known(units)
    entry = f"factor\0{source}\0{target}"
    if entry in table:
        try:
            return None if table[entry] is None else Decimal(table[entry])
        except ArithmeticError:  # not a number: an entry never to trust, computed again below
            pass
    found = _pint_factor(units, source, target)
    table[entry] = None if found is None else str(found)
    return found


@lru_cache(maxsize=4096)
def _pint_factor(units: Units, source: str, target: str) -> Decimal | None:
    registry = units.registry()
    try:
        with localcontext() as ctx:
            ctx.prec = 50
            value = registry.Quantity(Decimal(1), source or "dimensionless").to(target or "dimensionless").magnitude
    except Exception as exc:  # pint raises DimensionalityError and others; all mean "not commensurable"
        if type(exc).__name__ in ("DimensionalityError", "OffsetUnitCalculusError", "UndefinedUnitError"):
            return None
        raise
    return Decimal(value).normalize()


def _dimension(units: Units, unit: str) -> str:
    table = _known(units)
    entry = f"dimension\0{unit}"
    if not isinstance(table.get(entry), str):
        table[entry] = _pint_dimension(units, unit)
    return table[entry]


@lru_cache(maxsize=4096)
def _pint_dimension(units: Units, unit: str) -> str:
    registry = units.registry()
    return str(registry.Quantity(Decimal(1), unit or "dimensionless").dimensionality)


def load_units(source) -> Units:
    """The units in `templates/common/units.yaml`, given as a loaded `SourceFile`."""
    data = source.root.data
    tokens = {key: value.data for key, value in data["tokens"].data.items()}
    return Units(tuple(v.data for v in data["definitions"].data), tokens,
                 tuple(v.data for v in data["log_words"].data) if "log_words" in data else ())
