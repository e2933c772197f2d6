"""Checks of the M4Q(R1) section-tree data and the NMPA Chinese titles.

Sources: /work/shared/reference/module3.md §2, §4, §5 and the ICH DTD ich-ectd-3-2.dtd.
"""

import hashlib
import re
from pathlib import Path

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
STRUCTURE = REPO / "templates/common/structure-m4q-r1.yaml"
NMPA_TITLES = REPO / "templates/nmpa/titles.yaml"
DTD = Path(__file__).resolve().parents[2] / "shared/reference/official/ich-ectd-3-2.dtd"
DTD_MD5 = "1d6f631cc6b6357f0f4fe378e5f79a27"

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_NAME = 64
MAX_PATH = 150  # project limit (module3.md §4), with "x" for item ids and ".pdf"

EXPECTED_LEAVES = [
    "3.2.S.1.1", "3.2.S.1.2", "3.2.S.1.3",
    "3.2.S.2.1", "3.2.S.2.2", "3.2.S.2.3", "3.2.S.2.4", "3.2.S.2.5", "3.2.S.2.6",
    "3.2.S.3.1", "3.2.S.3.2",
    "3.2.S.4.1", "3.2.S.4.2", "3.2.S.4.3", "3.2.S.4.4", "3.2.S.4.5",
    "3.2.S.5", "3.2.S.6",
    "3.2.S.7.1", "3.2.S.7.2", "3.2.S.7.3",
    "3.2.P.1", "3.2.P.2",
    "3.2.P.3.1", "3.2.P.3.2", "3.2.P.3.3", "3.2.P.3.4", "3.2.P.3.5",
    "3.2.P.4.1", "3.2.P.4.2", "3.2.P.4.3", "3.2.P.4.4", "3.2.P.4.5", "3.2.P.4.6",
    "3.2.P.5.1", "3.2.P.5.2", "3.2.P.5.3", "3.2.P.5.4", "3.2.P.5.5", "3.2.P.5.6",
    "3.2.P.6", "3.2.P.7",
    "3.2.P.8.1", "3.2.P.8.2", "3.2.P.8.3",
    "3.2.A.1", "3.2.A.2", "3.2.A.3",
    "3.2.R",
    "3.3",
]

