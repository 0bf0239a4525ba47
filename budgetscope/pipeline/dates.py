"""Dates, implementation periods and durations in budget narratives.

Periods are ranges with ISO start and end dates; month- or year-granular wordings take the first
and last day (``2025年1-12月`` -> 2025-01-01..2025-12-31, ``2026年度`` -> the whole year). Wordings:
``2025年1月1日至2025年12月31日``, ``2026.1.1-2026.12.31`` (stray spaces allowed), ``2026年1月1日—12月31日``
(the year carries over), ``2023年1月至12月``, ``2024年7月至2025年6月``, ``2023-2025年``, ``2026年度``,
``2026年全年``, ``2025年度至2027年度``, and a bare ``2026`` when it is the whole text (after a label
such as ``项目实施周期：``). With a document ``year``, year-less wordings (``1月1日至12月31日``,
``4-6月``) take that year, and a whole text ``本年度`` or ``全年`` is that year.

Never periods: years of titles (inside 《…》, or ``纲要（2021—2035年）``), 文号 (``国发〔2021〕9号``),
``2020-2025世界…``. A duration (``合同工期490天``, ``为期3个月``) is a :class:`Duration`.

Example:
    >>> p = parse_period("项目实施周期：2026年1月1日-12月31日。")
    >>> (p.start.isoformat(), p.end.isoformat(), p.text)
    ('2026-01-01', '2026-12-31', '2026年1月1日-12月31日')
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import NamedTuple

from budgetscope.models import Period
from budgetscope.pipeline.cn_numerals import fold_chars, parse_cn_integer

_S = r"[ \t]*"
_SEP = rf"{_S}(?:(?:起|开始)[,，]?{_S})?(?:[-~—–―]{{1,2}}|至|到){_S}"


def _y(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d{{2}})"


def _m(name: str) -> str:
    return rf"(?P<{name}>1[0-2]|0?[1-9])"


def _d(name: str) -> str:
    return rf"(?P<{name}>3[01]|[12]\d|0?[1-9])"


_NEXT_YEAR = rf"(?:{_y('y2')}{_S}年|(?P<next>次年|翌年)){_S}"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?<![\d./~—–-]){pattern}"))
    for kind, pattern in (
        (
            "day",
            rf"{_y('y1')}{_S}年{_S}{_m('m1')}{_S}月{_S}{_d('d1')}{_S}[日号]{_SEP}(?:{_NEXT_YEAR})?(?:{_m('m2')}{_S}月{_S})?{_d('d2')}{_S}[日号]",
        ),
        (
            "day",
            rf"{_y('y1')}{_S}(?P<ds>[./-]){_S}{_m('m1')}{_S}(?P=ds){_S}{_d('d1')}{_SEP}"
            rf"(?:{_y('y2')}{_S}(?P=ds){_S})?{_m('m2')}{_S}(?P=ds){_S}{_d('d2')}(?!\.?\d)",
        ),
        ("month", rf"{_y('y1')}{_S}年{_S}{_m('m1')}{_S}月{_SEP}(?:{_NEXT_YEAR})?{_m('m2')}{_S}月"),
        ("month", rf"{_y('y1')}{_S}年{_S}{_m('m1')}{_S}(?:[-~—–]|至|到){_S}{_m('m2')}{_S}月"),
        ("month", rf"{_y('y1')}{_S}[./]{_S}{_m('m1')}{_SEP}{_y('y2')}{_S}[./]{_S}{_m('m2')}(?!\.?\d)"),
        ("year", rf"{_y('y1')}{_S}(?:年{_S}度?)?{_SEP}{_y('y2')}{_S}年(?:度)?"),
        ("year", rf"{_y('y1')}{_SEP}{_y('y2')}(?![\d\u3400-\u9fff]|{_SEP}\d)"),
        ("year", rf"{_y('y1')}{_S}(?:年{_S}(?:度|全年)|全年)"),
    )
)
_YEARLESS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?<![\d./~—–年-]){pattern}"))
    for kind, pattern in (
        (
            "day",
            rf"{_m('m1')}{_S}月{_S}{_d('d1')}{_S}[日号]{_SEP}(?:{_m('m2')}{_S}月{_S})?{_d('d2')}{_S}[日号]",
        ),
        ("month", rf"{_m('m1')}{_S}月{_SEP}{_m('m2')}{_S}月"),
        ("month", rf"{_m('m1')}{_S}(?:[-~—–]|至|到){_S}{_m('m2')}{_S}月"),
    )
)
_BARE_YEAR = re.compile(rf"{_y('y1')}{_S}年?")
_THIS_YEAR = re.compile(r"本年度?|当年度?|年度内|全年|本预算年度")
"""Whole-text wordings of the budget year itself; dated by the caller's ``year``."""
_LABEL = re.compile(r"^(?:(?:项目)?(?:实施|执行)?(?:周期|期限|期间|时间)(?:为|是)?\s*[:]?\s*)?")
"""A label opening a period section ("项目实施周期：2025年"), dropped before reading a bare year."""
_TITLE_WORDS = re.compile(
    r"(?:纲要|规划|计划|方案|意见|办法|条例|规定|通知|决定|目录|名录|标准|指南|战略|工程|行动|细则|报告)\s*$"
)
_YEAR_TAIL = re.compile(r"[\s\d~—–年-]*")
_OPENERS = {"《": "》", "〈": "〉", "〔": "〕", "【": "】", "[": "]"}
_DATES = (
    re.compile(rf"{_y('y1')}{_S}年{_S}{_m('m1')}{_S}月{_S}{_d('d1')}{_S}[日号]?"),
    re.compile(rf"{_y('y1')}{_S}(?P<ds>[./-]){_S}{_m('m1')}{_S}(?P=ds){_S}{_d('d1')}"),
)
_CN_DATE = re.compile(
    r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})[日号]"
)
_DURATION = re.compile(
    r"(?P<cue>为期|工期|周期|历时|期限|持续|会期|用时|时长|耗时)?(?:为|是|约|共|:)?\s*"
    r"(?<![\d.年月第])(?P<n>\d{1,3}|[一二两三四五六七八九十百]{1,4})"
    r"(?:\s*(?:[-~—–]|至|到)\s*(?P<n2>\d{1,3}|[一二两三四五六七八九十百]{1,4}))?\s*"
    r"(?P<unit>个工作日|工作日|个自然日|个月|个星期|星期|小时|天|周(?!年)|年(?![度底初中内\d])|日|月(?!\d))"
)
_CUED_UNITS = ("年", "日", "月")


