"""What every performance-form reader shares: the labels of a 绩效目标申报表 and how its cells read.

Field, amount, text and indicator-level labels; cell parsing (amounts in 元/万元, dates, check
boxes); :class:`FormParse`, what a layout reader returns. :mod:`.forms` (finding forms, picking the
layout) and the readers :mod:`.forms_table`, :mod:`.forms_wrapped`, :mod:`.forms_indicators` all
import from here, never from each other's modules for these.

Example:
    >>> parse_yuan("60") * unit_scale("年度资金总额（万元）"), label_key("项目名称：")
    (Decimal('600000'), '项目名称')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from budgetscope.models import Form
from budgetscope.pipeline.normalize import fold

TITLE = re.compile(r"^(?!.*(?:汇总|见)).{0,40}绩效目标(?:申报|填报|申请)?表$")
"""A form's title line (whitespace removed); a summary table (汇总表) or a sentence ("详见…绩效目标表") is not."""

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
YEAR_GAP = re.compile(r"(?<!\d)((?:19|20)\d{2})[ \t\u3000]+(?=年)")
DATE = re.compile(r"((?:19|20)\d{2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
NUMBER = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \u3000]+(?=[\u3400-\u9fff])")
CHECKED = "■☑▣√✓✔"
UNCHECKED = "□☐"

FIELD_LABELS: dict[str, str] = {
    "项目名称": "name",
    "项目性质": "nature",
    "项目类型": "nature",
    "项目属性": "nature",
    "项目类别": "category",
    "资金用途": "category",
    "主管部门": "department",
    "主管部门及代码": "department",
    "申报单位": "department",
    "申报单位名称": "department",
    "预算单位": "department",
    "预算单位名称": "department",
    "实施单位": "implementer",
    "项目实施单位": "implementer",
    "计划开始日期": "start",
    "项目开始日期": "start",
    "开始日期": "start",
    "开始时间": "start",
    "计划完成日期": "end",
    "计划结束日期": "end",
    "项目完成日期": "end",
    "完成日期": "end",
    "结束日期": "end",
    "结束时间": "end",
}
"""Labels of the one-value fields (whitespace and colons removed) and the field they fill."""

AMOUNT_LABELS: dict[str, str | None] = {
    "项目资金总额": "project_total",
    "项目总预算": "project_total",
    "中期资金总额": "project_total",
    "年度资金申请总额": "annual_total",
    "项目当年预算": "annual_total",
    "年度资金总额": "annual_total",
    "本年资金申请总额": "annual_total",
    "本年资金总额": "annual_total",
    "其中当年财政拨款": "fiscal_current",
    "当年财政拨款": "fiscal_current",
    "其中财政拨款": "fiscal_current",
    "财政拨款": "fiscal_current",
    "其中本年财政拨款": "fiscal_current",
    "本年财政拨款": "fiscal_current",
    "上年结转资金": "carryover",
    "其中上年结转资金": "carryover",
    "其他资金": "other",
    "同名项目上年预算额": "previous_year",
    "同名项目上年预算执行数": None,
    "其中财政资金": None,
}
"""Amount labels and their key in ``Form.amounts`` (None: a label whose value is not kept)."""

TEXT_LABELS: tuple[str, ...] = (
    "项目概况",
    "项目概述",
    "立项依据",
    "项目设立的必要性",
    "保证项目实施的制度、措施",
    "项目实施计划",
    "实施内容",
    "项目总目标",
    "总体目标",
    "中期目标",
    "年度绩效目标",
    "年度总体目标",
    "年度目标",
    "备注",
)
"""Labels of the free-text fields, kept in ``Form.texts``."""

OTHER_LABELS: tuple[str, ...] = (
    "项目资金",
    "项目绩效目标",
    "绩效目标",
    "分解目标",
    "项目负责人",
    "联系人",
    "联系电话",
    "填报人",
    "审核人",
    "单位负责人",
    "填报日期",
)
"""Labels that carry no kept value but must not be read as another label's value."""

LEVEL1: frozenset[str] = frozenset(
    {"产出指标", "效益指标", "满意度指标", "投入和管理目标", "产出目标", "效果目标"}
)
LEVEL2: frozenset[str] = frozenset(
    {
        "数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标", "生态效益指标",
        "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
        "数量目标", "质量目标", "时效目标", "成本目标", "经济效益目标", "社会效益目标", "生态效益目标",
        "可持续影响目标", "可持续目标", "影响力目标", "满意度目标", "服务对象满意度目标",
        "人员投入", "资金投入", "设施投入", "设备投入", "管理目标", "项目管理", "财务管理", "资产管理",
        "制度管理", "长效管理", "人力资源", "档案管理", "信息共享",
    }
)  # fmt: skip
"""Level-1 and level-2 indicator labels of the two form families (成本指标 is either, by position)."""

