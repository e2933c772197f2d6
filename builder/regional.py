"""3.2.R as each region files it: free leaves, or documents under fixed node extensions.

NMPA files a biological product's 3.2.R under six node extensions, 3.2.R.1工艺验证 … 3.2.R.6其他,
with exactly those titles; a chemical drug's 3.2.R documents are leaves directly under 3.2.R
(regions.md §1.1 ✅). Which one applies is region data (`regional_structure` per product type, the
modality profile's `product_type`), and the extensions are the region's `regional_items`: their
titles are the region's, never the writer's. Each document sits under its extension
(`extension:`, default its own id) and is titled by its own `title`. The plan places the documents;
the manifest carries each leaf's extension, so an eCTD backbone can be written from it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Diagnostic, Diagnostics

NUMBERED = re.compile(r"^\s*3\.2\.R(?![A-Za-z])")
NODE_EXTENSIONS = "node-extensions"


@dataclass(frozen=True)
class Extension:
    """A node extension: the region's id and its fixed title."""

    id: str
    title: str


def extension_of(item) -> str:
    """The regional item a document belongs to: `extension`, or the record's own id."""
    return getattr(item, "extension", "") or item.id


def node_extensions(profile, modality) -> list[Extension] | None:
    """The region's node extensions for this product type, in order; None where it files leaves."""
    product_type = modality.product_type if modality is not None else ""
    if profile.files_regional_as(product_type) != NODE_EXTENSIONS:
        return None
    return [Extension(t.id, t.title) for t in profile.regional_items]


def place(items, profile, modality, diags: Diagnostics) -> list[tuple[object, Extension | None]]:
    """Each 3.2.R document with its node extension (None where the region files leaves), ordered
    by extension as the region lists them; a document titled like its extension is refused."""
    extensions = node_extensions(profile, modality)
    if extensions is None:
        for item in items:
            _own_title(item, None, diags)
        return [(item, None) for item in items]
    order = {e.id: (index, e) for index, e in enumerate(extensions)}
    placed = sorted(((item, order[extension_of(item)]) for item in items if extension_of(item) in order),
                    key=lambda pair: pair[1][0])
    result = []
    for item, (_, extension) in placed:
        if not getattr(item, "title", ""):
            diags.error("E2407", f"a document under the node extension '{extension.title}' is titled by its own "
                        "content: add its `title` (the extension's title is the region's)", item.at,
                        f"regional[{item.id}].title")
            continue
        if _own_title(item, extension, diags):
            result.append((item, extension))
    return result


def _own_title(item, extension: Extension | None, diags: Diagnostics) -> bool:
    """A document's title names the document; node-extension titles are fixed by the region."""
    title = getattr(item, "title", "") or ""
    fixed = {extension.title, NUMBERED.sub("", extension.title).lstrip(".0123456789 ")} if extension else set()
    if title and (NUMBERED.match(title) or title.strip() in fixed):
        diags.error("E2408", f"'{title}' retitles a 3.2.R section: the region fixes the titles of 3.2.R and its node "
                    "extensions; give the document a title of its own, without a section number",
                    item.where("title"), f"regional[{item.id}].title")
        return False
    return True


def missing_extensions(content, profile, modality) -> list[Diagnostic]:
    """A dossier with a 3.2.R files every node extension the region fixes (F4801). A node extension
    holds at least one leaf, so an extension without a document is missing; where one truly does
    not apply, say why in `justifications` (regions.md §1.1: "must use these node extensions")."""
    extensions = node_extensions(profile, modality)
    if extensions is None or not content.regional:
        return []
    used = {extension_of(item) for item in content.regional}
    return [Diagnostic("F4801", f"3.2.R has no document under the node extension '{e.title}', which {profile.id} "
                       f"requires of a {modality.product_type} product's 3.2.R", content.where("regional"),
                       f"regional[{e.id}]")
            for e in extensions if e.id not in used]
