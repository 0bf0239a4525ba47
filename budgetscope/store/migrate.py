"""Upgrades of an older store's tables in place, run once when the store is opened.

Version 1 kept money as decimal text with a generated ``yuan_value`` REAL column (a double, read
by DuckDB as a 32-bit float); version 2 drops it and adds exact integer ``fen`` columns, the
checks' evidence (page, the other place, the field concerned) and the ``reviews`` table. Stored
amounts are rewritten from their exact text, so nothing is re-read from the source files; the
checks added in version 2 appear at the next ``budgetscope ingest``. Version 3 keeps the documents
the search index lags in the documents table (``index_seq``) instead of a table of their own.
Version 4 adds the page of a PDF's budget-table rows and stated totals. Version 5 keeps a citation's
wording as the document writes it and whether its 文号 was completed (an older budgetscope refuses
the store rather than failing on every citation). Version 6 keeps what a review of a finding was made
on (its status and figures, from the checks as they stand), so that a review holds only while they do,
and a project's code (a key across years) in a column of its own, for SQL over the store.

Example:
    >>> import sqlite3
    >>> conn = sqlite3.connect(":memory:", isolation_level=None)
    >>> _ = conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    >>> migrate(conn, 6, ":memory:")  # nothing to do at the current version
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal, InvalidOperation

from budgetscope.models import fen
from budgetscope.store.protocol import StoreError
from budgetscope.store.schema import money

MONEY_TABLES = ("amounts", "form_amounts", "components", "budget_lines", "stated_totals")
"""Tables with a ``yuan`` / ``fen`` pair."""

_CHECK_COLUMNS = ("page INTEGER", "other_doc TEXT", "other_line INTEGER", "other_page INTEGER", "field TEXT",
                  "stated_fen INTEGER", "found_fen INTEGER", "difference_fen INTEGER")  # fmt: skip


def _money(text: str | None) -> str | None:
    try:
        return None if text is None else money(Decimal(text))
    except InvalidOperation:
        return text


def _fen(text: str | None) -> int | None:
    try:
        return None if text is None else fen(Decimal(text))
    except InvalidOperation:
        return None


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_xinfo({table})")}


def _to_2(conn: sqlite3.Connection) -> None:
    conn.create_function("bs_money", 1, _money, deterministic=True)
    conn.create_function("bs_fen", 1, _fen, deterministic=True)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='view'").fetchall():
        conn.execute(f'DROP VIEW IF EXISTS "{name}"')
    for table in MONEY_TABLES:
        columns = _columns(conn, table)
        if "yuan_value" in columns:
            conn.execute(f"ALTER TABLE {table} DROP COLUMN yuan_value")
        if "fen" not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN fen INTEGER")
        conn.execute(f"UPDATE {table} SET yuan = bs_money(yuan), fen = bs_fen(yuan)")
    if "budget_total_fen" not in _columns(conn, "projects"):
        conn.execute("ALTER TABLE projects ADD COLUMN budget_total_fen INTEGER")
    conn.execute("UPDATE projects SET budget_total_yuan = bs_money(budget_total_yuan), "
                 "budget_total_fen = bs_fen(budget_total_yuan)")  # fmt: skip
    existing = _columns(conn, "checks")
    for column in _CHECK_COLUMNS:
        if column.split()[0] not in existing:
            conn.execute(f"ALTER TABLE checks ADD COLUMN {column}")
    conn.execute(
        "UPDATE checks SET stated_yuan = bs_money(stated_yuan), found_yuan = bs_money(found_yuan), "
        "difference_yuan = bs_money(difference_yuan), stated_fen = bs_fen(stated_yuan), "
        "found_fen = bs_fen(found_yuan), difference_fen = bs_fen(difference_yuan)"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS reviews (check_id TEXT PRIMARY KEY, reviewed_at TEXT NOT NULL, note TEXT)"
    )


def _to_3(conn: sqlite3.Connection) -> None:
    """The index's pending documents move from the ``index_pending`` table into ``documents.index_seq``
    (deleted ones into ``index_removed``); the old triggers go (the new ones come with the DDL)."""
    if "index_seq" not in _columns(conn, "documents"):
        conn.execute("ALTER TABLE documents ADD COLUMN index_seq INTEGER")
    conn.execute("CREATE TABLE IF NOT EXISTS index_removed (doc TEXT PRIMARY KEY, seq INTEGER NOT NULL)")
    for trigger in ("documents_index_insert", "documents_index_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'index_pending'").fetchone()
    kind = row[0] if row else None
    if kind == "view":
        conn.execute("DROP VIEW index_pending")
    elif kind == "table":
        conn.execute(
            "UPDATE documents SET index_seq = (SELECT seq FROM index_pending p WHERE p.doc = documents.doc)"
        )
        conn.execute("INSERT OR REPLACE INTO index_removed SELECT doc, seq FROM index_pending "
                     "WHERE doc NOT IN (SELECT doc FROM documents)")  # fmt: skip
        conn.execute("DROP TABLE index_pending")


def _to_4(conn: sqlite3.Connection) -> None:
    """The page of a PDF's table rows and stated totals (read from PDFs at the next ingest)."""
    for table in ("budget_lines", "stated_totals"):
        if "page" not in _columns(conn, table):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN page INTEGER")


def _to_5(conn: sqlite3.Connection) -> None:
    """A citation's wording as the document writes it and whether its 文号 was completed (read at the
    next ingest: the reading code changed, so every document is read again)."""
    columns = _columns(conn, "citations")
    if "wording" not in columns:
        conn.execute("ALTER TABLE citations ADD COLUMN wording TEXT")
    if "doc_number_inferred" not in columns:
        conn.execute("ALTER TABLE citations ADD COLUMN doc_number_inferred INTEGER NOT NULL DEFAULT 0")


def _to_6(conn: sqlite3.Connection) -> None:
    """What each review was made on: the reviewed check's status and figures as they stand now; a
    project's code (``projects.code``) from its name."""
    from budgetscope.store.schema import project_code, review_evidence

    if "code" not in _columns(conn, "projects"):
        conn.execute("ALTER TABLE projects ADD COLUMN code TEXT")
    conn.create_function("bs_code", 1, project_code, deterministic=True)
    conn.execute("UPDATE projects SET code = bs_code(name)")
    if "evidence" not in _columns(conn, "reviews"):
        conn.execute("ALTER TABLE reviews ADD COLUMN evidence TEXT")
    conn.execute(f"UPDATE reviews SET evidence = (SELECT {review_evidence('c')} FROM checks c "
                 "WHERE c.id = reviews.check_id) WHERE evidence IS NULL")  # fmt: skip


STEPS = {1: _to_2, 2: _to_3, 3: _to_4, 4: _to_5, 5: _to_6}
"""From each version, the step to the next."""


def migrate(conn: sqlite3.Connection, version: int, path: str) -> None:
    """Bring a store of ``version`` to the current schema, each step in one transaction."""
    from budgetscope.store.schema import SCHEMA_VERSION

    while version < SCHEMA_VERSION:
        step = STEPS.get(version)
        if step is None:
            raise StoreError(
                f"{path}: cannot upgrade a store of schema version {version}; ingest into a new --home"
            )
        try:
            conn.execute("BEGIN IMMEDIATE")
            step(conn)
            version += 1
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version),))
            conn.execute("DELETE FROM meta WHERE key = 'views'")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(
                f"{path}: upgrading the store to schema version {version + 1} failed ({exc})"
            ) from exc


__all__ = ["MONEY_TABLES", "STEPS", "migrate"]
