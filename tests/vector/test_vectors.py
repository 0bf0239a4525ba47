"""The vector index on both engines (qdrant-edge on disk, qdrant-client in memory): real USE encoder,
real section texts; every behaviour test runs on each backend."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.chunks import Chunk, record_points
from budgetscope.index.encoders import Encoder, HashEncoder, get_encoder
from budgetscope.models import Citation, Record
from budgetscope.vector.base import HNSW_EF_CONSTRUCT, HNSW_M, VectorIndex
from budgetscope.vector.client import ClientIndex, build_filter
from budgetscope.vector.edge import EdgeIndex, edge_filter
from budgetscope.vector.points import CHUNK_CHARS, DEFAULT_CHUNK_CHARS
from budgetscope.vector.query import (
    DENSE,
    FILTER_FIELDS,
    LEXICAL,
    Ask,
    EncoderMismatch,
    IndexLocked,
    Query,
    VectorIndexError,
    canonical,
    conditions,
    fused_ranking,
)
from budgetscope.vector.sparse import query_vector

B26 = "sast-2026-department-budget.txt"
B23 = "sast-2023-department-budget.txt"
DEPT = "上海市科学技术协会"


def narrative(
    doc: str, line: int, year: int, name: str, citing: list[str] | None = None, **sections: str
) -> Record:
    """A project narrative's record."""
    return Record(
        id=f"{doc[:9]}-{line}",
        kind="narrative",
        doc=doc,
        line=line,
        department=DEPT,
        year=year,
        title=f"{name}经费情况说明",
        name=name,
        sections=dict(sections),
        citations=[Citation(title=c, canonical=c, section="legal_basis") for c in citing or []],
    )


# Section texts verbatim from corpus/ (first sentences where a section is long).
RECORDS = [
    narrative(
        B26,
        404,
        2026,
        "科协大院日常修缮项目",
        ["中华人民共和国消防法"],
        overview="通过更换现有空调设备，提升会议厅环境舒适度与能源利用效率，更好满足国际学术会议的高标准需求；"
        "通过对会议厅内关键设备进行整体现代化更新，强化学术交流与国际合作的技术支撑能力。",
    ),
    narrative(
        B26,
        489,
        2026,
        "大院综合治理项目",
        ["中华人民共和国消防法"],
        overview="为系统性提升大院整体安全防控与应急管理能力，筑牢“人防、物防、技防”三位一体的安全保障体系，"
        "本项目聚焦于消防安全、反恐防范、安防系统可靠性及人员应急处置能力四大核心领域，具体内容包括：在院内完善微型消防站，"
        "完善门卫反恐装备，更新安防机房监控存储硬盘，并同步组织开展消防演习与专业化培训。",
    ),
    narrative(
        B26,
        552,
        2026,
        "科普资源平台建设项目",
        overview="上海公民科学素质工作在运行机制、内容供给和传播方式上力求创新，打造科普资源库，深入实施分众传播、精准传播。",
    ),
    narrative(
        B26,
        591,
        2026,
        "科技社团党建项目",
        overview="在上海市科协所属科技社团中开展党建工作，推动科技社团党组织发挥好政治引领作用，"
        "为建设具有全球影响力的科技创新中心提供政治保障。",
        implementing_body="上海市科学技术协会学会服务中心",
        period="2026.1.1-2026.12.31",
    ),
    narrative(
        B26,
        720,
        2026,
        "科技社团创新发展赋能计划",
        overview="上海市科学技术协会学会服务中心围绕本单位服务学会的职能定位，拟在2026年度开展科技社团学会学术服务等活动。"
        "活动将由学会秘书长沙龙、市科协学术年会（院士圆桌会议）两个内容构成。",
    ),
    narrative(
        B26,
        752,
        2026,
        "科技工作者系列服务项目",
        overview="大力贯彻落实市委群团改革方案，以专业化、社会化、艺术化方式，组织协调市文化艺术院团、市级学会等单位力量，"
        "继续开展为科技工作者提供一系列服务工作。",
    ),
    narrative(B26, 1076, 2026, "机关服务费", overview="机关公务用车保障"),
    narrative(
        B23,
        453,
        2023,
        "科技社团党建工作项目",
        overview="（上海市科协在所属科技社团中开展党建工作，重在引导科技社团把握政治方向，"
        "推动科技社团服务经济社会发展，为建设具有全球影响力的科技创新中心提供政治保障。",
        period="2023年1月-2023年12月",
    ),
]
ID = {(r.doc, r.line): r.id for r in RECORDS}

