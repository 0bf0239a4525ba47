"""A department budget's own tables and the totals its 编制说明 states in words, as values.

:mod:`budgetscope.pipeline.statements` reads them out of the text; the store keeps them and
:mod:`budgetscope.pipeline.linking` checks them. No I/O here.

Example:
    >>> line = BudgetLine(table="收支总表", line=3, name="一、财政拨款收入", column="合计",
    ...                   yuan=Decimal("100"), text="100", unit="元")
    >>> BudgetTable(title="收支总表", line=1, unit="元", lines=(line,)).value("财政拨款收入")
    Decimal('100')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class BudgetLine:
    """One numeric cell of a budget table, in yuan."""

    table: str
    line: int
    name: str | None
    column: str
    yuan: Decimal
    text: str
    unit: str
    code: str | None = None
    scheme: str | None = None
    """``functional`` (功能分类科目编码), ``economic`` (经济分类科目编码) or None."""
    page: int | None = None
    """The 1-based page of a PDF table's row; ``line`` is then the row's number in its table."""


@dataclass(frozen=True)
class BudgetTable:
    """A titled table of a department budget with its numeric cells and the names of all its rows.

    ``line`` is the 1-based line of its title in a text; in a PDF ``page`` is set (see the fields)."""

    title: str
    line: int
    unit: str
    lines: tuple[BudgetLine, ...]
    row_names: tuple[str, ...] = field(default=())
    page: int | None = None
    """The 1-based page a PDF table starts on (its title); ``line`` is then 0."""
    project_rows: tuple[int, ...] = ()
    """A project list's (项目支出预算表) rows (``line``) that are projects; empty for other tables."""
    total_rows: tuple[int, ...] = ()
    """A project list's rows (``line``) that total its projects: 合计 / 总计, or the department's own row."""
    groups: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """A nested project list's rows (``line``) that total the rows right under them as the list prints its
    levels (a unit's code row over its units' rows, or over its projects), each with those rows."""
    notes: tuple[str, ...] = ()
    """What of the table is there but could not be read, each naming its page: a reading warning."""

    def value(self, name: str, column: str | None = None) -> Decimal | None:
        """The first value in the row called ``name`` (ordinal prefixes ignored), in ``column`` if given.

        A row that exists with empty cells is 0; a missing row is None.
        """
        key = row_key(name)
        for b in self.lines:
            if b.name is not None and row_key(b.name) == key and (column is None or b.column == column):
                return b.yuan
        return Decimal(0) if key in {row_key(n) for n in self.row_names} else None


@dataclass(frozen=True)
class StatedTotal:
    """A total stated in words (编制说明), with the precision it was written to."""

    label: str
    text: str
    yuan: Decimal
    line: int
    quantum: Decimal
    """The unit of the last written digit, in yuan: ``15,544万元`` → 10000, ``17.95万元`` → 100."""
    page: int | None = None
    """The 1-based page of a PDF's statement; ``line`` is then the line on that page."""


def table_kind(title: str) -> str | None:
    """``overall`` for a department's whole 收支 table (财务收支预算总表, 部门收支总表, 收支预算总表 …),
    ``fiscal`` for its 财政拨款收支(预算)总表, else None (titles as printed, spaces ignored).

    >>> table_kind("2026年部门财务收支预算总表"), table_kind("表4：部门财政拨款收支总表"), table_kind("收入总表")
    ('overall', 'fiscal', None)
    """
    title = re.sub(r"\s+", "", title)
    if re.search(r"财政拨款收支(?:预算)?(?:总表|总体情况表)$", title):
        return "fiscal"
    if re.search(r"收支(?:预算)?(?:总表|总体情况表)$", title) and not re.search(
        r"财政拨款|政府性基金|国有资本|决算", title
    ):
        return "overall"
    return None


def row_key(name: str) -> str:
    """A row's own name without its ordinal and spaces: ``一、财政拨款收入`` → ``财政拨款收入``; of a
    row named with the rows it is printed under (``一、本年收入 / （一）一般公共预算拨款``), the last.

    >>> row_key("1. 一般公共预算"), row_key("三、单位资金 / 1.事业收入")
    ('一般公共预算', '事业收入')
    """
    name = re.sub(r"\s+", "", name.rsplit(" / ", 1)[-1])
    return re.sub(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])", "", name)


__all__ = ["BudgetLine", "BudgetTable", "StatedTotal", "row_key", "table_kind"]
