"""A minus sign is part of the amount (review 29 #14): ``-50万元`` is −500,000 yuan, never +500,000.

The table rows are printed in the national corpus: Shenzhen's 表9 (shenzhen-finance-2026-department-budget.pdf
p.38, 单位：万元) and Xi'an's 表13 (xian-audit-2026-department-budget.pdf p.35, 单位：元), whose 增减
columns are negative; the sentence is the review's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts, parse_money
from budgetscope.pipeline.nlp import AMOUNTS, nlp

SHENZHEN_ROW = "增减变化金额 -1.20 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00 -1.20 0.00 0.00"
XIAN_ROW = "合计 526,000.00 120,000.00 20,000.00 -194,000.00 -18,000.00 -176,000.00"
SENTENCE = "预算数为-50万元"


def test_money_signs_a_minus_before_an_amount_is_negative() -> None:
    assert [(a.text, a.yuan) for a in find_amounts(SENTENCE)] == [("-50万元", Decimal("-500000"))]
    assert parse_money("-50万元") == Decimal("-500000")
    assert parse_money("−1.5万元") == Decimal("-15000")  # U+2212, the typeset minus
    assert parse_money("－50万元") == Decimal("-500000")  # full width


def test_money_signs_bare_table_numbers_keep_their_sign() -> None:
    shenzhen = find_amounts(SHENZHEN_ROW, unit="万元")
    assert [a.yuan for a in shenzhen][:2] == [Decimal("-12000"), Decimal("0")]
    assert shenzhen[0].text == "-1.20"
    xian = [a.yuan for a in find_amounts(XIAN_ROW, unit="元")]
    assert xian[3:] == [Decimal("-194000.00"), Decimal("-18000.00"), Decimal("-176000.00")]


@pytest.mark.parametrize(
    "text",
    [
        "2025年1-3月\t8.98万元",  # a month range, not a sign
        "评分：90(含)-100万元",  # a range after (含)
        "10-15万元",
        "GZIT2022-50万元",  # a code
    ],
)
def test_money_signs_a_dash_that_is_no_sign(text: str) -> None:
    assert all(a.yuan >= 0 for a in find_amounts(text))


@pytest.mark.parametrize(
    ("text", "read"),
    [  # review 29's code review (cr29 #1): a dash after a unit or a word joins a range, it is no sign
        ("年度预算安排100万元-120万元。", [("100万元", "1000000"), ("120万元", "1200000")]),
        ("培训费标准为每人每天400元-550元。", [("400元", "400"), ("550元", "550")]),
        ("项目预算50万-100万元", [("50万", "500000"), ("100万元", "1000000")]),
        ("劳务费1000元/人-2000元/人", [("1000元", "1000"), ("2000元", "2000")]),
    ],
)
def test_money_signs_a_range_with_units_on_both_ends_is_two_approximate_positive_amounts(
    text: str, read: list[tuple[str, str]]
) -> None:
    amounts = find_amounts(text)
    assert [(a.text, str(a.yuan)) for a in amounts] == read
    assert all(a.approximate for a in amounts)
    doc = nlp([AMOUNTS])(text)  # the spaCy component reads the same
    assert [(s.text, s._.amount.yuan) for s in doc.spans[AMOUNTS]] == [(t, Decimal(y)) for t, y in read]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("第一阶段-30万元", ("30万元", "300000")),  # after a word: no sign
        ("合计：-50万元", ("-50万元", "-500000")),  # after a colon (full width)
        ("增减（-50万元）", ("-50万元", "-500000")),  # in a bracket
        ("增减数是-50万元", ("-50万元", "-500000")),  # after 是, as after 为
        ("-50万元", ("-50万元", "-500000")),  # at the start
    ],
)
def test_money_signs_a_sign_only_where_a_sign_can_stand(text: str, read: tuple[str, str]) -> None:
    assert [(a.text, str(a.yuan)) for a in find_amounts(text)] == [read]


def test_money_signs_a_negative_amount_is_a_change_not_the_total() -> None:
    amounts = assign_roles(SENTENCE, find_amounts(SENTENCE))
    assert [(a.yuan, a.role) for a in amounts] == [(Decimal("-500000"), "other")]
    assert budget_total(amounts) is None
    text = "项目预算100万元，比上年-50万元。"
    assert budget_total(assign_roles(text, find_amounts(text))) == Decimal("1000000")


def test_money_signs_the_spacy_component_reads_the_sign() -> None:
    doc = nlp([AMOUNTS])(SENTENCE)
    spans = doc.spans[AMOUNTS]
    assert [(s.text, s._.amount.yuan, s._.amount.role) for s in spans] == [
        ("-50万元", Decimal("-500000"), "other")
    ]
    table = nlp([AMOUNTS], budget_amounts={"unit": "万元"})(SHENZHEN_ROW)
    assert table.spans[AMOUNTS][0]._.amount.yuan == Decimal("-12000")
