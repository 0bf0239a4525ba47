"""Amounts as district budgets write them (#9): a bare 万 after a decimal amount in a budget section's
item list, items named with 财政 that are not fiscal funding, and a total broken down in brackets.

Each text is a line of stcsm-2025-department-budget.txt, edited into the variant.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts

ITEMS = "项目预算金额：15万元，其中年报撰写：12.0万元；年报印刷：3.0万元。"
FUNDS = "财政资金13283.18万元，主要用于科技馆展区更新改造各个合同款。"
SOURCE = "项目资金拟用于建设博士后科研工作站相关工作，预算人民币约27万元。"
ANNUAL = "本项目2025年计划申请财政预算489.24万元。"


def _roles(text: str, section: str = "budget") -> list[tuple[str, str]]:
    return [(a.text, a.role) for a in assign_roles(text, find_amounts(text, section=section))]


def test_money_variants_come_from_the_corpus(corpus: Path) -> None:
    text = (corpus / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
    assert all(line in text for line in (ITEMS, FUNDS, SOURCE, ANNUAL))


def test_money_bare_wan_after_a_decimal_in_a_budget_item_list() -> None:
    text = FUNDS.replace(
        "各个合同款。",
        "各个合同款。其中：\n1. 展区更新改造工程施工监理及设计咨询服务：13083.18万；\n2. 支持科普展品研发制作与布展200.00万。",
    )
    assert _roles(text) == [
        ("13283.18万元", "fiscal"),
        ("13083.18万", "component"),
        ("200.00万", "component"),
    ]
    # outside a budget section, or not a numbered item, or a count: not money
    assert "200.00万" not in [a.text for a in find_amounts(text, section="plan")]
    assert _roles("1. 展区全年接待观众1.50万人次；\n2. 展区改造面积0.35万平方米") == []
    assert _roles("展区更新改造支持科普展品研发制作与布展200.00万。") == []


def test_money_bare_wan_after_a_decimal_in_a_qizhong_list() -> None:
    text = FUNDS.replace(
        "各个合同款。", "各个合同款，其中：支持展区更新改造13083.18万、展品研发制作200.00万。"
    )
    assert [a.text for a in find_amounts(text)] == ["13283.18万元", "13083.18万", "200.00万"]
    assert [a.text for a in find_amounts("展区更新改造13083.18万、展品研发制作200.00万。")] == []


def test_money_item_named_with_caizheng_is_not_fiscal() -> None:
    text = ITEMS.replace("年报撰写", "财政业务费")
    assert _roles(text) == [("15万元", "total"), ("12.0万元", "component"), ("3.0万元", "component")]
    assert _roles(FUNDS) == [("13283.18万元", "fiscal")]


@pytest.mark.parametrize("source", ["区级财力安排", "市级财力安排", "申请财政拨款"])
def test_money_funding_source_statements_are_fiscal(source: str) -> None:
    text = SOURCE.replace("预算人民币", source)
    amounts = assign_roles(text, find_amounts(text))
    assert [(a.text, a.role) for a in amounts] == [("27万元", "fiscal")]
    assert budget_total(amounts) == Decimal(270000)


def test_money_amount_broken_down_in_brackets_is_the_total() -> None:
    text = ANNUAL.replace("万元。", "万元（含上年结转89.24万元）。")
    amounts = assign_roles(text, find_amounts(text))
    assert [(a.text, a.role) for a in amounts] == [("489.24万元", "total"), ("89.24万元", "other")]
    assert budget_total(amounts) == Decimal(4892400)
    assert _roles(ANNUAL) == [("489.24万元", "fiscal")]


PIECES = [
    "1. ",
    "（2）",
    "支持企业发展",
    "70.00万",
    "财政业务费",
    "区级财力",
    "（含上年结转",
    "750.00万元）",
    "；",
    "\n",
    "1.5万人次",
]


@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=10)), max_size=30))
def test_money_variants_never_raise(parts: list[str]) -> None:
    text = "".join(parts)
    amounts = assign_roles(text, find_amounts(text, section="budget"))
    assert all(text[a.start : a.end] == a.text and a.yuan >= 0 for a in amounts)
    budget_total(amounts)
