"""A PDF department budget's own summary tables and stated totals, on page excerpts in corpus/excerpts/.

Every expectation below is what the excerpt's pages print (see corpus/README.md for the pages)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budgetscope.models import BudgetLine, BudgetTable, Document, row_key, table_kind
from budgetscope.pipeline.linking.audits import department_totals
from budgetscope.pipeline.linking.findings import department_checks
from budgetscope.pipeline.linking.table_checks import table_sum_checks
from budgetscope.pipeline.pdf_statements import _table, pdf_stated_totals, pdf_statements

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
HANGZHOU = EXCERPTS / "hangzhou-transport-2026-p5-22-23.pdf"


def test_pdf_statements_table_over_a_page_break_and_a_larger_last_digit() -> None:
    # Hangzhou 表1 (excerpt pages 2-3): the rows go on over the page break without a title; 收入总计
    # prints 665964.37 with its last digit a little larger than the others
    tables, stated = pdf_statements(HANGZHOU, year=2026)
    [table] = tables
    assert table.title == "表1：2026年市级部门收支预算总表" and table.unit == "万元" and table.page == 2
    assert table_kind(table.title) == "overall"
    assert table.value("收入总计") == table.value("支出总计") == Decimal("6659643700.00")
    assert table.value("本年收入合计") == Decimal("6481055200.00")
    assert table.value("事业收入") == Decimal("96809700.00")  # 三、事业收入 9,680.97
    total = next(b for b in table.lines if b.name == "支出总计")
    assert total.page == 3 and total.column == "支出/预算数"  # its side (收入 | 支出 over 项目 | 预算数)
    assert [(s.label, s.text, s.yuan, s.page) for s in stated] == [
        ("收入预算", "665964.37万元", Decimal("6659643700"), 1)
    ]


def test_pdf_statements_header_cell_spanning_columns_labels_each() -> None:
    # Shanghai college p7 财务收支预算总表: 本年支出 › 预算数 spans 合计 | 基本支出 | 项目支出, and
    # 基本支出 spans 人员经费 | 公用经费; each cell is labelled by every header cell over its column
    [table] = pdf_statements(EXCERPTS / "shanghai-transport-vocational-college-2026-p7.pdf", year=2026)[0]
    assert table.title == "2026年预算单位财务收支预算总表" and table.unit == "元"
    assert [(b.column, b.yuan) for b in table.lines if b.name == "支出总计"] == [
        ("本年支出/预算数/合计", Decimal("408696000")),
        ("本年支出/预算数/基本支出/人员经费", Decimal("229442320")),
        ("本年支出/预算数/基本支出/公用经费", Decimal("106868210")),
        ("本年支出/预算数/项目支出", Decimal("72385470")),
    ]
    assert [b.column for b in table.lines if b.name == "收入总计"] == ["本年收入/预算数"]


def test_pdf_statements_stated_total_checked_against_the_table() -> None:
    tables, stated = pdf_statements(HANGZHOU, year=2026)
    doc = Document(doc=HANGZHOU.name, path=str(HANGZHOU), kind="department_budget", year=2026)
    [check] = [c for c in department_checks(doc, tables, stated) if c.kind == "department_total"]
    assert check.status == "agree" and check.page == 1 and check.line is None and check.other_page == 3
    assert "收入总计" in check.message


def test_pdf_statements_title_repeated_on_every_page() -> None:
    # Shenzhen 表1 收支总表 over three pages, its title and header printed again on each
    [table] = pdf_statements(EXCERPTS / "shenzhen-finance-2026-p16-18.pdf", year=2026)[0]
    assert table.title == "收支总表" and {b.page for b in table.lines} == {1, 2, 3}
    assert table.value("支出总计") == table.value("收入总计") == Decimal("373858800.00")
    assert table.value("1.一般公共预算拨款") == Decimal("369890500.00")
    assert sum(1 for b in table.lines if b.name == "行政运行") == 1  # the header rows are not read again


def test_pdf_statements_title_and_unit_inside_the_grid() -> None:
    # Beijing 预算01表: title and 金额单位 are rows of the ruled grid; amounts to six decimals of 万元
    [table] = pdf_statements(EXCERPTS / "beijing-commerce-2026-budget-tables-p1.pdf", year=2026)[0]
    assert table.title == "预算01表收支总表" and table.unit == "万元"
    assert table.value("支出总计") == Decimal("2884163497.12")
    assert table.value("年终结转结余") == Decimal("122300.00")


def _lines(rows: list[tuple[str, str, str, str]]) -> list[tuple[int, list[str]]]:
    return [(i, list(r)) for i, r in enumerate(rows, start=3)]


def test_pdf_statements_unbalanced_or_garbled_table_is_not_asserted() -> None:
    header = [["收入", "收入", "支出", "支出"], ["项目", "预算数", "项目", "预算数"]]
    good = [("本年收入合计", "1.00", "本年支出合计", "1.00"), ("收入总计", "1.00", "支出总计", "1.00")]
    rows = [(page, cells) for page, cells in [(1, h) for h in header] + [(1, list(r)) for r in good]]
    assert _table("收支总表", "万元", rows) is not None
    cut = [
        (1, list(r))
        for r in [("本年收入合计", "1.00", "本年支出合计", "1.00"), ("收入总计", "7", "支出总计", "1.00")]
    ]
    assert _table("收支总表", "万元", [(1, h) for h in header] + cut) is None  # the sides do not balance
    run = [(1, ["收入总计", "1.00 2.00", "支出总计", "1.00"])]
    assert _table("收支总表", "万元", [(1, h) for h in header] + run) is None  # two numbers in one cell
    assert _table("收支总表", None, rows) is None  # no unit printed


def test_pdf_statements_stated_totals_need_the_year_and_an_unqualified_label() -> None:
    pages = [
        "2026年收入预算665964.37万元，比上年执行数增加。\n2025年支出预算1万元。",
        "2026年“三公”经费财政拨款支出预算为76.43万元。\n基本支出预算 31644.88 万元，占本年支出预算 10.97%",
        "2026 年国家信访局收入预算总计 50,616.94 万元，其中",
    ]
    found = pdf_stated_totals(pages, 2026, set())
    assert [(s.label, s.page) for s in found] == []  # 收入预算 stated twice, with different amounts
    found = pdf_stated_totals(pages[:2], 2026, set())
    assert [(s.label, s.text, s.page, s.line) for s in found] == [("收入预算", "665964.37万元", 1, 1)]
    assert pdf_stated_totals(pages, None, set()) == []


def test_pdf_statements_department_total_prefers_the_whole_of_a_multi_column_row() -> None:
    rows = [
        {
            "department": "d",
            "year": 2026,
            "doc": "a.pdf",
            "label": "支出总计",
            "yuan": y,
            "line": 16,
            "page": 7,
        }
        for y in ("229442320", "408696000", "72385470")
    ]
    total = department_totals(rows)[("d", 2026)]
    assert total.yuan == Decimal("408696000") and total.where == "a.pdf p.7"


def test_pdf_statements_table_kind() -> None:
    assert table_kind("部门综合预算收支总表") == "overall"
    assert table_kind("2026年度财政拨款收支预算总表") == "fiscal"
    assert table_kind("2026年度收入预算总表") is None
    assert table_kind("2026年部门收支总体情况表") == "overall"
    assert table_kind("公开表4 财政拨款收支总体情况表") == "fiscal"
    line = BudgetLine("t", 1, "收入总计", "预算数", Decimal(1), "1", "元", page=2)
    assert BudgetTable("t", 0, "元", (line,), page=2).value("收入总计") == 1


def test_pdf_statements_whole_codes_read_as_a_tree() -> None:
    # Fuzhou 三、支出预算总表: 科目编码 prints whole codes (208, 20805, 2080501) in one column
    [table] = pdf_statements(EXCERPTS / "fuzhou-healthcare-security-2026-p12.pdf", year=2026)[0]
    assert table.title == "2026年度支出预算总表" and table.unit == "万元"
    assert table.value("合计", "合计") == Decimal("3519049000.00")  # 351904.90
    cell = next(b for b in table.lines if b.code == "2101202" and b.column == "项目支出")
    assert (cell.name, cell.yuan, cell.scheme) == (
        "财政对城乡居民基本医疗保险基金的补助",
        Decimal("3334050000.00"),
        "functional",
    )
    assert {b.code for b in table.lines if b.name == "医疗保障管理事务"} == {"21015"}
    assert not any(n.isdigit() for n in table.row_names)  # the codes are not taken for row names
    sums = [c for c in table_sum_checks("f.pdf", [table]) if c.field == "code:21015:合计"]
    assert [c.status for c in sums] == ["agree"]  # 8972.30 = 3530.82 + 1306.00 + 1160.00 + 2230.48 + 745.00


def test_pdf_statements_whole_codes_over_pages_and_a_total_row_on_both_sides() -> None:
    # Chongqing 表一 (合计 186,549.30 on both sides, no 收入总计), 表三 (whole codes over three pages),
    # 表四 (closed by 收入合计 / 支出合计; the next page's grid, as wide, is 表五 under its own title)
    overall, spending, fiscal = pdf_statements(
        EXCERPTS / "chongqing-water-resources-2026-p12-18-22.pdf", year=2026
    )[0]
    assert overall.title == "2026年部门收支总体情况表" and overall.value("合计") == Decimal("1865493000.00")
    assert overall.value("其他收入资金") == Decimal("15120400.00")
    assert spending.title == "2026年部门支出总体情况表" and {b.page for b in spending.lines} == {2, 3, 4}
    assert spending.value("水文测报", "总计") == Decimal("38903800.00")  # 2130313, p. 3
    assert {b.code for b in spending.lines if b.name == "信息管理"} == {"2130333"}  # p. 4
    assert fiscal.value("收入合计") == fiscal.value("支出合计") == Decimal("1722831500.00")
    assert {b.page for b in fiscal.lines} == {5}


def test_pdf_statements_unit_codes_are_not_classification_codes() -> None:
    # Xi'an 表2 / 表3: 单位编码 117 and 117001 (the department and its unit) beside 单位名称
    income, spending = pdf_statements(EXCERPTS / "xian-audit-2026-p23-24.pdf", year=2026)[0]
    assert income.title == "部门综合预算收入总表" and income.unit == "元"
    assert income.value("合计", "部门预算/合计") == Decimal("42034723.58")
    assert income.value("合计", "部门预算/其他收入") == Decimal("1000000.00")  # 部门预算 spans every column
    assert spending.title == "部门综合预算支出总表" and spending.value("合计") == Decimal("42034723.58")
    assert all(b.code is None for t in (income, spending) for b in t.lines)


def test_pdf_statements_whole_codes_that_are_no_tree_are_not_asserted() -> None:
    header = [["科目编码", "科目名称", "合计", "基本支出"]]
    rows = [["208", "社会保障和就业支出", "1073.21", "1073.21"], ["20805", "行政事业单位养老支出", "1073.21", "1073.21"],
            ["2080501", "行政单位离退休", "178.51", "178.51"]]  # fmt: skip
    numbered = [(1, h) for h in header] + [(1, r) for r in rows]
    table = _table("支出总表", "万元", numbered)
    assert table is not None and [b.code for b in table.lines if b.column == "合计"] == [
        "208",
        "20805",
        "2080501",
    ]
    cut = [(1, r) for r in [rows[0], ["2080", "行政事业单位养老支出", "1073.21", "1073.21"], rows[2]]]
    assert _table("支出总表", "万元", [(1, h) for h in header] + cut) is None  # a code cut to 4 digits
    stray = [(1, r) for r in [rows[0], ["21005", "行政事业单位养老支出", "1073.21", "1073.21"], rows[2]]]
    assert _table("支出总表", "万元", [(1, h) for h in header] + stray) is None  # 21005 is not under 208


def test_pdf_statements_column_pairs_side_by_side_each_named_by_its_classification() -> None:
    # Xi'an 表1 部门综合预算收支总表 (p.22): under 支出 three name | 预算数 pairs side by side, 支出功能分类科目
    # （按大类）, 部门预算支出经济分类科目（按大类） and 政府预算支出经济分类科目（按大类）; each closes on 支出总计
    [table] = pdf_statements(EXCERPTS / "xian-audit-2026-p22.pdf", year=2026)[0]
    assert table.title == "部门综合预算收支总表" and table.unit == "元"
    columns = [
        "支出/支出功能分类科目/预算数",
        "支出/部门预算支出经济分类科目/预算数",
        "支出/政府预算支出经济分类科目/预算数",
    ]
    assert [b.column for b in table.lines if b.name == "支出总计"] == columns
    assert {b.column for b in table.lines} == {"收入/预算数", *columns}
    for column in columns:  # one classification alone: its top rows sum to its 本年支出合计, counted once
        cells = [b for b in table.lines if b.column == column]
        assert sum(1 for b in cells if b.name == "本年支出合计") == 1
        top = [
            b.yuan
            for b in cells
            if b.name and b.name.startswith("一、部门预算 / ") and b.name.count(" / ") == 1
        ]
        assert sum(top) == table.value("本年支出合计", column) == Decimal("42034723.58")
    assert table.value("支出总计", columns[1]) == table.value("收入总计") == Decimal("42034723.58")


def test_pdf_statements_row_under_a_parent_named_after_it() -> None:
    # Xi'an 表1: (2)商品和服务支出 printed under 1、人员经费和公用经费支出 (305.54万) and again under
    # 2、专项业务经费支出 (849.05万), both under 一、部门预算; unnumbered or total rows keep their name
    [table] = pdf_statements(EXCERPTS / "xian-audit-2026-p22.pdf", year=2026)[0]
    goods = [(b.name, b.yuan) for b in table.lines if b.name and b.name.endswith("(2)商品和服务支出")]
    assert goods == [
        ("一、部门预算 / 1、人员经费和公用经费支出 / (2)商品和服务支出", Decimal("3055383.68")),
        ("一、部门预算 / 2、专项业务经费支出 / (2)商品和服务支出", Decimal("8490507.50")),
    ]
    assert table.value("一、部门预算 / 1、财政拨款 / (1)一般公共预算拨款") == Decimal("40052896.08")
    assert table.value("财政拨款") == Decimal("40052896.08")  # a row found by its own name
    assert table.value("上年实户资金余额") == Decimal("981827.50")  # 上年… after 本年收入合计: no parent
    assert {b.name for b in table.lines if "总计" in (b.name or "")} == {"收入总计", "支出总计"}
    # Shenzhen 收支总表: 1.一般公共预算拨款 under 一、财政拨款, 1.事业收入 under 三、单位资金
    [shenzhen] = pdf_statements(EXCERPTS / "shenzhen-finance-2026-p16-18.pdf", year=2026)[0]
    names = {b.name for b in shenzhen.lines}
    assert {"一、财政拨款 / 1.一般公共预算拨款", "二、财政专户管理资金"} <= names  # no 2、… on its level
    assert shenzhen.value("一般公共预算拨款") == Decimal("369890500.00")  # as the 编制说明 names it
    assert "三、单位资金 / 1.事业收入" in names and "事业收入" in {row_key(n) for n in names if n}