QUERIES = [
    "party building in scientific societies",
    "学会秘书长沙龙",
    "公务车辆的使用保障",
    "消防演习和安防监控存储",
    "大院的空调和会议厅设备更新",
]


def all_chunks(spec: str) -> list[Chunk]:
    """Every record's chunks at the size search uses for the encoder (USE: 120 characters)."""
    size = CHUNK_CHARS.get(spec, DEFAULT_CHUNK_CHARS)
    return [chunk for record in RECORDS for chunk in record_points(record, spec, max_chars=size)]


@pytest.fixture(scope="module")
def use() -> Encoder:
    return get_encoder("use")


ENGINES = ["edge", "client"]


def new_index(engine: str, folder: Path, encoder: Encoder | None) -> VectorIndex:
    """An empty index on one engine: qdrant-edge in ``folder``, qdrant-client's local mode in memory."""
    if engine == "edge":
        return EdgeIndex(folder / "vectors", encoder=encoder)
    return ClientIndex(location=":memory:", encoder=encoder)


@pytest.fixture(scope="module")
def edge(use: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VectorIndex]:
    with new_index("edge", tmp_path_factory.mktemp("edge"), use) as index:
        index.upsert(all_chunks("use"))
        index.finish()
        yield index


@pytest.fixture(scope="module")
def client(use: Encoder) -> Iterator[VectorIndex]:
    with new_index("client", Path(), use) as index:
        index.upsert(all_chunks("use"))
        yield index


@pytest.fixture(params=ENGINES)
def memory(request: pytest.FixtureRequest) -> VectorIndex:
    """The corpus sentences' index on each engine in turn."""
    index: VectorIndex = request.getfixturevalue(request.param)
    return index


def ranked(hits: list[Any]) -> list[tuple[str, float]]:
    return [(hit.project_id, round(hit.score, 4)) for hit in hits]


def test_vectors_english_query_finds_party_building(memory: VectorIndex) -> None:
    hits = memory.search("party building in scientific societies", top_k=3)
    assert "党建" in hits[0].payload["name"]
    assert {h.project_id for h in hits[:2]} == {ID[B26, 591], ID[B23, 453]}


def test_vectors_english_query_best_chunk_is_the_name(memory: VectorIndex) -> None:
    hit = memory.search("party building in scientific societies", mode="dense", top_k=1)[0]
    assert (hit.project_id, hit.payload["part"], hit.payload["section"]) == (ID[B26, 591], "name", "overview")
    assert hit.payload["text"].startswith("在上海市科协所属科技社团中开展党建工作")  # snippet: the overview


def test_vectors_short_sections_found_through_brief_chunk(memory: VectorIndex) -> None:
    hit = memory.search("公务车辆的使用保障", mode="dense", top_k=1)[0]
    assert (hit.project_id, hit.payload["part"], hit.payload["text"]) == (
        ID[B26, 1076],
        "brief",
        "机关公务用车保障",
    )


@pytest.mark.parametrize(
    ("query", "mode", "expected"),
    [
        ("学会秘书长沙龙", "sparse", (B26, 720)),
        ("学会秘书长沙龙", "hybrid", (B26, 720)),
        ("公务车辆的使用保障", "dense", (B26, 1076)),
        ("消防演习和安防监控存储", "hybrid", (B26, 489)),
        ("大院的空调和会议厅设备更新", "hybrid", (B26, 404)),
    ],
)
def test_vectors_search_finds_project(
    memory: VectorIndex, query: str, mode: Any, expected: tuple[str, int]
) -> None:
    assert memory.search(query, mode=mode, top_k=3)[0].project_id == ID[expected]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "sparse"])