# (kind, template) per leaf, as agreed for the view builders.
EXPECTED_KIND_TEMPLATE = {
    "3.2.S.1.1": ("nomenclature", "narrative"),
    "3.2.S.1.2": ("structure", "narrative"),
    "3.2.S.1.3": ("properties", "narrative"),
    "3.2.S.2.1": ("manufacturers", "narrative"),
    "3.2.S.2.2": ("process", "narrative"),
    "3.2.S.2.3": ("materials", "narrative"),
    "3.2.S.2.4": ("narrative", "narrative"),
    "3.2.S.2.5": ("process-validation", "narrative"),
    "3.2.S.2.6": ("process-development", "narrative"),  # narrative, then ICH Q5E comparability
    "3.2.S.3.1": ("characterisation", "narrative"),
    "3.2.S.3.2": ("impurities", "narrative"),
    "3.2.S.4.1": ("specification", "specification"),
    "3.2.S.4.2": ("procedure", "narrative"),
    "3.2.S.4.3": ("procedure-validation", "narrative"),
    "3.2.S.4.4": ("batch-analyses", "batch-analyses"),
    "3.2.S.4.5": ("narrative", "narrative"),
    "3.2.S.5": ("reference-standards", "narrative"),
    "3.2.S.6": ("container-closure", "narrative"),
    "3.2.S.7.1": ("stability-summary", "narrative"),
    "3.2.S.7.2": ("narrative", "narrative"),
    "3.2.S.7.3": ("stability-data", "stability-data"),
    "3.2.P.1": ("composition", "composition"),
    "3.2.P.2": ("process-development", "narrative"),
    "3.2.P.3.1": ("manufacturers", "narrative"),
    "3.2.P.3.2": ("batch-formula", "composition"),
    "3.2.P.3.3": ("process", "narrative"),
    "3.2.P.3.4": ("narrative", "narrative"),
    "3.2.P.3.5": ("process-validation", "narrative"),
    "3.2.P.4.1": ("excipient-specification", "specification"),
    "3.2.P.4.2": ("narrative", "narrative"),
    "3.2.P.4.3": ("narrative", "narrative"),
    "3.2.P.4.4": ("narrative", "narrative"),
    "3.2.P.4.5": ("narrative", "narrative"),
    "3.2.P.4.6": ("narrative", "narrative"),
    "3.2.P.5.1": ("specification", "specification"),
    "3.2.P.5.2": ("procedure", "narrative"),
    "3.2.P.5.3": ("procedure-validation", "narrative"),
    "3.2.P.5.4": ("batch-analyses", "batch-analyses"),
    "3.2.P.5.5": ("impurities", "narrative"),
    "3.2.P.5.6": ("narrative", "narrative"),
    "3.2.P.6": ("reference-standards", "narrative"),
    "3.2.P.7": ("container-closure", "narrative"),
    "3.2.P.8.1": ("stability-summary", "narrative"),
    "3.2.P.8.2": ("narrative", "narrative"),
    "3.2.P.8.3": ("stability-data", "stability-data"),
    "3.2.A.1": ("facility", "narrative"),
    "3.2.A.2": ("adventitious-agents", "narrative"),  # narrative, then testing and viral clearance
    "3.2.A.3": ("appendix-item", "narrative"),
    "3.2.R": ("regional-item", "narrative"),
    "3.3": ("literature", "narrative"),
}

EXPECTED_MANY = {
    "3.2.S.4.2": "procedures",
    "3.2.S.4.3": "procedures",
    "3.2.P.5.2": "procedures",
    "3.2.P.5.3": "procedures",
    "3.2.A.1": "facilities",
    "3.2.A.2": "adventitious_agents",
    "3.2.A.3": "novel_excipients",
    "3.2.R": "regional",
    "3.3": "literature",
}

EXPECTED_REPEAT = {
    "3.2.S": "drug_substances",
    "3.2.P": "drug_products",
    "3.2.P.4": "excipients",
}

NOT_REQUIRED_S_P = {"3.2.P.4.2", "3.2.P.4.3", "3.2.P.4.4", "3.2.P.4.5", "3.2.P.4.6"}

LEAF_KEYS = {"number", "title", "element", "folder", "stem", "kind", "template", "docs", "per",
             "required", "once", "node_extensions", "within"}
HEADING_KEYS = {"number", "title", "element", "folder", "repeat", "children", "attributes", "within"}


def _yaml():
    return YAML(typ="safe")


def load_structure():
    with STRUCTURE.open(encoding="utf-8") as fh:
        return _yaml().load(fh)


def load_titles():
    with NMPA_TITLES.open(encoding="utf-8") as fh:
        return _yaml().load(fh)["titles"]


def walk(nodes, parent=None):
    """Yield (node, parent) depth-first, in file order."""
    for node in nodes:
        yield node, parent
        yield from walk(node.get("children") or [], node)


def all_nodes():
    return list(walk(load_structure()["sections"]))


def is_leaf(node):
    return not node.get("children")


def dtd_models():
    """Map element name -> list of element names in its content model, in order."""
    text = DTD.read_bytes().decode("utf-8")
    models = {}
    for m in re.finditer(r"<!ELEMENT\s+([^\s>]+)\s+(.*?)>", text, re.S):
        models[m.group(1)] = re.findall(r"[A-Za-z][\w:.-]*", m.group(2))
    return models


