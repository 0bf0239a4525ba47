"""The embedded default: the Qdrant engine in-process (qdrant-edge, pinned), behind :class:`VectorIndex`.

The only module that imports ``qdrant_edge`` (a beta whose API has renamed things before): a rename
touches this file alone. One shard per folder holds the named dense vector (cosine), the sparse
vector with the IDF modifier and payload indexes on the filter fields. Points are written in
batches; the HNSW graph is built by :meth:`EdgeIndex.finish` (``optimize()``, blocking) once after
bulk writes, and until then, and for points written since, search is exact.

What qdrant-edge lacks is done here: it has no collection metadata (the encoder's name is read from
a point's payload, its dimension from the shard's configuration; the data home also records both
in the store), it returns ids as ``UUID`` objects (compared as strings), and a second process
opening the same folder fails on the write-ahead log, so :class:`~budgetscope.vector.lock.PathLock`
is taken first: a second process waits, then gets :class:`IndexLocked`, never an engine traceback.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from budgetscope.index.chunks import record_points
    >>> from budgetscope.index.encoders import get_encoder
    >>> from budgetscope.models import Record
    >>> rec = Record(id="p1", kind="narrative", doc="a.txt", title="", name="科技社团党建项目",
    ...              sections={"overview": "在科技社团中开展党建工作。"})
    >>> folder = Path(tempfile.mkdtemp()) / "vectors"
    >>> with EdgeIndex(folder, encoder=get_encoder("hash")) as index:
    ...     _ = index.upsert(record_points(rec, "hash"))
    ...     [hit.project_id for hit in index.search("党建", top_k=1)]
    ['p1']
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import qdrant_edge as qe

from budgetscope.messages import DISK_LOW, disk_full, first_line
from budgetscope.vector.base import HNSW_EF_CONSTRUCT, HNSW_M, Ask, Point, Status, VectorIndex, second_encoder
from budgetscope.vector.folders import CONFIG_FILE, is_edge_index, put_back, replaced
from budgetscope.vector.lock import PathLock
from budgetscope.vector.query import (
    DENSE,
    FILTER_FIELDS,
    LEXICAL,
    SECOND,
    Condition,
    Scored,
    ScoredPoint,
    VectorIndexError,
)
from budgetscope.vector.sparse import SparseTerms

if TYPE_CHECKING:
    from budgetscope.index.encoders import Encoder

MIN_FREE = 64 << 20
"""Bytes a write to the shard leaves free at least. qdrant-edge maps its files into memory, and a full
disk under a mapped page kills the process (SIGBUS) instead of failing a write, so a write that
would leave less than this is refused first, as a full disk (one line, nothing stored lost)."""

ANNOUNCE_AFTER = 5_000
"""Points written since the last :meth:`EdgeIndex.finish` from which it says what it is doing."""

_SCHEMAS = {"integer": qe.PayloadSchemaType.Integer, "keyword": qe.PayloadSchemaType.Keyword}


def edge_filter(where: list[Condition]) -> qe.Filter | None:
    """The qdrant-edge filter requiring every condition (None for none).

    >>> edge_filter([("year", 2026)]) is not None, edge_filter([])
    (True, None)
    """
    if not where:
        return None
    return qe.Filter(
        must=[
            qe.FieldCondition(
                key=key, match=qe.MatchAny(any=value) if isinstance(value, list) else qe.MatchValue(value)
            )
            for key, value in where
        ]
    )


def _sparse(terms: SparseTerms) -> qe.SparseVector:
    return qe.SparseVector(indices=terms.indices, values=terms.values)


def _vectors(p: Point) -> dict[str, Any]:
    """A point's named vectors: dense, lexical and, for a pair of encoders, the second."""
    out: dict[str, Any] = {DENSE: p.dense}
    if p.sparse.indices:  # a clause piece has none: the lexical side does not count it
        out[LEXICAL] = _sparse(p.sparse)
    if p.second is not None:
        out[SECOND] = p.second
    return out