@pytest.mark.parametrize("query", QUERIES)
def test_vectors_engines_agree(edge: VectorIndex, client: VectorIndex, query: str, mode: Any) -> None:
    assert ranked(edge.search(query, mode=mode, top_k=5)) == ranked(client.search(query, mode=mode, top_k=5))


def test_vectors_engines_agree_on_counts(edge: VectorIndex, client: VectorIndex) -> None:
    assert edge.count() == client.count() == len(all_chunks("use"))
    # the 2023 record: its name, its overview, its period (a brief part)
    assert edge.count(filters={"year": 2023}) == client.count(filters={"year": 2023}) == 3
    assert dict(edge.payloads()) == dict(client.payloads())


def test_vectors_one_hit_per_project_best_chunk(memory: VectorIndex) -> None:
    hits = memory.search("科技社团党建 2026.1.1-2026.12.31", top_k=len(RECORDS))
    projects = [h.project_id for h in hits]
    assert len(projects) == len(set(projects)) == len(RECORDS)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_vectors_grouping_widens_candidates_until_top_k_projects(memory: VectorIndex) -> None:
    hits = memory.search("科技社团", top_k=5, candidates=1)
    assert len({h.project_id for h in hits}) == 5


def eager_search(index: VectorIndex, query: str, top_k: int, limit: int, year: int | None) -> list[tuple]:
    """What search gives, from candidate lists read whole with every point's project (the way before #15's
    lazy reading): (project, point id, fused score, best score per list), best first."""
    assert index.encoder is not None
    queries = [
        Query(DENSE, index.encoder.encode_queries([query])[0].tolist()),
        Query(LEXICAL, query_vector(query)),
    ]
    where = conditions({"year": year})
    while True:
        lists = [canonical(r) for r in index._query(Ask(queries, where, limit, ["project_id"]))]
        project = {p.id: str((p.payload or {})["project_id"]) for ranked in lists for p in ranked}
        best: dict[str, tuple] = {}
        for point_id, score in fused_ranking(lists, "rrf", (1.0, 1.0)):
            best.setdefault(project[point_id], (index.point_str(point_id), round(score, 9)))
        if len(best) >= top_k or all(len(r) < limit for r in lists):
            break
        limit *= 2
    tops = [{} for _ in lists]
    for top, ranked in zip(tops, lists, strict=True):
        for p in ranked:
            top[project[p.id]] = max(top.get(project[p.id], float("-inf")), round(float(p.score), 5))
    return [(pr, *best[pr], tuple(top.get(pr) for top in tops)) for pr in list(best)[:top_k]]


@pytest.mark.parametrize("year", [None, 2026])
@pytest.mark.parametrize("candidates", [3, 6, 50])
def test_vectors_search_reads_projects_lazily_to_the_same_hits(
    memory: VectorIndex, candidates: int, year: int | None
) -> None:
    """Short candidate lists whose projects are read only in part (the rest's best scores asked of the
    engine by filter) give the hits and best scores of the lists read whole."""
    for query in QUERIES:
        hits = memory.search(query, top_k=4, candidates=candidates, filters={"year": year})
        got = [
            (
                h.project_id,
                h.point_id,
                round(h.score, 9),
                tuple(None if r is None else round(r, 5) for r in h.raw),
            )
            for h in hits
        ]
        assert got == eager_search(memory, query, 4, candidates, year), query


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"year": 2023}, lambda p: p["year"] == 2023),
        ({"section": "period"}, lambda p: p["section"] == "period"),
        ({"cites": "中华人民共和国消防法"}, lambda p: "中华人民共和国消防法" in p["cites"]),
        ({"doc": [B23]}, lambda p: p["doc"] == B23),
        ({"department": DEPT, "year": None}, lambda p: p["department"] == DEPT),
    ],
)
def test_vectors_search_filters(memory: VectorIndex, filters: dict, check: Any) -> None:
    hits = memory.search("党建工作", filters=filters, top_k=10)
    assert hits
    assert all(check(h.payload) for h in hits)


def test_vectors_year_filter_picks_the_year(memory: VectorIndex) -> None:
    for year, expected in [(2026, (B26, 591)), (2023, (B23, 453))]:
        hit = memory.search("party building in scientific societies", filters={"year": year}, top_k=1)[0]
        assert hit.project_id == ID[expected]


