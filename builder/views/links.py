"""Cross-references in narrative: `[[3.2.P.5.1]]`, `[[table:<id>]]` and `[[test:<id>]]`.

A reference to another section becomes the same citation everywhere ("3.2.P.5.1 Specification(s)",
titled in the region's language); a reference to a table of the same document becomes a hyperlink to
the table's bookmarked caption ("Table 3"), numbered after the whole document is built, so forward
references work. An unresolved reference is an error, never a blank.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..ooxml.blocks import Block, Run, bookmark_name, esc


@dataclass
class Links:
    """The references and table bookmarks of one document."""

    scope: object
    sections: dict  # CTD number → title in the region's language, for the leaves of this dossier
    spec_sections: dict = field(default_factory=dict)  # owner path → where its specification is
    tables: dict = field(default_factory=dict)  # table key → number in this document
    pending: dict = field(default_factory=dict)  # placeholder → (kind, target)

    def run(self, kind: str, target: str, marks: dict) -> Run:
        """A run standing for a reference until the document is complete (placeholders use a control
        character that content can never contain, so they cannot collide with text)."""
        token = f"\x01{len(self.pending)}\x01"
        self.pending[token] = (kind, target)
        link = bookmark_name(target) if kind == "table" else ""
        return Run(token, marks["bold"], marks["italic"], marks["vert"], link)

    def resolve(self, blocks: list[Block]) -> list[str]:
        """Replace every placeholder with its text; return a message per reference that has no target."""
        texts, problems = {}, []
        for token, (kind, target) in self.pending.items():
            text = self._text(kind, target)
            if text is None:
                problems.append(f"[[{kind + ':' if kind else ''}{target}]] refers to nothing in this {self._where(kind)}")
            texts[token] = text or ""
        for block in blocks:
            for token, text in texts.items():
                if token in block.xml:
                    block.xml, block.text = block.xml.replace(token, esc(text)), block.text.replace(token, text)
        return problems

    def _text(self, kind: str, target: str) -> str | None:
        if kind == "table":
            number = self.tables.get(target)
            return f"{self.scope.label('table')} {number}" if number else None
        if kind == "test":
            return self._test(target)
        if kind == "chapter":
            return self.scope.profile.compendial_chapters.get(target)
        title = self.sections.get(target)
        return f"{target} {title}" if title else None

    def _test(self, target: str) -> str | None:
        from ..provenance import owner_path

        spec = getattr(self.scope.owner, "specification", None)
        test = next((t for t in spec.tests if t.id == target), None) if spec else None
        if test is None:
            return None
        where = self.spec_sections.get(owner_path(self.scope))
        return test.test + self.scope.label("in_parentheses", text=where) if where else test.test

    @staticmethod
    def _where(kind: str) -> str:
        return {"table": "document", "test": "specification", "chapter": "region's compendial_chapters"}.get(kind, "dossier")
