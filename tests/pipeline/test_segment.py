from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetscope.models import SECTION_KEYS
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.normalize import normalize_text
from budgetscope.pipeline.segment import project_name, section_key, segment_narratives, segment_parts


def _squash(s: str | None) -> str | None:
    return None if s is None else re.sub(r"\s+", "", s)


@pytest.mark.parametrize(
    ("name", "narratives", "forms"),
    [
        ("sast-2026-department-budget.txt", 29, 0),
        ("sast-2023-department-budget.txt", 7, 0),
        ("stcsm-2025-department-budget.txt", 29, 0),
        ("sast-2026-performance-targets.txt", 0, 13),
        ("sast-2019-performance-targets.txt", 0, 5),
    ],
)
def test_segment_counts_every_corpus_file(corpus: Path, name: str, narratives: int, forms: int) -> None:
    doc = read_document(corpus / name)
    assert sum(r.kind == "narrative" for r in doc.records) == narratives
    assert sum(r.kind == "form" for r in doc.records) == forms


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、项目概述", "overview"),
        ("一、项目概况", "overview"),
        ("一、 项目概述", "overview"),
        ("二、立项依据", "legal_basis"),
        ("三、实施主体", "implementing_body"),
        ("四、实施方案", "plan"),
        ("五、实施周期", "period"),
        ("六、年度预算安排", "budget"),
        ("六、年度预算安", "budget"),  # a dropped character
        ("七、绩效目标", "goals"),
        ("一、海智对接交流活动。集聚海外人才智力，积极策划举办海智人才培训", None),
        ("三、负责本市科技工作者状况调查", None),
        ("1. 惠民科普直通车", None),
        ("二、海峡两岸科技交流活动。", None),
    ],
)
def test_segment_section_key(line: str, expected: str | None) -> None:
    assert section_key(line) == expected


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("科协大院日常修缮项目经费情况说明", "科协大院日常修缮项目"),
        ("科技社团创新发展赋能计划 目经费情况说明", "科技社团创新发展赋能计划项目"),
        ("2023年度科协大院日常运行与维护项目经费情况说明", "2023年度科协大院日常运行与维护项目"),
        ("国家科技奖励管理工作经费 项目经费情况说明", "国家科技奖励管理工作经费项目"),
        ("“创·在上海”国际创新创业大赛项目经费情况说明", "“创·在上海”国际创新创业大赛项目"),
        (
            "2025年度“上海科技管理干部学院2023-2025部分学员宿舍楼修缮项目”项目经费情况说明",
            "2025年度“上海科技管理干部学院2023-2025部分学员宿舍楼修缮项目”项目",
        ),
        ("机关服务费", "机关服务费"),
        ("落实推进《全民科学素质纲要》", "落实推进《全民科学素质纲要》"),
    ],
)
def test_segment_project_name(title: str, name: str) -> None:
    assert project_name(title) == name


def test_segment_headings_without_suffix(corpus: Path) -> None:
    doc = read_document(corpus / "sast-2026-department-budget.txt")
    by_line = {r.line: r for r in doc.records}
    assert by_line[830].title == "创新服务与发展项目"
    assert by_line[1076].name == "机关服务费"
    assert by_line[934].name == "落实推进《全民科学素质纲要》"
    # two different projects share a name and keep distinct ids
    same = [r for r in doc.records if r.name == "信息化运维项目"]
    assert [r.line for r in same] == [459, 1272] and same[0].id != same[1].id


