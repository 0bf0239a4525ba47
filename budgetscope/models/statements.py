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


@dataclass(frozen=True)
class BudgetTable:
    """A titled table of a department budget with its numeric cells and the names of all its rows."""

    title: str
    line: int
    unit: str
    lines: tuple[BudgetLine, ...]
    row_names: tuple[str, ...] = field(default=())

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


def row_key(name: str) -> str:
    """A row name without its ordinal and spaces: ``一、财政拨款收入`` → ``财政拨款收入``.

    >>> row_key("1. 一般公共预算")
    '一般公共预算'
    """
    name = re.sub(r"\s+", "", name)
    return re.sub(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|[（(][一二三四五六七八九十\d]+[)）])", "", name)


__all__ = ["BudgetLine", "BudgetTable", "StatedTotal", "row_key"]