def test_vectors_cites_filter_returns_only_citing_projects(memory: VectorIndex) -> None:
    hits = memory.search("科协", filters={"cites": ["中华人民共和国消防法"]}, top_k=10)
    assert {h.project_id for h in hits} == {ID[B26, 404], ID[B26, 489]}


def test_vectors_zero_sparse_weight_gives_dense_order(memory: VectorIndex) -> None:
    dense = [h.project_id for h in memory.search("学会秘书长沙龙", mode="dense", top_k=3)]
    fused = [h.project_id for h in memory.search("学会秘书长沙龙", weights=(1.0, 0.0), top_k=3)]
    assert fused == dense


def test_vectors_weighted_fusion_scores_in_unit_interval(memory: VectorIndex) -> None:
    hits = memory.search("消防演习和安防监控存储", fusion="weighted", weights=(0.5, 0.5), top_k=5)
    assert hits[0].project_id == ID[B26, 489]
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_vectors_hit_payload_carries_provenance(memory: VectorIndex) -> None:
    hit = memory.search("学会秘书长沙龙", top_k=1)[0]
    assert {k: hit.payload[k] for k in ("doc", "line", "year", "name", "section", "kind", "encoder")} == {
        "doc": B26,
        "line": 720,
        "year": 2026,
        "name": "科技社团创新发展赋能计划",
        "section": "overview",
        "kind": "narrative",
        "encoder": "use",
    }
    assert "学会秘书长沙龙" in hit.payload["text"]


def test_vectors_search_fields_select_the_hits_payload(memory: VectorIndex) -> None:
    full = memory.search("学会秘书长沙龙", top_k=3)
    some = memory.search("学会秘书长沙龙", top_k=3, fields=("name", "text"))
    assert [(h.point_id, h.score, h.raw) for h in some] == [(h.point_id, h.score, h.raw) for h in full]
    assert [set(h.payload) for h in some] == [{"project_id", "name", "text"}] * 3
    assert [h.payload["text"] for h in some] == [h.payload["text"] for h in full]
    assert "学会秘书长沙龙" in some[0].payload["text"]


def test_vectors_upsert_same_chunks_is_idempotent(memory: VectorIndex) -> None:
    before = memory.count()
    assert memory.upsert(all_chunks("use")[:3]) == 3
    assert memory.count() == before


@pytest.mark.parametrize("engine", ENGINES)
def test_vectors_stored_encoder(memory: VectorIndex, engine: str, tmp_path: Path) -> None:
    assert memory.stored_encoder() == ("use", 512)
    with new_index(engine, tmp_path, None) as empty:
        assert empty.stored_encoder() is None


def test_vectors_edge_shard_gets_payload_indexes(tmp_path: Path) -> None:
    with EdgeIndex(tmp_path / "vectors", encoder=HashEncoder()) as index:
        index.create()
        schema = index.shard.info().payload_schema  # type: ignore[attr-defined]
    assert {
        field: str(info.data_type).rsplit(".", 1)[-1].lower() for field, info in schema.items()
    } == FILTER_FIELDS


def test_vectors_edge_shard_builds_the_denser_hnsw_graph(tmp_path: Path) -> None:
    """The graph is built with HNSW_M links and HNSW_EF_CONSTRUCT candidates (not Qdrant's 16 / 100, which
    miss neighbours at a million chunks), as the engine records it and its built segment says."""
    with EdgeIndex(tmp_path / "vectors", encoder=HashEncoder()) as index:
        index.create()
    config = json.loads((tmp_path / "vectors" / "edge_config.json").read_text(encoding="utf-8"))
    assert (config["hnsw_config"]["m"], config["hnsw_config"]["ef_construct"]) == (HNSW_M, HNSW_EF_CONSTRUCT)
    assert (HNSW_M, HNSW_EF_CONSTRUCT) > (16, 100)


