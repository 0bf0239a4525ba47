"""The key tasks of a department-wide form: rows under 年度主要任务 / 年度重点工作任务, each a task's
name, what it does, what it is to cost and (in some layouts) what it is to achieve.

Xi'an prints 任务名称 | 主要内容 | 预算金额（万元）› 总额 · 财政拨款 · 其他资金 closed by a 金额合计 row;
Guangzhou 名称 | 主要实施内容 | 拟投入的资金（万元） | 期望达到的目标（概述）, over two pages. Every row
carries the group's label in its first (merged) cell, so the rows of one table are known by it, also
after a page break. A task is a :class:`~budgetscope.models.Component` of the form with its ``text``
(the content) and ``goal``; its amount is the first number under the amount column (总额 before its
parts). The total row is left to the budget block (:mod:`.forms_pdf_columns`), which reads it as the
form's amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from budgetscope.models import Component
from budgetscope.pipeline.forms_pdf_labels import NUMBER, amount_unit, label, squash, to_yuan
from budgetscope.pipeline.pdf_tables import Cell

TASK_GROUP = re.compile(r"^(?:年度)?(?:主要|重点)(?:工作)?任务$")
"""The label of a department's task rows (its first, merged cell)."""
_NAME = re.compile(r"^(?:任务|工作)?名称$")
_CONTENT = re.compile(r"^(?:主要)?(?:实施)?内容$")
_GOAL = re.compile(r"期望.*目标|预期.*目标|^目标")
_AMOUNT = re.compile(r"资金|金额|预算|总额")
_TOTAL = re.compile(r"^(?:金额|资金)?(?:合计|总计|小计)$")


def _flat(text: str) -> str | None:
    """A cell's text as printed, its line breaks (and the spaces of wrapping) taken out."""
    return re.sub(r"\s+", "", text) or None


@dataclass
class TaskRows:
    """The columns of the task table being read (None outside one), and the amounts' unit."""

    spans: dict[str, tuple[float, float]] | None = None
    unit: Decimal = Decimal(10000)

    def row(self, cells: list[Cell], tasks: list[Component] | None, unit: Decimal) -> bool:
        """Read one row: a task header sets the columns (and is read on: its amount labels are a
        budget block's), a task row adds a task to ``tasks`` and is consumed (True)."""
        full = [c for c in cells if c.text]
        if not full or not TASK_GROUP.match(squash(full[0].text)):
            self.spans = None
            return False
        rest = full[1:]
        if any(_NAME.match(squash(c.text)) for c in rest):
            self._header(rest, unit)
            return False
        if self.spans is None or tasks is None:
            return False
        name = self._cell("name", rest)
        if name is None or _TOTAL.match(squash(name.text)) or label(name.text) is not None:
            return False
        amount = next((c for c in rest if self._in("amount", c) and NUMBER.match(squash(c.text))), None)
        content, goal = self._cell("text", rest), self._cell("goal", rest)
        tasks.append(
            Component(
                name=_flat(name.text) or name.text,
                yuan=None if amount is None else to_yuan(amount.text, self.unit),
                text=_flat(content.text) if content is not None and content is not name else None,
                goal=_flat(goal.text) if goal is not None and goal is not name else None,
            )
        )
        return True

    def _header(self, cells: list[Cell], unit: Decimal) -> None:
        spans: dict[str, tuple[float, float]] = {}
        self.unit = unit
        for c in cells:
            s = squash(c.text)
            lab = label(c.text)
            key = (
                "name" if _NAME.match(s)
                else "text" if _CONTENT.match(s)
                else "goal" if _GOAL.search(s)
                else "amount" if (lab is not None and lab[0] == "amount") or _AMOUNT.search(s)
                else None
            )  # fmt: skip
            if key is not None and key not in spans:
                spans[key] = (c.x0, c.x1)
                if key == "amount":
                    self.unit = amount_unit(c.text) or unit
        self.spans = spans if "name" in spans else None

    def _in(self, key: str, cell: Cell) -> bool:
        span = (self.spans or {}).get(key)
        if span is None:
            return False
        overlap = min(span[1], cell.x1) - max(span[0], cell.x0)
        return overlap > 0.5 * max(cell.x1 - cell.x0, 1)

    def _cell(self, key: str, cells: list[Cell]) -> Cell | None:
        return next((c for c in cells if self._in(key, c)), None)


__all__ = ["TASK_GROUP", "TaskRows"]
