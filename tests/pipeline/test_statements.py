"""A department budget's own tables and the totals its 编制说明 states (real excerpts of the corpus)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.pipeline.statements import (
    department_statements,
    find_tables,
    row_key,
    stated_precision,
    stated_totals,
)

# sast-2026-department-budget.txt lines 92-107, as published
SUMMARY = """2026年部门财务收支预算总表

编制部门：上海市科学技术协会

单位：元

本年收入\t\t本年支出\t
项目\t预算数\t项目\t预算数
一、财政拨款收入\t133,327,100\t一、一般公共服务支出\t21,901,124
1. 一般公共预算\t133,327,100\t二、科学技术支出\t102,740,231
2. 政府性基金预算\t\t三、社会保障和就业支出\t26,693,082
3. 国有资本经营预算\t\t四、卫生健康支出\t6,743,654
二、事业收入\t34,801,935\t五、住房保障支出\t10,750,944
三、事业单位经营收入\t\t\t
四、其他收入\t700,000\t\t
收入总计\t168,829,035\t支出总计\t168,829,035

2026年部门收入预算总表
"""

# stcsm-2025-department-budget.txt lines 280-291 and 342-346: the PDF conversion dropped the name column on
# the first page and shifted the value columns by one on the last
NO_NAMES = """2025年部门一般公共预算支出功能分类预算表

编制部门：上海市科学技术委员会

单位：元

