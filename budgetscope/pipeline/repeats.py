"""A table or a project printed twice in one document is one table, one project: read once, said.

A PDF may print a page again (an appendix repeating a table, pages put together twice); the copy
holds nothing new, and keeping it would count its money twice (a department's total, an export's
amounts) and check its sums twice. Pure: records and tables in, the distinct ones and a warning out.

- a **table** is printed again when an earlier table of the same title holds every cell of it (row
  name, code, column and amount; a copy of only the first page of a longer table is one too);
- a **project** (narrative or form) is printed again when an earlier one has the same content: kind,
  name, title, every section's text, the form's amounts, indicators and texts (not its place).

Two tables or projects that differ in any of these are both kept, however alike their names.

Example:
    >>> from decimal import Decimal
    >>> from budgetscope.models import BudgetLine, BudgetTable
    >>> cell = BudgetLine("支出总体情况表", 3, "合计", "合计", Decimal(10), "10", "元", page=11)
    >>> first, again = BudgetTable("支出总体情况表", 0, "元", (cell,), page=11), BudgetTable(
    ...     "支出总体情况表", 0, "元", (cell,), page=57)
    >>> tables = distinct_tables([first, again])
    >>> len(tables.kept), tables.note
    (1, 'a table printed again, read once: 支出总体情况表 p. 57 (as p. 11)')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Generic, NamedTuple, TypeVar

from budgetscope.models import BudgetTable, Record
from budgetscope.pipeline.normalize import Line

_T = TypeVar("_T", BudgetTable, Record)
_Item = TypeVar("_Item")


class Distinct(NamedTuple, Generic[_T]):
    """What a document holds once: the distinct items, those printed again (left out), the warning."""

    kept: list[_T]
    repeated: list[_T]
    note: str | None


SHOWN = 5
"""Repeats named in a warning; the others are counted."""

_PLACE = frozenset({"id", "line", "page", "start", "end", "section_spans"})
"""A record's fields that say where it is printed, not what it says."""


def _place(page: int | None, line: int | None) -> str:
    return f"p. {page}" if page is not None else f"line {line}"


def _note(what: str, plural: str, repeats: list[str]) -> str | None:
    if not repeats:
        return None
    shown = ", ".join(repeats[:SHOWN]) + (f" and {len(repeats) - SHOWN} more" if len(repeats) > SHOWN else "")
    return f"{what if len(repeats) == 1 else f'{len(repeats)} {plural}'} printed again, read once: {shown}"


def distinct_tables(tables: Sequence[BudgetTable]) -> Distinct[BudgetTable]:
    """The tables without those printed again (see the module), those, and a warning naming them."""
    kept: list[tuple[BudgetTable, frozenset[tuple[object, ...]]]] = []
    repeated: list[BudgetTable] = []
    places: list[str] = []
    for table in tables:
        cells = frozenset((b.name, b.code, b.column, b.yuan) for b in table.lines)
        earlier = next((t for t, seen in kept if t.title == table.title and cells <= seen), None)
        if earlier is not None and cells:
            repeated.append(table)
            places.append(
                f"{table.title} {_place(table.page, table.line)} (as {_place(earlier.page, earlier.line)})"
            )
            continue
        kept.append((table, cells))
    return Distinct([t for t, _ in kept], repeated, _note("a table", "tables", places))


def _content(record: Record) -> str:
    return json.dumps(record.model_dump(mode="json", exclude=set(_PLACE)), ensure_ascii=False, sort_keys=True)


def distinct_records(records: Sequence[Record]) -> Distinct[Record]:
    """The records without projects printed again (see the module), those, and a warning naming them.

    >>> from budgetscope.models import Record
    >>> a = Record(id="1", kind="narrative", doc="a.txt", line=3, title="科普活动", name="科普活动")
    >>> b = a.model_copy(update={"id": "2", "line": 40})
    >>> records = distinct_records([a, b, b.model_copy(update={"id": "3", "name": "科普讲座"})])
    >>> [r.id for r in records.kept], [r.id for r in records.repeated], records.note
    (['1', '3'], ['2'], 'a project printed again, read once: 科普活动 line 40 (as line 3)')
    """
    first: dict[str, Record] = {}
    repeated: list[Record] = []
    places: list[str] = []
    for record in records:
        content = _content(record)
        earlier = first.get(content)
        if earlier is None:
            first[content] = record
            continue
        repeated.append(record)
        name = record.name or record.title or record.kind
        places.append(f"{name} {_place(record.page, record.line)} (as {_place(earlier.page, earlier.line)})")
    return Distinct(list(first.values()), repeated, _note("a project", "projects", places))


def unrepeated(items: list[_Item], line: Callable[[_Item], Line], repeated: Sequence[Record]) -> list[_Item]:
    """``items`` (a coverage report's form titles or headings, each at a ``line``) less one inside each of
    the ``repeated`` records (its text span, else its PDF page): a copy shows nothing more to read."""
    left = list(repeated)
    out: list[_Item] = []
    for item in items:
        ln = line(item)
        r = next(
            (r for r in left if (r.start <= ln.start < r.end if r.end > r.start else ln.page == r.page)), None
        )
        if r is None:
            out.append(item)
        else:
            left.remove(r)
    return out


__all__ = ["Distinct", "distinct_records", "distinct_tables", "unrepeated"]