def resolved_paths():
    """Map leaf number -> full relative path (item ids replaced by 'x', stem + '.pdf')."""
    data = load_structure()
    out = {}

    def rec(nodes, base):
        for node in nodes:
            folder = (node.get("folder") or "").replace("{item}", "x")
            here = f"{base}/{folder}" if folder else base
            if is_leaf(node):
                stem = node["stem"] + ("-x" if node["docs"] == "many" else "")
                out[node["number"]] = f"{here}/{stem}.pdf"
            else:
                rec(node["children"], here)

    rec(data["sections"], data["root_folder"])
    return out


# --------------------------------------------------------------------------- DTD


def test_dtd_checksum():
    assert hashlib.md5(DTD.read_bytes()).hexdigest() == DTD_MD5


def test_header():
    data = load_structure()
    assert data["tree"] == "m4q-r1"
    assert data["root_folder"] == "m3"
    assert [n["number"] for n in data["sections"]] == ["3.2.S", "3.2.P", "3.2.A", "3.2.R", "3.3"]


def test_every_element_is_declared_in_dtd():
    models = dtd_models()
    elements = [node["element"] for node, _ in all_nodes()]
    missing = [e for e in elements if e not in models]
    assert not missing, f"elements not declared in the DTD: {missing}"
    assert len(elements) == len(set(elements)), "duplicate element names"


def test_backbone_headings_and_attributes_are_the_dtds():
    """The backbone's own headings (m3-quality, m3-2-body-of-data) and the attributes of repeating
    headings (substance, manufacturer, product-name, dosageform, excipient) exist in the DTD, where stated."""
    data = load_structure()
    models = dtd_models()
    assert models["ectd:ectd"].count(data["root_element"]) == 1
    within = {n["number"]: n.get("within") for n in data["sections"]}
    assert within == {"3.2.S": "m3-2-body-of-data", "3.2.P": "m3-2-body-of-data", "3.2.A": "m3-2-body-of-data",
                      "3.2.R": "m3-2-body-of-data", "3.3": None}
    assert "m3-2-body-of-data" in models[data["root_element"]]
    text = DTD.read_bytes().decode("utf-8")
    for node, _ in all_nodes():
        for attribute in node.get("attributes") or {}:
            declared = re.search(rf"<!ATTLIST\s+{re.escape(node['element'])}\s(.*?)>", text, re.S)
            assert declared and re.search(rf"\s{re.escape(attribute)}\s", declared.group(1)), (node["number"], attribute)
    assert {n["number"]: set(n.get("attributes") or {}) for n, _ in all_nodes() if n.get("repeat")} == {
        "3.2.S": {"substance", "manufacturer"}, "3.2.P": {"product-name", "dosageform", "manufacturer"},
        "3.2.P.4": {"excipient"}}


def test_children_follow_dtd_content_model_order():
    models = dtd_models()
    # Top level: 3.2.S/P/A/R are children of m3-2-body-of-data, which precedes 3.3 in m3-quality.
    top = [n["element"] for n in load_structure()["sections"]]
    body = models["m3-2-body-of-data"]
    assert [body.index(e) for e in top[:4]] == sorted(body.index(e) for e in top[:4])
    quality = models["m3-quality"]
    assert top[4] in quality
    assert quality.index("m3-2-body-of-data") < quality.index(top[4])

    for node, _ in all_nodes():
        if is_leaf(node):
            continue
        model = models[node["element"]]
        kids = [c["element"] for c in node["children"]]
        for kid in kids:
            assert kid in model, f"{kid} is not in the content model of {node['element']}"
        positions = [model.index(k) for k in kids]
        assert positions == sorted(positions), f"children of {node['number']} out of DTD order"


# --------------------------------------------------------------------------- shape


def test_leaf_set_is_m4q_r1():
    leaves = [node["number"] for node, _ in all_nodes() if is_leaf(node)]
    assert leaves == EXPECTED_LEAVES  # exact set, in DTD/document order


