"""`serve --allow-upload`: searches answer while an upload is indexed, a SIGTERM mid-upload stops the
serve at once and leaves the store whole, and uploads are limited as `budgetscope ingest` limits files."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest

from budgetscope.pipeline.load import MAX_PDF_BYTES, MAX_TEXT_BYTES, LoadError, load
from budgetscope.remote import running
from budgetscope.web.upload import MIB, check_file
from tests.web.conftest import free_port

SLOW_COPIES = 10
"""Copies of stcsm-2025 (29 projects each) in one uploaded text: embedding its 290 projects for search
takes tens of seconds, well beyond the searches and the stop below."""
SEARCH_BOUND = 5.0
"""Seconds a search may take while the upload is indexed (before the fix: not answered until the whole
upload was indexed, minutes)."""
STOP_BOUND = 6.0
"""Seconds a SIGTERM may take to end the serve mid-upload (before the fix: until the upload was done)."""


def get(url: str, timeout: float = 120) -> tuple[int, str]:
    try:
        with urlopen(Request(url), timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def upload(server: str, files: list[tuple[str, bytes]]) -> str:
    """POST files to /upload; the job page's URL."""
    boundary = "----budgetscope-test"
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
            for name, data in files
        )
        + f"--{boundary}--\r\n".encode()
    )
    request = Request(f"{server}/upload", data=body, method="POST",
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    with urlopen(request, timeout=120) as r:
        return str(r.url)


def wait_for(job: str, text: str, seconds: float = 180) -> str:
    deadline = time.monotonic() + seconds
    while True:
        page = get(job)[1]
        if text in page:
            return page
        assert "完成 Done" not in page, page
        assert time.monotonic() < deadline, f"the job page never said {text!r}: {page}"
        time.sleep(0.2)


def timed(url: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    status, body = get(url, timeout=SEARCH_BOUND * 4)
    return status, body, time.perf_counter() - started


def test_upload_search_answers_while_an_upload_is_indexed_and_sigterm_stops_serve(
    web_home: Path, corpus: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(web_home, home, ignore=shutil.ignore_patterns("serve.json", "uploads"))
    before = {
        row[0] for row in sqlite3.connect(home / "budgetscope.sqlite").execute("SELECT doc FROM documents")
    }
    slow = b"\n".join([(corpus / "stcsm-2025-department-budget.txt").read_bytes()] * SLOW_COPIES)
    port = free_port()
    server = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BUDGETSCOPE_HOME": str(home)}
    env.pop("BUDGETSCOPE_QDRANT_URL", None)
    serve = subprocess.Popen(
        [sys.executable, "-m", "budgetscope.search_cli.app", "serve", "--port", str(port), "--allow-upload"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while running(home) is None:
            assert serve.poll() is None, serve.communicate()[1]
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        job = upload(server, [("slow-2025-department-budget.txt", slow)])
        wait_for(job, "indexing for search")  # stored; its 290 projects being embedded
        status, body, took = timed(f"{server}/api/search?q={quote('党建')}")
        assert status == 200 and took < SEARCH_BOUND, (status, took, body[:300])
        assert '"name"' in body  # hits, from the index as it is
        status, page, took = timed(f"{server}/search?q=abc")
        assert status == 200 and took < SEARCH_BOUND and 'id="error"' not in page, (status, took)
        assert "indexing for search" in get(job)[1]  # still indexing: the searches ran during the ingest
        stopping = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        stopped = time.monotonic() - stopping
        assert serve.returncode == 0 and stopped < STOP_BOUND, (
            serve.returncode,
            stopped,
            serve.stderr.read(),
        )
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    assert running(home) is None and not (home / "serve.json").exists()
    db = sqlite3.connect(home / "budgetscope.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    docs = {row[0] for row in db.execute("SELECT doc FROM documents")}
    db.close()
    assert docs == before | {"slow-2025-department-budget.txt"}  # nothing lost; the upload stored
    import budgetscope

    with budgetscope.open(home) as bs:
        assert bs.index_lag() == ["slow-2025-department-budget.txt"]  # indexed by the next ingest or `index`
        assert bs.search("党建", top_k=3)  # the index opens and answers
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("vectors")) == [
        "vectors",
        "vectors.lock",
    ]


@pytest.mark.parametrize(
    ("name", "head", "size", "refused"),
    [
        ("a.txt", b"2026", MAX_TEXT_BYTES, None),
        ("a.txt", b"2026", MAX_TEXT_BYTES + 1, "a.txt: larger than 20 MiB, the limit for a text file (a PDF may be 100 MiB)"),
        ("a.pdf", b"%PDF-1.7", MAX_TEXT_BYTES + 1, None),
        ("a.txt", b"%PDF-1.7", MAX_TEXT_BYTES + 1, None),  # a PDF named .txt is read as a PDF
        ("a.pdf", b"%PDF-1.7", MAX_PDF_BYTES, None),
        ("a.pdf", b"%PDF-1.7", MAX_PDF_BYTES + 1, "a.pdf: larger than 100 MiB, the limit for a PDF"),
    ],
)  # fmt: skip
def test_upload_limits_are_the_readers(name: str, head: bytes, size: int, refused: str | None) -> None:
    assert check_file(name, head, size) == refused


def test_upload_refuses_what_the_reader_refuses(tmp_path: Path) -> None:
    """A text one byte over the reader's limit: refused by the reader and by the upload alike."""
    over = tmp_path / "over.txt"
    with over.open("wb") as f:
        f.write(b"2026")
        f.truncate(MAX_TEXT_BYTES + 1)
    with pytest.raises(LoadError, match="file too large"):
        load(over)
    assert check_file(over.name, b"2026", over.stat().st_size) is not None


def test_upload_page_says_the_limits_and_refuses_a_text_over_its_limit(
    hostile_server: str, hostile_home: Path, corpus: Path
) -> None:
    status, page = get(f"{hostile_server}/upload")
    assert status == 200
    assert (
        f"PDF files at most {MAX_PDF_BYTES // MIB} MiB each, text files at most {MAX_TEXT_BYTES // MIB} MiB"
        in page
    )
    text = (corpus / "stcsm-2025-department-budget.txt").read_bytes()
    too_big = (text * (MAX_TEXT_BYTES // len(text) + 1))[: MAX_TEXT_BYTES + 1]
    page = get(upload(hostile_server, [("too-big.txt", too_big)]))[1]
    assert "完成 Done" in page
    assert "too-big.txt: larger than 20 MiB, the limit for a text file" in page
    assert not (hostile_home / "uploads" / "too-big.txt").exists()
