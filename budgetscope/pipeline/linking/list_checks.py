"""Sums inside a department's project list (项目支出预算表 …, read by :mod:`..pdf_project_lists`).

Pure: a :class:`~budgetscope.models.BudgetTable` with ``project_rows`` in, ``table_sum``
:class:`Check` values out, each made by :func:`.table_checks.sum_check` (so the same rounding rule:
off by no more than half a unit of each cell's last digit is ``rounded``). Two rules:

- **合计 row**: each row that totals the list (合计 / 总计, or the department's own row) = the sum
  of the project rows, column by column (a blank cell of a row that is there is 0);
- **levels**: in a nested list, each row the list prints as a group (a unit's code row, 117 over
  117001) = the sum of the rows right under it, column by column (:mod:`..list_levels`: levels read
  from the amounts alone are not checked, they are what was read);
- **sources**: in every row, the 合计 / 总计 column = the sum of its sources of funds, a group of
  sources (财政拨款: 一般公共预算, 政府性基金 …) counted by its 小计 when it prints one, else by
  its columns; and a group's 小计 = the sum of its columns.

And one ``listed_project`` check per project row the document holds no record of (no form or narrative
of that name, of that unit when the list names units, while the document holds some; a carried-over part,
``审计专项补助经费（结转）``, is its project's): ``missing``, an info (:func:`listed_without_record`) — the
project is in the store's table lines only, not searchable.

Each check's ``field`` is ``list-total:PAGE:ROW:COLUMN``, ``list-group:PAGE:ROW:COLUMN`` or
``list-row:PAGE:ROW:COLUMN`` (the page the
list starts on: two lists of one title are two). A list whose columns are not plain sources (上年预算数, 增减, %, 执行数) or nest deeper than a group
and its columns is not summed by columns: how its columns add up is not read.

Example:
    >>> from decimal import Decimal
    >>> from budgetscope.models import BudgetLine, BudgetTable
    >>> def cell(line, name, column, text):
    ...     return BudgetLine("项目支出预算表", line, name, column, Decimal(text), text, "元")
    >>> table = BudgetTable("项目支出预算表", 0, "元", (cell(1, "合计", "合计", "30.00"),
    ...     cell(1, "合计", "单位资金", "30.00"), cell(2, "a", "合计", "10.00"), cell(2, "a", "单位资金", "10.00"),
    ...     cell(3, "b", "合计", "20.00"), cell(3, "b", "单位资金", "21.00")), project_rows=(2, 3), total_rows=(1,))
    >>> for c in project_list_checks("a.txt", [table]):
    ...     if c.status != "agree":
    ...         print(c.message)
    项目支出预算表 line 1 合计（单位资金）: 单位资金 30元 but the 2 project rows = 31元
    项目支出预算表 line 3 b: 合计 20元 but 单位资金 = 21元
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from budgetscope.models import BudgetLine, BudgetTable, Check, Record, stable_id
from budgetscope.pipeline.linking.checks import yuan_text
from budgetscope.pipeline.linking.table_checks import sum_check
from budgetscope.pipeline.pdf_titled import squash

TOTALS = frozenset({"合计", "总计"})
SUBTOTALS = frozenset({"小计", "合计"})
_NOT_SOURCE = re.compile(r"预算数|上年预算|上年数|增减|%|执行|比上年")
"""Column labels that are no source of funds (another year, a change, a share)."""

Group = tuple[str, str | None, list[str]]
"""A source of funds: its name, its 小计 column (or None) and its other columns."""


def sources(columns: Sequence[str]) -> tuple[str, list[Group]] | None:
    """The total column and the groups of sources the other columns form, or None when unsure.

    >>> sources(["合计", "财政拨款/小计", "财政拨款/一般公共预算", "单位资金"])
    ('合计', [('财政拨款', '财政拨款/小计', ['财政拨款/一般公共预算']), ('单位资金', None, ['单位资金'])])
    """
    totals = [c for c in columns if c in TOTALS]
    if len(totals) != 1:
        return None
    parts = [c for c in columns if c != totals[0]]
    if not parts or any(_NOT_SOURCE.search(c) for c in parts):
        return None
    split = [c.split("/") for c in parts]
    while all(len(s) > 1 for s in split) and len({s[0] for s in split}) == 1:
        split = [s[1:] for s in split]  # a heading over every source (2026年预算)
    groups: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for label, segments in zip(parts, split, strict=True):
        if len(segments) > 2:
            return None
        groups[segments[0]].append((label, segments[1] if len(segments) == 2 else None))
    out: list[Group] = []
    for name, members in groups.items():
        if len(members) > 1 and any(rest is None for _, rest in members):
            return None  # a column and columns under it, side by side
        subtotal = next((label for label, rest in members if rest in SUBTOTALS), None)
        out.append((name, subtotal, [label for label, _ in members if label != subtotal]))
    return totals[0], out


def _rows(table: BudgetTable) -> dict[int, dict[str, BudgetLine]]:
    rows: dict[int, dict[str, BudgetLine]] = defaultdict(dict)
    for b in table.lines:
        rows[b.line].setdefault(b.column, b)
    return rows


def _row_sums(doc: str, table: BudgetTable, rows: dict[int, dict[str, BudgetLine]], line: int, under: Sequence[int],
              field: str, what: str) -> Iterable[Check]:  # fmt: skip
    """Row ``line`` = the sum of the rows ``under`` it, column by column."""
    columns = list(dict.fromkeys(b.column for b in table.lines))
    for column in columns:
        stated = rows[line].get(column)
        parts = [rows[r][column] for r in under if column in rows[r]]
        if stated is None and not parts:
            continue
        found = sum((b.yuan for b in parts), Decimal(0))
        name = next(iter(rows[line].values())).name
        yield sum_check(doc, table, f"{field}:{table.page or 0}:{line}:{column}", stated, stated.yuan if stated else Decimal(0),
                        parts, found, what, f"{name}（{column}）")  # fmt: skip


def _total_checks(doc: str, table: BudgetTable, rows: dict[int, dict[str, BudgetLine]]) -> Iterable[Check]:
    for line in table.total_rows:
        yield from _row_sums(doc, table, rows, line, table.project_rows, "list-total",
                             f"the {len(table.project_rows)} project rows")  # fmt: skip
    for line, under in table.groups:
        what = "the row under it" if len(under) == 1 else f"the {len(under)} rows under it"
        yield from _row_sums(doc, table, rows, line, under, "list-group", what)


def _source_checks(doc: str, table: BudgetTable, rows: dict[int, dict[str, BudgetLine]]) -> Iterable[Check]:
    found_sources = sources(list(dict.fromkeys(b.column for b in table.lines)))
    if found_sources is None:
        return
    total, groups = found_sources
    for line, cells in rows.items():
        name = next(iter(cells.values())).name or ""
        parts: list[BudgetLine] = []
        for group, subtotal, members in groups:
            group_cells = [cells[c] for c in members if c in cells]
            if subtotal is None:
                parts += group_cells
                continue
            stated = cells.get(subtotal)
            if stated is not None:
                parts.append(stated)
            if stated is not None or group_cells:
                found = sum((b.yuan for b in group_cells), Decimal(0))
                what = " + ".join(b.column for b in group_cells) or "its columns"
                yield sum_check(doc, table, f"list-row:{table.page or 0}:{line}:{group}", stated, stated.yuan if stated else Decimal(0),
                                group_cells, found, what, name)  # fmt: skip
        stated = cells.get(total)
        if stated is None and not parts:
            continue
        found = sum((b.yuan for b in parts), Decimal(0))
        what = " + ".join(b.column for b in parts) or "its sources"
        yield sum_check(doc, table, f"list-row:{table.page or 0}:{line}:{total}", stated, stated.yuan if stated else Decimal(0), parts,
                        found, what, name)  # fmt: skip


def project_list_checks(doc: str, tables: Sequence[BudgetTable]) -> list[Check]:
    """Every sum a document's project lists state, checked (see the module's rules)."""
    out: list[Check] = []
    for table in tables:
        if table.project_rows:
            rows = _rows(table)
            out.extend(_total_checks(doc, table, rows))
            out.extend(_source_checks(doc, table, rows))
    return out


def _total_cell(cells: dict[str, BudgetLine], columns: Sequence[str]) -> BudgetLine | None:
    """A project row's total: its one column labelled 合计 / 总计 (under any heading, ``2026年预算/合计``)
    that is not another year's or a change (上年, 增减, 执行 …), or the list's one column of amounts
    (西安's 项目金额); None when there is no such one column.

    >>> from decimal import Decimal
    >>> def cell(column, text):
    ...     return BudgetLine("表", 1, "a", column, Decimal(text), text, "万元")
    >>> _total_cell({"上年执行数/合计": cell("上年执行数/合计", "1"), "本年/合计": cell("本年/合计", "2")}, []).text
    '2'
    >>> _total_cell({"2025年预算数": cell("2025年预算数", "1"), "2026年预算数": cell("2026年预算数", "2")}, []) is None
    True
    >>> _total_cell({"项目金额": cell("项目金额", "3")}, ["项目金额"]).text
    '3'
    """
    if len(columns) == 1 and not _OTHER_YEAR.search(columns[0]):
        return cells.get(columns[0])
    found = [
        b
        for label, b in cells.items()
        if label.rsplit("/", 1)[-1] in TOTALS and not _OTHER_YEAR.search(label)
    ]
    return found[0] if len(found) == 1 else None


_OTHER_YEAR = re.compile(r"上年|增减|%|执行|比上年")
"""Labels of another year's figure or of a change, not the year's total."""
_CARRIED = re.compile(r"[（(](?:上年|以前年度)?结转(?:资金|项目)?[)）]$")
"""A listed name's mark of the part of a project carried over from an earlier year: 审计专项补助经费（结转）."""


def listed_without_record(doc: str, tables: Sequence[BudgetTable], records: Sequence[Record]) -> list[Check]:
    """A ``listed_project`` info for each project row of the lists that no project record of the document
    reads: same name (spaces aside), and, when the list names the unit (``单位 / 项目``) and the form its
    implementer, that unit. Nothing when the document holds no project record (its coverage says so).

    >>> from decimal import Decimal
    >>> from budgetscope.models import BudgetLine, BudgetTable, Record
    >>> cells = (BudgetLine("表10", 1, "校 / 校舍建设", "合计", Decimal("67000000"), "6,700.00", "万元", page=37),)
    >>> table = BudgetTable("表10", 0, "万元", cells, page=37, project_rows=(1,), total_rows=())
    >>> other = Record(id="f", kind="form", doc="a.pdf", title="t", name="日常保障运行")
    >>> [c.message for c in listed_without_record("a.pdf", [table], [other])]
    ['表10 p. 37 lists 校 / 校舍建设 6,700.00万元 (67,000,000元), a project of which no form or narrative was read']
    """
    projects = [r for r in records if r.kind in ("form", "narrative")]
    if not projects:
        return []
    out: list[Check] = []
    for table in tables:
        rows = _rows(table)
        columns = list(dict.fromkeys(b.column for b in table.lines))
        for line in table.project_rows:
            cells = rows[line]
            first = next(iter(cells.values()))
            unit, _, name = (first.name or "").rpartition(" / ")
            name = _CARRIED.sub("", name) or name  # the carried-over part is its project's
            same = [r for r in projects if squash(r.name or "") == squash(name)]
            if unit:
                same = [
                    r
                    for r in same
                    if not (r.form and r.form.implementer) or squash(r.form.implementer) == squash(unit)
                ]
            if same:
                continue
            total = _total_cell(cells, columns)
            cell = total or first
            where = (
                f"{table.title} p. {cell.page or table.page}" if table.page else f"{table.title} line {line}"
            )
            amount = f" {total.text}{total.unit or table.unit} ({yuan_text(total.yuan)})" if total else ""
            out.append(Check(
                id="check:" + stable_id("listed_project", doc, table.title, table.page or 0, line), kind="listed_project",
                status="missing", subject=first.name or "", doc=doc, line=None if table.page else cell.line,
                page=cell.page or table.page, stated=f"{total.text}{total.unit or table.unit}" if total else None,
                stated_yuan=total.yuan if total else None, field=f"listed:{table.page or 0}:{line}",
                message=f"{where} lists {first.name}{amount}, a project of which no form or narrative was read"
                + ("" if total else " (which column is its total is not read)"),
            ))  # fmt: skip
    return out


__all__ = ["listed_without_record", "project_list_checks", "sources"]
