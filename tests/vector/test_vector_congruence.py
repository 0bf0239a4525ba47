"""Congruence: the same query, filters and fusion give the same top-10 projects on every backend.

The bundled corpus is ingested once into a store and synced (as `budgetscope ingest` does) into
qdrant-edge (the embedded default) and into qdrant-client's local mode (the stand-in for the server
protocol); with ``BUDGETSCOPE_TEST_QDRANT_URL`` set, into that Qdrant server too. Each document is
embedded once (USE, memoized), so every backend holds the very same vectors. Then ~20 real queries
— Chinese and English, with and without year and department filters, dense, sparse and hybrid —
run on each backend, raw (the fused, grouped index hits) and as `budgetscope search` ranks them.
Orders may differ only where scores are equal.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from budgetscope.index.encoders import Encoder, PairEncoder, get_encoder
from budgetscope.index.ingest import ingest
from budgetscope.index.search import search
from budgetscope.store.sqlite import open_store
from budgetscope.vector.base import VectorIndex
from budgetscope.vector.client import ClientIndex
from budgetscope.vector.edge import EdgeIndex
from budgetscope.vector.sync import sync_index

SERVER_ENV = "BUDGETSCOPE_TEST_QDRANT_URL"
SAST = "上海市科学技术协会"
STCSM = "上海市科学技术委员会"
TOP = 10
DIGITS = 4
"""Scores are compared to this many decimals (the engines' float arithmetic differs in the last bits)."""
SEARCH_STEP = 0.0016
"""How far `search`'s scores may differ: one rank of its project fusion (RRF, k=5) from the 20th of its
30 candidate projects on, 1/25 - 1/26. A project whose best chunk scores within float noise of a
candidate list's last one has that score on one engine and none on the other, which moves the
projects ranked below it in that list by one; a different project or order beyond that fails."""

# (query, filters, mode): phrases of the corpus's documents, paraphrases and English renderings.
QUERIES: list[tuple[str, dict[str, Any], str]] = [
    ("科技社团党建工作", {}, "hybrid"),
    ("学会秘书长沙龙", {}, "hybrid"),
    ("官方微信微博运维", {}, "hybrid"),
    ("科技馆建筑体大修", {}, "hybrid"),
    ("消防演习和安防监控存储", {}, "hybrid"),
    ("公务车辆的使用保障", {}, "dense"),
    ("大院的空调和会议厅设备更新", {}, "dense"),
    ("国家科技奖励管理工作经费", {}, "sparse"),
    ("科普资源库 分众传播 精准传播", {}, "sparse"),
    ("party building in scientific societies", {}, "hybrid"),
    ("renovation of the science museum building", {}, "hybrid"),
    ("international science and technology exchange with Hong Kong, Macao and Taiwan", {}, "dense"),
    ("energy supply of the museum", {}, "hybrid"),
    ("科技社团党建工作", {"year": 2023}, "hybrid"),
    ("科技社团党建工作", {"year": 2026}, "hybrid"),
    ("学会能力提升", {"year": 2026, "department": SAST}, "hybrid"),
    ("展区更新改造", {"department": STCSM}, "hybrid"),
    ("科普活动", {"year": 2025}, "dense"),
    ("science popularization activities", {"department": SAST}, "hybrid"),
    ("会议厅 空调", {"year": 2026}, "sparse"),
    ("党建", {"section": "overview"}, "hybrid"),
]


class Memo:
    """An encoder that embeds each text and query once however many backends use it (same name and dim)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.seen: dict[str, np.ndarray] = {}
        self.queries: dict[tuple[str, ...], np.ndarray] = {}

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.seen]
        if new:
            self.seen.update(zip(new, self.inner.encode_documents(new), strict=True))
        return np.stack([self.seen[t] for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Each query encoded once too: every backend gets the very same query vector (the encoder's
        last float digits may move between calls as its dictionaries are read in; that is not what
        this test compares)."""
        key = tuple(texts)
        if key not in self.queries:
            self.queries[key] = np.asarray(self.inner.encode_queries(texts))
        return self.queries[key].copy()


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus in a store (not yet indexed)."""
    home = tmp_path_factory.mktemp("congruence")
    assert not ingest([corpus], home, workers=1).failed
    return home


@pytest.fixture(scope="module")
def memo() -> Memo:
    return Memo(get_encoder("use"))


def synced(index: VectorIndex, home: Path) -> VectorIndex:
    with open_store(home) as store:
        assert sync_index(store, index, []) > 0
    return index


@pytest.fixture(scope="module")
def backends(
    home: Path, memo: Memo, tmp_path_factory: pytest.TempPathFactory, embed_once: Any
) -> Iterator[dict[str, VectorIndex]]:
    indexes: dict[str, VectorIndex] = {
        "qdrant-edge": EdgeIndex(tmp_path_factory.mktemp("edge") / "vectors", encoder=memo),  # type: ignore[arg-type]
        "qdrant-client local": ClientIndex(location=":memory:", encoder=memo),  # type: ignore[arg-type]
    }
    url = os.environ.get(SERVER_ENV)
    if url:
        collection = f"budgetscope-congruence-{uuid.uuid4().hex[:8]}"
        indexes["qdrant server"] = ClientIndex(url=url, collection=collection, encoder=memo)  # type: ignore[arg-type]
    try:
        with embed_once():  # the corpus: embedded once in the test run, whichever home came first
            opened = {name: synced(index.open(), home) for name, index in indexes.items()}
        yield opened
    finally:
        if "qdrant server" in indexes:
            indexes["qdrant server"].drop()
        for index in indexes.values():
            index.close()


def tie_congruent(
    a: list[tuple[str, float]], b: list[tuple[str, float]], a_next: float | None, tolerance: float = 0.0
) -> str | None:
    """Why two ranked (project, score) lists differ beyond ties, or None when they agree.

    Scores must agree position by position (to :data:`DIGITS` decimals, or within ``tolerance``);
    within a group of equal scores the projects may come in any order, and the lowest group may hold
    other projects when the ranking continues at that score (``a_next``: the score after the cut).
    """

    def close(x: float, y: float) -> bool:
        return round(x, DIGITS) == round(y, DIGITS) or abs(x - y) <= tolerance

    if len(a) != len(b) or not all(close(x, y) for (_, x), (_, y) in zip(a, b, strict=True)):
        return f"scores differ: {[round(s, DIGITS) for _, s in a]} vs {[round(s, DIGITS) for _, s in b]}"
    start = 0
    for end in range(1, len(a) + 1):
        if end < len(a) and close(a[end - 1][1], a[end][1]):
            continue  # the group of equal scores goes on
        group_a, group_b = {p for p, _ in a[start:end]}, {p for p, _ in b[start:end]}
        cut_in_tie = end == len(a) and a_next is not None and close(a[-1][1], a_next)
        if group_a != group_b and not cut_in_tie:
            return f"projects at score {round(a[start][1], DIGITS)} differ: {sorted(group_a)} vs {sorted(group_b)}"
        start = end
    return None


def ranked_raw(index: VectorIndex, query: str, filters: dict[str, Any], mode: Any) -> list[tuple[str, float]]:
    return [(h.project_id, h.score) for h in index.search(query, filters=filters, top_k=TOP + 1, mode=mode)]


def ranked_cli(index: VectorIndex, query: str, filters: dict[str, Any], mode: Any) -> list[tuple[str, float]]:
    return [
        (str(h.id), float(h.score)) for h in search(index, query, filters=filters, top_k=TOP + 1, mode=mode)
    ]


@pytest.mark.parametrize("how", [ranked_raw, ranked_cli], ids=["index", "search"])
@pytest.mark.parametrize(
    ("query", "filters", "mode"), QUERIES, ids=[f"{q[:12]}-{m}-{f}" for q, f, m in QUERIES]
)
def test_vector_congruence_same_top10_on_every_backend(
    backends: dict[str, VectorIndex], query: str, filters: dict[str, Any], mode: str, how: Any
) -> None:
    results = {name: how(index, query, filters, mode) for name, index in backends.items()}
    reference_name, reference = next(iter(results.items()))
    assert reference, f"{query!r} {filters} found nothing on {reference_name}"
    for name, result in results.items():
        after = reference[TOP][1] if len(reference) > TOP else None
        why = tie_congruent(reference[:TOP], result[:TOP], after, SEARCH_STEP if how is ranked_cli else 0.0)
        assert why is None, f"{query!r} {filters} {mode}: {reference_name} vs {name}: {why}"


def test_vector_congruence_backends_hold_the_same_points(backends: dict[str, VectorIndex]) -> None:
    counts = {name: index.count() for name, index in backends.items()}
    assert len(set(counts.values())) == 1 and next(iter(counts.values())) > 1000, counts
    docs = {name: index.docs() for name, index in backends.items()}
    assert len({frozenset(d) for d in docs.values()}) == 1 and len(next(iter(docs.values()))) == 5
    years = {name: index.count(filters={"year": 2026}) for name, index in backends.items()}
    assert len(set(years.values())) == 1, years


def test_vector_congruence_detects_a_divergence() -> None:
    same = [("p1", 0.5), ("p2", 0.4), ("p3", 0.4)]
    assert tie_congruent(same, [("p1", 0.5), ("p3", 0.4), ("p2", 0.4)], None) is None  # a tie, reordered
    assert tie_congruent(same, [("p2", 0.5), ("p1", 0.4), ("p3", 0.4)], None) is not None
    assert tie_congruent(same, [("p1", 0.5), ("p2", 0.4), ("p9", 0.4)], 0.4) is None  # the cut splits a tie
    assert tie_congruent(same, [("p1", 0.5), ("p2", 0.4), ("p9", 0.4)], 0.3) is not None
    assert tie_congruent(same, [("p1", 0.5), ("p2", 0.4), ("p3", 0.3)], None) is not None
    near = [("p1", 0.5), ("p2", 0.4011), ("p3", 0.4)]  # within a tolerance: a tie
    assert tie_congruent(near, [("p1", 0.5), ("p3", 0.4003), ("p2", 0.4)], None, 0.0016) is None
    assert tie_congruent(near, [("p1", 0.5), ("p3", 0.4003), ("p2", 0.4)], None) is not None
    assert tie_congruent(near, [("p1", 0.5), ("p9", 0.4011), ("p3", 0.4)], None, 0.0016) is not None
    assert tie_congruent(near, [("p1", 0.497), ("p2", 0.4011), ("p3", 0.4)], None, 0.0016) is not None


@pytest.fixture(scope="module")
def pair_backends(
    home: Path, memo: Memo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, VectorIndex]]:
    """Both embedded backends built with a pair of encoders (a second named vector, as ``use+e5``;
    here USE and the fast hash encoder)."""
    pair = PairEncoder(memo, get_encoder("hash"))  # type: ignore[arg-type]
    indexes: dict[str, VectorIndex] = {
        "qdrant-edge": EdgeIndex(tmp_path_factory.mktemp("edge-pair") / "vectors", encoder=pair),
        "qdrant-client local": ClientIndex(location=":memory:", encoder=pair),
    }
    try:
        yield {name: synced(index.open(), home) for name, index in indexes.items()}
    finally:
        for index in indexes.values():
            index.close()


HYBRID = [q for q in QUERIES if q[2] == "hybrid"]


@pytest.mark.parametrize("how", [ranked_raw, ranked_cli], ids=["index", "search"])
@pytest.mark.parametrize(("query", "filters", "mode"), HYBRID, ids=[f"{q[:12]}-{f}" for q, f, _ in HYBRID])
def test_vector_congruence_pair_of_encoders_same_top10(
    pair_backends: dict[str, VectorIndex], query: str, filters: dict[str, Any], mode: str, how: Any
) -> None:
    results = {name: how(index, query, filters, mode) for name, index in pair_backends.items()}
    (ref_name, reference), (name, result) = results.items()
    assert reference, f"{query!r} {filters} found nothing on {ref_name}"
    after = reference[TOP][1] if len(reference) > TOP else None
    why = tie_congruent(reference[:TOP], result[:TOP], after, SEARCH_STEP if how is ranked_cli else 0.0)
    assert why is None, f"{query!r} {filters}: {ref_name} vs {name}: {why}"


def test_vector_congruence_pair_stores_and_ranks_the_second_vector(
    pair_backends: dict[str, VectorIndex],
) -> None:
    for name, index in pair_backends.items():
        assert index.stored_encoder() == ("use+hash", 512), name
        hits = index.search("科技馆建筑体大修", top_k=5)
        assert all(len(h.raw) == 3 for h in hits), name  # cosine, BM25, second cosine
        assert hits[0].raw[2] is not None and hits[0].raw[2] > 0.3, (name, hits[0].raw)


def test_vector_congruence_clause_pieces_hold_the_first_dense_vector_only(
    pair_backends: dict[str, VectorIndex],
) -> None:
    from budgetscope.vector.query import DENSE, LEXICAL, SECOND, Ask, Query
    from budgetscope.vector.sparse import query_vector

    query = "科技馆建筑体大修，更换空调"
    for name, index in pair_backends.items():
        pair = index.encoder
        assert pair is not None
        vectors = {
            DENSE: pair.encode_queries([query])[0].tolist(),
            SECOND: pair.second.encode_queries([query])[0].tolist(),  # type: ignore[attr-defined]
            LEXICAL: query_vector(query),
        }
        found = {
            using: index._query(Ask([Query(using, vector)], [], 500, ["piece"]))[0]
            for using, vector in vectors.items()
        }
        assert any("piece" in (p.payload or {}) for p in found[DENSE]), name  # USE's list holds pieces
        for using in (SECOND, LEXICAL):  # the other lists never do
            assert found[using] and not any("piece" in (p.payload or {}) for p in found[using]), (name, using)