def test_numbers_unique_and_nested():
    numbers = [node["number"] for node, _ in all_nodes()]
    assert len(numbers) == len(set(numbers))
    for node, parent in all_nodes():
        assert isinstance(node["number"], str)
        assert isinstance(node["title"], str) and node["title"] == node["title"].strip()
        if parent is not None:
            assert node["number"].startswith(parent["number"] + ".")


def test_node_keys():
    for node, _ in all_nodes():
        allowed = LEAF_KEYS if is_leaf(node) else HEADING_KEYS
        extra = set(node) - allowed
        assert not extra, f"{node['number']}: unexpected keys {extra}"


def test_leaves_have_required_fields():
    for node, _ in all_nodes():
        if not is_leaf(node):
            continue
        num = node["number"]
        for key in ("stem", "kind", "template", "docs", "required"):
            assert key in node, f"{num} lacks {key}"
        assert node["docs"] in ("one", "many"), num
        assert isinstance(node["required"], bool), num
        if node["docs"] == "many":
            assert node.get("per"), f"{num}: docs many without per"
        else:
            assert "per" not in node, f"{num}: per without docs many"


def test_kind_and_template():
    got = {
        node["number"]: (node["kind"], node["template"])
        for node, _ in all_nodes()
        if is_leaf(node)
    }
    assert got == EXPECTED_KIND_TEMPLATE


def test_repeat_many_and_once():
    repeats = {n["number"]: n["repeat"] for n, _ in all_nodes() if "repeat" in n}
    assert repeats == EXPECTED_REPEAT
    many = {n["number"]: n["per"] for n, _ in all_nodes() if n.get("docs") == "many"}
    assert many == EXPECTED_MANY
    once = {n["number"] for n, _ in all_nodes() if n.get("once")}
    assert once == {"3.2.P.4.5", "3.2.P.4.6"}
    for node, parent in all_nodes():
        if node.get("once"):
            assert parent is not None and "repeat" in parent
            assert "{item}" not in (node.get("folder") or "")


def test_item_placeholder_only_where_something_repeats():
    for node, parent in all_nodes():
        folder = node.get("folder") or ""
        if "{item}" in folder:
            assert (
                "repeat" in node
                or (parent is not None and "repeat" in parent)
                or node.get("docs") == "many"
            ), node["number"]


def test_required_flags():
    for node, _ in all_nodes():
        if not is_leaf(node):
            continue
        num = node["number"]
        expected = num.startswith(("3.2.S.", "3.2.P.")) and num not in NOT_REQUIRED_S_P
        assert node["required"] is expected, num


# --------------------------------------------------------------------------- names


def test_stems_and_folders_are_valid_names():
    for node, _ in all_nodes():
        num = node["number"]
        folder = node.get("folder") or ""
        if folder:
            for seg in folder.replace("{item}", "x").split("/"):
                assert NAME_RE.match(seg), f"{num}: bad folder segment {seg!r}"
                assert len(seg) <= MAX_NAME, f"{num}: folder segment too long"
        if "stem" in node:
            stem = node["stem"].replace("{item}", "x")
            assert NAME_RE.match(stem), f"{num}: bad stem {stem!r}"
            assert len(stem) <= MAX_NAME, f"{num}: stem too long"


def test_resolved_path_lengths():
    for num, path in resolved_paths().items():
        assert len(path) <= MAX_PATH, f"{num}: {path}"