class Duration(NamedTuple):
    """A length of time (``合同工期490天``, ``会期2-3天``): not a period, it has no dates."""

    text: str
    start: int
    end: int
    low: int
    high: int
    unit: str


def find_periods(text: str, *, year: int | None = None) -> list[Period]:
    """Every date range or period expression in ``text``, in order, each with its offset.

    ``year`` (the document's budget year) dates year-less ranges; without it they are skipped.

    >>> [(p.text, p.start.isoformat(), p.end.isoformat()) for p in find_periods("2025年1-12月。")]
    [('2025年1-12月', '2025-01-01', '2025-12-31')]
    >>> find_periods("《全民科学素质行动规划纲要（2021—2035年）》（国发〔2021〕9号）")
    []
    """
    folded = fold_chars(text)
    blocked = _blocked_spans(folded)
    found: list[tuple[int, int, date, date]] = []
    for kind, pattern in _PATTERNS:
        found.extend(_matches(folded, pattern, kind, None))
    if year is not None:
        for kind, pattern in _YEARLESS:
            found.extend(_matches(folded, pattern, kind, year))
    stripped = folded.strip(" \t\r\n。.;,")
    stripped = _LABEL.sub("", stripped, count=1)
    bare = _BARE_YEAR.fullmatch(stripped)
    this_year = year is not None and _THIS_YEAR.fullmatch(stripped)
    if (bare or this_year) and not found:
        start = folded.rindex(stripped)
        whole = int(bare["y1"]) if bare else year
        found.append((start, start + len(stripped), date(whole, 1, 1), date(whole, 12, 31)))  # type: ignore[arg-type]
    periods: list[Period] = []
    for start, end, first, last in sorted(found, key=lambda f: (f[0], -f[1])):
        if periods and start < periods[-1].offset + len(periods[-1].text):
            continue
        if any(start < b_end and b_start < end for b_start, b_end in blocked) or _in_title_parentheses(
            folded, start, end
        ):
            continue
        periods.append(Period(start=first, end=last, text=text[start:end], offset=start))
    return periods


def parse_period(text: str, *, year: int | None = None) -> Period | None:
    """The implementation period stated by a 五、实施周期 section body; None when it states none.

    The first period with an explicit year wins over a year-less one (dated by ``year``); the
    period's text is the date expression only, its offset is into ``text``.

    >>> p = parse_period("2026")
    >>> (p.start.isoformat(), p.end.isoformat(), p.text)
    ('2026-01-01', '2026-12-31', '2026')
    >>> parse_period("合同工期490天") is None
    True
    """
    periods = find_periods(text, year=year)
    if not periods:
        return None
    explicit = [p for p in periods if re.search(r"(?:19|20)\d{2}", fold_chars(p.text))]
    return (explicit or periods)[0]


