"""ICH Q5A(R2) viral clearance arithmetic, in exact Decimals (modalities.md §3).

A step's reduction factor is R = log10[(V_in × T_in) / (V_out × T_out)] for the spiked load and the
product fraction; the overall reduction per virus is the sum of the claimed steps' factors. When the
virus in the product fraction is below the limit of detection the factor is a lower bound, written
"≥", and so is every sum it enters. LRVs are printed as typed; this module reads them, recomputes the
ones whose titres and volumes are stated, and computes the overall row, which is never typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path

from ..errors import Category, Diagnostics
from ..nodes import M, Node
from ..schema import Pattern, bind_record, field
from ..source import load_file
from .numbers import Unreadable, normalise, parse_number
from .rounding import round_to

RULES_FILE = "viral-safety.yaml"
_LRV = re.compile(r"^(?P<bound>≥|>=|>)?\s*(?P<value>[^±]+?)\s*(?:(?:±|\+/-|\+-)\s*(?P<ci>.+))?$")
_BELOW = re.compile(r"^(?:≤|<=|<)\s*")
DECIMAL = Pattern(re.compile(r"^[0-9]+(\.[0-9]+)?$"), "a decimal number such as 1.0")


@dataclass(**M)
class ClearanceRules(Node):
    """templates/common/viral-safety.yaml: the thresholds of the viral-clearance check."""

    minimum_claimed_lrv: str = field(DECIMAL, True, "a claimed LRV must be greater than this")
    computed_lrv_quantum: str = field(DECIMAL, True, "the place an LRV computed from titres is shown to")

    @property
    def minimum(self) -> Decimal:
        return Decimal(self.minimum_claimed_lrv)

    @property
    def quantum(self) -> Decimal:
        return Decimal(self.computed_lrv_quantum)


def load_rules(templates: Path) -> tuple[ClearanceRules, object]:
    """The rules and their source file; a broken file is a template error at its line."""
    source = load_file(templates / "common" / RULES_FILE, f"{templates.name}/common/{RULES_FILE}")
    diags = Diagnostics()
    rules = bind_record(ClearanceRules, source.root, "", diags)
    diags.raise_if_errors(Category.TEMPLATE)
    return rules, source


@dataclass(frozen=True)
class LogReduction:
    """A log10 reduction: its value at the place typed, whether it is a lower bound, its ± interval."""

    value: Decimal
    quantum: Decimal
    at_least: bool = False
    ci: Decimal | None = None

    def shown(self) -> str:
        return ("≥ " if self.at_least else "") + format(self.value.quantize(self.quantum), "f")

    def agrees(self, other: "LogReduction") -> bool:
        """`other` (computed) rounded half up to this value's place is this value, with the same bound."""
        return self.at_least == other.at_least and round_to(other.value, self.quantum, "half-up") == self.value


def read_lrv(text: str) -> LogReduction:
    """`4.5`, `≥ 5.2`, `4.5 ± 0.3`, `≥ 5.2 ± 0.3`; anything else is Unreadable with the reason."""
    norm = normalise(text).strip()
    if _BELOW.match(norm):
        raise Unreadable(f"'{text}': an LRV is a value or a lower bound (≥ when the virus is below the limit "
                         "of detection); state a measured value and mark the step claimed: \"false\"")
    found = _LRV.fullmatch(norm)
    if found is None:
        raise Unreadable(f"'{text}' is not a log10 reduction value")
    try:
        value = parse_number(found["value"])
        ci = parse_number(found["ci"]) if found["ci"] else None
    except Unreadable:
        raise Unreadable(f"'{text}' is not a log10 reduction value (e.g. 4.5, ≥ 5.2 or 4.5 ± 0.3)") from None
    if ci is not None and ci.value < 0:
        raise Unreadable(f"'{text}': a confidence interval is not negative")
    return LogReduction(value.value, value.quantum, bool(found["bound"]), ci.value if ci else None)


