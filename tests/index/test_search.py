"""Search over the Qdrant index: sync with the store, hybrid search with filters, snippets, citation questions.

The semantic tests share one home per module (sast-2023 in the store, embedded with USE); the
bookkeeping of :func:`sync_index` is checked with the ``hash`` encoder, which embeds at once.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.index.ingest import ingest
from budgetscope.index.ranking import RELEVANCE_CUTOFF
from budgetscope.index.search import SearchFilters, query_terms, search, snippet_of
from budgetscope.models import Record
from budgetscope.store.sqlite import open_store
from budgetscope.vector.base import VectorIndex
from budgetscope.vector.points import points_of_records
from budgetscope.vector.sync import index_settings, open_index, save_index_settings, sync_index

B23 = "sast-2023-department-budget.txt"
B26 = "sast-2026-department-budget.txt"
T19 = "sast-2019-performance-targets.txt"
HIT_KEYS = {"doc", "line", "page", "id", "name", "kind", "year", "department", "section", "score", "snippet"}
SERVER_ENV = "BUDGETSCOPE_TEST_QDRANT_URL"
# Real text: the overview of 大院综合治理项目 (sast-2026 line 489) and the start of 落实推进《全民科学素质纲要》 (line 934).
SAFETY = (
    "为系统性提升大院整体安全防控与应急管理能力，筑牢“人防、物防、技防”三位一体的安全保障体系，本项目聚焦于消防安全、"
    "反恐防范、安防系统可靠性及人员应急处置能力四大核心领域，具体内容包括：在院内完善微型消防站，完善门卫反恐装备，"
    "更新安防机房监控存储硬盘，并同步组织开展消防演习与专业化培训。通过“物”的完善与“人”的赋能相结合，旨在构建一个"
    "设施完备、响应迅速、意识内化的现代化安全环境，为大院的平稳运行提供全方位、立体化的坚实保障。"
)
SCIENCE = (
    "2026年，上海市科协科普工作深入贯彻习近平新时代中国特色社会主义思想 and 党的二十大精神，进一步贯彻《中华人民共和国"
    "科学技术普及法》，持续推进《关于新时代进一步加强科学技术普及工作的意见》和《全民科学素质行动规划纲要（2021—2035年）》"
    "的落实和实施，以践行社会主义核心价值观、弘扬科学精神为主线，以深化科普供给侧改革为重点，着力打造社会化协同、"
    "智慧化传播、规范化建设和国际化合作的科学素质建设生态，营造热爱科学、崇尚创新的社会氛围。2026年工作将在运行机制、"
    "内容供给和传播方式上力求创新，加强社区书院建设，打造科普资源库，深入实施分众传播、精准传播"
)


def records(home: Path, doc: str | None = None) -> list[Record]:
    """The records in the store."""
    with open_store(home) as store:
        return [r for d in store.documents() if doc in (None, d.doc) for r in d.records]


def contracts(home: Path, doc: str | None = None) -> list[dict[str, Any]]:
    """The records in the store, as the record contract's dicts."""
    return [r.contract() for r in records(home, doc)]


def payloads(index: VectorIndex) -> dict[str, dict[str, Any]]:
    return dict(index.payloads())


def synced(home: Path, encoder: str, changed: list[str] | None = None) -> int:
    """Sync the index under home with its store, as `budgetscope ingest` does; the points written."""
    save_index_settings(home, encoder)
    with open_store(home) as store, open_index(home, encoder=encoder) as index:
        return sync_index(store, index, changed or [])


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    """sast-2023 (7 projects) in the store and in the index, embedded with USE."""
    home = tmp_path_factory.mktemp("use-home")
    assert not ingest([corpus / B23], home, workers=1).failed
    with embed_once():
        assert synced(home, "use") == len(points_of_records(records(home), "use"))
    return home


@pytest.fixture()
def index(home: Path) -> Iterator[VectorIndex]:
    with open_index(home) as index:
        yield index


# -- sync_index -----------------------------------------------------------------------------------


def test_search_sync_index_embeds_every_chunk_once(index: VectorIndex, home: Path) -> None:
    expected = points_of_records(records(home), "use")
    assert set(payloads(index)) == {chunk.id for chunk in expected}
    assert index.count() == len(expected) and index.docs() == {B23}


def test_search_sync_index_again_writes_nothing(home: Path) -> None:
    with open_index(home) as index:
        before = payloads(index)
    assert synced(home, "use") == 0
    with open_index(home) as index:
        assert payloads(index) == before


