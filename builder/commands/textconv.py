"""Word documents as plain text, so `git diff` of a built leaf shows which words changed.

git stores a .docx as an opaque zip; a textconv filter gives it one line per paragraph
(`[Heading 1] 3.2.P.5.1 Specification(s)`), one line per table cell (`| r2c3 | NMT 0.15 %`) and the
header and footer text. Only the zip and lxml are used (no python-docx object model), so any package
the builder writes, any template (Jinja tags and all) and even a broken file give text, never a
traceback: a failing textconv would make `git diff` itself fail.

    python -m builder.commands.textconv FILE        # what git runs (see `setup_git`)
"""
from __future__ import annotations

import io
import posixpath
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree

from ..ooxml.atomic import atomic_write
from ..ooxml.namespaces import R_NS, REL_NS, W_NS
from ..errors import environment_error

W, R, PKG_REL = W_NS, R_NS, REL_NS
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# Word stores built-in style names in lower case ("heading 1"); show them as Word's UI does.
_UI_NAMES = {"caption": "Caption", "header": "Header", "footer": "Footer",
             **{f"heading {n}": f"Heading {n}" for n in range(1, 10)}}
ATTRIBUTE = "*.docx -text -merge diff=docx"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def docx_to_text(data: bytes) -> str:
    """The readable text of a .docx: body, then every header and footer the sections use."""
    try:
        return "\n".join(_lines(_parts(data))) + "\n"
    except Exception as exc:  # noqa: BLE001 - a textconv that raises breaks `git diff` for every file
        return f"[not a readable .docx: {type(exc).__name__}: {exc}]\n"


def docx_lines(data: bytes) -> list[str]:
    """One line per paragraph and per table cell (`[Style] text`, `| rRcC | text`), headers and footers last."""
    return _lines(_parts(data))


def _lines(parts: dict[str, bytes]) -> list[str]:
    document = _xml(parts, "word/document.xml")
    styles = _style_names(parts)
    out: list[str] = []
    body = document.find(_w("body"))
    _blocks(body if body is not None else document, styles, out, [0])
    for label, name in _header_footer_parts(parts, document):
        out.append(f"--- {label} ({posixpath.basename(name)}) ---")
        _blocks(_xml(parts, name), styles, out, [0])
    return out


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if info.filename.endswith((".xml", ".rels"))}


def _xml(parts: dict, name: str):
    return etree.fromstring(parts[name], _PARSER)


def _style_names(parts: dict) -> dict[str, str]:
    """Paragraph style id → display name; `None` key → the default paragraph style's name."""
    names: dict = {None: "Normal"}
    if "word/styles.xml" not in parts:
        return names
    for style in _xml(parts, "word/styles.xml").iter(_w("style")):
        if style.get(_w("type")) != "paragraph":
            continue
        name_el = style.find(_w("name"))
        name = name_el.get(_w("val")) if name_el is not None else style.get(_w("styleId"))
        names[style.get(_w("styleId"))] = _UI_NAMES.get(name, name)
        if style.get(_w("default")) in ("1", "true", "on"):
            names[None] = _UI_NAMES.get(name, name)
    return names


def _blocks(container, styles: dict, out: list[str], tables: list[int]) -> None:
    """Paragraphs and tables in document order; content controls and custom XML are looked into."""
    for child in container:
        if child.tag == _w("p"):
            _paragraph(child, styles, out)
        elif child.tag == _w("tbl"):
            tables[0] += 1
            _table(child, tables[0], out)
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            _blocks(child, styles, out, tables)


def _paragraph(p, styles: dict, out: list[str]) -> None:
    text = paragraph_text(p)
    if not text.strip():
        return  # empty paragraphs are spacing, not content
    style_el = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    style_id = style_el.get(_w("val")) if style_el is not None else None
    style = styles.get(style_id, style_id or styles[None])
    level = p.find(f"{_w('pPr')}/{_w('numPr')}/{_w('ilvl')}")
    depth = level.get(_w("val"), "0") if level is not None else "0"
    if depth.isdigit() and depth != "0":
        style += f", level {int(depth) + 1}"
    out.append(f"[{style}] {text}")


