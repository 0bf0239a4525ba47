"""The search index's state, kept in the entity store: which encoder built it, which documents it lags.

A stored document whose version the index does not reflect yet has ``documents.index_seq`` set, by a
trigger in the same transaction as the document is written (see
:data:`budgetscope.store.schema.INDEX_STATE`); a deleted document whose points the index may still
hold is a row of ``index_removed``; the view ``index_pending`` lists both. Two ingests at once, a
``--no-index`` ingest, a failed or killed index run all leave an exact list, and an index run clears
each document as it is embedded, so a killed run resumes where it stopped. The mark is a sequence
number: clearing a document that was written again meanwhile leaves it pending.

Homes of older versions kept this in ``index.json``; :func:`migrate` moves it into the store.

Example:
    >>> from budgetscope.store.sqlite import SQLiteStore
    >>> from budgetscope.models import Document
    >>> store = SQLiteStore(":memory:")
    >>> store.write_documents([Document(doc="a.txt", path="a.txt", kind="other", sha1="1")])
    1
    >>> pending(store)
    {'a.txt': 1}
    >>> done(store, "a.txt", 1); pending(store)
    {}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from budgetscope.store.protocol import EntityStore, StoreError
from budgetscope.store.sqlite import SQLiteStore

LEGACY_FILE = "index.json"
"""Where homes of budgetscope before #10 kept the encoder and the pending documents."""


def _db(store: EntityStore) -> Any:
    if not isinstance(store, SQLiteStore):
        raise StoreError("the index state needs the SQLite store")
    return store.db


def pending(store: EntityStore) -> dict[str, int]:
    """The documents the index lags (stored or deleted), each with the sequence number of its pending version."""
    return {r[0]: int(r[1]) for r in _db(store).execute("SELECT doc, seq FROM index_pending ORDER BY doc")}


def mark(store: EntityStore, docs: Iterable[str]) -> None:
    """Mark documents as pending (e.g. all of them when the index must be rebuilt); a name no longer
    stored is marked as removed (its points are dropped by the next index run)."""
    with _write(store) as db:
        for doc in docs:
            db.execute(
                "INSERT INTO meta VALUES ('index_seq', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
            seq = int(
                db.execute("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'index_seq'").fetchone()[0]
            )
            if not db.execute("UPDATE documents SET index_seq = ? WHERE doc = ?", (seq, doc)).rowcount:
                db.execute("INSERT OR REPLACE INTO index_removed VALUES (?, ?)", (doc, seq))


def done(store: EntityStore, doc: str, seq: int | None) -> None:
    """The index now reflects the version ``seq`` of ``doc``: clear it unless written again since."""
    if seq is None:
        return
    with _write(store) as db:
        db.execute("UPDATE documents SET index_seq = NULL WHERE doc = ? AND index_seq = ?", (doc, seq))
        db.execute("DELETE FROM index_removed WHERE doc = ? AND seq = ?", (doc, seq))


def sequence(store: EntityStore) -> int:
    """A number that grows with every document written or deleted (to notice concurrent writers)."""
    row = _db(store).execute("SELECT value FROM meta WHERE key = 'index_seq'").fetchone()
    return int(row[0]) if row else 0


def links_stale_again(store: EntityStore) -> None:
    """Mark the links across documents stale (they were computed before another writer's documents)."""
    with _write(store) as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('links_stale', '1')")


def encoder_of(store: EntityStore) -> str | None:
    """The encoder spec the index was built with, or None before any index run."""
    row = _db(store).execute("SELECT value FROM meta WHERE key = 'index_encoder'").fetchone()
    return str(row[0]) if row else None


def record_encoder(store: EntityStore, spec: str, dim: int | None = None) -> None:
    """Record the encoder (and its dimension) the index is built with."""
    with _write(store) as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('index_encoder', ?)", (spec,))
        if dim is not None:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('index_dim', ?)", (str(dim),))


def migrate(home: Path, store: EntityStore) -> None:
    """Move an ``index.json`` of an older home into the store, then delete it (silently).

    An unreadable file (a crash of an older version could leave one) loses the pending list: every
    document is then marked pending, so the next index run re-embeds them all rather than miss one.
    """
    legacy = Path(home) / LEGACY_FILE
    if not legacy.exists():
        return
    try:
        settings = json.loads(legacy.read_text(encoding="utf-8"))
        if not isinstance(settings, dict):
            raise ValueError("not an object")
        docs = [str(d) for d in settings.get("pending") or []]
        spec = settings.get("encoder")
    except (OSError, ValueError, UnicodeDecodeError):
        docs = [r["doc"] for r in store.select("documents")]
        spec = None
    if isinstance(spec, str) and spec and encoder_of(store) is None:
        record_encoder(store, spec)
    mark(store, docs)
    for f in (legacy, legacy.with_name(LEGACY_FILE + ".tmp")):
        f.unlink(missing_ok=True)


def _write(store: EntityStore) -> Any:
    from budgetscope.store.sqlite_db import transaction

    db = _db(store)
    return transaction(db, getattr(store, "path", ""))


__all__ = [
    "LEGACY_FILE",
    "done",
    "encoder_of",
    "links_stale_again",
    "mark",
    "migrate",
    "pending",
    "record_encoder",
    "sequence",
]
