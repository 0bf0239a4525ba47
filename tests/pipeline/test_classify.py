from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.pipeline.classify import classify
from budgetscope.pipeline.load import load
from budgetscope.pipeline.normalize import normalize_text
from tests.pipeline.national_text import national


@pytest.mark.parametrize(
    ("name", "kind", "department", "year"),
    [
        ("sast-2026-department-budget.txt", "department_budget", "上海市科学技术协会", 2026),
        ("sast-2023-department-budget.txt", "department_budget", "上海市科学技术协会", 2023),
        ("stcsm-2025-department-budget.txt", "department_budget", "上海市科学技术委员会", 2025),
        ("sast-2026-performance-targets.txt", "performance_targets", "上海市科学技术协会", 2026),
        ("sast-2019-performance-targets.txt", "performance_targets", "上海市科学技术协会", 2019),
    ],
)
def test_classify_corpus(corpus: Path, name: str, kind: str, department: str, year: int) -> None:
    src = load(corpus / name)
    c = classify(normalize_text(src.text))
    assert (c.kind, c.department, c.year) == (kind, department, year)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("上海市科学技术协会2024年度部门决算\n\n编制部门：上海市科学技术协会", "final_accounts"),
        ("上海市科普事业中心2026年单位预算\n\n预算单位：上海市科普事业中心", "unit_budget"),
        ("关于开展2026年全国科普月活动的通知\n\n各区科协：", "other"),
    ],
)
def test_classify_other_kinds(head: str, kind: str) -> None:
    assert classify(normalize_text(head)).kind == kind


def test_classify_district_pdf(district_pdf: tuple[Path, Path]) -> None:
    src = load(district_pdf[0])
    c = classify(normalize_text(src.text, src.page_starts))
    assert (c.kind, c.year) == ("department_budget", 2023)


@pytest.mark.parametrize(
    ("stem", "kind", "department", "year"),
    [
        # the department on the line above the title
        ("central-letters-and-calls-2024-final-accounts", "final_accounts", "国家信访局", 2024),
        ("changsha-letters-and-calls-2026-department-budget", "department_budget", "长沙市信访局", 2026),
        # （汇总）/（本级） dropped; a title broken mid-word ("部门预" / "算")
        ("xian-audit-2026-department-budget", "department_budget", "西安市审计局", 2026),
        ("shenzhen-finance-2026-department-budget", "department_budget", "深圳市财政局", 2026),
        # year first, the department inside the title, over one or three lines
        ("yantai-civil-affairs-2026-department-budget", "department_budget", "烟台市民政局", 2026),
        ("fuzhou-healthcare-security-2026-department-budget", "department_budget", "福州市医疗保障局", 2026),
        ("wuxi-commerce-2026-department-budget", "department_budget", "无锡市商务局", 2026),
        # a unit budget names its unit on a 预算单位 line: never "上海市"
        (
            "shanghai-transport-vocational-college-2026-unit-budget",
            "unit_budget",
            "上海交通职业技术学院",
            2026,
        ),
        # an evaluation report: the evaluated unit and the evaluated year, not the report's date
        (
            "changsha-2020-project-evaluation-report",
            "evaluation_report",
            "长沙市人民政府国有资产监督管理委员会",
            2020,
        ),
        # a notice: its issuer's red header; no budget year in the text but its date
        ("hangzhou-2025-government-notice", "other", "杭州市人民政府办公厅", 2025),
        # target tables only; 部门名称 with a space or a colon; no year printed: the file name's
        (
            "guangzhou-data-bureau-2026-department-performance-targets",
            "performance_targets",
            "广州市政务服务和数据管理局",
            2026,
        ),
        (
            "guangzhou-data-bureau-2026-project-performance-targets",
            "performance_targets",
            "广州市政务服务和数据管理局",
            2026,
        ),
        # a 报表 attachment without a cover: a department budget, named in its last table
        ("beijing-commerce-2026-budget-tables", "department_budget", "北京市商务局", 2026),
    ],
)
def test_classify_national_naming(stem: str, kind: str, department: str, year: int) -> None:
    text, name = national(stem)
    c = classify(text, name)
    assert (c.kind, c.department, c.year) == (kind, department, year)


