"""The levels of a nested project list read from its amounts (:mod:`budgetscope.pipeline.list_levels`).

The amounts are 西安's 表10 (corpus/excerpts/xian-audit-2026-p32-33.pdf); the properties hold for any tree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.pipeline.list_levels import Forest, ListRow, Row, leaves, levels, nest

FEN = (Decimal("0.005"),)
"""Half a fen: the rounding of a cell printed in 元 to two decimals."""


def _row(text: str) -> Row:
    return Row((Decimal(text),), FEN)


# 117001 西安市审计局's rows under it, in print order: 通用项目 › 大型活动 › 审计培训, 购买服务 › 购买中介机构审计服务,
# 专用项目 › 审计业务经费 › 审计事务, 审计专项补助经费, 审计专项补助经费（结转）
XIAN = ["3650000.00", "150000.00", "150000.00", "3500000.00", "3500000.00", "4840507.50", "4840507.50",
        "2858680.00", "1000000.00", "981827.50"]  # fmt: skip


def test_list_levels_xian_nests_one_way() -> None:
    count, forest = nest([_row(v) for v in XIAN], (Decimal("8490507.50"),), FEN)
    assert count == 1 and forest is not None
    assert leaves(forest) == [2, 4, 7, 8, 9]
    assert [top for top, _ in forest] == [0, 5]  # 通用项目, 专用项目 add up to 117001's 8,490,507.50


def test_list_levels_no_nesting_or_two() -> None:
    slip = [*XIAN[:7], "2858690.00", *XIAN[8:]]  # 审计事务 10元 more
    assert nest([_row(v) for v in slip], (Decimal("8490507.50"),), FEN) == (0, None)
    # a 0.00 row under 审计业务经费 or beside it: two nestings add up
    zero = [*XIAN, "0.00"]
    assert nest([_row(v) for v in zero], (Decimal("8490507.50"),), FEN) == (2, None)


def test_list_levels_rounding_of_the_cells_allowed() -> None:
    # 万元 to two decimals: 576,171.11 over 350,034.42 + 221,670.92 + 4,465.78 (= 576,171.12), as Hangzhou's 合计
    half = (Decimal("50"),)
    rows = [Row((Decimal(v) * 10000,), half) for v in ("576171.11", "350034.42", "221670.92", "4465.78")]
    count, forest = nest(rows, (Decimal("576171.11") * 10000,), half)
    assert count == 1 and forest == ((0, ((1, ()), (2, ()), (3, ()))),)


def test_list_levels_units_by_code() -> None:
    def row(line: int, code: str | None, value: str, role: str = "row") -> ListRow:
        return ListRow(line, code, role, _row(value))

    total = "8490507.50"
    rows = [row(1, None, total, "total"), row(2, "117", total), row(3, "117001", total)]
    rows += [row(4 + i, None, v) for i, v in enumerate(XIAN)]
    found = levels(rows)
    assert found.projects == (6, 8, 11, 12, 13) and found.groups == ((2, (3,)),) and found.unread == ()
    # one unit whose projects add up flat: they are its projects, and its row is checked against them
    flat = levels(
        [row(1, "117", "30.00"), row(2, "117001", "30.00"), row(3, None, "10.00"), row(4, None, "20.00")]
    )
    assert flat.projects == (3, 4) and flat.groups == ((1, (2,)), (2, (3, 4)))
    # coded rows with nothing under them are projects themselves (a list coding each project)
    coded = levels([row(1, None, "30.00", "total"), row(2, "001", "10.00"), row(3, "002", "20.00")])
    assert coded.projects == (2, 3) and coded.groups == ()


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> tuple[Decimal, list]:  # type: ignore[type-arg]
    """A row's amount and the trees under it (its amount their sum), amounts in fen."""
    if depth >= 3 or draw(st.booleans()):
        return Decimal(draw(st.integers(1, 10**7))) / 100, []
    children = draw(st.lists(_trees(depth + 1), min_size=1, max_size=4))
    return sum((c[0] for c in children), Decimal(0)), children


def _flatten(trees: list, out: list[Decimal]) -> Forest:  # type: ignore[type-arg]
    forest = []
    for amount, children in trees:
        index = len(out)
        out.append(amount)
        forest.append((index, _flatten(children, out)))
    return tuple(forest)


@settings(max_examples=200, deadline=None)
@given(st.lists(_trees(), min_size=1, max_size=4))
def test_list_levels_a_printed_tree_is_found(trees: list) -> None:  # type: ignore[type-arg]
    """Any tree whose groups are the sums of their rows is among the nestings found; when it is the only
    one, it is the one read."""
    amounts: list[Decimal] = []
    truth = _flatten(trees, amounts)
    count, forest = nest([_row(str(a)) for a in amounts], (sum((t[0] for t in trees), Decimal(0)),), FEN)
    assert count >= 1
    if count == 1:
        assert forest == truth


def test_list_levels_too_many_to_try_is_read_flat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_STATES partial nestings (a long list, flat but for a slip) the block is read flat, as when
    no nesting adds up: its checks then say the sums disagree."""
    from budgetscope.pipeline import list_levels

    monkeypatch.setattr(list_levels, "MAX_STATES", 5)
    assert nest([_row(v) for v in XIAN], (Decimal("8490507.50"),), FEN) == (0, None)