GENERIC_LEVEL = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:指标|目标)$")


def squash(text: str) -> str:
    """NFKC-folded text without any whitespace: the key labels are matched on.

    >>> squash("项目 绩效\\t目标")
    '项目绩效目标'
    """
    return re.sub(r"\s+", "", fold(text))


def title_text(line: str) -> str:
    """A form's title line as its title: stripped, a year set apart from its 年 by the PDF's text
    (a Latin font's 2026 beside a CJK 年) joined to it again.

    >>> title_text(" 2026 年市级重点专项资金绩效目标表（一级项目）")
    '2026年市级重点专项资金绩效目标表（一级项目）'
    """
    return YEAR_GAP.sub(r"\1", line.strip())


def label_key(cell: str) -> str:
    """A cell as a label key: folded, no whitespace, colons and a unit suffix (元)/(万元) removed.

    >>> label_key("其中: 当年财政拨款"), label_key("项目资金 (元)")
    ('其中当年财政拨款', '项目资金')
    """
    key = squash(cell).replace(":", "").replace("：", "")
    return re.sub(r"\(万?元\)$", "", key)


def printed_label(cell: str) -> str:
    """An amount's label as printed, without 其中, colons, white space and a unit suffix.

    >>> printed_label("其中: 当年财政拨款"), printed_label("项目当年预算（元）")
    ('当年财政拨款', '项目当年预算')
    """
    return re.sub(r"^其中", "", label_key(cell)) or label_key(cell)


def is_label(cell: str) -> bool:
    """True for a cell that names a field of the form (not a value)."""
    key = label_key(cell)
    return key in FIELD_LABELS or key in AMOUNT_LABELS or key in TEXT_LABELS or key in OTHER_LABELS


def unit_scale(label: str) -> Decimal:
    """10000 when a label states 万元, else 1 (amounts in 元)."""
    return Decimal(10000) if "万元" in fold(label) else Decimal(1)


def parse_yuan(cell: str) -> Decimal | None:
    """An amount cell as Decimal yuan: "1,524,325.00" -> 1524325.00; None if not a number.

    >>> parse_yuan("1,524,325.00"), parse_yuan("7150000"), parse_yuan("合计")
    (Decimal('1524325.00'), Decimal('7150000'), None)
    """
    s = squash(cell).replace("−", "-")
    s = re.sub(r"万?元$", "", s)
    if not NUMBER.match(s):
        return None
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


def parse_date(text: str) -> date | None:
    """The first date in ``text``: "2026-01-01", "2019  年     1    月   1   日" -> date.

    >>> parse_date("2019  年     1    月   1   日"), parse_date("2026-12-31")
    (datetime.date(2019, 1, 1), datetime.date(2026, 12, 31))
    """
    for m in DATE.finditer(fold(text)):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def repair_name(name: str) -> str:
    """Remove an in-cell line-wrap space between two CJK characters.

    >>> repair_name("离退休人员抚恤金 丧葬费")
    '离退休人员抚恤金丧葬费'
    """
    return CJK_GAP.sub("", name.strip())


def checked_options(text: str) -> list[str]:
    """The ■-checked options of a check-box line, in order.

    >>> checked_options("市委市政府已确定的新增项目□    结转项目□    其他一次性项目■")
    ['其他一次性项目']
    """
    boxes = CHECKED + UNCHECKED
    s = text.strip()
    if s[:1] in boxes:  # box before its option: "■其他一次性项目 □结转项目"
        pairs = re.findall(rf"([{boxes}])\s*([^\s{boxes}]+)", s)
        return [opt for box, opt in pairs if box in CHECKED]
    pairs = re.findall(rf"([^\s{boxes}]+)\s*([{boxes}])", s)
    return [opt for opt, box in pairs if box in CHECKED]


def choice(text: str) -> str | None:
    """A nature/category value: the checked options joined by 、 for a check-box layout, else the text."""
    if any(c in text for c in CHECKED + UNCHECKED):
        picked = checked_options(text)
        return "、".join(picked) if picked else None
    return text.strip() or None


def level_of(label: str) -> int | None:
    """1 or 2 for a known indicator level label, None when the vocabulary does not tell."""
    key = squash(label)
    if key in LEVEL1:
        return 1
    if key in LEVEL2:
        return 2
    return None


def is_level_label(cell: str) -> bool:
    """True for a level-1/level-2 indicator label (known, or a short "…指标"/"…目标")."""
    key = squash(cell)
    return key in LEVEL1 or key in LEVEL2 or key == "成本指标" or bool(GENERIC_LEVEL.match(key))


@dataclass
class FormParse:
    """What a layout reader found in one form: the name, the year printed on it, the fields."""

    name: str | None = None
    year: int | None = None
    form: Form = field(default_factory=Form)