def test_classify_year_from_text_before_file_name() -> None:
    text, _ = national("beijing-commerce-2026-budget-tables")
    assert classify(text, "budget-tables-2019.pdf").year == 2026  # its "（2026年度）" line wins
    text, _ = national("guangzhou-data-bureau-2026-department-performance-targets")
    assert classify(text, "department-targets.pdf").year is None  # never stated, no year in the name


@pytest.mark.parametrize(
    ("head", "department"),
    [
        ("上海市浦东新区2023年区级部门预算\n\n目 录\n", None),  # a place is not a department
        ("上海市2026年市级单位预算\n预算单位：上海市科普事业中心\n", "上海市科普事业中心"),
        ("上海市科学技术协会\n2024年度部门决算\n", "上海市科学技术协会"),
        ("2026年度部门预算\n部门名称：229_烟台市信访局\n", "烟台市信访局"),
    ],
)
def test_classify_department_never_a_place(head: str, department: str | None) -> None:
    assert classify(normalize_text(head)).department == department


def test_classify_notice_about_budgets_is_a_notice() -> None:
    head = "上海市财政局关于\n做好2026年部门预算编制\n工作的通知\n各市级预算主管部门：\n"
    c = classify(normalize_text(head))
    assert (c.kind, c.department) == ("other", "上海市财政局")


def test_classify_header_row_is_not_a_department() -> None:
    head = "2026年度部门预算\n单位名称 项目名称 金额 绩效目标\n部门名称 北京市商务局\n"
    assert classify(normalize_text(head)).department == "北京市商务局"


def test_classify_pages_naming_a_line_of_work_预决算_are_not_final_accounts() -> None:
    """Shenzhen's key-project pages without their cover: 预决算管理业务 is a project's name (budgets and
    final accounts as a line of work), not the title of a 决算; the pages' forms are read."""
    from budgetscope.index.processing import process_file
    from tests.conftest import CORPUS

    processed = process_file(CORPUS / "excerpts" / "shenzhen-finance-2026-p11-12.pdf")
    assert processed.error is None and processed.document is not None, processed.error
    document = processed.document
    assert document.kind != "final_accounts"
    assert [r.name for r in document.records][:2] == ["预决算管理业务", "财政综合管理业务"]
    assert classify(normalize_text("2024年度部门决算\n深圳市财政局\n")).kind == "final_accounts"


def test_classify_year_not_a_project_name_below_a_name_column() -> None:
    """Guangzhou's target table without its title: "广州市数字政府 / 运营中心2025年 / SM信息化运维项 / 目" is a
    project's name in the 项目名称 column, not the budget year; the file name's 2026 is."""
    from tests.conftest import CORPUS

    src = load(CORPUS / "excerpts" / "guangzhou-data-bureau-2026-p7-8.pdf")
    text = normalize_text(src.text, src.page_starts)
    assert classify(text, "guangzhou-data-bureau-2026-p7-8.pdf").year == 2026
    assert classify(text, "targets-p7-8.pdf").year is None  # the text states no year of its own


CITED_PLAN = "《关于印发全民科学素质行动计划纲要（2021-2035年）的通知》"


@pytest.mark.parametrize("cited_before_title", [False, True])
def test_classify_yearless_title_citing_a_plan_is_not_the_plan_s_year(
    corpus: Path, cited_before_title: bool
) -> None:
    """A 部门预算 whose title has no year and whose first lines cite a plan （2021-2035年）: 2035 is the
    cited plan's; a cited line is not a title's first line either (nor a department)."""
    lines = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8").split("\n")
    assert lines[2] == "上海市2026年市级部门预算"
    lines[2:3] = (
        [CITED_PLAN, "上海市测试局部门预算"] if cited_before_title else ["上海市测试局部门预算", CITED_PLAN]
    )
    c = classify(normalize_text("\n".join(lines)), "shanghai-test-department-budget.txt")
    assert (c.kind, c.department, c.year) == ("department_budget", "上海市科学技术协会", 2026)


def test_classify_year_from_periods_not_a_cited_range() -> None:
    """No year but the cited plan's in the head: the year the projects' periods give."""
    head = f"上海市测试局部门预算\n\n根据{CITED_PLAN}\n\n预算主管部门：上海市科学技术协会\n\n"
    narrative = (
        "五、实施周期\n\n项目实施周期：2026年1月1日-12月31日。\n\n五、实施周期\n\n2026年1月至2026年12月\n"
    )
    assert classify(normalize_text(head + narrative)).year == 2026
    assert classify(normalize_text(head)).year is None
