"""The entity store: every document, project, section, amount, citation and link in one SQLite file.

:class:`EntityStore` is the small interface (Haystack style: write with a duplicate policy, count,
filter, delete); :class:`SQLiteStore` implements it on a file or on ``":memory:"``. Each document is
written in its own transaction, so an interrupted ingest leaves whole documents or nothing; links
across documents (policy documents, project series, narrative ↔ form checks) are replaced
together in one transaction by :meth:`SQLiteStore.write_links`.

Example:
    >>> from budgetscope.models import Document
    >>> store = SQLiteStore(":memory:")
    >>> store.write_documents([Document(doc="a.txt", path="a.txt", kind="other", sha1="1")])
    1
    >>> store.count_documents()
    1
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from budgetscope.messages import is_disk_full
from budgetscope.models import Document, Record
from budgetscope.store.migrate import migrate
from budgetscope.store.protocol import (
    DocumentEntry,
    DocumentNotStored,
    DuplicateDocumentError,
    DuplicatePolicy,
    Fingerprint,
    Links,
    StoreError,
    WriteRefused,
)
from budgetscope.store.rows import (
    build_document,
    build_records,
    check_row,
    document_rows,
    project_link_row,
    series_row,
)
from budgetscope.store.schema import (
    DDL,
    DOCUMENT_TABLES,
    LINK_TABLES,
    SCHEMA_VERSION,
    VIEWS,
    review_evidence,
)
from budgetscope.store.sqlite_db import (
    chunks,
    hash_text,
    insert,
    mark_links_stale,
    quote,
    store_error,
    transaction,
)

CHILD_TABLES = ("sections", "amounts", "citations", "implementing_bodies", "forms", "form_amounts",
                "components", "indicators")  # fmt: skip


class SQLiteStore:
    """The SQLite entity store, on a file (WAL mode) or in memory (``":memory:"``).

    The connection opens on first use; :meth:`close` closes it. Foreign keys are on, so deleting a
    document deletes its projects, sections, amounts, citations and checks.
    """

    def __init__(self, path: Path | str = ":memory:", *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None

    # -- connection -----------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        """The open connection (opened and migrated on first use)."""
        if self._conn is None:
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:
                raise store_error(self.path, exc) from exc
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            row = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
            version = (
                conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() if row else None
            )
        except sqlite3.DatabaseError as exc:
            if is_disk_full(exc, self.path):
                raise store_error(self.path, exc) from exc
            if "malformed" in str(
                exc
            ):  # a store whose pages were overwritten (a disk fault, a copy cut short)
                raise StoreError(
                    f"{self.path}: store damaged ({exc}): restore a copy of it, or ingest the documents again "
                    "into a new --home"
                ) from exc
            raise StoreError(f"{self.path}: not a budgetscope store ({exc})") from exc
        if version is not None and int(version[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version[0]}, this budgetscope needs {SCHEMA_VERSION}; "
                "ingest into a new --home"
            )
        if version is not None and int(version[0]) < SCHEMA_VERSION:
            migrate(conn, int(version[0]), self.path)
        conn.executescript(DDL)
        views = conn.execute("SELECT value FROM meta WHERE key='views'").fetchone()
        if version is None or views is None or views[0] != hash_text(VIEWS):
            with transaction(conn, self.path):
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='view'").fetchall():
                    conn.execute(f"DROP VIEW IF EXISTS {quote(name)}")
                for statement in VIEWS.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('views', ?)", (hash_text(VIEWS),))
        return conn

    def close(self) -> None:
        """Close the connection (the next use reopens it)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------------

    def write_documents(
        self,
        entries: Iterable[DocumentEntry | Document],
        policy: DuplicatePolicy = DuplicatePolicy.OVERWRITE,
        guard: Callable[[Document], str | None] | None = None,
    ) -> int:
        """Write each document in its own transaction; return how many were written.

        A document is identified by its file name. With ``OVERWRITE`` a stored document of that
        name is deleted with everything in it first, in the same transaction. ``guard(document)``
        runs inside the transaction, with every other writer's committed documents in view (the
        store is locked for writing): a reason it returns is raised as :class:`WriteRefused`. A document
        whose rows cannot be written (two of one id) is :class:`DocumentNotStored`, naming it; either way
        nothing of it is written, and the documents written before it stay.
        """
        written = 0
        for entry in entries:
            if isinstance(entry, Document):
                entry = DocumentEntry(entry)
            written += self._write_one(entry, policy, guard)
        return written

    def _write_one(
        self, entry: DocumentEntry, policy: DuplicatePolicy, guard: Callable[[Document], str | None] | None
    ) -> int:
        doc = entry.document
        rows = document_rows(doc, tables=entry.tables, stated=entry.stated, pipeline=entry.pipeline)
        rows["checks"] = [check_row(c) for c in entry.checks]
        db = self.db
        with transaction(db, self.path):
            if guard is not None and (reason := guard(doc)) is not None:
                raise WriteRefused(reason)
            exists = db.execute("SELECT 1 FROM documents WHERE doc = ?", (doc.doc,)).fetchone()
            if exists:
                if policy is DuplicatePolicy.SKIP:
                    return 0
                if policy is DuplicatePolicy.FAIL:
                    raise DuplicateDocumentError(f"{doc.doc}: already stored")
                db.execute("DELETE FROM documents WHERE doc = ?", (doc.doc,))
            for table in (*DOCUMENT_TABLES, "checks"):
                try:
                    insert(db, table, rows.get(table, []))
                except StoreError as exc:  # its own rows clash (two of one id): rolled back, alone
                    raise DocumentNotStored(f"{doc.doc}: not stored: {exc}") from exc
            mark_links_stale(db)
        return 1

    def delete_documents(self, names: Iterable[str]) -> int:
        """Delete documents by file name, each with everything in it; return how many existed."""
        deleted = 0
        db = self.db
        with transaction(db, self.path):
            for name in names:
                deleted += db.execute("DELETE FROM documents WHERE doc = ?", (name,)).rowcount
            if deleted:
                mark_links_stale(db)
        return deleted

    def write_links(self, links: Links) -> None:
        """Replace policy documents, canonical ids, series, narrative ↔ form links and their checks."""
        db = self.db
        with transaction(db, self.path):
            row = db.execute("SELECT value FROM meta WHERE key = 'index_seq'").fetchone()
            if links.seq is not None and int(row[0] if row else 0) != links.seq:
                return  # a document was written or removed since they were computed: they stay stale
            for table in LINK_TABLES:
                if table == "checks":
                    db.execute("DELETE FROM checks WHERE document_id IS NULL")
                else:
                    db.execute(f"DELETE FROM {quote(table)}")
            for d in links.policy_documents:
                insert(
                    db,
                    "policy_documents",
                    [
                        {
                            "id": d.id,
                            "title": d.title,
                            "family": d.family,
                            "version": d.version,
                            "ambiguous": int(d.ambiguous),
                            "extra": None,
                        }
                    ],
                )
                insert(
                    db, "policy_aliases", [{"policy_id": d.id, "alias": a} for a in dict.fromkeys(d.aliases)]
                )
                insert(db, "policy_doc_numbers",
                        [{"policy_id": d.id, "doc_number": n} for n in dict.fromkeys(d.doc_numbers)])  # fmt: skip
            db.executemany(
                "UPDATE citations SET canonical = ? WHERE id = ?",
                [(c, i) for i, c in links.canonical.items()],
            )
            insert(db, "project_series", [series_row(m) for m in links.series])
            insert(db, "project_links", [project_link_row(link) for link in links.project_links])
            insert(db, "checks", [check_row(c) for c in links.checks if c.document_id is None])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('links_stale', '0')")

    def review_findings(
        self, ids: Iterable[str], *, note: str | None = None, reviewed: bool = True
    ) -> list[str]:
        """Mark findings as reviewed (a false positive: they stop showing), or unmark them.

        An id may be a unique prefix (8+ characters after ``check:``, which may be left out);
        returns the full ids changed. Reviews are
        kept across re-ingests and relinks (a check's id is stable) while the finding stays what was
        reviewed: one that comes back with another status or other figures (a new version of the
        document changes the disputed number) shows again, as an unreviewed finding. Unknown ids are a :class:`StoreError`.
        """
        from datetime import UTC, datetime

        db = self.db
        full: list[str] = []
        for given in ids:
            key = given if given.startswith("check:") else "check:" + given
            rows = db.execute("SELECT id FROM checks WHERE id = ? OR (length(?) >= 14 AND id LIKE ? || '%')",
                              (key, key, key)).fetchall()  # fmt: skip
            exact = [r[0] for r in rows if r[0] == key]
            matches = exact or sorted({r[0] for r in rows})
            if len(matches) != 1:
                if not matches and len(key) < 14:
                    raise StoreError(f"{given!r}: give a finding's id or its first 8 or more characters")
                what = "no finding" if not matches else f"{len(matches)} findings match"
                raise StoreError(f"{what} {key!r}; see `budgetscope check --format json` for ids")
            full.append(matches[0])
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with transaction(db, self.path):
            for cid in full:
                if reviewed:
                    db.execute("INSERT OR REPLACE INTO reviews (check_id, reviewed_at, note, evidence) "
                               f"SELECT ?, ?, ?, {review_evidence('c')} FROM checks c WHERE c.id = ?",
                               (cid, now, note, cid))  # fmt: skip
                else:
                    db.execute("DELETE FROM reviews WHERE check_id = ?", (cid,))
        return full

    def links_stale(self) -> bool:
        """True when documents changed since links were last written (an ingest was interrupted)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'links_stale'").fetchone()
        return row is not None and row[0] == "1"

    # -- reading --------------------------------------------------------------------------------

    def count_documents(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Rows per table (and the ``findings`` view)."""
        tables = (*DOCUMENT_TABLES, *LINK_TABLES, "findings")
        return {t: int(self.db.execute(f"SELECT count(*) FROM {quote(t)}").fetchone()[0]) for t in tables}

    def fingerprints(self) -> dict[str, Fingerprint]:
        rows = self.db.execute("SELECT doc, sha1, pipeline FROM documents").fetchall()
        return {r["doc"]: Fingerprint(r["sha1"], r["pipeline"]) for r in rows}

    def get_document(self, name: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc = ?", (name,)).fetchone()
        if row is None:
            return None
        ids = [r[0] for r in self.db.execute("SELECT id FROM projects WHERE document_id = ? ORDER BY position",
                                             (row["id"],))]  # fmt: skip
        return build_document(dict(row), self.get_records(ids))

    def documents(self) -> Iterator[Document]:
        for (name,) in self.db.execute("SELECT doc FROM documents ORDER BY doc").fetchall():
            document = self.get_document(name)
            if document is not None:
                yield document

    def get_records(self, ids: Iterable[str]) -> list[Record]:
        """The records with these ids, in the order asked (unknown ids are left out)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        db = self.db
        projects: dict[str, dict[str, Any]] = {}
        children: dict[str, dict[str, list[dict[str, Any]]]] = {t: defaultdict(list) for t in CHILD_TABLES}
        for chunk in chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            for r in db.execute(f"SELECT * FROM projects WHERE id IN ({marks})", chunk):
                projects[r["id"]] = dict(r)
            for table in CHILD_TABLES:
                order = " ORDER BY project_id, position" if table != "forms" else ""
                for r in db.execute(f"SELECT * FROM {table} WHERE project_id IN ({marks}){order}", chunk):
                    children[table][r["project_id"]].append(dict(r))
        return build_records([projects[i] for i in wanted if i in projects], children)

    def select(self, table: str, where: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Stream rows of a table or view as dicts, filtered by column equality (``None`` matches NULL)."""
        known = {
            r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        }
        if table not in known:
            raise StoreError(f"no table or view {table!r} in the store")
        clauses, params = [], []
        for column, value in (where or {}).items():
            clauses.append(f"{quote(column)} IS ?")
            params.append(value)
        sql = f"SELECT * FROM {quote(table)}" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        cursor = self.db.execute(sql, params)
        while batch := cursor.fetchmany(512):
            for r in batch:
                yield dict(r)


def open_store(home: Path | str | None = None, *, create: bool = False) -> SQLiteStore:
    """The store of a data home; unless ``create``, a missing store is a :class:`StoreError`.

    So is a home that is a file, or that cannot be created (a one-line message, never a traceback).

    >>> try:
    ...     open_store("/nonexistent-budgetscope-home")
    ... except StoreError as exc:
    ...     print(exc)
    no store at /nonexistent-budgetscope-home/budgetscope.sqlite; run `budgetscope ingest` first
    """
    from budgetscope.paths import HomeError, data_home, ensure_home, store_path

    folder = data_home(home)
    try:
        if create or folder.exists():
            ensure_home(folder)  # a file in the home's place is a one-line error, not a traceback
    except HomeError as exc:
        raise StoreError(str(exc)) from None
    path = store_path(folder)
    if not create and not path.is_file():
        raise StoreError(f"no store at {path}; run `budgetscope ingest` first")
    return SQLiteStore(path)


__all__ = ["CHILD_TABLES", "SQLiteStore", "open_store"]
