"""Where a summary table's cell sits: the column pair it is printed in and the rows it is printed under.

Pure: a table's header rows and body rows of cells in, the same rows with names that say it out.

- **Column pairs**: a 收支 table may print several name | amount pairs side by side under one side
  (Xi'an's 部门综合预算收支总表: 支出功能分类科目 | 预算数, 部门预算支出经济分类科目 | 预算数 and
  政府预算支出经济分类科目 | 预算数, all under 支出). An amount column whose label repeats is named by the
  header of the name column before it: ``支出/部门预算支出经济分类科目/预算数`` (a trailing
  ``（按大类）`` dropped), so that one classification is read, and summed, alone.
- **Rows under a parent**: a row name numbered in another style than the rows before it (一、 then 1、
  then (1)) is printed under the last of them, in its own name column; it is named with the rows it
  sits under, joined by ``" / "`` as a project list names a unit's project: ``一、部门预算 / 2、专项业务经费支出 /
  (2)商品和服务支出``, told apart from the ``(2)商品和服务支出`` under ``1、人员经费和公用经费支出``. A
  row numbered in a style seen before goes back to that level; a total (``本年支出合计``, ``收入总计``)
  ends the outline; a row without a number is left as printed (its parent cannot be told).
  :func:`budgetscope.models.row_key` reads the row's own name (the last part).

Example:
    >>> [[c for c in cells] for _, cells in outlined([(1, ["一、部门预算", "9"]), (2, ["1、财政拨款", "9"])])]
    [['一、部门预算', '9'], ['一、部门预算 / 1、财政拨款', '9']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetscope.models.statements import row_key
from budgetscope.pipeline.statements import cell_number

PARENT = " / "
"""Between a row's parents and its own name (as a project list's ``unit / project``)."""

_CN = "一二三四五六七八九十百"
_STYLES = (
    re.compile(rf"^[{_CN}]+、"),
    re.compile(rf"^[（(][{_CN}]+[)）]"),
    re.compile(r"^\d+(?:、|[.．](?!\d))"),
    re.compile(r"^[（(]\d+[)）]"),
    re.compile(r"^[①-⑳]"),
)
"""Row numbering styles: 一、 (一) 1、/1. (1) ①."""
_TOTAL = re.compile(r"(?:合计|总计)$")
_QUALIFIER = re.compile(r"[（(][^（）()]*[)）]$")
"""A trailing bracketed note of a header (``（按大类）``)."""

Rows = Sequence[tuple[int, list[str]]]


def _style(name: str) -> int | None:
    text = re.sub(r"\s+", "", name)
    return next((i for i, pattern in enumerate(_STYLES) if pattern.match(text)), None)


def outlined(rows: Rows) -> list[tuple[int, list[str]]]:
    """The rows with each numbered row name (a cell that is not a number) named with the rows it
    is printed under in its own column (see the module)."""
    stacks: dict[int, list[tuple[int, str]]] = {}
    out = []
    for number, cells in rows:
        named = list(cells)
        for p, cell in enumerate(cells):
            if not cell.strip() or cell_number(cell) is not None:
                continue
            stack = stacks.setdefault(p, [])
            if _TOTAL.search(row_key(cell)):
                stack.clear()
                continue
            style = _style(cell)
            if style is None:
                continue
            level = next((i for i, (s, _) in enumerate(stack) if s == style), len(stack))
            del stack[level:]
            if stack:
                named[p] = PARENT.join([*(n for _, n in stack), cell.strip()])
            stack.append((style, cell.strip()))
        out.append((number, named))
    return out


def paired_headers(headers: Sequence[list[str]], rows: Rows) -> list[list[str]]:
    """The header rows with each amount column whose label repeats named by the header of the name
    column before it, under the same header cells (see the module); unchanged when a repeated label
    has no such name column."""
    width = max((len(h) for h in headers), default=0)
    labels = [
        [re.sub(r"\s+", "", h[p]) for h in headers if p < len(h) and h[p].strip()] for p in range(width)
    ]
    numeric = {p for _, cells in rows for p, c in enumerate(cells) if cell_number(c) is not None}
    out = [list(h) for h in headers]
    for label in {tuple(x) for x in labels if x}:
        at = [p for p in range(width) if tuple(labels[p]) == label and p in numeric]
        if len(at) < 2:
            continue
        names = [_name_column(labels, numeric, p) for p in at]
        if any(n is None for n in names) or len({labels[n][-1] for n in names if n is not None}) < len(at):
            continue
        row = max(i for i, h in enumerate(headers) if at[0] < len(h) and h[at[0]].strip())
        for p, n in zip(at, names, strict=True):
            if n is not None and p < len(out[row]):
                out[row][p] = f"{_QUALIFIER.sub('', labels[n][-1])}/{out[row][p].strip()}"
    return out


def _name_column(labels: list[list[str]], numeric: set[int], p: int) -> int | None:
    """The nearest column left of ``p`` under the same header cells that holds no number (its rows'
    names), or None."""
    for q in range(p - 1, -1, -1):
        if q in numeric:
            continue
        if labels[q] and labels[q][:-1] == labels[p][:-1]:
            return q
        return None
    return None


__all__ = ["PARENT", "outlined", "paired_headers"]
