"""A performance target read as comparison, exact number and unit, or as qualitative; never guessed.

Every target below is printed in a bundled document or a national PDF (the file named beside it);
the readings are what the printed text says."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from budgetscope.models import Indicator, to_json
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.targets import parse_target, read_target

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

READS = [
    ("≥96天", "≥", "96", "天"),  # beijing-commerce-2026-budget-tables.pdf 常规办公设备运维天数
    ("＝7个", "=", "7", "个"),  # beijing-commerce-2026-budget-tables.pdf
    ("≧50篇", "≥", "50", "篇"),  # guangzhou-data-bureau-2026-project-performance-targets.pdf
    ("≦5秒", "≤", "5", "秒"),  # guangzhou-data-bureau-2026-p12.pdf 系统查询响应时间
    ("=100.00(%)", "=", "100.00", "%"),  # sast-2026-performance-targets.txt 创新服务活动质量达标率
    ("≥100.00(人)", "≥", "100.00", "人"),  # sast-2026-performance-targets.txt 专家参与人数
    ("≤1200", "≤", "1200", None),  # xian-audit-2026-p37-38.pdf 注册会计师、高级会计师（元/人/天）
    ("3个月内", "≤", "3", "个月"),  # xian-audit-2026-p37-38.pdf 参与审计项目时限
    ("100%", None, "100", "%"),  # sast-2019-performance-targets.txt
    ("0", None, "0", None),  # guangzhou-data-bureau-2026-p4.pdf 重大安全事故发生数
    ("= 100%", "=", "100", "%"),  # yantai-civil-affairs-2026-department-budget.pdf
    ("≥1.8万人次", "≥", "1.8", "万人次"),  # yantai-civil-affairs-2026-department-budget.pdf 助浴人次数
    ("≥1700㎡", "≥", "1700", "㎡"),  # yantai-civil-affairs-2026-department-budget.pdf
    ("≤29.91元/件", "≤", "29.91", "元/件"),  # guangzhou-data-bureau-2026-project-performance-targets.pdf
    ("≤4500元/人月", "≤", "4500", "元/人月"),  # fuzhou-healthcare-security-2026-department-budget.pdf
    ("不少于883名", "≥", "883", "名"),  # guangzhou-data-bureau-2026-project-performance-targets.pdf
    ("小于1919万元", "<", "1919", "万元"),  # guangzhou-data-bureau-2026-p7-8.pdf 项目采购成本
    ("＜3191170元", "<", "3191170", "元"),  # guangzhou-data-bureau-2026-project-performance-targets.pdf
    ("≥0.5‰", "≥", "0.5", "‰"),  # guangzhou-data-bureau-2026-project-performance-targets.pdf
    ("≥99％", "≥", "99", "%"),  # guangzhou-data-bureau-2026-project-performance-targets.pdf
    ("≥10G", "≥", "10", "G"),  # guangzhou-data-bureau-2026-p7-8.pdf 链路带宽
    ("≥330台（套）", "≥", "330", "台(套)"),  # central-letters-and-calls-2026-p26-30.pdf 数据中心设备维护量
    ("≥50天（人次）", "≥", "50", "天(人次)"),  # changsha-letters-and-calls-2026-department-budget.pdf
    ("≤11月", "≤", "11", "月"),  # beijing-commerce-2026-budget-tables-p44-47.pdf
]


@pytest.mark.parametrize(("text", "comparison", "value", "unit"), READS)
def test_targets_quantitative_target_reads_exactly(
    text: str, comparison: str | None, value: str, unit: str | None
) -> None:
    t = parse_target(text)
    assert t is not None and not t.qualitative
    assert (t.comparison, t.value, t.unit) == (comparison, Decimal(value), unit)
    assert str(t.value) == value  # the digits as printed, never through float


@pytest.mark.parametrize(
    "text",
    [
        "良好",  # sast-2019-performance-targets.txt
        "有效提升",  # yantai-civil-affairs-2026-department-budget.pdf 困难群体受关注度
        "应保尽保，应救尽救",  # yantai-civil-affairs-2026-department-budget.pdf 救助覆盖面
        "相比上一年有提升",  # sast-2026-performance-targets.txt 创新氛围提升情况: 上一年 is no count
    ],
)
def test_targets_words_only_target_is_qualitative(text: str) -> None:
    t = parse_target(text)
    assert t is not None and t.qualitative
    assert (t.comparison, t.value, t.unit) == (None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "2026 年 12 月 31 日前完成",  # sast-2026-performance-targets.txt: a date, not a number
        "约200人次",  # sast-2019-performance-targets.txt: approximate
        "标准化、规范化、系统性 大于10年",  # sast-2019-performance-targets.txt: words around the number
        "2项（2项基础服务）",  # guangzhou-data-bureau-2026-project-performance-targets.pdf: two numbers
        "全年≥2份",  # guangzhou-data-bureau-2026-project-performance-targets.pdf: words before it
        "≥10个不同的治理服务场景",  # guangzhou-data-bureau-2026-project-performance-targets.pdf
        "一级事件≤1小时",  # guangzhou-data-bureau-2026-project-performance-targets.pdf
        "≤《广东省律师服务收费标准》建议律师费",  # guangzhou-data-bureau-2026-project-performance-targets.pdf
        "项目立项数量≥400个；项目终验数量≥400个。",  # guangzhou-data-bureau-2026-project-performance-targets.pdf
        "SM项目",  # guangzhou-data-bureau-2026-p4.pdf
        "无",  # changsha-letters-and-calls-2026-p22-23.pdf
        "不适用",  # changsha-letters-and-calls-2026-p30-31.pdf
        "90%-100%",  # a range
        "80~90分",  # a range
        "",
    ],
)
def test_targets_unsure_target_gives_no_reading(text: str) -> None:
    assert parse_target(text) is None


@given(st.text(alphabet="≥≤=＝<>＞＜≧≦0123456789.,%％()（）天个万元人次/年内以上约全-~ ", max_size=14))
@example("0万(<)")  # a sign in the remark after the unit: no unit "万(<)"
def test_targets_never_crash_and_a_reading_is_exact(text: str) -> None:
    t = parse_target(text)
    if t is not None and t.value is not None:
        assert format(t.value, "f") in text.replace(",", "").replace(" ", "")  # the printed digits
        assert not re.search(r"[\d=<>≥≤~-]", t.unit or "")


@given(st.sampled_from([r[0] for r in READS]))
def test_targets_reading_keeps_the_target_verbatim(text: str) -> None:
    ind = read_target(Indicator(level3="x", target=text))
    assert ind.target == text and ind.value is not None


def test_targets_read_on_every_form_of_a_document_and_in_its_contract() -> None:
    doc = read_document(CORPUS / "sast-2026-performance-targets.txt")
    rows = [i for r in doc.records if r.form for i in r.form.indicators]
    first = next(i for i in rows if i.level3 == "专家参与人数")
    assert (first.target, first.comparison, first.value, first.unit) == (
        "≥100.00(人)",
        "≥",
        Decimal("100.00"),
        "人",
    )
    date = next(i for i in rows if i.target == "2026 年 12 月 31 日前完成")
    assert (date.comparison, date.value, date.unit, date.qualitative) == (None, None, None, None)
    contract = json.loads(to_json(doc.records[0].contract()))
    ind = next(i for i in contract["form"]["indicators"] if i["level3"] == "专家参与人数")
    assert ind == {"level1": "产出指标", "level2": "数量指标", "level3": "专家参与人数", "target": "≥100.00(人)",
                   "comparison": "≥", "value": 100, "unit": "人", "qualitative": False, "weight": None}  # fmt: skip
