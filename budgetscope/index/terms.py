"""A query's distinctive words, and how much of them a text holds: the coverage search ranks and judges by.

:func:`term_groups` splits a query into the words it asks for, each with the other ways a text may
write it (an English word's translations, a Chinese word's synonyms and official terms, a compound's
pieces, a 简称); :func:`coverage` is the share of them a text holds. Words that say nothing about what a
project is do not count (:data:`~.generic.UNASKED`): those nearly every project holds (项目, 建设, 服务
…) and those that say its money, not what the money is for (基金, 支出, 预算 …), in Chinese or in English
(fund, expenditure, budget: their translations). So
"medical insurance fund" and 医保基金 ask for what "medical insurance" and 医保 ask for: a generic
word added to a query does not make its hits weaker.

Example:
    >>> term_groups("医保基金") == term_groups("医保"), coverage(term_groups("科研经费"), "科研项目")
    (True, 1.0)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetscope.index.generic import UNASKED

Term = str | tuple[str, ...]
"""One way a text holds a query's word: a string it contains, or pieces it contains all of."""


def term_groups(query: str) -> list[list[Term]]:
    """The query's distinctive words, each with its alternatives: an English word's translations, a
    Chinese word's synonyms (:mod:`.synonyms`), and a word of four characters or more that is made of
    shorter words (业务培训: 业务 + 培训) is also held by a text holding all of them apart ("业务的专题培训"),
    a word of four characters by its 简称 (公务用车 by 公车), a cost word by what it pays for (培训费 by 培训:
    :func:`_pieces`).

    Words as a reader splits them (:func:`~budgetscope.vector.sparse.words`), not the shorter words
    search mode finds inside them: 量子计算机 asks for 量子 and 计算机, and a text holding 计算 alone
    holds neither. Words of :data:`~.generic.UNASKED` are not asked for: alone, in a compound (科研经费 is held by
    科研), or as an English word's translation (:func:`english_groups`).

    >>> [g[0] for g in term_groups("量子计算机")], term_groups("科技馆大修项目")
    (['量子', '计算机'], [['科技馆'], ['大修']])
    >>> term_groups("老人洗澡")[1]
    ['洗澡', '助浴', '沐浴', '冲凉', '擦澡', '淋洗', '洗浴']
    """
    from budgetscope.index.synonyms import synonyms
    from budgetscope.index.translate import is_english
    from budgetscope.vector.sparse import words

    if is_english(query):
        return english_groups(query)
    out: list[list[Term]] = []
    for t in dict.fromkeys(words(query)):
        pieces = _pieces(t)
        if len(t) < 2 or t in UNASKED or pieces == [()]:
            continue
        out.append([t, *(s for s in synonyms(t) if s not in UNASKED), *pieces])
    return out


def english_groups(query: str) -> list[list[Term]]:
    """The term groups of an English query: its words' and phrases' translations
    (:func:`~budgetscope.index.translate.budget_groups`: "medical insurance fund" also as "medical
    insurance"), without the :data:`~.generic.UNASKED` terms; a word whose first translation is one of them
    (services: 服务, expenditure: 支出) is not asked for at all.

    >>> english_groups("medical insurance fund")
    [['医保基金', '医保', '医疗保险']]
    >>> english_groups("elderly care services expenditure"), english_groups("capital")
    ([['养老服务']], [['资本']])
    """
    from budgetscope.index.translate import budget_groups

    out: list[list[Term]] = []
    for group in budget_groups(query):
        kept: list[Term] = [t for t in group if t not in UNASKED]
        if group and group[0] not in UNASKED and kept:
            out.append(kept)
    return out


def _pieces(word: str) -> list[Term]:
    """Other ways a text writes a word: ``[(piece, …)]`` when a word of four characters or more is exactly
    the shorter words jieba's search mode finds in it (业务培训 → 业务, 培训), those of :data:`~.generic.UNASKED`
    left out (科研经费 → 科研; ``[()]`` when every piece is one: 项目资金 asks for nothing); for a word of four
    Chinese characters its 简称, the first character with the third or the fourth (医疗保险 → 医保, 城市管理 →
    城管, 公务用车 → 公车), the way Chinese shortens a name of two words; and for a cost word of three (会议费,
    培训费, 会议类) the thing it pays for (会议, 培训): a budget writes 会议类项目 or 审计培训.

    >>> _pieces("公务用车"), _pieces("信息化"), _pieces("培训费"), _pieces("科研经费")[0]
    ([('公务', '用车'), '公用', '公车'], [], ['培训'], ('科研',))
    """
    from budgetscope.vector.sparse import tokenize

    if len(word) == 3 and word[-1] in "费类" and _HAN.fullmatch(word):
        return [word[:2]]
    if len(word) < 4:
        return []
    parts = tuple(p for p in tokenize(word) if p != word and len(p) >= 2)
    if not parts or "".join(parts) != word:
        out: list[Term] = []
    elif not (asked := tuple(p for p in parts if p not in UNASKED)):
        return [()]
    else:
        out = [asked]
    if len(word) == 4 and _HAN.fullmatch(word):
        out += [word[0] + word[2], word[0] + word[3]]
    return out


_HAN = re.compile(r"[\u4e00-\u9fff]+")


def coverage(groups: Sequence[Sequence[Term]], text: str) -> float:
    """The share of term groups with a term in ``text`` (1.0 for a query with no distinctive term; search
    records None then, see :func:`~budgetscope.index.ranking.relevance`).

    >>> coverage([["高速"], ["铁路"]], "科技馆建筑体大修"), coverage([["智库"]], "科技创新智库建设")
    (0.0, 1.0)
    """
    if not groups:
        return 1.0
    return sum(held_groups(groups, text)) / len(groups)


def held_groups(groups: Sequence[Sequence[Term]], text: str) -> list[bool]:
    """For each term group, whether ``text`` holds one of its terms (a compound's pieces all, apart).

    >>> held_groups([["业务培训", ("业务", "培训")], ["老人", "老年人"]], "业务的专题培训")
    [True, False]
    """
    lowered = text.lower()

    def held(t: Term) -> bool:
        return all(p.lower() in lowered for p in t) if isinstance(t, tuple) else t.lower() in lowered

    return [any(held(t) for t in g) for g in groups]


def unit_text(groups: Sequence[Sequence[Term]], text: str, unit: str | None) -> str:
    """A hit's text for its coverage: its own, and its unit's name (a form's 实施单位, when not its
    department) when that holds every word of the query the text lacks: the query names the unit, with
    or without what the project does (SOS儿童村; SOS儿童村 困难群众). A unit holding only some of them
    does not count: 杭州交通高级技工学校 is a 学校, but not what 义务教育学校校舍建设 asks for.

    >>> groups = term_groups("SOS儿童村 困难儿童")
    >>> unit_text(groups, "困难群众资金\\n保障困难儿童基本生活", "中国烟台SOS儿童村").endswith("儿童村")
    True
    >>> unit_text(term_groups("义务教育学校校舍建设"), "技校教育条件保障支撑", "杭州汽车高级技工学校")
    '技校教育条件保障支撑'
    """
    if not unit or not groups:
        return text
    held = held_groups(groups, text)
    if all(held) or not all(h or u for h, u in zip(held, held_groups(groups, unit), strict=True)):
        return text
    return f"{text}\n{unit}"


__all__ = ["Term", "coverage", "english_groups", "held_groups", "term_groups", "unit_text"]
