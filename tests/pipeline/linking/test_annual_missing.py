"""A budget section that states only a quarterly or monthly plan gives no budget, and a warning says why
(review 30-b #8): stcsm-2025-department-budget.txt's 集成电路设计支持及技术服务项目 (line 705, two quarters),
保障长三角高分遥感… (line 1072, four quarters), 科技创新发展项目 (line 1586, a month table) and
生物医药中小企业服务项目 (line 1042, items only)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents
from budgetscope.pipeline.linking.own_checks import own_checks, own_flags


def test_annual_missing_a_plan_without_annual_budget_is_named(corpus: Path) -> None:
    records = extract_documents([read_document(corpus / "stcsm-2025-department-budget.txt")])[0].records
    checks = {c.line: c for c in own_checks(records) if c.kind == "annual_budget"}
    assert sorted(checks) == [705, 1042, 1072, 1586]
    by_line = {r.line: r for r in records}
    for line, check in checks.items():
        assert by_line[line].budget_total_yuan is None  # never a figure the document does not state
        assert (check.status, check.severity, check.project_id) == ("missing", "warning", by_line[line].id)
        assert "states no annual budget" in check.message and "left out of budget sums" in check.message
    chip = checks[705].message
    assert "quarterly plan" in chip and "1,684,965元" in chip and "315,035元" in chip
    assert "together 2,000,000元" in chip and checks[705].found_yuan == Decimal("2000000")
    assert "monthly plan" in checks[1586].message and "together 898,300元" in checks[1586].message
    assert "together 4,972,500元" in checks[1072].message
    assert "only parts" in checks[1042].message and "together" not in checks[1042].message
    assert own_flags(records) == {}  # a warning: it disputes no budget


def test_annual_missing_not_when_the_plan_states_the_year_s_budget(corpus: Path) -> None:
    records = extract_documents([read_document(corpus / "stcsm-2025-department-budget.txt")])[0].records
    (nano,) = [r for r in records if r.line == 1138]  # "在2025年每一季度使用6.75万元，共计投入人民币27万元"
    assert "每一季度使用6.75万元" in (nano.sections["budget"] or "")
    assert nano.budget_total_yuan == Decimal("270000")
    assert not [c for c in own_checks(records) if c.project_id == nano.id]
