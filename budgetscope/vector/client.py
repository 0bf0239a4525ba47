"""The vector index on qdrant-client: a Qdrant server or cluster (``--qdrant-url``), or its local mode.

Local mode (``location=":memory:"`` or a folder) scores every point in Python; it stands in for the
server protocol in tests (the congruence test runs the same queries here and on qdrant-edge). The
collection's metadata records the encoder; the payload indexes are real on a server.

Example (opening connects, creating is explicit):
    >>> from budgetscope.index.encoders import get_encoder
    >>> with ClientIndex(location=":memory:", encoder=get_encoder("hash")) as index:
    ...     before = index.exists()
    ...     index.create()
    ...     before, index.exists(), index.stored_encoder()
    (False, True, ('hash', 256))
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.messages import disk_full, first_line, is_disk_full
from budgetscope.vector.base import HNSW_EF_CONSTRUCT, HNSW_M, Ask, Point, Status, VectorIndex, second_encoder
from budgetscope.vector.query import (
    DENSE,
    FILTER_FIELDS,
    LEXICAL,
    SECOND,
    Condition,
    IndexLocked,
    ScoredPoint,
    VectorIndexError,
)
from budgetscope.vector.sparse import SparseTerms

if TYPE_CHECKING:
    from qdrant_client import QdrantClient, models

    from budgetscope.index.encoders import Encoder


def _reason(exc: BaseException) -> str:
    """Why a server did not answer, in words: the first line of the error without its ``[Errno N]``.

    >>> _reason(ConnectionRefusedError(111, "Connection refused"))
    'Connection refused'
    """
    return re.sub(r"^\[Errno -?\d+\]\s*", "", first_line(exc))


def build_filter(where: list[Condition]) -> models.Filter | None:
    """The qdrant-client filter requiring every condition (None for none).

    >>> build_filter([("year", 2026), ("section", ["goals", "plan"])]).must[1].match.any
    ['goals', 'plan']
    """
    from qdrant_client import models

    if not where:
        return None
    must: list[models.Condition] = [
        models.FieldCondition(
            key=key,
            match=models.MatchAny(any=value) if isinstance(value, list) else models.MatchValue(value=value),
        )
        for key, value in where
    ]
    return models.Filter(must=must)


def _sparse(terms: SparseTerms) -> models.SparseVector:
    from qdrant_client import models

    return models.SparseVector(indices=terms.indices, values=terms.values)


class ClientIndex(VectorIndex):
    """A Qdrant collection through qdrant-client. Give exactly one of ``path``, ``url``, ``location``.

    ``url``: a Qdrant server; ``location=":memory:"``: local mode in memory; ``path``: local mode
    persisted in a folder (one process at a time, else :class:`IndexLocked`).

    >>> ClientIndex(location=":memory:").collection
    'budgetscope'
    """

    engine = "qdrant-client"

    def __init__(
        self,
        *,
        path: str | Path | None = None,
        url: str | None = None,
        location: str | None = None,
        api_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        given = [name for name, value in (("path", path), ("url", url), ("location", location)) if value]
        if len(given) != 1:
            raise VectorIndexError(
                f"give exactly one of path, url, location (got {', '.join(given) or 'none'})"
            )
        super().__init__(**kwargs)
        self.path = Path(path) if path else None
        self.url = url
        self.location = location
        self.api_key = api_key
        self._client: QdrantClient | None = None

    @property
    def where(self) -> str:
        return str(self.path or self.url or self.location)

    @property
    def client(self) -> QdrantClient:
        """The open Qdrant client (connects on first use)."""
        self.open()
        assert self._client is not None
        return self._client

    @contextlib.contextmanager
    def _engine(self) -> Iterator[None]:
        """A full disk or an unreachable server is a one-line :class:`VectorIndexError`."""
        import sqlite3

        from qdrant_client.http.exceptions import ResponseHandlingException

        try:
            yield
        except ResponseHandlingException as exc:
            raise VectorIndexError(f"cannot reach Qdrant at {self.where}: {_reason(exc)}") from None
        except (OSError, sqlite3.Error) as exc:
            if not is_disk_full(exc, self.path):
                raise
            raise VectorIndexError(disk_full(f"search index {self.where}")) from exc

    # -- lifecycle -----------------------------------------------------------------------------------

    def _connect(self) -> None:
        """A client; a local folder open in another process is waited for up to ``wait`` seconds."""
        import time

        from qdrant_client import QdrantClient

        kwargs: dict[str, Any] = (
            {"path": str(self.path)}
            if self.path
            # no version check: qdrant-client runs it on a thread that warns on stderr when the server does
            # not answer, which our first request says in one line (VectorIndexError) instead
            else {"url": self.url, "api_key": self.api_key, "check_compatibility": False}
            if self.url
            else {"location": self.location}
        )
        deadline = time.monotonic() + self.wait
        while True:
            try:
                with self._engine():
                    self._client = QdrantClient(**kwargs)
                return
            except RuntimeError as exc:  # qdrant-client's local mode says so only in its message
                if "already accessed" not in str(exc):
                    raise VectorIndexError(f"cannot open index {self.where}: {first_line(exc)}") from None
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"index {self.where} is open in another process; local Qdrant allows one at a time"
                    ) from None
                time.sleep(0.2)
            except (ValueError, KeyError, TypeError, EOFError, OSError) as exc:
                if isinstance(exc, OSError) and self.path is None:
                    raise VectorIndexError(f"cannot reach Qdrant at {self.where}: {_reason(exc)}") from None
                raise VectorIndexError(
                    f"index {self.where} is damaged ({type(exc).__name__}: {first_line(exc)}); "
                    "delete that folder and run `budgetscope index --rebuild`"
                ) from None

    def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- the collection ------------------------------------------------------------------------------

    def exists(self) -> bool:
        with self._engine():
            return bool(self.client.collection_exists(self.collection))

    def stored_encoder(self) -> tuple[str | None, int] | None:
        if not self.exists():
            return None
        with self._engine():
            config = self.client.get_collection(self.collection).config
        vectors = config.params.vectors
        dense = vectors.get(DENSE) if isinstance(vectors, Mapping) else None
        if dense is None:
            raise VectorIndexError(f"collection {self.collection!r} at {self.where} has no {DENSE!r} vector")
        name = (config.metadata or {}).get("encoder")
        return (str(name) if name is not None else None), int(dense.size)

    def _create(self, encoder: Encoder) -> None:
        from qdrant_client import models

        if self.read_only:
            raise VectorIndexError(f"no search index at {self.where}")
        client = self.client
        vectors = {DENSE: models.VectorParams(size=encoder.dim, distance=models.Distance.COSINE)}
        other = second_encoder(encoder)
        if other is not None:
            vectors[SECOND] = models.VectorParams(size=other.dim, distance=models.Distance.COSINE)
        with self._engine():
            client.create_collection(
                self.collection,
                vectors_config=vectors,
                sparse_vectors_config={LEXICAL: models.SparseVectorParams(modifier=models.Modifier.IDF)},
                hnsw_config=models.HnswConfigDiff(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT),
                metadata={"encoder": encoder.name, "dim": encoder.dim},
            )
            schemas = {
                "integer": models.PayloadSchemaType.INTEGER,
                "keyword": models.PayloadSchemaType.KEYWORD,
            }
            with warnings.catch_warnings():
                # Local mode warns that payload indexes are no-ops there; on a server they are real.
                warnings.filterwarnings(
                    "ignore", message="Payload indexes have no effect", category=UserWarning
                )
                for field, schema in FILTER_FIELDS.items():
                    client.create_payload_index(self.collection, field, field_schema=schemas[schema])

    def drop(self) -> None:
        if self.exists():
            with self._engine():
                self.client.delete_collection(self.collection)

    # -- points --------------------------------------------------------------------------------------

    def _write(self, points: list[Point]) -> None:
        from qdrant_client import models

        batch = [
            models.PointStruct(
                id=p.id,
                vector={DENSE: p.dense}
                | ({LEXICAL: _sparse(p.sparse)} if p.sparse.indices else {})
                | ({SECOND: p.second} if p.second else {}),
                payload=p.payload,
            )
            for p in points
        ]
        with self._engine():
            self.client.upsert(self.collection, points=batch, wait=True)

    def delete_doc(self, doc: str) -> None:
        from qdrant_client import models

        if not self.exists():
            return
        selector = build_filter([("doc", doc)])
        assert selector is not None
        with self._engine():
            self.client.delete(
                self.collection, points_selector=models.FilterSelector(filter=selector), wait=True
            )

    def set_cites(self, project_id: str, cites: list[str]) -> None:
        from qdrant_client import models

        selector = build_filter([("project_id", project_id)])
        assert selector is not None
        with self._engine():
            self.client.set_payload(
                self.collection,
                payload={"cites": cites},
                points=models.FilterSelector(filter=selector),
                wait=True,
            )

    def _scroll(
        self, where: list[Condition], fields: list[str] | None, offset: Any, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], Any]:
        with self._engine():
            points, following = self.client.scroll(
                self.collection, scroll_filter=build_filter(where), limit=limit, offset=offset,
                with_payload=fields if fields else True, with_vectors=False,
            )  # fmt: skip
        return [(str(p.id), dict(p.payload or {})) for p in points], following

    def docs(self) -> set[str]:
        if not self.exists():
            return set()
        with self._engine():
            result = self.client.facet(self.collection, key="doc", limit=1_000_000, exact=True)
        return {str(hit.value) for hit in result.hits}

    def _count(self, where: list[Condition]) -> int:
        with self._engine():
            return int(self.client.count(self.collection, count_filter=build_filter(where), exact=True).count)

    def _retrieve(self, ids: list[Any], fields: list[str] | None = None) -> dict[Any, dict[str, Any]]:
        if not ids:
            return {}
        with self._engine():
            records = self.client.retrieve(
                self.collection, ids, with_payload=fields if fields else True, with_vectors=False
            )
        return {str(r.id): dict(r.payload or {}) for r in records}

    def finish(self, status: Status | None = None) -> None:
        """Nothing: a server builds its HNSW graph itself, local mode has none."""

    def _query(self, ask: Ask) -> Sequence[Sequence[ScoredPoint]]:
        from qdrant_client import models

        selector, limit, fields = build_filter(ask.where), ask.limit, ask.fields
        requests = [
            models.QueryRequest(
                query=_sparse(q.vector) if isinstance(q.vector, SparseTerms) else q.vector,
                using=q.using,
                filter=selector,
                limit=limit,
                with_payload=fields if fields else fields is None,
                score_threshold=ask.threshold,
                params=models.SearchParams(hnsw_ef=self.hnsw_ef)  # local mode has no HNSW (and warns)
                if self.url and not isinstance(q.vector, SparseTerms)
                else None,
            )
            for q in ask.queries
        ]
        with self._engine():
            responses = self.client.query_batch_points(self.collection, requests=requests)
        return [list(response.points) for response in responses]


__all__ = ["ClientIndex", "build_filter"]
