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
(:func:`.statements.table_from_rows`): header rows, value columns, codes, row names. A code column
printing whole codes (``2130101``) is read by :mod:`.pdf_codes`.

Nothing unsure is asserted. A table is dropped whole when its unit is not printed, when a cell
under a value column prints digits that are not one number (a number cut or run together), or,
when its whole codes do not read as a tree of 类, 款 and 项 (:func:`.pdf_codes.whole_codes`), or,
for a 收支 table, when its 收入总计 and 支出总计 (else 收入合计 and 支出合计, else a row ``合计 X
合计 X``) are not both read and equal — every 收支 table balances, so a misread total shows there. The column labels of a 收支
table are kept apart from the sums of :mod:`.linking.table_checks` (``收支/合计``): which side a
column belongs to is not read.

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
from budgetscope.pipeline.pdf_tables import Grid, PdfPages, page_tables
from budgetscope.pipeline.statements import (
    cell_number,
    named_by_code,
    stated_totals,
    table_from_rows,
)

TITLE = re.compile(r"(?:收支|收入|支出)(?:预算)?(?:总表|总体情况表)$")
"""A summary table's title (spaces removed): the department's 收支, 收入 and 支出 tables."""
_NOT_TITLE = re.compile(r"决算|目录|说明")
_UNIT = re.compile(r"单位\s*[:：]\s*(?P<unit>万元|亿元|元)")
_DIGITS_ONLY = re.compile(r"^[\d,.，．\s\-−]+$")
_NIL = {"-", "—", "－", "--", "——", "/"}
"""Cells printed for nothing (0 or not applicable): read as empty."""
_QUALIFIED = re.compile(r"经费|[“”\"]|基本|项目|采购|上年|执行|决算|增加|减少")
"""Words before a label that make it a part or another year (“三公”经费财政拨款支出预算, 基本支出预算)."""
_BALANCES = (("收入总计", "支出总计"), ("收入合计", "支出合计"))
_BOTH_SIDES = {"合计", "总计"}
"""A 收支 table's row naming both sides' total alike: ``合计 186,549.30 合计 186,549.30``."""
_CLOSING = {"收入总计", "支出总计", "总计"}
MAX_PAGES = 8
"""The most pages one table is followed over."""


def squash(text: str) -> str:
    """Text without whitespace (PDF tables space out short names: ``收 入 总 计``)."""
    return re.sub(r"\s+", "", text)


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


def unit_of(lines: Sequence[str]) -> str | None:
    """The unit a ``单位：…`` line names.

    >>> unit_of(["部门名称：杭州市交通运输局单位：万元"]), unit_of(["金额单位：元"]), unit_of(["x"])
    ('万元', '元', None)
    """
    for line in lines:
        m = _UNIT.search(squash(line))
        if m:
            return m["unit"]
    return None


def _cells(grid: Grid, r: int) -> list[str]:
    """Row r's text per grid column: a merged cell at the column and row it starts in, else empty."""
    out = []
    for c, cell in enumerate(grid.rows[r]):
        text = cell.text.strip() if cell is not None and cell.row == r and cell.col == c else ""
        text = "" if text in _NIL else text
        out.append(
            text
            if cell_number(text) is not None
            else squash(text)
            if re.search(r"[\u4e00-\u9fff]", text)
            else text
        )
    return out


def _head(grid: Grid) -> tuple[str | None, str | None, int]:
    """The title and unit printed above the grid or in its first rows (one cell spanning the row),
    and the index of the grid's first row after them."""
    title, unit = title_of(grid.above), unit_of(grid.above)
    r = 0
    while r < min(len(grid.rows), 4):
        row = grid.row_cells(r)
        texts = [c.text.strip() for c in row if c.text.strip()]
        if not texts:
            r += 1
            continue
        line = " ".join(texts)
        if len(texts) == 1 and title_of([line]):
            title = title_of([line])
        elif unit_of([line]) and not any(cell_number(t) is not None for t in texts):
            unit = unit or unit_of([line])
        else:
            break
        r += 1
    return title, unit, r


