"""An open vector index shared by the threads that search it and the one that updates it.

:class:`SharedIndex` is what an update writes through when a :class:`~budgetscope.api.Budgetscope`
holds its index open for searches (a ``serve``): every call on the engine takes the holder's lock, so
the slow part of an update, embedding its texts, runs while searches go on, and each batch of points
it writes is one short turn on the index. The holder opens and closes the index, never the update;
once the holder has closed it (a serve stopping), the update's next call raises
:class:`~budgetscope.vector.query.VectorIndexError`. After many points, an embedded index's search
graph is built in another process (:mod:`budgetscope.vector.aside`): the engine holds the
interpreter while it builds.

Example:
    >>> import tempfile, threading
    >>> from pathlib import Path
    >>> from budgetscope.index.chunks import record_points
    >>> from budgetscope.index.encoders import get_encoder
    >>> from budgetscope.models import Record
    >>> from budgetscope.vector.edge import EdgeIndex
    >>> rec = Record(id="p1", kind="narrative", doc="a.txt", title="", name="科技社团党建项目",
    ...              sections={"overview": "在科技社团中开展党建工作。"})
    >>> lock, held = threading.RLock(), [True]
    >>> with EdgeIndex(Path(tempfile.mkdtemp()) / "vectors", encoder=get_encoder("hash")) as index:
    ...     shared = SharedIndex(index, lock, lambda: held[0])
    ...     _ = shared.upsert(record_points(rec, "hash"))
    ...     held[0] = False  # the holder closed it
    ...     shared.upsert(record_points(rec, "hash"))
    Traceback (most recent call last):
    ...
    budgetscope.vector.query.VectorIndexError: the search index was closed while it was being updated (the serve stopping?): ...
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from budgetscope.vector.base import Ask, Point, Status, VectorIndex
from budgetscope.vector.query import Condition, ScoredPoint, VectorIndexError

if TYPE_CHECKING:
    from budgetscope.index.encoders import Encoder

ASIDE_AFTER = 5_000
"""Points written since the graph was built from which an embedded index builds it in another process
(below, in a second or so here; measured: 0.5 s after a 30-project document on the bundled corpus)."""

CLOSED = (
    "the search index was closed while it was being updated (the serve stopping?): the documents not "
    "indexed yet are indexed by the next ingest or `budgetscope index`"
)


class SharedIndex(VectorIndex):
    """``index`` (open) as one thread updates it while others search it, each call under ``lock``;
    ``held()`` says whether the holder still holds it open."""

    def __init__(
        self,
        index: VectorIndex,
        lock: threading.RLock,
        held: Callable[[], bool],
        *,
        aside_after: int = ASIDE_AFTER,
    ) -> None:
        super().__init__(
            collection=index.collection, encoder=index.encoder, batch_size=index.batch_size,
            read_only=index.read_only, wait=index.wait, hnsw_ef=index.hnsw_ef,
        )  # fmt: skip
        self.index, self.lock, self.held, self.aside_after = index, lock, held, aside_after
        self.engine = index.engine

    @contextmanager
    def turn(self) -> Iterator[VectorIndex]:
        """The index to oneself: :class:`VectorIndexError` once the holder closed it."""
        with self.lock:
            if not self.held():
                raise VectorIndexError(CLOSED)
            yield self.index

    @property
    def where(self) -> str:
        return self.index.where

    def _connect(self) -> None:
        with self.turn() as index:
            index.open()

    def _disconnect(self) -> None:
        """Nothing: the holder closes the index."""

    def exists(self) -> bool:
        with self.turn() as index:
            return index.exists()

    def stored_encoder(self) -> tuple[str | None, int] | None:
        with self.turn() as index:
            return index.stored_encoder()

    def create(self) -> None:
        with self.turn() as index:
            index.create()
        self._checked = True

    def _create(self, encoder: Encoder) -> None:
        with self.turn() as index:
            index._create(encoder)

    def drop(self) -> None:
        with self.turn() as index:
            index.drop()

    def _write(self, points: list[Point]) -> None:
        with self.turn() as index:
            index._write(points)

    def delete_doc(self, doc: str) -> None:
        with self.turn() as index:
            index.delete_doc(doc)

    def set_cites(self, project_id: str, cites: list[str]) -> None:
        with self.turn() as index:
            index.set_cites(project_id, cites)

    def _scroll(
        self, where: list[Condition], fields: list[str] | None, offset: Any, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], Any]:
        with self.turn() as index:
            return index._scroll(where, fields, offset, limit)

    def docs(self) -> set[str]:
        with self.turn() as index:
            return index.docs()

    def _count(self, where: list[Condition]) -> int:
        with self.turn() as index:
            return index._count(where)

    def _query(self, ask: Ask) -> Sequence[Sequence[ScoredPoint]]:
        with self.turn() as index:
            return index._query(ask)

    def _retrieve(self, ids: list[Any], fields: list[str] | None = None) -> dict[Any, dict[str, Any]]:
        with self.turn() as index:
            return index._retrieve(ids, fields)

    def point_str(self, point_id: Any) -> str:
        return self.index.point_str(point_id)

    def finish(self, status: Status | None = None) -> None:
        """Build the search graph: an embedded index's in another process after :attr:`aside_after`
        points or more (searches go on meanwhile), else here, in one turn."""
        from budgetscope.vector.edge import EdgeIndex

        if isinstance(self.index, EdgeIndex) and self.index.unbuilt >= self.aside_after:
            from budgetscope.vector.aside import build_aside

            build_aside(self.index, self.turn, status)
            return
        with self.turn() as index:
            index.finish(status)


__all__ = ["ASIDE_AFTER", "CLOSED", "SharedIndex"]
