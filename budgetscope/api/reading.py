"""Reading many files at once: documents read in parallel worker processes, returned in input order.

What ``segment``, ``extract`` and ``citations`` read their files with. A PDF costs about a second
(its form tables), so files that include a PDF are read in up to :data:`MAX_WORKERS` processes,
one per usable core; a few text files are read here (starting a worker costs about a second).
``BUDGETSCOPE_READ_WORKERS`` sets the number of processes (1: read in this process). A file read
before by the same pipeline comes from the read cache (:mod:`.read_cache`) without being read again.

Workers are forked (``spawn`` when this process runs several threads) and die with it (see
:func:`budgetscope.index.processing.die_with_parent`); the results come back in the order of the
input, whatever the order the workers finish in. A file that cannot be read is one error line; a
file a worker failed on otherwise is read again here, so the error is the one a single process
would raise. A script calling :func:`read_documents` needs the ``if __name__ == "__main__":`` guard.

Example:
    >>> docs, errors = read_documents([Path("corpus/sast-2026-department-budget.txt")], cache=False)
    >>> [d.doc for d in docs], errors
    (['sast-2026-department-budget.txt'], [])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from budgetscope.models import Document

MAX_WORKERS = 4
"""At most this many reading processes (the memory of each is that of one document)."""
PARALLEL_MIN_FILES = 16
"""Text files read in parallel from this many on (below, starting workers costs more than it saves)."""
WORKERS_ENV = "BUDGETSCOPE_READ_WORKERS"

_Result = tuple[Document | None, str | None]
"""A document, or the one-line error of a file that cannot be read (None, None: a worker failed)."""


def read_one(path: Path) -> _Result:
    """Read one file (in a worker): the document or the file's one-line error; (None, None) when
    something else went wrong, for the caller to read the file again itself."""
    try:
        return _read_here(path)
    except Exception:
        return None, None


def workers_for(paths: Sequence[Path]) -> int:
    """How many processes read ``paths``: :data:`WORKERS_ENV` if set, else one per usable core (up
    to :data:`MAX_WORKERS` and the number of files) when a PDF is among them or there are many."""
    if len(paths) < 2:
        return 1
    setting = os.environ.get(WORKERS_ENV, "").strip()
    if setting.isdigit() and int(setting) > 0:
        return min(int(setting), len(paths))
    if len(paths) < PARALLEL_MIN_FILES and not any(p.suffix.lower() == ".pdf" for p in paths):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS, len(paths)))


def read_all(
    paths: Sequence[Path],
    workers: int | None = None,
    *,
    cache: bool | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> list[_Result]:
    """Each file read (document or error), in the order of ``paths``; with ``cache`` (default: unless
    ``BUDGETSCOPE_NO_CACHE``) documents read before by this pipeline come from the read cache.
    ``on_progress(done, total, name)`` is called as each file is read."""
    from budgetscope.api import read_cache

    use_cache = read_cache.enabled() if cache is None else cache
    keys = [read_cache.entry_key(p) if use_cache else None for p in paths]
    results: list[_Result] = [(read_cache.get(k), None) for k in keys]
    todo = [i for i, (doc, _) in enumerate(results) if doc is None]
    todo_paths = [paths[i] for i in todo]
    done = len(paths) - len(todo)

    def progress(path: Path) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, len(paths), path.name)

    if on_progress is not None and done:
        on_progress(done, len(paths), "")
    n = workers_for(todo_paths) if workers is None else min(workers, len(todo_paths))
    read = _read_parallel(todo_paths, n, progress) if n > 1 else [(None, None)] * len(todo_paths)
    for i, path, (doc, error) in zip(todo, todo_paths, read, strict=True):
        if doc is None and error is None:  # not read by a worker: read here, the errors are the usual ones
            doc, error = _read_here(path)
            progress(path)
        if doc is not None and use_cache:
            read_cache.put(keys[i], doc)
        results[i] = (doc, error)
    return results


def _read_here(path: Path) -> _Result:
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.load import LoadError

    try:
        return read_document(path), None
    except LoadError as exc:
        return None, str(exc)


def _read_parallel(
    paths: Sequence[Path], workers: int, progress: Callable[[Path], None] | None = None
) -> list[_Result]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    import budgetscope.pipeline.document  # noqa: F401 - loaded once, here, for forked workers
    from budgetscope.index.processing import end_workers, worker_start

    # the largest files first, so that no process is left with a big one at the end
    order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
    results: list[_Result] = [(None, None)] * len(paths)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(_start_method()),
        initializer=worker_start,
        initargs=(os.getpid(),),
    )
    try:
        futures = {pool.submit(read_one, paths[i]): i for i in order}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if progress is not None and results[i] != (None, None):
                progress(paths[i])
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)  # what the pool did not read is read by the caller
        return results
    except BaseException:  # Ctrl+C: end the workers at once, never wait on them
        end_workers(pool)
        raise
    pool.shutdown(wait=True)
    return results


def _start_method() -> str:
    """``fork`` (workers start at once, the pipeline already loaded) when this process runs one
    thread only, where forking is safe; else ``spawn`` (a fresh interpreter per worker)."""
    import multiprocessing
    import threading

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_documents(
    paths: Iterable[Path],
    workers: int | None = None,
    *,
    cache: bool | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> tuple[list[Document], list[str]]:
    """Read every file (folders expanded), in parallel when worth it, from the read cache when read
    before (see :func:`read_all`); the documents in input order and, for each file that cannot be
    read, its one-line error."""
    from budgetscope.paths import empty_folders, expand

    paths = list(paths)
    docs: list[Document] = []
    errors: list[str] = empty_folders(paths)
    for doc, error in read_all(list(expand(paths)), workers, cache=cache, on_progress=on_progress):
        if doc is not None:
            docs.append(doc)
        elif error is not None:
            errors.append(error)
    return docs, errors


__all__ = ["read_all", "read_documents", "workers_for"]
