"""Record-to-point conversion on real section texts of corpus/sast-2026-*.txt."""

from __future__ import annotations

import itertools
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.index.chunks import DEFAULT_MAX_CHARS, Chunk, chunk_section, point_id, record_points
from budgetscope.models import Citation, Form, Indicator, Record

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
BUDGET = "sast-2026-department-budget.txt"
HEADING = re.compile(r"^[一二三四五六七]、")


def section_text(project_heading: str, section_heading: str) -> str:
    """The body of one section of a narrative in the 2026 budget: non-blank lines joined by newlines."""
    lines = (CORPUS / BUDGET).read_text(encoding="utf-8").splitlines()
    start = lines.index(section_heading, lines.index(project_heading)) + 1
    body = []
    for line in lines[start:]:
        if HEADING.match(line):
            break
        if line.strip():
            body.append(line.strip())
    return "\n".join(body)


REPAIR = "科协大院日常修缮项目经费情况说明"
PARTY = "科技社团党建项目经费情况说明"


@pytest.fixture(scope="module")
def repair_overview() -> str:
    return section_text(REPAIR, "一、项目概述")


@pytest.fixture(scope="module")
def party_record() -> dict:
    sections = {
        "overview": section_text(PARTY, "一、项目概述"),
        "legal_basis": section_text(PARTY, "二、立项依据"),
        "implementing_body": "上海市科学技术协会学会服务中心",
        "plan": section_text(PARTY, "四、实施方案"),
        "period": "2026.1.1-2026.12.31",
        "budget": "2026年度财政资金预算总额50000.00元。",
        "goals": None,
    }
    return {
        "id": "d41d8cd98f00b204",
        "kind": "narrative",
        "doc": BUDGET,
        "line": 591,
        "page": None,
        "department": "上海市科学技术协会",
        "year": 2026,
        "title": PARTY,
        "name": "科技社团党建项目",
        "sections": sections,
        "budget_total_yuan": 50000,
        "citations": [
            {
                "title": "关于加强社会组织党的建设工作的意见（试行）",
                "doc_number": "中办发[2015]51号",
                "section": "legal_basis",
                "bracketed": True,
                "canonical": "pd-social-org-party",
            },
            {
                "title": "关于改革社会组织管理制度促进社会组织健康有序发展的意见",
                "doc_number": "中办国办发[2016]46号",
                "section": "legal_basis",
                "bracketed": True,
                "canonical": None,
            },
            {
                "title": "关于加强社会组织党的建设工作的意见（试行）",
                "doc_number": None,
                "section": "plan",
                "bracketed": True,
                "canonical": "pd-social-org-party",
            },
        ],
    }


def test_chunks_section_chunks_fit_and_end_at_sentences(repair_overview: str) -> None:
    chunks = chunk_section(repair_overview, max_chars=300)
    assert len(chunks) == 3
    for start, end, text in chunks:
        assert text == repair_overview[start:end]
        assert len(text) <= 300
        assert text[-1] in "。；"
    assert chunks[0][2].startswith("为深入贯彻习近平新时代中国特色社会主义思想")
    assert chunks[-1][2].endswith("具有归属感的科技工作者之家。")


def test_chunks_section_covers_all_text_in_order(repair_overview: str) -> None:
    chunks = chunk_section(repair_overview, max_chars=120)
    assert "".join(text for _, _, text in chunks) == repair_overview
    assert [s for s, _, _ in chunks] == sorted(s for s, _, _ in chunks)


def test_chunks_section_cuts_at_newlines() -> None:
    text = section_text(PARTY, "二、立项依据")
    first_line = text.split("\n")[0]
    chunks = chunk_section(text, max_chars=len(first_line) + 5)
    assert chunks[0][2] == first_line
    assert "\n" not in chunks[1][2][:1]


def test_chunks_section_short_text_is_one_chunk() -> None:
    assert chunk_section("2026.1.1-2026.12.31") == [(0, 19, "2026.1.1-2026.12.31")]


def test_chunks_section_long_sentence_cut_at_commas() -> None:
    sentence = "为进一步规范管理流程、提升综合服务品质，打造安全、舒适、先进、高效的硬件环境与人文氛围，现计划于2026年度推进大院日常运维"
    chunks = chunk_section(sentence, max_chars=25)
    assert [text for _, _, text in chunks] == [
        "为进一步规范管理流程、提升综合服务品质，",
        "打造安全、舒适、先进、高效的硬件环境与人文氛围，",
        "现计划于2026年度推进大院日常运维",
    ]


def test_chunks_section_run_without_punctuation_cut_hard() -> None:
    assert [t for _, _, t in chunk_section("机关公务用车保障", max_chars=4)] == ["机关公务", "用车保障"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_chunks_section_blank_gives_nothing(text: str) -> None:
    assert chunk_section(text) == []


def test_chunks_section_rejects_nonpositive_size() -> None:
    with pytest.raises(ValueError):
        chunk_section("内容。", max_chars=0)


@given(st.text(alphabet=st.sampled_from("科技党建。；，\n 、a1"), max_size=300), st.integers(1, 60))
def test_chunks_section_never_crashes_and_keeps_every_character(text: str, max_chars: int) -> None:
    chunks = chunk_section(text, max_chars=max_chars)
    assert all(0 < len(t) <= max_chars and t == text[s:e] and t == t.strip() for s, e, t in chunks)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(chunks))
    assert "".join(t for _, _, t in chunks).replace(" ", "").replace("\n", "") == text.replace(
        " ", ""
    ).replace("\n", "")


