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

from budgetscope.index.chunks import (
    DEFAULT_MAX_CHARS,
    MIN_PART_CHARS,
    Chunk,
    chunk_section,
    point_id,
    record_points,
)
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
SERVICE = "机关服务费"
SECTION_HEADINGS = {
    "overview": "一、项目概述",
    "legal_basis": "二、立项依据",
    "implementing_body": "三、实施主体",
    "plan": "四、实施方案",
    "period": "五、实施周期",
    "budget": "六、年度预算安排",
    "goals": "七、绩效目标",
}
PARTY_BRIEF = "上海市科学技术协会学会服务中心\n2026.1.1-2026.12.31\n2026年度财政资金预算总额50000.00元。"
"""The party record's three short sections (三、五、六), one per line: its brief part."""


@pytest.fixture(scope="module")
def repair_overview() -> str:
    return section_text(REPAIR, "一、项目概述")


@pytest.fixture(scope="module")
def party_record() -> Record:
    sections = {
        "overview": section_text(PARTY, "一、项目概述"),
        "legal_basis": section_text(PARTY, "二、立项依据"),
        "implementing_body": "上海市科学技术协会学会服务中心",
        "plan": section_text(PARTY, "四、实施方案"),
        "period": "2026.1.1-2026.12.31",
        "budget": "2026年度财政资金预算总额50000.00元。",
        "goals": None,
    }
    return Record(
        id="d41d8cd98f00b204",
        kind="narrative",
        doc=BUDGET,
        line=591,
        department="上海市科学技术协会",
        year=2026,
        title=PARTY,
        name="科技社团党建项目",
        sections=sections,
        budget_total_yuan=Decimal("50000.00"),
        citations=[
            Citation(
                title="关于加强社会组织党的建设工作的意见（试行）",
                doc_number="中办发[2015]51号",
                section="legal_basis",
                canonical="pd-social-org-party",
            ),
            Citation(
                title="关于改革社会组织管理制度促进社会组织健康有序发展的意见",
                doc_number="中办国办发[2016]46号",
                section="legal_basis",
            ),
            Citation(
                title="关于加强社会组织党的建设工作的意见（试行）",
                section="plan",
                canonical="pd-social-org-party",
            ),
        ],
    )


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


def test_chunks_record_points_ids_are_deterministic_uuids(party_record: Record) -> None:
    first = record_points(party_record, "use")
    again = record_points(party_record.model_copy(deep=True), "use")
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    assert all(uuid.UUID(c.id).version == 5 for c in first)
    assert first[0].id == point_id("d41d8cd98f00b204", "name", 0)
    assert first[1].id == point_id("d41d8cd98f00b204", "overview", 0)
    assert first[-1].id == point_id("d41d8cd98f00b204", "brief", 0)


@pytest.mark.parametrize("absent", [None, "", "  \n"])
def test_chunks_record_points_skips_absent_sections(party_record: Record, absent: str | None) -> None:
    record = party_record.model_copy(update={"sections": {**party_record.sections, "goals": absent}})
    chunks = record_points(record, "use")
    assert "goals" not in {c.payload["section"] for c in chunks}
    assert [(c.payload["part"], c.payload["section"]) for c in chunks if c.payload["chunk"] == 0] == [
        ("name", "overview"),
        ("overview", "overview"),
        ("legal_basis", "legal_basis"),
        ("plan", "plan"),
        ("brief", "implementing_body"),
    ]
    assert chunks[-1].payload["text"] == PARTY_BRIEF


def test_chunks_record_points_payload(party_record: Record) -> None:
    chunk = next(c for c in record_points(party_record, "use") if c.payload["part"] == "brief")
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
        "unit": None,
        "encoder": "use",
        "section": "implementing_body",
        "part": "brief",
        "chunk": 0,
        "start": 0,
        "end": 60,
        "text": PARTY_BRIEF,
    }


