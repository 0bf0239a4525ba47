"""The SQLite connection's few verbs: a write transaction, one-line store errors, row inserts.

Example:
    >>> import sqlite3
    >>> db = sqlite3.connect(":memory:", isolation_level=None)
    >>> _ = db.execute("CREATE TABLE t (a, b)")
    >>> with transaction(db):
    ...     insert(db, "t", [{"a": 1, "b": "x"}])
    >>> db.execute("SELECT a, b FROM t").fetchall()
    [(1, 'x')]
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from budgetscope.messages import disk_full, is_disk_full
from budgetscope.store.protocol import StoreError


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def hash_text(text: str) -> str:
    """A short stable hash of a text (used to notice changed view definitions)."""
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


class transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (the connection is in autocommit mode).

    SQLite's operational errors (a store locked too long by another process, a full disk, a
    read-only file) become a one-line :class:`StoreError`.
    """

    def __init__(self, conn: sqlite3.Connection, path: str = "") -> None:
        self.conn = conn
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise store_error(self.path, exc) from exc
        return self.conn

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, *rest: object) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK" if kind is not None else "COMMIT")
            except sqlite3.OperationalError as exc:  # a COMMIT on a full disk: undo it, as SQLite advises
                if self.conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                raise store_error(self.path, exc) from exc
        if isinstance(error, sqlite3.OperationalError):
            raise store_error(self.path, error) from error


def store_error(path: str, exc: sqlite3.Error) -> StoreError:
    """One line for an error of SQLite on the store at ``path``: a full disk says so (and names the store)."""
    if is_disk_full(exc, path or None):
        return StoreError(disk_full(f"store {path}" if path else "store"))
    return StoreError(f"{path or 'store'}: {exc}")


def mark_links_stale(db: sqlite3.Connection) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES ('links_stale', '1')")


def insert(db: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    try:
        db.executemany(sql, [tuple(r[c] for c in columns) for r in rows])
    except sqlite3.IntegrityError as exc:
        raise StoreError(f"cannot write {table}: {exc}") from exc


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


__all__ = ["chunks", "hash_text", "insert", "mark_links_stale", "quote", "store_error", "transaction"]