def test_chunks_record_points_ids_are_deterministic_uuids(party_record: dict) -> None:
    first = record_points(party_record, "use")
    again = record_points(dict(party_record), "use")
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    assert all(uuid.UUID(c.id).version == 5 for c in first)
    assert first[0].id == point_id("d41d8cd98f00b204", "overview", 0)


def test_chunks_record_points_skips_absent_sections(party_record: dict) -> None:
    sections = [c.payload["section"] for c in record_points(party_record, "use")]
    assert "goals" not in sections
    assert {"overview", "legal_basis", "implementing_body", "plan", "period", "budget"} <= set(sections)


def test_chunks_record_points_payload(party_record: dict) -> None:
    chunk = next(c for c in record_points(party_record, "use") if c.payload["section"] == "budget")
    assert chunk.payload == {
        "project_id": "d41d8cd98f00b204",
        "doc": BUDGET,
        "page": None,
        "line": 591,
        "year": 2026,
        "department": "上海市科学技术协会",
        "name": "科技社团党建项目",
        "title": PARTY,
        "kind": "narrative",
        "cites": ["pd-social-org-party"],
        "budget_total_yuan": 50000,
        "encoder": "use",
        "section": "budget",
        "part": "budget",
        "chunk": 0,
        "start": 0,
        "end": 24,
        "text": "2026年度财政资金预算总额50000.00元。",
    }


def test_chunks_record_points_embed_name_with_each_chunk(party_record: dict) -> None:
    for chunk in record_points(party_record, "use", max_chars=100):
        section = party_record["sections"][chunk.payload["section"]]
        assert chunk.text == "科技社团党建项目\n" + chunk.payload["text"]
        assert section[chunk.payload["start"] : chunk.payload["end"]] == chunk.payload["text"]


def test_chunks_record_points_max_chars_controls_chunk_count(party_record: dict) -> None:
    assert len(record_points(party_record, "use", max_chars=80)) > len(record_points(party_record, "use"))
    assert all(len(c.payload["text"]) <= DEFAULT_MAX_CHARS for c in record_points(party_record, "use"))


FORM_GOAL = (
    "稳步提高院士专家工作站的运行质量和规范化管理, 发挥引智聚智功能, 引导人才向人工智能、集成电路、"
    "生命健康、汽车、高端装备、先进材料等战略性新兴产业集聚。"
)
FORM_ROWS = [
    Indicator(level1="产出指标", level2="数量指标", level3="专家参与人数", target="≥100.00(人)"),
    Indicator(level1="产出指标", level2="质量指标", level3="创新服务活动质量达标率", target="=100.00(%)"),
    Indicator(level1="满意度指标", level2="服务对象满意度指标", level3="服务对象满意度", target="≥85.00(%)"),
]


def form_record(texts: dict[str, str], rows: list[Indicator]) -> dict:
    record = Record(
        id="f00dfeed00000005",
        kind="form",
        doc="sast-2026-performance-targets.txt",
        line=5,
        department="上海市科学技术协会",
        year=2026,
        title="创新服务与发展项目",
        name="创新服务与发展项目",
        form=Form(nature="其他一次性项目", amounts={"annual_total": Decimal("600000")}, indicators=rows),
    ).contract()
    record["form"]["texts"] = texts
    return record


def test_chunks_record_points_form_text_and_indicators() -> None:
    chunks = record_points(form_record({"年度总体目标": FORM_GOAL, "备注": ""}, FORM_ROWS), "use")
    assert [(c.payload["part"], c.payload["section"]) for c in chunks] == [
        ("年度总体目标", "goals"),
        ("indicators", "goals"),
    ]
    indicators = chunks[1]
    assert (
        indicators.payload["text"]
        == "专家参与人数：≥100.00(人)\n创新服务活动质量达标率：=100.00(%)\n服务对象满意度：≥85.00(%)"
    )
    assert indicators.text.startswith("创新服务与发展项目\n专家参与人数")
    assert all(c.payload["kind"] == "form" and c.payload["cites"] == [] for c in chunks)


def test_chunks_record_points_empty_form_gives_name_chunk() -> None:
    chunks = record_points(form_record({}, []), "e5")
    assert [(c.text, c.payload["section"], c.payload["encoder"]) for c in chunks] == [
        ("创新服务与发展项目", "form", "e5")
    ]


def test_chunks_record_points_accepts_record_contract() -> None:
    record = Record(
        id="abc",
        kind="narrative",
        doc=BUDGET,
        line=591,
        title=PARTY,
        name="科技社团党建项目",
        sections={"overview": "在上海市科协所属科技社团中开展党建工作。", "goals": ""},
        budget_total_yuan=Decimal("50000.00"),
        citations=[Citation(title="中华人民共和国消防法", canonical="pd-fire-law")],
    ).contract()
    [chunk] = record_points(record, "use")
    assert isinstance(chunk, Chunk)
    assert chunk.payload["budget_total_yuan"] == 50000
    assert chunk.payload["cites"] == ["pd-fire-law"]
