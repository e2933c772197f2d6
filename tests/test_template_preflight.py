"""Template preflight (pitfalls.md §3, §6 #39–44): real templates pass; each hazard is refused with
exit 3, its own error code, and a message naming the part.

Every refusal fixture is built here from a real template's parts, changed, and re-zipped.
"""
from __future__ import annotations

import random
import time
import warnings
import zipfile
from pathlib import Path

import pytest

from builder.errors import Category, DossierError
from builder.ooxml.preflight import preflight

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((REPO / "templates").glob("*/*.docx"))
BASE = REPO / "templates" / "common" / "narrative.docx"
DOC, SETTINGS, RELS, TYPES = "word/document.xml", "word/settings.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
OD_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def base_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(BASE) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rezip(tmp_path: Path, parts: dict[str, bytes], stored: bool = False) -> bytes:
    path = tmp_path / "t.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate-name fixture
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as zf:
            for name, body in parts.items():
                zf.writestr(name, body)
    return path.read_bytes()


def edit(parts: dict[str, bytes], name: str, old: str, new: str) -> dict[str, bytes]:
    text = parts[name].decode("utf-8")
    assert old in text, f"fixture anchor {old!r} not in {name}"
    return {**parts, name: text.replace(old, new, 1).encode("utf-8")}


def add_rel(parts, rels: str, rel: str) -> dict[str, bytes]:
    return edit(parts, rels, "</Relationships>", rel + "</Relationships>")


def add_type(parts, entry: str) -> dict[str, bytes]:
    return edit(parts, TYPES, "</Types>", entry + "</Types>")


def refused(data: bytes, code: str, part: str | None):
    """Preflight must refuse `data` as a template error with `code`, naming `part` in the message."""
    with pytest.raises(DossierError) as caught:
        preflight(data, "templates/common/t.docx")
    error = caught.value
    assert error.category == Category.TEMPLATE and int(error.category) == 3
    [diag] = error.diagnostics
    assert diag.code == code, str(error)
    assert diag.origin.path == "templates/common/t.docx"
    if part is not None:
        assert f"'{part}'" in diag.message, diag.message
    return diag


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_template_passes(path):
    preflight(path.read_bytes(), str(path.relative_to(REPO)))


def test_shipped_templates_are_found():
    assert len(TEMPLATES) >= 10


def test_rezipped_base_passes(tmp_path):
    preflight(rezip(tmp_path, base_parts()), "t.docx")  # the fixtures' starting point is itself clean


def test_a_pass_is_remembered_by_the_bytes_and_a_refusal_never(tmp_path, monkeypatch):
    from builder.ooxml import preflight as module

    checked = []
    real = module._check
    monkeypatch.setattr(module, "_check", lambda data, display: (checked.append(display), real(data, display)))
    monkeypatch.setattr(module, "_PASSED", set())
    good = rezip(tmp_path, base_parts())
    bad = rezip(tmp_path, edit(base_parts(), DOC, "<w:body>", "<w:body><w:ins/>"))
    for display in ("a.docx", "b.docx", "c.docx"):
        preflight(good, display)
    assert checked == ["a.docx"]  # the same bytes under three names: checked once
    for _ in range(2):
        refused(bad, "E3106", DOC)  # a refusal is found again every time
    assert len(checked) == 3


# E3101: not a zip, truncated, corrupt ------------------------------------------------------------

def test_random_bytes(tmp_path):
    diag = refused(random.Random(0).randbytes(4096), "E3101", None)
    assert "not a Word .docx (zip) file" in diag.message


