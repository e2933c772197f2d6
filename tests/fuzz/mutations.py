"""Mutations of valid example content, as a hostile new writer would make them.

Each mutation is a text edit of one YAML file of a copied project (or a file rename), chosen from the
parsed tree of that file so that it hits a real key, list or value: delete a key or a list item,
empty a list, change a value's type, break a reference, duplicate an id, rename a file. The edits
work on lines and columns (the loader's origins), so every mutated file is what a writer could save.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.source import Value, parse_bytes

FILES = ("core/product.yaml", "core/drug-substance.yaml", "core/drug-product.yaml", "fda.yaml")
RENAMES = ("fda.yml", "FDA.yaml", "pmda.yaml", "core/fda.yaml", "core/notes.txt", "core/extra.yaml")
KINDS = ("delete", "empty", "retype", "reference", "duplicate", "blank", "zero")
REFERENCE_KEYS = {"site", "batch", "substance", "strength", "drug_substance_batches", "results", "quantities",
                  "id", "regions", "period_label", "type", "category"}
_SCALAR_END = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,\]}#\n]*')


@dataclass(frozen=True)
class Node:
    """A place in a file: the dotted path, the Value, and the position of its key (None for list items)."""

    path: str
    value: Value
    key_line: int | None
    key_col: int | None
    key: str | None


def nodes(tree: Value, path: str = "") -> list[Node]:
    """Every key and list item of a tree, parents before children."""
    found = []
    items = tree.data.items() if tree.is_map else enumerate(tree.data) if tree.is_list else ()
    for key, child in items:
        where = f"{path}.{key}" if path else str(key)
        k = child.key_origin
        if tree.is_map and k is not None and k.line:
            found.append(Node(where, child, k.line, k.column, str(key)))
        elif tree.is_list:
            found.append(Node(where, child, None, None, None))
        found += nodes(child, where)
    return found


def parse(data: bytes, display: str) -> Value:
    return parse_bytes(data, display)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, col: int) -> int:
    """The index after the last line of the block that starts at line index `start`, column `col` (1-based)."""
    end = start + 1
    while end < len(lines):
        text = lines[end]
        if text.strip() and not text.lstrip().startswith("#"):
            ind = _indent(text)
            if ind < col - 1 or (ind == col - 1 and not text.lstrip().startswith("- ")):
                break
        end += 1
    return end


def delete(lines: list[str], node: Node) -> list[str] | None:
    """Remove a key with its block, or a whole list item (`- …` and what is indented under it)."""
    if node.key_line is not None:
        i, col = node.key_line - 1, node.key_col
        prefix = lines[i][: col - 1]
        end = _block_end(lines, i, col)
        if prefix.strip():  # the first key of a list item: keep the dash, the item's other keys follow
            return lines[:i] + [prefix.rstrip()] + lines[end:]
        return lines[:i] + lines[end:]
    origin = node.value.origin
    i = origin.line - 1
    if not (0 <= i < len(lines)):
        return None
    dash = lines[i].rfind("- ", 0, origin.column)
    if dash < 0 or lines[i][:dash].strip():
        return None  # a flow list item: rewritten as a value instead
    return lines[:i] + lines[_block_end(lines, i, dash + 2):]


def replace_value(lines: list[str], node: Node, text: str) -> list[str] | None:
    """Replace a key's whole value (scalar, block list or mapping) with `text` on the key's line."""
    if node.key_line is None:
        return _replace_scalar(lines, node.value, text) if node.value.is_text else None
    i, col = node.key_line - 1, node.key_col
    line = lines[i]
    colon = line.find(":", col - 1 + len(node.key))
    if colon < 0:
        return None
    end = _block_end(lines, i, col) if not node.value.is_text or node.value.origin.line != node.key_line else i + 1
    if node.value.is_text and node.value.origin.line == node.key_line:
        return _replace_scalar(lines, node.value, text)
    return lines[:i] + [line[: colon + 1] + " " + text] + lines[end:]


def _replace_scalar(lines: list[str], value: Value, text: str) -> list[str] | None:
    i, col = value.origin.line - 1, value.origin.column - 1
    if not (0 <= i < len(lines)) or col > len(lines[i]):
        return None
    line = lines[i]
    if line[col:col + 1] in ("|", ">"):
        return None  # a block scalar: its lines follow; not a one-line value
    match = _SCALAR_END.match(line, col)
    end = match.end() if match else col
    return lines[:i] + [line[:col] + text + line[end:].rstrip() if line[end:].strip() else line[:col] + text] + lines[i + 1:]


def rename_key(lines: list[str], node: Node, new: str) -> list[str] | None:
    """Rename a mapping key in place (a result or quantity keyed by a misspelt id)."""
    i, col = node.key_line - 1, node.key_col - 1
    line = lines[i]
    if not line[col:].startswith(node.key):
        return None
    return lines[:i] + [line[:col] + new + line[col + len(node.key):]] + lines[i + 1:]


def sibling_id(tree_nodes: list[Node], node: Node) -> str | None:
    """Another record's id in the same list, for a duplicated id."""
    parent = node.path.rsplit(".", 2)[0]
    for other in tree_nodes:
        if other.key == "id" and other.path != node.path and other.path.rsplit(".", 2)[0] == parent:
            return other.value.data
    return None


