"""Roles of the amounts of a 六、年度预算安排 section: total, fiscal, self_raised, component, other.

The words before an amount (and a source in brackets after it) decide; see :func:`assign_roles`.
The fiscal role is for statements of the funding source (财政资金, 财政拨款, 区级财力), never for an
item whose name holds 财政 (财政业务费). An amount that a bracket after it breaks down
("2,134.87万元（含上年结转750.00万元）") is the total of that breakdown.

Example:
    >>> from budgetscope.pipeline.money import find_amounts
    >>> text = "财政资金2749.32万元，自筹资金8607.45万元，主要用于科技馆建筑体大修工程款。"
    >>> [a.role for a in assign_roles(text, find_amounts(text))]
    ['fiscal', 'self_raised']
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetscope.models import Amount, AmountRole
from budgetscope.pipeline.cn_numerals import fold_chars

_OTHER = re.compile(
    r"季度|(?<!\d)(?:1[0-2]|0?[1-9])\s*[-~—–至到]\s*(?:1[0-2]|0?[1-9])\s*月|上半年|下半年|每月|当月|次月"
    r"|\d+(?:\.\d+)?\s*%|百分之|执行率|结转|增加|减少|增长|下降|同比|上年|去年|上一年|每[场次人个项期]|标准为"
    r"|其他资金|其他收入|事业收入|经营收入|上级补助|非财政"
)
"""Timing splits (quarters, months, shares), last year's figures, changes, unit rates and other
funding sources: amounts that are neither the total, its sources nor its parts."""
_RATE = re.compile(r"\s*/\s*[^\d\s/]")
"""A unit rate after an amount (1200元/人/月, 500元/天, 80元/次): a price, never the total or one of its parts."""
_STATED_TOTAL = re.compile(
    r"(?:(?<![\d本当今年])(?:全年|年度)(?:总)?预算|预算(?:总额|金额|资金|经费)?为)(?:资金|经费|金额)?(?:为|是)?[\s:]*$"
)
"""Words that name the year's budget itself (全年预算14.4万元, 年度预算为…, 项目预算为…): the total, when nothing
else (其中, a numbered item) makes the amount a part."""
_SELF_RAISED = re.compile(r"自筹|自有资金")
_FISCAL = re.compile(
    r"(?<!非)财政性?(?=资金|拨款|经费|预算|补助|补贴|专项|投入|安排|支出|资助|保障|[\s:(]|$)|(?<!非财政)拨款"
    r"|中央(?:补助|专项|转移支付)|转移支付|一般公共预算|(?:[市区县]级|本级|区|市)财力"
)
"""Statements of the funding source (财政资金, 财政拨款, 区级财力), not an item named with 财政 (财政业务费)."""
_BROKEN_DOWN = re.compile(r"^\s*\(\s*(?:含|其中[:：]?|包含|包括)[^()]*?\d[^()]*?(?:[万亿]元|元|万)")
"""A bracket after an amount that breaks it down ("2,134.87万元（含上年结转750.00万元）"): it is the total."""
_STRONG_TOTAL = re.compile(r"总[^,;。、]{0,4}?(?:额|资金|经费|预算|金额|投入|投资|计|费用)|合计|共计")
_COMPONENT = re.compile(r"子项目|子项|分项|二级项目")
ENUMERATOR = re.compile(
    r"^\s*(?:[-•·]\s*)?(?:\d{1,2}\s*[.、．](?!\d)|[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
    r"|[一二三四五六七八九十]{1,3}\s*、|第[一二三四五六七八九十\d]+[项部]|[一二三四五六七八九十]{1,2}是|首先|其次)"
)
_RIGHT_SOURCE = re.compile(r"^\s*[(（]\s*(?P<src>财政|自筹)")
_ANNUAL = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年度?|本年度?|当年度?|今年)"
    r"(?P<words>[^,;。、()]{0,10}?(?:预算|安排|申请|投入|拨款|资金|经费)[^,;。、()]{0,6}|[\s:]*)$"
)
_MULTI_YEAR = re.compile(
    r"总投资|总概算|累计|跨年度|每年|(?:分|共|为期|历时)\s*[一二两三四五六七八九十\d]+\s*(?:年|个年度)"
    r"|[一二两三四五六七八九十\d]+\s*年(?:总|合计|共计|累计)|(?:19|20)\d{2}\s*年?\s*[-—~至到]\s*(?:19|20)\d{2}"
)
"""Words saying that a total spans several years (分三年实施, 共3年, 每年安排…), so the amount the same
sentences give one year is the annual total, before or after it."""
_Cue = AmountRole | None
_RESTATED = re.compile(r"\s*[(]\s*(?:人民币|小写|大写|即)?[:]?\s*$")
_CLAUSE_END = ";。\n"
_CUE_REACH = 24
"""How far back (characters) an ``_OTHER`` cue still applies to an amount."""
_SENTENCE_END = "。\n"


def assign_roles(text: str, amounts: list[Amount], *, year: int | None = None) -> list[Amount]:
    """The role of each amount of a 六、年度预算安排 section (``text``), from the wording around it.

    In order of precedence, a negative amount is ``other`` (a change); then the words between the
    previous amount (or the clause start) and the amount decide: a quarter, month range or percentage
    share, or a unit rate after it (1200元/人/月) -> ``other``; 自筹 -> ``self_raised``;
    财政/拨款 -> ``fiscal``; 总额/总经费/合计/共计 -> ``total``; 子项目/分项, a 其中 earlier in the
    sentence, or a numbered list item -> ``component``; 全年预算/年度预算/预算为 -> ``total``. An amount with none of these is the
    ``total`` when it is the first such amount and the later ones break it down (their sum is no
    larger, or the top-level ones add up to it); otherwise it and every later one is a
    ``component``. A total said to span several years (总投资, 分三年, 共3年, 2025-2027年) gives way to
    the amount the same sentences give one year, before or after it (2025年安排…; with ``year``, the
    budget year's "其中2025年…"); where nothing says so, :func:`annual_doubt` names the two.

    >>> from budgetscope.pipeline.money import find_amounts
    >>> text = "该项目总资金为627.2万元。子项目1大院日常运维 351.6万元；"
    >>> [a.role for a in assign_roles(text, find_amounts(text))]
    ['total', 'component']
    """
    folded = fold_chars(text)
    ordered = sorted(amounts, key=lambda a: a.start)
    cued = _cues(folded, ordered)
    items = {item for _, item in cued if item is not None}
    cues = [
        ("component" if cue is None and item is not None and len(items) > 1 else cue) for cue, item in cued
    ]
    roles: list[AmountRole] = []
    head_seen = "total" in cues
    candidate_rejected = False
    for i, (amount, cue) in enumerate(zip(ordered, cues, strict=True)):
        if cue is not None:
            roles.append(cue)
            head_seen = head_seen or cue in ("total", "fiscal", "self_raised")
        elif head_seen or candidate_rejected:
            roles.append("component")
        elif _breaks_down(
            folded,
            amount,
            [a for a, c in zip(ordered[i + 1 :], cues[i + 1 :], strict=True) if c in (None, "component")],
        ):
            roles.append("total")
            head_seen = True
        else:
            roles.append("component")
            candidate_rejected = True
    head = roles.index("total") if "total" in roles else None
    if head is not None and (j := _annual_amount(folded, ordered, head, cues, year)) is not None:
        roles[head], roles[j] = "other", "fiscal" if cues[j] == "fiscal" else "total"
    for i in range(1, len(ordered)):  # "壹佰万元整（¥1,000,000.00）": the same amount written twice
        previous, amount = ordered[i - 1], ordered[i]
        if amount.yuan == previous.yuan and _RESTATED.fullmatch(folded[previous.end : amount.start]):
            roles[i] = roles[i - 1]
    return [a.model_copy(update={"role": r}) for a, r in zip(ordered, roles, strict=True)]


def budget_total(amounts: list[Amount]) -> Decimal | None:
    """The project's annual budget as the narrative states it, in yuan; None when it states none.

    The first ``total``; else the sum of the ``fiscal`` and ``self_raised`` amounts (a lone fiscal
    amount is the total).

    >>> from budgetscope.pipeline.money import find_amounts
    >>> text = "财政资金2749.32万元，自筹资金8607.45万元，主要用于科技馆建筑体大修工程款。"
    >>> budget_total(assign_roles(text, find_amounts(text)))
    Decimal('113567700')
    """
    read = budget_total_amounts(amounts)
    return sum((a.yuan for a in read), Decimal(0)) if read else None


def budget_total_amounts(amounts: list[Amount]) -> list[Amount]:
    """The amounts :func:`budget_total` reads the budget from: the first ``total``, else every ``fiscal`` and
    ``self_raised`` amount (none: no budget stated). The total is approximate when one of them is.

    >>> from budgetscope.pipeline.money import find_amounts
    >>> text = "预算人民币约27万元。"
    >>> [(a.text, a.approximate) for a in budget_total_amounts(assign_roles(text, find_amounts(text)))]
    [('27万元', True)]
    """
    total = next((a for a in amounts if a.role == "total"), None)
    return [total] if total is not None else [a for a in amounts if a.role in ("fiscal", "self_raised")]


def _cues(folded: str, ordered: list[Amount]) -> list[tuple[AmountRole | None, int | None]]:
    """:func:`_cue` of each of the ``ordered`` amounts, as :func:`assign_roles` and :func:`annual_doubt` see them."""
    return [_cue(folded, a, ordered[i - 1].end if i else 0) for i, a in enumerate(ordered)]


def _cue(folded: str, amount: Amount, previous_end: int) -> tuple[AmountRole | None, int | None]:
    """The role the words right before (or the bracket right after) ``amount`` give it, if any.

    The second value is the offset of the numbered list item (``1.``, ``（2）``) the amount sits in.
    """
    clause_start = max(folded.rfind(ch, 0, amount.start) for ch in _CLAUSE_END) + 1
    sentence_start = max(folded.rfind(ch, 0, amount.start) for ch in _SENTENCE_END) + 1
    left = folded[max(clause_start, previous_end) : amount.start]
    sentence = folded[sentence_start : amount.start]
    colon = folded.rfind(":", clause_start, amount.start) + 1  # "主要用于：一是…"
    item = next(
        (
            s
            for s in (sentence_start, clause_start, colon)
            if s and ENUMERATOR.match(folded[s : amount.start])
        ),
        sentence_start if ENUMERATOR.match(sentence) else None,
    )
    if amount.yuan < 0:
        return "other", item  # a change (增减 -50万元), neither the total nor a source
    reach = max(0, len(left) - _CUE_REACH)
    others = [m.end() for m in _OTHER.finditer(left, reach)]
    annual = _ANNUAL.search(
        left
    )  # "…上年度预算执行情况，本项目2025年申请预算资金629万元": the later cue wins
    if others and not (annual and annual["words"].strip(" :") and annual.start() >= others[-1]):
        return "other", item
    if _RATE.match(folded, amount.end):
        return "other", item
    right = _RIGHT_SOURCE.match(folded[amount.end :])
    if _BROKEN_DOWN.match(folded[amount.end :]):
        return "total", item
    if _SELF_RAISED.search(left) or (right and right["src"] == "自筹"):
        return "self_raised", item
    if _FISCAL.search(left) or (right and right["src"] == "财政"):
        return "fiscal", item
    if _STRONG_TOTAL.search(left):
        return "total", item
    if _COMPONENT.search(left) or "其中" in sentence:
        return "component", item
    if item is None and _STATED_TOTAL.search(left):
        return "total", item
    return None, item


def _annual_amount(
    folded: str, ordered: list[Amount], head: int, cues: list[_Cue], year: int | None
) -> int | None:
    """The amount for one budget year that the total ``ordered[head]``, stated over several years,
    gives way to: "项目总投资1500万元，分三年实施，2025年安排500万元", "2025年安排500万元，项目总投资1500万元，
    分三年实施" (500万元 is the annual total)."""
    total = ordered[head]
    for j, amount in enumerate(ordered):
        if j == head or cues[j] not in (None, "component", "fiscal") or not 0 < amount.yuan < total.yuan:
            continue
        annual = _year_words(folded, ordered, j)
        if annual is None or (year is not None and annual["y"] and int(annual["y"]) != year):
            continue
        if not annual["words"].strip(" :") and (year is None or not annual["y"]):
            continue  # a bare "2025年" names the budget year only when the caller says which year it is
        if j > head:
            span = folded[folded.rfind("。", 0, total.start) + 1 : amount.start]
            if _MULTI_YEAR.search(span) or (cues[j] != "fiscal" and "其中" in span):
                return j
        else:  # the year's amount first: the total's own sentence says it spans several years
            end = min(
                (i for i in (folded.find(ch, total.end) for ch in _SENTENCE_END) if i != -1),
                default=len(folded),
            )
            if _MULTI_YEAR.search(folded[amount.end : end]):
                return j
    return None


def _year_words(folded: str, ordered: list[Amount], j: int) -> re.Match[str] | None:
    """The words naming one year (2025年安排, 本年度预算) right before ``ordered[j]``, within its clause."""
    amount = ordered[j]
    clause_start = max(folded.rfind(ch, 0, amount.start) for ch in _CLAUSE_END) + 1
    return _ANNUAL.search(folded[max(clause_start, ordered[j - 1].end if j else 0) : amount.start])


def annual_doubt(text: str, amounts: list[Amount], year: int | None) -> tuple[Amount, Amount] | None:
    """``(the budget year's own amount, the total read)`` when a 六、年度预算安排 (``text``, its
    ``amounts`` with their roles) names the budget year's amount ("2026年预算安排100万元", "本年度安排…")
    and reads another, larger amount as the annual total ("项目总预算300万元") with nothing saying
    whether that total spans several years: which one is the year's budget is unsure. None otherwise,
    and without the budget ``year``. A part of a breakdown (其中…, 子项目, a numbered item, 一是…) is no
    doubt, nor is a year's amount that with the other parts adds up to the total exactly
    ("项目预算136万元。本年度安排学会示范100万元，学会管理36万元。").

    >>> from budgetscope.pipeline.money import find_amounts
    >>> text = "项目总预算300万元，2026年安排100万元。"
    >>> [a.text for a in annual_doubt(text, assign_roles(text, find_amounts(text), year=2026), 2026)]
    ['100万元', '300万元']
    """
    if year is None:
        return None
    folded = fold_chars(text)
    ordered = sorted(amounts, key=lambda a: a.start)
    head = next((i for i, a in enumerate(ordered) if a.role == "total"), None)
    if head is None or _names_year(folded, ordered, head, year):
        return None
    total = ordered[head]
    parts = [a for i, a in enumerate(ordered) if i != head and a.role == "component"]
    if _adds_up(folded, total, parts):
        return None
    cued = _cues(folded, ordered)
    for j, amount in enumerate(ordered):
        if j == head or amount.role != "component" or not 0 < amount.yuan < total.yuan:
            continue
        if cued[j] == (None, None) and _names_year(folded, ordered, j, year):
            return amount, total
    return None


def _names_year(folded: str, ordered: list[Amount], j: int, year: int) -> bool:
    """Whether ``ordered[j]`` is said to be the budget year's (2026年预算安排…, 本年度安排…)."""
    m = _year_words(folded, ordered, j)
    return m is not None and bool(m["words"].strip(" :")) and (not m["y"] or int(m["y"]) == year)


def _breaks_down(folded: str, candidate: Amount, later: list[Amount]) -> bool:
    """Whether the uncued ``later`` amounts read as a breakdown of ``candidate`` (so it is the total)."""
    if not later or sum((a.yuan for a in later), Decimal(0)) <= candidate.yuan:
        return True
    return _adds_up(folded, candidate, later)


def _adds_up(folded: str, total: Amount, parts: list[Amount]) -> bool:
    """Whether the ``parts`` at the bracket depth of ``total`` add up to it (within 0.5%)."""
    depth = _depth(folded, total.start)
    top = [a.yuan for a in parts if _depth(folded, a.start) == depth]
    return bool(top) and abs(sum(top, Decimal(0)) - total.yuan) <= total.yuan * Decimal("0.005")


def _depth(folded: str, offset: int) -> int:
    """Bracket depth at ``offset`` (ASCII brackets, since full-width ones fold to them)."""
    return max(0, folded.count("(", 0, offset) - folded.count(")", 0, offset))


__all__ = ["ENUMERATOR", "annual_doubt", "assign_roles", "budget_total", "budget_total_amounts"]
