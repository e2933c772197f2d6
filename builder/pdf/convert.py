"""Convert many .docx files to PDF with one LibreOffice process (one start-up, not one per leaf).

LibreOffice runs headless with a private profile in a temporary folder, so parallel runs never share
(or lock) a user profile. The inputs are copied under numbered names first: `--outdir` flattens
folders, and two leaves with the same file name in different folders would overwrite each other.
`soffice` exits 0 even when a file fails to load, so a missing output is reported per leaf by the
caller, never assumed from the exit code.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import environment_error

PREFIX = "cmc-pdf-"
# Writer's PDF export: bookmarks from the headings, no comments, links inside the document kept.
FILTER = ('pdf:writer_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":"true"},'
          '"ExportNotes":{"type":"boolean","value":"false"},'
          '"ConvertOOoTargetToPDFTarget":{"type":"boolean","value":"true"}}')
TIMEOUT_PER_LEAF = 30   # seconds; generous, a stuck LibreOffice is stopped, not waited for


def soffice() -> str:
    """The LibreOffice binary (CMC_SOFFICE overrides the search), or an environment error (exit 4)."""
    found = os.environ.get("CMC_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not found or not Path(found).is_file():
        raise environment_error("E4101", "LibreOffice is not installed (soffice not found); install it, e.g. "
                                "apt-get install libreoffice-writer fonts-noto-cjk fonts-liberation")
    return found


def convert(documents: dict[str, bytes]) -> dict[str, bytes | None]:
    """Leaf path → .docx bytes in; leaf path → PDF bytes out (None where LibreOffice wrote nothing)."""
    if not documents:
        return {}
    binary = soffice()
    work = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    try:
        names = {}
        (work / "in").mkdir()
        for index, (path, data) in enumerate(sorted(documents.items())):
            names[path] = f"leaf-{index:05d}"
            (work / "in" / f"{names[path]}.docx").write_bytes(data)
        _run(binary, work, sorted((work / "in").iterdir()), TIMEOUT_PER_LEAF * len(documents) + 60)
        out = work / "out"
        return {path: _read(out / f"{name}.pdf") for path, name in names.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(binary: str, work: Path, inputs: list[Path], timeout: int) -> None:
    command = [binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--convert-to", FILTER, "--outdir", str(work / "out"),
               *map(str, inputs)]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    except OSError as exc:
        raise environment_error("E4101", f"cannot start LibreOffice: {exc.strerror or exc}", binary) from None
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise environment_error("E4102", f"LibreOffice did not finish converting {len(inputs)} documents in "
                                f"{timeout} s; it was stopped and nothing was written") from None
    except BaseException:  # Ctrl-C, SIGTERM: LibreOffice and its children go too
        _stop(process)
        raise


def _stop(process: subprocess.Popen) -> None:
    """Stop LibreOffice's whole process group (soffice starts soffice.bin as a child)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