def test_search_sync_index_refreshes_cites_of_unchanged_documents(corpus: Path, tmp_path: Path) -> None:
    assert not ingest([corpus / B23], tmp_path, workers=1).failed
    synced(tmp_path, "hash")
    cites_before = {r["id"]: r["citations"] for r in contracts(tmp_path)}
    changed: list[str] = []
    ingest([corpus / B23, corpus / B26], tmp_path, workers=1, on_document=lambda d: changed.append(d.doc))
    assert changed == [B26]  # sast-2023 is unchanged, but linking it with sast-2026 renamed a canonical id
    assert any(r["citations"] != cites_before[r["id"]] for r in contracts(tmp_path, B23))
    assert synced(tmp_path, "hash", changed) == len(points_of_records(records(tmp_path, B26), "hash"))
    canonical = {
        r["id"]: sorted({c["canonical"] for c in r["citations"] if c["canonical"]})
        for r in contracts(tmp_path)
    }
    with open_index(tmp_path) as index:
        for payload in payloads(index).values():
            assert sorted(payload["cites"]) == canonical[payload["project_id"]]


def test_search_sync_index_drops_documents_gone_from_the_store(corpus: Path, tmp_path: Path) -> None:
    assert not ingest([corpus / B23, corpus / T19], tmp_path, workers=1).failed
    synced(tmp_path, "hash")
    with open_store(tmp_path) as store:
        assert store.delete_documents([T19]) == 1
    assert synced(tmp_path, "hash") == 0
    with open_index(tmp_path) as index:
        assert index.docs() == {B23}
        assert index.count() == len(points_of_records(records(tmp_path), "hash"))


def test_search_sync_index_embeds_a_document_it_has_no_points_for(corpus: Path, tmp_path: Path) -> None:
    assert not ingest([corpus / T19], tmp_path, workers=1).failed  # stored only, as `ingest --no-index` does
    assert synced(tmp_path, "hash", changed=[]) == len(points_of_records(records(tmp_path), "hash"))


def test_search_open_index_uses_the_recorded_encoder(home: Path, tmp_path: Path) -> None:
    assert index_settings(tmp_path) == {}
    assert index_settings(home) == {"encoder": "use", "pending": []}
    with open_index(home) as index:
        assert index.encoder is not None and (index.encoder.name, index.encoder.dim) == ("use", 512)
    assert open_index(home, qdrant_url="http://localhost:6333").url == "http://localhost:6333"


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("科技社团党建工作", 453),
        ("官方微信微博运维", 529),
        ("party building in scientific societies", 453),  # 科技社团党建工作项目
        ("international science and technology exchange with Hong Kong, Macao and Taiwan", 431),
    ],
)
def test_search_query_reaches_the_project(index: VectorIndex, query: str, line: int) -> None:
    hits = search(index, query, top_k=3)
    assert (hits[0].doc, hits[0].line) == (B23, line)


def test_search_hits_follow_the_contract(index: VectorIndex, home: Path) -> None:
    hits = search(index, "学会能力提升", cutoff=False)
    assert len(hits) == 7  # every project of sast-2023, once
    ranking = {
        "highlights",
        "dense",
        "lexical",
        "coverage",
        "sources",
        "unit",
        "budget_yuan",
        "budget_flagged",
    }
    assert all(h.model_fields_set == HIT_KEYS | ranking for h in hits)
    budgets = {r.id: r.budget_total_yuan for r in records(home)}  # the payload's, exact, where one was read
    assert all(h.budget_yuan == budgets[h.id] for h in hits) and any(h.budget_yuan for h in hits)
    assert len({h.id for h in hits}) == 7 and all(h.year == 2023 and h.doc == B23 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.sources[0].doc == h.doc and h.sources[0].line == h.line for h in hits)


def test_search_weak_hits_are_marked_in_place_and_no_close_match_is_few(index: VectorIndex) -> None:
    """With the cut-off, hits below the calibrated relevance are marked weak where the score puts them
    (the order is the score's); with none above it, three at most."""
    hits = search(index, "学会能力提升")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert not hits[0].weak and hits[0].relevance is not None  # 学会改革与发展项目 holds both terms
    assert all(h.weak == (h.relevance < RELEVANCE_CUTOFF) for h in hits if h.relevance is not None)
    assert any(h.weak for h in hits), "sast-2023's other projects hold neither term"
    unrelated = search(index, "高速铁路建设")
    assert unrelated and all(h.weak for h in unrelated) and len(unrelated) <= 3


def test_search_first_hits_do_not_depend_on_top_k(index: VectorIndex) -> None:
    """The CLI's 10 hits are the web page's first 10 of 30: the same projects, scores, relevance and marks."""
    few = search(index, "科普资源库和智慧科普平台", top_k=10)
    many = search(index, "科普资源库和智慧科普平台", top_k=30)
    keep = ("id", "score", "relevance", "weak")
    assert [h.model_dump(include=set(keep)) for h in few] == [
        h.model_dump(include=set(keep)) for h in many[:10]
    ]