def test_truncated_zip(tmp_path):
    data = rezip(tmp_path, base_parts())
    refused(data[: len(data) // 2], "E3101", None)


def test_bad_crc_names_the_part(tmp_path):
    data = bytearray(rezip(tmp_path, base_parts(), stored=True))
    at = data.index(b"<w:body>")
    data[at + 3] = ord("X")  # same length, different bytes: only the CRC notices
    refused(bytes(data), "E3101", DOC)


# E3102: zip directory bounds -----------------------------------------------------------------------

def test_zip_bomb_declared_size_is_refused_fast(tmp_path):
    """1.5 MB of data whose directory entry declares 1.5 GB: refused from the directory, in well under 1 s."""
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, body in base_parts().items():
            zf.writestr(name, body)
        zf.writestr("word/media/image1.png", random.Random(1).randbytes(1_500_000))
        zf.filelist[-1].file_size = 1_500_000_000  # the central directory is written from this on close
    data = path.read_bytes()
    assert len(data) < 2_000_000
    start = time.perf_counter()
    diag = refused(data, "E3102", "word/media/image1.png")
    assert time.perf_counter() - start < 1.0
    assert "zip bomb" in diag.message


def test_total_declared_size(tmp_path):
    """60 MB declared for 1 MB stored: a ratio of 60 passes, the 50 MB total does not."""
    path = tmp_path / "big.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, body in base_parts().items():
            zf.writestr(name, body)
        zf.writestr("word/media/image1.png", random.Random(1).randbytes(1_000_000))
        zf.filelist[-1].file_size = 60_000_000
    diag = refused(path.read_bytes(), "E3102", "word/media/image1.png")
    assert "uncompressed" in diag.message


def test_high_compression_ratio(tmp_path):
    parts = {**base_parts(), "word/media/image1.png": bytes(20 * 1024 * 1024)}  # ~1000:1 deflated, 20 MB total
    diag = refused(rezip(tmp_path, parts), "E3102", "word/media/image1.png")
    assert "ratio" in diag.message


def test_too_many_entries(tmp_path):
    parts = base_parts() | {f"customXml/item{i}.xml": b"<a/>" for i in range(1000)}
    diag = refused(rezip(tmp_path, parts), "E3102", None)
    assert "entries" in diag.message


@pytest.mark.parametrize("name", ["../evil.xml", "word/../../evil.xml", "/word/evil.xml", "C:/evil.xml", "word\\evil.xml"])
def test_unsafe_entry_names(tmp_path, name):
    refused(rezip(tmp_path, base_parts() | {name: b"<a/>"}), "E3102", name)


def test_duplicate_entry_name(tmp_path):
    path = tmp_path / "dup.docx"
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as zf:
        warnings.simplefilter("ignore")
        for name, body in base_parts().items():
            zf.writestr(name, body)
        zf.writestr(DOC, b"<w:document/>")
    refused(path.read_bytes(), "E3102", DOC)


# E3103: DTDs --------------------------------------------------------------------------------------

XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def test_doctype_entity_xxe(tmp_path):
    parts = edit(base_parts(), DOC, "<w:document ", XXE + "<w:document ")
    parts = edit(parts, DOC, "{{ doc.heading }}", "&xxe;")
    refused(rezip(tmp_path, parts), "E3103", DOC)


def test_doctype_hidden_by_utf16_is_caught_after_parsing(tmp_path):
    text = base_parts()[DOC].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    text = text.replace("<w:document ", XXE + "<w:document ", 1)
    parts = base_parts() | {DOC: text.encode("utf-16")}
    assert b"<!DOCTYPE" not in parts[DOC]
    refused(rezip(tmp_path, parts), "E3103", DOC)


def test_entity_in_rels_part(tmp_path):
    parts = edit(base_parts(), RELS, "<Relationships ", '<!ENTITY x "y">' + "<Relationships ")
    refused(rezip(tmp_path, parts), "E3103", RELS)


# E3104: content types -----------------------------------------------------------------------------

def test_vba_project_with_relationship(tmp_path):
    parts = add_type(base_parts(), '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    parts = add_rel(parts, RELS, f'<Relationship Id="rId90" Type="{VBA_REL}" Target="vbaProject.bin"/>')
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really OLE"
    diag = refused(rezip(tmp_path, parts), "E3104", "bin")
    assert "VBA" in diag.message


def test_vba_project_part_without_content_type(tmp_path):
    parts = base_parts() | {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}
    refused(rezip(tmp_path, parts), "E3104", "word/vbaProject.bin")


def test_vba_data_part_with_a_plain_xml_type(tmp_path):
    parts = base_parts() | {"word/vbaData.xml": b"<wne:vbaSuppData xmlns:wne='urn:x'/>"}  # typed by Default xml
    diag = refused(rezip(tmp_path, parts), "E3104", "word/vbaData.xml")
    assert "VBA" in diag.message


def test_part_without_content_type(tmp_path):
    diag = refused(rezip(tmp_path, base_parts() | {"word/media/image1.xyz": b"x"}), "E3104", "word/media/image1.xyz")
    assert "no content type" in diag.message


def test_no_main_document(tmp_path):
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    parts = edit(base_parts(), TYPES, f'<Override PartName="/word/document.xml" ContentType="{main}"/>', "")
    refused(rezip(tmp_path, parts), "E3104", TYPES)


def test_docm_main_content_type(tmp_path):
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    parts = edit(base_parts(), TYPES, main, "application/vnd.ms-word.document.macroEnabled.main+xml")
    diag = refused(rezip(tmp_path, parts), "E3104", DOC)
    assert "macro-enabled" in diag.message


@pytest.mark.parametrize("part, entry, why", [
    ("word/activeX/activeX1.xml", '<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>', "ActiveX"),
    ("word/embeddings/oleObject1.bin", '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>', "OLE"),
    ("word/afchunk.htm", '<Default Extension="htm" ContentType="text/html"/>', "not allowed"),
])
def test_active_or_unknown_content(tmp_path, part, entry, why):
    parts = add_type(base_parts(), entry) | {part: b"<a/>"}
    diag = refused(rezip(tmp_path, parts), "E3104", None)
    assert why in diag.message


# E3105: relationships -----------------------------------------------------------------------------

def test_external_hyperlink(tmp_path):
    rel = f'<Relationship Id="rId90" Type="{OD_REL}hyperlink" Target="https://attacker.example/x" TargetMode="External"/>'
    diag = refused(rezip(tmp_path, add_rel(base_parts(), RELS, rel)), "E3105", RELS)
    assert "attacker.example" in diag.message


def test_attached_template_in_settings_rels(tmp_path):
    rels = "word/_rels/settings.xml.rels"
    parts = base_parts() | {rels: base_parts()["_rels/.rels"]}
    parts = edit(parts, rels, "<Relationship ", f'<Relationship Id="rId90" Type="{OD_REL}attachedTemplate" '
                 'Target="file:///C:/Templates/evil.dotm" TargetMode="External"/><Relationship ')
    refused(rezip(tmp_path, parts), "E3105", rels)


def test_vba_relationship_type(tmp_path):
    parts = add_rel(base_parts(), RELS, f'<Relationship Id="rId90" Type="{VBA_REL}" Target="styles.xml"/>')
    diag = refused(rezip(tmp_path, parts), "E3105", RELS)
    assert "VBA" in diag.message


def test_relationship_to_missing_part(tmp_path):
    parts = add_rel(base_parts(), RELS, f'<Relationship Id="rId90" Type="{OD_REL}image" Target="../../etc/passwd"/>')
    refused(rezip(tmp_path, parts), "E3105", RELS)


# E3106: review marks, comments, hidden text, protection --------------------------------------------

@pytest.mark.parametrize("part, xml", [
    (DOC, '<w:p><w:ins w:id="90" w:author="A" w:date="2024-01-05T00:00:00Z"><w:r><w:t>x</w:t></w:r></w:ins></w:p>'),
    (DOC, '<w:p><w:del w:id="90" w:author="A"><w:r><w:delText>x</w:delText></w:r></w:del></w:p>'),
    (DOC, '<w:p><w:moveFrom w:id="90" w:author="A"><w:r><w:t>x</w:t></w:r></w:moveFrom></w:p>'),
    (DOC, '<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>x</w:t></w:r></w:p>'),
    (DOC, '<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r></w:p>'),
    ("word/header1.xml", '<w:p><w:ins w:id="91" w:author="A"><w:r><w:t>x</w:t></w:r></w:ins></w:p>'),
], ids=["ins", "del", "moveFrom", "comment-range", "vanish", "ins-in-header"])
def test_review_marks_in_stories(tmp_path, part, xml):
    refused(rezip(tmp_path, edit(base_parts(), part, "<w:p>", xml + "<w:p>")), "E3106", part)  # before the first paragraph


def test_comments_part(tmp_path):
    parts = add_type(base_parts(), '<Override PartName="/word/comments.xml" ContentType='
                     '"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>')
    parts = add_rel(parts, RELS, f'<Relationship Id="rId90" Type="{OD_REL}comments" Target="comments.xml"/>')
    parts["word/comments.xml"] = f'<w:comments {W_NS}><w:comment w:id="0" w:author="A"/></w:comments>'.encode()
    refused(rezip(tmp_path, parts), "E3106", "word/comments.xml")


@pytest.mark.parametrize("xml", ['<w:documentProtection w:edit="readOnly" w:enforcement="1"/>',
                                 '<w:writeProtection w:recommended="1"/>', '<w:attachedTemplate r:id="rId1"/>'])
def test_protection_and_attached_template_in_settings(tmp_path, xml):
    parts = edit(base_parts(), SETTINGS, "<w:zoom ", xml + "<w:zoom ")
    refused(rezip(tmp_path, parts), "E3106", SETTINGS)


# E3107: malformed XML ------------------------------------------------------------------------------

@pytest.mark.parametrize("part", [DOC, TYPES, RELS])
def test_malformed_xml(tmp_path, part):
    parts = base_parts()
    parts[part] = parts[part][:-20]
    refused(rezip(tmp_path, parts), "E3107", part)


def test_undefined_entity_is_malformed(tmp_path):
    refused(rezip(tmp_path, edit(base_parts(), DOC, "{{ doc.heading }}", "&xxe;")), "E3107", DOC)