def test_segment_missing_and_cut_off_sections(corpus: Path) -> None:
    doc = read_document(corpus / "sast-2026-department-budget.txt")
    by_line = {r.line: r for r in doc.records}
    cut = by_line[625].sections  # 四、实施方案 present but empty, 五–七 absent
    assert cut["plan"] == "" and cut["period"] is None and cut["goals"] is None
    assert by_line[404].sections["goals"] is None  # no 七、绩效目标 heading
    last = by_line[1332].sections  # the file ends inside 四、实施方案, no trailing newline
    assert last["plan"] is not None and last["plan"].rstrip().endswith(
        (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8").rstrip()[-12:]
    )


def test_segment_lines_that_look_like_headings_stay_in_section(corpus: Path) -> None:
    doc = read_document(corpus / "sast-2023-department-budget.txt")
    rec = next(r for r in doc.records if r.line == 431)
    overview = rec.sections["overview"] or ""
    assert "一、海智对接交流活动。" in overview and "二、海峡两岸科技交流活动。" in overview
    assert rec.sections["legal_basis"] and rec.sections["period"] is None


def test_segment_section_boundaries(corpus: Path) -> None:
    doc = read_document(corpus / "sast-2026-department-budget.txt")
    rec = next(r for r in doc.records if r.line == 522)
    assert rec.sections["period"] == "2026年1月1日-12月31日"
    assert (rec.sections["budget"] or "").startswith("本年度安排项目预算") or "218万元" in (
        rec.sections["budget"] or ""
    )
    span = rec.section_spans["period"]
    src = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    assert src[span.start : span.end] == span.text
    assert set(rec.sections) == set(SECTION_KEYS)


def test_segment_parts_ignore_table_of_contents(corpus: Path) -> None:
    from budgetscope.pipeline.load import load

    text = normalize_text(load(corpus / "stcsm-2025-department-budget.txt").text)
    parts = segment_parts(text)
    keys = [p.key for p in parts]
    assert keys == [
        "functions",
        "organization",
        "glossary",
        "budget_notes",
        "budget_tables",
        "other_notes",
        "projects",
    ]
    assert all(p.line is not None and p.line > 25 for p in parts)  # the 目录 lines are not parts
    assert parts[-1].line == 474


def test_segment_bare_heading_and_blank_input() -> None:
    assert segment_narratives(normalize_text(""), doc="x") == []
    text = normalize_text("前言\n\n项目经费情况说明\n一、项目概述\n内容。\n二、立项依据\n依据。")
    recs = segment_narratives(text, doc="x")
    assert len(recs) == 1
    assert recs[0].name is None and recs[0].title == "项目经费情况说明"
    assert recs[0].sections["overview"] == "内容。" and recs[0].sections["legal_basis"] == "依据。"


def test_segment_pdf_matches_text(district_pdf: tuple[Path, Path]) -> None:
    pdf, txt = district_pdf
    from_pdf = read_document(pdf)
    from_txt = read_document(txt)
    assert from_pdf.kind == from_txt.kind == "department_budget"
    assert [r.name for r in from_pdf.records] == [r.name for r in from_txt.records]
    for a, b in zip(from_pdf.records, from_txt.records, strict=True):
        assert a.page is not None and a.page >= 1
        for key in SECTION_KEYS:
            assert _squash(a.sections[key]) == _squash(b.sections[key]), (a.name, key)


def test_segment_forms_pdf_matches_text(tmp_path: Path, corpus: Path) -> None:
    from tests.conftest import cjk_font, print_pdf

    src = corpus / "sast-2019-performance-targets.txt"
    pdf = print_pdf(src.read_text(encoding="utf-8"), tmp_path / "forms-2019.pdf", cjk_font(tmp_path))
    from_pdf, from_txt = read_document(pdf), read_document(src)
    assert from_pdf.kind == "performance_targets"
    assert [r.name for r in from_pdf.records] == [r.name for r in from_txt.records]
    for a, b in zip(from_pdf.records, from_txt.records, strict=True):
        assert a.form is not None and b.form is not None
        assert a.form.amounts == b.form.amounts and a.form.start == b.form.start and a.form.end == b.form.end


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("三、项目实施主体", "implementing_body"),
        ("四、项目实施方案", "plan"),
        ("五、项目实施周期", "period"),
        ("七、项目绩效目标", "goals"),
        ("六、项目年度预算安排", "budget"),
        ("二、项目背景", None),
        ("四、项目管理", None),
    ],
)
def test_segment_section_key_with_project_prefix(line: str, expected: str | None) -> None:
    # other departments' template writes 三、项目实施主体 where the corpus writes 三、实施主体
    assert section_key(line) == expected


