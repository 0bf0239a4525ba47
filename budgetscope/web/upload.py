"""Upload (only with ``serve --allow-upload``): PDFs and text files saved under ``HOME/uploads`` and
ingested by the API in a background thread; a job page shows progress, one line per file not
stored and the ingest's warnings (a document that is no budget, a replaced version), naming files,
never their paths on the server. The serve's searches go on meanwhile (:mod:`budgetscope.api.held_index`).

Files are size-limited as ``budgetscope ingest`` limits them (:data:`~budgetscope.pipeline.load.MAX_PDF_BYTES`
for a PDF, :data:`~budgetscope.pipeline.load.MAX_TEXT_BYTES` for text) and type-checked (a ``.pdf``
must start ``%PDF-``, a ``.txt`` must not hold NUL bytes); the saved name is the upload's base name
reduced to safe characters, in a folder of its content inside the uploads folder, so that an upload
never overwrites a stored document's source, and a different document under a stored name is
refused as ``ingest`` refuses it (:mod:`.upload_files`). A file not stored is removed again.

Example:
    >>> safe_name("../../etc/passwd.txt"), safe_name("预算 2026<script>.PDF")
    ('passwd.txt', '预算_2026_script.pdf')
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from budgetscope.pipeline.load import MAX_BYTES, MAX_PDF_BYTES, MAX_TEXT_BYTES
from budgetscope.web.upload_files import Uploads, path_names, shown

if TYPE_CHECKING:
    from budgetscope.web.data import Data

MAX_FILES = 20
MIB = 1024 * 1024
LIMITS = {"pdf": MAX_PDF_BYTES // MIB, "text": MAX_TEXT_BYTES // MIB}
"""The upload page's limits in MiB, the reader's own."""
SUFFIXES = (".txt", ".pdf")
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(name: str) -> str:
    """The base name of an uploaded file, reduced to word characters, dots and dashes."""
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    stem = _UNSAFE.sub("_", stem if dot else base).strip("._") or "upload"
    return f"{stem[:100]}.{suffix.lower()}" if dot else stem[:100]


def check_file(name: str, head: bytes, size: int) -> str | None:
    r"""Why an uploaded file is refused (one line), or None when it may be ingested. A PDF named
    ``.txt`` is taken, as ``budgetscope ingest`` reads it (by its header), with the PDF size limit.

    >>> check_file("a.txt", b"%PDF-1.7\n\x00\x01", 10) is None, check_file("b.txt", b"\x00\x01", 2)
    (True, 'b.txt: not a text file (binary content)')
    >>> check_file("big.txt", b"2026", 21 * MIB)
    'big.txt: larger than 20 MiB, the limit for a text file (a PDF may be 100 MiB)'
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return f"{name}: only .pdf and .txt files are accepted"
    if head.startswith(b"%PDF") or suffix == ".pdf":  # read as a PDF
        if size > MAX_PDF_BYTES:
            return f"{name}: larger than {LIMITS['pdf']} MiB, the limit for a PDF"
    elif size > MAX_TEXT_BYTES:
        return f"{name}: larger than {LIMITS['text']} MiB, the limit for a text file (a PDF may be {LIMITS['pdf']} MiB)"
    if size == 0:
        return f"{name}: empty file"
    if suffix == ".pdf" and not head.startswith(b"%PDF-"):
        return f"{name}: not a PDF (no %PDF- header)"
    if suffix == ".txt" and b"\x00" in head and not head.startswith(b"%PDF-"):
        return f"{name}: not a text file (binary content)"
    return None


