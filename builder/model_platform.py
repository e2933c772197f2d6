"""A platform's own description (`content/platforms/<id>/platform.yaml`, key `platform:`), carried into
the content of every product built on it so that checks can ask where its prior knowledge comes from."""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import MD, M, Node
from .schema import CTD_NUMBER, MapOf, Slug, Text, field


@dataclass(**M)
class PlatformInfo(Node):
    id: str = field(Slug(), True, "must equal the platform folder name (content/platforms/<id>/)")
    name: str = field(Text(), True, "the platform's name, e.g. AAV9 HEK293 triple-transfection platform")
    based_on: str = field(Slug(), False, "another platform this one builds on (its content is read first)")
    source_product: str = field(Text(), False, "the approved product whose data the platform leans on (FDA "
                                "platform technology designation: an approved product uses it)")
    source_application: str = field(Text(), False, "that product's application, e.g. BLA 125999")
    right_of_reference: str = field(Text(), False, "the right-of-reference letter or document (Module 1) that lets "
                                    "the products built on the platform cite that application")
    product_specific: dict = field(MapOf(CTD_NUMBER, "a CTD section number", MD), False,
                                   "per leveraged section, what stays product-specific (modalities.md §7)")


def platform_references(content) -> list:
    """F4971: a platform reference names its source product, application and right-of-reference
    document (modalities.md §7); without them the shared content cannot be cited to an agency."""
    from .errors import Diagnostic

    info = getattr(content, "platform", None)
    if info is None:
        return []
    missing = [name for name in ("source_product", "source_application", "right_of_reference")
               if not getattr(info, name)]
    if not missing:
        return []
    return [Diagnostic("F4971", f"platform '{info.id}' does not name its {', '.join(missing)}: every platform "
                       "reference names the source product and application and a right-of-reference document "
                       "(modalities.md §7)", info.at, "platform")]