def _closes(cells: list[str]) -> bool:
    """A row of numbers named 收入总计 / 支出总计 / 总计: the table's last."""
    return any(cell_number(c) is not None for c in cells) and any(row_key(c) in _CLOSING for c in cells if c)


def _another_title(lines: Sequence[str]) -> bool:
    """A line printed above a grid that titles some other table (``2026年一般公共预算支出情况表``):
    the grid starts that table, it does not continue this one."""
    for line in lines:
        text = squash(line)
        cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
        if text.endswith("表") and cjk >= 5 and len(text) <= 60 and title_of([line]) is None:
            return True
    return False


def _unsure(rows: list[tuple[int, list[str]]]) -> bool:
    """Some cell prints digits that are not one number (cut, or two numbers run together)."""
    return any(c and _DIGITS_ONLY.match(c) and cell_number(c) is None for _, cells in rows for c in cells)


def _balanced(table: BudgetTable, rows: list[tuple[int, list[str]]]) -> bool:
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
    tables: list[BudgetTable] = []
    done: set[int] = set()
    for page in pages:
        if page in done:
            continue
        for grid in page_tables(pdf, page):
            title, unit, first = _head(grid)
            if title is None:
                continue
            width = len(grid.rows[0])
            raw = [_cells(grid, r) for r in range(first, len(grid.rows))]
            rows = [(page, cells) for cells in raw]
            nxt = page + 1
            while not any(_closes(c) for _, c in rows) and nxt <= min(len(pdf), page + MAX_PAGES):
                grids = page_tables(pdf, nxt)
                if not grids or len(grids[0].rows[0]) != width:
                    break
                more_title, more_unit, start = _head(grids[0])
                if (
                    more_title not in (None, title)
                    or more_unit not in (None, unit)
                    or _another_title(grids[0].above)
                ):
                    break
                rows += [(nxt, _cells(grids[0], r)) for r in range(start, len(grids[0].rows))]
                done.add(nxt)
                nxt += 1
            table = _table(title, unit, rows)
            if table is not None:
                tables.append(table)
    return tables


def _table(title: str, unit: str | None, rows: list[tuple[int, list[str]]]) -> BudgetTable | None:
    """The table of the grid rows ``(page, cells)`` under ``title``, or None when unsure."""
    if unit is None:
        return None
    first = next((i for i, (_, c) in enumerate(rows) if any(cell_number(x) is not None for x in c)), None)
    if first is None:
        return None
    headers = [c for _, c in rows[:first]]
    body: list[tuple[int, list[str]]] = []
    pages: dict[int, int] = {}
    for number, (page, cells) in enumerate(rows[first:], start=first + 1):
        if not any(cells) or cells in headers:
            continue
        body.append((number, cells))
        pages[number] = page
    codes = whole_codes(headers, body)
    if _unsure(body) or codes is None:
        return None
    table = table_from_rows(title, 0, unit, headers, body, pages=pages)
    if table is None or not _balanced(table, body):
        return None
    table = with_codes(table, codes, headers)
    if "收支" in title:  # two sides side by side: a column's label names its side, so that no
        # 合计 column is summed across the sides (收入 金额 + 支出 一般公共预算)
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
    """The summary tables and the stated totals of one PDF department budget."""
    if page_texts is None:
        from budgetscope.pipeline.load import load

        page_texts = load(path).page_texts()
    pages = summary_pages(page_texts)
    tables: list[BudgetTable] = []
    if pages:
        with PdfPages(path) as pdf:
            tables = read_summary_tables(pdf, pages)
    table_pages = {b.page for t in tables for b in t.lines if b.page is not None}
    return named_by_code(tables), pdf_stated_totals(page_texts, year, table_pages | set(pages))


__all__ = ["TITLE", "pdf_stated_totals", "pdf_statements", "read_summary_tables", "summary_pages", "title_of",
           "unit_of"]  # fmt: skip
