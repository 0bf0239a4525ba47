"""Read a performance indicator's printed target (指标值) as a comparison, an exact number and its unit,
or as a qualitative target; the printed text itself is never changed.

A target reads when it is, after width folding and without white space:

- an optional comparison — a sign (``≥ ≧ ⩾ >= ≤ ≦ ⩽ <= = ＝ > ＜ ﹤ …``) or its words (不少于 → ≥,
  不超过 → ≤, 大于 → >, 小于 → < …), or a suffix (以上 → ≥; 以内, 以下, 内 → ≤: ``3个月内``);
- one number (``96``, ``99.5``, ``1,200``; a minus sign only right before it; at most 18 digits and
  8 decimals, which the exports keep exactly);
- an optional unit as printed (``天``, ``%``, ``万元``, ``元/人/天``; ``(%)`` without its
  parentheses; a remark in parentheses after it stays: ``台(套)``).

Anything else gives no reading (None): a range or two numbers (``90%-100%``, ``2项（2项基础服务）``),
a date (``2026年12月31日前``), words before the number (``全年≥10000家次``, ``一级事件≤1小时``),
a unit longer than a unit. A target of Chinese words only, with no numeral (digits, or Chinese
numerals with a measure word: 三个) and no comparison sign (良好, 有效提升, 应保尽保), reads as
qualitative; ``无``, ``不适用`` and ``涉密`` say nothing and give None.

Example:
    >>> parse_target("≥96天")
    Target(comparison='≥', value=Decimal('96'), unit='天', qualitative=False)
    >>> parse_target("=100.00(%)")
    Target(comparison='=', value=Decimal('100.00'), unit='%', qualitative=False)
    >>> parse_target("良好")
    Target(comparison=None, value=None, unit=None, qualitative=True)
    >>> parse_target("90%-100%") is None
    True
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import cast

from budgetscope.models import Comparison, Indicator, Record, Target
from budgetscope.pipeline.cn_numerals import ORDINARY_CHARS, fold_chars

_SIGNS: dict[str, Comparison] = {
    ">=": "≥", "≥=": "≥", "≥": "≥", "≧": "≥", "⩾": "≥",
    "<=": "≤", "≤=": "≤", "≤": "≤", "≦": "≤", "⩽": "≤",
    "==": "=", "=": "=",
    ">": ">", "﹥": ">",
    "<": "<", "﹤": "<",
}  # fmt: skip
"""Printed signs (after width folding: ＝ ＞ ＜ are = > <) by their comparison; longest first in the regex."""
_WORDS: dict[str, Comparison] = {
    "不少于": "≥", "不低于": "≥", "不小于": "≥", "大于等于": "≥", "大于或等于": "≥", "至少": "≥",
    "不超过": "≤", "不高于": "≤", "不多于": "≤", "不大于": "≤", "小于等于": "≤", "小于或等于": "≤", "最多": "≤",
    "等于": "=", "大于": ">", "高于": ">", "多于": ">", "超过": ">", "小于": "<", "低于": "<", "少于": "<",
}  # fmt: skip
"""Comparisons written in words right before the number (不少于883名)."""
_SUFFIXES: dict[str, Comparison] = {"以上": "≥", "以内": "≤", "以下": "≤", "内": "≤"}
"""Comparisons written after the number and its unit (3个月内, 100人以上)."""

_OPS = "|".join(re.escape(s) for s in sorted([*_SIGNS, *_WORDS], key=len, reverse=True))
_UNIT_CHAR = r"[^\d\s=<>≥≤≧≦⩾⩽﹤﹥\-~～—–至到,;，；、。:：()]"
_UNIT = rf"{_UNIT_CHAR}{{1,6}}?"
_TARGET = re.compile(
    rf"(?P<op>{_OPS})?(?P<num>-?(?:\d{{1,3}}(?:,\d{{3}}){{1,5}}|\d{{1,18}})(?:\.\d{{1,8}})?)"
    rf"(?:\((?P<punit>{_UNIT_CHAR}{{1,6}})\)|(?P<unit>{_UNIT})(?:\((?P<remark>[^\d()=<>≥≤≧≦⩾⩽﹤﹥\-~～]{{1,12}})\))?)?"
    rf"(?P<suffix>{'|'.join(_SUFFIXES)})?"
)
_SAYS_NOTHING = frozenset({"无", "不适用", "涉密", "涉密项目", "-", "—", "/", "／", "无此项"})
"""Words in the target cell that are no target at all (nothing to compare)."""
_NUMERAL = re.compile(
    rf"\d|(?<![上下同统唯逐单])[{ORDINARY_CHARS}]+[个项次件人家场篇份台套年月日天期名类条所处本批种]"
)
"""A number in digits, or in Chinese numerals with a measure word (三个, 一项; not 进一步, 统一, 上一年)."""
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SIGN = re.compile(r"[=<>≥≤≧≦⩾⩽﹤﹥]")


def parse_target(text: str | None) -> Target | None:
    """The reading of a printed target, or None when it does not read surely (see the module).

    >>> parse_target("＝7个").comparison, parse_target("≧50篇").value, parse_target("≤1200").unit
    ('=', Decimal('50'), None)
    >>> parse_target("3个月内")
    Target(comparison='≤', value=Decimal('3'), unit='个月', qualitative=False)
    >>> parse_target("≤29.91元/件").unit, parse_target("不少于883名").comparison
    ('元/件', '≥')
    >>> [parse_target(t) for t in ("2026年12月31日前", "全年≥2份", "无", "≥10个不同的治理服务场景")]
    [None, None, None, None]
    """
    if text is None:
        return None
    folded = re.sub(r"\s+", "", fold_chars(text))
    if not folded or folded in _SAYS_NOTHING:
        return None
    m = _TARGET.fullmatch(folded)
    if m is None:
        if (
            _NUMERAL.search(folded)
            or _SIGN.search(folded)
            or _LATIN.search(folded)
            or not _HAN.search(folded)
        ):
            return None
        return Target(qualitative=True)
    op = m["op"]
    suffix = m["suffix"]
    if op and suffix:
        return None  # ≥3年内: two comparisons
    comparison = (_SIGNS.get(op) or _WORDS.get(op)) if op else _SUFFIXES.get(suffix or "")
    unit = m["punit"] or m["unit"] or None
    if unit and m["remark"]:
        unit = f"{unit}({m['remark']})"
    return Target(
        comparison=cast(Comparison | None, comparison),
        value=Decimal(m["num"].replace(",", "")),
        unit=unit,
        qualitative=False,
    )


def read_target(indicator: Indicator) -> Indicator:
    """The indicator with its target's reading set (the fields emptied when the target does not read).

    >>> ind = read_target(Indicator(level3="接待观众天数", target="≥96天"))
    >>> ind.target, ind.comparison, ind.value, ind.unit, ind.qualitative
    ('≥96天', '≥', Decimal('96'), '天', False)
    """
    t = parse_target(indicator.target)
    indicator.comparison = t.comparison if t else None
    indicator.value = t.value if t else None
    indicator.unit = t.unit if t else None
    indicator.qualitative = t.qualitative if t else None
    return indicator


def read_targets(records: list[Record]) -> None:
    """Set every form indicator's target reading (after every reader, which may still join a target's lines)."""
    for r in records:
        if r.form is not None:
            for ind in r.form.indicators:
                read_target(ind)


__all__ = ["parse_target", "read_target", "read_targets"]
