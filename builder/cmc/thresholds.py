"""ICH Q3A/Q3B impurity thresholds computed from the maximum daily dose (bands are data)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Thresholds:
    reporting: Decimal
    identification: Decimal
    qualification: Decimal


def load_bands(source) -> dict:
    """{material: {threshold: [(max_mg or None, percent, tdi_mg or None)]}} from the loaded data file."""
    root = source.root
    return {material: {name: [_band(b) for b in bands.data] for name, bands in kinds.data.items()}
            for material, kinds in root.data.items()}


def _band(value) -> tuple:
    get = lambda key: Decimal(value.data[key].data) if key in value.data else None  # noqa: E731
    return get("max_mg"), get("percent"), get("tdi_mg")


def thresholds(bands: dict, material: str, dose_mg: Decimal) -> Thresholds:
    """The three thresholds (in %) for `material` (drug_substance or drug_product) at this dose."""
    return Thresholds(*(_pick(bands[material][name], dose_mg) for name in ("reporting", "identification", "qualification")))


def _pick(bands: list, dose: Decimal) -> Decimal:
    for max_mg, percent, tdi in bands:
        if max_mg is None or dose <= max_mg:
            return min(percent, tdi / dose * 100) if tdi else percent
    raise ValueError("no band")


def dose_mg(text: str, reading) -> Decimal | None:
    """The maximum daily dose in mg ('1.5 g' → 1500); None when it is not a mass (measure reports it)."""
    try:
        quantity = reading.quantity(text)
    except ValueError:
        return None
    factor = reading.units.factor(quantity.unit or "", "milligram")
    return None if factor is None or quantity.value <= 0 else quantity.value * factor
