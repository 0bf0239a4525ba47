"""The data home's vector index: where it lives, which engine opens it, and keeping it in line with the store.

Embedded (the default), the index is a qdrant-edge shard in ``HOME/vectors``; with ``qdrant_url``,
a collection on that Qdrant server. The store (SQLite, the system of record) keeps the index's
state: the encoder that built it and the documents it lags (:mod:`budgetscope.store.index_state`).
Homes of older versions hold a qdrant-client folder ``HOME/qdrant`` instead; :func:`legacy_index`
finds it, and the next index update rebuilds the index from the store (see
:func:`budgetscope.api.indexing.update_index`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.vector.base import Status, VectorIndex
from budgetscope.vector.points import COLLECTION, DEFAULT_ENCODER, points_of_records
from budgetscope.vector.query import VectorIndexError

if TYPE_CHECKING:
    from budgetscope.index.encoders import Encoder
    from budgetscope.models import Record
    from budgetscope.store.protocol import EntityStore

log = logging.getLogger(__name__)

INDEX_DIR = "vectors"
"""The embedded index's folder under the data home (a qdrant-edge shard)."""
LEGACY_DIR = "qdrant"
"""Where homes before #15 kept the index (qdrant-client's local mode)."""


def index_path(home: Path) -> Path:
    """The embedded index's folder under ``home``."""
    return Path(home) / INDEX_DIR


def legacy_index(home: Path) -> Path | None:
    """The qdrant-client folder of an older home, when there is one, else None."""
    old = Path(home) / LEGACY_DIR
    return old if old.is_dir() else None


def open_index(
    home: Path,
    *,
    qdrant_url: str | None = None,
    encoder: Encoder | str | None = None,
    collection: str = COLLECTION,
    read_only: bool = False,
    wait: float = 0.0,
) -> VectorIndex:
    """The vector index of ``home`` (nothing opened yet): qdrant-edge under ``home/vectors``, or the
    collection on the Qdrant server at ``qdrant_url``.

    ``encoder``: an encoder or its spec; by default the one the index was built with (recorded in the
    store), else ``use``. A search (``read_only``) of an older home not yet rebuilt is a
    :class:`VectorIndexError` saying to run ``budgetscope index``. ``wait``: seconds to wait for an
    embedded index another process holds.
    """
    from budgetscope.index.encoders import get_encoder

    enc = encoder if encoder is None or not isinstance(encoder, str) else get_encoder(encoder)
    if enc is None:
        enc = get_encoder(recorded_encoder(home) or DEFAULT_ENCODER)
    if qdrant_url:
        from budgetscope.vector.client import ClientIndex

        return ClientIndex(url=qdrant_url, collection=collection, encoder=enc, read_only=read_only)
    from budgetscope.vector.edge import EdgeIndex, is_edge_index

    path = index_path(home)
    if read_only and not is_edge_index(path) and legacy_index(home):
        raise VectorIndexError(
            f"the search index under {home} was made by an older budgetscope (qdrant-client); run "
            "`budgetscope index` once to rebuild it from the store on the Qdrant engine"
        )
    return EdgeIndex(path, collection=collection, encoder=enc, read_only=read_only, wait=wait)


def index_records(index: VectorIndex, doc: str, records: Iterable[Record], *, replace: bool = True) -> int:
    """Replace one document's points with those of its records (``replace=False``: a document the
    index has no points of, nothing to delete); returns the number of points."""
    if replace:
        index.delete_doc(doc)
    encoder = index.encoder.name if index.encoder else DEFAULT_ENCODER
    return index.upsert(points_of_records(records, encoder))


def recorded_encoder(home: Path) -> str | None:
    """The encoder the index under ``home`` was built with (recorded in the store), or None."""
    from budgetscope.paths import store_path
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import SQLiteStore

    path = store_path(home)
    if not path.is_file():
        return None
    with SQLiteStore(path) as store:
        index_state.migrate(home, store)
        return index_state.encoder_of(store)


