"""The levels of a nested project list: which rows are projects, which total the rows under them.

A project list may print more than one level of rows: a unit's row over its projects, categories over
projects (西安's 专项业务经费支出表: 通用项目 › 大型活动 › 审计培训), all in one name column. Two ways of
showing the levels are read here, both pure (rows in, rows out):

- **codes**: a code column (单位编码 117 › 117001) nests rows by prefix: a coded row is the group of the
  coded rows whose codes start with its own, and the holder of the uncoded rows printed after it (its
  unit's block); printed, so each such group is checked (:attr:`Levels.groups`);
- **amounts**: a block's rows whose levels no mark shows, under a row stating their total (the unit's
  coded row, else the list's one 合计): read flat (every row a project) when they add up to it, as any
  flat list; else, when exactly one nesting of them adds up (each group the sum of the rows right under
  it, the block's tops the holder's total, within the rounding of the cells), its bottom rows are the
  projects and the rows above them groups. Such groups are not checked: their sums are what the levels
  were read from, they cannot disagree. Rows nesting in more than one way are no projects, said by a
  note; rows nesting in none (or in too many ways to try) are read flat (the sums then disagree, and
  the checks say so).

Example (西安's 大型活动 150,000 over 审计培训 150,000, 购买服务 3,500,000 over one project of as much,
under 通用项目's 3,650,000):
    >>> from decimal import Decimal as D
    >>> rows = [Row((D(v),), (D("0.005"),)) for v in (150000, 150000, 3500000, 3500000)]
    >>> count, forest = nest(rows, (D(3650000),), (D("0.005"),))
    >>> count, forest, leaves(forest)
    (1, ((0, ((1, ()),)), (2, ((3, ()),))), [1, 3])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MAX_STATES = 200_000
"""The most partial nestings tried in one block; beyond, it is read flat (as when none adds up)."""


Vector = tuple[Decimal, ...]
"""A row's amounts, one per summed column (or half a unit of each one's last printed digit)."""


@dataclass(frozen=True)
class Row:
    """One row of a block: its amounts and the rounding each may carry (half a unit of its last digit)."""

    values: Vector
    slacks: Vector


Tree = tuple[int, tuple["Tree", ...]]
"""A row (its index in the block) and the trees of the rows right under it (none: a project)."""
Forest = tuple[Tree, ...]
_Ends = dict[int, tuple[int, Forest | None]]
"""For each end j of a run of rows: how many nestings of them (1, or 2: more than one) and the one."""
_State = tuple[Vector, Vector]
"""What the run still has to add up to, and the rounding allowed so far."""


class _Unsure(Exception):
    """Too many partial nestings to try."""


def _fits(need: Vector, slack: Vector) -> bool:
    return all(abs(n) <= s for n, s in zip(need, slack, strict=True))


def _add(
    counted: dict[_State, tuple[int, Forest | None]], key: _State, count: int, forest: Forest | None
) -> None:
    total = min(counted.get(key, (0, None))[0] + count, 2)
    counted[key] = (total, forest if total == 1 else None)


def _runs(
    rows: Sequence[Row], start: int, need: Vector, slack: Vector, under: Sequence[_Ends], budget: list[int]
) -> _Ends:
    """Every end j > start such that ``rows[start:j]`` nest into trees whose tops add up to ``need``
    (within ``slack`` plus the rounding of each top), given ``under[k]``: the runs right under row k."""
    signed = any(v < 0 for r in rows[start:] for v in r.values)
    out: _Ends = {}
    by_row: list[dict[_State, tuple[int, Forest | None]]] = [{} for _ in range(len(rows) + 1)]
    by_row[start][(need, slack)] = (1, ())
    for k in range(start, len(rows) + 1):
        for (left, room), (count, forest) in by_row[k].items():
            budget[0] -= 1
            if budget[0] < 0:
                raise _Unsure
            if k > start and _fits(left, room):
                old = out.get(k, (0, None))[0]
                out[k] = (min(old + count, 2), forest if old + count == 1 else None)
            if k == len(rows) or (not signed and any(n < -s for n, s in zip(left, room, strict=True))):
                continue  # past the total: no row of amounts brings it back
            row = rows[k]
            key = (
                tuple(n - v for n, v in zip(left, row.values, strict=True)),
                tuple(r + s for r, s in zip(room, row.slacks, strict=True)),
            )
            _add(by_row[k + 1], key, count, None if forest is None else (*forest, (k, ())))
            for end, (n, children) in under[k].items():
                grown = None if forest is None or children is None else (*forest, (k, children))
                _add(by_row[end], key, count * n, grown)
    return out


def nest(rows: Sequence[Row], value: Vector, slack: Vector) -> tuple[int, Forest | None]:
    """How many nestings of ``rows`` (a block, in print order) have their tops add up to ``value``
    (within ``slack`` and the rounding of each row) and every group the sum of the rows right under it:
    0 (none, or too many to try), 1 (with the nesting) or 2 (more than one). Reading every row as a
    project is one such nesting when it adds up: the caller tries that first."""
    if not rows:
        return 0, None
    budget = [MAX_STATES]
    under: list[_Ends] = [{} for _ in rows]
    try:
        for k in range(len(rows) - 1, -1, -1):  # a row's groups need only the rows after it
            runs = _runs(rows, k + 1, rows[k].values, rows[k].slacks, under, budget)
            under[k] = {end: found for end, found in runs.items() if end > k + 1}
        count, forest = _runs(rows, 0, value, slack, under, budget).get(len(rows), (0, None))
    except _Unsure:  # a long list, flat but for a slip: read flat, its checks disagree
        return 0, None
    return count, forest if count == 1 else None


@dataclass(frozen=True)
class ListRow:
    """A row of a project list with amounts: its number, its code (a code column's digits, else None),
    whether it totals the list (``total``: 合计 / 总计, the department's row), is a 小计 (``subtotal``) or
    is any other row, and its amounts with their rounding."""

    line: int
    code: str | None
    role: str
    amounts: Row


@dataclass(frozen=True)
class Levels:
    """What the rows of a list are: ``projects`` (row numbers), ``groups`` (a row and the rows right under
    it, as the list prints them: each is checked) and ``unread`` (the rows of a block whose levels are not
    read: no projects)."""

    projects: tuple[int, ...]
    groups: tuple[tuple[int, tuple[int, ...]], ...]
    unread: tuple[tuple[int, ...], ...]


def _adds_up(members: Sequence[Row], holder: Row) -> bool:
    need = tuple(sum(v, Decimal(0)) for v in zip(*(m.values for m in members), strict=True))
    room = tuple(
        sum(s, h) for s, h in zip(zip(*(m.slacks for m in members), strict=True), holder.slacks, strict=True)
    )
    return _fits(tuple(n - v for n, v in zip(need, holder.values, strict=True)), room)


def levels(rows: Sequence[ListRow]) -> Levels:
    """The projects and printed groups of a list's rows (print order): see the module's rules.

    >>> from decimal import Decimal as D
    >>> def row(line, code, value, role="row"):
    ...     return ListRow(line, code, role, Row((D(value),), (D("0.005"),)))
    >>> rows = [row(1, None, 40, "total"), row(2, "117", 40), row(3, "117001", 40), row(4, None, 30),
    ...         row(5, None, 30), row(6, None, 10)]
    >>> levels(rows)
    Levels(projects=(5, 6), groups=((2, (3,)),), unread=())
    """
    coded = [r for r in rows if r.code and r.role == "row"]
    totals = [r for r in rows if r.role == "total"]
    blocks: list[tuple[ListRow | None, list[ListRow]]] = [
        (totals[0] if len(totals) == 1 and not coded else None, [])
    ]
    children: dict[int, list[int]] = {}
    stack: list[ListRow] = []
    for r in rows:
        if r.role != "row":
            continue
        if r.code and r in coded:
            while stack and not (r.code.startswith(stack[-1].code or "") and r.code != stack[-1].code):
                stack.pop()
            if stack:
                children.setdefault(stack[-1].line, []).append(r.line)
            stack.append(r)
            blocks.append((r, []))
        else:
            blocks[-1][1].append(r)
    projects: list[int] = []
    groups: list[tuple[int, tuple[int, ...]]] = []
    unread: list[tuple[int, ...]] = []
    for holder, members in blocks:
        lines = tuple(m.line for m in members)
        if holder is not None and holder.code and not members:
            if holder.line in children:
                groups.append((holder.line, tuple(children[holder.line])))
            else:
                projects.append(holder.line)  # a coded row with nothing under it: a project of its own
            continue
        if holder is None or not members:
            projects.extend(lines)
            continue
        flat = _adds_up([m.amounts for m in members], holder.amounts)
        count, forest = (
            (1, None)
            if flat
            else nest([m.amounts for m in members], holder.amounts.values, holder.amounts.slacks)
        )
        if count == 2:
            unread.append(lines)
        elif forest is not None:
            projects.extend(lines[i] for i in leaves(forest))
        else:  # every row a project: they add up, or no nesting does (the checks then say so)
            projects.extend(lines)
            if holder.code and holder.line not in children:
                groups.append((holder.line, lines))
    return Levels(tuple(sorted(projects)), tuple(groups), tuple(unread))


def leaves(forest: Forest) -> list[int]:
    """The indices of the rows with nothing under them (the projects)."""
    out: list[int] = []
    for row, children in forest:
        out.extend(leaves(children) if children else [row])
    return out


__all__ = ["MAX_STATES", "Forest", "Levels", "ListRow", "Row", "Tree", "leaves", "levels", "nest"]
