"""Money in budget narratives: parse one expression, find every amount, give each its role.

All amounts come out in yuan as exact :class:`~decimal.Decimal` values. Forms read: ``60万元``,
``1.5亿元``, ``50000.00元``, a bare ``万`` (``28万``, ``1720.00万``) when the words around are about
money, thousands separators (``15,544万元``), stray spaces (``350000. 00元``), full-width digits,
Chinese numerals (``壹拾万元整``, ``叁佰伍拾万元``, ``三十万元``), ``¥50,000.00`` and, in tables, bare
numbers under a header unit (``单位：万元``).

Not money: percentages, counts (``25场``, ``10万人次``), areas (``2万平方米``), dates, 文号, article
and phone numbers, foreign currencies (``4000亿欧元``) — none of them carries a yuan unit.

An upper bound (``不超过300万元``, ``最高50万元``, ``300万元以内``) is ``approximate`` too: it is not the
figure itself. A range (``10-15万元``) gives two amounts, both ``approximate``: the low end's text is its number
alone (``10``), its value takes the shared unit (100000 yuan); the high end is ``15万元``.

A minus sign right before the number (``-``, ``−``, ``－``) is part of the amount: ``预算数为-50万元`` is
−500,000 yuan, its text ``-50万元`` (an 增减 column, a correction). A dash after a digit, a letter, a
closing bracket, a unit or any other word is no sign (``1-3月``, ``90(含)-100``, ``GZIT2022-50``,
``100万元-120万元``, ``第一阶段-30万元``): the number after it reads as before, and two amounts joined by a
range's dash (``400元-550元``) are both approximate. :func:`assign_roles` gives a negative amount the role ``other`` (a change, neither
the total nor a source).

Example:
    >>> text = "科普之窗专项预计总经费99.90万元，申请财政经费99.90万元。其中资源配送预算经费55万。"
    >>> [(a.text, a.role) for a in assign_roles(text, find_amounts(text))]
    [('99.90万元', 'total'), ('99.90万元', 'fiscal'), ('55万', 'component')]
    >>> budget_total(assign_roles(text, find_amounts(text)))
    Decimal('999000')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Context, Decimal, InvalidOperation

from budgetscope.models import Amount
from budgetscope.pipeline.cn_numerals import (
    CAPITAL_CHARS,
    MULTIPLIER_CHARS,
    ORDINARY_CHARS,
    fold_chars,
    parse_cn_money,
)
from budgetscope.pipeline.money_roles import ENUMERATOR, assign_roles, budget_total

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:[ ]?\.[ ]?\d+)?"
_MINUS = r"(?:(?:^|(?<=[\s|:=(为是计]))(?P<minus>[-−])(?=¥|\d))?"
"""A minus sign: right before the number (or its ¥), where a sign can stand: at the start, after a space
or a cell boundary, after ``:=(`` (full-width ones fold to these) or 为/是/计 (预算数为-50万元, 合计-1.20);
never after a unit or another word (``100万元-120万元``, ``第一阶段-30万元``: a range's dash)."""
_RANGE_DASH = re.compile(r"(?:/[人天次年月日个项])?[ ]?(?:[-~—–]|至|到)[ ]?")
"""Between two amounts, a range (``400元-550元``, ``1000元/人-2000元/人``): both ends are approximate."""
_AR_AMOUNT = re.compile(
    rf"{_MINUS}(?<![\dA-Za-z.])(?<!\d,)(?P<cur>¥[ ]?)?(?P<num>{_NUM})"
    rf"(?:[ ]?(?P<sep>[-~—–]|至|到)[ ]?(?P<num2>{_NUM}))?"
    r"[ ]?(?P<more>余|多)?"
    r"(?:(?P<scale>千万|百万|亿|万|千|百)(?P<more2>余|多)?(?P<yuan>元|圆)|(?P<yuan0>元|圆)|(?P<bare>千万|百万|亿|万))?"
)
_CN_AMOUNT = re.compile(
    rf"[{CAPITAL_CHARS}{ORDINARY_CHARS}]+[元圆](?:[{ORDINARY_CHARS}{CAPITAL_CHARS}]角)?(?:零?[{ORDINARY_CHARS}{CAPITAL_CHARS}]分)?整?"
)
_BARE_NUMBER = re.compile(
    r"(?<![^\s|:;,(\[])(?P<minus>[-−])?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?=$|[\s|;,)\]。])"
)
_SCALES = {"千万": 7, "百万": 6, "亿": 8, "万": 4, "千": 3, "百": 2, None: 0}
_UNITS = {"元": 0, "万元": 4, "亿元": 8}
_MAX_DIGITS = 20
"""Longest integer part read as money; longer digit runs are identifiers, not amounts."""

_MONEY_WORDS = re.compile(
    r"元|经费|资金|预算|金额|费|款|投入|投资|支出|收入|成本|总额|合计|共计|小计|价|资助|补贴|补助|人民币"
)
_BARE_SCALE_FOLLOWERS = ("人民币", "整", "左右", "上下")
_APPROX_BEFORE = ("约", "近", "逾")
_APPROX_AFTER = ("左右", "上下")
_BOUND_BEFORE = re.compile(
    r"(?:不超过|不超出|不高于|不多于|不大于|最高|最多|上限(?:为|是)?|封顶|控制在)\s*[:]?\s*(?:人民币)?\s*$"
)
_BOUND_AFTER = re.compile(r"\s*(?:以内|之内|以下|为上限|封顶)")
"""An upper bound (不超过300万元, 最高50万元, 300万元以内): the amount is at most this, not the figure."""


def parse_money(text: str) -> Decimal | None:
    """One money expression in yuan; None when ``text`` is not exactly one amount.

    Around the amount, 约/大约/近 before and 左右/整/人民币 after are allowed (the value stays the
    value); a range or a bare number without a unit is not one amount.

    >>> parse_money("350000. 00元")
    Decimal('350000')
    >>> parse_money("约27万元")
    Decimal('270000')
    >>> parse_money("叁佰伍拾万元")
    Decimal('3500000')
    >>> parse_money("25场") is None
    True
    """
    body = fold_chars(text).strip().rstrip("。.,;")
    body = re.sub(r"^(?:大约|约|近|逾|人民币)+\s*", "", body)
    body = re.sub(r"\s*(?:人民币|左右|上下|整)+$", "", body)
    if not body:
        return None
    match = _AR_AMOUNT.fullmatch(body)
    if match:
        if match["sep"]:
            return None
        value = _arabic_value(match["num"], match)
        return None if value is None else _signed(value, match)
    match = _CN_AMOUNT.fullmatch(body)
    return _cn_value(match[0]) if match else None


def find_amounts(text: str, *, section: str = "budget", unit: str | None = None) -> list[Amount]:
    """Every monetary amount in ``text``, in order, with offsets (``text[a.start:a.end] == a.text``).

    ``unit`` is a table's header unit (``"元"``, ``"万元"`` or ``"亿元"``); when given, bare numbers
    standing alone between delimiters (tabs, spaces, ``|``) are read as amounts in that unit.
    Roles are left at ``"other"``; :func:`assign_roles` sets them.

    >>> [(a.text, a.yuan) for a in find_amounts("财政资金2749.32万元，自筹资金8607.45万元")]
    [('2749.32万元', Decimal('27493200')), ('8607.45万元', Decimal('86074500'))]
    >>> find_amounts("开展25场讲座，覆盖10万人次，5.12防灾减灾日")
    []
    >>> [a.yuan for a in find_amounts("73.97\\t52.50", unit="万元")]
    [Decimal('739700'), Decimal('525000')]
    """
    folded = fold_chars(text)
    found: list[Amount] = []
    for match in _AR_AMOUNT.finditer(folded):
        found.extend(_arabic_amounts(text, folded, match, section))
    for match in _CN_AMOUNT.finditer(folded):
        value = _cn_value(match[0])
        if value is not None:
            found.append(_amount(text, folded, match.start(), match.end(), value, section))
    if unit is not None:
        if unit not in _UNITS:
            raise ValueError(f"unknown table unit {unit!r}; expected one of {sorted(_UNITS)}")
        for match in _BARE_NUMBER.finditer(folded):
            value = _scaled(match["num"], _UNITS[unit])
            if value is not None:
                found.append(
                    _amount(text, folded, match.start(), match.end(), _signed(value, match), section)
                )
    kept = _without_overlaps(found)
    for i in range(1, len(kept)):
        low, high = kept[i - 1], kept[i]
        if high.yuan >= 0 and _RANGE_DASH.fullmatch(folded[low.end : high.start]):
            kept[i - 1], kept[i] = (a.model_copy(update={"approximate": True}) for a in (low, high))
    return kept


def format_yuan(yuan: Decimal, unit: str = "元") -> str:
    """Write ``yuan`` in ``unit`` (元, 万元 or 亿元) so that :func:`parse_money` reads it back exactly.

    >>> format_yuan(Decimal("6272000"), "万元")
    '627.2万元'
    >>> parse_money(format_yuan(Decimal("6272000"), "万元"))
    Decimal('6272000')
    """
    if unit not in _UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(_UNITS)}")
    if not yuan.is_finite() or yuan < 0:
        raise ValueError(f"cannot write {yuan} as an amount")
    number = format(yuan.scaleb(-_UNITS[unit]), "f")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return f"{number}{unit}"


def _arabic_value(number: str, match: re.Match[str]) -> Decimal | None:
    """Value of an arabic amount; None unless it carries a yuan unit, ¥ or a bare 万/亿."""
    if match["yuan"]:
        return _scaled(number, _SCALES[match["scale"]])
    if match["yuan0"] or (match["cur"] and not match["bare"]):
        return _scaled(number, 0)
    if match["bare"]:
        return _scaled(number, _SCALES[match["bare"]])
    return None


def _signed(value: Decimal, match: re.Match[str]) -> Decimal:
    """``value`` negated when the match has a minus sign (``-50万元``)."""
    return -value if match["minus"] else value


def _arabic_amounts(text: str, folded: str, match: re.Match[str], section: str) -> Iterable[Amount]:
    value = _arabic_value(match["num2"] or match["num"], match)
    if value is None or (match["bare"] and not _bare_scale_is_money(folded, match, section == "budget")):
        return []
    if not match["sep"]:
        approximate = bool(match["more"] or match["more2"])
        return [
            _amount(text, folded, match.start(), match.end(), _signed(value, match), section, approximate)
        ]
    low = _arabic_value(match["num"], match)
    if low is None:
        return []
    low_end = match.end("num")
    return [  # -10-15万元: the sign is the low end's
        _amount(text, folded, match.start(), low_end, _signed(low, match), section, True),
        _amount(text, folded, match.start("num2"), match.end(), value, section, True),
    ]


def _bare_scale_is_money(folded: str, match: re.Match[str], budget: bool = False) -> bool:
    """A 万/亿 without 元 is money only before a non-word (not 万人, 万平方米) and after money words, or
    after a decimal amount in a numbered item of a budget section ("2. 支持企业发展70.00万；")."""
    after = folded[match.end() :]
    if (
        after
        and not after.startswith(_BARE_SCALE_FOLLOWERS)
        and unicodedata.category(after[0])[0] not in "PZC"
    ):
        return False  # 万人, 万个, 万平方米, 万㎡, 万m2: a count or a measure
    if not folded[: match.start()].strip() and not after.strip(" \t\r\n。.;"):
        return True  # the whole text is the amount ("1720.00万")
    if budget and "." in match["num"] and match["bare"] == "万":
        item_start = max(folded.rfind(ch, 0, match.start()) for ch in "\n;。") + 1
        sentence = folded[max(folded.rfind(ch, 0, match.start()) for ch in "\n。") + 1 : match.start()]
        if ENUMERATOR.match(folded[item_start : match.start()]) or "其中" in sentence:
            return True  # "2. 支持企业发展70.00万", "其中：支持企业发展70.00万、人才引进30.50万"
    return bool(_MONEY_WORDS.search(folded[max(0, match.start() - 30) : match.start()])) or after.startswith(
        "人民币"
    )


def _cn_value(expression: str) -> Decimal | None:
    numeral = expression.split("元")[0].split("圆")[0]
    if numeral[0] not in "一二三四五六七八九十壹贰貳叁參肆伍陆陸柒捌玖拾两":
        return None
    capital = any(ch in CAPITAL_CHARS and ch not in "零万亿" for ch in numeral)
    if not capital and (len(numeral) < 2 or not any(ch in MULTIPLIER_CHARS for ch in numeral)):
        return None  # 统一元, 二元结构: an ordinary numeral needs a unit character to be money
    return parse_cn_money(expression)


def _scaled(number: str, exponent: int) -> Decimal | None:
    digits = number.replace(",", "").replace(" ", "")
    if len(digits.split(".")[0]) > _MAX_DIGITS:
        return None
    try:
        value = Decimal(digits).scaleb(exponent)
    except InvalidOperation:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=Context(prec=_MAX_DIGITS + 12))
    return value


def _amount(
    text: str, folded: str, start: int, end: int, yuan: Decimal, section: str, approx: bool = False
) -> Amount:
    before = folded[max(0, start - 2) : start].rstrip()
    approximate = (
        approx
        or before.endswith(_APPROX_BEFORE)
        or folded[end:].lstrip().startswith(_APPROX_AFTER)
        or bool(_BOUND_BEFORE.search(folded[max(0, start - 10) : start]) or _BOUND_AFTER.match(folded, end))
    )
    return Amount(
        text=text[start:end], yuan=yuan, section=section, start=start, end=end, approximate=approximate
    )


def _without_overlaps(amounts: list[Amount]) -> list[Amount]:
    kept: list[Amount] = []
    for amount in sorted(amounts, key=lambda a: (a.start, -(a.end - a.start))):
        if not kept or amount.start >= kept[-1].end:
            kept.append(amount)
    return kept


__all__ = ["assign_roles", "budget_total", "find_amounts", "format_yuan", "parse_money"]