def test_vectors_server_collection_asks_for_the_same_hnsw_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A collection created on a Qdrant server (here the client's local mode, which records the request)
    asks for the same graph as the embedded engine builds."""
    from qdrant_client import QdrantClient

    asked: dict[str, Any] = {}
    real = QdrantClient.create_collection

    def spy(self: QdrantClient, collection_name: str, **kwargs: Any) -> Any:
        asked.update(kwargs)
        return real(self, collection_name, **kwargs)

    monkeypatch.setattr(QdrantClient, "create_collection", spy)
    with ClientIndex(location=":memory:", encoder=HashEncoder()) as index:
        index.create()
    assert (asked["hnsw_config"].m, asked["hnsw_config"].ef_construct) == (HNSW_M, HNSW_EF_CONSTRUCT)


def test_vectors_new_collection_gets_payload_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    from qdrant_client import QdrantClient

    created: dict[str, Any] = {}
    real = QdrantClient.create_payload_index

    def spy(self: QdrantClient, collection_name: str, field_name: str, **kwargs: Any) -> Any:
        created[field_name] = kwargs["field_schema"]
        return real(self, collection_name, field_name, **kwargs)

    monkeypatch.setattr(QdrantClient, "create_payload_index", spy)
    with ClientIndex(location=":memory:", encoder=HashEncoder()) as index:
        index.create()
    assert {field: str(schema.value) for field, schema in created.items()} == FILTER_FIELDS


@pytest.mark.parametrize("engine", ENGINES)
def test_vectors_delete_doc_removes_only_that_doc(engine: str, tmp_path: Path) -> None:
    with new_index(engine, tmp_path, HashEncoder()) as index:
        index.upsert(all_chunks("hash"))
        total = index.count()
        assert index.count(filters={"doc": B23}) == 3
        index.delete_doc(B23)
        assert index.count() == total - 3
        assert index.count(filters={"doc": B23}) == 0
        index.delete_doc(B23)
        assert index.count() == total - 3


@pytest.mark.parametrize("engine", ENGINES)
def test_vectors_set_cites_replaces_them_on_every_point_of_the_project(engine: str, tmp_path: Path) -> None:
    with new_index(engine, tmp_path, HashEncoder()) as index:
        index.upsert(all_chunks("hash"))
        project = ID[B26, 404]
        assert index.cites_by_project(B26)[project] == ["中华人民共和国消防法"]
        index.set_cites(project, ["上海市消防条例"])
        assert index.cites_by_project(B26)[project] == ["上海市消防条例"]
        assert (
            index.count(filters={"cites": "上海市消防条例"})
            == index.count(filters={"project_id": project})
            > 1
        )
        assert index.docs() == {B23, B26}


def test_vectors_disk_index_persists_across_reopen(tmp_path: Path) -> None:
    with EdgeIndex(tmp_path, encoder=HashEncoder()) as index:
        index.upsert(all_chunks("hash"))
        before = ranked(index.search("学会秘书长沙龙"))
    with EdgeIndex(tmp_path, encoder=HashEncoder()) as index:
        assert index.count() == len(all_chunks("hash"))
        assert ranked(index.search("学会秘书长沙龙")) == before


@pytest.mark.parametrize("engine", ["edge", "client-folder"])
def test_vectors_refuses_other_encoder(tmp_path: Path, use: Encoder, engine: str) -> None:
    def at(encoder: Encoder) -> VectorIndex:
        if engine == "edge":
            return EdgeIndex(tmp_path, encoder=encoder)
        return ClientIndex(path=tmp_path, encoder=encoder)

    with at(HashEncoder()) as index:
        index.upsert(all_chunks("hash")[:2])
    with pytest.raises(EncoderMismatch) as err, at(use) as index:
        index.search("党建")
    message = str(err.value)
    assert "hash (256-d)" in message and "use (512-d)" in message and "\n" not in message
    with (
        pytest.raises(EncoderMismatch, match=r"hash \(256-d\), not hash \(128-d\)"),
        at(HashEncoder(dim=128)) as index,
    ):
        index.upsert(all_chunks("hash")[:1])
    with at(HashEncoder()) as index:  # the failed calls released the index
        assert index.count() == 2


LOCK_PROBE = """
import sys
from budgetscope.vector.edge import EdgeIndex
from budgetscope.vector.query import IndexLocked
try:
    EdgeIndex(sys.argv[1]).open().close()
except IndexLocked as exc:
    print("IndexLocked:", exc)
else:
    print("opened")
"""


def test_vectors_second_process_gets_index_locked(tmp_path: Path) -> None:
    def probe() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", LOCK_PROBE, str(tmp_path)], capture_output=True, text=True, timeout=60
        )

    with EdgeIndex(tmp_path, encoder=HashEncoder()) as index:
        index.upsert(all_chunks("hash")[:1])
        locked = probe()
    assert locked.stdout.startswith("IndexLocked: index ")
    assert len(locked.stdout.strip().splitlines()) == 1
    assert "Traceback" not in locked.stderr
    assert probe().stdout.strip() == "opened"


def test_vectors_index_locked_is_a_vector_index_error() -> None:
    assert issubclass(IndexLocked, VectorIndexError) and issubclass(EncoderMismatch, VectorIndexError)


@pytest.mark.parametrize("kwargs", [{}, {"path": "/tmp/x", "url": "http://localhost:6333"}])
def test_vectors_needs_exactly_one_location(kwargs: dict) -> None:
    with pytest.raises(VectorIndexError):
        ClientIndex(**kwargs)


def test_vectors_unreachable_server_is_one_line_error_and_no_warning() -> None:
    """qdrant-client checks a server's version on a thread of its own that warns on stderr ("Failed to obtain
    server version") when the server does not answer: the one-line error says it, the warning must not
    (review 30-b #10). The threads the client started are waited for, so a late warning is caught too."""
    import threading
    import warnings

    before = set(threading.enumerate())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(VectorIndexError) as err:
            ClientIndex(url="http://127.0.0.1:1", encoder=HashEncoder()).count()
        for thread in set(threading.enumerate()) - before:
            thread.join(timeout=30)
    assert str(err.value) == "cannot reach Qdrant at http://127.0.0.1:1: Connection refused"
    assert [str(w.message) for w in caught] == []


def test_vectors_construction_and_open_create_nothing(tmp_path: Path) -> None:
    EdgeIndex(tmp_path / "never", encoder=HashEncoder())
    assert not (tmp_path / "never").exists()
    with EdgeIndex(tmp_path / "home" / "vectors", encoder=HashEncoder(), read_only=True) as index:
        assert not index.exists() and index.count() == 0
    assert not (tmp_path / "home").exists()
    with EdgeIndex(tmp_path / "vectors", encoder=HashEncoder()) as index:
        assert not index.exists()
        index.create()
        assert index.exists() and index.count() == 0
        index.drop()
        assert not index.exists() and not (tmp_path / "vectors").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_vectors_empty_index_searches_to_nothing(engine: str, tmp_path: Path) -> None:
    with new_index(engine, tmp_path, HashEncoder()) as index:
        assert index.search("党建") == []
        assert index.count() == 0
        index.create()
        assert index.search("党建") == []
    assert new_index(engine, tmp_path / "other", None).search("党建") == []


def test_vectors_bad_filter_and_mode_are_named_errors(memory: VectorIndex) -> None:
    with pytest.raises(VectorIndexError, match="unknown filter field 'region'"):
        memory.search("党建", filters={"region": "上海"})
    with pytest.raises(VectorIndexError, match="unknown search mode"):
        memory.search("党建", mode="bm25")  # type: ignore[arg-type]


def test_vectors_build_filter_scalars_and_lists() -> None:
    where = conditions({"year": 2026, "section": ["goals", "plan"], "department": None})
    assert where == [("year", 2026), ("section", ["goals", "plan"])]
    assert edge_filter(where) is not None and edge_filter([]) is None
    query_filter = build_filter(where)
    assert query_filter is not None
    [year, section] = query_filter.must  # type: ignore[misc]
    assert (year.key, year.match.value) == ("year", 2026)  # type: ignore[union-attr]
    assert (section.key, section.match.any) == ("section", ["goals", "plan"])  # type: ignore[union-attr]
    assert build_filter({}) is None and build_filter(None) is None
