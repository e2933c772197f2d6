"""The base of every content record, shared by `model.py` and the modules that add records for one
field of the dossier (viral safety, comparability, cell banks …) without importing the whole model."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from .errors import Origin
from .schema import CTD_NUMBER, SLUG, MapOf, Text

M = dict(frozen=True, kw_only=True)
MD = Text(markdown=True)
NARRATIVE = MapOf(CTD_NUMBER, "a CTD section number such as 3.2.S.2.2", MD)
BY_ID = MapOf(SLUG, "an identifier", Text())


@dataclass(**M)
class Node:
    at: Origin = Origin("")
    origins: dict = dc_field(default_factory=dict, compare=False, repr=False)

    def where(self, name: str) -> Origin:
        """Where field `name` was written (the record's own position when the field was omitted)."""
        return self.origins.get(name, self.at)
