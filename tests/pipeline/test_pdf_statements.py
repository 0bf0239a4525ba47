"""A PDF department budget's own summary tables and stated totals, on page excerpts in corpus/excerpts/.

Every expectation below is what the excerpt's pages print (see corpus/README.md for the pages)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budgetscope.models import BudgetLine, BudgetTable, Document, table_kind
from budgetscope.pipeline.linking.audits import department_totals
from budgetscope.pipeline.linking.findings import department_checks
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
    assert total.page == 3 and total.column == "收支/预算数"  # side not read: kept out of column sums
    assert [(s.label, s.text, s.yuan, s.page) for s in stated] == [
        ("收入预算", "665964.37万元", Decimal("6659643700"), 1)
    ]


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
    assert total.yuan == Decimal("408696000") and total.where == "a.pdf p. 7"


def test_pdf_statements_table_kind() -> None:
    assert table_kind("部门综合预算收支总表") == "overall"
    assert table_kind("2026年度财政拨款收支预算总表") == "fiscal"
    assert table_kind("2026年度收入预算总表") is None
    assert table_kind("2026年部门收支总体情况表") == "overall"
    assert table_kind("公开表4 财政拨款收支总体情况表") == "fiscal"
    line = BudgetLine("t", 1, "收入总计", "预算数", Decimal(1), "1", "元", page=2)
    assert BudgetTable("t", 0, "元", (line,), page=2).value("收入总计") == 1
