"""Which pages of a PDF may hold performance forms, by the fast text (pypdfium2's), before the slow
table reader (:mod:`.pdf_tables`) looks at them (:mod:`.forms_pdf`)."""

from __future__ import annotations

import re

CUE = re.compile(r"绩效目标|绩效指标|指标值|三级指标|一级指标|指标名称")
INDICATOR_TABLE = re.compile(r"三级指标|指标值")


def form_pages(page_texts: list[str]) -> list[int]:
    """1-based pages that may hold performance forms (by the fast text); the pages a table runs
    on to are added while reading (:func:`~budgetscope.pipeline.forms_pdf.read_pdf_forms`).

    >>> form_pages(["目录", "项目支出绩效目标表 三级指标 指标值", "收支总表"])
    [2]
    """
    return [i + 1 for i, t in enumerate(page_texts) if CUE.search(re.sub(r"\s+", "", t))]


def unread_form_pages(page_texts: list[str]) -> list[int]:
    """Pages whose text shows an indicator table (for the warning when no form was read there)."""
    return [i + 1 for i, t in enumerate(page_texts) if INDICATOR_TABLE.search(re.sub(r"\s+", "", t))]


__all__ = ["form_pages", "unread_form_pages"]
