"""The entity store: one contract suite, run against every backend (SQLite file and SQLite :memory:)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budgetscope.models import Check, Document, PolicyDocument, SeriesLink
from budgetscope.store.protocol import (
    DocumentEntry,
    DocumentNotStored,
    DuplicateDocumentError,
    DuplicatePolicy,
    EntityStore,
    Links,
    StoreError,
)
from budgetscope.store.schema import DOCUMENT_TABLES, citation_id
from budgetscope.store.sqlite import SQLiteStore, open_store

BACKENDS = ["file", "memory"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EntityStore]:
    backend = SQLiteStore(tmp_path / "store.sqlite") if request.param == "file" else SQLiteStore(":memory:")
    yield backend
    backend.close()


def _entries(extracted: list[Any]) -> list[DocumentEntry]:
    return [DocumentEntry(d, r.tables, r.stated) for r, d in extracted]


def _by_name(extracted: list[Any], name: str) -> Any:
    return next((r, d) for r, d in extracted if d.doc == name)


# -- the contract ---------------------------------------------------------------------------------


def test_store_implements_the_protocol(store: EntityStore) -> None:
    assert isinstance(store, EntityStore)


def test_store_round_trips_every_corpus_document(store: EntityStore, extracted: list[Any]) -> None:
    assert store.write_documents(_entries(extracted)) == len(extracted)
    for _, document in extracted:
        assert store.get_document(document.doc) == document


def test_store_round_trips_records_by_id_in_the_order_asked(store: EntityStore, extracted: list[Any]) -> None:
    store.write_documents(_entries(extracted))
    _, doc = _by_name(extracted, "sast-2026-performance-targets.txt")
    ids = [r.id for r in reversed(doc.records)]
    got = store.get_records([*ids, "no-such-id"])
    assert [r.id for r in got] == ids
    assert got[-1] == doc.records[0]
    assert got[-1].form is not None and got[-1].form.amounts["annual_total"] == Decimal("600000.00")


def test_store_counts_every_entity(store: EntityStore, extracted: list[Any]) -> None:
    store.write_documents(_entries(extracted))
    counts = store.counts()
    records = [r for _, d in extracted for r in d.records]
    assert counts["documents"] == store.count_documents() == 5
    assert counts["projects"] == len(records)
    assert counts["amounts"] == sum(len(r.amounts) for r in records)
    assert counts["citations"] == sum(len(r.citations) for r in records)
    assert counts["indicators"] == sum(len(r.form.indicators) for r in records if r.form)
    assert counts["implementing_bodies"] == sum(len(r.implementing_bodies) for r in records)
    assert counts["budget_lines"] == sum(len(t.lines) for r, _ in extracted for t in r.tables)


def test_store_writing_the_same_document_twice_changes_nothing(
    store: EntityStore, extracted: list[Any], dump: Callable[[EntityStore], Any]
) -> None:
    store.write_documents(_entries(extracted))
    before = dump(store)
    store.write_documents(_entries(extracted), policy=DuplicatePolicy.OVERWRITE)
    assert dump(store) == before


def test_store_overwrite_replaces_the_old_records(store: EntityStore, extracted: list[Any]) -> None:
    read, doc = _by_name(extracted, "sast-2023-department-budget.txt")
    store.write_documents([DocumentEntry(doc, read.tables, read.stated)])
    shorter = doc.model_copy(update={"records": doc.records[:2], "sha1": "changed"})
    assert store.write_documents([shorter], policy=DuplicatePolicy.OVERWRITE) == 1
    assert store.get_document(doc.doc) == shorter
    counts = store.counts()
    assert counts["projects"] == 2
    assert counts["amounts"] == sum(len(r.amounts) for r in doc.records[:2])
    assert counts["budget_lines"] == 0 and counts["stated_totals"] == 0


def test_store_skip_keeps_the_stored_document(store: EntityStore, extracted: list[Any]) -> None:
    _, doc = _by_name(extracted, "sast-2023-department-budget.txt")
    store.write_documents([doc])
    assert store.write_documents([doc.model_copy(update={"records": []})], policy=DuplicatePolicy.SKIP) == 0
    assert store.get_document(doc.doc) == doc


def test_store_fail_policy_raises_and_writes_nothing(store: EntityStore, extracted: list[Any]) -> None:
    _, doc = _by_name(extracted, "sast-2023-department-budget.txt")
    store.write_documents([doc])
    with pytest.raises(DuplicateDocumentError, match=r"sast-2023-department-budget\.txt"):
        store.write_documents([doc.model_copy(update={"records": []})], policy=DuplicatePolicy.FAIL)
    assert store.get_document(doc.doc) == doc


def test_store_a_document_whose_rows_clash_is_not_stored_and_the_stored_version_stays(
    store: EntityStore, extracted: list[Any]
) -> None:
    processed, doc = _by_name(extracted, "sast-2026-department-budget.txt")
    store.write_documents([DocumentEntry(doc, processed.tables, processed.stated, processed.checks)])
    before = sorted(r["id"] for r in store.select("checks"))
    clashing = DocumentEntry(doc.model_copy(update={"records": doc.records[:1]}), processed.tables, processed.stated,
                             (*processed.checks, processed.checks[0]))  # fmt: skip
    with pytest.raises(DocumentNotStored) as refused:
        store.write_documents([clashing])
    assert str(refused.value) == (
        "sast-2026-department-budget.txt: not stored: cannot write checks: UNIQUE constraint failed: checks.id"
    )
    assert store.get_document(doc.doc) == doc  # rolled back: every project of the stored version
    assert sorted(r["id"] for r in store.select("checks")) == before


def test_store_delete_removes_everything_in_the_document(store: EntityStore, extracted: list[Any]) -> None:
    store.write_documents(_entries(extracted))
    assert store.delete_documents(["sast-2026-department-budget.txt", "not-stored.txt"]) == 1
    assert store.get_document("sast-2026-department-budget.txt") is None
    remaining = [r for _, d in extracted if d.doc != "sast-2026-department-budget.txt" for r in d.records]
    assert store.counts()["projects"] == len(remaining)
    assert store.counts()["amounts"] == sum(len(r.amounts) for r in remaining)
    assert not list(store.select("projects", {"doc": "sast-2026-department-budget.txt"}))


def test_store_links_are_replaced_as_a_whole(store: EntityStore, extracted: list[Any]) -> None:
    store.write_documents(_entries(extracted))
    assert store.links_stale()
    _, doc = _by_name(extracted, "sast-2023-department-budget.txt")
    record = doc.records[0]
    policy = PolicyDocument(
        id="pd:x", title="中国科学技术协会章程", aliases=["科协章程"], doc_numbers=["国发〔2021〕9号"]
    )
    check = Check(id="check:x", kind="narrative_form_amount", status="disagree", subject="s", message="m",
                  project_id=record.id, stated_yuan=Decimal("1"), found_yuan=Decimal("3"))  # fmt: skip
    links = Links(
        policy_documents=[policy],
        canonical={citation_id(record.id, 0): "pd:x"},
        series=[SeriesLink(project_id=record.id, series_id="series:a", confidence=0.75)],
        checks=[check],
    )
    for _ in range(2):
        store.write_links(links)
    assert not store.links_stale()
    counts = store.counts()
    assert (counts["policy_documents"], counts["policy_aliases"], counts["project_series"]) == (1, 1, 1)
    assert store.get_records([record.id])[0].citations[0].canonical == "pd:x"
    finding = next(store.select("findings", {"id": "check:x"}))
    assert finding["difference_yuan"] == "2.00" and finding["difference_fen"] == 200
    assert finding["severity"] == "warning"
    store.write_links(Links())
    assert store.counts()["policy_documents"] == 0 and store.counts()["findings"] == 0


def test_store_document_checks_survive_a_relink(store: EntityStore, extracted: list[Any]) -> None:
    _, doc = _by_name(extracted, "sast-2023-department-budget.txt")
    from budgetscope.models import document_id

    check = Check(id="check:d", kind="department_total", status="disagree", subject="收入预算", message="m",
                  doc=doc.doc, document_id=document_id(doc.doc))  # fmt: skip
    store.write_documents([DocumentEntry(doc, checks=[check])])
    store.write_links(Links())
    assert [r["id"] for r in store.select("findings")] == ["check:d"]
    store.delete_documents([doc.doc])
    assert not list(store.select("checks"))


def test_store_select_filters_by_equality_and_null(store: EntityStore, extracted: list[Any]) -> None:
    store.write_documents(_entries(extracted))
    forms = list(store.select("projects", {"kind": "form", "year": 2019}))
    assert len(forms) == 5 and {f["doc"] for f in forms} == {"sast-2019-performance-targets.txt"}
    assert all(r["page"] is None for r in store.select("projects", {"page": None}))


def test_store_select_unknown_table_is_an_error(store: EntityStore) -> None:
    with pytest.raises(StoreError, match="no table or view"):
        list(store.select("projects; DROP TABLE documents"))


# -- SQLite specifics ------------------------------------------------------------------------------


def test_store_sqlite_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite")
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO amounts (id, project_id, position, text, yuan, role, approximate) "
                         "VALUES ('a', 'missing', 0, '1元', '1', 'total', 0)")  # fmt: skip


def test_store_sqlite_file_uses_wal(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_sqlite_refuses_another_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SQLiteStore(path).db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 999"):
        SQLiteStore(path).count_documents()


def test_store_sqlite_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a budgetscope store"):
        SQLiteStore(path).count_documents()


def test_store_sqlite_locked_store_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    SQLiteStore(path).count_documents()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="database is locked"):
            SQLiteStore(path, timeout=0.1).write_documents(
                [Document(doc="a.txt", path="a.txt", kind="other")]
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert SQLiteStore(path).count_documents() == 0


def test_store_sqlite_failed_write_rolls_back(tmp_path: Path, extracted: list[Any]) -> None:
    _, doc = _by_name(extracted, "sast-2023-department-budget.txt")
    store = SQLiteStore(tmp_path / "s.sqlite")
    broken = doc.model_copy(update={"records": [doc.records[0], doc.records[0]]})  # duplicate project id
    with pytest.raises(StoreError, match="projects"):
        store.write_documents([broken])
    assert store.count_documents() == 0 and store.counts()["projects"] == 0


def test_store_open_store_needs_an_ingested_home(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `budgetscope ingest` first"):
        open_store(tmp_path)
    assert not (tmp_path / "budgetscope.sqlite").exists()
    open_store(tmp_path, create=True).count_documents()
    assert open_store(tmp_path).count_documents() == 0


def test_store_tables_are_all_written_with_a_document() -> None:
    document = Document(doc="a.txt", path="a.txt", kind="other", sha1="1")
    store = SQLiteStore()
    store.write_documents([document])
    assert set(store.counts()) >= set(DOCUMENT_TABLES)
    assert store.get_document("a.txt") == document


@pytest.mark.parametrize("create", [False, True])
def test_store_open_store_home_that_is_a_file_is_a_store_error(tmp_path: Path, create: bool) -> None:
    home = tmp_path / "home"
    home.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match=re.escape(f"data home {home} is not a folder")):
        open_store(home, create=create)
    with pytest.raises(StoreError, match="cannot create data home"):
        open_store(home / "below", create=True)


def test_store_keeps_a_targets_reading_and_the_printed_amount_labels(
    store: EntityStore, extracted: list[Any]
) -> None:
    """A target's number comes back with its printed digits (100.00, not 100 or a float), next to the
    verbatim target; a form's amounts keep the label each is printed under."""
    _, doc = _by_name(extracted, "sast-2026-performance-targets.txt")
    store.write_documents([doc])
    back = store.get_document(doc.doc)
    assert back is not None
    form = next(r.form for r in back.records if r.form and r.name == "创新服务与发展项目")
    assert form is not None and form.amount_labels["annual_total"] == "年度资金申请总额"
    experts = next(i for i in form.indicators if i.level3 == "专家参与人数")
    assert (experts.target, experts.comparison, str(experts.value), experts.unit) == (
        "≥100.00(人)",
        "≥",
        "100.00",
        "人",
    )


def test_store_keeps_the_label_a_form_prints_its_goal_under(store: EntityStore) -> None:
    """Xi'an p.37 prints its goal under 总体目标, read as the year's goal (key 年度绩效目标): the label comes
    back with the form, and the sections export heads the goal with it ("heading as written")."""
    import budgetscope
    from budgetscope.store.export import export_rows

    doc = budgetscope.extract(
        Path(__file__).resolve().parents[2] / "corpus/excerpts/xian-audit-2026-p37-38.pdf"
    )
    store.write_documents([doc])
    back = store.get_document(doc.doc)
    assert back is not None
    (form,) = [r.form for r in back.records if r.form and r.name == "购买中介机构审计服务"]
    assert form is not None and form.text_labels == {"年度绩效目标": "总体目标"}
    (goal,) = [
        s
        for s in export_rows(store, "sections")
        if s["source"] == "form" and s["project"] == "购买中介机构审计服务"
    ]
    assert (goal["key"], goal["heading"]) == ("年度绩效目标", "总体目标")