def test_search_everyday_word_reaches_the_official_term(index: VectorIndex) -> None:
    """义工 (volunteers, as people say it) is 志愿服务 in the budget: the lexical side searches the official
    term too, the hit's snippet marks it, and it covers the query's word."""
    from budgetscope.index.translate import lexical_query

    assert "志愿服务" in lexical_query("科技义工队伍")
    hit = search(index, "科技义工队伍", top_k=3)[0]
    assert "志愿服务" in hit.snippet and hit.lexical and hit.coverage == 1.0 and not hit.weak
    assert "志愿" in {hit.snippet[a:b] for a, b in hit.highlights}


def test_search_typo_is_no_close_match(index: VectorIndex) -> None:
    """A query with no word the dictionaries know (a typo) has no coverage to go by: no close match."""
    hits = search(index, "zzqqxx")
    assert hits and len(hits) <= 3 and all(h.weak and h.coverage is None for h in hits)


@pytest.mark.parametrize("mode", ["dense", "sparse", "hybrid"])
def test_search_modes_all_find_the_lexical_match(index: VectorIndex, mode: Any) -> None:
    assert search(index, "科技社团党建工作", top_k=1, mode=mode)[0].line == 453


@pytest.mark.parametrize(
    ("filters", "lines"),
    [
        ({"cites": ["pd:none"]}, set()),
        ({"year": 2026}, set()),
        ({"section": "legal_basis"}, None),
        ({"kind": "form"}, set()),
    ],
)
def test_search_filters_restrict_every_hit(
    index: VectorIndex, filters: dict[str, Any], lines: set[int] | None
) -> None:
    hits = search(index, "科技社团党建工作", filters=filters)
    if lines is not None:
        assert {h.line for h in hits} == lines
    else:
        assert hits and all(getattr(h, k) == v for h in hits for k, v in filters.items())


def test_search_cites_filter_by_canonical_id(index: VectorIndex, home: Path) -> None:
    """The projects citing 中办发[2015]51号 (关于加强社会组织党的建设工作的意见), found in the store."""
    wanted = {
        c["canonical"]
        for r in contracts(home)
        for c in r["citations"]
        if c["doc_number"] == "中办发[2015]51号"
    }
    (canonical,) = wanted
    citing = {r["line"] for r in contracts(home) if any(c["canonical"] == canonical for c in r["citations"])}
    for filters in (SearchFilters(cites=[canonical]), {"cites": canonical}):
        assert {h.line for h in search(index, "new media platform", filters=filters)} == citing == {453}


def test_search_filters_dataclass_and_mapping_agree(index: VectorIndex) -> None:
    as_class = search(index, "项目实施方案", filters=SearchFilters(section="plan", year=2023))
    as_dict = search(index, "项目实施方案", filters={"section": "plan", "year": 2023})
    assert as_class == as_dict and all(h.section == "plan" for h in as_class)
    assert SearchFilters(section="plan").as_dict() == {"section": "plan"}


def test_search_snippet_comes_from_the_best_chunk(index: VectorIndex) -> None:
    top = search(index, "官方微信微博", top_k=1)[0]
    assert "微信" in top.snippet and "微博" in top.snippet
    assert {"微信", "微博"} <= {top.snippet[s:e] for s, e in top.highlights}


def test_search_clause_pieces_are_dense_only_and_carry_their_chunk(index: VectorIndex) -> None:
    points = payloads(index)
    pieces = {pid: p for pid, p in points.items() if "piece" in p}
    assert pieces  # USE: a chunk longer than PIECE_CHARS is also embedded in clause pieces
    chunk_of = {(p["project_id"], p["part"], p["chunk"]): p for p in points.values() if "piece" not in p}
    for p in pieces.values():
        assert {k: v for k, v in p.items() if k != "piece"} == chunk_of[
            (p["project_id"], p["part"], p["chunk"])
        ]
    # the lexical side never finds a piece (its words are its chunk's, counted once)
    for query in ("官方微信微博", "科普", "学会党建工作"):
        assert not {h.point_id for h in index.search(query, mode="sparse", top_k=10, fields=[])} & set(pieces)


def test_search_a_clause_query_is_answered_by_its_piece(index: VectorIndex) -> None:
    # one clause of a longer chunk (sast-2023's own text, taken from the index): its piece is the best point
    piece = next(p for p in payloads(index).values() if "piece" in p and len(p["text"]) > 90)
    from budgetscope.index.chunks import chunk_section

    clause = chunk_section(piece["text"], max_chars=60)[piece["piece"]][2]
    [hit] = index.search(clause, mode="dense", top_k=1, fields=[])
    assert hit.project_id == piece["project_id"]
    assert "piece" in payloads(index)[hit.point_id]
    hits = search(index, clause, top_k=3)
    assert hits[0].id == piece["project_id"] and hits[0].snippet in piece["text"]


