"""Performance forms read from PDF tables, one test per layout, on page excerpts in corpus/excerpts/.

Every expectation below is what the excerpt's pages print (see corpus/README.md for the pages)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.models import Record
from budgetscope.pipeline.forms_pdf import form_pages, read_pdf_forms
from budgetscope.pipeline.load import load
from budgetscope.pipeline.pdf_tables import read_tables

NATIONAL = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"


def forms(name: str) -> list[Record]:
    path = NATIONAL / name
    return read_pdf_forms(path, load(path).page_texts(), doc=name, department=None, year=2026)


def by_name(records: list[Record], name: str) -> Record:
    return next(r for r in records if r.name == name)


def test_pdf_tables_merged_cell_carried_to_every_row_it_spans() -> None:
    grids = read_tables(NATIONAL / "central-letters-and-calls-2026-p30.pdf", [1])
    grid = grids[0]
    rows = [grid.row_cells(r) for r in range(len(grid.rows))]
    quality = [cells for cells in rows if any(c.text == "质量指标" for c in cells)]
    assert len(quality) == 4  # 设备完好率 … 系统软件反应速度 under one merged 质量指标 cell
    assert len({id(next(c for c in cells if c.text == "质量指标")) for cells in quality}) == 1
    cell = quality[0][0]
    assert cell.page == 1 and cell.bbox[2] > cell.bbox[0]


def test_pdf_tables_cell_cut_by_the_page_break_read_whole() -> None:
    # no closing rule under a project's name cell at the page bottom: one cell over all its rows
    (grid,) = read_tables(NATIONAL / "beijing-commerce-2026-budget-tables-p35-37.pdf", [1])
    name = next(c for c in grid.cells if c.text.endswith("搭建促消费平台"))
    assert name.text == "11000022T00000043 3643-搭建促消费平台"
    assert name.rowspan == 11 and grid.cell(len(grid.rows) - 1, name.col) is name
    goal = grid.cell(name.row, name.col + 4)
    assert goal is not None and goal.rowspan == 11 and goal.text.startswith("以北京消费季")


def test_forms_pdf_one_form_per_project_yantai() -> None:
    (form,) = forms("yantai-civil-affairs-2026-p34.pdf")
    assert form.kind == "form" and form.name == "民政业务工作经费"
    assert form.form is not None
    assert form.form.department == "烟台市民政局"  # printed 233_烟台市民政局
    assert form.form.amounts == {
        "project_total": Decimal("1760000.00"),
        "fiscal_current": Decimal("1740000.00"),
        "other": Decimal("20000.00"),
    }
    assert len(form.form.indicators) == 15
    first = form.form.indicators[0]
    assert (first.level1, first.level2, first.level3, first.target) == (
        "成本指标",
        "经济成本",
        "项目年度总支出控制数",
        "≤176万元",
    )


def test_forms_pdf_form_continued_on_next_page_xian() -> None:
    (form,) = forms("xian-audit-2026-p37-38.pdf")
    assert form.name == "购买中介机构审计服务" and form.form is not None
    inds = form.form.indicators
    assert len(inds) == 14
    # the 效益指标 cell is cut by the page break ("效益指" / "标") and covers the rows on both pages
    assert [(i.level1, i.level3) for i in inds[-3:-1]] == [
        ("效益指标", "避免财政资金损失浪费"),
        ("效益指标", "带动就业与人才培养"),
    ]
    assert all("分" not in (i.target or "") for i in inds)  # 分值权重 column kept out


def test_forms_pdf_central_scores_kept_apart_and_dash_amount_left_out() -> None:
    (form,) = forms("central-letters-and-calls-2026-p30.pdf")
    assert form.form is not None
    assert form.form.department == "国家信访局"  # printed [292]国家信访局
    assert form.form.amounts == {
        "project_total": Decimal("21348700.00"),
        "fiscal_current": Decimal("13848700.00"),
        "carryover": Decimal("7500000.00"),
    }
    assert [i.target for i in form.form.indicators][:3] == ["≤2134.87万元", "≥330台（套）", "≥96%"]
    assert form.form.texts["年度绩效目标"].startswith("1.加强对信访信息系统应用工作的指导和部署")


def test_forms_pdf_title_and_name_cut_by_page_break_fuzhou() -> None:
    (form,) = forms("fuzhou-healthcare-security-2026-p26-27.pdf")
    assert form.page == 1 and form.form is not None
    assert form.name == "2026年医疗服务与保障能力提升补助资金"  # the last character printed on page 2
    assert form.form.amounts["other"] == Decimal(0)  # printed 0.00
    assert form.form.implementer == "福州市医疗保障局"
    assert [i.level1 for i in form.form.indicators] == [
        "成本指标",
        "产出指标",
        "产出指标",
        "产出指标",
        "效益指标",
        "满意度指标",
    ]


def test_forms_pdf_beijing_wide_multi_project_table() -> None:
    records = forms("beijing-commerce-2026-budget-tables-p40-41.pdf")
    names = [r.name for r in records]
    assert names == [
        "11000023T000002066315-学生生活物价补贴",
        "11000024T000002800896-全球服务贸易联盟运行补助资金",
        "11000024T000002803372-法律顾问费项目",
        "11000024T000002809050-应急储备保障工作经费",
    ]
    cut = by_name(records, "11000024T000002800896-全球服务贸易联盟运行补助资金")
    assert cut.form is not None
    assert cut.form.amounts["project_total"] == Decimal("13000000")  # 1,300.000000 万元
    # 绩效指标性质 + 本年绩效指标值 + 绩效度量单位 in one target; 定性 rows keep the value alone
    targets = {i.level3: i.target for i in cut.form.indicators}
    assert targets["收到服贸联盟申请资金的函后及时拨付"] == "≤90日"
    assert "效果显著" in targets.values()
    emergency = by_name(records, "11000024T000002809050-应急储备保障工作经费")
    assert emergency.form is not None and emergency.form.amounts == {
        "project_total": Decimal("86100"),
        "other": Decimal("86100"),
    }


def test_forms_pdf_beijing_name_wrapped_in_a_cell_cut_by_the_page_break() -> None:
    # pp35-37: a project's merged cells run to the page bottom (no closing rule), its name wraps
    # over lines ("…搭建促消费平" / "台", "11000023T00000205" / "6675-境内外展览展示") and its
    # rows, goal and indicators go on over the next page under the repeated header
    records = forms("beijing-commerce-2026-budget-tables-p35-37.pdf")
    assert [r.name for r in records] == [
        "11000022T000000433196-助学金",
        "11000022T000000433643-搭建促消费平台",
        "11000022Y000000431501-政府投资建设信息化平台运行维护费",
        "11000022Y000000459362-北京市商务局资产购置",
        "11000023T000002010106-“两区”展示会客厅展项更新",
        "11000023T000002056675-境内外展览展示",
    ]
    grant = by_name(records, "11000022T000000433196-助学金")
    assert grant.form is not None
    assert [i.level3 for i in grant.form.indicators] == [
        "受助学生覆盖率",
        "学生满意度",
        "发放月数",
        "每月数据精准度",
    ]
    platform = by_name(records, "11000022T000000433643-搭建促消费平台")
    assert platform.page == 1 and platform.form is not None
    assert platform.form.amounts == {
        "project_total": Decimal("8900000"),
        "fiscal_current": Decimal("8900000"),
    }
    inds = platform.form.indicators
    assert len(inds) == 19  # 11 rows on page 1, 8 on page 2
    assert (inds[0].level3, inds[0].target) == ("帮扶促消费活动系列活动场次", "≥5场次")
    assert (inds[-1].level1, inds[-1].level3, inds[-1].target) == (
        "满意度指标",
        "参与活动消费者满意度",
        "≥90%",
    )
    goal = platform.form.texts["年度绩效目标"]
    assert goal.startswith("以北京消费季“京彩四季”品牌活动为统领")
    assert goal.endswith("助力实现2026年总消费增长目标。")
    upkeep = by_name(records, "11000022Y000000431501-政府投资建设信息化平台运行维护费")
    assert upkeep.form is not None and upkeep.form.amounts["project_total"] == Decimal("577545")
    assert upkeep.form.texts["年度绩效目标"].endswith("以便各系统继续发挥重要作用。")  # its page-3 rows
    expo = by_name(records, "11000023T000002056675-境内外展览展示")
    assert expo.form is not None and expo.form.amounts["project_total"] == Decimal("6000000")
    assert expo.form.indicators[0].level3 == "北京展区搭建面积"


def test_forms_pdf_beijing_project_begun_at_a_page_bottom_and_clipped_repeats() -> None:
    # pp44-47: a project's first rows at a page bottom with its name printed on the next page
    # (in the middle of its merged cell); continued cells are printed again on the next page with
    # their first lines clipped away under the repeated header
    records = forms("beijing-commerce-2026-budget-tables-p44-47.pdf")
    assert [r.name for r in records] == [
        "11000024T000002848623-口岸综合服务保障以及年鉴工作经费",
        "11000024T000002861752-北京市商业服务业服务质量提升系列活动",
        "11000024T000002965657-会展发展执行项目",
        "11000024Y000002861899-信息化系统运行维护",
        "11000024Y000002967065-商务信息化系统运维项目",
        "11000024Y000002967651-电子口岸平台日常运维项目",
        "11000025T000003326334-支持商圈、商街、商场品质提升项目",
    ]
    port = records[0]
    assert port.form is not None and len(port.form.indicators) == 3
    assert port.form.texts["年度绩效目标"].endswith("有效宣传北京口岸典型事例和工作经验。")
    service = records[1]
    assert service.page == 1 and service.form is not None
    assert service.form.amounts == {"project_total": Decimal("5400000"), "fiscal_current": Decimal("5400000")}
    assert len(service.form.indicators) == 12  # 4 rows on page 1, 8 on page 2
    assert service.form.indicators[0].level3 == "北京市优质服务品牌培育和推广活动培育示范街数量"
    assert service.form.texts["年度绩效目标"].startswith("通过组织开展提升商业服务业服务质量促消费系列活动")
    fair = records[2]
    assert fair.form is not None and fair.form.texts["年度绩效目标"].startswith(
        "按时完成每年春、秋两届广交会"
    )
    it = records[3]
    assert it.form is not None and it.form.amounts["project_total"] == Decimal("9000000")
    assert len(it.form.indicators) == 6


def test_forms_pdf_guangzhou_coded_inline_levels() -> None:
    records = forms("guangzhou-data-bureau-2026-p12.pdf")
    assert len(records) == 2
    platform = records[1]
    assert platform.name == "广州12345政府服务热线受理中心2025年热线智能平台建设项目"
    assert platform.form is not None and platform.form.department == "广州市政务服务和数据管理局"
    first = platform.form.indicators[0]
    assert (first.level1, first.level2, first.level3, first.target) == (
        "产出指标",
        "数量指标",
        "系统用户并发数",
        "≥700",
    )


def test_forms_pdf_chongqing_name_property_value_weight() -> None:
    records = forms("chongqing-water-resources-2026-p30-33.pdf")
    assert [r.kind for r in records] == ["department_form", "form", "form", "form"]
    reservoir = by_name(records, "水库移民后期扶持")
    assert reservoir.form is not None
    assert reservoir.form.amounts["project_total"] == Decimal("127000000.00")
    first = reservoir.form.indicators[0]
    assert (first.level1, first.level2, first.level3, first.target) == (None, None, "完工项目验收率", "≥90%")
    last = by_name(records, "水利行业业务经费")
    assert last.form is not None and last.form.amounts == {"fiscal_current": Decimal("142991600.00")}


def test_forms_pdf_total_split_by_budget_level_chongqing() -> None:
    """当年预算 over two rows, each beside a budget level: 市级支出 (spent by the city) and 补助区县 (granted
    to the districts), 单位：万元. p31 prints 12,700.00 | blank | 12,700.00, p32 152,992.83 | 152,992.83 |
    blank: a blank level is no amount (not 0)."""
    records = forms("chongqing-water-resources-2026-p30-33.pdf")
    reservoir, water = by_name(records, "水库移民后期扶持").form, by_name(records, "重庆市水利专项资金").form
    assert reservoir is not None and water is not None
    assert reservoir.amounts == {
        "project_total": Decimal("127000000.00"),
        "to_lower_levels": Decimal("127000000.00"),
    }
    assert water.amounts == {"project_total": Decimal("1529928300.00"), "own_level": Decimal("1529928300.00")}
    assert water.amount_labels == {"project_total": "当年预算", "own_level": "市级支出"}
    general = by_name(records, "水利行业业务经费").form  # p33: 当年财政拨款预算金额 alone, no split
    assert general is not None and set(general.amounts) == {"fiscal_current"}


def test_forms_pdf_title_keeps_a_year_printed_apart_chongqing() -> None:
    """p32's title (excerpt page 3) prints 2026 in a Latin font, 1.85 points lower than the 年 beside it:
    the year stays in the title line, not a line of its own after it (年市级…, then 2026). p31's is the
    same, read whole before only as its tops happened to round together."""
    (grid,) = [g for g in read_tables(NATIONAL / "chongqing-water-resources-2026-p30-33.pdf", [3]) if g.above]
    assert grid.above[0] == "2026年市级重点专项资金绩效目标表（一级项目）"
    titles = [r.title for r in forms("chongqing-water-resources-2026-p30-33.pdf")]
    assert titles[1:3] == ["2026年市级重点专项资金绩效目标表(一级项目)"] * 2


def test_forms_pdf_goal_only_tables_hangzhou_shenzhen() -> None:
    hangzhou = forms("hangzhou-transport-2026-p39.pdf")
    assert len(hangzhou) == 8 and all(r.form and not r.form.indicators for r in hangzhou)
    assert hangzhou[0].name == "日常保障运行" and hangzhou[0].form is not None
    assert hangzhou[0].form.amounts == {"project_total": Decimal("649000.00")}
    shenzhen = forms("shenzhen-finance-2026-p11-12.pdf")
    assert [r.name for r in shenzhen][:2] == ["预决算管理业务", "财政综合管理业务"]
    assert len(shenzhen) == 8 and shenzhen[0].form is not None
    assert shenzhen[0].form.department == "深圳市财政局"  # printed 深圳市财政局（本级）


def test_forms_pdf_units_filed_under_the_department_hangzhou() -> None:
    # 部门名称：杭州市交通运输局 over the table, a 单位名称 cell on each project's row
    records = forms("hangzhou-transport-2026-p39.pdf")
    assert {r.department for r in records} == {"杭州市交通运输局"}
    assert {r.form.department for r in records if r.form} == {"杭州市交通运输局"}
    units = [r.form.implementer for r in records if r.form]
    assert units[3:5] == ["杭州市交通运输局", "杭州市道路运输管理服务中心"]


def test_forms_pdf_changsha_scoring_columns_and_page_break() -> None:
    records = forms("changsha-letters-and-calls-2026-p22-23.pdf")
    first = records[0]
    assert first.name == "基层及其他信访业务工作经费专项" and first.form is not None
    assert len(first.form.indicators) == 16  # rows on both pages, the repeated header dropped
    assert first.form.indicators[0].target == "≤35.78万元"  # 指标值类型 + 指标值 + 度量单位
    assert first.form.indicators[2].target == "无"  # 定性
    assert all("得分" not in (i.target or "") for i in first.form.indicators)


def test_forms_pdf_self_evaluation_is_not_a_target() -> None:
    assert forms("central-letters-and-calls-2024-final-accounts-p30.pdf") == []


def test_forms_pdf_form_pages_found_by_fast_text() -> None:
    texts = ["一、部门职责", "项目支出绩效目标表\n一级指标 二级指标 三级指标 指标值", "附表"]
    assert form_pages(texts) == [2]


@pytest.mark.parametrize("name", sorted(p.name for p in NATIONAL.glob("*.pdf")))
def test_forms_pdf_every_cell_keeps_page_and_box(name: str) -> None:
    for grid in read_tables(NATIONAL / name, [1]):
        for cell in grid.cells:
            assert cell.page == 1 and cell.bbox[0] <= cell.bbox[2] and cell.bbox[1] <= cell.bbox[3]


def test_forms_pdf_qualitative_target_takes_no_unit_left_in_its_column() -> None:
    """Beijing's 会展发展执行项目 (p.45 of the budget tables) prints 参展企业品牌影响力价值 as 定性 /
    效果显著 with 项 still in its 度量单位 column: the target is 效果显著, not 效果显著项; numeric targets keep
    their units."""
    records = forms("beijing-commerce-2026-budget-tables-p44-47.pdf")
    form = next(r.form for r in records if (r.name or "").endswith("会展发展执行项目") and r.form)
    brand = next(i for i in form.indicators if i.level3 == "参展企业品牌影响力价值")
    assert brand.target == "效果显著"
    assert any(i.target and i.target[-1] in "个家次项场人%" for i in form.indicators)


def test_forms_pdf_unit_subtotal_row_names_the_implementer_of_the_projects_below() -> None:
    """Guangzhou's table heads its name column 项目名称（资金使用单位）: on p.4 the row 广州市数字政府运营中心
    67,756.88 (no goal, no indicators) is a unit's subtotal, not a project, and the projects below it are
    that unit's; the two above it (the bureau's, whose row is on p.1) have none here."""
    records = forms("guangzhou-data-bureau-2026-p4.pdf")
    names = [r.name for r in records]
    assert "广州市数字政府运营中心" not in names and len(records) == 7
    units = [r.form.implementer for r in records if r.form]
    assert units[:2] == [None, None] and set(units[2:]) == {"广州市数字政府运营中心"}
    assert by_name(records, "机构运行辅助经费").form.implementer == "广州市数字政府运营中心"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("excerpt", "name", "total"),
    [
        ("central-letters-and-calls-2026-p30.pdf", "信息化运行维护", 90),  # 分值（90）
        ("xian-audit-2026-p37-38.pdf", "购买中介机构审计服务", 90),  # 分值权重（90分）
        ("chongqing-water-resources-2026-p30-33.pdf", "水库移民后期扶持", 100),  # 指标权重(%)
    ],
)
def test_forms_pdf_weight_column_read_per_indicator(excerpt: str, name: str, total: int) -> None:
    """Each indicator's 分值 / 权重 cell is its weight; a form's weights add up to the total its header prints."""
    form = by_name(forms(excerpt), name).form
    assert form is not None and form.indicators
    weights = [i.weight for i in form.indicators]
    assert None not in weights and sum(w for w in weights if w is not None) == total


def test_forms_pdf_weight_of_a_row_as_printed() -> None:
    form = by_name(forms("central-letters-and-calls-2026-p30.pdf"), "信息化运行维护").form
    assert form is not None
    rows = {i.level3: (i.target, i.weight) for i in form.indicators}
    assert rows["项目总成本"] == ("≤2134.87万元", Decimal(20)) and rows["设备完好率"] == ("≥96%", Decimal(8))


def test_forms_pdf_no_weight_where_none_is_printed() -> None:
    rows = [i for r in forms("guangzhou-data-bureau-2026-p12.pdf") if r.form for i in r.form.indicators]
    assert rows and all(i.weight is None for i in rows)


@pytest.mark.parametrize(
    ("excerpt", "name", "labels"),
    [
        # the keys stay (the only total on a form is project_total); the label is what the form prints
        ("central-letters-and-calls-2026-p30.pdf", "信息化运行维护",
         {"project_total": "年度资金总额", "fiscal_current": "财政拨款", "carryover": "上年结转"}),
        ("xian-audit-2026-p37-38.pdf", "购买中介机构审计服务",
         {"project_total": "实施期资金总额", "fiscal_current": "财政拨款"}),
        ("chongqing-water-resources-2026-p30-33.pdf", "水库移民后期扶持",
         {"project_total": "当年预算", "to_lower_levels": "补助区县"}),
        ("hangzhou-transport-2026-p39.pdf", "综合交通规划及发展研究", {"project_total": "金额"}),
    ],
)  # fmt: skip
def test_forms_pdf_amounts_keep_their_printed_label(excerpt: str, name: str, labels: dict[str, str]) -> None:
    form = by_name(forms(excerpt), name).form
    assert form is not None and form.amount_labels == labels and set(form.amounts) == set(labels)
