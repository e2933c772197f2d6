"""View builders: one per section kind, turning the model into blocks a template places.

Templates never see YAML mappings or model objects (a key named `items` would print a bound method,
pitfalls.md §2.1); they get a `doc` header, region `labels` and ready-made `blocks`.
"""
from __future__ import annotations

from .base import LeafKind, subject
from .characterisation import CHARACTERISATION_KINDS
from .comparability import COMPARABILITY_KINDS
from .composition import COMPOSITION_KINDS
from .composition_volume import VOLUME_KINDS
from .manufacture import MANUFACTURE_KINDS
from .master_file import MASTER_FILE_KINDS
from .modality_views import MODALITY_KINDS
from .narrative import NARRATIVE_KINDS
from .records import RECORD_KINDS
from .safety import SAFETY_KINDS
from .stability import STABILITY_KINDS
from .tables import TABLE_KINDS

KINDS: dict[str, LeafKind] = {**NARRATIVE_KINDS, **RECORD_KINDS, **TABLE_KINDS, **COMPOSITION_KINDS, **VOLUME_KINDS,
                              **STABILITY_KINDS, **COMPARABILITY_KINDS, **SAFETY_KINDS, **MANUFACTURE_KINDS,
                              **CHARACTERISATION_KINDS, **MASTER_FILE_KINDS}
KINDS.update(MODALITY_KINDS)  # kinds modality profiles select for their leaves

__all__ = ["KINDS", "LeafKind", "subject"]
