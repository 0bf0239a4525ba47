"""The Qdrant index: real USE encoder, real section texts, embedded in memory and on disk."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.chunks import Chunk, record_points
from budgetscope.index.encoders import Encoder, HashEncoder, get_encoder
from budgetscope.index.search import CHUNK_CHARS, DEFAULT_CHUNK_CHARS
from budgetscope.index.vectors import (
    FILTER_FIELDS,
    EncoderMismatch,
    IndexLocked,
    VectorIndex,
    VectorIndexError,
    build_filter,
)

B26 = "sast-2026-department-budget.txt"
B23 = "sast-2023-department-budget.txt"
DEPT = "上海市科学技术协会"


def narrative(
    doc: str, line: int, year: int, name: str, citing: list[str] | None = None, **sections: str
) -> dict:
    """A record of the DESIGN.md contract, as `budgetscope extract --format jsonl` prints it."""
    return {
        "id": f"{doc[:9]}-{line}",
        "kind": "narrative",
        "doc": doc,
        "line": line,
        "page": None,
        "department": DEPT,
        "year": year,
        "title": f"{name}经费情况说明",
        "name": name,
        "sections": sections,
        "budget_total_yuan": None,
        "citations": [{"title": c, "canonical": c, "section": "legal_basis"} for c in citing or []],
    }


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
ID = {(r["doc"], r["line"]): r["id"] for r in RECORDS}

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


@pytest.fixture(scope="module")
def memory(use: Encoder) -> Iterator[VectorIndex]:
    with VectorIndex(location=":memory:", encoder=use) as index:
        index.upsert(all_chunks("use"))
        yield index


@pytest.fixture(scope="module")
def disk(use: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VectorIndex]:
    with VectorIndex(path=tmp_path_factory.mktemp("qdrant"), encoder=use) as index:
        index.upsert(all_chunks("use"))
        yield index


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
def test_vectors_memory_and_disk_agree(memory: VectorIndex, disk: VectorIndex, query: str, mode: Any) -> None:
    assert ranked(memory.search(query, mode=mode, top_k=5)) == ranked(disk.search(query, mode=mode, top_k=5))


def test_vectors_memory_and_disk_agree_on_counts(memory: VectorIndex, disk: VectorIndex) -> None:
    assert memory.count() == disk.count() == len(all_chunks("use"))
    # the 2023 record: its name, its overview, its period (a brief part)
    assert memory.count(filters={"year": 2023}) == disk.count(filters={"year": 2023}) == 3


def test_vectors_one_hit_per_project_best_chunk(memory: VectorIndex) -> None:
    hits = memory.search("科技社团党建 2026.1.1-2026.12.31", top_k=len(RECORDS))
    projects = [h.project_id for h in hits]
    assert len(projects) == len(set(projects)) == len(RECORDS)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_vectors_grouping_widens_candidates_until_top_k_projects(memory: VectorIndex) -> None:
    hits = memory.search("科技社团", top_k=5, candidates=1)
    assert len({h.project_id for h in hits}) == 5


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


def test_vectors_upsert_same_chunks_is_idempotent(memory: VectorIndex) -> None:
    before = memory.count()
    assert memory.upsert(all_chunks("use")[:3]) == 3
    assert memory.count() == before


def test_vectors_stored_encoder(memory: VectorIndex) -> None:
    assert memory.stored_encoder() == ("use", 512)
    assert VectorIndex(location=":memory:").stored_encoder() is None


def test_vectors_new_collection_gets_payload_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    from qdrant_client import QdrantClient

    created: dict[str, Any] = {}
    real = QdrantClient.create_payload_index

    def spy(self: QdrantClient, collection_name: str, field_name: str, **kwargs: Any) -> Any:
        created[field_name] = kwargs["field_schema"]
        return real(self, collection_name, field_name, **kwargs)

    monkeypatch.setattr(QdrantClient, "create_payload_index", spy)
    with VectorIndex(location=":memory:", encoder=HashEncoder()):
        pass
    assert {field: str(schema.value) for field, schema in created.items()} == FILTER_FIELDS


def test_vectors_delete_doc_removes_only_that_doc() -> None:
    with VectorIndex(location=":memory:", encoder=HashEncoder()) as index:
        index.upsert(all_chunks("hash"))
        n23 = index.count(filters={"doc": B23})
        total = index.count()
        assert index.delete_doc(B23) == n23 == 3
        assert index.count() == total - n23
        assert index.count(filters={"doc": B23}) == 0
        assert index.delete_doc(B23) == 0


def test_vectors_disk_index_persists_across_reopen(tmp_path: Path) -> None:
    with VectorIndex(path=tmp_path, encoder=HashEncoder()) as index:
        index.upsert(all_chunks("hash"))
        before = ranked(index.search("学会秘书长沙龙"))
    with VectorIndex(path=tmp_path, encoder=HashEncoder()) as index:
        assert index.count() == len(all_chunks("hash"))
        assert ranked(index.search("学会秘书长沙龙")) == before


def test_vectors_refuses_other_encoder(tmp_path: Path, use: Encoder) -> None:
    with VectorIndex(path=tmp_path, encoder=HashEncoder()) as index:
        index.upsert(all_chunks("hash")[:2])
    with pytest.raises(EncoderMismatch) as err, VectorIndex(path=tmp_path, encoder=use):
        pass
    message = str(err.value)
    assert "hash (256-d)" in message and "use (512-d)" in message and "\n" not in message
    with pytest.raises(EncoderMismatch, match=r"hash \(256-d\), not hash \(128-d\)"):
        VectorIndex(path=tmp_path, encoder=HashEncoder(dim=128)).open()
    with VectorIndex(path=tmp_path, encoder=HashEncoder()) as index:  # the failed opens released the lock
        assert index.count() == 2


LOCK_PROBE = """
import sys
from budgetscope.index.vectors import IndexLocked, VectorIndex
try:
    VectorIndex(path=sys.argv[1]).open().close()
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

    with VectorIndex(path=tmp_path, encoder=HashEncoder()) as index:
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
        VectorIndex(**kwargs)


