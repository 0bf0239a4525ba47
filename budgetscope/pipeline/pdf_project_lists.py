"""A PDF department budget's project list (项目支出预算表, 项目支出预算情况表, 项目支出表, 项目支出总表 …,
any city's wording): one row per project, its total and its columns by source of funds, as
:class:`BudgetTable` values of the same :class:`BudgetLine` cells the summary tables give.

A table is a project list by its title (…项目支出…表, not a performance table) and its header: a
column headed 项目 (项目名称, 支出项目类别), maybe a unit's column before it (单位名称), and value
columns. It is read by the summary tables' own reader (:func:`.pdf_statements.titled_grids`): the
ruled grid under the title, the ``单位：万元`` line, followed over page breaks, repeated header rows
dropped. A header cell spanning columns labels each of them (``财政拨款收入/政府性基金``, so the
checks know the sources a 小计 sums); a numbering row under the header (``** ** 1 2 3 4 5 6``) is
no data. Each numeric cell becomes a line named by its row: the project's name, after its unit's
as ``单位 / 项目`` when the table prints one (the way exports already name a form's component,
``项目 / 子项``; names are read without spaces, so the `` / `` is never part of a name). The rows
that total the projects are kept apart (``total_rows``): 合计 / 总计, or the department's own row
(深圳市财政局（本级）, named on the table's 部门名称 line), when the list prints one such row only; a
unit's row without a project, or a 小计, is neither a project nor the total.

A list may nest its rows (西安's 专项业务经费支出表: 合计, a unit's code row 117 over 117001, then 通用项目 ›
大型活动 › 审计培训 in one name column): :mod:`.list_levels` reads which rows are projects, by the codes
a code column (单位编码) prints and, where nothing shows the levels, by the amounts; the rows after a
unit's code row are named by it (``西安市审计局 / 审计培训``).

Nothing unsure is asserted, and nothing is dropped silently: a table is not read when its unit is not
printed, when its header names no project column, when a cell prints digits that are not one number,
when a value column prints text, or when a number stands under no column label; rows whose levels can
be read more than one way are no projects; a list going on past :data:`LIST_PAGES` is cut there. Each
is a ``note`` of the table (a table of no lines when none of it is read), naming its page: ingest warns.

Example:
    >>> list_title_of(["表10：2026年市级部门项目支出预算表", "部门名称：杭州市交通运输局 单位：万元"])
    '表10：2026年市级部门项目支出预算表'
    >>> list_title_of(["表11：2026年市级部门项目支出绩效表"]) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from budgetscope.models.statements import BudgetLine, BudgetTable, row_key
from budgetscope.pipeline.list_levels import ListRow, Row, levels
from budgetscope.pipeline.pdf_tables import Grid, PdfPages
from budgetscope.pipeline.pdf_titled import Rows, row_texts, squash, titled_grids
from budgetscope.pipeline.statements import UNIT_SCALE, cell_number, stated_precision

LIST_TITLE = re.compile(r"(?:项目|专项业务经费|专项经费)支出(?:预算)?(?:情况|明细)?总?表$")
"""A project list's title (spaces removed); 专项业务经费 is 陕西's word for 项目支出 (西安's 表10)."""
LIST_PAGES = 40
"""The most pages one project list is followed over (a list going on beyond is said to, not cut silently)."""
_NOT_LIST = re.compile(r"绩效|决算|目录|说明")
_DIGITS_ONLY = re.compile(r"^[\d,.，．\s\-−]+$")
_NOT_VALUE = re.compile(r"编码|代码|编号|序号|科目")
"""Header words of columns of codes and ordinals, never amounts."""
_CODE = re.compile(r"(?:单位|部门)(?:编码|代码)")
"""A unit's code column's header (单位编码): its digits nest rows by prefix (117 › 117001)."""
_NOT_ADDED = re.compile(r"%|率|比")
"""Columns of shares or ratios: not summed when reading levels from the amounts."""
_NUMBERING = {"*", "**", "栏次", "行次", "甲", "乙", "丙"}
_DEPARTMENT = re.compile(
    r"(?:部门名称|部门（单位）|部门\(单位\)|部门|单位名称)[:：](?P<name>.+?)(?:(?:金额)?单位[:：]|$)"
)
TOTAL_NAMES = frozenset({"合计", "总计"})
SUBTOTAL_NAMES = frozenset({"小计"})


def list_title_of(lines: Sequence[str]) -> str | None:
    """The last line that is a project list's title, spaces removed (a performance table's is not).

    >>> list_title_of(["公开表11", "项目支出预算情况表"]), list_title_of(["（五）项目支出总表"])
    ('项目支出预算情况表', '（五）项目支出总表')
    """
    for line in reversed(lines):
        text = squash(line)
        if LIST_TITLE.search(text) and not _NOT_LIST.search(text) and len(text) <= 60:
            return text
    return None


def list_pages(page_texts: Sequence[str]) -> list[int]:
    """Pages (1-based) printing a project list's title on a line of its own."""
    return [
        i
        for i, text in enumerate(page_texts, start=1)
        if any(list_title_of([line]) for line in text.split("\n")[:12])
    ]


def department_of(lines: Sequence[str]) -> str | None:
    """The department a table's 部门名称 line names.

    >>> department_of(["表5", "部门名称：深圳市财政局（本级） 单位：万元"])
    '深圳市财政局（本级）'
    """
    for line in lines:
        m = _DEPARTMENT.search(squash(line))
        if m and m["name"]:
            return m["name"]
    return None


def _fill(grid: Grid, r: int) -> list[str]:
    return row_texts(grid, r, fill=True)


def numbering(cells: Sequence[str]) -> bool:
    """A row numbering the columns (``** ** 1 2 3 4 5 6``, ``栏次 1 2 3``): no data.

    >>> numbering(["**", "**", "1", "2", "3"]), numbering(["合计", "", "2.00", "1.00"])
    (True, False)
    """
    texts = [c for c in cells if c]
    numbers = [int(c) for c in texts if c.isdigit()]
    return (
        len(numbers) >= 2
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        and all(c.isdigit() or c in _NUMBERING for c in texts)
    )


def _labels(headers: list[list[str]]) -> list[str]:
    """Each column's label: its header rows' texts joined by ``/``, a text repeated by a merged cell once."""
    width = max((len(h) for h in headers), default=0)
    out = []
    for i in range(width):
        parts: list[str] = []
        for h in headers:
            text = h[i] if i < len(h) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        out.append("/".join(parts))
    return out


def _column(labels: list[str], body: Rows, want: str, before: int | None = None) -> int | None:
    """The first column of text (no numbers in the body) whose label holds ``want``."""
    for i, label in enumerate(labels[:before]):
        if want in label and not any(i < len(c) and cell_number(c[i]) is not None for _, c in body):
            return i
    return None


class _Unread(Exception):
    """A project list that is there but cannot be read whole: why."""


def _code(cells: Sequence[str], column: int | None) -> str | None:
    text = cells[column] if column is not None and column < len(cells) else ""
    return text if text.isdigit() else None


def _amounts(cells: Sequence[str], columns: Sequence[int], unit: str) -> Row:
    """A row's amounts in the summed columns (a blank cell 0), with half the unit of each one's last digit."""
    texts = [cells[i] if i < len(cells) else "" for i in columns]
    scale = UNIT_SCALE[unit]
    return Row(
        tuple((cell_number(t) or Decimal(0)) * scale for t in texts),
        tuple(stated_precision(t) * scale / 2 if t else Decimal(0) for t in texts),
    )


def _read(title: str, unit: str | None, above: Sequence[str], rows: Rows) -> BudgetTable | None:
    """The project list of the grid rows ``(page, cells)`` under ``title``; None when it holds no amounts
    (an empty table) or no project; raises :class:`_Unread` naming what cannot be read."""
    first = next(
        (
            i
            for i, (_, c) in enumerate(rows)
            if any(cell_number(x) is not None for x in c) and not numbering(c)
        ),
        None,
    )
    if first is None:
        return None
    if unit is None:
        raise _Unread("its unit (单位：元 / 万元) is not printed")
    headers = [c for _, c in rows[:first] if not numbering(c)]
    body = [(p, c) for p, c in rows[first:] if any(c) and c not in headers and not numbering(c)]
    labels = _labels(headers)
    name_col = _column(labels, body, "项目名称")
    name_col = _column(labels, body, "项目") if name_col is None else name_col
    if name_col is None:
        raise _Unread("no column of its header names the projects (项目, 项目名称)")
    unit_col = _column(labels, body, "单位", before=name_col)
    code_col = next((i for i, lab in enumerate(labels) if _CODE.search(lab) and i != name_col), None)
    numeric = {i for _, c in body for i, x in enumerate(c) if cell_number(x) is not None}
    skip = {i for i, lab in enumerate(labels) if _NOT_VALUE.search(lab) or i not in numeric} | {name_col}
    summed = [i for i in sorted(numeric - skip) if i < len(labels) and not _NOT_ADDED.search(labels[i])]
    department = department_of(above)
    lines: list[BudgetLine] = []
    names: list[str] = []
    pages: dict[int, int] = {}
    found: list[ListRow] = []
    # the name of the last coded row (a unit's, 117001 西安市审计局): the unit of the uncoded rows after it
    holder = ""
    for number, (page, cells) in enumerate(body, start=1):
        if any(c and _DIGITS_ONLY.match(c) and cell_number(c) is None for c in cells):
            raise _Unread(f"p. {page}: a cell prints digits that are not one number")
        texts = {c for c in cells if c}
        if len(texts) == 1 and cell_number(next(iter(texts))) is None:
            continue  # one cell spanning the row (a note, a heading), its text in every column: text only
        project = cells[name_col] if name_col < len(cells) else ""
        body_unit = cells[unit_col] if unit_col is not None and unit_col < len(cells) else ""
        if body_unit and project == body_unit:
            project = ""  # the unit's own row, its name cell spanning the project column too: no project
        values = [(i, c) for i, c in enumerate(cells) if c and i not in skip]
        if any(cell_number(c) is None for _, c in values):
            raise _Unread(f"p. {page}: text in a column of amounts (columns not where the header says)")
        if not values:
            continue  # text only: a note, or the rest of a name wrapped onto a row of its own
        if not (project or body_unit):
            raise _Unread(f"p. {page}: amounts of no project")
        if any(i >= len(labels) or not labels[i] for i, _ in values):
            raise _Unread(f"p. {page}: an amount under no column label")
        code = _code(cells, code_col)
        key = row_key(project or body_unit)
        role = (
            "total"
            if key in TOTAL_NAMES or (department and not body_unit and project == department)
            else "subtotal"
            if key in SUBTOTAL_NAMES or not project
            else "row"
        )
        if code:
            holder = project
        elif holder and not body_unit and role == "row":
            body_unit = holder
        name = f"{body_unit} / {project}" if body_unit and project else project or body_unit
        names.append(name)
        pages[number] = page
        found.append(ListRow(number, code, role, _amounts(cells, summed, unit)))
        for i, text in values:
            value = cell_number(text)
            assert value is not None
            lines.append(
                BudgetLine(
                    table=title,
                    line=number,
                    name=name,
                    column=labels[i],
                    yuan=value * UNIT_SCALE[unit],
                    text=text,
                    unit=unit,
                    page=page,
                )
            )
    read = levels(found)
    if not lines or not (read.projects or read.unread):
        return None
    total_rows = [r.line for r in found if r.role == "total"]
    if len(total_rows) > 1:  # tables run together, or units' totals named 合计: which rows each totals
        total_rows = []  # is not read
    notes = tuple(
        f"{title} p. {_span(pages, block)}: {len(block)} rows whose levels are not printed and whose amounts "
        "nest in more than one way: not read as projects"
        for block in read.unread
    )
    return BudgetTable(
        title=title, line=0, unit=unit, lines=tuple(lines), row_names=tuple(names), page=rows[0][0],
        project_rows=read.projects, total_rows=tuple(total_rows), groups=read.groups, notes=notes,
    )  # fmt: skip


def _span(pages: dict[int, int], lines: Sequence[int]) -> str:
    first, last = pages[lines[0]], pages[lines[-1]]
    return f"{first}" if first == last else f"{first}-{last}"


def read_project_list(title: str, unit: str | None, above: Sequence[str], rows: Rows) -> BudgetTable | None:
    """The project list of the grid rows ``(page, cells)`` under ``title``, or None when unsure (or empty)."""
    try:
        return _read(title, unit, above, rows)
    except _Unread:
        return None


def _ends(rows: Rows) -> bool:
    """A 合计 / 总计 row after the rows it totals (one printed first, above them, ends nothing)."""
    seen = False
    for _, cells in rows:
        if not any(cell_number(c) is not None for c in cells) or numbering(cells):
            continue
        if any(row_key(c) in TOTAL_NAMES for c in cells if c):
            if seen:
                return True
        else:
            seen = True
    return False


def read_project_lists(pdf: PdfPages, pages: Sequence[int]) -> list[BudgetTable]:
    """The project lists that start on ``pages`` (1-based), each followed over the next pages. A list that
    is there but cannot be read is a table of no lines whose ``notes`` say why (never silently short)."""
    out: list[BudgetTable] = []
    for title, unit, above, rows, cut in titled_grids(pdf, pages, list_title_of, _fill, _ends, LIST_PAGES):
        page = rows[0][0] if rows else None
        try:
            table = _read(title, unit, above, rows)
        except _Unread as exc:
            out.append(
                BudgetTable(
                    title, 0, unit or "", (), page=page, notes=(f"{title} p. {page}: {exc}; not read",)
                )
            )
            continue
        if table is not None and cut is not None:
            note = f"{title} p. {page}: followed over {LIST_PAGES} pages, it goes on at p. {cut}: the rest is not read"
            table = replace(table, notes=(*table.notes, note))
        if table is not None:
            out.append(table)
    return out


__all__ = ["LIST_TITLE", "department_of", "list_pages", "list_title_of", "numbering", "read_project_list",
           "read_project_lists"]  # fmt: skip
