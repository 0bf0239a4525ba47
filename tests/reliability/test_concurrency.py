"""Two `ingest` processes and a `search` at once on one home end in a complete, consistent store and index.

Before #10 both ingests wrote ``index.json`` through the same temporary file: one died with a
traceback, the survivor's pending list missed documents, and an unreadable ``index.json`` broke every
later command. The index state now lives in the store, written in each document's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.reliability.conftest import cli, run, write_budgets

ROUNDS = 2


def store_state(home: Path) -> tuple[list[str], int, list[str], str]:
    db = sqlite3.connect(home / "budgetscope.sqlite")
    try:
        docs = [r[0] for r in db.execute("SELECT doc FROM documents ORDER BY doc")]
        projects = db.execute("SELECT count(*) FROM projects").fetchone()[0]
        pending = [r[0] for r in db.execute("SELECT doc FROM index_pending")]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return docs, projects, pending, integrity


def indexed_docs(home: Path) -> dict[str, int]:
    """Points per document in the embedded index."""
    from budgetscope.vector.sync import open_index

    with open_index(home, read_only=True) as index:
        found = list(index.payloads(fields=["doc", "project_id"]))
    counts: dict[str, int] = {}
    ids = [point_id for point_id, _ in found]
    assert len(ids) == len(set(ids))
    for _, payload in found:
        doc = str(payload["doc"])
        counts[doc] = counts.get(doc, 0) + 1
    return counts


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrency_two_ingests_and_a_search_end_consistent(tmp_path: Path, round_: int) -> None:
    home = tmp_path / "home"
    a = write_budgets(tmp_path / "a", range(2030, 2033))
    b = write_budgets(tmp_path / "b", range(2040 + 10 * round_, 2043 + 10 * round_))
    # a first document, so that the search has an index to open while the ingests run
    assert run("ingest", a[0], "--encoder", "hash", "-q", home=home)[0] == 0
    procs = [
        cli("ingest", *a, "--workers", "1", home=home),
        cli("ingest", *b, "--workers", "1", home=home),
        cli("search", "学会改革", "--format", "json", home=home),
    ]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0, err
    hits = json.loads(results[2][1])
    assert all(h["id"] for h in hits)
    docs, projects, pending, integrity = store_state(home)
    assert integrity == "ok"
    assert docs == sorted(p.name for p in [*a, *b])
    assert projects == 2 * len(docs)
    assert pending == []
    assert set(indexed_docs(home)) == set(docs)
    # every project of the store is in the index, no more
    from budgetscope.vector.sync import open_index

    with open_index(home, read_only=True) as index:
        found = [payload for _, payload in index.payloads(fields=["project_id"])]
    db = sqlite3.connect(home / "budgetscope.sqlite")
    stored = {r[0] for r in db.execute("SELECT id FROM projects")}
    db.close()
    assert {str(p["project_id"]) for p in found} == stored
    # a re-run changes nothing and embeds nothing
    code, _, err = run("ingest", *a, *b, home=home)
    assert code == 0 and "6 unchanged" in err and "0 points embedded" in err, err