class EdgeIndex(VectorIndex):
    """A qdrant-edge shard in the folder ``path`` (created on :meth:`create`, never on open)."""

    engine = "qdrant-edge"

    def __init__(self, path: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(path)
        self._lock = PathLock(self.path)
        self._shard: qe.EdgeShard | None = None
        self._written = 0
        self.replace_damaged = False
        """Set before opening to rebuild: a folder the engine cannot load is then no error but an empty
        index (:meth:`drop` deletes the folder), and :attr:`damaged` says why it could not be loaded."""
        self.damaged: str | None = None

    @property
    def where(self) -> str:
        return str(self.path)

    # -- engine errors -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _engine(self, doing: str) -> Iterator[None]:
        """An engine error is a one-line :class:`VectorIndexError` (a full disk says so)."""
        try:
            yield
        except (VectorIndexError, TypeError, AttributeError):
            raise
        except Exception as exc:  # qdrant-edge raises plain Exception
            if self._disk_full(exc):
                raise VectorIndexError(disk_full(f"search index {self.where}")) from None
            raise VectorIndexError(f"cannot {doing} index {self.where}: {first_line(exc)}") from None

    def _free(self) -> int | None:
        """Free bytes on the index's file system (None when that cannot be told)."""
        folder = next((f for f in (self.path, *self.path.parents) if f.is_dir()), self.path)
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            return None

    def _room(self, needed: int = 0) -> None:
        """:class:`VectorIndexError` (a full disk) unless ``needed`` bytes and :data:`MIN_FREE` are free."""
        free = self._free()
        if free is not None and free < MIN_FREE + needed:
            raise VectorIndexError(disk_full(f"search index {self.where}"))

    def _disk_full(self, exc: Exception) -> bool:
        """Whether an engine error is a full disk: ENOSPC in its words, or a disk nearly full."""
        if "os error 28" in str(exc) or "No space left" in str(exc):
            return True
        free = self._free()
        return free is not None and free < DISK_LOW

    @property
    def shard(self) -> qe.EdgeShard:
        """The open shard (:class:`VectorIndexError` without one)."""
        self.open()
        if self._shard is None:
            raise VectorIndexError(f"no search index at {self.where}")
        return self._shard

    # -- lifecycle -----------------------------------------------------------------------------------

    def _connect(self) -> None:
        if self.read_only and not self.path.parent.is_dir():
            return  # nothing there, nothing to lock (and no folder made by a search)
        self._lock.acquire(self.wait)
        try:
            put_back(self.path)  # a graph built aside whose swap was cut short, or its copy
            if not self.read_only:
                self._room()
            if is_edge_index(self.path):
                try:
                    self._shard = qe.EdgeShard.load(str(self.path))
                except Exception as exc:
                    if self._disk_full(exc):
                        raise VectorIndexError(disk_full(f"search index {self.where}")) from None
                    if not (self.replace_damaged and not self.read_only):
                        raise VectorIndexError(
                            f"index {self.where} is damaged ({first_line(exc)}); run "
                            "`budgetscope index --rebuild` to build it again from the store"
                        ) from None
                    self.damaged = first_line(exc)
        except BaseException:
            self._lock.release()
            raise

    def _disconnect(self) -> None:
        shard, self._shard = self._shard, None
        try:
            if shard is not None:
                with self._engine("close"):
                    shard.flush()
                    shard.close()
        finally:
            self._lock.release()

    # -- the shard -----------------------------------------------------------------------------------

    def exists(self) -> bool:
        self.open()
        return self._shard is not None

    def stored_encoder(self) -> tuple[str | None, int] | None:
        if not self.exists():
            return None
        try:
            config = json.loads((self.path / CONFIG_FILE).read_text(encoding="utf-8"))
            dim = int(config["vectors"][DENSE]["size"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise VectorIndexError(
                f"index {self.where} has no {DENSE!r} vector ({first_line(exc)})"
            ) from None
        with self._engine("read"):
            points, _ = self.shard.scroll(qe.ScrollRequest(limit=1, with_payload=["encoder"]))
        name = (points[0].payload or {}).get("encoder") if points else None
        return (str(name) if name is not None else None), dim

    def _create(self, encoder: Encoder) -> None:
        if self.read_only:
            raise VectorIndexError(f"no search index at {self.where}")
        vectors = {DENSE: qe.EdgeVectorParams(size=encoder.dim, distance=qe.Distance.Cosine)}
        other = second_encoder(encoder)
        if other is not None:
            vectors[SECOND] = qe.EdgeVectorParams(size=other.dim, distance=qe.Distance.Cosine)
        config = qe.EdgeConfig(
            vectors=vectors,
            sparse_vectors={LEXICAL: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
            hnsw_config=qe.HnswIndexConfig(
                m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT, full_scan_threshold=10_000
            ),
        )
        if self.path.exists():  # a folder without a shard (a create that was killed): start afresh
            shutil.rmtree(self.path)
        self._room()
        with self._engine("create"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            shard = qe.EdgeShard.create(str(self.path), config)
            self._shard = shard
            for field, schema in FILTER_FIELDS.items():
                shard.update(qe.UpdateOperation.create_field_index(field, _SCHEMAS[schema]))

    @property
    def unbuilt(self) -> int:
        """Points written since the search graph was last built (:meth:`finish`)."""
        return self._written

    def swap_in(self, built: Path) -> None:
        """Put ``built``, a copy of this index's folder with its search graph built (see
        :mod:`~budgetscope.vector.aside`), in the folder's place, the lock kept."""
        shard, self._shard = self._shard, None
        with self._engine("close"):
            if shard is not None:
                shard.close()
        try:
            with replaced(self.path, built), self._engine("load"):
                self._shard = qe.EdgeShard.load(str(self.path))
            self._written = 0
        finally:
            if self._shard is None:  # the copy did not load: the folder as it was, again
                with self._engine("load"):
                    self._shard = qe.EdgeShard.load(str(self.path))

    def drop(self) -> None:
        self.open()
        shard, self._shard = self._shard, None
        with self._engine("drop"):
            if shard is not None:
                shard.close()
            if self.path.exists():
                shutil.rmtree(self.path)

    # -- points --------------------------------------------------------------------------------------

    def _write(self, points: list[Point]) -> None:
        batch = [qe.Point(id=p.id, vector=_vectors(p), payload=p.payload) for p in points]
        self._room(sum(8 * (len(p.dense) + len(p.second or ())) + 4096 for p in points))
        with self._engine("write to"):
            self.shard.update(qe.UpdateOperation.upsert_points(batch))
        self._written += len(batch)

    def delete_doc(self, doc: str) -> None:
        if not self.exists():
            return
        selector = edge_filter([("doc", doc)])
        assert selector is not None
        with self._engine("write to"):
            self.shard.update(qe.UpdateOperation.delete_points_by_filter(selector))

    def set_cites(self, project_id: str, cites: list[str]) -> None:
        selector = edge_filter([("project_id", project_id)])
        assert selector is not None
        with self._engine("write to"):
            self.shard.update(qe.UpdateOperation.set_payload_by_filter(selector, {"cites": cites}))

    def _scroll(
        self, where: list[Condition], fields: list[str] | None, offset: Any, limit: int
    ) -> tuple[list[tuple[str, dict[str, Any]]], Any]:
        request = qe.ScrollRequest(
            offset=offset, limit=limit, filter=edge_filter(where), with_payload=fields if fields else True
        )
        with self._engine("read"):
            points, following = self.shard.scroll(request)
        return [(str(p.id), dict(p.payload or {})) for p in points], following

    def docs(self) -> set[str]:
        if not self.exists():
            return set()
        with self._engine("read"):
            result = self.shard.facet(qe.FacetRequest(key="doc", limit=1_000_000, exact=True))
        return {str(hit.value) for hit in result.hits}

    def _count(self, where: list[Condition]) -> int:
        with self._engine("read"):
            return int(self.shard.count(qe.CountRequest(exact=True, filter=edge_filter(where))))

    def _query(self, ask: Ask) -> Sequence[Sequence[ScoredPoint]]:
        selector = edge_filter(ask.where)
        payload: Any = ask.fields if ask.fields else ask.fields is None or False
        requests = []
        for q in ask.queries:
            if isinstance(q.vector, SparseTerms):
                vector: Any = _sparse(q.vector)
                params = None
            else:
                vector, params = q.vector, qe.SearchParams(hnsw_ef=self.hnsw_ef)
            requests.append(
                qe.QueryRequest(
                    limit=ask.limit,
                    query=qe.Query.Nearest(vector, using=q.using),
                    filter=selector,
                    with_payload=payload,
                    params=params,
                    score_threshold=ask.threshold,
                )
            )
        with self._engine("search"):
            found = self.shard.query_batch(qe.QueryBatchRequest(requests))
        # ids as the UUID's integer: hashed and compared in C (a UUID's dunders are Python), ordered as the
        # UUID's string, and a string made only for the few points shown (:meth:`point_str`)
        if not payload:
            return [[Scored(cast(uuid.UUID, p.id).int, p.score, None) for p in ranked] for ranked in found]
        return [[Scored(cast(uuid.UUID, p.id).int, p.score, p.payload) for p in ranked] for ranked in found]

    def point_str(self, point_id: Any) -> str:
        return str(uuid.UUID(int=point_id)) if isinstance(point_id, int) else str(point_id)

    def _retrieve(self, ids: list[Any], fields: list[str] | None = None) -> dict[Any, dict[str, Any]]:
        if not ids:
            return {}
        uuids: list[qe.PointId] = [uuid.UUID(int=i) if isinstance(i, int) else uuid.UUID(str(i)) for i in ids]
        with self._engine("read"):
            records = self.shard.retrieve(uuids, with_payload=fields if fields else True, with_vector=False)
        found = {cast(uuid.UUID, r.id).int: dict(r.payload or {}) for r in records}
        keys = [cast(uuid.UUID, u).int for u in uuids]
        return {i: found[k] for i, k in zip(ids, keys, strict=True) if k in found}

    def finish(self, status: Status | None = None) -> None:
        """Build the HNSW graph (and merge segments): ``optimize()``, blocking, once after bulk writes.

        After :data:`ANNOUNCE_AFTER` points or more were written, ``status`` hears when it starts and
        ends (the engine holds the interpreter while it builds: nothing can be said in between)."""
        if not self.exists():
            return
        shard = self.shard
        with self._engine("optimize"):
            points = int(shard.count(qe.CountRequest(exact=False)))
        config = json.loads((self.path / CONFIG_FILE).read_text(encoding="utf-8"))
        self._room(points * (8 * int(config["vectors"][DENSE]["size"]) + 4096))  # segments are rewritten
        announce = status is not None and self._written >= ANNOUNCE_AFTER
        if status and announce:
            status(f"building the search graph of {points:,} points (HNSW), once; this takes a while…")
        started = time.monotonic()
        with self._engine("optimize"):
            shard.optimize()
            shard.flush()
        self._written = 0
        if status and announce:
            status(f"search graph built in {time.monotonic() - started:.0f} s")


__all__ = ["CONFIG_FILE", "EdgeIndex", "edge_filter", "is_edge_index"]
