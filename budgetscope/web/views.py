"""Shaping API answers for the templates: labels, money as people read it, request parameters.

Example:
    >>> from decimal import Decimal
    >>> money(Decimal("1360000.00"))
    '1,360,000.00 元'
    >>> year_param("2026"), year_param("", strict=False), year_param("x", strict=False)
    (2026, None, None)
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from budgetscope.models import FORM_TEXT_SECTIONS, SECTION_KEYS, ProjectSummary, ProjectView
from budgetscope.web import charts
from budgetscope.web.marks import section_marks

if TYPE_CHECKING:
    from budgetscope.web.data import Data

SECTION_NAMES = {
    "overview": "项目概述 Overview",
    "legal_basis": "立项依据 Legal basis",
    "implementing_body": "实施主体 Implementing body",
    "plan": "实施方案 Plan",
    "period": "实施周期 Period",
    "budget": "年度预算安排 Budget",
    "goals": "绩效目标 Goals",
    "form": "表内文字 Form text",
}

FORM_AMOUNTS = {
    "annual_total": "年度资金总额 Annual total",
    "fiscal_current": "其中：财政拨款 Fiscal",
    "carryover": "上年结转 Carry-over",
    "other": "其他资金 Other",
    "project_total": "项目总额 Project total",
    "previous_year": "上年预算 Previous year",
}


def money(yuan: Decimal | int | float | None) -> str:
    """Exact yuan with thousands separators (as many decimals as the source gave)."""
    if yuan is None:
        return "—"
    return f"{Decimal(str(yuan)):,} 元"


def year_param(value: str | None, *, strict: bool = True) -> int | None:
    """A year from a query parameter; a bad one is a ValueError with ``strict``, else ignored."""
    if not value:
        return None
    if value.isdigit() and 1900 <= int(value) <= 2200:
        return int(value)
    if strict:
        raise ValueError(f"year must be a year such as 2026, not {value[:20]!r}")
    return None


def first_error(exc: Exception) -> str:
    """One line for a bad filter."""
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)


def filter_options(projects: list[ProjectSummary]) -> dict[str, list[Any]]:
    """The choices of the search filters: the stored years and departments, the section keys."""
    return {
        "years": sorted({p.year for p in projects if p.year is not None}),
        "departments": sorted({p.department for p in projects if p.department}),
        "sections": list(SECTION_KEYS),
    }


def project_context(view: ProjectView, data: Data) -> dict[str, Any]:
    """What the project page shows: marked sections, form table, other years with a chart, findings."""
    record = view.record
    sections = []
    if record.kind == "narrative":
        for key in SECTION_KEYS:
            text = record.sections.get(key)
            if text is not None:
                span = record.section_spans.get(key)
                heading = span.heading if span else SECTION_NAMES[key]
                sections.append({"key": key, "heading": heading, "html": section_marks(record, key, text)})
    elif record.form is not None:
        for label, text in record.form.texts.items():
            key = FORM_TEXT_SECTIONS.get(label, "form")
            sections.append({"key": key, "heading": label, "html": section_marks(record, key, text)})
    members = view.series.members if view.series else []
    chart = None
    if members:
        labels = [f"{m.year or '?'} {'说明' if m.kind == 'narrative' else '表'}" for m in members]
        chart = charts.money_chart(
            "历年预算（万元） Budget across years, 10k yuan",
            labels,
            [m.budget_total_yuan for m in members],
            "预算 budget",
        )
    info = data.document(record.doc)
    return {
        "view": view,
        "record": record,
        "sections": sections,
        "members": members,
        "chart": chart,
        "findings": view.findings,
        "form_amounts": FORM_AMOUNTS,
        "has_source": data.source_file(record.doc) is not None,
        "is_pdf": record.doc.lower().endswith(".pdf"),
        "document": info,
    }
