"""Where a form table's cells fall: the indicator and project columns of a header row, and the
amount columns of a department's budget block, read from the value row under them.

A department-wide form prints its budget as columns of amount labels over one row of amounts
(预算支出总额 | 财政拨款 › 合计 · 基本支出 · 项目支出 | 其他资金 › …), or over task rows closed by a
total row (任务名称 | 预算金额 › 总额 · 财政拨款 · 其他资金 … 金额合计 | 4203.47 | …). Each amount
takes the key of the deepest label over it; a 合计 under a label is that label's amount, and a
基本支出 / 项目支出 under a fund (财政拨款 › 基本支出) is a part of a part, not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetscope.pipeline.forms_pdf_labels import NUMBER, WEIGHTS, amount_unit, bare, label, squash, to_yuan
from budgetscope.pipeline.pdf_tables import Cell, Grid

TOTAL_LABEL = re.compile(r"^(?:金额|资金)?(?:合计|总计)$")
FUNDS = ("fiscal_current", "other", "carryover")
SPENDING = ("basic_expenditure", "project_expenditure")


@dataclass
class Columns:
    """Column x-ranges of the last header, by field."""

    spans: list[tuple[float, float, tuple[str, str]]] = field(default_factory=list)
    printed: dict[tuple[str, str], str] = field(default_factory=dict)
    """The label each amount or goal column is printed under (年度资金总额, 总体目标)."""
    unit_rows: bool = False
    """The name column holds units too (项目名称（资金使用单位）): a row of a name and amounts only is a
    unit's subtotal, and the projects below it are that unit's."""

    def field_of(self, cell: Cell) -> tuple[str, str] | None:
        best, overlap = None, 0.0
        for x0, x1, lab in self.spans:
            o = min(x1, cell.x1) - max(x0, cell.x0)
            if o > overlap:
                best, overlap = lab, o
        return best if overlap > 0.3 * max(cell.x1 - cell.x0, 1) else None

    def has(self, group: str, key: str | None = None) -> bool:
        return any(lab[0] == group and (key is None or lab[1] == key) for _, _, lab in self.spans)


def header_columns(cells: list[Cell]) -> Columns:
    """The columns a header row's label cells span; later (deeper) header cells override the group
    labels above them. A weight column (分值（90）, 指标权重(%)) is kept as ``("weight", "weight")``."""
    cols = Columns()
    for c in cells:
        lab = label(c.text)
        if lab is None:
            continue
        if lab == ("ignore", "score") and bare(c.text) in WEIGHTS:
            lab = ("weight", "weight")
        cols.spans = [
            s
            for s in cols.spans
            if not (c.x0 >= s[0] - 1 and c.x1 <= s[1] + 1 and (s[1] - s[0]) > (c.x1 - c.x0) + 2)
        ]
        cols.spans.append((c.x0, c.x1, lab))
        if lab[0] in ("amount", "goal"):
            cols.printed[lab] = bare(c.text)
        cols.unit_rows |= lab == ("name", "name") and "单位" in squash(c.text)
    return cols


def is_header_row(g: Grid, r: int) -> bool:
    """Row r of g holds labels only (one unknown cell allowed), not all of them ignored ones."""
    labs = [label(c.text) for c in g.row_cells(r) if c.text]
    return (
        bool(labs)
        and sum(1 for x in labs if x) >= len(labs) - 1
        and any(x and x[0] != "ignore" for x in labs)
    )


def is_amount_head(cells: list[Cell]) -> bool:
    """A row of amount labels with no amount in it (a budget block's column labels)."""
    texts = [squash(c.text) for c in cells if c.text]
    return any((lab := label(t)) is not None and lab[0] == "amount" for t in texts) and not any(
        NUMBER.match(t) for t in texts
    )


def column_amounts(head: list[list[Cell]], cells: list[Cell], unit: Decimal) -> dict[str, Decimal] | None:
    """The amounts of a value row under the amount label rows ``head``, by key; None when the row is
    no value row (a cell of its own holds text other than a number or a total label: a task row).

    A unit printed in a label over the block (总体资金情况（万元）, 预算金额（万元）) goes first.
    """
    above = {id(c) for row in head for c in row}
    own = [c for c in cells if c.text and id(c) not in above]
    numbers = [c for c in own if NUMBER.match(squash(c.text))]
    if not numbers or any(c not in numbers and not TOTAL_LABEL.match(squash(c.text)) for c in own):
        return None
    labels = list({id(c): c for row in head for c in row}.values())
    for c in (*labels, *cells):
        u = amount_unit(c.text)
        if u is not None:
            unit = u
            break
    out: dict[str, Decimal] = {}
    for v in numbers:
        chain = [c for c in labels if c.x0 <= v.x0 + 2 and c.x1 >= v.x1 - 2 and c.text]
        key = _column_key(chain)
        yuan = to_yuan(v.text, unit)
        if key is not None and yuan is not None and key not in out:
            out[key] = yuan
    return out


def _column_key(chain: list[Cell]) -> str | None:
    """The key of an amount column from its labels, top to bottom."""
    labs = [label(c.text) for c in chain]
    keys = [lab[1] for lab in labs if lab is not None and lab[0] == "amount"]
    if not chain or not keys:
        return None
    if TOTAL_LABEL.match(squash(chain[-1].text)) or squash(chain[-1].text) == "小计":
        return keys[-1]
    leaf = labs[-1]
    if leaf is None or leaf[0] != "amount":
        return None
    if leaf[1] in SPENDING and any(k in FUNDS for k in keys[:-1]):
        return None  # 财政拨款 › 基本支出: a part of a part
    return leaf[1]


__all__ = ["Columns", "column_amounts", "header_columns", "is_amount_head", "is_header_row"]
