"""The data home's index: an older home's qdrant-client folder rebuilt on qdrant-edge, the lock's wait."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from budgetscope.api.indexing import update_index
from budgetscope.index.encoders import HashEncoder
from budgetscope.index.ingest import ingest
from budgetscope.models import Record
from budgetscope.store.sqlite import open_store
from budgetscope.vector.client import ClientIndex
from budgetscope.vector.edge import is_edge_index
from budgetscope.vector.lock import PathLock
from budgetscope.vector.points import points_of_records
from budgetscope.vector.query import IndexLocked, VectorIndexError
from budgetscope.vector.sync import INDEX_DIR, LEGACY_DIR, index_settings, open_index, save_index_settings

B23 = "sast-2023-department-budget.txt"
T19 = "sast-2019-performance-targets.txt"


def records(home: Path) -> list[Record]:
    with open_store(home) as store:
        return [r for d in store.documents() for r in d.records]


@pytest.fixture()
def old_home(corpus: Path, tmp_path: Path) -> Path:
    """A home as budgetscope before #15 left it: the store, and the index in qdrant-client's folder."""
    assert not ingest([corpus / B23, corpus / T19], tmp_path, workers=1).failed
    save_index_settings(tmp_path, "hash", pending=[])
    with ClientIndex(path=tmp_path / LEGACY_DIR, encoder=HashEncoder()) as old:
        old.upsert(points_of_records(records(tmp_path), "hash"))
    return tmp_path


def test_vector_sync_old_home_search_says_to_run_index(old_home: Path) -> None:
    with pytest.raises(VectorIndexError, match=r"older budgetscope .*`budgetscope index`") as err:
        open_index(old_home, read_only=True)
    assert "\n" not in str(err.value)


def test_vector_sync_old_home_is_rebuilt_on_qdrant_edge_by_the_next_index_run(old_home: Path) -> None:
    said: list[str] = []
    written = update_index(old_home, [], on_status=said.append)
    assert written == len(points_of_records(records(old_home), "hash"))
    assert any("older budgetscope" in line and "qdrant-edge" in line for line in said), said
    assert not (old_home / LEGACY_DIR).exists() and is_edge_index(old_home / INDEX_DIR)
    assert index_settings(old_home) == {"encoder": "hash", "pending": []}
    with open_index(old_home, read_only=True) as index:
        assert index.docs() == {B23, T19} and index.count() == written
        assert index.search("科技社团党建工作", top_k=1)[0].payload["doc"] == B23
    said.clear()
    assert update_index(old_home, [], on_status=said.append) == 0  # once
    assert said == []


def test_vector_sync_lock_waits_for_the_holder(tmp_path: Path) -> None:
    holder, waiter = PathLock(tmp_path / "vectors"), PathLock(tmp_path / "vectors")
    holder.acquire()
    with pytest.raises(IndexLocked, match="open in another process"):
        waiter.acquire(wait=0.3)
    threading.Timer(0.5, holder.release).start()
    started = time.monotonic()
    waiter.acquire(wait=10)
    assert waiter.held and 0.3 < time.monotonic() - started < 10
    waiter.release()


def test_vector_sync_lock_says_it_waits(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A search waiting for an ingest's index says so after a second (on stderr from the CLI), once."""
    holder, waiter = PathLock(tmp_path / "vectors"), PathLock(tmp_path / "vectors")
    holder.acquire()
    threading.Timer(1.6, holder.release).start()
    with caplog.at_level("WARNING", logger="budgetscope.vector.lock"):
        waiter.acquire(wait=10)
    waiter.release()
    said = [r.getMessage() for r in caplog.records if r.name == "budgetscope.vector.lock"]
    assert (
        len(said) == 1
        and "is open in another process (an ingest, index or serve): waiting up to 10 s" in said[0]
    )
