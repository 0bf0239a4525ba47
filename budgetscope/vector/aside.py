"""Building an embedded index's search graph in another process, on a copy, while this process goes on
searching the index.

qdrant-edge holds the interpreter while it builds a graph (``optimize()``): no other thread of the
process runs meanwhile, not even a signal handler (measured: a graph of 60,000 random 512-d points took
12 minutes on 2 busy cores, in which a ticking thread never ran). A process that answers searches (a
``serve``) therefore builds it aside: :func:`build_aside` copies the shard's folder beside it
(``vectors.graph``), a child process builds the graph there, and the copy then takes the folder's place
in one short turn (:meth:`~budgetscope.vector.edge.EdgeIndex.swap_in`, :func:`~budgetscope.vector.folders.replaced`). Nothing is
written to the index meanwhile (the caller is its one writer). A process killed at any point leaves
the index as it was or as built (:func:`~budgetscope.vector.folders.put_back` on the next open), and the child dies with it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.vector.folders import BUILDING
from budgetscope.vector.query import VectorIndexError

if TYPE_CHECKING:
    from budgetscope.vector.base import Status
    from budgetscope.vector.edge import EdgeIndex

POLL = 0.2
"""Seconds between two looks at the child and at whether the index was closed meanwhile."""


def folder_bytes(path: Path) -> int:
    """The bytes of the files under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_aside(
    index: EdgeIndex, turn: Callable[[], AbstractContextManager[Any]], status: Status | None = None
) -> None:
    """Build the search graph of ``index`` in a child process on a copy, then swap the copy in.

    ``turn()``: the index to oneself (the lock the searches take); it raises when the index's holder
    closed it, which ends the build (the child killed, the copy removed). Without room for a copy on
    the disk, the graph is built here (:meth:`~budgetscope.vector.edge.EdgeIndex.finish`).
    """
    import multiprocessing
    import time

    from budgetscope.vector.edge import MIN_FREE

    with turn():
        index.shard.flush()  # every write in the files that are copied
        points = index.count()
    size = folder_bytes(index.path)
    if shutil.disk_usage(index.path.parent).free < 2 * size + MIN_FREE:  # the copy, and the graph it gets
        with turn():
            index.finish(status)
        return
    aside = index.path.with_name(index.path.name + BUILDING)
    shutil.rmtree(aside, ignore_errors=True)
    shutil.copytree(index.path, aside)
    if status:
        status(f"building the search graph of {points:,} points (HNSW) in another process; searches go on…")
    started = time.monotonic()
    child = multiprocessing.get_context("spawn").Process(
        target=_build, args=(str(aside), os.getpid()), name="budgetscope-graph", daemon=True
    )
    child.start()
    try:
        while child.is_alive():
            child.join(POLL)
            with turn():  # raises when the index was closed meanwhile
                pass
        if child.exitcode != 0:
            raise VectorIndexError(
                f"cannot build the search graph of {index.where} (its process ended with {child.exitcode})"
            )
        with turn():
            index.swap_in(aside)
    except BaseException:
        child.kill()
        child.join()
        shutil.rmtree(aside, ignore_errors=True)
        raise
    if status:
        status(f"search graph built in {time.monotonic() - started:.0f} s")


def _build(path: str, parent: int) -> None:
    """In the child: build the graph of the shard at ``path`` (Ctrl+C is left to the parent, which ends
    the child; the child dies with the parent, however that dies)."""
    import signal

    import qdrant_edge as qe

    from budgetscope.index.processing import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    shard = qe.EdgeShard.load(path)
    shard.optimize()
    shard.flush()
    shard.close()


__all__ = ["BUILDING", "build_aside", "folder_bytes"]
