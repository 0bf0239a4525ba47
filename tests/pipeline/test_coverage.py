from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.models import Coverage
from budgetscope.pipeline.coverage import assess, warning
from budgetscope.pipeline.document import read_document, segment_text
from budgetscope.pipeline.normalize import normalize_text
from budgetscope.pipeline.segment import section_key
from tests.pipeline.national_text import national


def _coverage(stem: str) -> Coverage:
    text, name = national(stem)
    coverage = segment_text(text, doc=name).coverage
    assert coverage is not None
    return coverage


def test_coverage_stated_count_and_goal_table() -> None:
    # "共计24个一级项目…（一级项目绩效目标表，详见表11）" and 表11's header row 单位名称 项目名称 金额 绩效目标
    c = _coverage("hangzhou-transport-2026-department-budget")
    statements = [e for e in c.evidence if e.kind == "statement"]
    assert [(e.text, e.count, e.page) for e in statements] == [("共计24个一级项目", 24, 2)]
    assert any(e.kind == "form_table" and e.page == 3 for e in c.evidence)
    assert (c.forms_expected, c.forms_read, c.short) == (24, 0, True)
    assert "not recognised" in warning(c)


def test_coverage_titled_forms_count_by_project_name() -> None:
    # 表十一 twice (two projects, each its 项目名称) and 表十二 (a table with a 序号 / 项目名称 header)
    c = _coverage("chongqing-water-resources-2026-department-budget")
    titled = [e.text for e in c.evidence if e.kind == "form_title"]
    assert len(titled) == 2 and "水库移民后期扶持" in titled[0] and "重庆市水利专项资金" in titled[1]
    assert [e.page for e in c.evidence if e.kind == "form_table"] == [4]
    assert c.forms_expected == 3


def test_coverage_blank_template_is_not_a_form() -> None:
    # 表14 names its project (审计事务); 表16 专项资金总体绩效目标表 is printed with an empty 项目名称
    c = _coverage("xian-audit-2026-department-budget")
    assert [e.text.split("项目名称 ")[-1] for e in c.evidence if e.kind.startswith("form")] == ["审计事务"]
    assert c.forms_expected == 1


@pytest.mark.parametrize(
    ("stem", "count"),
    [
        ("wuxi-commerce-2026-department-budget", 17),
        ("shanghai-transport-vocational-college-2026-unit-budget", 4),
    ],
)
def test_coverage_statement_without_forms_is_a_note(stem: str, count: int) -> None:
    c = _coverage(stem)
    assert [e.count for e in c.evidence if e.kind == "statement"] == [count]
    assert c.forms_expected == 0 and not c.short
    assert c.notes == [f"states {count} projects with performance targets; prints no target forms"]


def test_coverage_stated_total_against_read_amounts() -> None:
    # a multi-project table (title and 单位：万元 in the page's running header): "合计 86,246.64"
    c = _coverage("guangzhou-data-bureau-2026-project-performance-targets")
    assert c.stated_total_yuan == Decimal("862466400") and c.read_total_yuan == 0
    assert c.forms_expected == 1 and c.short
    assert any("862,466,400.00" in p for p in c.problems)


def test_coverage_narrative_of_an_unknown_heading_scheme() -> None:
    # the central template: "（1）项目概述 … （7）项目绩效目标表", followed by the project's form
    c = _coverage("central-letters-and-calls-2026-department-budget")
    assert c.narratives_expected == 1
    assert [e.text for e in c.evidence if e.kind == "narrative_heading"] == ["（1）项目概述"]
    assert [e.text for e in c.evidence if e.kind == "form_title"] == [
        "信息化运行维护绩效目标表 项目名称 信息化运行维护"
    ]
    if c.narratives_read < 1:
        assert c.short and "heading scheme" in warning(c)


