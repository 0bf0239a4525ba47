"""Department-wide performance forms (部门整体…绩效目标表) read from PDF tables: their goal text, their
budget amounts and their indicators, one test per layout, on page excerpts in corpus/excerpts/.

Every expectation below is what the excerpt's pages print (see corpus/README.md for the pages)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budgetscope.models import Form
from budgetscope.pipeline.forms_pdf import read_pdf_forms
from budgetscope.pipeline.load import load

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"


def department_form(name: str) -> Form:
    path = EXCERPTS / name
    records = read_pdf_forms(path, load(path).page_texts(), doc=name, department=None, year=2026)
    (record,) = [r for r in records if r.kind == "department_form"]
    assert record.form is not None
    return record.form


def test_forms_pdf_department_amount_columns_over_one_value_row_beijing() -> None:
    # 预算支出总额 | 财政拨款 › 合计 · 基本支出 · 项目支出 | 其他资金 › 合计 · …, in 万元 with six decimals
    form = department_form("beijing-commerce-2026-budget-tables-p59-61.pdf")
    assert form.amounts == {
        "project_total": Decimal("2884041197.12"),
        "fiscal_current": Decimal("2871916254.40"),
        "other": Decimal("12124942.72"),
    }
    assert form.texts["年度绩效目标"].startswith("依据部门的核心职能")


def test_forms_pdf_department_levels_printed_before_the_indicator_name_beijing() -> None:
    # 活动 | 绩效指标 (产出指标数量指标便民生活圈年度评价报告) | 指标性质 | 指标值 | 度量单位, over three pages
    form = department_form("beijing-commerce-2026-budget-tables-p59-61.pdf")
    assert len(form.indicators) == 41
    first, last = form.indicators[0], form.indicators[-1]
    assert (first.level1, first.level2, first.level3, first.target) == (
        "产出指标",
        "数量指标",
        "便民生活圈年度评价报告",
        "＝1个",
    )
    assert (last.level1, last.level2, last.level3, last.target) == (
        "效益指标",
        "社会效益指标",
        "提升会计师事务所的国际影响力",
        "好",
    )


def test_forms_pdf_department_task_rows_closed_by_a_total_row_xian() -> None:
    # 任务名称 | 主要内容 | 预算金额（万元）› 总额 · 财政拨款 · 其他资金; only 金额合计 is the department's
    form = department_form("xian-audit-2026-p42-43.pdf")
    assert form.amounts == {
        "project_total": Decimal("42034700.00"),
        "fiscal_current": Decimal("40052900.00"),
        "other": Decimal("1981800.00"),
    }
    assert form.texts["年度绩效目标"].startswith("履行审计监督职责")


def test_forms_pdf_department_key_tasks_with_content_and_amount_xian() -> None:
    # 年度主要任务: five rows of 任务名称 | 主要内容 | 总额 · 财政拨款 · 其他资金 (万元); 总额 is the task's,
    # 审计专项补助经费's 财政拨款 of 0 is a part of it; the 金额合计 row is no task
    form = department_form("xian-audit-2026-p42-43.pdf")
    assert [(c.name, c.yuan) for c in form.components] == [
        ("机关运转", Decimal("33544200.00")),
        ("审计事务", Decimal("2858700.00")),
        ("购买中介机构审计服务", Decimal("3500000")),
        ("审计培训", Decimal("150000")),
        ("审计专项补助经费", Decimal("1981800.00")),
    ]
    assert sum(c.yuan or 0 for c in form.components) == form.amounts["project_total"]
    assert form.department == "西安市审计局"  # 部门（单位）名称 | 西安市审计局, on the page
    assert form.components[1].text == "审计外勤经费、差旅费、劳务费、审计普法宣传费等。"
    assert form.components[0].goal is None


def test_forms_pdf_department_key_tasks_over_two_pages_with_goals_guangzhou() -> None:
    # 年度重点工作任务: 名称 | 主要实施内容 | 拟投入的资金（万元） | 期望达到的目标（概述）, three rows on p1
    # and two on p2, where the group's cell goes on without a header; 其他需完成的任务 ends them
    form = department_form("guangzhou-data-bureau-2026-department-p1-2.pdf")
    tasks = form.components
    assert [c.yuan for c in tasks] == [
        Decimal("1648500.00"), Decimal("120000000.00"), Decimal("11080000.00"),
        Decimal("17569000.00"), Decimal("513659600.00"),
    ]  # fmt: skip
    assert tasks[1].name == "为市民群众提供全方位、多渠道、一体化的热线服务"
    assert tasks[1].text is not None and tasks[1].text.startswith(
        "广州12345政务服务便民热线已完成全市资源整合工作"
    )
    assert tasks[1].goal is not None and tasks[1].goal.startswith("通过实施2026年度广州12345热线平台运营项目")
    assert tasks[4].name == "统筹全市电子政务基础设施、信息系统、数据资源等安全保障工作。"
    assert "其他需完成的任务" not in "".join(c.name for c in tasks)
    assert len(form.indicators) == 21  # the indicator rows after the tasks are read as before


def test_forms_pdf_department_label_pairs_under_a_group_cell_guangzhou() -> None:
    # 预算整体情况 over rows of 基本支出 | 12,634.14 | 财政拨款 | 98,880.78; 总体绩效目标 | text; under
    # 按预算级次划分, 市本级使用资金 98,880.78 and 拟用于对下转移支付资金 0.00 beside rows of labels not
    # kept (财政专项资金 | 0.00)
    form = department_form("guangzhou-data-bureau-2026-department-p1-2.pdf")
    assert form.amounts == {
        "basic_expenditure": Decimal("126341400.00"),
        "project_expenditure": Decimal("862466400.00"),
        "fiscal_current": Decimal("988807800.00"),
        "other": Decimal("0"),
        "own_level": Decimal("988807800.00"),
        "to_lower_levels": Decimal("0"),
    }
    assert form.amount_labels["to_lower_levels"] == "拟用于对下转移支付资金"
    assert form.texts["年度绩效目标"].startswith("坚持以习近平新时代中国特色社会主义思想为指导")
    assert len(form.indicators) == 21


def test_forms_pdf_department_amounts_and_goal_in_columns_beside_indicators_changsha() -> None:
    # 资金总额 | 一般公共预算 | … | 基本支出 | 项目支出 | 整体绩效目标 | 一级指标 …, all on one merged row
    form = department_form("changsha-letters-and-calls-2026-p30-31.pdf")
    assert form.amounts == {
        "project_total": Decimal("19353600.00"),
        "fiscal_current": Decimal("19353600.00"),
        "basic_expenditure": Decimal("15179500.00"),
        "project_expenditure": Decimal("4174100.00"),
    }
    goal = form.texts["年度绩效目标"]
    assert goal.startswith("1.落实中央部署") and goal.endswith(
        "助推全市信访人才队伍不断成长。"
    )  # not its header again
    assert len(form.indicators) == 20  # ten rows a page
    assert form.indicators[0].level3 == "基本支出不超预算（不含年中调整数）"


def test_forms_pdf_department_goal_label_above_its_text_chongqing() -> None:
    # 当年整体绩效目标 alone on a full-width row, its paragraph on the row below
    form = department_form("chongqing-water-resources-2026-p30-33.pdf")
    assert form.texts["年度绩效目标"].startswith("完善全市水网建设布局")
    assert form.texts["年度绩效目标"].endswith("监测断面684个以上。")
    assert len(form.indicators) == 6


def test_forms_pdf_department_level_cell_cut_by_the_page_break_labelled_on_the_next_page_xian() -> None:
    # 提交审计报告和信息 and 提交的审计建议数量 end p42 with blank level cells under 成本指标 / 经济成本指标;
    # their merged cell goes on over p43, where it prints 产出指标 / 数量指标
    form = department_form("xian-audit-2026-p42-43.pdf")
    rows = {i.level3: (i.level1, i.level2, i.target) for i in form.indicators}
    assert rows["造价员（元/人/天）"] == ("成本指标", "经济成本指标", "≤550")
    assert rows["提交审计报告和信息（篇）"] == ("产出指标", "数量指标", "≥150")
    assert rows["提交的审计建议数量（条）"] == ("产出指标", "数量指标", "≥100")
    assert rows["审计培训人次"] == ("产出指标", "数量指标", "≥250")
    assert len(form.indicators) == 22
