"""The label vocabulary of performance forms in PDF tables: header and label cells mapped to fields
by meaning, whatever column or row they sit in.

Example:
    >>> label("其中：财政拨款"), label("年度预算资金（万元）"), label("评（扣）分标准"), label("绩效度量单位")
    (('amount', 'fiscal_current'), ('amount', 'project_total'), ('ignore', 'score'), ('ind', 'unit'))
    >>> amount_unit("项目资金（万元）"), amount_unit("单位：元")
    (Decimal('10000'), Decimal('1'))
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

Label = tuple[str, str]
"""(group, field): group is name/kv/amount/goal/ind/inline/ignore/amount_group."""

_EXACT: dict[str, Label] = {}


def _add(group: str, key: str, *names: str) -> None:
    for n in names:
        _EXACT[squash(n)] = (group, key)


def squash(text: str | None) -> str:
    """NFKC, no whitespace: the form in which labels are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


_add(
    "name",
    "name",
    "项目名称",
    "单位(项目)名称",
    "项目名称(资金使用单位)",
    "一级项目名称",
    "专项资金名称",
    "资金名称",
    "项目",
    "项目(专项)名称",
    "专项名称",
    "二级项目名称",
)
_add(
    "kv",
    "department",
    "主管部门",
    "主管部门及代码",
    "部门名称",
    "部门(单位)名称",
    "资金主管部门",
    "预算部门",
    "主管单位",
    "预算主管部门",
)
_add("kv", "unit_name", "单位名称", "二级预算单位名称", "预算单位", "预算单位名称", "资金使用单位")
_add("kv", "implementer", "实施单位", "项目实施单位", "项目单位")
_add(
    "amount",
    "project_total",
    "项目总额",
    "年度预算资金总额",
    "年度资金总额",
    "实施期资金总额",
    "资金总额",
    "项目资金总额",
    "当年预算",
    "预算数",
    "金额",
    "总计",
    "年度预算资金",
    "年度预算",
    "预算金额",
    "项目总金额",
    "年度资金",
    "预算资金",
    "总额",
    "预算支出总额",
)
_add(
    "amount",
    "fiscal_current",
    "财政资金",
    "财政拨款",
    "当年财政拨款",
    "当年财政拨款预算金额",
    "一般公共预算",
    "本年财政拨款",
    "财政拨款资金",
)
_add("amount", "other", "其他资金", "自筹资金", "单位资金", "自筹")
_add("amount", "carryover", "上年结转", "上年结转资金")
_add(
    "amount",
    "own_level",
    "市级支出",
    "省级支出",
    "区级支出",
    "县级支出",
    "本级支出",
    "市本级支出",
    "省本级支出",
    "市本级使用资金",
    "本级使用资金",
)
_add(
    "amount",
    "to_lower_levels",
    "补助区县",
    "补助县区",
    "补助市县",
    "补助下级",
    "补助区县支出",
    "补助市县支出",
    "补助下级支出",
    "对下转移支付",
    "对下转移支付资金",
    "拟用于对下转移支付资金",
)
_add("amount", "basic_expenditure", "基本支出")
_add("amount", "project_expenditure", "项目支出")
_add("amount_group", "group", "项目资金", "资金金额", "专项资金情况", "资金情况", "项目资金情况")
_add(
    "goal",
    "年度绩效目标",
    "年度绩效目标",
    "当年绩效目标",
    "年度目标",
    "年度总体目标",
    "绩效目标",
    "总体目标",
    "项目实施期目标",
    "实施期目标",
    "项目年度绩效目标",
    "年度目标任务",
    "整体绩效目标",
    "部门整体支出年度绩效目标",
    "部门年度绩效目标",
    "总体绩效目标",
    "当年整体绩效目标",
)
_add("text", "项目概况", "项目概况", "项目概述", "主要政策任务")
_add("ind", "level1", "一级指标")
_add("ind", "level2", "二级指标")
_add("ind", "level3", "三级指标", "指标名称", "绩效指标名称", "指标内容")
_add("ind", "comparison", "绩效指标性质", "指标性质", "指标属性", "指标值类型", "运算符号", "指标方向")
_add(
    "ind",
    "value",
    "指标值",
    "本年绩效指标值",
    "年度指标值",
    "本年指标值",
    "绩效指标值",
    "目标值",
    "年度目标值",
    "指标目标值",
)
_add("ind", "period_value", "实施周期指标值", "实施期指标值")
_add("ind", "unit", "度量单位", "计量单位", "绩效度量单位", "指标单位")
_add("inline", "indicators", "绩效指标", "年度绩效指标", "绩效目标指标")
_add(
    "ignore",
    "score",
    "分值",
    "权重",
    "指标权重",
    "指标权重(%)",
    "评(扣)分标准",
    "评分标准",
    "指标值内容",
    "备注",
    "是否核心指标",
    "是否核心",
    "分值权重",
    "序号",
    "单位编码",
    "其中",
    "其中:",
    "指标解释",
    "评分规则",
)

WEIGHTS = frozenset({"分值", "权重", "指标权重", "指标权重(%)", "分值权重"})
"""Header labels of an indicator's weight column (a 执行率分值 beside the amounts is none)."""
WEIGHT = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")