def test_chunks_record_points_embed_name_with_each_chunk(party_record: Record) -> None:
    part_texts = {**party_record.sections, "brief": PARTY_BRIEF}
    chunks = record_points(party_record, "use", max_chars=100)
    assert [c.payload["part"] for c in chunks].count("name") == 1
    for chunk in chunks[1:]:
        part = part_texts[chunk.payload["part"]]
        assert chunk.text == "科技社团党建项目\n" + chunk.payload["text"]
        assert part[chunk.payload["start"] : chunk.payload["end"]] == chunk.payload["text"]


@pytest.mark.parametrize("max_chars", [60, 120, DEFAULT_MAX_CHARS])
def test_chunks_record_points_name_chunk_first(party_record: Record, max_chars: int) -> None:
    name, *rest = record_points(party_record, "use", max_chars=max_chars)
    overview = party_record.sections["overview"]
    assert name.text == "科技社团党建项目"
    assert name.id == point_id("d41d8cd98f00b204", "name", 0)
    assert {k: name.payload[k] for k in ("part", "section", "chunk", "start", "end", "text")} == {
        "part": "name",
        "section": "overview",
        "chunk": 0,
        "start": 0,
        "end": 0,
        "text": overview[:max_chars],
    }
    assert all(c.payload["part"] != "name" and c.text != name.text for c in rest)


def test_chunks_record_points_name_chunk_falls_back_to_title(party_record: Record) -> None:
    chunks = record_points(party_record.model_copy(update={"name": None}), "use")
    assert chunks[0].text == PARTY and chunks[0].payload["part"] == "name"
    assert all(c.text.startswith(PARTY + "\n") for c in chunks[1:])


def test_chunks_record_points_no_name_no_name_chunk(party_record: Record) -> None:
    chunks = record_points(party_record.model_copy(update={"name": None, "title": ""}), "use")
    assert "name" not in {c.payload["part"] for c in chunks}
    assert chunks[0].text == chunks[0].payload["text"] == party_record.sections["overview"]
    assert chunks[-1].text == PARTY_BRIEF


@pytest.fixture(scope="module")
def service_record() -> Record:
    """机关服务费 of the 2026 budget: every section a few words ("2026年度", "60万元")."""
    sections = {key: section_text(SERVICE, heading) for key, heading in SECTION_HEADINGS.items()}
    sections["goals"] = sections["goals"].split("\n")[0]  # the next project's title follows it
    return Record(id="5e41ce0000001076", kind="narrative", doc=BUDGET, line=1076, year=2026,
                  title=SERVICE, name=SERVICE, sections=sections)  # fmt: skip


def test_chunks_record_points_brief_chunk_joins_short_sections(service_record: Record) -> None:
    name, brief = record_points(service_record, "use", max_chars=120)
    text = (
        "机关公务用车保障\n市财政相关文件。市科协本级\n（列举具体实施项目的各个责任主体及其职责等）\n"
        "机关公务用车保障\n2026年度\n60万元\n车改后聘用司机费用。"
    )
    assert (brief.payload["part"], brief.payload["section"], brief.payload["text"]) == (
        "brief",
        "overview",
        text,
    )
    assert brief.text == "机关服务费\n" + text
    assert brief.id == point_id("5e41ce0000001076", "brief", 0)
    assert (name.text, name.payload["text"]) == ("机关服务费", text)


def test_chunks_record_points_brief_part_is_chunked_like_a_section(service_record: Record) -> None:
    chunks = record_points(service_record, "use", max_chars=30)[1:]
    assert [c.payload["text"] for c in chunks] == [
        "机关公务用车保障\n市财政相关文件。市科协本级",
        "（列举具体实施项目的各个责任主体及其职责等）",
        "机关公务用车保障\n2026年度\n60万元",
        "车改后聘用司机费用。",
    ]
    assert [(c.payload["part"], c.payload["section"], c.payload["chunk"]) for c in chunks] == [
        ("brief", "overview", i) for i in range(4)
    ]