@dataclass
class Job:
    """One upload being ingested."""

    id: str
    files: list[str]
    """The files read (each once), by their saved names."""
    uploaded: list[str] = field(default_factory=list)
    """Every file of the upload, in order, by its saved name (read, refused or given twice)."""
    refused: list[str] = field(default_factory=list)
    """The files refused on arrival (their reasons are among ``errors``)."""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the ingest noted about stored files (not a budget document, a replaced version …)."""
    done: int = 0
    total: int = 0
    current: str = ""
    finished: bool = False
    indexing: bool = False
    """The files are stored; their texts are being embedded for search."""
    summary: dict[str, Any] | None = None
    failed: bool = False
    """The ingest stopped (its error among ``errors``): what it stored before stays."""


def upload_routes(data: Data, page: Callable[..., Response]) -> list[Route]:
    """The upload form, its POST, and the job pages."""
    jobs: dict[str, Job] = {}
    folder = data.home / "uploads"
    uploads = Uploads(folder)

    def stored() -> dict[str, str]:
        """The stored documents' source paths, by name."""
        return {d.doc: d.path or "" for d in data.bs.documents()}

    def run(job: Job, saved: dict[Path, str]) -> None:
        def progress(done: int, total: int, name: str) -> None:
            job.done, job.total, job.current = done, total, name

        def on_index() -> None:
            job.indexing, job.done, job.total, job.current = True, 0, 0, ""

        errors: list[str] = []
        warnings: list[str] = []
        before: dict[str, str] = {}
        after: dict[str, str] | None = None
        try:
            try:
                before = stored()
            except Exception:  # no store yet (the first upload makes it): nothing stored before
                before = {}
            summary = data.bs.ingest(list(saved), progress=progress, on_index=on_index)
            errors += summary.failed
            warnings += summary.warnings
            job.summary = {"written": summary.written, "unchanged": summary.unchanged,
                           "projects": summary.projects, "documents": summary.documents}  # fmt: skip
        except Exception as exc:  # shown on the job page; the store keeps what was committed
            job.failed = True
            errors.append(f"ingest failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        finally:
            try:
                after = stored()
            except Exception:  # not known what is stored: no file is removed
                after = None
            replaced = [before[name] for name in saved.values() if name in before]
            uploads.release(saved, replaced, None if after is None else set(after.values()))
            names = path_names(folder, saved, [*before.values(), *(after or {}).values()])
            job.errors += [shown(e, names) for e in errors]
            job.warnings += [shown(w, names) for w in warnings]
            job.finished = True

    def form(request: Request) -> Response:
        return page(request, "upload.html", job=None, limits=LIMITS)

    async def receive(request: Request) -> Response:
        length = int(request.headers.get("content-length") or 0)
        if length > MAX_BYTES * MAX_FILES:
            return page(request, "error.html", 413, message="upload too large", message_zh="上传过大")
        form_data = await request.form(max_files=MAX_FILES)
        job = Job(id=uuid.uuid4().hex, files=[])
        saved: dict[Path, str] = {}
        for item in form_data.getlist("files"):
            if isinstance(item, str):
                continue
            name = safe_name(item.filename or "upload")
            job.uploaded.append(name)
            content = await item.read(MAX_BYTES + 1)
            reason = check_file(name, content[:1024], len(content))
            target = uploads.keep(name, content) if reason is None else None
            if target is None:
                job.errors.append(reason or f"{name}: refused")
                job.refused.append(name)
                continue
            if target in saved:  # the same file twice in one upload: read once
                uploads.release([target], [], None)
                job.warnings.append(f"{name}: the same file twice in this upload; read once")
                continue
            saved[target] = name
            job.files.append(name)
        jobs[job.id] = job
        if saved:
            threading.Thread(target=run, args=(job, saved), daemon=True).start()
        else:
            job.finished = True
        return RedirectResponse(f"/upload/{job.id}", status_code=303)

    def status(request: Request) -> Response:
        job = jobs.get(request.path_params["job"])
        if job is None:
            return page(request, "error.html", 404, message="no such upload", message_zh="找不到这次上传")
        return page(request, "upload.html", job=job, limits=LIMITS)

    return [
        Route("/upload", form, methods=["GET"]),
        Route("/upload", receive, methods=["POST"]),
        Route("/upload/{job}", status),
    ]