def test_spot_checks():
    nodes = {node["number"]: node for node, _ in all_nodes()}
    paths = resolved_paths()

    s41 = nodes["3.2.S.4.1"]
    assert (s41["title"], s41["element"], s41["stem"]) == (
        "Specification", "m3-2-s-4-1-specification", "specification")
    assert paths["3.2.S.4.1"] == (
        "m3/32-body-data/32s-drug-sub/x/32s4-contr-drug-sub/32s41-spec/specification.pdf")

    p41 = nodes["3.2.P.4.1"]
    assert (p41["title"], p41["element"], p41["stem"], p41["folder"]) == (
        "Specifications", "m3-2-p-4-1-specifications", "specifications", "{item}")
    assert paths["3.2.P.4.1"] == "m3/32-body-data/32p-drug-prod/x/32p4-contr-excip/x/specifications.pdf"

    p45 = nodes["3.2.P.4.5"]
    assert (p45["title"], p45["element"], p45["stem"]) == (
        "Excipients of Human or Animal Origin",
        "m3-2-p-4-5-excipients-of-human-or-animal-origin",
        "excipients-human-animal",
    )
    assert p45["once"] is True and p45["required"] is False
    assert paths["3.2.P.4.5"] == (
        "m3/32-body-data/32p-drug-prod/x/32p4-contr-excip/excipients-human-animal.pdf")

    p53 = nodes["3.2.P.5.3"]
    assert (p53["title"], p53["element"], p53["stem"], p53["per"]) == (
        "Validation of Analytical Procedures",
        "m3-2-p-5-3-validation-of-analytical-procedures",
        "validation-analytical-procedures",
        "procedures",
    )
    assert paths["3.2.P.5.3"] == (
        "m3/32-body-data/32p-drug-prod/x/32p5-contr-drug-prod/32p53-val-analyt-proc/"
        "validation-analytical-procedures-x.pdf")

    s71 = nodes["3.2.S.7.1"]
    assert (s71["title"], s71["element"], s71["stem"]) == (
        "Stability Summary and Conclusions",
        "m3-2-s-7-1-stability-summary-and-conclusions",
        "stability-summary",
    )
    assert paths["3.2.S.7.1"] == "m3/32-body-data/32s-drug-sub/x/32s7-stab/stability-summary.pdf"

    p81 = nodes["3.2.P.8.1"]
    assert (p81["title"], p81["element"], p81["stem"]) == (
        "Stability Summary and Conclusion",
        "m3-2-p-8-1-stability-summary-and-conclusion",
        "stability-summary",
    )
    assert paths["3.2.P.8.1"] == "m3/32-body-data/32p-drug-prod/x/32p8-stab/stability-summary.pdf"

    a3 = nodes["3.2.A.3"]
    assert (a3["title"], a3["element"], a3["stem"], a3["per"]) == (
        "Novel Excipients", "m3-2-a-3-excipients", "novel-excipient", "novel_excipients")
    assert paths["3.2.A.3"] == "m3/32-body-data/32a-app/32a3-excip-x/novel-excipient-x.pdf"

    assert nodes["3.2.S.2.1"]["element"] == "m3-2-s-2-1-manufacturer"
    assert nodes["3.2.P.3.1"]["element"] == "m3-2-p-3-1-manufacturers"
    assert nodes["3.2.S.3"]["title"] == "Characterisation"
    assert nodes["3.2.P.5.1"]["title"] == "Specification(s)"
    assert paths["3.3"] == "m3/33-lit-ref/reference-x.pdf"


# --------------------------------------------------------------------------- NMPA titles


def test_nmpa_titles_cover_every_node():
    titles = load_titles()
    numbers = {node["number"] for node, _ in all_nodes()}
    assert set(titles) == numbers
    for num, zh in titles.items():
        assert isinstance(zh, str) and zh and zh == zh.strip(), num


def test_nmpa_title_spot_checks():
    titles = load_titles()
    assert titles["3.2.S.1.1"] == "药品名称"
    assert titles["3.2.P.5.5"] == "杂质分析"
    assert titles["3.2.R"] == "区域性信息"
    assert titles["3.3"] == "参考文献"
    # NMPA eCTD vocabulary, not the CDE / 2010 wordings (module3.md §2.6)
    assert titles["3.2.S.5"] == "对照品/标准品"
    assert titles["3.2.S.2.5"] == "工艺验证和/或评价"
    assert titles["3.2.P.7"] == "包装系统"
    assert titles["3.2.P.4"] == "辅料的控制"