@pytest.mark.parametrize(("length", "part"), [(MIN_PART_CHARS - 1, "brief"), (MIN_PART_CHARS, "legal_basis")])
def test_chunks_record_points_min_part_chars_splits_brief_from_own_part(
    service_record: Record, length: int, part: str
) -> None:
    basis = section_text(PARTY, "二、立项依据")[:length]
    sections = {**service_record.sections, "legal_basis": f"  {basis}\n"}
    record = service_record.model_copy(update={"sections": sections})
    chunks = record_points(record, "use")
    [owner] = [c for c in chunks if basis in c.payload["text"] and c.payload["part"] != "name"]
    assert (owner.payload["part"], owner.payload["section"]) == (
        part,
        "overview" if part == "brief" else part,
    )


def test_chunks_record_points_max_chars_controls_chunk_count(party_record: Record) -> None:
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


def form_record(texts: dict[str, str], rows: list[Indicator]) -> Record:
    return Record(
        id="f00dfeed00000005",
        kind="form",
        doc="sast-2026-performance-targets.txt",
        line=5,
        department="上海市科学技术协会",
        year=2026,
        title="创新服务与发展项目",
        name="创新服务与发展项目",
        form=Form(
            nature="其他一次性项目", amounts={"annual_total": Decimal("600000")}, indicators=rows, texts=texts
        ),
    )


def test_chunks_record_points_form_text_and_indicators() -> None:
    chunks = record_points(form_record({"年度总体目标": FORM_GOAL, "备注": ""}, FORM_ROWS), "use")
    assert [(c.payload["part"], c.payload["section"]) for c in chunks] == [
        ("name", "goals"),
        ("年度总体目标", "goals"),
        ("indicators", "goals"),
    ]
    assert (chunks[0].text, chunks[0].payload["text"]) == ("创新服务与发展项目", FORM_GOAL)
    indicators = chunks[2]
    assert (
        indicators.payload["text"]
        == "专家参与人数：≥100.00(人)\n创新服务活动质量达标率：=100.00(%)\n服务对象满意度：≥85.00(%)"
    )
    assert indicators.text.startswith("创新服务与发展项目\n专家参与人数")
    assert all(c.payload["kind"] == "form" and c.payload["cites"] == [] for c in chunks)


def test_chunks_record_points_empty_form_gives_name_chunk() -> None:
    chunks = record_points(form_record({}, []), "e5")
    assert [
        (c.text, c.payload["part"], c.payload["section"], c.payload["text"], c.payload["encoder"])
        for c in chunks
    ] == [("创新服务与发展项目", "name", "overview", "创新服务与发展项目", "e5")]


def test_chunks_record_points_amount_whole_as_int_else_exact_text() -> None:
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
    )
    name, brief = record_points(record, "use")
    assert isinstance(name, Chunk) and isinstance(brief, Chunk)
    assert (name.payload["part"], brief.payload["part"]) == ("name", "brief")
    assert brief.payload["text"] == "在上海市科协所属科技社团中开展党建工作。"
    for chunk in (name, brief):
        assert chunk.payload["budget_total_yuan"] == 50000
        assert chunk.payload["cites"] == ["pd-fire-law"]
        assert isinstance(chunk.payload["budget_total_yuan"], int)
    exact = record.model_copy(update={"budget_total_yuan": Decimal("1234567890123.45")})
    assert {c.payload["budget_total_yuan"] for c in record_points(exact, "use")} == {"1234567890123.45"}


# -- clause pieces: a long chunk also embedded in short pieces (dense only) ---------------------------


def test_chunks_record_points_pieces_follow_their_chunk(party_record: Record) -> None:
    chunks = record_points(party_record, "use", max_chars=120, piece_chars=60)
    plain = record_points(party_record, "use", max_chars=120)
    assert [c for c in chunks if not c.piece] == plain  # the chunks themselves are unchanged
    assert len({c.id for c in chunks}) == len(chunks)
    for n, chunk in enumerate(chunks):
        if not chunk.piece:
            pieces = list(itertools.takewhile(lambda c: c.piece, chunks[n + 1 :]))
            text = chunk.payload["text"]
            if chunk.payload["part"] == "name":  # the name alone, never cut
                assert not pieces
                continue
            assert bool(pieces) == (len(text) > 60)
            assert "".join(p.text.removeprefix("科技社团党建项目\n") for p in pieces) == "".join(
                chunk_section(text, max_chars=60)[i][2] for i in range(len(pieces))
            )
            for i, piece in enumerate(pieces):
                body = piece.text.removeprefix("科技社团党建项目\n")
                assert piece.text.startswith("科技社团党建项目\n") and 0 < len(body) <= 60 and body in text
                # the hit shows the chunk: its text, offsets and section
                assert piece.payload == {**chunk.payload, "piece": i}


