"""The budget year's own amount against a total over several years (review 29 #3), whatever the order.

The review's sentences (a Shanghai-template 六、年度预算安排), and sast-2026-department-budget.txt's
青少年科技创新 narrative ("本年度安排项目预算资金218万元，…") edited to state a programme total too.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.index.processing import process_file
from budgetscope.pipeline.linking.annual_checks import annual_checks
from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts
from budgetscope.pipeline.money_roles import annual_doubt

SAST = "本年度安排项目预算资金218万元，完成举办上海市青少年科技创新大赛"


def _read(text: str, year: int | None = 2026) -> tuple[list[tuple[str, str]], Decimal | None]:
    amounts = assign_roles(text, find_amounts(text), year=year)
    return [(a.text, a.role) for a in amounts], budget_total(amounts)


@pytest.mark.parametrize(
    ("text", "roles", "total"),
    [
        # the year's amount first, the programme's total after it (was: 3,000,000, the 100万元 a component)
        (
            "2026年预算安排100万元，项目总预算300万元，分三年实施。",
            [("100万元", "total"), ("300万元", "other")],
            "1000000",
        ),
        # the same in the other order: as before
        (
            "项目总预算300万元，分三年实施，2026年预算安排100万元。",
            [("300万元", "other"), ("100万元", "total")],
            "1000000",
        ),
        # 每年 … 共3年 says the 总计 spans three years (was: 1,500,000)
        (
            "本项目每年安排50万元，共3年，总计150万元，2026年安排50万元。",
            [("50万元", "component"), ("150万元", "other"), ("50万元", "total")],
            "500000",
        ),
        (
            SAST.replace("218万元，", "218万元，项目总预算654万元，分三年实施，"),
            [("218万元", "total"), ("654万元", "other")],
            "2180000",
        ),
    ],
)
def test_money_annual_the_budget_year_s_amount_is_the_annual_budget(
    text: str, roles: list[tuple[str, str]], total: str
) -> None:
    assert _read(text) == (roles, Decimal(total))
    amounts = assign_roles(text, find_amounts(text), year=2026)
    assert annual_doubt(text, amounts, 2026) is None  # the wording settles it


@pytest.mark.parametrize(
    "text",
    [
        "2026年预算安排100万元，项目总预算300万元。",
        "项目总预算300万元，2026年安排100万元。",
        "项目预算金额为300万元，2026年预算100万元用于设备购置，150万元用于运维。",  # 250万 of 300万
        SAST.replace("218万元，", "218万元，项目总预算654万元，"),
    ],
)
def test_money_annual_unsettled_wording_is_a_doubt(text: str) -> None:
    amounts = assign_roles(text, find_amounts(text), year=2026)
    doubt = annual_doubt(text, amounts, 2026)
    assert doubt is not None
    year_amount, total = doubt
    assert year_amount.yuan < total.yuan and total.role == "total"


@pytest.mark.parametrize(
    "text",
    [
        "项目总预算500万元，其中2026年财政资金300万元，自筹资金200万元。",  # a source of a one-year total
        "该项目2026年预算较2025年减少20万元，为80万元。",  # a change
        "2026年预算安排100万元，其中：设备购置60万元，2026年安排劳务费40万元。",  # a part of the year's total
        "本年度安排项目预算60万元、1、宣传；2、积累资源，市科协的资源池。",  # the corpus: one amount
        # code review 29 #2: the year's amount and the other parts add up to the total exactly
        "项目预算136万元。本年度安排学会示范100万元，学会管理36万元。",
        "项目预算金额为300万元，2026年预算100万元用于设备购置，200万元用于运维。",
        # a numbered item (一是/二是), after a colon
        "本项目预算300万元，主要用于：一是2026年安排会议费100万元；二是培训费150万元。",
    ],
)
def test_money_annual_no_doubt_where_there_is_none(text: str) -> None:
    amounts = assign_roles(text, find_amounts(text), year=2026)
    assert annual_doubt(text, amounts, 2026) is None
    assert annual_doubt(text, amounts, None) is None


def _narrative(corpus: Path, tmp_path: Path, new: str):  # type: ignore[no-untyped-def]
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    assert SAST in text
    path = tmp_path / "sast-2026-department-budget.txt"
    path.write_text(text.replace(SAST, new, 1), encoding="utf-8")
    processed = process_file(path)
    assert processed.document is not None
    return next(
        r for r in processed.document.records if r.sections.get("budget", "") and new in r.sections["budget"]
    )


def test_money_annual_extract_and_check_flag_an_unsure_annual_budget(corpus: Path, tmp_path: Path) -> None:
    settled = _narrative(
        corpus, tmp_path, SAST.replace("218万元，", "218万元，项目总预算654万元，分三年实施，")
    )
    assert settled.budget_total_yuan == Decimal("2180000")
    assert annual_checks(settled) == []
    unsure = _narrative(corpus, tmp_path, SAST.replace("218万元，", "218万元，项目总预算654万元，"))
    (check,) = annual_checks(unsure)
    # the budget read stays, flagged (an error-level finding: search, list, /browse show it so, never summed)
    assert (check.kind, check.severity, check.project_id) == ("annual_budget", "error", unsure.id)
    assert (check.stated_yuan, check.found_yuan) == (unsure.budget_total_yuan, Decimal("2180000"))
    assert "本年度安排项目预算资金218万元" in check.message and "项目总预算654万元" in check.message
