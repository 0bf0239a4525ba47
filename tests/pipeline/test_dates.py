"""Dates, periods and durations; the strings are taken from the corpus department budgets and forms."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.models import Period
from budgetscope.pipeline.dates import find_durations, find_periods, format_period, parse_date, parse_period

YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "raw", "bounds"),
    [
        ("2025年1月1日至2025年12月31日", "2025年1月1日至2025年12月31日", YEAR_2025),
        ("2025年1月1日-2025年12月31日。", "2025年1月1日-2025年12月31日", YEAR_2025),
        ("2026.1.1-2026.12.31", "2026.1.1-2026.12.31", YEAR_2026),
        ("2026. 1. 1-2026. 12. 31", "2026. 1. 1-2026. 12. 31", YEAR_2026),
        ("2026年1月1日—12月31日", "2026年1月1日—12月31日", YEAR_2026),
        ("项目实施周期：2026年1月1日-12月31日。", "2026年1月1日-12月31日", YEAR_2026),
        ("2025年1-12月。", "2025年1-12月", YEAR_2025),
        ("2023年1月至12月", "2023年1月至12月", (date(2023, 1, 1), date(2023, 12, 31))),
        ("2026年1月至2026年12月", "2026年1月至2026年12月", YEAR_2026),
        ("2025年1月 - 2025年12月", "2025年1月 - 2025年12月", YEAR_2025),
        (
            "2025年3月1日至2025年11月30日",
            "2025年3月1日至2025年11月30日",
            (date(2025, 3, 1), date(2025, 11, 30)),
        ),
        ("2026年度", "2026年度", YEAR_2026),
        ("2026年全年", "2026年全年", YEAR_2026),
        ("2026", "2026", YEAR_2026),
        ("实施周期是2025年1月1日至2025年12月31日。", "2025年1月1日至2025年12月31日", YEAR_2025),
        (
            "２０２６年１月１日至２０２６年１２月３１日",
            "２０２６年１月１日至２０２６年１２月３１日",
            YEAR_2026,
        ),
    ],
)
def test_dates_parse_period_section_wordings(text: str, raw: str, bounds: tuple[date, date]) -> None:
    period = parse_period(text, year=2026)
    assert period is not None
    assert (period.start, period.end, period.text) == (*bounds, raw)
    assert text[period.offset : period.offset + len(period.text)] == period.text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "综上，按照2021-2023年平台三年改造计划完整实施后",
            [("2021-2023年", date(2021, 1, 1), date(2023, 12, 31))],
        ),
        (
            "用于在2021-2023 年对平台设施进行逐步维修更新",
            [("2021-2023 年", date(2021, 1, 1), date(2023, 12, 31))],
        ),
        (
            "设施设备的修缮更新。2016年-2023年，平台基本完成了",
            [("2016年-2023年", date(2016, 1, 1), date(2023, 12, 31))],
        ),
        ("2024年7月至2025年6月", [("2024年7月至2025年6月", date(2024, 7, 1), date(2025, 6, 30))]),
        (
            "2025.03.01-2025.05.31：根据框架提纲，进行初稿撰写。\n\n2025.06.01-2025.07.15：修改完善内容",
            [
                ("2025.03.01-2025.05.31", date(2025, 3, 1), date(2025, 5, 31)),
                ("2025.06.01-2025.07.15", date(2025, 6, 1), date(2025, 7, 15)),
            ],
        ),
        (
            "2025年1-3月\t8.98万元\t10%\n2025年4-6月\t26.95万元\t30%",
            [
                ("2025年1-3月", date(2025, 1, 1), date(2025, 3, 31)),
                ("2025年4-6月", date(2025, 4, 1), date(2025, 6, 30)),
            ],
        ),
        ("2025年10月，完成内装修工程，整体达到可交付使用状态。", []),
        ("截至2025年8月31日，上海市科学技术协会共有车辆10辆", []),
    ],
)
def test_dates_find_periods_in_running_text(text: str, found: list[tuple[str, date, date]]) -> None:
    assert [(p.text, p.start, p.end) for p in find_periods(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "《全民科学素质行动规划纲要（2021—2035年）》（国发〔2021〕9号）",
        "1、全民科学素质行动计划纲要（2021—2035年）第四部分中关于科普基础设施工程的任务中描述",
        "科普基础设施发展规划（2008-2010-2015）中提到，大力发展科普基础设施",
        "中国科协关于印发《关于推荐“2020-2025世界人工智能青年优秀论文奖”参评论文的通知》",
        "2020-2025世界人工智能青年优秀论文奖",
        "《上海市促进科技成果转移转化行动方案（2024-2027）》",
        "本单位于2006年5月经国家人事部（国人部发[2006]53号）批准",
        "由此制定2024-2026平台专用设备更新及系统维修三年改造计划",
        "合同工期490天",
        "为期3个月",
        "通过星级学会示范项目和学会组织管理项目，提升学会的创新和服务能力。",
    ],
)
def test_dates_find_periods_skips_titles_doc_numbers_and_durations(text: str) -> None:
    assert find_periods(text) == []
    assert parse_period(text, year=2026) is None


def test_dates_find_periods_keeps_year_range_in_plain_parentheses() -> None:
    (period,) = find_periods("组织专家对项目本轮次（2024-2026年）预算资金进行了评审核定")
    assert (period.text, period.start, period.end) == ("2024-2026年", date(2024, 1, 1), date(2026, 12, 31))


def test_dates_year_carries_over_and_wraps() -> None:
    (period,) = find_periods("2024年9月至次年6月")
    assert (period.start, period.end) == (date(2024, 9, 1), date(2025, 6, 30))
    (period,) = find_periods("2024年9月至6月")
    assert period.end == date(2025, 6, 30)


def test_dates_yearless_ranges_need_the_document_year() -> None:
    text = "1-3月投入100万元，4-6月投入150万元"
    assert find_periods(text) == []
    assert [(p.text, p.start, p.end) for p in find_periods(text, year=2025)] == [
        ("1-3月", date(2025, 1, 1), date(2025, 3, 31)),
        ("4-6月", date(2025, 4, 1), date(2025, 6, 30)),
    ]
    assert parse_period("1月1日至12月31日", year=2026) == Period(
        start=date(2026, 1, 1), end=date(2026, 12, 31), text="1月1日至12月31日"
    )


def test_dates_invalid_calendar_dates_are_not_periods() -> None:
    assert find_periods("2025.01.01-2025.02.31：数据统计整理，拟定年报框架。") == []
    assert find_periods("2026年12月31日至2026年1月1日") == []


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-01-01", date(2026, 1, 1)),
        ("2026年1月1日", date(2026, 1, 1)),
        ("2026 年 12 月 31 日", date(2026, 12, 31)),
        ("2019  年     1    月   1   日", date(2019, 1, 1)),
        ("2019   年   01    月  01  日", date(2019, 1, 1)),
        ("2026/12/31", date(2026, 12, 31)),
        ("二〇二六年一月一日", date(2026, 1, 1)),
    ],
)
def test_dates_parse_date_forms(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2025.02.31", "2026年13月1日", "2026 年 12 月 31 日前完成", "2026", ""])
def test_dates_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("合同工期490天", [("490天", 490, 490, "天")]),
        ("为期3个月", [("3个月", 3, 3, "个月")]),
        ("该项目的实施周期为一年，项目经费中委托业务费", [("一年", 1, 1, "年")]),
        ("会议拟于2026年11月前在科学会堂举行，会期2-3天。", [("2-3天", 2, 3, "天")]),
        ("保种要求24小时不间断运行", [("24小时", 24, 24, "小时")]),
        ("2026年12月31日前完成，第3天，3周年", []),
    ],
)
def test_dates_find_durations(text: str, found: list[tuple[str, int, int, str]]) -> None:
    durations = find_durations(text)
    assert [(d.text, d.low, d.high, d.unit) for d in durations] == found
    assert all(text[d.start : d.end] == d.text for d in durations)


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(DAYS, DAYS)
def test_dates_format_period_round_trips(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    parsed = parse_period(format_period(Period(start=start, end=end, text="")))
    assert parsed is not None
    assert (parsed.start, parsed.end) == (start, end)
    assert parse_period(format_period(parsed)) == parsed


DATEISH = st.text(
    alphabet="0123456789０１. -—至到年月日度全次《》（）()〔〕号为期天个工作第周一二十", max_size=50
)


@settings(max_examples=300)
@given(
    st.one_of(DATEISH, st.text(max_size=50)),
    st.one_of(st.none(), st.integers(min_value=1900, max_value=2099)),
)
def test_dates_never_raise_and_keep_offsets(text: str, year: int | None) -> None:
    for period in find_periods(text, year=year):
        assert text[period.offset : period.offset + len(period.text)] == period.text
        assert period.start <= period.end
    parse_period(text, year=year)
    parse_date(text)
    for duration in find_durations(text):
        assert text[duration.start : duration.end] == duration.text


# Period wordings of other departments' budgets (variants of the corpus's "2026年度",
# "项目实施周期：2023年1月1日-12月31日" and "2025年1月1日至2025年12月31日").
@pytest.mark.parametrize(
    ("text", "raw", "bounds"),
    [
        ("2025年度至2027年度", "2025年度至2027年度", (date(2025, 1, 1), date(2027, 12, 31))),
        ("2025年度-2026年度。", "2025年度-2026年度", (date(2025, 1, 1), date(2026, 12, 31))),
        ("项目实施周期：2025年", "2025年", YEAR_2025),
        ("实施周期为2025年。", "2025年", YEAR_2025),
        ("本年度", "本年度", YEAR_2025),
        ("全年", "全年", YEAR_2025),
        (
            "自2025年1月1日开始，至2025年12月31日结束",
            "2025年1月1日开始，至2025年12月31日",
            YEAR_2025,
        ),
    ],
)
def test_dates_parse_period_other_template_wordings(text: str, raw: str, bounds: tuple[date, date]) -> None:
    period = parse_period(text, year=2025)
    assert period is not None
    assert (period.start, period.end, period.text) == (*bounds, raw)
    assert text[period.offset : period.offset + len(period.text)] == period.text


def test_dates_budget_year_wordings_need_the_document_year() -> None:
    assert parse_period("本年度") is None and parse_period("全年") is None
    assert parse_period("三年", year=2025) is None  # a length, not dates: undeterminable
    assert parse_period("全年开展科普活动", year=2025) is None  # only the whole text names the year
