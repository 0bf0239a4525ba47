"""Parts and headings as other departments write them (#9): tables of contents that repeat the
headings, section numbers past 七, sentences that mention the forms, form title variants, 专项
headings and the central template's （1）…（7） sections.

Every text is a bundled corpus file, or an excerpt of one, edited into the variant a rule is about.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.models import SECTION_KEYS
from budgetscope.pipeline.document import segment_text
from budgetscope.pipeline.forms import is_form_title
from budgetscope.pipeline.normalize import normalize_text
from budgetscope.pipeline.segment import project_name, section_key, segment_narratives, toc_lines

NATIONAL = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-national"
SECTION_HEADINGS = ("项目概述", "立项依据", "实施主体", "实施方案", "实施周期", "年度预算安排", "绩效目标")
NUMERALS = "一二三四五六七"


def _lines(corpus: Path, name: str, first: int, last: int) -> str:
    """Lines ``first``..``last`` (1-based, inclusive) of a corpus file."""
    return "\n".join((corpus / name).read_text(encoding="utf-8").split("\n")[first - 1 : last])


def _first_form(corpus: Path) -> str:
    text = (corpus / "sast-2026-performance-targets.txt").read_text(encoding="utf-8")
    start = text.index("财政项目支出绩效目标申报表")
    return text[start : text.index("财政项目支出绩效目标申报表", start + 1)]


def test_segment_toc_entries_never_open_a_narrative(corpus: Path) -> None:
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    # the contents as a district prints them: numbered lines without bullets, and a part after 七
    head, rest = text.split("- 七、项目经费情况说明\n", 1)
    head = re.sub(r"(?m)^ ?- ", "", head)
    edited = head + "七、项目经费情况说明\n八、项目绩效目标表\n" + rest
    normalized = normalize_text(edited)
    toc = toc_lines(normalized.lines)
    assert {normalized.lines[i].text.strip() for i in toc} >= {"七、项目经费情况说明", "八、项目绩效目标表"}
    assert all(i < 40 for i in toc)  # the body's headings are not entries
    records = segment_narratives(normalized, doc="x.txt")
    assert len(records) == 29 and all(r.line is not None and r.line > 40 for r in records)
    parts = segment_text(normalized, doc="x.txt").parts
    last_entry = max(normalized.lines[i].line for i in toc)
    assert parts[0].key == "functions" and all((p.line or 0) > last_entry for p in parts)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("八、项目绩效目标表", None),  # past 七: never a section
        ("8. 绩效目标", None),
        ("（7）项目绩效目标表", "goals"),
        ("（1）项目概述", "overview"),
        ("(6)年度预算安排", "budget"),
    ],
)
def test_segment_section_numbers_stop_at_seven(line: str, key: str | None) -> None:
    assert section_key(line) == key


def test_segment_sentence_about_the_forms_does_not_end_the_part(corpus: Path) -> None:
    # stcsm-2025's last narrative: its goals say where the forms are, in a line that looks like a title
    text = (corpus / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    last = segment_narratives(normalize_text(text), doc="x.txt")[-1]
    assert last.sections["goals"] == "详见单位绩效目标表"
    # edited: the budget section says where its table is; the narrative still reads on to its goals
    edited = text.replace(
        "七、绩效目标\n\n详见单位绩效目标表", "2025年预算明细详见附表\n\n七、绩效目标\n\n详见单位绩效目标表"
    )
    last = segment_narratives(normalize_text(edited), doc="x.txt")[-1]
    assert last.sections["goals"] == "详见单位绩效目标表"
    assert (last.sections["budget"] or "").endswith("2025年预算明细详见附表")


@pytest.mark.parametrize(
    "variant", ["绩效目标申报表", "绩效目标填报表", "项目支出绩效目标表", "项目绩效目标表"]
)
def test_segment_form_title_variants_end_the_narratives_and_open_a_form(corpus: Path, variant: str) -> None:
    narrative = _lines(corpus, "stcsm-2025-department-budget.txt", 1, 10**6)
    form = _first_form(corpus).replace(
        "财政项目支出绩效目标申报表", f"财政项目支出{variant}".replace("支出项目支出", "支出")
    )
    title = form.split("\n", 1)[0].strip()
    assert is_form_title(title)
    doc = segment_text(normalize_text(narrative + "\n\n" + form), doc="x.txt")
    narratives = [r for r in doc.records if r.kind == "narrative"]
    forms = [r for r in doc.records if r.kind == "form"]
    assert len(narratives) == 29 and narratives[-1].sections["goals"] == "详见单位绩效目标表"
    assert [f.name for f in forms] == ["创新服务与发展项目"]


def test_segment_special_fund_heading_names_the_zhuanxiang(corpus: Path) -> None:
    excerpt = _lines(corpus, "sast-2026-department-budget.txt", 459, 488)
    edited = excerpt.replace("信息化运维项目经费情况说明", "信息化运维专项经费情况说明")
    (record,) = segment_narratives(normalize_text(edited), doc="x.txt")
    assert record.name == "信息化运维专项"
    assert project_name("信息化运维项目经费情况说明") == "信息化运维项目"


def _central(corpus: Path) -> str:
    """sast-2026's 信息化运维 narrative rewritten in the central template, its form after it."""
    excerpt = _lines(corpus, "sast-2026-department-budget.txt", 459, 486)
    excerpt = excerpt.replace("信息化运维项目经费情况说明", "1.报全国人大审议的一级项目—信息化运维项目\n情况")
    for n, (numeral, name) in enumerate(zip(NUMERALS, SECTION_HEADINGS, strict=True), 1):
        excerpt = excerpt.replace(f"{numeral}、{name}", f"（{n}）{'项目绩效目标表' if n == 7 else name}")
    return (
        "上海市2026年市级部门预算\n\n（六）预算绩效情况\n一级项目绩效情况具体如下：\n"
        + excerpt
        + "\n\n"
        + _first_form(corpus)
    )


