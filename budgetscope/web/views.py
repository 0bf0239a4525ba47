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

from budgetscope.errors import NamesOptions, web_parameter
from budgetscope.models import (
    FORM_TEXT_SECTIONS,
    FORM_TOTAL_KEYS,
    MAX_TOP_K,
    SEARCH_KINDS,
    SECTION_KEYS,
    Indicator,
    ProjectSummary,
    ProjectView,
    Record,
    money_grouped,
)
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
    "basic_expenditure": "基本支出 Basic expenditure",
    "project_expenditure": "项目支出 Project expenditure",
    "own_level": "本级支出 Spent at its own level",
    "to_lower_levels": "补助下级 Granted to lower levels",
}
DEPARTMENT_FORM_AMOUNTS = {
    **FORM_AMOUNTS,
    "fiscal_current": "财政拨款 Fiscal appropriation",
    "project_total": "预算总额 Total budget",
}
"""A department-wide form's amounts are the whole department's: its 财政拨款 is no part of a project."""


KIND_NAMES = {
    "department_budget": "部门预算 department budget",
    "unit_budget": "单位预算 unit budget",
    "performance_targets": "绩效目标表 performance targets",
    "final_accounts": "部门决算 final accounts",
    "evaluation_report": "绩效评价报告 evaluation report",
    "other": "其他文件 other document",
}
"""A document's kind as the bilingual pages name it."""
ROLE_NAMES = {
    "total": "总额 total",
    "fiscal": "财政拨款 fiscal",
    "self_raised": "自筹 self-raised",
    "other": "其他 other",
    "component": "子项目 component",
}
"""An amount's role as the bilingual pages name it."""


def money(yuan: Decimal | int | float | None) -> str:
    """Exact yuan with thousands separators and the fen (:func:`~budgetscope.models.money_grouped`)."""
    if yuan is None:
        return "—"
    return f"{money_grouped(yuan)} 元"


def year_param(value: str | None, *, strict: bool = True) -> int | None:
    """A year from a query parameter; a bad one is a ValueError with ``strict``, else ignored."""
    if not value:
        return None
    if value.isdigit() and 1900 <= int(value) <= 2200:
        return int(value)
    if strict:
        raise ValueError(f"year must be a year such as 2026, not {value[:20]!r}")
    return None


def top_k_param(value: str | None, default: int) -> int:
    """How many hits a request asks for (``top_k``, 1 to :data:`MAX_TOP_K`); ``default`` when it asks
    nothing; a bad value is a ValueError.

    >>> top_k_param("5", 30), top_k_param(None, 30)
    (5, 30)
    >>> top_k_param("0", 30)
    Traceback (most recent call last):
    ...
    ValueError: top_k must be a number from 1 to 100, not '0'
    """
    if value is None or value == "":
        return default
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_TOP_K:
        return int(value)
    raise ValueError(f"top_k must be a number from 1 to {MAX_TOP_K}, not {value[:20]!r}")


def facet_note(hits: int, weak: int) -> str:
    """What the search page's facet counts count: the confident hits, or every hit when all are weak.

    >>> facet_note(30, 23)
    '计数只含 7 个较强的结果 Counts of the 7 confident hits: the 23 weak hits are not counted'
    >>> facet_note(3, 3)
    '结果都较弱，全部计入 Every hit is weak: all 3 are counted'
    """
    if weak == 0:
        return f"计数含全部 {hits} 个结果 Counts of all {hits} hits"
    if weak == hits:
        return f"结果都较弱，全部计入 Every hit is weak: all {hits} are counted"
    return (
        f"计数只含 {hits - weak} 个较强的结果 Counts of the {hits - weak} confident hits: "
        f"the {weak} weak hits are not counted"
    )


def said(exc: BaseException) -> str:
    """An error's one line as the web says it: an option it names is the request's parameter
    (``since=2026``), not the command line's ``--since 2026`` (:class:`~budgetscope.errors.NamesOptions`).

    >>> from budgetscope.api import YearsOutOfOrder
    >>> said(YearsOutOfOrder(2026, 2023, latest=False)), said(ValueError("year must be a year"))
    ('since=2026 must be before year=2023', 'year must be a year')
    """
    return exc.said(web_parameter) if isinstance(exc, NamesOptions) else str(exc)


ZH_ERRORS: dict[str, str] = {
    "InvalidFilter": "参数无效",
    "InvalidQuery": "查询无效",
    "NoSearchIndex": "尚未建立搜索索引",
    "IndexNotUpdated": "搜索索引未能更新",
    "UnknownDepartment": "库中没有这个部门",
    "AmbiguousDepartment": "这个部门名称可指多个部门，请写得更完整",
    "UnknownPolicyDocument": "库中没有与之对应的政策文件",
    "AmbiguousPolicyDocument": "这个简称可能指多份文件，请从下列文件中选择",
    "DocumentNotFound": "库中没有这份文件",
    "ProjectNotFound": "库中没有这个项目",
    "LineOutOfRange": "行号超出文件末尾",
    "AmbiguousProject": "有多个项目与之对应",
    "IndexBusy": "搜索索引正被其他进程占用，请稍后再试",
    "ValidationError": "参数无效",
    "ValueError": "参数无效",
    "too_long": "查询过长",
    "no_words": "查询中没有字词，只有标点或符号",
}
"""The Chinese lead of an error shown on a page (the English message follows it), by the error's kind."""
ZH_STATUS = {400: "请求有误", 404: "找不到", 413: "上传过大", 503: "暂时无法服务"}
"""The Chinese lead of an error page, by HTTP status, when the error's kind is not known."""


