"""Ingest: the corpus into the store — counts, idempotence, replacement, failures, kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.ingest import IngestError, ingest, relink
from budgetscope.index.store import EntityStore, SQLiteStore, open_store
from budgetscope.models import Document
from budgetscope.paths import store_path

ROOT = Path(__file__).resolve().parents[2]


def test_ingest_counts_are_exactly_those_of_extract(corpus: Path, corpus_home: Path) -> None:
    from budgetscope.search_cli.extract import extract_files

    docs, errors = extract_files([corpus])
    records = [r for d in docs for r in d.records]
    with open_store(corpus_home) as store:
        counts = store.counts()
        kinds = [row["kind"] for row in store.select("projects")]
    assert not errors
    assert counts["documents"] == len(docs) == 5
    assert counts["projects"] == len(records)
    assert kinds.count("narrative") == sum(r.kind == "narrative" for r in records)
    assert kinds.count("form") == sum(r.kind == "form" for r in records)
    assert counts["amounts"] == sum(len(r.amounts) for r in records)
    assert counts["citations"] == sum(len(r.citations) for r in records)
    assert counts["implementing_bodies"] == sum(len(r.implementing_bodies) for r in records)
    assert counts["indicators"] == sum(len(r.form.indicators) for r in records if r.form)


def test_ingest_canonical_ids_are_those_of_extract(corpus: Path, corpus_home: Path) -> None:
    from budgetscope.search_cli.extract import extract_files

    docs, _ = extract_files([corpus])
    expected = sorted(
        (r.id, i, c.canonical) for d in docs for r in d.records for i, c in enumerate(r.citations)
    )
    with open_store(corpus_home) as store:
        got = sorted(
            (r.id, i, c.canonical)
            for d in store.documents()
            for r in d.records
            for i, c in enumerate(r.citations)
        )
        assert all(c for _, _, c in got if c) and {row["id"] for row in store.select("policy_documents")} >= {
            c for _, _, c in got if c
        }
    assert got == expected


def test_ingest_twice_changes_nothing(
    corpus: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    first = ingest([corpus], tmp_path, workers=1)
    with open_store(tmp_path) as store:
        before = dump(store)
    second = ingest([corpus], tmp_path, workers=1)
    with open_store(tmp_path) as store:
        assert dump(store) == before
    assert (first.written, first.unchanged) == (5, 0)
    assert (second.written, second.unchanged, second.relinked) == (0, 5, False)


def test_ingest_a_changed_file_replaces_its_records(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "in" / "sast-2023-department-budget.txt"
    source.parent.mkdir()
    text = (corpus / source.name).read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    ingest([source], tmp_path, workers=1)
    cut = text.index("科技社团党建工作项目经费情况说明")
    source.write_text(text[:cut], encoding="utf-8")
    summary = ingest([source], tmp_path, workers=1)
    assert (summary.written, summary.documents) == (1, 1)
    with open_store(tmp_path) as store:
        names = [row["name"] for row in store.select("projects")]
        assert len(names) == 3 and "基层科普服务项目" not in names
        assert all(
            r["project_id"] in {p["id"] for p in store.select("projects")} for r in store.select("amounts")
        )


def test_ingest_reports_a_failing_document_and_keeps_the_others(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "sast-2023-department-budget.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.pdf").write_bytes(b"%PDF-1.4 \x00\x01 broken")
    summary = ingest([folder, tmp_path / "missing.txt"], tmp_path / "home", workers=1)
    assert summary.written == 1 and summary.documents == 1
    assert len(summary.failed) == 3
    assert all("\n" not in e for e in summary.failed)
    assert any("empty.txt" in e and "empty" in e for e in summary.failed)
    assert any("missing.txt" in e for e in summary.failed)


def test_ingest_calls_the_document_hook_after_each_commit(corpus: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []

    def on_document(document: Document) -> None:
        with open_store(tmp_path) as store:
            seen.append((document.doc, store.count_documents()))

    ingest([corpus], tmp_path, workers=1, on_document=on_document)
    assert [n for _, n in seen] == [1, 2, 3, 4, 5]
    assert seen[0][0] == "sast-2019-performance-targets.txt"
    seen.clear()
    ingest([corpus], tmp_path, workers=1, on_document=on_document)
    assert seen == []


def test_ingest_links_do_not_depend_on_the_order_documents_came_in(
    corpus: Path, corpus_home: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    for path in sorted(corpus.glob("*.txt"), reverse=True):
        ingest([path], tmp_path, workers=1)
    with open_store(tmp_path) as one_by_one, open_store(corpus_home) as all_at_once:
        assert dump(one_by_one) == dump(all_at_once)


def test_ingest_in_parallel_gives_the_same_store(
    corpus: Path, corpus_home: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    summary = ingest([corpus], tmp_path, workers=2)
    assert summary.written == 5
    with open_store(tmp_path) as parallel, open_store(corpus_home) as sequential:
        assert dump(parallel) == dump(sequential)


def test_ingest_default_is_the_bundled_corpus(tmp_path: Path) -> None:
    summary = ingest(None, tmp_path, workers=1)
    assert summary.documents == 5 and not summary.failed


def test_ingest_without_a_corpus_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("budgetscope.index.ingest.bundled_corpus", lambda: None)
    with pytest.raises(IngestError, match="no bundled corpus"):
        ingest([], tmp_path)


def test_ingest_relink_is_a_function_of_the_store(corpus_home: Path) -> None:
    with open_store(corpus_home) as store:
        links = relink(store)
        assert len(links.series) == store.counts()["projects"]
        assert len(links.project_links) == store.counts()["project_links"]


KILL_SCRIPT = """
import sys, time
from budgetscope.index.ingest import ingest
def slow(document):
    time.sleep(60)
ingest([sys.argv[1]], sys.argv[2], workers=1, on_document=slow)
"""


def test_ingest_kill_9_then_ingest_again_is_complete_without_duplicates(
    corpus: Path, corpus_home: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    home = tmp_path / "killed"
    db = store_path(home)
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(corpus), str(home)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        committed = 0
        while committed < 1 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                        committed = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:
                    committed = 0
        assert committed == 1, "the ingest did not commit its first document in time"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    with SQLiteStore(db) as store:
        assert store.count_documents() == 1 and store.links_stale()
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    summary = ingest([corpus], home, workers=1)
    assert (summary.written, summary.unchanged, summary.relinked) == (4, 1, True)
    with open_store(home) as resumed, open_store(corpus_home) as clean:
        assert dump(resumed) == dump(clean)