def index_settings(home: Path) -> dict[str, Any]:
    """What the index under ``home`` was built with and lags: ``{"encoder": spec, "pending": [doc, ...]}``
    ({} before any ingest)."""
    from budgetscope.paths import store_path
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import SQLiteStore

    path = store_path(home)
    if not path.is_file():
        return {}
    with SQLiteStore(path) as store:
        index_state.migrate(home, store)
        encoder = index_state.encoder_of(store)
        return {**({"encoder": encoder} if encoder else {}), "pending": sorted(index_state.pending(store))}


def save_index_settings(
    home: Path, encoder: str | None = None, *, pending: Iterable[str] | None = None
) -> None:
    """Record the index's encoder; with ``pending``, mark exactly these documents as not yet indexed."""
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import open_store

    with open_store(home, create=True) as store:
        index_state.migrate(home, store)
        if encoder is not None:
            index_state.record_encoder(store, encoder)
        if pending is not None:
            wanted = set(pending)
            for doc, seq in index_state.pending(store).items():
                if doc not in wanted:
                    index_state.done(store, doc, seq)
            index_state.mark(store, sorted(wanted))


def sync_index(
    store: EntityStore,
    index: VectorIndex,
    changed: Iterable[str] = (),
    *,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_status: Status | None = None,
) -> int:
    """Bring the vector index in line with the store; returns the number of points written.

    Pending documents (written or deleted since last indexed, see :mod:`budgetscope.store.index_state`),
    documents named in ``changed`` and documents with no points yet are (re)embedded, each cleared
    from the pending list as soon as its points are written, so a killed run resumes where it
    stopped; for the others only the cited canonical ids are refreshed, since re-linking may have
    changed them. Documents no longer in the store lose their points. Points go in batches, a
    document's old points go by one delete by filter, and after the writes the engine builds its
    search graph once (:meth:`VectorIndex.finish`, telling ``on_status`` when it takes a while).
    """
    from budgetscope.store import index_state

    changed = set(changed)
    lagging = index_state.pending(store)
    stored = {row["doc"] for row in store.select("documents")}
    index.create()
    indexed = index.docs()
    for gone in indexed - stored:
        index.delete_doc(gone)
    for gone_doc, gone_seq in lagging.items():
        if gone_doc not in stored:
            index_state.done(store, gone_doc, gone_seq)
    todo = sorted(stored)
    written = 0
    for i, name in enumerate(todo, start=1):
        embedded = name in changed or name in lagging or name not in indexed
        if embedded:
            fresh, seq = _snapshot(store, name)
            if fresh is not None:
                written += index_records(index, name, fresh.records, replace=name in indexed)
                log.info("indexed %s", name)
            index_state.done(store, name, seq)
        else:  # re-linking may have changed the canonical ids a document cites
            kept = store.get_document(name)
            current = index.cites_by_project(name) if kept is not None else {}
            for r in kept.records if kept is not None else []:
                cites = list(dict.fromkeys(c.canonical for c in r.citations if c.canonical))
                if current.get(r.id) != cites:
                    index.set_cites(r.id, cites)
        if on_progress:  # a document left as it was says so: the line would read as if it were embedded
            on_progress(i, len(todo), name if embedded else f"{name} (up to date)")
    if written or indexed - stored:
        index.finish(on_status)
    return written


def _snapshot(store: EntityStore, name: str) -> tuple[Any, int | None]:
    """A document and the sequence number of its pending version, read in one transaction."""
    from budgetscope.store import index_state

    db = index_state._db(store)
    db.execute("BEGIN")
    try:
        row = db.execute("SELECT seq FROM index_pending WHERE doc = ?", (name,)).fetchone()
        return store.get_document(name), (int(row[0]) if row else None)
    finally:
        db.execute("COMMIT")


__all__ = [
    "INDEX_DIR",
    "LEGACY_DIR",
    "index_path",
    "index_records",
    "index_settings",
    "legacy_index",
    "open_index",
    "recorded_encoder",
    "save_index_settings",
    "sync_index",
]
