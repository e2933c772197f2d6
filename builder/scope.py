"""What one leaf is about: the product content, the region, and the substance/product/item in hand."""
from __future__ import annotations

from dataclasses import dataclass

from .localisation import localised
from .model import Content, DrugProduct, DrugSubstance, Excipient
from .profile import RegionProfile
from .reads import note_label


@dataclass(frozen=True)
class Scope:
    content: Content
    profile: RegionProfile
    substance: DrugSubstance | None = None
    product: DrugProduct | None = None
    excipient: Excipient | None = None
    item: object | None = None
    rules: object | None = None  # cmc.findings.Rules: criteria vocabulary and ICH threshold bands
    reading: object | None = None  # cmc.measure.Reading: how this pair reads quantities
    modality: object | None = None  # modality.ModalityProfile: leaves, checks and wording of the modality

    def runs(self, check: str) -> bool:
        """Whether the modality selects `check`: views show a check's tables only where it applies."""
        return self.modality is not None and self.modality.runs(check)

    @property
    def owner(self):
        """The record whose fields a leaf renders: excipient, else product, else substance."""
        return self.excipient or self.product or self.substance

    def narrative(self, number: str) -> str | None:
        owner = self.owner
        return owner.narrative.get(number) if owner is not None else None

    def items(self, name: str) -> tuple:
        """The list `name` nearest to this scope: the owner's, then the appendices', then the content's."""
        for holder in (self.owner, self.content.appendices, self.content):
            if holder is not None and hasattr(holder, name):
                return tuple(getattr(holder, name) or ())
        return ()

    def printed(self, names: dict, default: str) -> str:
        """A name as this region's language prints it: its `names` entry, else the attribute (`default`)."""
        return localised(names, self.profile.language, default)

    def label(self, key: str, **values: str) -> str:
        """The region's words for `key`, with `{name}` placeholders filled from `values`."""
        note_label(key)
        text = self.profile.label(key)
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text
