"""An index shared by searching threads and one updating thread (real qdrant-edge shards): the search
graph built in another process while searches go on, a close ending an update, a swap cut short."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import pytest

from budgetscope.index.chunks import Chunk, record_points
from budgetscope.index.encoders import HashEncoder
from budgetscope.models import Record
from budgetscope.vector.edge import EdgeIndex
from budgetscope.vector.query import VectorIndexError
from budgetscope.vector.shared import SharedIndex

# project names and overviews from corpus/sast-2026-department-budget.txt
PROJECTS = {
    "科技社团党建工作项目": "加强科技社团党的建设，推动党建工作与业务工作深度融合。",
    "学会改革与发展项目": "为推进学会改革，提升学会服务能力，支持学会开展学术交流。",
    "科技馆建筑体大修项目": "对上海科技馆建筑体进行大修，保障场馆安全运行。",
    "青少年科技创新活动项目": "组织开展青少年科技创新大赛等活动，培养青少年创新精神。",
}
QUERY = "党建"


def chunks() -> list[Chunk]:
    records = [
        Record(id=f"p{i}", kind="narrative", doc="sast-2026-department-budget.txt", line=i, year=2026,
               title=f"{name}经费情况说明", name=name, sections={"overview": overview})
        for i, (name, overview) in enumerate(PROJECTS.items())
    ]  # fmt: skip
    return [c for r in records for c in record_points(r, "hash")]


def top(index: EdgeIndex) -> list[str]:
    return [hit.project_id for hit in index.search(QUERY, top_k=3)]


def test_shared_graph_is_built_aside_while_searches_go_on(tmp_path: Path) -> None:
    lock = threading.RLock()
    with EdgeIndex(tmp_path / "vectors", encoder=HashEncoder()) as index:
        shared = SharedIndex(index, lock, lambda: True, aside_after=1)
        shared.upsert(chunks())
        expected, folder = top(index), os.stat(index.path).st_ino
        said: list[str] = []
        during: list[list[str]] = []  # the searches begun and ended while the graph was built
        done = threading.Event()

        def search() -> None:
            while not done.is_set():
                begun = len(said)
                with lock:
                    hits = top(index)
                if begun == len(said) == 1:
                    during.append(hits)

        searcher = threading.Thread(target=search)
        searcher.start()
        try:
            shared.finish(said.append)
        finally:
            done.set()
            searcher.join()
        assert said[0].startswith("building the search graph of") and said[1].startswith(
            "search graph built in"
        )
        assert during and all(hits == expected for hits in during)
        assert os.stat(index.path).st_ino != folder  # the copy it was built in took the folder's place
        assert top(index) == expected and index.unbuilt == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors", "vectors.lock"]


def test_shared_index_closed_while_its_graph_is_built_ends_the_build(tmp_path: Path) -> None:
    held = [True]
    with EdgeIndex(tmp_path / "vectors", encoder=HashEncoder()) as index:
        shared = SharedIndex(index, threading.RLock(), lambda: held[0], aside_after=1)
        shared.upsert(chunks())
        count, folder = index.count(), os.stat(index.path).st_ino

        def status(message: str) -> None:
            if message.startswith("building"):
                held[0] = False  # the holder closes it (a serve stopping) once the child runs

        with pytest.raises(VectorIndexError, match="closed while it was being updated"):
            shared.finish(status)
        assert index.count() == count and os.stat(index.path).st_ino == folder
    assert not (tmp_path / "vectors.graph").exists()
    assert not [c for c in multiprocessing.active_children() if c.name == "budgetscope-graph"]


def test_shared_index_closed_stops_the_writes(tmp_path: Path) -> None:
    held = [True]
    with EdgeIndex(tmp_path / "vectors", encoder=HashEncoder()) as index:
        shared = SharedIndex(index, threading.RLock(), lambda: held[0])
        written = shared.upsert(chunks()[:2])
        held[0] = False
        with pytest.raises(VectorIndexError, match="closed while it was being updated"):
            shared.upsert(chunks())
        assert index.count() == written


def test_shared_swap_cut_short_is_put_back_on_the_next_open(tmp_path: Path) -> None:
    folder = tmp_path / "vectors"
    with EdgeIndex(folder, encoder=HashEncoder()) as index:
        index.upsert(chunks())
        expected, count = top(index), index.count()
    folder.rename(tmp_path / "vectors.old")  # killed between the swap's two renames
    with EdgeIndex(folder, encoder=HashEncoder(), read_only=True) as index:
        assert index.count() == count and top(index) == expected
    assert not (tmp_path / "vectors.old").exists()


def test_shared_copy_of_a_killed_graph_build_is_removed_on_the_next_open(tmp_path: Path) -> None:
    """A serve killed while its graph was built in another process leaves the copy (a whole index's
    size on disk); the next process to open the index (holding its lock) removes it, the index intact."""
    folder = tmp_path / "vectors"
    with EdgeIndex(folder, encoder=HashEncoder()) as index:
        index.upsert(chunks())
        expected, count = top(index), index.count()
    shutil.copytree(folder, tmp_path / "vectors.graph")  # the copy a build began in, its process killed
    with EdgeIndex(folder, encoder=HashEncoder(), read_only=True) as index:
        assert index.count() == count and top(index) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors", "vectors.lock"]