def _parent(path: str) -> str:
    parts = path.split(".")
    return parts[-2] if len(parts) > 1 else ""


def mutate(lines: list[str], tree_nodes: list[Node], kind: str, pick: int) -> list[str] | None:
    """Apply mutation `kind` to the `pick`-th suitable node; None when the file has no such node."""
    if kind == "delete":
        candidates = tree_nodes
    elif kind == "empty":
        candidates = [n for n in tree_nodes if n.value.is_list and n.key_line is not None]
    elif kind in ("reference", "duplicate"):
        candidates = [n for n in tree_nodes if n.key in REFERENCE_KEYS or _parent(n.path) in REFERENCE_KEYS]
    else:
        candidates = [n for n in tree_nodes if n.key_line is not None or n.value.is_text]
    if not candidates:
        return None
    node = candidates[pick % len(candidates)]
    if kind == "delete":
        return delete(lines, node)
    if kind == "empty":
        return replace_value(lines, node, "[]")
    if kind == "retype":
        return replace_value(lines, node, ("[x]", "{a: b}", "x", "")[pick % 4] if node.value.is_text else "x")
    if kind == "blank":
        return replace_value(lines, node, ('""', "~", "null", "' '")[pick % 4])
    if kind == "zero":
        return replace_value(lines, node, ("0", "0 mg", "-1", "1e400", "0.0 g")[pick % 5])
    if kind == "duplicate" and node.key == "id":
        other = sibling_id(tree_nodes, node)
        return replace_value(lines, node, other) if other else None
    if node.key is not None and _parent(node.path) in ("results", "quantities"):
        return rename_key(lines, node, node.key + "x")
    return replace_value(lines, node, "no-such-id") if node.value.is_text else replace_value(lines, node, "[no-such-id]")


def apply(product: Path, file: str, kind: str, pick: int) -> bool:
    """Mutate one file of the product folder in place; False when the mutation did not apply."""
    path = product / file
    data = path.read_bytes()
    tree = parse(data, file)
    lines = data.decode("utf-8").split("\n")
    changed = mutate(lines, nodes(tree), kind, pick)
    if changed is None or changed == lines:
        return False
    path.write_text("\n".join(changed), encoding="utf-8")
    return True


def rename(product: Path, file: str, target: str) -> bool:
    """Move a content file to another name (an overlay saved as .yml, in capitals, for an unknown region …)."""
    source, dest = product / file, product / target
    if dest.exists() or not source.exists():
        return False
    source.rename(dest)
    return True
