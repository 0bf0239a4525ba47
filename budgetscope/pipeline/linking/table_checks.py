"""Sums inside a department's own budget tables: does each stated total equal the rows it totals?

Pure: parsed :class:`~budgetscope.pipeline.statements.BudgetTable` values in, :class:`Check` values
out. Three rules, written over any table of coded or labelled rows (any city's 部门预算 tables):

- **columns**: in a row with a ``合计`` column, ``合计`` = the sum of the row's other columns
  (基本支出 + 项目支出; 人员经费 + 公用经费; 财政拨款收入 + 事业收入 + …), in tables whose other
  columns are plain parts (no ``小计``, no ``/`` sub-headers, no 预算数 of another side);
- **codes**: a 类 or 款 row (3 or 5 digits of 支出功能分类 / 经济分类) = the sum of its direct
  children (5 or 7 digits), column by column, when it has children;
- **合计 row**: a row named ``合计`` or ``总计`` = the sum of the top-level coded rows, column by column.

A blank cell of a row that is there is 0. Codes and 合计 rows are compared in the ``合计`` column
when the table has one (a blank sub-column cell cannot be placed from the text alone). A sum off
by no more than the rounding of its cells (half a unit of each cell's last digit: tables in 元
are rounded from fen) is ``rounded``; beyond that ``disagree``, a warning naming both numbers and
their lines. Every comparison is kept as a check, so ``check --all`` shows what was verified.

Example:
    >>> from decimal import Decimal
    >>> from budgetscope.models import BudgetLine, BudgetTable
    >>> cells = [BudgetLine("t", 3, "科学技术支出", "合计", Decimal(10), "10", "元", "206", "functional"),
    ...          BudgetLine("t", 3, "科学技术支出", "基本支出", Decimal(6), "6", "元", "206", "functional"),
    ...          BudgetLine("t", 3, "科学技术支出", "项目支出", Decimal(2), "2", "元", "206", "functional")]
    >>> [c.message for c in table_sum_checks("a.txt", [BudgetTable("t", 1, "元", tuple(cells))])]
    ['t line 3 科学技术支出: 合计 10元 but 基本支出 + 项目支出 = 8元']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from budgetscope.models import BudgetLine, BudgetTable, Check, row_key, stable_id
from budgetscope.pipeline.linking.checks import yuan_text
from budgetscope.pipeline.statements import stated_precision

TOTAL_COLUMN = "合计"
TOTAL_ROWS = frozenset({"合计", "总计"})
_NOT_PARTS = ("小计", "/", "预算数", "上年", "增减", "%", "执行")
"""Column labels that are not plain parts of a row's 合计."""


def sum_check(doc: str, table: BudgetTable, key: str, stated: BudgetLine | None, stated_yuan: Decimal,
           parts: Sequence[BudgetLine], found: Decimal, what: str, subject: str) -> Check:  # fmt: skip
    """One comparison of a table: ``stated`` (its cell, or None for a blank one worth ``stated_yuan``)
    against ``found``, the sum of ``parts``; within the rounding of every cell is ``rounded``."""
    terms = [*parts, *([stated] if stated else [])]
    tolerance = sum((_quantum(table, b) for b in terms), Decimal(0)) / 2
    difference = abs(found - stated_yuan)
    status = "agree" if difference == 0 else "rounded" if difference <= tolerance else "disagree"
    line = stated.line if stated else table.line
    page = (stated.page if stated else None) or table.page
    where = (
        f"{table.title} p. {page} row {line} {subject}"
        if table.page
        else f"{table.title} line {line} {subject}"
    )
    stated_text = f"{stated.column if stated else subject} {yuan_text(stated_yuan)}"
    message = (
        f"{where}: {stated_text} = {what}"
        if status == "agree"
        else f"{where}: {stated_text}, {what} = {yuan_text(found)} (rounding of its cells)"
        if status == "rounded"
        else f"{where}: {stated_text} but {what} = {yuan_text(found)}"
    )
    other = parts[0].line if parts else None
    pdf = table.page is not None
    places = {"line": None, "page": page, "other_line": None, "other_page": parts[0].page if parts else page} if pdf else {
        "line": line, "other_line": other}  # fmt: skip
    return Check(
        id="check:" + stable_id("table_sum", doc, table.title, table.line, key), kind="table_sum", status=status,
        subject=f"{table.title} {subject}", message=message, doc=doc, stated=stated.text if stated else None,
        stated_yuan=stated_yuan, found=what, found_yuan=found, other_doc=doc, field=key, **places,
    )  # fmt: skip