def test_chunks_record_points_piece_of_a_real_overview_sentence(party_record: Record) -> None:
    overview = party_record.sections["overview"] or ""
    chunks = record_points(party_record, "use", max_chars=120, piece_chars=60)
    first = next(c for c in chunks if c.payload["part"] == "overview")
    pieces = [c for c in chunks if c.piece and c.payload["part"] == "overview" and c.payload["chunk"] == 0]
    assert first.payload["text"] == overview[first.payload["start"] : first.payload["end"]]
    assert [p.text.split("\n", 1)[1] for p in pieces] == [
        t for _, _, t in chunk_section(first.payload["text"], max_chars=60)
    ]


def test_chunks_record_points_no_pieces_by_default(party_record: Record) -> None:
    assert all(not c.piece and "piece" not in c.payload for c in record_points(party_record, "use"))


def test_chunks_points_of_records_pieces_by_encoder(
    party_record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetscope.vector.points import PIECE_CHARS, piece_chars, points_of_records

    monkeypatch.delenv("BUDGETSCOPE_PIECE_CHARS", raising=False)
    assert piece_chars("use") == PIECE_CHARS["use"] == piece_chars("use+e5") and piece_chars("hash") is None
    assert any(c.piece for c in points_of_records([party_record], "use"))
    assert all(not c.piece for c in points_of_records([party_record], "hash"))
    monkeypatch.setenv("BUDGETSCOPE_PIECE_CHARS", "0")
    assert all(not c.piece for c in points_of_records([party_record], "use"))


def test_record_points_leave_department_wide_forms_out_of_the_index() -> None:
    """A department-wide form (部门整体支出绩效目标表) is the whole department's budget, not a project:
    its name (the department's) came up as a search hit among projects; it has no points, the
    project forms of the same pages do."""
    from budgetscope.pipeline.document import read_document

    excerpts = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
    records = [
        *read_document(excerpts / "xian-audit-2026-p42-43.pdf").records,  # a department-wide form
        *read_document(excerpts / "xian-audit-2026-p37-38.pdf").records,  # project forms
    ]
    assert {r.kind for r in records} == {"department_form", "form"}
    for record in records:
        points = record_points(record, "use")
        assert (points == []) == (record.kind == "department_form"), record.name


def test_record_points_a_form_of_another_unit_has_a_dense_unit_chunk() -> None:
    """Yantai p.41: 困难群众资金 of 烟台市民政局, 实施单位 中国烟台SOS儿童村. Its name and unit are one more
    point, dense only (no BM25: a unit named like a topic would lift every project it carries out), and
    every point carries the unit for the coverage; a form of the department itself has neither."""
    from budgetscope.pipeline.document import read_document

    excerpts = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
    (record, *_) = read_document(excerpts / "search" / "yantai-civil-affairs-2026-p41-44.pdf").records
    points = record_points(record, "use")
    (unit,) = [c for c in points if c.payload["part"] == "unit"]
    assert unit.text == "困难群众资金\n中国烟台SOS儿童村" and not unit.lexical and not unit.piece
    assert unit.payload["text"] == points[0].payload["text"]  # the name chunk's: what a hit shows
    assert {c.payload["unit"] for c in points} == {"中国烟台SOS儿童村"}
    assert all(c.lexical for c in points if c is not unit)
    (own, *_) = read_document(excerpts / "search" / "fuzhou-healthcare-security-2026-p29-33.pdf").records
    assert (
        own.name == "医保服务站工作经费" and own.form is not None and own.form.implementer == own.department
    )
    assert all(c.payload["unit"] is None and c.payload["part"] != "unit" for c in record_points(own, "use"))
