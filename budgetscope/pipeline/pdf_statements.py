"""A PDF department budget's own summary tables and the totals its explanation states, as the same
values a text gives (:mod:`.statements`): :class:`BudgetTable` / :class:`BudgetLine` and
:class:`StatedTotal`, with the page of each.

Tables: a page whose text prints a summary table's title (收支总表, 收支预算总表, 财务收支预算总表,
财政拨款收支总表, 收入总表, 支出总表 …, any city's wording) is read with the ruled-table reader
(:func:`.pdf_tables.page_tables`). A table is the ruled grid under such a title (printed above the
grid, or as the grid's own first row spanning it), with a ``单位：元`` / ``单位：万元`` line; an
untitled grid of the same width at the top of the following pages continues it (page breaks),
its repeated header rows dropped; a grid under another table's title (``2026年一般公共预算支出情况表``)
does not. The grid's rows then go through the text reader's own logic
(:func:`.statements.table_from_rows`): header rows, value columns, codes, row names. A header cell
spanning columns labels each of them (:func:`.pdf_titled.header_row_texts`: 基本支出 over 人员经费 and
公用经费 gives ``…/基本支出/人员经费`` and ``…/基本支出/公用经费``). A code column printing whole
codes (``2130101``) is read by :mod:`.pdf_codes`.

Nothing unsure is asserted. A table is dropped whole when its unit is not printed, when a cell
under a value column prints digits that are not one number (a number cut or run together), or,
when its whole codes do not read as a tree of 类, 款 and 项 (:func:`.pdf_codes.whole_codes`), or,
for a 收支 table, when its 收入总计 and 支出总计 (else 收入合计 and 支出合计, else a row ``合计 X
合计 X``) are not both read and equal — every 收支 table balances, so a misread total shows there. The column labels of a 收支
table are kept apart from the sums of :mod:`.linking.table_checks`: each names its side, the header
cell over it (``支出/合计``, ``本年收入/预算数``), else ``收支/`` (``收支/合计``) when the header prints
no side. Several name | amount pairs on one side are each named by their name column
(``支出/部门预算支出经济分类科目/预算数``), and a numbered row by the rows it is printed under
(``一、部门预算 / 2、专项业务经费支出 / (2)商品和服务支出``): :mod:`.table_outline`.

Stated totals: in the sentences of the prose pages that name the budget year (``2026年收入预算
665964.37万元``), read by :func:`.statements.stated_totals`, not where the words before the label
make it a part (``“三公”经费财政拨款支出预算``, ``基本支出预算``); a label stated twice with
different amounts is dropped (one of them is about something else).

Example:
    >>> tables, stated = pdf_statements("../shared/corpus-national/wuxi-commerce-2026-department-budget.pdf",
    ...                                 year=2026)  # doctest: +SKIP
    >>> tables[0].value("支出总计")  # doctest: +SKIP
    Decimal('174666500.00')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from budgetscope.models.statements import BudgetTable, StatedTotal, row_key
from budgetscope.pipeline.pdf_codes import whole_codes, with_codes
from budgetscope.pipeline.pdf_project_lists import list_pages, read_project_lists
from budgetscope.pipeline.pdf_tables import PdfPages
from budgetscope.pipeline.pdf_titled import Rows, header_row_texts, squash, titled_grids, unit_of
from budgetscope.pipeline.statements import (
    cell_number,
    named_by_code,
    stated_totals,
    table_from_rows,
)
from budgetscope.pipeline.table_outline import outlined, paired_headers

TITLE = re.compile(r"(?:收支|收入|支出)(?:预算)?(?:总表|总体情况表)$")
"""A summary table's title (spaces removed): the department's 收支, 收入 and 支出 tables."""
_NOT_TITLE = re.compile(r"决算|目录|说明|项目支出")
"""Not a summary table: final accounts, a table of contents, a project list (:mod:`.pdf_project_lists`)."""
_DIGITS_ONLY = re.compile(r"^[\d,.，．\s\-−]+$")
_QUALIFIED = re.compile(r"经费|[“”\"]|基本|项目|采购|上年|执行|决算|增加|减少")
"""Words before a label that make it a part or another year (“三公”经费财政拨款支出预算, 基本支出预算)."""
_BALANCES = (("收入总计", "支出总计"), ("收入合计", "支出合计"))
_BOTH_SIDES = {"合计", "总计"}
"""A 收支 table's row naming both sides' total alike: ``合计 186,549.30 合计 186,549.30``."""


def title_of(lines: Sequence[str]) -> str | None:
    """The last line that is a summary table's title, spaces removed.

    >>> title_of(["表1", "收支总表", "部门名称：深圳市财政局 单位：万元"])
    '收支总表'
    >>> title_of(["一、收支总表……………………8"]) is None
    True
    """
    for line in reversed(lines):
        text = squash(line)
        if TITLE.search(text) and not _NOT_TITLE.search(text) and len(text) <= 60:
            return text
    return None


def _unsure(rows: Rows) -> bool:
    """Some cell prints digits that are not one number (cut, or two numbers run together)."""
    return any(c and _DIGITS_ONLY.match(c) and cell_number(c) is None for _, cells in rows for c in cells)


def _balanced(table: BudgetTable, rows: Rows) -> bool:
    """A 收支 table's two sides close on the same total (both read): 收入总计 = 支出总计, else
    收入合计 = 支出合计, else one row printing ``合计 X 合计 X`` (each side's total after its name)."""
    if "收支" not in table.title:
        return True
    for income, expense in _BALANCES:
        a, b = table.value(income), table.value(expense)
        if a is not None or b is not None:
            return a is not None and a == b and a > 0
    for _, cells in rows:
        names = [i for i, c in enumerate(cells) if c and cell_number(c) is None]
        if len(names) != 2 or any(row_key(cells[i]) not in _BOTH_SIDES for i in names):
            continue
        sides = [next((cell_number(c) for c in cells[i + 1 :] if c), None) for i in names]
        if sides[0] is not None and sides[0] == sides[1] and sides[0] > 0:
            return True
    return False


def read_summary_tables(pdf: PdfPages, pages: Sequence[int]) -> list[BudgetTable]:
    """The summary tables that start on ``pages`` (1-based), each followed over the next pages."""
    tables = (
        _table(title, unit, rows)
        for title, unit, _, rows, _ in titled_grids(pdf, pages, title_of, header_row_texts)
    )
    return [t for t in tables if t is not None]


def _table(title: str, unit: str | None, rows: Rows) -> BudgetTable | None:
    """The table of the grid rows ``(page, cells)`` under ``title``, or None when unsure."""
    if unit is None:
        return None
    first = next((i for i, (_, c) in enumerate(rows) if any(cell_number(x) is not None for x in c)), None)
    if first is None:
        return None
    headers = [c for _, c in rows[:first]]
    body: Rows = []
    pages: dict[int, int] = {}
    for number, (page, cells) in enumerate(rows[first:], start=first + 1):
        if not any(cells) or cells in headers:
            continue
        body.append((number, cells))
        pages[number] = page
    codes = whole_codes(headers, body)
    if _unsure(body) or codes is None:
        return None
    # each amount column named by its own name column, each row by the rows it is printed under
    table = table_from_rows(title, 0, unit, paired_headers(headers, body), outlined(body), pages=pages)
    if table is None or not _balanced(table, body):
        return None
    table = with_codes(table, codes, headers)
    if "收支" in title:  # two sides side by side: a column's label names its side (the header's
        # 收入 / 支出 cell over it, else 收支), so that no 合计 column is summed across the sides
        lines = tuple(b if "/" in b.column else replace(b, column=f"收支/{b.column}") for b in table.lines)
        table = replace(table, lines=lines)
    return table


def summary_pages(page_texts: Sequence[str]) -> list[int]:
    """Pages (1-based) printing a summary table's title on a line of its own."""
    out = []
    for i, text in enumerate(page_texts):
        if any(title_of([line]) for line in text.split("\n")[:12]):
            out.append(i + 1)
    return out


def pdf_stated_totals(page_texts: Sequence[str], year: int | None, skip: set[int]) -> list[StatedTotal]:
    """Totals stated in sentences that name the budget year, on the pages not in ``skip``."""
    if year is None:
        return []
    found: list[StatedTotal] = []
    for page, text in enumerate(page_texts, start=1):
        if page in skip:
            continue
        joined, starts = "", []
        for printed in text.split("\n"):
            starts.append(len(joined))
            joined += printed.strip()
        cursor = 0
        for s in stated_totals(joined):
            at = joined.find(s.text, cursor)
            if at < 0:
                continue
            cursor = at + len(s.text)
            sentence = joined[max(joined.rfind("。", 0, at), 0) : at]
            clause = re.split(r"[，。；：:,;（(]", joined[max(at - 40, 0) : at])[-1]
            if str(year) not in squash(sentence) or _QUALIFIED.search(clause):
                continue
            line = sum(1 for start in starts if start <= at)
            found.append(StatedTotal(s.label, s.text, s.yuan, line, s.quantum, page=page))
    values: dict[str, set[object]] = {}
    for s in found:
        values.setdefault(s.label, set()).add(s.yuan)
    out, seen = [], set()
    for s in found:
        if len(values[s.label]) == 1 and s.label not in seen:
            seen.add(s.label)
            out.append(s)
    return out


def pdf_statements(
    path: Path | str, page_texts: Sequence[str] | None = None, *, year: int | None
) -> tuple[list[BudgetTable], list[StatedTotal]]:
    """The summary tables, the project lists (:mod:`.pdf_project_lists`) and the stated totals of one
    PDF department budget."""
    if page_texts is None:
        from budgetscope.pipeline.load import load

        page_texts = load(path).page_texts()
    pages, lists = summary_pages(page_texts), list_pages(page_texts)
    tables: list[BudgetTable] = []
    if pages or lists:
        with PdfPages(path) as pdf:
            tables = read_summary_tables(pdf, pages) + read_project_lists(pdf, lists)
    table_pages = {b.page for t in tables for b in t.lines if b.page is not None}
    return named_by_code(tables), pdf_stated_totals(page_texts, year, table_pages | set(pages) | set(lists))


__all__ = ["TITLE", "pdf_stated_totals", "pdf_statements", "read_summary_tables", "summary_pages", "title_of",
           "unit_of"]  # fmt: skip