def test_segment_forms_printed_after_the_narratives(tmp_path: Path, corpus: Path) -> None:
    budget = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    forms = (corpus / "sast-2026-performance-targets.txt").read_text(encoding="utf-8")
    combined = tmp_path / "budget-with-forms.txt"
    combined.write_text(budget + "\n\n" + forms, encoding="utf-8")
    doc = read_document(combined)
    narratives = [r for r in doc.records if r.kind == "narrative"]
    assert len(narratives) == 29 and sum(r.kind == "form" for r in doc.records) == 13
    # the last narrative stops where the forms begin
    assert "绩效目标申报表" not in (narratives[-1].sections["plan"] or "")
    alone = read_document(corpus / "sast-2026-department-budget.txt").records[-1]
    assert _squash(narratives[-1].sections["plan"]) == _squash(alone.sections["plan"])


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("（六）预算安排", "budget"),
        ("5. 实施期限", "period"),
        ("一、项目简介", "overview"),
        ("四、实施计划", "plan"),
    ],
)
def test_segment_section_key_template_variants(heading: str, key: str) -> None:
    first = "" if key == "overview" else "一、项目概述\n概述。\n"
    text = normalize_text(f"甲项目经费情况说明\n{first}{heading}\n内容。\n七、绩效目标\n目标。\n")
    rec = segment_narratives(text, doc="x")[0]
    assert rec.sections[key] == "内容。"


def test_segment_pdf_narrative_sections_are_paragraphs() -> None:
    from tests.pipeline.national_text import national

    text, name = national("central-letters-and-calls-2026-department-budget")
    (narrative,) = segment_narratives(text, doc=name)
    sections = {k: v for k, v in narrative.sections.items() if v}
    assert not any("\n\n" in v for v in sections.values())  # no blank lines at page breaks
    # one paragraph over a page break (page number "26" between) and over lines wrapped mid-word
    assert "\n" not in sections["overview"] and "持续优化完善国家信访信息系统" in sections["overview"]
    assert (
        "\n" not in sections["legal_basis"]
        and "业务数据的不断积累，需要不断优化系统结构" in sections["legal_basis"]
    )
    # real paragraphs stay: 一是 … 四是, each on a line of its own
    plan = sections["plan"].split("\n")
    assert [p[:2] for p in plan] == ["一是", "二是", "三是", "四是"]
    assert "继续设计开发" in plan[0] and "确保全国信访数据中心正常运转" in plan[2]
    assert "（含上年结转 750.00 万元）" in sections["budget"]


def test_segment_text_file_keeps_its_lines() -> None:
    from tests.pipeline.national_text import NATIONAL

    (path,) = NATIONAL.glob("central-letters-and-calls-2026-department-budget.p*.text")
    (narrative,) = segment_narratives(normalize_text(path.read_text(encoding="utf-8")), doc="x.txt")
    assert "继\n续设计开发" in (narrative.sections["plan"] or "")


def test_segment_pdf_sections_have_the_text_files_paragraphs(district_pdf: tuple[Path, Path]) -> None:
    pdf, txt = district_pdf

    def paragraphs(section: str | None) -> list[str] | None:
        return None if section is None else [p.strip() for p in section.split("\n") if p.strip()]

    pairs = [
        (paragraphs(a.sections[key]), paragraphs(b.sections[key]))
        for a, b in zip(read_document(pdf).records, read_document(txt).records, strict=True)
        for key in SECTION_KEYS
    ]
    # what stays apart: a sentence that ends at the right edge, and fpdf wrapping a line at a space
    assert sum(a == b for a, b in pairs) >= 0.85 * len(pairs)
    overview = next(
        r for r in read_document(pdf).records if r.name == "国际及台港澳地区科技合作与交流服务项目"
    )
    assert any(
        p.startswith("一、海智对接交流活动。") and p.endswith("助力建设世界重要人才中心和创新高地。")
        for p in paragraphs(overview.sections["overview"]) or []
    )


def test_segment_pdf_table_row_wider_than_the_text_is_no_wrapped_line() -> None:
    from tests.pipeline.national_text import NATIONAL

    (path,) = NATIONAL.glob("central-letters-and-calls-2026-department-budget.p*.text")
    source = path.read_text(encoding="utf-8")
    # a row of a budget table (sast-2026-department-budget.txt) as a PDF's text gives it, in the budget section
    row = "6 上海市科普教育展示技术中心（上海市国际科技交流中心） 16,497,300 11,759,300 1,838,000"
    edited = source.replace("（6）年度预算安排\n", f"（6）年度预算安排\n{row}\n", 1)
    breaks = [i + 2 for i in range(len(edited)) if edited.startswith("\f\n", i)]
    (narrative,) = segment_narratives(normalize_text(edited, (0, *breaks[:-1])), doc="x.pdf")
    assert (narrative.sections["budget"] or "").split("\n")[0] == row
