"""One file through the pipeline, for ingest: read, segment, extract, and a department budget's own
tables parsed and checked; many files in worker processes that die with the ingest.

Example:
    >>> p = process_file("corpus/sast-2026-performance-targets.txt")
    >>> p.error, p.document.kind
    (None, 'performance_targets')
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from budgetscope.messages import quoted
from budgetscope.models import BudgetTable, Check, Document, StatedTotal
from budgetscope.pipeline.linking.findings import department_checks
from budgetscope.pipeline.pdf_statements import pdf_statements
from budgetscope.pipeline.repeats import distinct_tables
from budgetscope.pipeline.statements import department_statements

STATEMENT_KINDS = ("department_budget", "unit_budget", "final_accounts")
"""Document kinds whose own tables and 编制说明 totals are read and checked."""


@dataclass(frozen=True)
class Processed:
    """One file through the pipeline: its extracted document, tables, stated totals and checks, or the error."""

    path: str
    document: Document | None = None
    tables: tuple[BudgetTable, ...] = ()
    stated: tuple[StatedTotal, ...] = ()
    checks: tuple[Check, ...] = ()
    error: str | None = None


@cache
def pipeline_version() -> str:
    """The package version plus a hash of the pipeline's source: a code change re-ingests documents.

    >>> pipeline_version() == pipeline_version()
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("budgetscope")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        release = "0"
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()  # the linking too (pipeline/linking/): a home's links are redone
    for source in sorted(
        [*package.glob("pipeline/**/*.py"), *package.glob("models/*.py"), package / "store" / "schema.py"]
    ):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return f"{release}+{digest.hexdigest()[:10]}"


def process_file(path: Path | str) -> Processed:
    """Read, segment and extract one file; parse and check a department budget's tables (never raises).

    Citations get canonical ids from this document alone; :func:`budgetscope.index.ingest.relink` sets them
    across the store.
    """
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.extract import extract_documents
    from budgetscope.pipeline.load import LoadError, load

    try:
        document = extract_documents([read_document(path)])[0]
        tables: list[BudgetTable] = []
        stated: list[StatedTotal] = []
        if document.kind in STATEMENT_KINDS:
            source = load(path)
            if source.page_starts is None:
                tables, stated = department_statements(source.text)
            else:
                tables, stated = pdf_statements(path, source.page_texts(), year=document.year)
                if document.kind == "final_accounts":  # its prose states what was spent, not the budget
                    stated = []
            distinct = distinct_tables(tables)  # a table printed twice is one table, checked once
            tables = distinct.kept
            if distinct.note is not None:
                document.warnings.append(distinct.note)
            document.warnings += [note for t in tables for note in t.notes]  # never silently short
        checks = department_checks(document, tables, stated)
        return Processed(str(path), document, tuple(tables), tuple(stated), tuple(checks))
    except LoadError as exc:
        return Processed(str(path), error=str(exc))
    except Exception as exc:  # a bug on one document must not stop the others
        return Processed(str(path), error=f"{quoted(path)}: {type(exc).__name__}: {exc}")


def file_sha1(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


def process_all(paths: Sequence[Path], workers: int) -> Iterator[Processed]:
    """Process files in order, in ``workers`` processes when more than one.

    Workers are started by ``spawn`` as children of this process and die with it (Linux: a
    parent-death signal; elsewhere they notice the closed pipe): a ``kill -9`` of ``ingest``
    leaves no process behind. A script calling :func:`ingest` with ``workers > 1`` needs the
    ``if __name__ == "__main__":`` guard. Should the pool break, the remaining files are processed here.
    """
    if workers <= 1 or len(paths) < 2:
        yield from map(process_file, paths)
        return
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    done = 0
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=worker_start, initargs=(os.getpid(),)
    )
    try:
        for item in pool.map(process_file, paths, chunksize=max(1, min(8, len(paths) // (workers * 4)))):
            done += 1
            yield item
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        yield from map(process_file, paths[done:])
        return
    except BaseException:  # Ctrl+C, or the caller stopped: end the workers now, never wait on them (a
        # worker blocked on a full result pipe and a shutdown waiting for it deadlocked on Ctrl+C)
        end_workers(pool)
        raise
    pool.shutdown(wait=True)


def end_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and terminate the pool's processes (they hold nothing: results are
    written by the parent alone)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public handle on them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def worker_start(parent: int) -> None:
    """In a worker process: leave Ctrl+C to the parent (which ends the workers), and die with it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """In a worker process: be killed when the parent process dies, however it dies (Linux)."""
    import signal
    import sys

    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


__all__ = [
    "STATEMENT_KINDS",
    "Processed",
    "die_with_parent",
    "end_workers",
    "file_sha1",
    "pipeline_version",
    "process_all",
    "process_file",
    "worker_start",
]
