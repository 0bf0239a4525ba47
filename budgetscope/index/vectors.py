"""The Qdrant index: the one place a Qdrant client is opened, embedded or server, one code path.

A collection holds one point per chunk (see :mod:`budgetscope.index.chunks`) with a named dense
vector ``dense`` (cosine, the encoder's dimension) and a named sparse vector ``lexical``
(BM25 term weights of :mod:`budgetscope.index.sparse`, ``modifier=IDF``). The collection's
metadata records the encoder; opening it with another encoder raises :class:`EncoderMismatch`.

Hybrid search sends the dense and the sparse query in one ``query_batch_points`` request and
fuses the two ranked lists in Python (:mod:`budgetscope.index.fusion`): the same weighted RRF or
weighted score sum on every Qdrant version, embedded or server. Hits are grouped to one per
project (its best chunk). Filters, fusion and grouping are the pure functions of
:mod:`budgetscope.index.vector_query`, re-exported here.

Example:
    >>> from budgetscope.index.encoders import get_encoder
    >>> from budgetscope.index.chunks import record_points
    >>> rec = {"id": "p1", "kind": "narrative", "doc": "a.txt", "name": "科技社团党建项目",
    ...        "sections": {"overview": "在科技社团中开展党建工作。"}}
    >>> with VectorIndex(location=":memory:", encoder=get_encoder("hash")) as index:
    ...     _ = index.upsert(record_points(rec, "hash"))
    ...     [hit.project_id for hit in index.search("党建", top_k=1)]
    ['p1']
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from budgetscope.index.chunks import Chunk
from budgetscope.index.fusion import RRF_K
from budgetscope.index.sparse import SparseTerms, query_vector, sparse_vector
from budgetscope.index.vector_query import (
    DENSE,
    FILTER_FIELDS,
    LEXICAL,
    Fusion,
    Hit,
    SearchMode,
    VectorIndexError,
    build_filter,
    fuse_and_group,
)
from budgetscope.messages import disk_full, is_disk_full

if TYPE_CHECKING:
    from qdrant_client import QdrantClient, models

    from budgetscope.index.encoders import Encoder


class IndexLocked(VectorIndexError):
    """The embedded index directory is open in another process."""


class EncoderMismatch(VectorIndexError):
    """The collection was built with another encoder (or dimension) than the one given."""


def _batches(items: Iterable[Chunk], size: int) -> Iterator[list[Chunk]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _sparse(terms: SparseTerms) -> models.SparseVector:
    from qdrant_client import models

    return models.SparseVector(indices=terms.indices, values=terms.values)


class VectorIndex:
    """A Qdrant collection of chunk points. Give exactly one of ``path``, ``url``, ``location``.

    ``path``: embedded Qdrant persisted in a directory (one process at a time, else
    :class:`IndexLocked`); ``url``: a Qdrant server; ``location=":memory:"``: embedded, in memory.
    Nothing is opened until :meth:`open` or the first operation; use it as a context manager or
    call :meth:`close`.

    >>> VectorIndex(location=":memory:").collection
    'budgetscope'
    """

    def __init__(
        self,
        *,
        path: str | Path | None = None,
        url: str | None = None,
        location: str | None = None,
        collection: str = "budgetscope",
        encoder: Encoder | None = None,
        api_key: str | None = None,
        batch_size: int = 64,
        read_only: bool = False,
        wait: float = 0.0,
    ) -> None:
        given = [name for name, value in (("path", path), ("url", url), ("location", location)) if value]
        if len(given) != 1:
            raise VectorIndexError(
                f"give exactly one of path, url, location (got {', '.join(given) or 'none'})"
            )
        self.path = Path(path) if path else None
        self.read_only = read_only
        """Only search: the encoder is checked against an existing collection, none is created."""
        self.url = url
        self.location = location
        self.collection = collection
        self.encoder = encoder
        self.api_key = api_key
        self.batch_size = batch_size
        self.wait = wait
        """Seconds to wait for an embedded index open in another process before :class:`IndexLocked`."""
        self._client: QdrantClient | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def where(self) -> str:
        """Where the index lives, for messages."""
        return str(self.path or self.url or self.location)

    def open(self) -> VectorIndex:
        """Open the client and, with an encoder, create the collection or check its encoder."""
        if self._client is None:
            from qdrant_client import QdrantClient

            kwargs: dict[str, Any] = (
                {"path": str(self.path)}
                if self.path
                else {"url": self.url, "api_key": self.api_key}
                if self.url
                else {"location": self.location}
            )
            self._client = self._connect(QdrantClient, kwargs)
            from qdrant_client.http.exceptions import ResponseHandlingException

            try:  # a failed open leaves nothing open (and releases the embedded lock)
                if self.encoder is not None:
                    with self._disk_full_is_one_line():
                        self._ensure_collection(self.encoder)
            except ResponseHandlingException as exc:
                self.close()
                raise VectorIndexError(f"cannot reach Qdrant at {self.where}: {exc}") from None
            except BaseException:
                self.close()
                raise
        return self

    def _connect(self, factory: Any, kwargs: dict[str, Any]) -> QdrantClient:
        """A client; an embedded index open in another process is waited for up to :attr:`wait` seconds.

        A damaged embedded index (unreadable metadata or storage) is a :class:`VectorIndexError`.
        """
        import time

        deadline = time.monotonic() + self.wait
        while True:
            try:
                with self._disk_full_is_one_line():
                    return factory(**kwargs)
            except RuntimeError as exc:
                if "already accessed" not in str(exc):
                    raise VectorIndexError(f"cannot open index {self.where}: {_first_line(exc)}") from None
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"index {self.where} is open in another process; embedded Qdrant allows one "
                        "at a time (close it, or use a Qdrant server with --qdrant-url)"
                    ) from None
                time.sleep(0.2)
            except (ValueError, KeyError, TypeError, EOFError, OSError) as exc:
                if isinstance(exc, OSError) and self.path is None:
                    raise VectorIndexError(
                        f"cannot reach Qdrant at {self.where}: {_first_line(exc)}"
                    ) from None
                raise VectorIndexError(
                    f"index {self.where} is damaged ({type(exc).__name__}: {_first_line(exc)}); "
                    "delete that folder and run `budgetscope index --rebuild`"
                ) from None

    @contextlib.contextmanager
    def _disk_full_is_one_line(self) -> Iterator[None]:
        """A write to the index on a full disk is a one-line :class:`VectorIndexError` naming the index."""
        import sqlite3

        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            if not is_disk_full(exc, self.path):
                raise
            raise VectorIndexError(disk_full(f"search index {self.where}")) from exc

    def close(self) -> None:
        """Close the client (releases the embedded directory's lock)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> VectorIndex:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def client(self) -> QdrantClient:
        """The open Qdrant client (opens on first use)."""
        self.open()
        assert self._client is not None
        return self._client

    def _encoder(self) -> Encoder:
        if self.encoder is None:
            raise VectorIndexError(
                "this operation needs an encoder: VectorIndex(..., encoder=get_encoder(spec))"
            )
        return self.encoder

    # -- collection ----------------------------------------------------------------------------

    def exists(self) -> bool:
        """True when the collection exists."""
        return bool(self.client.collection_exists(self.collection))

    def stored_encoder(self) -> tuple[str | None, int] | None:
        """``(encoder name, dim)`` the collection was built with, or None without a collection.

        The name is None on a server that does not keep collection metadata.
        """
        if not self.exists():
            return None
        config = self.client.get_collection(self.collection).config
        vectors = config.params.vectors
        dense = vectors.get(DENSE) if isinstance(vectors, Mapping) else None
        if dense is None:
            raise VectorIndexError(f"collection {self.collection!r} at {self.where} has no {DENSE!r} vector")
        name = (config.metadata or {}).get("encoder")
        return (str(name) if name is not None else None), int(dense.size)

    def _ensure_collection(self, encoder: Encoder) -> None:
        from qdrant_client import models

        stored = self.stored_encoder()
        if stored is not None:
            name, dim = stored
            if (name is not None and name != encoder.name) or dim != encoder.dim:
                raise EncoderMismatch(
                    f"index {self.where} (collection {self.collection!r}) was built with encoder "
                    f"{name or '?'} ({dim}-d), not {encoder.name} ({encoder.dim}-d): "
                    f"use --encoder {name or '?'}, or `budgetscope index --rebuild --encoder {encoder.name}`"
                )
            return
        if self.read_only:
            return
        client = self.client
        client.create_collection(
            self.collection,
            vectors_config={DENSE: models.VectorParams(size=encoder.dim, distance=models.Distance.COSINE)},
            sparse_vectors_config={LEXICAL: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            metadata={"encoder": encoder.name, "dim": encoder.dim},
        )
        schemas = {"integer": models.PayloadSchemaType.INTEGER, "keyword": models.PayloadSchemaType.KEYWORD}
        with warnings.catch_warnings():
            # Embedded Qdrant warns that payload indexes are no-ops there; on a server they are real.
            warnings.filterwarnings("ignore", message="Payload indexes have no effect", category=UserWarning)
            for field, schema in FILTER_FIELDS.items():
                client.create_payload_index(self.collection, field, field_schema=schemas[schema])

    # -- writing ---------------------------------------------------------------------------------

    def upsert(self, chunks: Iterable[Chunk]) -> int:
        """Embed and write chunks in batches (same id = replaced); returns how many were written."""
        from qdrant_client import models

        encoder = self._encoder()
        self.open()
        written = 0
        for batch in _batches(chunks, self.batch_size):
            dense = encoder.encode_documents([c.text for c in batch])
            points = [
                models.PointStruct(
                    id=chunk.id,
                    vector={DENSE: vector.tolist(), LEXICAL: _sparse(sparse_vector(chunk.text))},
                    payload=chunk.payload,
                )
                for chunk, vector in zip(batch, dense, strict=True)
            ]
            with self._disk_full_is_one_line():
                self.client.upsert(self.collection, points=points, wait=True)
            written += len(points)
        return written

    def delete_doc(self, doc: str) -> int:
        """Delete every point of a source document; returns how many there were."""
        from qdrant_client import models

        selector = build_filter({"doc": doc})
        assert selector is not None
        existing = self.count(filters={"doc": doc})
        if existing:
            with self._disk_full_is_one_line():
                self.client.delete(
                    self.collection, points_selector=models.FilterSelector(filter=selector), wait=True
                )
        return existing

    def cites_by_project(self, doc: str) -> dict[str, list[str]]:
        """The cited canonical ids stored with each project of one document."""
        selector = build_filter({"doc": doc})
        out: dict[str, list[str]] = {}
        offset = None
        while True:
            points, offset = self.client.scroll(
                self.collection, scroll_filter=selector, limit=1024, offset=offset,
                with_payload=["project_id", "cites"], with_vectors=False,
            )  # fmt: skip
            for p in points:
                payload = p.payload or {}
                out[str(payload.get("project_id"))] = list(payload.get("cites") or [])
            if offset is None:
                return out

    def set_cites(self, project_id: str, cites: list[str]) -> None:
        """Replace the cited canonical ids in the payload of every point of one project."""
        from qdrant_client import models

        selector = build_filter({"project_id": project_id})
        assert selector is not None
        with self._disk_full_is_one_line():
            self.client.set_payload(
                self.collection,
                payload={"cites": cites},
                points=models.FilterSelector(filter=selector),
                wait=True,
            )

    def docs(self) -> set[str]:
        """The source documents that have points in the index."""
        if not self.exists():
            return set()
        result = self.client.facet(self.collection, key="doc", limit=1_000_000, exact=True)
        return {str(hit.value) for hit in result.hits}

    def drop(self) -> None:
        """Delete the collection (for a rebuild)."""
        if self.exists():
            with self._disk_full_is_one_line():
                self.client.delete_collection(self.collection)

    def count(self, *, filters: Mapping[str, Any] | None = None) -> int:
        """Number of points (chunks), optionally under filters; 0 without a collection."""
        if not self.exists():
            return 0
        return int(self.client.count(self.collection, count_filter=build_filter(filters), exact=True).count)

    # -- searching -------------------------------------------------------------------------------

    def _ranked_lists(
        self, query: str, mode: SearchMode, query_filter: models.Filter | None, lexical: str | None = None
    ) -> Callable[[int], list[list[models.ScoredPoint]]]:
        """Embed the query once; the returned function fetches the ranked lists at a given limit."""
        from qdrant_client import models

        queries: list[tuple[str, Any]] = []
        if mode in ("hybrid", "dense"):
            queries.append((DENSE, self._encoder().encode_queries([query])[0].tolist()))
        terms = query_vector(lexical or query)
        if mode in ("hybrid", "sparse") and terms.indices:
            queries.append((LEXICAL, _sparse(terms)))

        def fetch(limit: int) -> list[list[models.ScoredPoint]]:
            requests = [
                models.QueryRequest(query=q, using=using, filter=query_filter, limit=limit, with_payload=True)
                for using, q in queries
            ]
            responses = self.client.query_batch_points(self.collection, requests=requests) if requests else []
            return [response.points for response in responses]

        return fetch

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
    ) -> list[Hit]:
        """The top_k projects for a query, one hit (the best chunk) per project, best first.

        ``mode``: ``dense`` (cosine), ``sparse`` (BM25) or ``hybrid`` (both, fused by ``fusion``:
        weighted ``rrf`` with ``weights = (dense, sparse)``, or ``weighted`` min-max score sum).
        ``filters``: see :func:`build_filter`. Each list fetches ``candidates`` chunks (default
        ``max(50, 10 * top_k)``), doubled until top_k projects are found or the lists run dry.
        ``lexical``: the text the sparse side searches instead of ``query`` (a translated query).
        """
        if mode not in ("hybrid", "dense", "sparse"):
            raise VectorIndexError(f"unknown search mode {mode!r}: expected hybrid, dense or sparse")
        if fusion not in ("rrf", "weighted"):
            raise VectorIndexError(f"unknown fusion {fusion!r}: expected rrf or weighted")
        if top_k < 1 or not self.exists():
            return []
        fetch = self._ranked_lists(query, mode, build_filter(filters), lexical)
        limit = candidates or max(50, 10 * top_k)
        while True:
            lists = fetch(limit)
            hits = fuse_and_group(lists, fusion if mode == "hybrid" else None, weights, rrf_k)
            if len(hits) >= top_k or all(len(points) < limit for points in lists):
                return hits[:top_k]
            limit *= 2


__all__ = [
    "DENSE",
    "FILTER_FIELDS",
    "LEXICAL",
    "EncoderMismatch",
    "Fusion",
    "Hit",
    "IndexLocked",
    "SearchMode",
    "VectorIndex",
    "VectorIndexError",
    "build_filter",
    "fuse_and_group",
]
