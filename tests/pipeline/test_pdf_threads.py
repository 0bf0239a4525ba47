"""PDFs read in several threads of one process: libpdfium is not thread-safe (two threads in it at
once crash the process), so every pypdfium2 call holds one process-wide lock (:mod:`.pdfium_lock`).

The threaded reads run in a subprocess: a crash there fails the test instead of ending pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import budgetscope
from budgetscope.pipeline.load import load
from budgetscope.pipeline.pdf_tables import PdfPages, page_tables
from budgetscope.pipeline.pdfium_lock import PDFIUM

ROOT = Path(__file__).resolve().parents[2]
EXCERPTS = ROOT / "corpus" / "excerpts"
PDFS = [
    EXCERPTS / "xian-audit-2026-p42-43.pdf",  # a department-wide form (the reviewer's crash)
    EXCERPTS / "guangzhou-data-bureau-2026-p7-8.pdf",  # project forms over two pages
    EXCERPTS / "beijing-commerce-2026-budget-tables-p35-37.pdf",  # summary tables
]
THREADS = 4
ROUNDS = 3


def _run(code: str, *args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETSCOPE_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


EXTRACT_IN_THREADS = f"""
import json, sys, threading
import budgetscope
paths = sys.argv[1:]
start = threading.Barrier({THREADS})
out = {{}}
def read(k):
    start.wait()
    out[k] = [budgetscope.extract(p).model_dump_json() for _ in range({ROUNDS}) for p in paths]
threads = [threading.Thread(target=read, args=(k,)) for k in range({THREADS})]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps([out[k] for k in range({THREADS})]))
"""


def test_pdf_threads_extract_excerpts_at_once_as_one_thread_does() -> None:
    once = [budgetscope.extract(p).model_dump_json() for p in PDFS]
    assert all(json.loads(d)["records"] for d in once)
    run = _run(EXTRACT_IN_THREADS, *PDFS)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"
    threads = json.loads(run.stdout)
    assert len(threads) == THREADS
    assert all(docs == once * ROUNDS for docs in threads)


INGEST_IN_THREADS = """
import sys, threading
import budgetscope
home, pdf = sys.argv[1:]
start = threading.Barrier(3)
failed = []
with budgetscope.open(home) as bs:
    def ingest():
        start.wait()
        for _ in range(3):  # force: the file is read again each time
            summary = bs.ingest([pdf], index=False, force=True)
            failed.extend(summary.failed)
    threads = [threading.Thread(target=ingest) for _ in range(3)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(failed, [d.doc for d in bs.documents()], len(bs.projects()))
"""


def test_pdf_threads_api_ingest_from_three_threads_on_one_session(tmp_path: Path) -> None:
    """The reviewer's crash: ``bs.ingest([pdf])`` from three threads of one ``budgetscope.open()``
    (before the lock, about one run in three ended in a segfault)."""
    pdf = PDFS[1]
    run = _run(INGEST_IN_THREADS, tmp_path / "home", pdf)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"
    records = len(budgetscope.extract(pdf).records)
    assert run.stdout.split("\n")[0] == f"[] ['{pdf.name}'] {records}"


def _waits_for_the_lock(read: Callable[[], object]) -> None:
    """``read()`` in another thread does not finish while this thread holds the pdfium lock, and
    does once it is let go."""
    done = threading.Event()

    def run() -> None:
        read()
        done.set()

    thread = threading.Thread(target=run)
    with PDFIUM:
        thread.start()
        time.sleep(0.5)
        assert not done.is_set()
    thread.join(timeout=60)
    assert done.is_set()


def test_pdf_threads_text_layer_is_read_under_the_lock() -> None:
    _waits_for_the_lock(lambda: load(PDFS[0]))


def test_pdf_threads_tables_are_read_under_the_lock() -> None:
    with PdfPages(PDFS[2]) as pdf:
        _waits_for_the_lock(lambda: page_tables(pdf, 1))
    _waits_for_the_lock(lambda: PdfPages(PDFS[2]).close())