def _quantum(table: BudgetTable, cell: BudgetLine) -> Decimal:
    """The unit of a cell's last written digit, in yuan (``1,004,656`` in 元 → 1; ``17.95`` in 万元 → 100)."""
    return stated_precision(cell.text + (cell.unit or table.unit or ""))


def _is_part(label: str) -> bool:
    return label != TOTAL_COLUMN and not any(mark in label for mark in _NOT_PARTS)


def _column_checks(doc: str, table: BudgetTable) -> Iterable[Check]:
    labels = list(dict.fromkeys(b.column for b in table.lines))
    if (
        TOTAL_COLUMN not in labels
        or len(labels) < 3
        or not all(_is_part(x) for x in labels if x != TOTAL_COLUMN)
    ):
        return
    rows: dict[int, list[BudgetLine]] = defaultdict(list)
    for b in table.lines:
        rows[b.line].append(b)
    for line, cells in rows.items():
        total = next((b for b in cells if b.column == TOTAL_COLUMN), None)
        parts = [b for b in cells if b.column != TOTAL_COLUMN]
        if total is None or not parts:
            continue
        found = sum((b.yuan for b in parts), Decimal(0))
        what = " + ".join(b.column for b in parts)
        yield sum_check(doc, table, f"row:{line}", total, total.yuan, parts, found, what, total.name or "")


def _code_checks(doc: str, table: BudgetTable) -> Iterable[Check]:
    coded = [b for b in table.lines if b.code and b.code.isdigit()]
    if not coded:
        return
    columns = list(dict.fromkeys(b.column for b in table.lines))
    if TOTAL_COLUMN in columns:  # a blank sub-column cell is ambiguous in text; the 合计 column never is
        columns = [TOTAL_COLUMN]
    by_code: dict[str, dict[str, BudgetLine]] = defaultdict(dict)
    for b in coded:
        by_code[b.code or ""].setdefault(b.column, b)
    for code, cells in by_code.items():
        children = [c for c in by_code if len(c) == len(code) + 2 and c.startswith(code)]
        if not children:
            continue
        for column in columns:
            parts = [by_code[c][column] for c in children if column in by_code[c]]
            stated = cells.get(column)
            if stated is None and not parts:
                continue
            found = sum((b.yuan for b in parts), Decimal(0))
            name = next(iter(cells.values())).name or code
            what = f"its {len(children)} sub-items ({'、'.join(children)})"
            yield sum_check(doc, table, f"code:{code}:{column}", stated, stated.yuan if stated else Decimal(0), parts,
                         found, what, f"{code} {name}（{column}）")  # fmt: skip
    tops = [c for c in by_code if len(c) == min(len(c) for c in by_code)]
    if not tops or len(tops[0]) != 3:
        return
    totals = [b for b in table.lines if not b.code and b.name and row_key(b.name) in TOTAL_ROWS]
    for column in columns:
        stated = next((b for b in totals if b.column == column), None)
        if stated is None:
            continue
        parts = [by_code[c][column] for c in tops if column in by_code[c]]
        found = sum((b.yuan for b in parts), Decimal(0))
        what = f"the {len(tops)} 类 rows ({'、'.join(tops)})"
        yield sum_check(doc, table, f"total:{column}", stated, stated.yuan, parts, found, what,
                     f"{stated.name}（{column}）")  # fmt: skip


def table_sum_checks(doc: str, tables: Sequence[BudgetTable]) -> list[Check]:
    """Every sum a document's tables state, checked (see the module's rules); project lists have their
    own (:mod:`.list_checks`). Each check's id is its own: a second table of the same title and line
    (two PDF tables of one title: their line is 0) has its page and an ordinal in its checks' ids."""
    out: list[Check] = []
    ids: set[str] = set()
    for table in tables:
        if table.project_rows:
            continue
        for check in (*_column_checks(doc, table), *_code_checks(doc, table)):
            n = 0
            while check.id in ids:  # another table of this title and line (a PDF table's line is 0)
                n += 1
                key = stable_id("table_sum", doc, table.title, table.line, check.field, table.page, n)
                check = check.model_copy(update={"id": "check:" + key})
            ids.add(check.id)
            out.append(check)
    return out


__all__ = ["TOTAL_COLUMN", "TOTAL_ROWS", "sum_check", "table_sum_checks"]
