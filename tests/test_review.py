"""`review`: two commits of a small git repository → redlines with real tracked changes and a summary.

The second commit changes a narrative sentence, tightens a specification criterion (a table cell),
adds a drug substance batch (a new column of the batch-analysis table) and removes a specification
test with its results (a table row). The redlines are read as XML: accepting every change must give
the head build, rejecting every change the base build, and each change sits where it belongs.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from builder.errors import DossierError
from builder.commands.review import review

from conftest import REPO, only_example

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BASE_AUTHOR, HEAD_AUTHOR = "Ada Author", "Bea Reviewer"
BASE_DATE, HEAD_DATE = "2025-05-01T09:00:00+02:00", "2025-06-02T10:30:00+02:00"
HEAD_WORD_DATE = "2025-06-02T08:30:00Z"  # w:date is UTC
OLD_SENTENCE, NEW_SENTENCE = "Between-batch variability was low:", "Between-batch variability was small:"
OLD_CRITERION, NEW_CRITERION = "95.0 % to 105.0 % of label claim", "96.0 % to 104.0 % of label claim"
NEW_BATCH, REMOVED_TEST = "EXM2509009", "Residual solvents – acetone"
CHANGED = {"3.2.S.2.5", "3.2.S.4.1", "3.2.S.4.4", "3.2.P.5.1", "3.2.P.5.4"}


def git(root: Path, *args: str, author: str = BASE_AUTHOR, date: str = BASE_DATE) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path) -> Path:
    """content/ and templates/ of this repository, committed once by BASE_AUTHOR."""
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name, ignore=only_example)
    (root / ".gitignore").write_text("output/\n")
    git(root, "init", "-q")
    git(root, "config", "user.name", BASE_AUTHOR)
    git(root, "config", "user.email", "ada@example.com")
    commit(root, "Base", BASE_AUTHOR, BASE_DATE)
    return root


def commit(root: Path, message: str, author: str, date: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-gpg-sign", "-m", message, author=author, date=date)


def edit(path: Path, pattern: str, replace, count: int = 1) -> None:
    """Substitute in a content file, failing loudly if the example content no longer matches."""
    text, found = re.subn(pattern, replace, path.read_text(encoding="utf-8"))
    assert found == count, f"{path.name}: {pattern!r} matched {found} times, expected {count}"
    path.write_text(text, encoding="utf-8")


def change_content(root: Path) -> None:
    product = root / "content/examplinib"
    substance = product / "core/drug-substance.yaml"
    edit(substance, re.escape(OLD_SENTENCE), NEW_SENTENCE)                                  # (1) narrative
    edit(product / "core/drug-product.yaml", rf"release: {re.escape(OLD_CRITERION)}",       # (2) criterion
         f"release: {NEW_CRITERION}")
    record = r"        - id: acetone\n(?:          .*\n)+"                                  # (4) a test …
    assert f"test: {REMOVED_TEST}\n" in re.search(record, substance.read_text(encoding="utf-8")).group(0)
    edit(substance, record, "")
    edit(substance, r"\n          acetone: [^\n]*", "", count=3)                          # … its results
    edit(product / "nmpa.yaml", r"        - id: acetone\n(?:          .*\n)+", "")        # … its overlay
    edit(substance, r"      - id: exm2502001\n(?:        .*\n)+",                          # (3) new batch
         lambda m: m.group(0) + m.group(0).replace("exm2502001", NEW_BATCH.lower()).replace("EXM2502001", NEW_BATCH))


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("review"))
    change_content(root)
    commit(root, "Change", HEAD_AUTHOR, HEAD_DATE)
    return root, review(root, "HEAD~1", "HEAD", regions=["fda"])


# ------------------------------------------------------------------------------- reading the XML

def body(root: Path, report, number: str):
    change = next(c for c in report.changes if c.number == number)
    path = root / "output/review/examplinib/fda" / change.path
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")), change


def _inside(element, *names: str) -> bool:
    return any(etree.QName(a).localname in names for a in element.iterancestors())


def after(element) -> str:
    """The text once every change is accepted: inserted text stays, deleted text goes."""
    return "".join(t.text or "" for t in element.iter(f"{{{W}}}t") if not _inside(t, "del", "moveFrom"))


def before(element) -> str:
    """The text once every change is rejected: deleted text comes back, inserted text goes."""
    texts = element.iter(f"{{{W}}}t", f"{{{W}}}delText")
    return "".join(t.text or "" for t in texts if not _inside(t, "ins", "moveTo"))


def marked(element, name: str) -> list:
    """Revision marks around content (not the paragraph-mark and row flags in w:rPr / w:trPr)."""
    return [m for m in element.iter(f"{{{W}}}{name}") if etree.QName(m.getparent()).localname not in ("rPr", "trPr")]


def changed_cells(element) -> list:
    return [tc for tc in element.iter(f"{{{W}}}tc") if tc.find(".//w:ins", NS) is not None
            or tc.find(".//w:del", NS) is not None or tc.find("w:tcPr/w:cellIns", NS) is not None]


def document_text(data: bytes) -> str:
    return "".join(t.text or "" for t in etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
                   .iter(f"{{{W}}}t"))


# ------------------------------------------------------------------------------------- the tests

def test_only_changed_leaves_get_a_redline(reviewed):
    root, report = reviewed
    assert {c.number for c in report.changes} == CHANGED
    assert {c.status for c in report.changes} == {"changed"}
    written = sorted(p.relative_to(root).as_posix() for p in (root / "output/review").rglob("*.docx")
                     if p.name != "summary.docx")
    assert written == report.redlines and len(written) == len(CHANGED)
    assert report.unchanged > 50  # 3.2.S.1.1 and the rest: nothing written
    assert not list((root / "output/review").rglob("nomenclature.docx"))
    assert git(root, "worktree", "list").count("\n") == 1  # the base's worktree is gone


def test_accepting_all_changes_gives_the_head_build_and_rejecting_them_the_base(reviewed):
    root, report = reviewed
    for number in CHANGED:
        xml, change = body(root, report, number)
        assert after(xml) == document_text(change.head), number
        assert before(xml) == document_text(change.base), number


def test_narrative_sentence_change_is_a_deletion_and_an_insertion_in_one_paragraph(reviewed):
    xml, _ = body(*reviewed, "3.2.S.2.5")
    paragraphs = {p for m in marked(xml, "ins") + marked(xml, "del") for p in m.iterancestors(f"{{{W}}}p")}
    assert len(paragraphs) == 1
    (paragraph,) = paragraphs
    assert OLD_SENTENCE in before(paragraph) and NEW_SENTENCE in after(paragraph)
    assert ["low"] == ["".join(d.itertext()).strip() for d in marked(xml, "del")]
    assert ["small"] == ["".join(i.itertext()).strip() for i in marked(xml, "ins")]


def test_specification_criterion_change_is_tracked_inside_its_table_cell(reviewed):
    xml, _ = body(*reviewed, "3.2.P.5.1")
    cells = changed_cells(xml)
    assert len(cells) == 1
    assert before(cells[0]) == OLD_CRITERION and after(cells[0]) == NEW_CRITERION
    assert all(any(a.tag == f"{{{W}}}tc" for a in m.iterancestors()) for m in marked(xml, "ins") + marked(xml, "del"))
    row = next(cells[0].iterancestors(f"{{{W}}}tr"))
    assert after(row).startswith("Assay")


def test_new_batch_is_an_inserted_table_column(reviewed):
    xml, _ = body(*reviewed, "3.2.S.4.4")
    inserted = [m for m in marked(xml, "ins") if "".join(m.itertext()) == NEW_BATCH]
    assert inserted and all(any(a.tag == f"{{{W}}}tc" for a in m.iterancestors()) for m in inserted)
    header = next(inserted[0].iterancestors(f"{{{W}}}tc"))
    assert header.find("w:tcPr/w:cellIns", NS) is not None
    assert NEW_BATCH in after(xml) and NEW_BATCH not in before(xml)
    assert not list(xml.iter(f"{{{W}}}moveFrom", f"{{{W}}}moveTo"))  # moves are written as del/ins


def test_removed_test_row_is_a_deleted_table_row(reviewed):
    xml, _ = body(*reviewed, "3.2.S.4.1")
    rows = [tr for tr in xml.iter(f"{{{W}}}tr") if tr.find("w:trPr/w:del", NS) is not None]
    assert len(rows) == 1 and before(rows[0]).startswith(REMOVED_TEST)
    assert after(rows[0]) == ""  # every character of the row is inside w:del
    where = xml.getroottree().getpath
    assert {where(c) for c in changed_cells(xml)} == {where(c) for c in rows[0].iter(f"{{{W}}}tc")}
    assert "acetone" in before(xml) and "acetone" not in after(xml)


def test_every_revision_mark_carries_the_head_author_and_date(reviewed):
    root, report = reviewed
    for path in report.redlines:
        xml = etree.fromstring(zipfile.ZipFile(root / path).read("word/document.xml"))
        kinds = ("ins", "del", "cellIns", "cellDel", "tcPrChange")
        marks = [m for m in xml.iter() if etree.QName(m).localname in kinds]
        assert marks, path
        assert {(m.get(f"{{{W}}}author"), m.get(f"{{{W}}}date")) for m in marks} == {(HEAD_AUTHOR, HEAD_WORD_DATE)}


def test_summary_lists_each_change_in_reviewer_language(reviewed):
    root, report = reviewed
    text = (root / "output/review/summary.md").read_text(encoding="utf-8")
    short = git(root, "rev-parse", "--short", "HEAD").strip()
    line = _line(root / "content/examplinib/core/drug-product.yaml", f"release: {NEW_CRITERION}")
    assert (f"- 3.2.P.5.1 Assay (HPLC), release: {OLD_CRITERION} → {NEW_CRITERION} "
            f"(content/examplinib/core/drug-product.yaml:{line}, {short}, {HEAD_AUTHOR})") in text
    batch = _line(root / "content/examplinib/core/drug-substance.yaml", f"id: {NEW_BATCH.lower()}")
    assert f"- 3.2.S.4.4 Batch {NEW_BATCH}: added (content/examplinib/core/drug-substance.yaml:{batch}, {short}" in text
    assert f"- 3.2.S.4.1 Test {REMOVED_TEST}: removed (was content/examplinib/core/drug-substance.yaml:" in text
    sentence = _line(root / "content/examplinib/core/drug-substance.yaml", NEW_SENTENCE)
    assert re.search(rf"- 3\.2\.S\.2\.5 narrative: .*was low: .* → .*was small: .*"
                     rf"drug-substance\.yaml:{sentence}, {short}", text)
    assert "## examplinib — fda" in text and "3.2.S.1.1" not in text
    assert str(root.parent) not in text and "/tmp" not in text and "cmc-review" not in text
    document = docx.Document(root / "output/review/summary.docx")
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Assay (HPLC), release" in cells and OLD_CRITERION in cells and NEW_CRITERION in cells


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_redlines_pass_the_open_xml_validator(reviewed):
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    root, report = reviewed
    validator = OpenXmlValidator()
    for path in [*report.redlines, "output/review/summary.docx"]:
        errors = [str(e) for e in validator.validate(root / path).errors if e.severity == ValidationSeverity.ERROR]
        assert not errors, (path, errors[:3])


def test_libreoffice_opens_a_redline_and_lists_its_tracked_changes(reviewed, tmp_path, soffice):
    root, report = reviewed
    sample = []
    for number in ("3.2.P.5.1", "3.2.S.4.4"):
        change = next(c for c in report.changes if c.number == number)
        sample.append(tmp_path / f"{number.replace('.', '-')}.docx")
        shutil.copy(root / "output/review/examplinib/fda" / change.path, sample[-1])
    for fmt in ("pdf", "odt"):  # soffice exits 0 even when a file fails to load: check each output
        profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
        subprocess.run([soffice, profile, "--headless", "--convert-to", fmt, "--outdir", str(tmp_path / fmt),
                        *map(str, sample)], check=True, capture_output=True, timeout=180)
    for docx_file in sample:
        pdf = tmp_path / "pdf" / f"{docx_file.stem}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000, pdf.name
        content = zipfile.ZipFile(tmp_path / "odt" / f"{docx_file.stem}.odt").read("content.xml").decode("utf-8")
        assert content.count("<text:changed-region") >= 2, docx_file.name  # LibreOffice's list of changes
        assert f"<dc:creator>{HEAD_AUTHOR}</dc:creator>" in content


def test_a_second_review_replaces_the_folder_with_the_same_bytes(reviewed):
    root, report = reviewed
    folder = root / "output/review"
    first = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in folder.rglob("*") if p.is_file()}
    (folder / "stale.txt").write_text("left over")
    review(root, "HEAD~1", "HEAD", regions=["fda"])
    again = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in folder.rglob("*") if p.is_file()}
    assert again == first


def test_a_revision_that_fails_to_build_is_reported_and_raised(tmp_path):
    root = make_repo(tmp_path / "repo")
    product = root / "content/examplinib/core/product.yaml"
    good = product.read_text(encoding="utf-8")
    product.write_text(good + "product: [unclosed\n", encoding="utf-8")
    commit(root, "Broken", BASE_AUTHOR, BASE_DATE)
    product.write_text(good, encoding="utf-8")
    commit(root, "Fixed", HEAD_AUTHOR, HEAD_DATE)
    with pytest.raises(DossierError) as caught:
        review(root, "HEAD~1", "HEAD", regions=["fda"])
    assert caught.value.category == 2
    assert "Base revision HEAD~1" in str(caught.value) and "content/examplinib/core/product.yaml:" in str(caught.value)
    summary = (root / "output/review/summary.md").read_text(encoding="utf-8")
    assert "## Base revision HEAD~1 (" in summary and "failed to build" in summary
    assert re.search(r"content/examplinib/core/product\.yaml:\d+:\d+: error E2\d{3}", summary)
    assert "Head revision" not in summary  # the head built; only the base is reported
    assert str(tmp_path) not in summary
    assert sorted(p.name for p in (root / "output/review").rglob("*") if p.is_file()) == ["summary.docx", "summary.md"]


def test_the_working_tree_is_the_default_head_and_uncommitted_changes_say_so(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "repo")
    edit(root / "content/examplinib/core/drug-substance.yaml", re.escape(OLD_SENTENCE), NEW_SENTENCE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")  # 2025-06-15T15:06:40Z
    report = review(root, "HEAD", None, regions=["fda"])
    assert [c.number for c in report.changes] == ["3.2.S.2.5"]
    xml = etree.fromstring(zipfile.ZipFile(root / report.redlines[0]).read("word/document.xml"))
    assert {(m.get(f"{{{W}}}author"), m.get(f"{{{W}}}date")) for m in marked(xml, "ins")} == {
        (f"Working tree ({BASE_AUTHOR})", "2025-06-15T15:06:40Z")}
    summary = (root / "output/review/summary.md").read_text(encoding="utf-8")
    assert re.search(r"- 3\.2\.S\.2\.5 narrative: .* → .*drug-substance\.yaml:\d+, uncommitted\)", summary)
    assert "Head: working tree, Working tree (Ada Author), 2025-06-15T15:06:40Z" in summary
