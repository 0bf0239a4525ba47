"""The Chinese words a query does not ask for: they say nothing about what a project is.

Those nearly every project holds (项目, 建设, 服务 …: :data:`GENERIC_TERMS`) and those that say its money,
not what the money is for (基金, 支出, 预算 …: :data:`MONEY_TERMS`). They count for no coverage
(:mod:`.terms`), and an English phrase translated as a word and one of them is also that word
(:func:`~budgetscope.index.translate.budget_groups`).

Example:
    >>> "基金" in UNASKED, "医保" in UNASKED, with_money("医保基金", "医保"), with_money("住房公积金", "住房")
    (True, False, True, False)
"""

from __future__ import annotations

_GENERIC_TEXT = "项目 建设 工作 管理 服务 发展 经费 费用 资金 开展 提升 推进 加强 相关 活动 保障 工程 支持 平台 中心 上海 上海市"
GENERIC_TERMS = frozenset(_GENERIC_TEXT.split())
"""Words nearly every project holds: they count for no coverage (nor is any a glossary's or a synonym
table's term: they would only add noise to the lexical query)."""
_MONEY_TEXT = "基金 支出 开支 预算 拨款 款项"
MONEY_TERMS = frozenset(_MONEY_TEXT.split())
"""Words that say a project's money, not what it is for (fund, expenditure, expense, budget,
appropriation): they count for no coverage either, but stay in the lexical query (a text saying
医保基金 still ranks first for 医保基金). Subsidies (补助, 补贴) are not among them: they say who gets the
money."""
UNASKED = GENERIC_TERMS | MONEY_TERMS
"""The words a query does not ask for."""


def with_money(compound: str, word: str) -> bool:
    """True when ``compound`` is ``word`` with a word of :data:`UNASKED` before or after it (医保基金: 医保 and
    基金), so that it asks for no more than ``word`` does."""
    if compound == word or word not in compound:
        return False
    return (compound.startswith(word) and compound[len(word) :] in UNASKED) or (
        compound.endswith(word) and compound[: -len(word)] in UNASKED
    )