项目\t\t\t一般公共预算支出\t\t
功能分类科目编码\t\t\t合计\t基本支出\t项目支出
类\t款\t项\t\t\t
205\t\t\t46,798,052\t34,704,256\t12,093,796
205\t08\t\t46,798,052\t34,704,256\t12,093,796
206\t01\t02\t29,619,154\t\t29,619,154
221\t02\t\t住房改革支出\t45,038,891\t45,038,891\t
合计\t\t\t\t6,160,978,836\t802,700,558\t5,358,278,279
"""

EXPLANATION = (
    "2026年，上海市科学技术协会收入预算15,544万元，其中：财政拨款收入13,331万元，比2025年预算减少1,877万元；"
    "事业收入2,143万元；事业单位经营收入0万元；其他收入70万元。"
)


def test_statements_summary_table_pairs_income_and_expenditure() -> None:
    [table] = find_tables(SUMMARY)
    assert (table.title, table.unit, table.line) == ("2026年部门财务收支预算总表", "元", 1)
    assert table.value("收入总计") == table.value("支出总计") == Decimal("168829035")
    assert table.value("财政拨款收入") == Decimal("133327100")
    assert table.value("四、卫生健康支出") == Decimal("6743654")
    assert table.value("事业单位经营收入") == 0  # the row is there, its cell empty
    assert table.value("上级补助收入") is None
    assert {b.column for b in table.lines} == {"预算数"}


def test_statements_rows_without_names_take_codes_and_right_aligned_columns() -> None:
    [table] = find_tables(NO_NAMES)
    cells = [(b.code, b.scheme, b.column, b.yuan) for b in table.lines]
    assert cells[:3] == [
        ("205", "functional", "合计", Decimal("46798052")),
        ("205", "functional", "基本支出", Decimal("34704256")),
        ("205", "functional", "项目支出", Decimal("12093796")),
    ]
    assert ("2060102", "functional", "项目支出", Decimal("29619154")) in cells
    assert ("2060102", "functional", "基本支出", Decimal("29619154")) not in cells
    assert ("22102", "functional", "基本支出", Decimal("45038891")) in cells
    assert [(b.name, b.column, b.yuan) for b in table.lines[-3:]] == [
        ("合计", "合计", Decimal("6160978836")),
        ("合计", "基本支出", Decimal("802700558")),
        ("合计", "项目支出", Decimal("5358278279")),
    ]


def test_statements_codes_get_names_from_another_table_of_the_document(corpus: Path) -> None:
    tables, _ = department_statements(
        (corpus / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    )
    general = next(t for t in tables if t.title == "2025年部门一般公共预算支出功能分类预算表")
    education = next(b for b in general.lines if b.code == "205")
    assert education.name == "教育支出"


def test_statements_corpus_tables_sum_up(corpus: Path) -> None:
    tables, stated = department_statements(
        (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    )
    assert [t.title for t in tables][:3] == [
        "2026年部门财务收支预算总表",
        "2026年部门收入预算总表",
        "2026年部门支出预算总表",
    ]
    income = tables[1]
    classes = [b for b in income.lines if b.code and len(b.code) == 3 and b.column == "合计"]
    assert [b.code for b in classes] == ["201", "206", "208", "210", "221"]
    assert sum(b.yuan for b in classes) == income.value("合计", "合计") == Decimal("168829035")
    three = next(t for t in tables if "三公" in t.title)
    assert (three.unit, three.lines[0].yuan) == ("万元", Decimal("739700"))
    assert len(stated) == 13


def test_statements_unit_bearing_title_only() -> None:
    assert find_tables("2026年部门收入预算总表\n项目\t预算数\n收入总计\t168,829,035\n") == []
    assert find_tables(" - 2. 2026年部门收入预算总表\n - 3. 2026年部门支出预算总表\n") == []


def test_statements_stated_totals_of_an_explanation() -> None:
    found = [(s.label, s.text, s.yuan) for s in stated_totals(EXPLANATION)]
    assert found == [
        ("收入预算", "15,544万元", Decimal("155440000")),
        ("财政拨款收入", "13,331万元", Decimal("133310000")),
        ("事业收入", "2,143万元", Decimal("21430000")),
        ("事业单位经营收入", "0万元", Decimal("0")),
        ("其他收入", "70万元", Decimal("700000")),
    ]


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        ("支出预算15,544万元，其中：财政拨款支出预算13,331万元", "支出预算"),
        (
            "财政拨款支出预算中，一般公共预算拨款支出预算13,331万元，比2025年预算减少1,877万元",
            "一般公共预算拨款支出预算",
        ),
        (
            "2. “科学技术支出”科目7,645万元，主要用于科普/学术/国际民间交流/建言献策等开展各项活动支出。",
            "科学技术支出",
        ),
        ("国有资本经营预算拨款支出预算为0万元。", "国有资本经营预算拨款支出预算"),
    ],
)
def test_statements_stated_total_labels(sentence: str, label: str) -> None:
    assert stated_totals(sentence)[0].label == label


def test_statements_comparisons_are_not_totals() -> None:
    assert stated_totals("比2025年预算减少1,877万元；政府性基金拨款支出预算为0") == []


@pytest.mark.parametrize(
    ("text", "quantum"),
    [
        ("17.95万元", "100"),
        ("15,544万元", "10000"),
        ("179,540.00", "0.01"),
        ("1.5亿元", "10000000"),
        ("600元", "1"),
    ],
)
def test_statements_stated_precision(text: str, quantum: str) -> None:
    assert stated_precision(text) == Decimal(quantum)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("一、财政拨款收入", "财政拨款收入"),
        ("1. 一般公共预算", "一般公共预算"),
        ("（三）其他收入", "其他收入"),
    ],
)
def test_statements_row_key_drops_ordinals(name: str, key: str) -> None:
    assert row_key(name) == key


PIECES = [
    "2026年部门收入预算总表",
    "单位：元",
    "单位：万元",
    "\t",
    "\n",
    "合计",
    "收入预算",
    "类",
    "款",
    "项",
    "功能分类科目编码",
    "1,106,700",
    "206",
    "07",
    "0",
    "12.5",
    "、",
    "“科学技术支出”科目",
    "7,645万元",
    "为",
]


@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_statements_never_crash(text: str) -> None:
    tables, stated = department_statements(text)
    for t in tables:
        assert all(b.unit in ("元", "万元") for b in t.lines)
    assert all(s.yuan >= 0 for s in stated)