UNIT_IN = re.compile(r"[(（]\s*(万元|亿元|元)\s*[)）]")
UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|亿元|元)")
CODE = re.compile(r"^[\[【(（]?\d{3,}[\]】)）]?[_\s\-—]*")
SIGN = re.compile(r"^[≥≤=＝<>＞＜≧≦]")
NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_SCALE = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def label(text: str | None) -> Label | None:
    """The (group, field) a label cell names, or None for a value.

    Prefixes (其中：), trailing colons, a unit in brackets and weights in brackets are ignored.
    """
    s = squash(text)
    if not s or len(s) > 16:
        return None
    s = bare(s)
    hit = _EXACT.get(s)
    if hit:
        return hit
    if re.search(r"分值|权重|评分|扣分", s):
        return ("ignore", "score")
    return None


def bare(text: str | None) -> str:
    """A label cell as printed without 其中：, a unit or a weight in brackets and trailing colons (what
    :func:`label` looks up; an amount's printed label).

    >>> bare("其中：财政拨款"), bare("年度资金总额（万元）："), bare("执行率分值（10分）")
    ('财政拨款', '年度资金总额', '执行率分值')
    """
    s = squash(text)
    s = re.sub(r"^其中[:：]?", "", s) or s
    s = UNIT_IN.sub("", s)
    s = re.sub(r"\(\d+(?:分)?\)$", "", s)  # 分值（90）, 执行率分值（10分）
    return s.rstrip(":：")


def amount_pairs(texts: list[str]) -> bool:
    """A row of label | amount pairs with an amount label among them, some labels maybe unknown
    (财政专项资金 | 0.00 | 市本级使用资金 | 98,880.78): the known pairs are read, the others passed.

    >>> amount_pairs(["财政专项资金", "0.00", "市本级使用资金", "98,880.78"]), amount_pairs(["指标", "90", "权重", "10"])
    (True, False)
    """
    keys = [squash(t) for t in texts]
    return (
        len(keys) >= 4
        and len(keys) % 2 == 0
        and all(NUMBER.match(k) for k in keys[1::2])
        and not any(NUMBER.match(k) for k in keys[::2])
        and any((lab := label(k)) is not None and lab[0] == "amount" for k in keys[::2])
    )


def amount_unit(text: str | None) -> Decimal | None:
    """Yuan per printed unit when a label or line states one (（万元）, 单位：万元)."""
    s = squash(text)
    m = UNIT_IN.search(s) or UNIT_LINE.search(s)
    return _SCALE[m.group(1)] if m else None


def to_yuan(text: str, unit: Decimal) -> Decimal | None:
    """A printed amount in the table's unit as exact yuan; None for a blank or "-" cell.

    >>> to_yuan("2,134.87", Decimal(10000)), to_yuan("-", Decimal(10000)), to_yuan("0.00", Decimal(10000))
    (Decimal('21348700.00'), None, Decimal('0'))
    """
    s = squash(text).rstrip("万元")
    if not NUMBER.match(s):
        return None
    try:
        v = Decimal(s.replace(",", "")) * unit
    except InvalidOperation:
        return None
    return Decimal(0) if v == 0 else v


def target(comparison: str, value: str, unit: str) -> str:
    """Comparison + value + unit as one string; 定性/定量 are natures, not signs. A qualitative value
    without a number (a sentence, 良好) takes no unit: a 度量单位 cell left over from the table's
    column (项) glued to it would make "…话语权。项".

    >>> target("≥", "96", "天"), target("定性", "良好", ""), target("≥", "≥90%", "%")
    ('≥96天', '良好', '≥90%')
    >>> target("定性", "进一步提升服贸会话语权。", "项"), target("定性", "≥3", "项")
    ('进一步提升服贸会话语权。', '≥3项')
    """
    qualitative = squash(comparison) == "定性"
    comp = "" if re.fullmatch(r"定性|定量|[-—/]|无", squash(comparison)) else comparison.strip()
    value = value.strip()
    if comp and SIGN.match(value):
        comp = ""
    unit = unit.strip()
    if unit in ("-", "/", "—", "无") or (unit and value.endswith(unit)):
        unit = ""
    if qualitative and not re.search(r"\d", value):
        unit = ""
    return f"{comp}{value}{unit}"


LEVELS_FIRST = re.compile(r"((?:产出|效益|满意度|成本)指标)(.{2,8}?指标)(.+)")


def split_levels(text: str) -> tuple[str, str, str]:
    """An indicator cell that prints its first and second levels before its name, split; a plain
    name has no levels.

    >>> split_levels("产出指标数量指标便民生活圈年度评价报告")
    ('产出指标', '数量指标', '便民生活圈年度评价报告')
    >>> split_levels("满意度指标服务对象满意度指标使用人员满意度"), split_levels("续建大中型水库")
    (('满意度指标', '服务对象满意度指标', '使用人员满意度'), ('', '', '续建大中型水库'))
    """
    s = re.sub(r"\s+", "", text)
    m = LEVELS_FIRST.fullmatch(s)
    return (m.group(1), m.group(2), m.group(3)) if m else ("", "", text.strip())


def clean_department(text: str) -> str | None:
    """A department name without number codes and （本级）/（汇总）.

    >>> clean_department("233_烟台市民政局"), clean_department("[292]国家信访局"), clean_department("126001 长沙市信访局")
    ('烟台市民政局', '国家信访局', '长沙市信访局')
    """
    s = CODE.sub("", re.sub(r"\s+", "", text or ""))
    s = re.sub(r"[(（](?:本级|汇总)[)）]$", "", s)
    return s or None


__all__ = [
    "NUMBER",
    "WEIGHT",
    "WEIGHTS",
    "amount_pairs",
    "amount_unit",
    "bare",
    "clean_department",
    "label",
    "split_levels",
    "squash",
    "target",
    "to_yuan",
]
