"""A store of schema version 1 (money as text + a REAL generated column) is upgraded in place on open;
reviewed findings persist across re-ingests."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.store.migrate import MONEY_TABLES
from budgetscope.store.protocol import StoreError
from budgetscope.store.schema import SCHEMA_VERSION
from budgetscope.store.sqlite import SQLiteStore, open_store


def _downgrade(path: Path, version: int, *statements: str) -> None:
    """Run ``statements`` on the store at ``path`` with its views dropped, and mark it as ``version`` (its
    views to be made again on open)."""
    db = sqlite3.connect(path, isolation_level=None)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='view'").fetchall():
        db.execute(f'DROP VIEW "{name}"')
    for statement in statements:
        db.execute(statement)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    db.execute("DELETE FROM meta WHERE key = 'views'")
    db.close()


def _as_version_5(path: Path) -> None:
    """Turn a current store into what version 5 wrote: reviews without what they were made on."""
    _downgrade(path, 5, "ALTER TABLE reviews DROP COLUMN evidence", "ALTER TABLE projects DROP COLUMN code")


def _as_version_4(path: Path) -> None:
    """Turn a current store into what version 4 wrote: citations without their wording."""
    _as_version_5(path)
    _downgrade(path, 4, "ALTER TABLE citations DROP COLUMN wording",
               "ALTER TABLE citations DROP COLUMN doc_number_inferred")  # fmt: skip


def _as_version_2(path: Path, pending: dict[str, int]) -> None:
    """Turn a current store into what version 2 wrote: the documents the index lags in a table of their
    own (``index_pending``, with its triggers), no ``documents.index_seq``."""
    _as_version_4(path)
    db = sqlite3.connect(path, isolation_level=None)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='view'").fetchall():
        db.execute(f'DROP VIEW "{name}"')
    for trigger in ("documents_pending_insert", "documents_pending_delete"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP TABLE index_removed")
    db.execute("ALTER TABLE documents DROP COLUMN index_seq")
    db.execute("CREATE TABLE index_pending (doc TEXT PRIMARY KEY, seq INTEGER NOT NULL)")
    db.executemany("INSERT INTO index_pending VALUES (?, ?)", pending.items())
    db.execute("CREATE TRIGGER documents_index_delete AFTER DELETE ON documents BEGIN "
               "INSERT OR REPLACE INTO index_pending VALUES (OLD.doc, 0); END")  # fmt: skip
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    db.execute("DELETE FROM meta WHERE key = 'views'")
    db.close()


def _as_version_1(path: Path) -> None:
    """Turn a current store into what version 1 wrote: no fen columns, a ``yuan_value`` REAL generated
    column, money text without its places ("820000"), no reviews table, checks without evidence columns."""
    _as_version_2(path, {})
    db = sqlite3.connect(path, isolation_level=None)
    for table in MONEY_TABLES:
        db.execute(f"ALTER TABLE {table} DROP COLUMN fen")
        db.execute(f"UPDATE {table} SET yuan = rtrim(rtrim(yuan, '0'), '.') WHERE yuan LIKE '%.%'")
        db.execute(
            f"ALTER TABLE {table} ADD COLUMN yuan_value REAL GENERATED ALWAYS AS (CAST(yuan AS REAL)) VIRTUAL"
        )
    db.execute("ALTER TABLE projects DROP COLUMN budget_total_fen")
    db.execute("UPDATE projects SET budget_total_yuan = rtrim(rtrim(budget_total_yuan, '0'), '.') "
               "WHERE budget_total_yuan LIKE '%.%'")  # fmt: skip
    for column in ("page", "other_doc", "other_line", "other_page", "field", "stated_fen", "found_fen",
                   "difference_fen"):  # fmt: skip
        db.execute(f"ALTER TABLE checks DROP COLUMN {column}")
    db.execute("DROP TABLE reviews")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.execute("DELETE FROM meta WHERE key = 'views'")
    db.close()


@pytest.fixture
def old_home(corpus_home: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(corpus_home / "budgetscope.sqlite", home / "budgetscope.sqlite")
    _as_version_1(home / "budgetscope.sqlite")
    return home


def test_store_migrate_upgrades_a_version_1_store_on_open(old_home: Path) -> None:
    raw = sqlite3.connect(old_home / "budgetscope.sqlite")
    assert raw.execute("SELECT yuan FROM amounts WHERE text = '60000.00万元'").fetchone() == ("600000000",)
    raw.close()
    with open_store(old_home) as store:
        row = next(r for r in store.select("amounts") if r["text"] == "60000.00万元")
        assert (row["yuan"], row["fen"]) == ("600000000.00", 60000000000)
        assert "yuan_value" not in row
        project = next(r for r in store.select("projects") if r["name"] == "科技社团党建工作项目")
        assert (project["budget_total_yuan"], project["budget_total_fen"]) == ("600000000.00", 60000000000)
        assert store.select("reviews") is not None and not list(store.select("reviews"))
        amounts = list(store.select("export_amounts"))
        assert all(a["amount_fen"] == Decimal(a["amount"]) * 100 for a in amounts)
        record = store.get_records([project["id"]])[0]
        assert record.budget_total_yuan == Decimal("600000000")
    db = sqlite3.connect(old_home / "budgetscope.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    db.close()


def test_store_migrate_moves_the_index_pending_table_into_documents(
    corpus_home: Path, tmp_path: Path
) -> None:
    """A version-2 store's pending documents (one stored, one deleted) are pending after the upgrade,
    the stored one in its documents row; clearing and writing again work as before."""
    from budgetscope.store import index_state

    path = tmp_path / "budgetscope.sqlite"
    shutil.copy(corpus_home / "budgetscope.sqlite", path)
    _as_version_2(path, {"sast-2023-department-budget.txt": 7, "gone.txt": 8})
    with SQLiteStore(path) as store:
        assert index_state.pending(store) == {"sast-2023-department-budget.txt": 7, "gone.txt": 8}
        row = next(store.select("documents", {"doc": "sast-2023-department-budget.txt"}))
        assert row["index_seq"] == 7
        index_state.done(store, "gone.txt", 8)
        index_state.done(store, "sast-2023-department-budget.txt", 7)
        assert index_state.pending(store) == {}
        assert store.delete_documents(["sast-2023-department-budget.txt"]) == 1
        assert list(index_state.pending(store)) == ["sast-2023-department-budget.txt"]
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT type FROM sqlite_master WHERE name = 'index_pending'").fetchone() == ("view",)
    raw.close()


def test_store_migrate_a_version_4_store_quotes_its_citations_again_after_the_next_ingest(
    corpus_home: Path, corpus: Path, tmp_path: Path
) -> None:
    """A store of version 4 keeps no wording: it opens, cites shows the rebuilt 《title》（文号）, and the
    next ingest (the reading code changed) reads the documents again and stores the wording."""
    from budgetscope.index.cites import cites
    from budgetscope.index.ingest import ingest

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(corpus_home / "budgetscope.sqlite", home / "budgetscope.sqlite")
    _as_version_4(home / "budgetscope.sqlite")
    with open_store(home) as store:
        (hit,) = cites(store, "沪档〔2018〕44号")
        assert hit.snippet.startswith("《上海市数字档案室建设评价办法》（沪档〔2018〕44号）")
        assert {c.wording for c in hit.cited} == {None}
        stored = {r["doc"]: r["pipeline"] for r in store.select("documents")}
    with open_store(home) as store:  # what an ingest by the version that wrote it left
        store.db.execute("UPDATE documents SET pipeline = 'older'")
    assert ingest([corpus], home, workers=1).written == len(stored)
    with open_store(home) as store:
        (hit,) = cites(store, "沪档〔2018〕44号")
        assert hit.snippet.startswith("沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》")


def test_store_migrate_a_citation_field_kept_in_extra_yields_to_its_column(
    corpus_home: Path, tmp_path: Path
) -> None:
    """Stores written while the wording had no column kept it in ``extra``: they read, the column wins."""
    path = tmp_path / "budgetscope.sqlite"
    shutil.copy(corpus_home / "budgetscope.sqlite", path)
    with SQLiteStore(path) as store:
        row = next(r for r in store.select("citations") if r["doc_number"] == "沪档〔2018〕44号")
        store.db.execute(
            "UPDATE citations SET wording = NULL, extra = json_object('wording', 'x', 'doc_number_inferred', "
            "json('true')) WHERE id = ?",
            (row["id"],),
        )
        (record,) = store.get_records([row["project_id"]])
        (cited,) = [c for c in record.citations if c.doc_number == "沪档〔2018〕44号"]
        assert (cited.wording, cited.doc_number_inferred) == (None, False)


def test_store_migrate_refuses_a_newer_store(tmp_path: Path) -> None:
    path = tmp_path / "budgetscope.sqlite"
    SQLiteStore(path).close()
    store = SQLiteStore(path)
    store.count_documents()
    store.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(StoreError, match="schema version 99"):
        SQLiteStore(path).count_documents()


def test_store_migrate_reviews_persist_across_a_reingest(old_home: Path, corpus: Path) -> None:
    from budgetscope.index.ingest import ingest

    with open_store(old_home) as store:
        store.count_documents()  # migrates
    ingest([corpus / "sast-2023-department-budget.txt"], old_home, workers=1)
    with open_store(old_home) as store:
        finding = next(r for r in store.select("findings") if r["kind"] == "magnitude")
        (full,) = store.review_findings([finding["id"].removeprefix("check:")[:12]], note="typo known")
        assert full == finding["id"]
    ingest([corpus / "sast-2023-department-budget.txt"], old_home, workers=1, force=True)
    with open_store(old_home) as store:
        assert full not in {r["id"] for r in store.select("findings")}
        reviewed = {r["id"]: r for r in store.select("reviewed_findings")}
        assert reviewed[full]["review_note"] == "typo known"
        store.review_findings([full], reviewed=False)
        assert full in {r["id"] for r in store.select("findings")}
        with pytest.raises(StoreError, match="no finding"):
            store.review_findings(["ffffffffffffff"])
