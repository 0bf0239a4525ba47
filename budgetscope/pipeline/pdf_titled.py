"""A titled table of a PDF budget, followed over its pages: the grid under a title (printed above the
grid, or as its own first row spanning it) and a ``单位：元`` / ``单位：万元`` line, the untitled grids of
the same width at the top of the following pages going on with it (page breaks), until a closing row,
a grid under another table's title or one of another width. Which titles count is the caller's:
:mod:`.pdf_statements` (summary tables) and :mod:`.pdf_project_lists` (project lists) each pass theirs.

Example:
    >>> unit_of(["部门名称：杭州市交通运输局单位：万元"]), squash("收 入 总 计")
    ('万元', '收入总计')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from budgetscope.models.statements import row_key
from budgetscope.pipeline.pdf_tables import Grid, PdfPages, page_tables
from budgetscope.pipeline.statements import cell_number

_UNIT = re.compile(r"单位\s*[:：]\s*(?P<unit>万元|亿元|元)")
_NIL = {"-", "—", "－", "--", "——", "/"}
"""Cells printed for nothing (0 or not applicable): read as empty."""
_CLOSING = {"收入总计", "支出总计", "总计"}
MAX_PAGES = 8
"""The most pages one table is followed over."""
Rows = list[tuple[int, list[str]]]
"""A table's grid rows as ``(page, cells)``."""
Titled = Callable[[Sequence[str]], "str | None"]
"""Which lines title a table: the last such line, spaces removed, else None."""


def squash(text: str) -> str:
    """Text without whitespace (PDF tables space out short names: ``收 入 总 计``)."""
    return re.sub(r"\s+", "", text)


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


def row_texts(grid: Grid, r: int, *, fill: bool = False) -> list[str]:
    """Row r's text per grid column: a merged cell at the column and row it starts in, else empty;
    with ``fill``, a merged cell's text (not a number) at every column and row it covers."""
    out = []
    for c, cell in enumerate(grid.rows[r]):
        text = cell.text.strip() if cell is not None else ""
        starts = cell is not None and cell.row == r and cell.col == c
        text = "" if text in _NIL or not (starts or (fill and cell_number(text) is None)) else text
        out.append(
            text
            if cell_number(text) is not None
            else squash(text)
            if re.search(r"[\u4e00-\u9fff]", text)
            else text
        )
    return out


def header_row_texts(grid: Grid, r: int) -> list[str]:
    """Row r's text per grid column (:func:`row_texts`); in the grid's header (the rows above its
    first row of numbers) a merged cell's text at every column it spans, so that a column's label
    names each header cell over it: 基本支出 over 人员经费 and 公用经费 heads both, not the first only.

    The rows below keep a merged cell's text at its first column only (a row's name is read once)."""
    out = row_texts(grid, r)
    above = (row_texts(grid, i) for i in range(r + 1))
    if any(cell_number(t) is not None for texts in above for t in texts):
        return out
    for c, cell in enumerate(grid.rows[r]):
        if cell is not None and cell.row == r and cell.col < c and not out[c]:
            out[c] = out[cell.col]
    return out


def _head(grid: Grid, titled: Titled) -> tuple[str | None, str | None, int]:
    """The title and unit printed above the grid or in its first rows (one cell spanning the row),
    and the index of the grid's first row after them."""
    title, unit = titled(grid.above), unit_of(grid.above)
    r = 0
    while r < min(len(grid.rows), 4):
        row = grid.row_cells(r)
        texts = [c.text.strip() for c in row if c.text.strip()]
        if not texts:
            r += 1
            continue
        line = " ".join(texts)
        if len(texts) == 1 and titled([line]):
            title = titled([line])
        elif unit_of([line]) and not any(cell_number(t) is not None for t in texts):
            unit = unit or unit_of([line])
        else:
            break
        r += 1
    return title, unit, r


def closed(rows: Rows) -> bool:
    """Some row of numbers is named 收入总计 / 支出总计 / 总计: a summary table's last."""
    return any(
        any(cell_number(c) is not None for c in cells) and any(row_key(c) in _CLOSING for c in cells if c)
        for _, cells in rows
    )


def _another_title(lines: Sequence[str], titled: Titled) -> bool:
    """A line printed above a grid that titles some other table (``2026年一般公共预算支出情况表``):
    the grid starts that table, it does not continue this one."""
    for line in lines:
        text = squash(line)
        cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
        if text.endswith("表") and cjk >= 5 and len(text) <= 60 and titled([line]) is None:
            return True
    return False


def _going_on(
    pdf: PdfPages, page: int, width: int, title: str, unit: str | None, titled: Titled
) -> Grid | None:
    """The first grid of ``page`` when it goes on with a table of that title, unit and width (no other
    title above it), else None."""
    grids = page_tables(pdf, page)
    if not grids or len(grids[0].rows[0]) != width:
        return None
    more_title, more_unit, _ = _head(grids[0], titled)
    going_on = more_title in (None, title) and more_unit in (None, unit)
    return grids[0] if going_on and not _another_title(grids[0].above, titled) else None


def titled_grids(
    pdf: PdfPages,
    pages: Sequence[int],
    titled: Titled,
    cells: Callable[[Grid, int], list[str]] = row_texts,
    ends: Callable[[Rows], bool] = closed,
    max_pages: int = MAX_PAGES,
) -> list[tuple[str, str | None, list[str], Rows, int | None]]:
    """The tables ``titled`` names that start on ``pages`` (1-based), each followed over the next
    pages (``max_pages`` at most) until its rows ``ends``: ``(title, unit, lines printed above, rows,
    cut)``, rows read by ``cells``; ``cut`` is the page the table goes on to past ``max_pages``, else None."""
    found: list[tuple[str, str | None, list[str], Rows, int | None]] = []
    done: set[int] = set()
    for page in pages:
        if page in done:
            continue
        for grid in page_tables(pdf, page):
            title, unit, first = _head(grid, titled)
            if title is None:
                continue
            width = len(grid.rows[0])
            rows = [(page, cells(grid, r)) for r in range(first, len(grid.rows))]
            nxt = page + 1
            while not ends(rows) and nxt <= min(len(pdf), page + max_pages):
                more = _going_on(pdf, nxt, width, title, unit, titled)
                if more is None:
                    break
                start = _head(more, titled)[2]
                rows += [(nxt, cells(more, r)) for r in range(start, len(more.rows))]
                done.add(nxt)
                nxt += 1
            cut = (
                nxt
                if nxt == page + max_pages + 1
                and nxt <= len(pdf)
                and not ends(rows)
                and _going_on(pdf, nxt, width, title, unit, titled) is not None
                else None
            )
            found.append((title, unit, grid.above, rows, cut))
    return found


__all__ = [
    "MAX_PAGES",
    "Rows",
    "Titled",
    "closed",
    "header_row_texts",
    "row_texts",
    "squash",
    "titled_grids",
    "unit_of",
]