def test_segment_central_template_reads_seven_sections(corpus: Path) -> None:
    doc = segment_text(normalize_text(_central(corpus)), doc="x.txt")
    (narrative,) = [r for r in doc.records if r.kind == "narrative"]
    assert narrative.title == "1.报全国人大审议的一级项目—信息化运维项目情况"
    assert narrative.name == "信息化运维项目"
    assert all(narrative.sections[k] is not None for k in narrative.sections)
    assert narrative.sections["period"] == "2026年1月至2026年12月"
    assert narrative.sections["goals"] == ""  # its goals are the form that follows
    assert [r.name for r in doc.records if r.kind == "form"] == ["创新服务与发展项目"]


@pytest.mark.skipif(not NATIONAL.is_dir(), reason="the national PDFs live beside the repository")
def test_segment_central_pdf_narrative() -> None:
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.extract import extract_documents

    (doc,) = extract_documents(
        [read_document(NATIONAL / "central-letters-and-calls-2026-department-budget.pdf")]
    )
    (narrative,) = [r for r in doc.records if r.kind == "narrative"]
    assert narrative.name == "信息化运行维护项目" and narrative.page == 26
    assert all(narrative.sections[k] is not None for k in narrative.sections)
    assert narrative.budget_total_yuan == 21348700
    assert narrative.period is not None and (narrative.period.start.year, narrative.period.end.year) == (
        2026,
        2027,
    )


FRAGMENTS = [
    "目录",
    "目 录",
    "七、项目经费情况说明",
    "八、项目绩效目标表",
    "1.报全国人大审议的一级项目—信息化运维项目",
    "情况",
    "信息化运维专项经费情况说明",
    "（1）项目概述",
    "（7）项目绩效目标表",
    "七、绩效目标",
    "详见单位的项目绩效目标表",
    "财政项目支出绩效目标填报表",
    "项目名称\t信息化运维",
    "2026年1月至2026年12月",
    "- ",
    "",
]


@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40))
def test_segment_variants_never_raise(parts: list[str]) -> None:
    text = normalize_text("\n".join(parts))
    doc = segment_text(text, doc="x.txt")
    for record in doc.records:
        assert set(record.sections) <= set(SECTION_KEYS)
    assert toc_lines(text.lines) <= set(range(len(text.lines)))


def test_segment_toc_ends_where_the_body_repeats_an_entry(corpus: Path) -> None:
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    head, rest = text.split("上海市科学技术协会（部门）主要职能", 1)
    # the contents with dot leaders and page numbers, the body opening with the first entry's words
    head = re.sub(r"(?m)^ ?- (.+)$", lambda m: m.group(1) + "……………… 3", head)
    edited = head + "一、部门主要职能\n（一）主要职能\n上海市科学技术协会（部门）主要职能" + rest
    lines = normalize_text(edited).lines
    toc = toc_lines(lines)
    body = next(i for i, ln in enumerate(lines) if ln.text.strip() == "一、部门主要职能")
    assert toc and max(toc) < body