def zh_error(exc: BaseException | str | None, status: int | None = None) -> str:
    """The Chinese lead of an error: by its exception's class (or a kind name), else by the status.

    >>> zh_error(ValueError("year must be a number")), zh_error("too_long"), zh_error(None, 404)
    ('参数无效', '查询过长', '找不到')
    """
    kinds = (
        [exc] if isinstance(exc, str) else [c.__name__ for c in type(exc).__mro__] if exc is not None else []
    )
    for kind in kinds:
        if kind in ZH_ERRORS:
            return ZH_ERRORS[kind]
    return ZH_STATUS.get(status or 0, "出错了")


UNAVAILABLE_NOW = ("NoSearchIndex", "IndexBusy", "StoreError")
"""Errors of a home that cannot answer a search now (nothing indexed yet, the index held by another
process): 503, where any other refused request is a 400."""
SERVER_SIDE = ("VectorIndexError", "EncoderError", "HomeError")
"""Errors of the home's own search index or encoder (damaged, unreadable, missing): 500. (No store or an
unreadable one is the app's 503.)"""


def error_status(exc: BaseException) -> int:
    """The HTTP status of a request the API refused: 503 when the home cannot answer now, 500 when its
    data cannot be used, else 400.

    >>> from budgetscope.api import IndexBusy, UnknownDepartment
    >>> from budgetscope.store.protocol import StoreError
    >>> from budgetscope.vector.query import VectorIndexError
    >>> error_status(IndexBusy("held")), error_status(UnknownDepartment("x")), error_status(ValueError("year"))
    (503, 400, 400)
    >>> error_status(StoreError("no store at /h")), error_status(VectorIndexError("index /h/vectors is damaged"))
    (503, 500)
    """
    names = {c.__name__ for c in type(exc).__mro__}
    return 503 if names & set(UNAVAILABLE_NOW) else 500 if names & set(SERVER_SIDE) else 400


def filter_options(projects: list[ProjectSummary]) -> dict[str, list[Any]]:
    """The choices of the search filters: the stored years and departments, the section keys, the kinds."""
    return {
        "years": sorted({p.year for p in projects if p.year is not None}),
        "departments": sorted({p.department for p in projects if p.department}),
        "sections": list(SECTION_KEYS),
        "kinds": list(SEARCH_KINDS),
    }


def target_reading(indicator: Indicator) -> str:
    """How an indicator's target reads (``≥ 96 天``, ``定性 qualitative``); empty when it does not read surely.

    >>> target_reading(Indicator(target="≥96天", comparison="≥", value=Decimal("96"), unit="天", qualitative=False))
    '≥ 96 天'
    """
    if indicator.qualitative:
        return "定性 qualitative"
    if indicator.value is None:
        return ""
    return " ".join(str(x) for x in (indicator.comparison, indicator.value, indicator.unit) if x is not None)


def amount_names(record: Record) -> dict[str, str]:
    """Each form amount's name on the page: the label the form prints it under, with its key
    (年度资金总额 · project_total), else the key's bilingual name."""
    generic = DEPARTMENT_FORM_AMOUNTS if record.kind == "department_form" else FORM_AMOUNTS
    if record.form is None:
        return dict(generic)
    printed = record.form.amount_labels
    return {**generic, **{k: f"{v} · {k}" for k, v in printed.items()}}


def total_label(record: Record) -> str | None:
    """The printed label of the amount a form's budget total is (None: a narrative's, or not printed)."""
    if record.kind != "form" or record.form is None:
        return None
    key = next((k for k in FORM_TOTAL_KEYS if k in record.form.amounts), None)
    printed = record.form.amount_labels.get(key) if key else None
    return f"{printed} · {key}" if printed else None


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
        for label, text in record.form.texts.items():  # headed by the label printed (总体目标), else the key
            key, heading = FORM_TEXT_SECTIONS.get(label, "form"), record.form.text_labels.get(label, label)
            sections.append({"key": key, "heading": heading, "html": section_marks(record, key, text)})
    members = view.series.members if view.series else []
    chart = None
    if members:
        # a flagged budget (a likely unit slip) is not drawn: it would be a bar 10,000× the others
        labels = [
            f"{m.year or '?'} {'说明' if m.kind == 'narrative' else '表'}{' ⚠ 存疑' if m.budget_flagged else ''}"
            for m in members
        ]
        chart = charts.money_chart(
            "历年预算（万元） Budget across years, 10k yuan",
            labels,
            [None if m.budget_flagged else m.budget_total_yuan for m in members],
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
        # an unreviewed error-level finding disputing the project's numbers (not one that only
        # measured another year's number against them): its budget is shown flagged
        "budget_flagged": any(c.severity == "error" and c.disputes(record.id) for c in view.findings),
        "form_amounts": amount_names(record),
        "total_label": total_label(record),
        "has_source": data.source_file(record.doc) is not None,
        "is_pdf": record.doc.lower().endswith(".pdf"),
        "document": info,
    }