@pytest.mark.parametrize(
    "name",
    [
        "sast-2026-department-budget.txt",
        "sast-2023-department-budget.txt",
        "stcsm-2025-department-budget.txt",
        "sast-2026-performance-targets.txt",
        "sast-2019-performance-targets.txt",
    ],
)
def test_coverage_complete_on_the_shanghai_corpus(corpus: Path, name: str) -> None:
    doc = read_document(corpus / name)
    c = doc.coverage
    assert c is not None and not c.short, c.problems
    assert (c.forms_read, c.narratives_read) == (
        sum(r.kind == "form" for r in doc.records),
        sum(r.kind == "narrative" for r in doc.records),
    )
    assert c.forms_expected + c.narratives_expected == len(doc.records)


def test_coverage_form_the_reader_missed(corpus: Path) -> None:
    # one form's name row labelled in a way the form reader does not know
    source = (corpus / "sast-2026-performance-targets.txt").read_text(encoding="utf-8")
    edited = source.replace("项目名称\t市科协组织机构管理", "项目全称\t市科协组织机构管理", 1)
    assert edited != source
    doc = segment_text(normalize_text(edited), doc="edited.txt")
    assert doc.coverage is not None
    assert (doc.coverage.forms_expected, doc.coverage.forms_read) == (13, 12)
    assert "read 12 of 13 project forms" in doc.warnings[-1]


def test_coverage_narrative_the_segmenter_missed(corpus: Path) -> None:
    # one narrative numbered "第一节 项目概述 … 第七节 绩效目标" under a heading without "经费情况说明"
    lines = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8").split("\n")
    start = lines.index("科普及继续教育培训项目经费情况说明")
    lines[start] = "科普及继续教育培训项目"
    numbers = "一二三四五六七"
    k = start + 1
    while not lines[k].endswith("经费情况说明"):
        if section_key(lines[k]):
            n = numbers.index(lines[k].strip()[0])
            lines[k] = f"第{numbers[n]}节 " + re.sub(r"^[一二三四五六七]、", "", lines[k].strip())
        k += 1
    doc = segment_text(normalize_text("\n".join(lines)), doc="edited.txt")
    assert doc.coverage is not None
    assert (doc.coverage.narratives_expected, doc.coverage.narratives_read) == (29, 28)
    assert doc.coverage.short


def test_coverage_section_that_swallowed_others(corpus: Path) -> None:
    # the headings of nine narratives lost: the one before them swallows their text and amounts
    source = (corpus / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    doc = read_document(corpus / "stcsm-2025-department-budget.txt")
    lost = {r.line for r in doc.records[1:10]}
    first, last = doc.records[1].line or 0, doc.records[10].line or 0
    lines = source.split("\n")
    kept = [
        ln
        for n, ln in enumerate(lines, start=1)
        if not (first <= n < last and (n in lost or section_key(ln) is not None))
    ]
    edited = segment_text(normalize_text("\n".join(kept)), doc="edited.txt")
    c = edited.coverage
    assert c is not None and c.short
    assert len(edited.records) == len(doc.records) - 9
    (problem,) = c.problems
    assert (
        problem.startswith(f"narrative '{doc.records[0].name}'")
        and "a heading was probably not recognised" in problem
    )


def test_coverage_of_plain_text_without_evidence() -> None:
    c = assess(normalize_text("关于开展2026年全国科普月活动的通知\n\n各区科协：\n"), [])
    assert c == Coverage()


FRAGMENTS = [
    "项目支出绩效目标表",
    "（2026年度）",
    "项目名称",
    "项目名称 审计事务",
    "单位：万元",
    "合计 86,246.64",
    "合 计",
    "共计24个一级项目",
    "绩效目标",
    "一、项目概述",
    "（2）立项依据",
    "目录",
    "部门整体支出绩效目标表",
    "单位名称 项目名称 金额 绩效目标",
    "西安市审计局（汇总）",
    "2026年部门预算",
    "预算单位：",
    "\f",
    "",
]


@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40))
@settings(max_examples=150, deadline=None)
def test_coverage_and_classify_never_raise(pieces: list[str]) -> None:
    source = "\n".join(pieces)
    starts = (0, *[i + 1 for i, ch in enumerate(source) if ch == "\f"])
    for page_starts in (None, starts):
        text = normalize_text(source, page_starts)
        doc = segment_text(text, doc="fuzz-2026.txt")
        assert doc.coverage is not None and doc.coverage.forms_expected >= 0
