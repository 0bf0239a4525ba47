"""The folder of an embedded (qdrant-edge) index: what marks a shard, and how a graph built aside
(:mod:`budgetscope.vector.aside`) takes the folder's place and is put back when that was cut short."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CONFIG_FILE = "edge_config.json"
"""The file qdrant-edge keeps a shard's configuration in (its presence marks a shard)."""
OLD = ".old"
"""The suffix of the folder a built copy replaces, until the copy is loaded (``vectors.old``)."""
BUILDING = ".graph"
"""The suffix of the copy a graph is built in (``vectors.graph``, :mod:`~budgetscope.vector.aside`)."""


def is_edge_index(path: Path) -> bool:
    """True when ``path`` holds a qdrant-edge shard."""
    return (Path(path) / CONFIG_FILE).is_file()


def put_back(path: Path) -> None:
    """After a swap cut short (the process killed between its two renames): the old folder in its place.
    A copy left by a graph build whose process was killed (``path`` + :data:`BUILDING`, a whole copy of the
    index) is removed: the caller holds the index's lock, so no build of another process uses it (a build's
    child dies with its parent)."""
    old = path.with_name(path.name + OLD)
    if not is_edge_index(path) and is_edge_index(old):
        shutil.rmtree(path, ignore_errors=True)
        old.rename(path)
    shutil.rmtree(path.with_name(path.name + BUILDING), ignore_errors=True)


@contextmanager
def replaced(path: Path, built: Path) -> Iterator[None]:
    """``built`` in ``path``'s place for the body (which loads it); the old folder goes once the body
    succeeded, else comes back."""
    old = path.with_name(path.name + OLD)
    shutil.rmtree(old, ignore_errors=True)
    path.rename(old)
    built.rename(path)
    try:
        yield
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        old.rename(path)
        raise
    shutil.rmtree(old, ignore_errors=True)


__all__ = ["BUILDING", "CONFIG_FILE", "OLD", "is_edge_index", "put_back", "replaced"]
