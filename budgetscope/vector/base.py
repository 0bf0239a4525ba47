"""The vector index: one interface, two engines, one behaviour.

An index holds one point per chunk (see :mod:`budgetscope.index.chunks`) with a named dense vector
``dense`` (cosine, the encoder's dimension), a named sparse vector ``lexical`` (BM25 term weights of
:mod:`budgetscope.vector.sparse`, Qdrant's IDF modifier) and payload indexes on the filter fields;
built with a pair of encoders (``use+e5``), a second named dense vector ``second`` too.
Two backends implement the engine-specific calls:

- :class:`~budgetscope.vector.edge.EdgeIndex`: the Qdrant engine in-process (qdrant-edge), the
  embedded default under the data home; one process per path (:class:`IndexLocked`);
- :class:`~budgetscope.vector.client.ClientIndex`: qdrant-client, for a Qdrant server or cluster
  (``--qdrant-url``), and its local mode (``":memory:"`` or a folder) in tests.

Everything above the engine is shared: embedding and batched upserts, the encoder check, dense,
sparse or both lists in one batch, fused in Python (:mod:`.query`, so both engines rank alike) and
read lazily (:mod:`.lazy`). Opening only connects; :meth:`VectorIndex.create` and :meth:`VectorIndex.drop`
are explicit. :meth:`VectorIndex.finish` builds what the engine builds once after bulk writes
(qdrant-edge's HNSW graph); until then search is exact.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from budgetscope.vector.fusion import RRF_K
from budgetscope.vector.hnsw import HNSW_EF, HNSW_EF_CONSTRUCT, HNSW_M
from budgetscope.vector.lazy import best_points, best_scores_in
from budgetscope.vector.query import (
    DENSE,
    LEXICAL,
    SECOND,
    Ask,
    Condition,
    EncoderMismatch,
    Fusion,
    Hit,
    Query,
    ScoredPoint,
    SearchMode,
    VectorIndexError,
    canonical,
    conditions,
    dense_vector,
    fused_ranking,
)
from budgetscope.vector.sparse import SparseTerms, query_vector, sparse_vector

if TYPE_CHECKING:
    from budgetscope.index.chunks import Chunk
    from budgetscope.index.encoders import Encoder


def second_encoder(encoder: Encoder | None) -> Encoder | None:
    """The encoder of the second named vector (:data:`SECOND`) of a pair of encoders, else None."""
    return getattr(encoder, "second", None)


NO_TERMS = SparseTerms([], [])
"""The sparse vector of a point the lexical side does not count (a clause piece)."""

NO_PAYLOAD: list[str] = []
"""``fields`` of :meth:`VectorIndex._query` for ids and scores only."""

Status = Callable[[str], None]
"""``status(message)``: one line of progress (e.g. on stderr)."""


class Point(NamedTuple):
    """One point as the engines write it: id, dense vector, sparse vector, payload, and the vector
    of the second encoder of a pair (``use+e5``; None for a single encoder), named :data:`SECOND`."""

    id: str
    dense: list[float]
    sparse: SparseTerms
    payload: dict[str, Any]
    second: list[float] | None = None


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most ``size`` items, in order.

    >>> [len(b) for b in batches(range(5), 2)]
    [2, 2, 1]
    """
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class VectorIndex(ABC):
    """The project's vector index; a backend supplies the engine calls (the abstract methods).

    Nothing is opened until :meth:`open` (or the first operation); use it as a context manager or
    call :meth:`close`. ``read_only``: only search (nothing is created). ``wait``: seconds to wait
    for an index another process holds before :class:`IndexLocked` (embedded engines).
    """

    engine: str = ""
    """The engine's name, for messages and benchmarks."""

    def __init__(
        self,
        *,
        collection: str = "budgetscope",
        encoder: Encoder | None = None,
        batch_size: int = 256,
        read_only: bool = False,
        wait: float = 0.0,
        hnsw_ef: int = HNSW_EF,
    ) -> None:
        self.collection = collection
        self.encoder = encoder
        self.batch_size = batch_size
        self.read_only = read_only
        self.wait = wait
        self.hnsw_ef = hnsw_ef
        self._connected = False
        self._checked = False

    # -- the engine: what a backend implements --------------------------------------------------

    @property
    @abstractmethod
    def where(self) -> str:
        """Where the index lives, for messages."""

    @abstractmethod
    def _connect(self) -> None:
        """Connect to the engine (take the embedded lock, load the files); creates nothing."""

    @abstractmethod
    def _disconnect(self) -> None:
        """Release the engine (and the embedded lock)."""

    @abstractmethod
    def exists(self) -> bool:
        """True when the index (collection, shard) exists."""

    @abstractmethod
    def stored_encoder(self) -> tuple[str | None, int] | None:
        """``(encoder name, dim)`` the index was built with, None without an index; the name is None
        where the engine does not know it (an empty embedded index, a server without metadata)."""

    @abstractmethod
    def _create(self, encoder: Encoder) -> None:
        """Create the index with the vectors of ``encoder`` and the payload indexes."""

    @abstractmethod
    def drop(self) -> None:
        """Delete the index and its points (for a rebuild); nothing without one."""

    @abstractmethod
    def _write(self, points: list[Point]) -> None:
        """Upsert one batch of points."""

    @abstractmethod
    def delete_doc(self, doc: str) -> None:
        """Delete every point of a source document (by filter, without counting them first)."""

    @abstractmethod
    def set_cites(self, project_id: str, cites: list[str]) -> None:
        """Replace the cited canonical ids in the payload of every point of one project."""

    @abstractmethod
    def _scroll(
        self, where: list[Condition], fields: list[str] | None, offset: Any, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], Any]:
        """One page of ``(point id, payload)`` (only ``fields``, all for None) and the next page's offset."""

    @abstractmethod
    def docs(self) -> set[str]:
        """The source documents that have points in the index."""

    @abstractmethod
    def _count(self, where: list[Condition]) -> int:
        """Number of points matching the conditions (an existing index)."""

    @abstractmethod
    def _query(self, ask: Ask) -> Sequence[Sequence[ScoredPoint]]:
        """The ranked lists ``ask`` names (one per query, best first), in one batch."""

    @abstractmethod
    def _retrieve(self, ids: list[Any], fields: list[str] | None = None) -> dict[Any, dict[str, Any]]:
        """The payload of each point (only ``fields``, all for None), keyed by the ids as given (as
        :meth:`_query` gives them, or strings)."""

    def point_str(self, point_id: Any) -> str:
        """A point id as :meth:`_query` gives it, as the string the index knows it by."""
        return str(point_id)

    @abstractmethod
    def finish(self, status: Status | None = None) -> None:
        """Build what the engine builds once after bulk writes (the HNSW graph of qdrant-edge)."""

    # -- lifecycle -------------------------------------------------------------------------------

    def open(self) -> VectorIndex:
        """Connect (idempotent). Creates nothing and checks nothing."""
        if not self._connected:
            self._connect()
            self._connected = True
        return self

    def close(self) -> None:
        """Disconnect (releases an embedded index's lock); the next operation reconnects."""
        if self._connected:
            self._connected = False
            self._checked = False
            self._disconnect()

    def __enter__(self) -> VectorIndex:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _encoder(self) -> Encoder:
        if self.encoder is None:
            raise VectorIndexError(
                "this operation needs an encoder: give the index an encoder (get_encoder(spec))"
            )
        return self.encoder

    # -- the index -------------------------------------------------------------------------------

    def create(self) -> None:
        """Create the index for the encoder when it does not exist; an existing one must match it."""
        self.open()
        if self.exists():
            self.check_encoder()
            return
        self._create(self._encoder())
        self._checked = True

    def check_encoder(self) -> None:
        """:class:`EncoderMismatch` when the index was built with another encoder or dimension (once)."""
        if self._checked or self.encoder is None:
            return
        stored = self.stored_encoder()
        if stored is not None:
            name, dim = stored
            enc = self.encoder
            if (name is not None and name != enc.name) or dim != enc.dim:
                raise EncoderMismatch(
                    f"index {self.where} was built with encoder {name or '?'} ({dim}-d), not {enc.name} "
                    f"({enc.dim}-d): use --encoder {name or '?'}, or `budgetscope index --rebuild --encoder "
                    f"{enc.name}`"
                )
        self._checked = True

    def count(self, *, filters: Mapping[str, Any] | None = None) -> int:
        """Number of points (chunks), optionally under filters; 0 without an index."""
        where = conditions(filters)
        self.open()
        return self._count(where) if self.exists() else 0

    def payloads(
        self, *, filters: Mapping[str, Any] | None = None, fields: list[str] | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every point's id and payload (only ``fields`` of it, all for None), under filters."""
        where = conditions(filters)
        if not self.exists():
            return
        offset: Any = None
        while True:
            page, offset = self._scroll(where, fields, offset, 1024)
            yield from page
            if offset is None:
                return

    def cites_by_project(self, doc: str) -> dict[str, list[str]]:
        """The cited canonical ids stored with each project of one document."""
        return {
            str(p.get("project_id")): list(p.get("cites") or [])
            for _, p in self.payloads(filters={"doc": doc}, fields=["project_id", "cites"])
        }

    def upsert(self, chunks: Iterable[Chunk]) -> int:
        """Embed and write chunks in batches (same id = replaced), creating the index if needed;
        returns how many were written."""
        encoder = self._encoder()
        self.create()
        written = 0
        other = second_encoder(encoder)
        for batch in batches(chunks, self.batch_size):
            texts = [c.text for c in batch]
            dense = encoder.encode_documents(texts)
            seconds: list[list[float] | None] = [None] * len(batch)
            whole = [n for n, c in enumerate(batch) if c.lexical]  # a clause piece, a unit: the first only
            if other is not None and whole:
                for n, vector in zip(whole, other.encode_documents([texts[n] for n in whole]), strict=True):
                    seconds[n] = vector.tolist()
            self._write(
                [
                    Point(
                        c.id,
                        vector.tolist(),
                        sparse_vector(c.text) if c.lexical else NO_TERMS,
                        c.payload,
                        extra,
                    )
                    for c, vector, extra in zip(batch, dense, seconds, strict=True)
                ]
            )
            written += len(batch)
        return written

    # -- searching -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        filters: Mapping[str, Any] | None = None,
        top_k: int = 10,
        mode: SearchMode = "hybrid",
        fusion: Fusion = "rrf",
        weights: Sequence[float] = (1.0, 1.0),
        rrf_k: int = RRF_K,
        candidates: int | None = None,
        lexical: str | None = None,
        fields: Sequence[str] | None = None,
        wording: str | None = None,
    ) -> list[Hit]:
        """The top_k projects for a query, one hit (the best chunk) per project, best first.

        ``mode``: ``dense`` (cosine), ``sparse`` (BM25) or ``hybrid`` (both, fused by ``fusion``:
        weighted ``rrf`` with ``weights = (dense, sparse)``, or ``weighted`` min-max score sum). An index
        built with a pair of encoders (``use+e5``) adds, in hybrid mode, the ranked list of its second
        vector (weight ``weights[2]``, else the dense one); each hit's ``raw`` is then (cosine, BM25,
        second cosine). ``filters``: see :func:`~budgetscope.vector.query.conditions`. Each list fetches
        ``candidates`` chunks (default ``max(50, 10 * top_k)``), doubled until top_k projects are
        found or the lists run dry. ``lexical``: the text the sparse side searches instead of
        ``query`` (a translated query); ``wording``: the query in the budget's words, blended into the
        dense vector (:func:`~budgetscope.vector.query.dense_vector`). ``fields``: the payload fields the hits carry (all for None;
        the engines convert each field of each point, so naming the few a caller reads saves time).
        """
        if mode not in ("hybrid", "dense", "sparse"):
            raise VectorIndexError(f"unknown search mode {mode!r}: expected hybrid, dense or sparse")
        if fusion not in ("rrf", "weighted"):
            raise VectorIndexError(f"unknown fusion {fusion!r}: expected rrf or weighted")
        where = conditions(filters)
        self.open()
        if top_k < 1 or not self.exists():
            return []
        self.check_encoder()
        queries: list[Query] = []
        if mode in ("hybrid", "dense"):
            queries.append(Query(DENSE, dense_vector(self._encoder(), query, wording)))
        terms = query_vector(lexical or query)
        if mode in ("hybrid", "sparse") and terms.indices:
            queries.append(Query(LEXICAL, terms))
        other = second_encoder(self.encoder)
        if other is not None and mode == "hybrid":  # a pair's second vector: one more list, the last
            queries.append(Query(SECOND, other.encode_queries([query])[0].tolist()))
            by_name = {
                DENSE: weights[0],
                LEXICAL: weights[1],
                SECOND: weights[-1] if len(weights) > 2 else weights[0],
            }
            weights = [by_name[q.using] for q in queries]
        if not queries:
            return []
        limit = candidates or max(50, 10 * top_k)
        fusing = fusion if mode == "hybrid" else None
        while True:  # the lists carry ids and scores only: reading a payload costs more than the search
            lists = [canonical(r) for r in self._query(Ask(queries, where, limit, NO_PAYLOAD))]
            fused = fused_ranking(lists, fusing, weights, rrf_k)
            project_of: dict[Any, str] = {}
            best = best_points(self, fused, top_k, project_of)
            if len(best) >= top_k or all(len(points) < limit for points in lists):
                break
            limit *= 2
        raw = [
            best_scores_in(self, q, ranked, where, limit, project_of, best)
            for q, ranked in zip(queries, lists, strict=True)
        ]
        if len(queries) == 2 and queries[-1].using == SECOND:  # no lexical list: (cosine, None, second)
            raw.insert(1, {})
        wanted = None if fields is None else list(dict.fromkeys(["project_id", *fields]))
        payloads = self._retrieve([point_id for point_id, _ in best.values()], wanted)
        return [
            Hit(
                self.point_str(point_id),
                score,
                payloads.get(point_id) or {"project_id": project},
                tuple(top.get(project) for top in raw),
            )
            for project, (point_id, score) in best.items()
        ]


__all__ = ["HNSW_EF", "HNSW_EF_CONSTRUCT", "HNSW_M", "Point", "Query", "Status", "VectorIndex", "batches"]
