"""A narrative's annual budget that its own wording leaves unsure: flagged, never stated as fact.

A 六、年度预算安排 that names the budget year's own amount ("本年度安排项目预算资金218万元") and reads
another, larger one as the annual total ("项目总预算654万元"), with nothing saying that the larger one
spans several years (分三年实施, 共3年, 2026-2028年: then the year's amount is the annual budget, and no
check is needed), does not say which one is the year's budget. The reading keeps the total
(:func:`~budgetscope.pipeline.money_roles.assign_roles`) and an ``annual_budget`` check names both; it is
an ``error`` so that every answer shows the budget flagged and no sum counts it, as a 万元 slip's is.

A budget section that states amounts but no annual budget (only a quarterly or monthly plan, or the
items' costs: stcsm-2025's 集成电路设计支持及技术服务项目, "一季度计划完成金额1,684,965.00元…") gives no
budget, since the document states none; a ``missing`` ``annual_budget`` warning says so and lists the
amounts it does state, so that the project is never silently left out of a sum.

Example:
    >>> from budgetscope.models import Record
    >>> annual_checks(Record(id="x", kind="form", doc="a.txt", title="t"))
    []
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetscope.messages import place
from budgetscope.models import Amount, Check, Record, stable_id
from budgetscope.pipeline.cn_numerals import fold_chars
from budgetscope.pipeline.linking.checks import yuan_text
from budgetscope.pipeline.money_roles import annual_doubt

_QUARTER = re.compile(r"季度")
_MONTH = re.compile(r"\d{1,2}\s*[-~—–至到]\s*\d{1,2}\s*月|\d{1,2}\s*月份?")
_LISTED = 4
"""How many of the stated amounts a ``missing`` check's message names."""


def annual_checks(record: Record) -> list[Check]:
    """The ``annual_budget`` check of a narrative whose budget section leaves its annual budget unsure, or
    states amounts but no annual budget."""
    text = record.sections.get("budget") if record.kind == "narrative" else None
    if not text:
        return []
    if record.budget_total_yuan is None:
        return _no_annual_budget(record, text)
    doubt = annual_doubt(text, [a for a in record.amounts if a.section == "budget"], record.year)
    if doubt is None:
        return []
    year_amount, total = doubt
    said, read = _clause(text, year_amount), _clause(text, total)
    return [
        Check(
            id="check:" + stable_id("annual_budget", record.id), kind="annual_budget", status="differs",
            severity="error", subject=record.name or record.title,
            message=f"the budget section names {said} ({yuan_text(year_amount.yuan)}) for {record.year} but "
            f"{read} ({yuan_text(total.yuan)}) is read as the annual budget; nothing says whether that total "
            "spans several years: which one is the year's budget is unsure (flagged)",
            doc=record.doc, line=record.line, page=record.page, project_id=record.id, stated=total.text,
            stated_yuan=total.yuan, found=f"{place(record.doc, record.line, record.page)} {said}",
            found_yuan=year_amount.yuan, field="budget_total",
        )
    ]  # fmt: skip


def _no_annual_budget(record: Record, text: str) -> list[Check]:
    """The ``missing`` warning of a budget section that states amounts but none of them as the annual budget."""
    stated = [a for a in record.amounts if a.section == "budget" and a.yuan > 0]
    if not stated:
        return []
    folded = fold_chars(text)
    plan = "quarterly" if _QUARTER.search(folded) else "monthly" if _MONTH.search(folded) else None
    listed = "; ".join(f"{_short(_clause(text, a))} ({yuan_text(a.yuan)})" for a in stated[:_LISTED])
    more = f"; and {len(stated) - _LISTED} more" if len(stated) > _LISTED else ""
    together = sum((a.yuan for a in stated), Decimal(0))
    what = f"only a {plan} plan" if plan else "only parts (items, rates or shares)"
    summed = f", together {yuan_text(together)}" if plan else ""
    return [
        Check(
            id="check:" + stable_id("annual_budget", record.id), kind="annual_budget", status="missing",
            severity="warning", subject=record.name or record.title,
            message=f"the budget section states no annual budget, {what}: {listed}{more}{summed}; no budget is "
            "read (none is stated), so the project is left out of budget sums",
            doc=record.doc, line=record.line, page=record.page, project_id=record.id, field="budget_total",
            found=f"{place(record.doc, record.line, record.page)} {len(stated)} amounts", found_yuan=together,
        )
    ]  # fmt: skip


def _short(clause: str, reach: int = 16) -> str:
    """A clause on one line, its last ``reach`` characters only (…专家咨询费3万元)."""
    one = " ".join(clause.split())
    return one if len(one) <= reach else "…" + one[-reach:]


def _clause(text: str, amount: Amount) -> str:
    """The amount with the words of its clause before it: 项目总预算654万元."""
    folded = fold_chars(text)
    start = max(folded.rfind(ch, 0, amount.start) for ch in "，,；;。\n") + 1
    return text[start : amount.end].strip()


__all__ = ["annual_checks"]
