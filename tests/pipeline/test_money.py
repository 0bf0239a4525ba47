"""Money parsing and budget roles; the strings are taken from the corpus department budgets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.models import Amount
from budgetscope.pipeline.cn_numerals import fold_chars, parse_cn_integer, parse_cn_money
from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts, format_yuan, parse_money


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("627.2万元", "6272000"),
        ("50000.00元", "50000"),
        ("350000. 00元", "350000"),  # stray space inside the number
        ("15,544万元", "155440000"),
        ("4,232,663.00元", "4232663"),
        ("28万", "280000"),  # bare 万
        ("1720.00万", "17200000"),
        ("0.00万元", "0"),
        ("约27万元", "270000"),
        ("4万元人民币", "40000"),
        ("72万元整", "720000"),
        ("１７.９５万元", "179500"),  # full-width digits
        ("壹拾万元整", "100000"),
        ("叁佰伍拾万元", "3500000"),
        ("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", "1234567.89"),
        ("1亿元", "100000000"),
        ("¥50,000.00", "50000"),
    ],
)
def test_money_parse_money_forms(text: str, yuan: str) -> None:
    assert parse_money(text) == Decimal(yuan)


@pytest.mark.parametrize(
    "text", ["25场", "84.25%", "2026年", "5.12", "10-15万元", "60", "万元", "统一元", "2万平方米", ""]
)
def test_money_parse_money_rejects_non_amounts(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "财政资金2749.32万元，自筹资金8607.45万元，主要用于科技馆建筑体大修工程款。",
            [("2749.32万元", "27493200"), ("8607.45万元", "86074500")],
        ),
        ("子项目1大院日常运维 351.6万元；根据子项目与运营机构协议支付款项", [("351.6万元", "3516000")]),
        (
            "预计总项目经费20万。其中：成果转化模式研究等相关会议1.5万，咨询技术转移人才队伍建设相关专家费4.5万",
            [("20万", "200000"), ("1.5万", "15000"), ("4.5万", "45000")],
        ),
        (
            "2025年本项目财政预算资金安排金额590,160元，用于支付国家奖项目提名专家咨询费480,000.00元",
            [("590,160元", "590160"), ("480,000.00元", "480000")],
        ),
        (
            "2025年1-3月\t8.98万元\t10%\n2025年4-6月\t26.95万元\t30%",
            [("8.98万元", "89800"), ("26.95万元", "269500")],
        ),
        ("2026年度财政资金预算总额350000. 00元。", [("350000. 00元", "350000")]),
        ("部门预算安排购置单价100万元（含）以上", [("100万元", "1000000")]),
    ],
)
def test_money_find_amounts_values_and_offsets(text: str, expected: list[tuple[str, str]]) -> None:
    amounts = find_amounts(text)
    assert [(a.text, a.yuan) for a in amounts] == [(t, Decimal(y)) for t, y in expected]
    assert all(text[a.start : a.end] == a.text for a in amounts)


@pytest.mark.parametrize(
    "text",
    [
        "面向社区、学校、企业等单位开展25场防灾知识科普讲座及自救互救技能培训体验",
        "重点时段（如5.12防灾减灾日、9.18国耻日等）期间开展2场逃生演练",
        "《全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）",
        "《中国科学技术协会章程》第十三条",
        "第六届科博会展会面积不少于2万平方米，展览天数不少于3天",
        "展品不少于3000件，观众不少于10万人次",
        "现有个人会员24.2万人，团体会员1.6万个。",
        "仅在欧洲每年的负担就达到4000亿欧元/年。",
        "计划完成比例84.25%；联系电话021-64315678",
        "引导基层组建科技志愿服务队伍，开展科技志愿服务主题活动。",
        "构建主体多元、手段多样、供给优质的科普服务体系",
    ],
)
def test_money_find_amounts_skips_non_money(text: str) -> None:
    assert find_amounts(text) == []


def test_money_find_amounts_marks_approximate() -> None:
    text = "项目资金拟用于建设博士后科研工作站相关工作，预算人民币约27万元。"
    (amount,) = find_amounts(text)
    assert (amount.text, amount.yuan, amount.approximate) == ("27万元", Decimal("270000"), True)
    assert not find_amounts("申请财政预算400万元。")[0].approximate


def test_money_find_amounts_range_gives_two_approximate_amounts() -> None:
    low, high = find_amounts("单个征集项目金额10-15万元")
    assert (low.text, low.yuan, high.text, high.yuan) == (
        "10",
        Decimal("100000"),
        "15万元",
        Decimal("150000"),
    )
    assert low.approximate and high.approximate


def test_money_find_amounts_reads_bare_numbers_only_with_a_table_unit() -> None:
    row = "73.97\t52.50\t7.47\t14.00\t\t14.00\t495.67"
    assert find_amounts(row) == []
    assert [a.yuan for a in find_amounts(row, unit="万元")][:2] == [Decimal("739700"), Decimal("525000")]
    revenue = "一、财政拨款收入\t120,201,100\t一、一般公共服务支出\t20,553,422"
    assert [a.yuan for a in find_amounts(revenue, unit="元")] == [Decimal("120201100"), Decimal("20553422")]
    assert [a.text for a in find_amounts("2025年1-3月\t8.98万元\t10%", unit="元")] == ["8.98万元"]


def test_money_find_amounts_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unit"):
        find_amounts("1", unit="美元")


def test_money_find_amounts_sets_section() -> None:
    assert find_amounts("项目预算金额是43.70万元。", section="plan")[0].section == "plan"


@pytest.mark.parametrize(
    ("text", "roles", "total"),
    [
        (
            "根据项目的实际情况安排项目执行，该项目总资金为627.2万元。子项目1大院日常运维 351.6万元；",
            ["total", "component"],
            "6272000",
        ),
        ("2026年度财政资金预算总额50000.00元。", ["fiscal"], "50000"),
        (
            "财政资金2749.32万元，自筹资金8607.45万元，主要用于科技馆建筑体大修工程款。",
            ["fiscal", "self_raised"],
            "113567700",
        ),
        ("136万元", ["total"], "1360000"),
        ("本年度安排项目预算60万元、1、宣传；2、积累资源，市科协的资源池。", ["total"], "600000"),
        (
            "项目预算金额：15万元，其中年报撰写：12.0万元；年报印刷：3.0万元。",
            ["total", "component", "component"],
            "150000",
        ),
        (
            "科普之窗专项预计总经费99.90万元，申请财政经费99.90万元。其中上海市“科技创新行动计划”科普项目资源整合与配送预算经费55万，“上海科普”微信公众号运营预算经费44.90万元。",
            ["total", "fiscal", "component", "component"],
            "999000",
        ),
        (
            "在2025年每一季度使用6.75万元，共计投入人民币27万元，用于支付博士后工作站导师指导费。",
            ["other", "total"],
            "270000",
        ),
        (
            "预计第一季度资金投入总额5.74%，计28.52万元。\n\n预计第二季度资金投入总额58.97%，计293.22万元。",
            ["other", "other"],
            None,
        ),
        (
            "一季度计划完成金额1,684,965.00元，计划完成比例84.25%；二季度计划完成金额315,035.00元，计划完成比例15.75%。",
            ["other", "other"],
            None,
        ),
        (
            "因此本项目资金2025年的计划安排为：1-3月投入100万元，4-6月投入150万元，7-9月投入150万元，10-12月投入229万元。",
            ["other"] * 4,
            None,
        ),
        (
            "2025年拟投入财政资金4万元人民币。该项目的实施周期为一年，项目经费中委托业务费（3.9万元）的80%即3.12万元在经费下达后当月或次月执行完成，委托业务费的20%即0.78万元和劳务费0.1万元在第四季度一次性发放完成。",
            ["fiscal", "component", "other", "other", "component"],
            "40000",
        ),
        (
            "2025年本项目财政预算资金安排金额590,160元，用于支付国家奖项目提名专家咨询费480,000.00元，推荐申报国家奖项目差旅费90,000.00元，国家奖推荐申报工作会20,160.00元。",
            ["fiscal", "component", "component", "component"],
            "590160",
        ),
        (
            "星级学会引领项目130万元（购买学会管理岗位30万元；社会化服务品牌培育计划项目100万元。）；学会组织管理项目26.5万元。",
            ["component"] * 4,
            None,
        ),
        (
            "1. 2025年上海市生物医药技术创新服务平台组织协调：预算金额5万元，组织并召开平台建设与发展相关的咨询会议等专家咨询费3万元。 2. 为生物医药科技型企业提供科技创新服务：预算金额10万元，组织召开专家会议4.32万元。",
            ["component"] * 4,
            None,
        ),
        (
            "2025年计划投入316.95万元，其中：第一季度20%，第二季度30%，第三季度20%，第四季度20%。",
            ["total"],
            "3169500",
        ),
    ],
)
def test_money_assign_roles_from_wording(text: str, roles: list[str], total: str | None) -> None:
    amounts = assign_roles(text, find_amounts(text))
    assert [a.role for a in amounts] == roles
    assert budget_total(amounts) == (Decimal(total) if total else None)


def test_money_assign_roles_stated_total_after_the_parts() -> None:
    text = "子项目宣传费30万元，会议费20万元，合计50万元。"
    amounts = assign_roles(text, find_amounts(text))
    assert [a.role for a in amounts] == ["component", "component", "total"]
    assert budget_total(amounts) == Decimal("500000")


def test_money_budget_total_without_amounts_is_none() -> None:
    assert budget_total([]) is None
    other = Amount(text="5万元", yuan=Decimal(50000), role="other")
    assert budget_total([other]) is None


@pytest.mark.parametrize(
    ("yuan", "unit", "text"),
    [
        ("6272000", "万元", "627.2万元"),
        ("50000", "元", "50000元"),
        ("150000000", "亿元", "1.5亿元"),
        ("0", "万元", "0万元"),
    ],
)
def test_money_format_yuan_examples(yuan: str, unit: str, text: str) -> None:
    assert format_yuan(Decimal(yuan), unit) == text


def test_money_format_yuan_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        format_yuan(Decimal(-1))
    with pytest.raises(ValueError):
        format_yuan(Decimal(1), "美元")


@given(
    st.decimals(min_value=0, max_value=10**15, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["元", "万元", "亿元"]),
)
def test_money_format_yuan_round_trips(yuan: Decimal, unit: str) -> None:
    assert parse_money(format_yuan(yuan, unit)) == yuan


MONEYISH = st.text(
    alphabet="0123456789０１２.,， 万元亿约余-至%年月日第场人《》〔〕()（）壹拾佰伍整零一十百财政自筹其中合计总额季度子项目、。；\n",
    max_size=60,
)


@settings(max_examples=300)
@given(st.one_of(MONEYISH, st.text(max_size=60)))
def test_money_never_raises_and_keeps_offsets(text: str) -> None:
    parse_money(text)
    amounts = assign_roles(text, find_amounts(text))
    budget_total(amounts)
    for amount in amounts:
        assert text[amount.start : amount.end] == amount.text
        assert (amount.yuan < 0) == (amount.yuan != 0 and fold_chars(amount.text)[0] in "-−")  # a sign only
    for amount in find_amounts(text, unit="万元"):
        assert text[amount.start : amount.end] == amount.text


@settings(max_examples=200)
@given(MONEYISH)
def test_money_found_amount_text_parses_to_its_value(text: str) -> None:
    for amount in find_amounts(text):
        if amount.text[-1] in "元万亿整":
            assert parse_money(amount.text) == amount.yuan


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二〇二六", 2026),
        ("十二", 12),
        ("三十五", 35),
        ("一万五千", 15000),
        ("一亿零五万", 100050000),
        ("壹佰贰拾叁万肆仟伍佰陆拾柒", 1234567),
    ],
)
def test_cn_numerals_parse_cn_integer(text: str, value: int) -> None:
    assert parse_cn_integer(text) == value


@pytest.mark.parametrize("text", ["", "万", "一二十", "队伍"])
def test_cn_numerals_parse_cn_integer_rejects(text: str) -> None:
    assert parse_cn_integer(text) is None


def test_cn_numerals_parse_cn_money_jiao_fen() -> None:
    assert parse_cn_money("壹佰元零伍分") == Decimal("100.05")
    assert parse_cn_money("叁佰伍拾万") is None


def test_cn_numerals_fold_chars_keeps_length() -> None:
    text = "２０２６年１月，预算…①５万元"
    assert fold_chars(text) == "2026年1月,预算…①5万元"
    assert len(fold_chars(text)) == len(text)


# Wording variants of corpus sentences that other departments' budgets use (funding sources named
# differently); each string is a corpus sentence with only the funding words changed.
@pytest.mark.parametrize(
    ("text", "roles", "total"),
    [
        # corpus: "项目预算金额：15万元，其中年报撰写：12.0万元；年报印刷：3.0万元。"
        (
            "项目预算金额：15万元，其中中央补助资金12.0万元；市级财政资金3.0万元。",
            ["total", "fiscal", "fiscal"],
            "150000",
        ),
        # corpus: "财政资金2749.32万元，自筹资金8607.45万元，主要用于科技馆建筑体大修工程款。"
        (
            "财政资金2749.32万元，非财政拨款资金8607.45万元，主要用于科技馆建筑体大修工程款。",
            ["fiscal", "other"],
            "27493200",
        ),
        ("中央转移支付资金2749.32万元，单位自有资金8607.45万元。", ["fiscal", "self_raised"], "113567700"),
        # corpus: "财政资金1577.5万元，主要用于电、气、水的费用支付。"
        ("一般公共预算资金1577.5万元，主要用于电、气、水的费用支付。", ["fiscal"], "15775000"),
    ],
)
def test_money_assign_roles_funding_source_variants(text: str, roles: list[str], total: str) -> None:
    amounts = assign_roles(text, find_amounts(text))
    assert [a.role for a in amounts] == roles
    assert budget_total(amounts) == Decimal(total)


def test_money_assign_roles_budget_year_cue_beats_an_earlier_last_year_cue() -> None:
    # stcsm-2025 实验动物… narrative: legal_basis and overview sentences, one after the other
    text = (
        "经测算及上级预算部门核定，三年总计需要2145.10万元维修经费，需要市财政给予支持。"
        "根据核定结果及上年度预算执行情况，本项目2025年申请预算资金629万元。"
    )
    amounts = assign_roles(text, find_amounts(text), year=2025)
    assert [(a.text, a.role) for a in amounts] == [("2145.10万元", "other"), ("629万元", "total")]
    assert budget_total(amounts) == Decimal("6290000")
    quarter = "- (1) 2025年1季度，执行20%，约5.4万元；"  # a timing split stays other
    assert [a.role for a in assign_roles(quarter, find_amounts(quarter), year=2025)] == ["other"]


@pytest.mark.parametrize(
    ("text", "year", "roles", "total"),
    [
        ("项目总投资1500万元，分三年实施，2025年安排500万元。", None, ["other", "total"], "5000000"),
        (
            "本项目三年总预算900万元，2025年度预算300万元，主要用于设备购置。",
            None,
            ["other", "total"],
            "3000000",
        ),
        ("项目总投资1500万元，分三年实施，2025年安排财政资金500万元。", None, ["other", "fiscal"], "5000000"),
        # "其中2025年" without a budget word names the year only when the caller gives the budget year
        (
            "项目总预算1500万元，其中2025年500万元，2026年500万元。",
            2025,
            ["other", "total", "component"],
            "5000000",
        ),
        (
            "项目总预算1500万元，其中2025年500万元，2026年500万元。",
            None,
            ["total", "component", "component"],
            "15000000",
        ),
        # one year's 财政资金 inside a one-year total is a source, not a multi-year split
        (
            "项目总预算500万元，其中2025年财政资金300万元，自筹资金200万元。",
            2025,
            ["total", "fiscal", "self_raised"],
            "5000000",
        ),
    ],
)
def test_money_assign_roles_annual_total_over_multi_year_total(
    text: str, year: int | None, roles: list[str], total: str
) -> None:
    amounts = assign_roles(text, find_amounts(text), year=year)
    assert [a.role for a in amounts] == roles
    assert budget_total(amounts) == Decimal(total)


def test_money_assign_roles_restated_amount_keeps_the_role() -> None:
    text = "预算金额：人民币壹佰贰拾万元整（¥1,200,000.00）"
    amounts = assign_roles(text, find_amounts(text))
    assert [(a.text, a.role) for a in amounts] == [("壹佰贰拾万元整", "total"), ("¥1,200,000.00", "total")]