# -- snippets -------------------------------------------------------------------------------------


def test_search_snippet_marks_point_at_the_query_terms() -> None:
    query = "消防演习和安防监控存储"
    snippet, marks = snippet_of(SAFETY, query)
    assert len(snippet) == 120 and snippet in SAFETY
    terms = [snippet[s:e] for s, e in marks]
    assert {"消防演习", "监控", "存储"} <= set(terms) and set(terms) <= set(query_terms(query))
    assert marks == sorted(marks) and all(e <= s2 for (_, e), (s2, _) in pairwise(marks))


def test_search_snippet_window_follows_the_terms_in_a_long_text() -> None:
    snippet, marks = snippet_of(SCIENCE, "社区书院建设")
    assert "社区书院" in snippet and not SCIENCE.startswith(snippet)
    assert "社区" in [snippet[s:e] for s, e in marks]


def test_search_snippet_of_short_text_is_the_text() -> None:
    assert snippet_of("上海科技馆更新改造指挥部", "科技馆") == ("上海科技馆更新改造指挥部", [[2, 5]])
    assert snippet_of(SAFETY, "party building") == (SAFETY[:120], [])


def test_search_snippet_highlights_english_terms_case_blind() -> None:
    text = "“上海科协”官方微信、微博于2013正式立项，开设App与Web专栏。"
    snippet, marks = snippet_of(text, "web app")
    assert sorted(snippet[s:e] for s, e in marks) == ["App", "Web"]


@settings(max_examples=150, deadline=None)
@given(
    start=st.integers(0, len(SAFETY)),
    length=st.integers(0, 300),
    query=st.sampled_from(["消防演习和安防监控存储", "安全保障 Safety", "", "？？", "人防、物防、技防"])
    | st.text(max_size=20),
)
def test_search_snippet_never_crashes_and_marks_stay_inside(start: int, length: int, query: str) -> None:
    text = (SAFETY + SCIENCE)[start : start + length]
    snippet, marks = snippet_of(text, query)
    assert len(snippet) <= 120 and snippet in text
    terms = {t.lower() for t in query_terms(query)}
    for s, e in marks:
        assert 0 <= s < e <= len(snippet) and snippet[s:e].lower() in terms


# -- a Qdrant server ------------------------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get(SERVER_ENV),
    reason=f"needs a Qdrant server: set {SERVER_ENV}=http://localhost:6333 (e.g. docker run -p 6333:6333 qdrant/qdrant)",
)
def test_search_server_and_embedded_agree(home: Path, tmp_path: Path) -> None:
    """The same store synced to a server (a collection of its own, dropped after) answers like embedded."""
    url = os.environ[SERVER_ENV]
    shutil.copy(home / "budgetscope.sqlite", tmp_path / "budgetscope.sqlite")
    collection = f"budgetscope-test-{uuid.uuid4().hex[:12]}"
    queries: list[tuple[str, dict[str, Any]]] = [
        ("party building in scientific societies", {}),
        ("官方微信微博运维", {}),
        ("项目实施方案", {"section": "plan"}),
    ]
    with (
        open_store(tmp_path) as store,
        open_index(tmp_path, qdrant_url=url, encoder="use", collection=collection) as server,
    ):
        try:
            assert sync_index(store, server) == server.count()
            with open_index(home) as embedded:
                assert server.count() == embedded.count() and server.docs() == embedded.docs()
                for query, filters in queries:
                    expected = [(h.id, h.section) for h in search(embedded, query, filters=filters, top_k=5)]
                    got = [(h.id, h.section) for h in search(server, query, filters=filters, top_k=5)]
                    assert got == expected, query
        finally:
            server.drop()


def test_search_near_words_serve_chinese_queries_on_use(index: VectorIndex, monkeypatch: Any) -> None:
    """A Chinese query some candidate misses a word of is scored with near words; an English one is not
    (its words are translations, not the encoder's); hits carry no trace of them."""
    import budgetscope.index.nearwords as nearwords

    calls: list[int] = []
    real = nearwords.near_coverage
    monkeypatch.setattr(nearwords, "near_coverage", lambda g, t, e: calls.append(len(t)) or real(g, t, e))
    hits = search(index, "党支部活动", top_k=3)
    assert calls and hits[0].name == "科技社团党建工作项目"
    assert all("near" not in h.model_dump() for h in hits)
    calls.clear()
    assert search(index, "party branch activities", top_k=3) and not calls
