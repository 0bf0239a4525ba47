"""The indicators of a form table's body rows, their level cells carried over merged cells and page
breaks (:mod:`.forms_pdf` finds the rows and their columns).

- a level cell blank under a merged cell, or cut by the page break, gives the row above's level;
- a level cell cut by the page break with its last characters on top of the next page ("标") is
  joined back on the rows above (效益指 + 标);
- rows at a page bottom with no level cell at all, under a level cell closed on that page, begin
  the next block: a merged cell cut by the page break, its label printed on the next page (Xi'an's
  提交审计报告和信息 under 产出指标 / 数量指标, below 成本指标); they take the next page's first label;
- an indicator cell that prints its levels before its name (产出指标数量指标便民生活圈年度评价报告)
  is split when the table has no level columns;
- a weight column (分值, 指标权重(%)) gives each row's weight when its cell is one plain number.
"""

from __future__ import annotations

from decimal import Decimal

from budgetscope.models import Indicator
from budgetscope.pipeline.forms_pdf_columns import Columns
from budgetscope.pipeline.forms_pdf_labels import WEIGHT, split_levels, squash, target
from budgetscope.pipeline.forms_pdf_records import PdfForm
from budgetscope.pipeline.pdf_tables import Cell

Row = dict[tuple[str, str], Cell]
"""A body row's cells by the field of their column."""


class IndicatorRows:
    """Reads one indicator per body row; :attr:`new_page` is set by the reader at each new grid."""

    def __init__(self) -> None:
        self.new_page = False
        self.last: dict[str, Cell] = {}  # the level cells of the rows above, by level
        self.open: list[tuple[Indicator, str, int]] = []  # rows with no level cell at a page bottom
        self.form: PdfForm | None = None

    def read(self, by: Row, form: PdfForm, cols: Columns) -> Indicator | None:
        """The row's indicator (None for a row without a name or a target)."""
        if form is not self.form:
            self.form, self.last, self.open = form, {}, []

        def get(key: str) -> str:
            c = by.get(("ind", key))
            return c.text.strip() if c is not None else ""

        level3, l1, l2 = get("level3"), get("level1"), get("level2")
        inline = by.get(("inline", "indicators"))
        if not level3 and inline is not None:
            l1, l2, level3 = split_levels(inline.text)  # 产出指标数量指标便民生活圈年度评价报告
        if not level3:
            return None
        prev = form.indicators[-1] if form.indicators else None
        if prev is not None and self.new_page:
            l1, l2 = _join_cut(form, "level1", l1), _join_cut(form, "level2", l2)
        self.new_page = False
        if prev is not None:
            # a level cell cut by a page break, or blank under a merged cell: the row above's level
            if not l1 and cols.has("ind", "level1"):
                l1 = prev.level1 or ""
            if not l2 and cols.has("ind", "level2") and (not get("level1") or l1 == prev.level1):
                l2 = prev.level2 or ""
        value = get("value") or get("period_value")
        if not value and not get("comparison"):
            return None
        weight = by.get(("weight", "weight"))
        ind = Indicator(
            level1=l1 or None,
            level2=l2 or None,
            level3=level3,
            target=target(get("comparison"), value, get("unit")) or None,
            weight=Decimal(squash(weight.text)) if weight and WEIGHT.match(squash(weight.text)) else None,
        )
        page = next(iter(by.values())).page
        for key in ("level1", "level2"):
            self._carry(ind, key, by.get(("ind", key)), page, cols)
        return ind

    def _carry(self, ind: Indicator, key: str, cell: Cell | None, page: int, cols: Columns) -> None:
        """A row without a level cell under one closed on its page waits for the next page's label."""
        last = self.last.get(key)
        if cell is None:
            if cols.has("ind", key) and last is not None and last.text and last.page == page:
                self.open.append((ind, key, page))
            return
        waiting = [o for o in self.open if o[1] == key]
        if waiting and cell.text and cell.page > waiting[-1][2]:
            for row, _, _ in waiting:
                setattr(row, key, cell.text.strip())
        self.open = [o for o in self.open if o[1] != key]
        self.last[key] = cell


def _join_cut(form: PdfForm, key: str, text: str) -> str:
    """A level cell cut by the page break: its last characters on top of the next page ("标")."""
    prev = getattr(form.indicators[-1], key) or ""
    if not prev or not text or len(text) > 2 or prev.endswith("指标") or not (prev + text).endswith("标"):
        return text
    joined = prev + text
    for ind in reversed(form.indicators):
        if getattr(ind, key) != prev:
            break
        setattr(ind, key, joined)
    return joined


__all__ = ["IndicatorRows"]
