"""An upper bound is no exact budget, and a unit rate is no part of a total (review 30-b #1, #5).

Texts: sast-2019-performance-targets.txt line 101 ("单个征集项目金额不超过20万元", a real upper bound);
stcsm-2025-department-budget.txt's 研发平台数据采购及保障项目 (line 629, "申请年度预算4,232,663.00元。") and
博士后高层次人才建设项目 (line 1346, "2025年博士后高层次人才建设项目经费72万元整。"), edited as each test says:
no bundled budget section states a bound or a rate.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.models import Record, to_json
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents
from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts
from budgetscope.pipeline.nlp import nlp

STCSM = "stcsm-2025-department-budget.txt"
DATA = "申请年度预算4,232,663.00元。"
POSTDOC = "2025年博士后高层次人才建设项目经费72万元整。"


def _edited(corpus: Path, tmp_path: Path, old: str, new: str) -> dict[int | None, Record]:
    text = (corpus / STCSM).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / STCSM).write_text(text.replace(old, new, 1), encoding="utf-8")
    return {r.line: r for r in extract_documents([read_document(tmp_path / STCSM)])[0].records}


def test_money_bounds_a_real_upper_bound_is_approximate(corpus: Path) -> None:
    line = (corpus / "sast-2019-performance-targets.txt").read_text(encoding="utf-8").splitlines()[100]
    assert "单个征集项目金额不超过20万元" in line
    (amount,) = [a for a in find_amounts(line) if a.text == "20万元"]
    assert (amount.yuan, amount.approximate) == (Decimal("200000"), True)


@pytest.mark.parametrize(
    "stated",
    ["申请年度预算不超过4,232,663.00元。", "申请年度预算4,232,663.00元以内。", "申请年度预算最高4,232,663.00元。",
     "申请年度预算约4,232,663.00元。", "申请年度预算4,232,663.00元左右。"],
)  # fmt: skip
def test_money_bounds_budget_read_from_a_bound_is_approximate(
    corpus: Path, tmp_path: Path, stated: str
) -> None:
    exact = _edited(corpus, tmp_path, DATA, DATA)[629]
    assert (exact.budget_total_yuan, exact.budget_total_approximate) == (Decimal("4232663"), False)
    bound = _edited(corpus, tmp_path, DATA, stated)[629]
    assert (bound.budget_total_yuan, bound.budget_total_approximate) == (Decimal("4232663"), True)
    line = json.loads(to_json(bound.contract(flags=[])))
    assert line["budget_total_approximate"] is True
    assert [(a["role"], a["approximate"]) for a in line["amounts"]] == [("total", True)]


def test_money_bounds_a_rate_is_no_component(corpus: Path, tmp_path: Path) -> None:
    rate = "博士后生活补贴6000元/人/月，共10人。"  # 6000 × 12 × 10 = 72万元
    postdoc = _edited(corpus, tmp_path, POSTDOC, rate + POSTDOC)[1346]
    assert postdoc.budget_total_yuan == Decimal("720000")
    assert [(a.text, a.role) for a in postdoc.amounts if a.section == "budget"] == [
        ("6000元", "other"),
        ("72万元", "total"),
    ]


def test_money_bounds_the_year_s_budget_named_after_an_item_is_the_total(
    corpus: Path, tmp_path: Path
) -> None:
    text = "数据采购费3,000,000.00元。" + DATA
    data = _edited(corpus, tmp_path, DATA, text)[629]
    assert data.budget_total_yuan == Decimal("4232663")  # was None: both read as components
    assert [(a.role, a.yuan) for a in assign_roles(text, find_amounts(text))] == [
        ("component", Decimal("3000000")),
        ("total", Decimal("4232663")),
    ]


@pytest.mark.parametrize(
    ("text", "roles", "total"),
    [
        ("人员经费1200元/人/月，共10人。全年预算14.4万元。", ["other", "total"], Decimal("144000")),
        ("人员经费1200元。全年预算14.4万元。", ["component", "total"], Decimal("144000")),
        ("会务费500元/天，预算为3万元。", ["other", "total"], Decimal("30000")),
        ("其中资源配送预算为55万元。", ["component"], None),  # a part: 其中 wins
    ],
)
def test_money_bounds_spacy_component_agrees_with_the_reading(
    text: str, roles: list[str], total: Decimal | None
) -> None:
    amounts = assign_roles(text, find_amounts(text))
    assert [a.role for a in amounts] == roles
    assert budget_total(amounts) == total
    doc = nlp()(text)
    assert [s._.amount.role for s in doc.spans["budget_amounts"]] == roles