def _log10(value: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        return value.log10()


def titre_log(text: str, reading) -> tuple[Decimal, object, bool]:
    """A titre as (log10 of its value, the quantity, below the limit of detection)."""
    norm = normalise(text).strip()
    below = _BELOW.match(norm)
    try:
        quantity = reading.quantity(norm[below.end():] if below else norm)
    except Unreadable as exc:
        raise Unreadable(f"{exc}; expected a titre such as 7.2 log10 TCID50/mL or 1.6 × 10^7 TCID50/mL") from None
    if quantity.unit is None:
        raise Unreadable(f"'{text}' has no unit; expected a titre such as 7.2 log10 TCID50/mL")
    if not quantity.log and quantity.value <= 0:
        raise Unreadable(f"'{text}': a titre is greater than zero")
    return (quantity.value if quantity.log else _log10(quantity.value)), quantity, bool(below)


def volume(text: str, reading):
    quantity = reading.quantity(text)
    if quantity.unit is None or reading.units.factor(quantity.unit, "milliliter") is None or quantity.value <= 0:
        raise Unreadable(f"'{text}' is not a volume (e.g. 50 mL or 0.05 L)")
    return quantity


def recompute(result, reading) -> LogReduction | None:
    """The LRV from the stated load and output volumes and titres; None when they are not stated."""
    if not all(result.pairs):
        return None
    load_log, load, _ = titre_log(result.load_titre, reading)
    out_log, out, below = titre_log(result.output_titre, reading)
    titre_factor = out.factor_to(load, reading.units)
    if titre_factor is None:
        raise Unreadable(f"the output titre '{result.output_titre}' and the load titre '{result.load_titre}' are "
                         "not in commensurable units")
    v_in, v_out = volume(result.load_volume, reading), volume(result.output_volume, reading)
    volume_factor = reading.units.factor(v_out.unit, v_in.unit)
    with localcontext() as ctx:
        ctx.prec = 40
        into = load_log + _log10(v_in.value)
        out_of = out_log + _log10(titre_factor) + _log10(v_out.value * volume_factor)
        value = into - out_of
    return LogReduction(value, Decimal("1E-2"), below)


@dataclass(frozen=True)
class Cell:
    """One step × virus of the table: what is shown and what counts."""

    step: object
    virus: object
    result: object
    stated: LogReduction | None
    computed: LogReduction | None
    quantum: Decimal

    @property
    def value(self) -> LogReduction:
        """The stated LRV; where none is stated, the computed one at the rules' place."""
        if self.stated is not None:
            return self.stated
        return LogReduction(round_to(self.computed.value, self.quantum, "half-up"), self.quantum,
                            self.computed.at_least)

    @property
    def claimed(self) -> bool:
        return self.result.is_claimed


@dataclass(frozen=True)
class Overall:
    """The overall reduction of one virus: the sum of its claimed steps, a lower bound when any is."""

    virus: object
    cells: tuple

    @property
    def value(self) -> LogReduction | None:
        if not self.cells:
            return None
        values = [c.value for c in self.cells]
        total = sum((v.value for v in values), Decimal(0))
        return LogReduction(total, min(v.quantum for v in values), any(v.at_least for v in values))


@dataclass(frozen=True)
class Analysis:
    cells: dict      # (step id, virus id) → Cell
    overall: dict    # virus id → Overall

    def cell(self, step, virus) -> Cell | None:
        return self.cells.get((step.id, virus.id))


def analyse(clearance, reading, rules: ClearanceRules) -> Analysis:
    """Every cell read and recomputed, and the overall row; the content was measured, so all read."""
    cells = {}
    for step in clearance.steps:
        for virus_id, result in step.results.items():
            stated = read_lrv(result.lrv) if result.lrv else None
            virus = next(v for v in clearance.viruses if v.id == virus_id)
            cells[(step.id, virus_id)] = Cell(step, virus, result, stated, recompute(result, reading), rules.quantum)
    overall = {v.id: Overall(v, tuple(c for c in cells.values() if c.virus.id == v.id and c.claimed))
               for v in clearance.viruses}
    return Analysis(cells, overall)


def evaluations(content):
    """(evaluation, path) for every 3.2.A.2 evaluation."""
    appendices = content.appendices
    for item in appendices.adventitious_agents if appendices is not None else ():
        yield item, f"appendices.adventitious_agents[{item.id}]"


def measure_clearance(content, reading, diags: Diagnostics) -> None:
    """Stage measure: every LRV, titre, volume and stated overall value reads, or is an error at its line."""
    for item, path in evaluations(content):
        clearance = item.clearance
        if clearance is None:
            continue
        for step in clearance.steps:
            for virus, result in step.results.items():
                where = f"{path}.clearance.steps[{step.id}].results.{virus}"
                readable = [_read(result, "lrv", where, diags, lambda r=result: read_lrv(r.lrv) if r.lrv else None)]
                for name, read in (("load_titre", titre_log), ("output_titre", titre_log), ("load_volume", volume),
                                   ("output_volume", volume)):
                    text = getattr(result, name)
                    readable.append(_read(result, name, where, diags, lambda t=text, f=read: f(t, reading) if t else 0))
                if all(r is not None for r in readable):  # units that do not meet: said at the load's titre
                    _read(result, "load_titre", where, diags, lambda r=result: recompute(r, reading) or 0)
        for virus, text in clearance.overall.items():
            _read(clearance, f"overall.{virus}", f"{path}.clearance", diags, lambda t=text: read_lrv(t))


def _read(record, name: str, path: str, diags: Diagnostics, read):
    """What `read` returns (0 for nothing to read), or None after an error at the field's line."""
    try:
        found = read()
    except Unreadable as exc:
        diags.error("E2621", str(exc), record.where(name), f"{path}.{name}")
        return None
    return 0 if found is None else found