def parse_date(text: str) -> date | None:
    """A single date (``2026-01-01``, ``2026年1月1日``, ``2019  年  1  月  1  日``, ``二〇二六年一月一日``).

    >>> parse_date("2026 年 12 月 31 日")
    datetime.date(2026, 12, 31)
    >>> parse_date("2025.02.31") is None
    True
    """
    body = fold_chars(text).strip().rstrip("。.")
    for pattern in _DATES:
        match = pattern.fullmatch(body)
        if match:
            return _date(int(match["y1"]), int(match["m1"]), int(match["d1"]))
    match = _CN_DATE.fullmatch(body)
    if not match:
        return None
    parts = (parse_cn_integer(match["y"]), parse_cn_integer(match["m"]), parse_cn_integer(match["d"]))
    return _date(*parts) if all(p is not None for p in parts) else None  # type: ignore[arg-type]


def format_period(period: Period) -> str:
    """Write a period as ``YYYY年M月D日至YYYY年M月D日``, which :func:`parse_period` reads back.

    >>> p = parse_period("2026.1.1-2026.12.31")
    >>> format_period(p)
    '2026年1月1日至2026年12月31日'
    >>> q = parse_period(format_period(p))
    >>> (q.start, q.end) == (p.start, p.end) and parse_period(format_period(q)) == q
    True
    """
    s, e = period.start, period.end
    return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"


def find_durations(text: str) -> list[Duration]:
    """Every stated length of time (``合同工期490天``, ``为期3个月``, ``实施周期为一年``).

    年, 日 and a bare 月 count only after a cue word (为期, 工期, 周期, 历时 …), so dates and
    years are never durations.

    >>> [(d.text, d.low, d.high, d.unit) for d in find_durations("合同工期490天，会期2-3天")]
    [('490天', 490, 490, '天'), ('2-3天', 2, 3, '天')]
    """
    folded = fold_chars(text)
    durations: list[Duration] = []
    for match in _DURATION.finditer(folded):
        unit = match["unit"]
        if unit in _CUED_UNITS and not match["cue"]:
            continue
        low = _integer(match["n"])
        high = _integer(match["n2"]) if match["n2"] else low
        if low is None or high is None or high < low:
            continue
        start, end = match.start("n"), match.end()
        durations.append(Duration(text[start:end], start, end, low, high, unit))
    return durations


def _matches(
    folded: str, pattern: re.Pattern[str], kind: str, year: int | None
) -> list[tuple[int, int, date, date]]:
    out = []
    for match in pattern.finditer(folded):
        bounds = _bounds(match, kind, year)
        if bounds is not None:
            out.append((match.start(), match.end(), *bounds))
    return out


def _bounds(match: re.Match[str], kind: str, year: int | None) -> tuple[date, date] | None:
    """First and last day of a matched range, the end's missing parts carried from the start."""
    groups = match.groupdict()
    y1 = int(groups.get("y1") or year or 0)
    if kind == "year":
        y2 = int(groups.get("y2") or y1)
        first, last = _date(y1, 1, 1), _date(y2, 12, 31)
    else:
        explicit_year = groups.get("y2")
        y2 = int(explicit_year) if explicit_year else y1 + (1 if groups.get("next") else 0)
        m1 = int(groups["m1"])
        m2 = int(groups.get("m2") or m1)
        d1 = int(groups["d1"]) if kind == "day" else 1
        d2 = int(groups["d2"]) if kind == "day" else _last_day(y2, m2)
        first, last = _date(y1, m1, d1), _date(y2, m2, d2)
        if first and last and last < first and not explicit_year and not groups.get("next"):
            last = _date(y2 + 1, m2, d2 if kind == "day" else _last_day(y2 + 1, m2))
    if first is None or last is None or last < first:
        return None
    return first, last


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1] if 1 <= y <= 9999 and 1 <= m <= 12 else 31


def _integer(numeral: str) -> int | None:
    return int(numeral) if numeral.isdigit() else parse_cn_integer(numeral)


def _blocked_spans(folded: str) -> list[tuple[int, int]]:
    """Spans inside 《…》 titles and 〔…〕 / 【…】 / […] 文号 brackets (outermost pairs)."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(folded):
        if ch in _OPENERS:
            stack.append((_OPENERS[ch], i))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            if not stack:
                spans.append((start, i + 1))
        elif ch in "\n" and stack:
            stack.clear()  # an unclosed bracket does not run past the line
    return spans


def _in_title_parentheses(folded: str, start: int, end: int) -> bool:
    """Whether the match is a title's year span: ``纲要（2021—2035年）``, ``规划(2008-2010-2015)``."""
    before = folded[:start].rstrip(" \t")
    if not before.endswith("("):
        return False
    closing = folded.find(")", end)
    return (
        closing != -1
        and _YEAR_TAIL.fullmatch(folded[end:closing]) is not None
        and bool(_TITLE_WORDS.search(before[:-1]))
    )


__all__ = ["Duration", "find_durations", "find_periods", "format_period", "parse_date", "parse_period"]
