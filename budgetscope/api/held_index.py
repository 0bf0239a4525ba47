"""The search index a :class:`~budgetscope.api.Budgetscope` holds open, shared by its searches and its
index updates.

A search has the index for its query (a tenth of a second); an update (ingest, load, remove) stores
its documents without it, embeds their texts without it and takes it only to write each batch of
points (:class:`~budgetscope.vector.shared.SharedIndex`), so that searches go on, on the index as it
is, while documents are read and indexed: a ``serve`` answers while an upload is ingested. One update
at a time. :meth:`HeldIndex.close` (the data home closed: a serve stopping) ends an update in progress
at its next call on the index; what it wrote stays, and the documents it had not indexed yet stay
pending for the next ingest or ``budgetscope index``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from budgetscope.api.errors import NO_INDEX_HINT, IndexNotUpdated, NoSearchIndex

if TYPE_CHECKING:
    from budgetscope.vector.base import VectorIndex


class HeldIndex:
    """The one open index of a data home in this session (nothing is opened before it is needed)."""

    def __init__(self, home: Path, *, qdrant_url: str | None = None, encoder: str | None = None) -> None:
        self.home, self.qdrant_url, self.encoder = home, qdrant_url, encoder
        self.lock = threading.RLock()
        """Held for each call on the index: a search, one write of an update."""
        self.closes = 0
        """How many times the index was closed: an update begun before a close stops."""
        self._index: VectorIndex | None = None
        self._opened_to_update = False
        """The index was opened by an update (none held before): it may not exist yet."""
        self._updates = threading.Lock()

    def close(self) -> None:
        """Close the index (releasing the embedded index's lock); the next search reopens it, an update
        in progress stops."""
        with self.lock:
            self.closes += 1
            self._release()

    def _release(self) -> None:
        index, self._index, self._opened_to_update = self._index, None, False
        if index is not None:
            index.close()

    def search_index(self) -> VectorIndex:
        """The open index, to search (call with :attr:`lock` held); :class:`NoSearchIndex` before any
        ingest, :class:`~budgetscope.api.errors.IndexBusy` when another process holds it beyond the wait."""
        if self._index is None:
            from budgetscope.api.indexing import search_index

            index = search_index(self.home, qdrant_url=self.qdrant_url, encoder=self.encoder)
            if not index.exists() or index.count() == 0:
                index.close()
                raise NoSearchIndex(f"no search index at {index.where}: {NO_INDEX_HINT}")
            self._index = index
        elif self._opened_to_update and not self._index.exists():  # the home's first update: not created yet
            raise NoSearchIndex(f"no search index at {self._index.where} yet: the first ingest is under way")
        return self._index

    @contextmanager
    def searching(self) -> Iterator[VectorIndex]:
        """The open index, to oneself for a search."""
        with self.lock:
            yield self.search_index()

    @contextmanager
    def updating(self, since: int) -> Iterator[VectorIndex]:
        """The index for an update begun when :attr:`closes` was ``since``, shared with the searches
        (an index held for searching is written as it is, never closed and opened again); one update at
        a time. Opened for the update when none is held, and closed after. :class:`IndexNotUpdated`
        when the index was closed since."""
        from budgetscope.api.indexing import INDEX_WAIT, lock_wait, vector_index
        from budgetscope.vector.query import VectorIndexError
        from budgetscope.vector.shared import CLOSED, SharedIndex

        with self._updates:
            with self.lock:
                if self.closes != since:
                    raise IndexNotUpdated.because(CLOSED)
                kept = self._index is not None
                if self._index is None:
                    try:
                        self._index = vector_index(
                            self.home,
                            qdrant_url=self.qdrant_url,
                            encoder=self.encoder,
                            wait=lock_wait(INDEX_WAIT),
                        ).open()
                        self._opened_to_update = True
                    except VectorIndexError as exc:  # held by another process beyond the wait, damaged
                        raise IndexNotUpdated.because(str(exc)) from None
                index = self._index
                index.read_only = False
            try:
                yield SharedIndex(index, self.lock, lambda: self.closes == since and self._index is index)
            finally:
                with self.lock:
                    if not kept and self._index is index:
                        self._release()


__all__ = ["HeldIndex"]