def paragraph_text(p) -> str:
    """The visible text: runs, tabs and breaks; deleted text and field codes are left out."""
    pieces = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")):
        if el.tag == _w("t"):
            pieces.append(el.text or "")
        elif el.tag == _w("tab"):
            if el.getparent() is not None and el.getparent().tag == _w("r"):  # not a tab stop definition
                pieces.append("\t")
        elif el.tag == _w("noBreakHyphen"):
            pieces.append("-")
        else:
            pieces.append(" ↵ ")
    return "".join(pieces).replace("\n", " ").strip()


def _table(tbl, number: int, out: list[str]) -> None:
    """`| rRcC | text` per cell; C counts grid columns, so a spanned cell keeps later positions stable."""
    out.append(f"[Table {number}]")
    for r, row in enumerate(tbl.iterfind(_w("tr")), 1):
        col = 1
        for cell in row.iterfind(_w("tc")):
            span, continued = _cell_layout(cell)
            if not continued:  # the lower parts of a vertically merged cell are empty
                text = " ¶ ".join(t for t in (paragraph_text(p) for p in cell.iter(_w("p"))) if t)
                out.append(f"| r{r}c{col} | {text}".rstrip())
            col += span


def _cell_layout(cell) -> tuple[int, bool]:
    """(grid columns the cell spans, whether it continues a vertical merge from the row above)."""
    span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    width = span.get(_w("val"), "1") if span is not None else "1"
    merge = cell.find(f"{_w('tcPr')}/{_w('vMerge')}")
    return (int(width) if width.isdigit() and int(width) > 0 else 1,
            merge is not None and merge.get(_w("val"), "continue") == "continue")


def _header_footer_parts(parts: dict, document) -> list[tuple[str, str]]:
    """(label, part name) of every header and footer the section properties reference, in order."""
    rels_name = "word/_rels/document.xml.rels"
    targets = {}
    if rels_name in parts:
        for rel in _xml(parts, rels_name).iter(f"{{{PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"word/{target}")
    found, seen = [], set()
    for ref in document.iter(_w("headerReference"), _w("footerReference")):
        name = targets.get(ref.get(f"{{{R}}}id"))
        if name in parts and name not in seen:
            seen.add(name)
            kind = "header" if ref.tag == _w("headerReference") else "footer"
            found.append((f"{kind} {ref.get(_w('type'), 'default')}", name))
    return found


def setup_git(repo: Path) -> list[str]:
    """Make `git diff` show built .docx files as text in `repo`; return what was set, one line each.

    The textconv cache (`refs/notes/textconv/docx`) is keyed by blob, not by this module's version,
    so it is dropped here: re-running after a builder upgrade refreshes every cached text.
    """
    command = f"{shlex.quote(sys.executable)} -m builder.commands.textconv"
    done = []
    for key, value in (("diff.docx.textconv", command), ("diff.docx.cachetextconv", "true")):
        _git(repo, "config", "--local", key, value)
        done.append(f"git config {key} = {value}")
    _git(repo, "update-ref", "-d", "refs/notes/textconv/docx")
    done.append(f".gitattributes: {_ensure_attribute(repo / '.gitattributes')}")
    return done


def _git(repo: Path, *args: str) -> None:
    try:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        reason = exc.stderr.decode("utf-8", "replace").strip() if isinstance(exc, subprocess.CalledProcessError) else exc
        raise environment_error("E4011", f"git {args[0]} failed: {reason}", repo) from None


def _ensure_attribute(path: Path) -> str:
    """Replace the `*.docx` line(s) (e.g. `*.docx binary`, which turns diffs off) or append one."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    docx = [i for i, line in enumerate(lines) if line.split()[:1] == ["*.docx"]]
    if [lines[i] for i in docx] == [ATTRIBUTE]:
        return f"'{ATTRIBUTE}' already present"
    kept = [line for i, line in enumerate(lines) if i not in docx]
    kept.insert(docx[0] if docx else len(kept), ATTRIBUTE)
    atomic_write(path, ("\n".join(kept) + "\n").encode("utf-8"))
    return f"'{ATTRIBUTE}' set"


def main(argv: list[str]) -> int:
    """git calls `<textconv> FILE` and reads stdout; UTF-8 whatever the locale."""
    if len(argv) != 1:
        print("usage: python -m builder.commands.textconv FILE.docx", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(docx_to_text(Path(argv[0]).read_bytes()).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