def test_vectors_unreachable_server_is_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from qdrant_client.qdrant_remote import QdrantRemote

    # The client checks the server version in a background thread that warns when unreachable.
    monkeypatch.setattr(QdrantRemote, "_check_compatibility", staticmethod(lambda *args: None))
    with pytest.raises(VectorIndexError, match=r"^cannot reach Qdrant at http://127.0.0.1:1: ") as err:
        VectorIndex(url="http://127.0.0.1:1", encoder=HashEncoder()).open()
    assert "\n" not in str(err.value)


def test_vectors_construction_opens_nothing(tmp_path: Path) -> None:
    VectorIndex(path=tmp_path / "never", encoder=HashEncoder())
    assert not (tmp_path / "never").exists()


def test_vectors_empty_index_searches_to_nothing() -> None:
    with VectorIndex(location=":memory:", encoder=HashEncoder()) as index:
        assert index.search("党建") == []
        assert index.count() == 0
    assert VectorIndex(location=":memory:").search("党建") == []


def test_vectors_bad_filter_and_mode_are_named_errors(memory: VectorIndex) -> None:
    with pytest.raises(VectorIndexError, match="unknown filter field 'region'"):
        memory.search("党建", filters={"region": "上海"})
    with pytest.raises(VectorIndexError, match="unknown search mode"):
        memory.search("党建", mode="bm25")  # type: ignore[arg-type]


def test_vectors_build_filter_scalars_and_lists() -> None:
    query_filter = build_filter({"year": 2026, "section": ["goals", "plan"], "department": None})
    assert query_filter is not None
    [year, section] = query_filter.must  # type: ignore[misc]
    assert (year.key, year.match.value) == ("year", 2026)  # type: ignore[union-attr]
    assert (section.key, section.match.any) == ("section", ["goals", "plan"])  # type: ignore[union-attr]
    assert build_filter({}) is None and build_filter(None) is None
