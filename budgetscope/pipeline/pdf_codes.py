"""Whole classification codes in a PDF budget table's code column: ``2130101`` in one cell rather
than ``213`` / ``01`` / ``01`` under 类 / 款 / 项.

A 功能分类 code is a 3-digit 类, then a 2-digit 款, then a 2-digit 项 (``213`` → ``21301`` →
``2130101``); an 经济分类 code a 3-digit 类 and a 2-digit 款 (``301`` → ``30101``). A table printing
such codes lists each code under its parent: a row's code is sure only when the whole column reads
as that tree — every code 3, 5 or 7 digits, one code a row, each code under the last code of its
parent's length when the table prints that level at all. Anything else (a 4- or 6-digit cell, a
code under another parent, two codes in one row) is a code cut or run together: the table is not
read. A column headed as a unit's code (``单位编码``: ``117``, ``117001``) holds no classification.

The scheme is the header's (``功能分类`` / ``经济分类``), else the codes' own: the national
classification numbers 支出功能分类 类 from 2 (201 一般公共服务支出 … 2xx), 部门 and 政府预算
支出经济分类 类 from 3 and 5 (301 工资福利支出, 501 机关工资福利支出), and 经济分类 has no 项 level.
Without a scheme the codes are not kept (as in :func:`.statements.table_from_rows`).

Example:
    >>> whole_codes([["科目编码", "科目名称", "合计"]], [(2, ["213", "农林水支出", "5"]),
    ...             (3, ["21301", "农业农村", "5"]), (4, ["2130101", "行政运行", "5"])])
    {2: '213', 3: '21301', 4: '2130101'}
    >>> whole_codes([["科目编码", "科目名称", "合计"]], [(2, ["213", "x", "5"]), (3, ["20101", "y", "5"])]) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from budgetscope.models.statements import BudgetTable

_LEVELS = (3, 5, 7)
"""The lengths of a whole code: 类, 款, 项."""
_DIGITS = re.compile(r"\d{3,}")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def code_columns(headers: Sequence[Sequence[str]]) -> set[int]:
    """Columns headed as classification codes (…编码, or 类 / 款 / 项), not as a unit's code (单位编码)."""
    width = max(map(len, headers), default=0)
    labels = [_squash("".join(h[i] for h in headers if i < len(h))) for i in range(width)]
    return {
        i
        for i, label in enumerate(labels)
        if ("编码" in label or label[-1:] in ("类", "款", "项")) and "单位" not in label
    }


def _a_tree(codes: Sequence[str]) -> bool:
    """Each code 3, 5 or 7 digits and under the last printed code of its parent's length (when the
    table prints that level)."""
    lengths = {len(c) for c in codes}
    if not lengths <= set(_LEVELS):
        return False
    last: dict[int, str] = {}
    for code in codes:
        n = len(code)
        parent = last.get(n - 2)
        if n - 2 in lengths and (parent is None or not code.startswith(parent)):
            return False
        last[n] = code
        for deeper in (n + 2, n + 4):
            last.pop(deeper, None)
    return True


def whole_codes(
    headers: Sequence[Sequence[str]], rows: Sequence[tuple[int, Sequence[str]]]
) -> dict[int, str] | None:
    """Each row's whole code (row number → code) when a code column prints whole codes; ``{}`` when
    no code column does (类 / 款 / 项 cells, or none); None when its codes are unsure."""
    positions = code_columns(headers)
    printed: list[tuple[int, list[str]]] = [
        (number, [cells[i] for i in sorted(positions) if i < len(cells) and _DIGITS.fullmatch(cells[i])])
        for number, cells in rows
    ]
    if not any(len(code) > 3 for _, found in printed for code in found):
        return {}
    if any(len(found) > 1 for _, found in printed):
        return None
    codes = {number: found[0] for number, found in printed if found}
    return codes if _a_tree(list(codes.values())) else None


def code_scheme(headers: Sequence[Sequence[str]], codes: Sequence[str]) -> str | None:
    """``functional`` or ``economic``: the header's word, else the codes' first digit (see the module).

    >>> code_scheme([["科目编码"]], ["208", "20805"]), code_scheme([["科目编码"]], ["301", "30101"])
    ('functional', 'economic')
    >>> code_scheme([["科目编码"]], ["208", "301"]) is None
    True
    """
    header = _squash(" ".join(c for h in headers for c in h))
    if "功能分类" in header:
        return "functional"
    if "经济分类" in header:
        return "economic"
    firsts = {c[0] for c in codes}
    if firsts == {"2"}:
        return "functional"
    if firsts <= {"3", "5"} and firsts and all(len(c) <= 5 for c in codes):
        return "economic"
    return None


def with_codes(table: BudgetTable, codes: dict[int, str], headers: Sequence[Sequence[str]]) -> BudgetTable:
    """The table with each row's whole code (and its scheme) on its cells; a code read as a row's
    name (the row printed no name) leaves the name to :func:`.statements.named_by_code`; without a
    scheme the codes are only taken out of the row names."""
    if not codes:
        return table
    scheme = code_scheme(headers, list(codes.values()))
    printed = set(codes.values())
    lines = tuple(
        replace(
            b,
            code=codes[b.line] if scheme else None,
            scheme=scheme,
            name=None if b.name in printed else b.name,
        )
        if b.line in codes
        else b
        for b in table.lines
    )
    names = tuple(n for n in table.row_names if n not in printed)
    return replace(table, lines=lines, row_names=names)


__all__ = ["code_columns", "code_scheme", "whole_codes", "with_codes"]
