from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.models import Record, stable_id
from budgetscope.pipeline.form_labels import checked_options, choice, parse_date, parse_yuan, repair_name
from budgetscope.pipeline.forms import is_form_document, is_form_title, segment_forms, unjoin_labels
from budgetscope.pipeline.forms_wrapped import split_labels, split_row
from budgetscope.pipeline.load import load
from budgetscope.pipeline.normalize import Line, Text, normalize_text

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TABLE = "sast-2026-performance-targets.txt"
WRAPPED = "sast-2019-performance-targets.txt"


@cache
def _text(name: str) -> Text:
    src = load(CORPUS / name)
    return normalize_text(src.text, src.page_starts)


@cache
def _forms(name: str) -> tuple[Record, ...]:
    return tuple(segment_forms(_text(name), doc=name, department="上海市科学技术协会", year=None))


def _form(name: str, line: int) -> Record:
    return next(r for r in _forms(name) if r.line == line)


def _rows(record: Record) -> list[tuple[str | None, str | None, str | None, str | None]]:
    assert record.form is not None
    return [(i.level1, i.level2, i.level3, i.target) for i in record.form.indicators]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        (TABLE, 13),
        (WRAPPED, 5),
        ("sast-2026-department-budget.txt", 0),
        ("sast-2023-department-budget.txt", 0),
        ("stcsm-2025-department-budget.txt", 0),
    ],
)
def test_forms_count_per_corpus_file(name: str, count: int) -> None:
    assert len(_forms(name)) == count
    assert is_form_document(_text(name)) == (count > 0)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (TABLE, [5, 25, 43, 61, 78, 96, 115, 132, 150, 168, 186, 206, 224]),
        (WRAPPED, [2, 142, 289, 505, 666]),
    ],
)
def test_forms_record_starts_at_title_line(name: str, lines: list[int]) -> None:
    records = _forms(name)
    assert [r.line for r in records] == lines
    assert all(r.kind == "form" and r.id == stable_id(name, "form", r.line) for r in records)
    assert {r.title for r in records} == {
        "财政项目支出绩效目标申报表" if name == TABLE else "上海市财政支出项目绩效目标申报表"
    }


@pytest.mark.parametrize(
    ("line", "name", "nature", "category"),
    [
        (5, "创新服务与发展项目", "其他一次性项目", "特定目标类"),
        (43, "落实推进《全民科学素质纲要》", "其他一次性项目", "特定目标类"),  # a 7-column form
        (61, "离退休人员抚恤金丧葬费", "其他一次性项目", "特定目标类"),  # cell "离退休人员抚恤金 丧葬费"
        (206, "市科协机构及常委会会议费", "其他经常性项目", "其他运转类"),
    ],
)
def test_forms_table_fields(line: int, name: str, nature: str, category: str) -> None:
    record = _form(TABLE, line)
    form = record.form
    assert form is not None
    assert (record.name, record.year, record.department) == (name, 2026, "上海市科学技术协会")
    assert (form.nature, form.category) == (nature, category)
    assert (form.department, form.implementer) == ("上海市科学技术协会", "上海市科学技术协会")
    assert (form.start, form.end) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("line", "amounts"),
    [
        (25, {"annual_total": 1524325, "fiscal_current": 1524325, "carryover": 0, "other": 0}),
        (96, {"annual_total": 2050000, "fiscal_current": 1550000, "carryover": 0, "other": 500000}),
        (150, {"annual_total": 1600000, "fiscal_current": 1400000, "carryover": 0, "other": 200000}),
    ],
)
def test_forms_table_amounts_only_present_values(line: int, amounts: dict[str, int]) -> None:
    form = _form(TABLE, line).form
    assert form is not None
    assert form.amounts == {
        k: Decimal(v) for k, v in amounts.items()
    }  # 项目资金总额 is blank: no project_total


def test_forms_table_indicator_rows_keep_in_cell_spaces() -> None:
    assert _rows(_form(TABLE, 25)) == [
        ("产出指标", "数量指标", "绩效审计数量", "≥8.00(个)"),
        ("产出指标", "质量指标", "绩效审计政府采购合规性", "合规"),
        ("产出指标", "时效指标", "项目完成时间", "2026 年 12 月 31 日 前完成"),
        ("效益指标", "社会效益指标", "科协日常工作的开展情况", "保障科协日常工作 有效开展"),
        ("满意度指标", "服务对象满意度指标", "科协工作人员满意度", "≥85.00(%)"),
    ]


def test_forms_table_page_break_splits_merged_cell_and_shifts_columns() -> None:
    # L108 "绩效\t产出指标…" (7 columns), blank L109, L110 "指标\t\t质量指标\t项目考核达标率\t=100.00(%)" (5)
    rows = _rows(_form(TABLE, 96))
    assert rows[:2] == [
        ("产出指标", "数量指标", "专报完成数量", "≥6.00(篇)"),
        ("产出指标", "质量指标", "项目考核达标率", "=100.00(%)"),
    ]
    assert len(rows) == 5


def test_forms_table_page_break_with_labels_in_wrong_columns() -> None:
    rows = _rows(_form(TABLE, 224))
    assert rows[1] == ("产出指标", "质量指标", "短视频制作数量", "≥150.00(条)")
    assert rows[4] == ("产出指标", "时效指标", "项目完成时间", "2026年12月31日前完成")
    assert rows[6] == ("效益指标", "社会效益指标", "阅读量和转发量", "相比去年有所提升")
    assert rows[7] == (
        "满意度指标",
        "服务对象满意度指标",
        "科技工作者满意度",
        "≥85.00(%)",
    )  # last line, no newline


def test_forms_table_row_after_page_break_and_markdown_separator() -> None:
    rows = _rows(_form(TABLE, 5))
    assert rows[-1] == ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥85.00(%)")
    assert len(rows) == 5  # "--\t-------\t…" is no row


def test_forms_table_texts_by_column() -> None:
    form = _form(TABLE, 5).form
    assert form is not None
    assert set(form.texts) == {"年度总体目标"}
    assert form.texts["年度总体目标"].startswith("稳步提高院士专家工作站的运行质量和规范化管理")


def test_forms_wrapped_fields_and_check_boxes() -> None:
    record = _form(WRAPPED, 2)
    form = record.form
    assert form is not None
    assert (record.name, record.year, record.department) == ("百万市民共享科普", 2019, "上海市科学技术协会")
    assert form.nature == "其他一次性项目、其他经常性项目"  # two ■ on the form
    assert form.category == "其他事业专业类"
    assert form.implementer is None
    assert (form.start, form.end) == (date(2019, 1, 1), date(2019, 12, 31))
    assert form.amounts == {
        "project_total": Decimal(7150000),
        "annual_total": Decimal(7150000),
        "previous_year": Decimal(6250000),
    }


@pytest.mark.parametrize(
    ("line", "name", "nature", "start"),
    [
        (142, "落实推进《全民科学素质纲要》", "其他一次性项目、其他经常性项目", date(2019, 1, 1)),
        (289, "国际合作与交流", "其他一次性项目", date(2019, 1, 1)),  # "2019   年   01    月  01  日"
        (505, "加强科技创新智库建设", "其他一次性项目", date(2019, 1, 1)),
        (666, "“科技工作者之家”建设", "其他一次性项目", date(2019, 1, 1)),
    ],
)
def test_forms_wrapped_names_and_nature(line: int, name: str, nature: str, start: date) -> None:
    record = _form(WRAPPED, line)
    assert record.form is not None
    assert (record.name, record.form.nature, record.form.start) == (name, nature, start)


def test_forms_wrapped_components() -> None:
    form = _form(WRAPPED, 505).form
    assert form is not None
    assert [(c.name, c.yuan) for c in form.components] == [
        ("决策咨询与专报", Decimal(600000)),
        ("科技工作者状况调查站点管理与发展", Decimal(500000)),
        ("重点工作和优秀人物宣传", Decimal(1000000)),
        ("上海科学会堂申报国家级科技文物项目", Decimal(200000)),
    ]


def test_forms_wrapped_texts_with_broken_labels() -> None:
    form = _form(WRAPPED, 2).form
    assert form is not None
    assert list(form.texts) == [
        "项目概况",
        "立项依据",
        "项目设立的必要性",  # "项目设立的必" / "要性"
        "保证项目实施的制度、措施",  # "保证项目实施" / "的制度、措施"
        "项目实施计划",
        "项目总目标",
        "年度绩效目标",
    ]
    assert "1、《中华人民共和国科学技术普及法》" in form.texts["立项依据"]
    assert form.texts["项目设立的必要性"].startswith("必要性:\n上海科普工作以提高公众科学素质")


def test_forms_wrapped_indicator_rows() -> None:
    rows = _rows(_form(WRAPPED, 2))
    assert rows[0][:2] == ("投入和管理目标", "人员投入")  # "投入和管理目" / "标"
    assert rows[0][3] == "100%"
    assert ("产出目标", "数量目标", "科普资源共建共享", "100%") in rows
    assert ("效果目标", "社会效益目标", "提升上海辖区内公民科学素养", "有所提升") in rows  # level 2 glued
    assert ("影响力目标", "满意度目标", "上海居民满意度", "85%") in rows  # the level-1 cell beside its rows
    assert len(rows) == 7  # 质量目标 … 影响力目标 without a row give no indicator


def test_forms_wrapped_stacked_cells() -> None:
    rows = _rows(_form(WRAPPED, 289))
    assert [r[2:] for r in rows if r[1] == "数量目标"] == [
        ("活动次数", "3次"),
        ("参与人员", "约200人次"),
        ("论文篇数", "60篇"),
    ]
    assert [r[2] for r in rows if r[1] == "质量目标"] == ["与会代表", "论    文", "报告内容"]


def test_forms_wrapped_numbered_target() -> None:
    rows = _rows(_form(WRAPPED, 666))
    assert (
        "产出目标",
        "时效目标",
        "及时更新内容、及时对受众反馈做出响应",
        "1.资讯类内容每日更新     2.视频类内容每周更新",
    ) in rows


def test_forms_contract_is_json_ready() -> None:
    out = _form(TABLE, 96).contract()
    assert out["form"]["amounts"] == {
        "annual_total": 2050000,
        "fiscal_current": 1550000,
        "carryover": 0,
        "other": 500000,
    }
    assert out["form"]["start"] == "2026-01-01"


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\n\n\n",
        "财政项目支出绩效目标申报表\n",  # a title without 项目名称 is not a form
        "上海市科学技术协会 2026 年度项目绩效目标汇总表\n项目名称\t机关服务费\n",  # a summary, not a form
        "七、绩效目标\n\n详见单位绩效目标表”；绩效目标表需要公开的项目“科技服务信息专递”。\n",
    ],
)
def test_forms_none_in_text_without_forms(source: str) -> None:
    assert segment_forms(normalize_text(source), doc="x.txt", department=None, year=None) == []


def test_forms_year_and_department_fall_back_to_document() -> None:
    text = normalize_text("财政项目支出绩效目标申报表\n项目名称\t机关服务费\n")
    [record] = segment_forms(text, doc="x.txt", department="上海市科学技术协会", year=2026)
    assert (record.name, record.year, record.department) == ("机关服务费", 2026, "上海市科学技术协会")


def test_forms_unjoin_labels_cuts_label_glued_by_normalizer() -> None:
    source = "…赋予科协组织的重要任务，也\n立项依据\n习近平总书记关于加强和改进党的群团工作"
    first = Line(source.split("\n")[0] + "立项依据", 1, 1, 0, ((0, 0), (14, 15)))
    text = Text(source=source, lines=[first], page_starts=(0,), line_starts=[0, 15, 20])
    assert [(ln.text, ln.line, ln.start) for ln in unjoin_labels(text)] == [
        ("…赋予科协组织的重要任务，也", 1, 0),
        ("立项依据", 2, 15),
    ]


@pytest.mark.parametrize(
    ("cell", "yuan"),
    [
        ("600,000.00", Decimal("600000.00")),
        ("1,524,325.00", Decimal("1524325.00")),
        ("0.00", Decimal("0.00")),
        ("7150000", Decimal(7150000)),
        ("项目资金总额:", None),
        ("", None),
        ("≥100.00(人)", None),
    ],
)
def test_forms_parse_yuan(cell: str, yuan: Decimal | None) -> None:
    assert parse_yuan(cell) == yuan


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026-01-01", date(2026, 1, 1)),
        ("2019  年     1    月   1   日", date(2019, 1, 1)),
        ("2019   年   01    月  01  日", date(2019, 1, 1)),
        ("2019年   12  月    31    日", date(2019, 12, 31)),
        ("2019 年12月31日", date(2019, 12, 31)),
        ("2026-02-30", None),
        ("", None),
    ],
)
def test_forms_parse_date(cell: str, day: date | None) -> None:
    assert parse_date(cell) == day


@pytest.mark.parametrize(
    ("line", "options"),
    [
        ("市委市政府已确定的新增项目□    结转项目□    其他一次性项目■", ["其他一次性项目"]),
        ("经常性专项业务费□   其他经常性项目□", []),
        (
            "基本建设工程类□    信息化建设类□    政策补贴类□        政府购买服务    资产购置类□    其他事业专业类■",
            ["其他事业专业类"],
        ),
        ("■其他一次性项目 □结转项目", ["其他一次性项目"]),
    ],
)
def test_forms_checked_options(line: str, options: list[str]) -> None:
    assert checked_options(line) == options


def test_forms_choice_without_boxes_is_the_cell() -> None:
    assert choice("其他一次性项目") == "其他一次性项目"
    assert choice("结转项目□") is None


@pytest.mark.parametrize(
    ("rest", "cells"),
    [
        ("科普资源共建共享 100%", ("科普资源共建共享", "100%")),
        ("提升上海辖区内公民科学素养 有所提升", ("提升上海辖区内公民科学素养", "有所提升")),
        ("项目完成时间 2019年度", ("项目完成时间", "2019年度")),
        ("项目完成时间 2026 年 12 月 31 日前完成", ("项目完成时间", "2026 年 12 月 31 日前完成")),
        ("按照各级主管部门和市科协内部相关规章制度，严格规范进行项目管理和经费使用执行率10%",
         ("按照各级主管部门和市科协内部相关规章制度，严格规范进行项目管理和经费使用执行率", "10%")),
        ("完成课题数", ("完成课题数", None)),
    ],
)  # fmt: skip
def test_forms_split_row(rest: str, cells: tuple[str, str | None]) -> None:
    assert split_row(rest) == cells


@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        ("申报单位名称：上海市科学技术协会", [("申报单位名称", "field", "上海市科学技术协会")]),
        ("项目名称 落实推进《全民科学素质纲要》", [("项目名称", "field", "落实推进《全民科学素质纲要》")]),
        ("项目性质 其他一次性项目 项目类别 特定目标类", [("项目性质", "field", "其他一次性项目"), ("项目类别", "field", "特定目标类")]),
        ("项目概况", [("项目概况", "text", "")]),
        ("依  据:离岸创新创业服务平台建设", []),
    ],
)  # fmt: skip
def test_forms_split_labels(line: str, pairs: list[tuple[str, str, str]]) -> None:
    assert split_labels(line) == pairs


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("财政项目支出绩效目标申报表\t\t\t\t\t", True),
        ("上海市财政支出项目绩效目标申报表", True),
        ("上海市科学技术协会 2026 年度项目绩效目标汇总表", False),
        ("详见单位绩效目标表”；绩效目标表需要公开的项目“科技服务信息专递”。", False),
    ],
)
def test_forms_is_form_title(line: str, title: bool) -> None:
    assert is_form_title(line) is title


def test_forms_repair_name_only_between_cjk() -> None:
    assert repair_name("离退休人员抚恤金 丧葬费") == "离退休人员抚恤金丧葬费"
    assert repair_name("长三角 G60 科创走廊") == "长三角 G60 科创走廊"


@given(st.decimals(min_value=0, max_value=10**12, places=2))
def test_forms_parse_yuan_round_trips_grouped_amounts(value: Decimal) -> None:
    assert parse_yuan(f"{value:,.2f}") == value


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 5))
def test_forms_parse_date_round_trips_spaced_dates(day: date, pad: int) -> None:
    sp = " " * pad
    assert parse_date(f"{day.year}{sp}年{sp}{day.month}{sp}月{sp}{day.day}{sp}日") == day
    assert parse_date(day.isoformat()) == day


FRAGMENTS = [
    "财政项目支出绩效目标申报表",
    "上海市财政支出项目绩效目标申报表",
    "(2026 年度)",
    "项目名称\t机关服务费\t项目性质\t其他一次性项目",
    "项目名称 百万市民共享科普",
    "项目类型",
    "结转项目□    其他一次性项目■",
    "项目资金 (元)\t项目资金总额:\t\t年度资金申请总额:\t600,000.00",
    "项目总预算（元） 7150000 项目当年预算（元） 7150000",
    "子项目名称 预算金额（元）",
    "\t一级指标\t二级指标\t三级指标\t年度(/项目)指标值",
    "一级指标 二级指标 三级指标 指标目标值",
    "绩效 指标\t产出指标\t数量指标\t司机位数\t=4.00(人)",
    "数量目标",
    "社会效益目标提升上海辖区内公民科学素养 有所提升",
    "--\t-------\t-----------",
    "项目支出绩效目标表",
    "(2026 年度)\t\t\t\t单位：万元",
    "项目资金（万元）\t项目资金总额:\t\t年度资金总额:\t60.00",
    "\t展项目\t\t",
    "\t一级指标\t二级指标\t三级指标\t指标值\t计量单位",
    "\t\t\t专家参与人数\t≥100.00\t人",
    "项目设立的必",
    "要性",
    "",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40))
def test_forms_never_crash_on_shuffled_form_lines(parts: list[str]) -> None:
    records = segment_forms(normalize_text("\n".join(parts)), doc="f.txt", department=None, year=None)
    assert all(r.kind == "form" and r.form is not None for r in records)


# Variants of a REAL table-layout form: the first form of sast-2026-performance-targets.txt
# (L5-L23, "创新服务与发展项目", 600,000.00 yuan), edited the way other departments' and years' forms differ.


def _real_form() -> list[str]:
    return (CORPUS / TABLE).read_text(encoding="utf-8").split("\n")[4:23]


def _edit(lines: list[str], *edits: tuple[str, str]) -> list[str]:
    """Replace each ``old`` by ``new`` in every line (each edit must apply)."""
    for old, new in edits:
        assert any(old in ln for ln in lines), old
        lines = [ln.replace(old, new) for ln in lines]
    return lines


def _variant(lines: list[str]) -> Record:
    records = segment_forms(normalize_text("\n".join(lines) + "\n"), doc="v.txt", department=None, year=None)
    assert len(records) == 1
    assert records[0].name == "创新服务与发展项目"
    assert records[0].form is not None
    return records[0]


YUAN_600K = {"annual_total": Decimal(600000), "fiscal_current": Decimal(600000), "carryover": 0, "other": 0}


@pytest.mark.parametrize(
    "edits",
    [
        # money label states 万元 (full-width brackets), the amounts are in 万元
        [("项目资金 (元)", "项目资金（万元）"), ("600,000.00", "60.00")],
        # a "单位：万元" note in the year row, the money label without a unit
        [
            ("项目资金 (元)", "项目资金"),
            ("(2026 年度)\t", "(2026 年度)\t单位：万元"),
            ("600,000.00", "60.00"),
        ],
    ],
)
def test_forms_table_amounts_in_wan_yuan_become_yuan(edits: list[tuple[str, str]]) -> None:
    form = _variant(_edit(_real_form(), *edits)).form
    assert form is not None and form.amounts == YUAN_600K


@pytest.mark.parametrize(
    "edits",
    [
        [("项目性质", "项目类型"), ("主管部门", "预算单位"), ("实施单位", "项目实施单位")],
        [("主管部门", "申报单位"), ("计划开始日期", "开始日期"), ("计划完成日期", "结束日期")],
        [("年度资金申请总额:", "年度资金总额:"), ("其中: 当年财政拨款", "财政拨款")],
        [("年度资金申请总额:", "本年资金申请总额:"), ("其中: 当年财政拨款", "当年财政拨款")],
    ],
)
def test_forms_table_label_variants(edits: list[tuple[str, str]]) -> None:
    form = _variant(_edit(_real_form(), *edits)).form
    assert form is not None
    assert (form.nature, form.category) == ("其他一次性项目", "特定目标类")
    assert (form.department, form.implementer) == ("上海市科学技术协会", "上海市科学技术协会")
    assert (form.start, form.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert form.amounts == YUAN_600K


def test_forms_title_keeps_its_year_whole() -> None:
    # a PDF's text sets the year apart from its 年 ("2026 年…", the digits in a Latin font)
    record = _variant(
        _edit(_real_form(), ("财政项目支出绩效目标申报表", "2026 年财政项目支出绩效目标申报表"))
    )
    assert record.title == "2026年财政项目支出绩效目标申报表" and record.year == 2026


def test_forms_table_missing_carryover_and_implementer_rows() -> None:
    # the "\t\t\t上年结转资金\t0.00\t" row removed; 实施单位 and its value cleared from the 主管部门 row
    lines = [ln for ln in _real_form() if "上年结转资金" not in ln]
    form = _variant(_edit(lines, ("\t实施单位\t上海市科学技术协会", "\t\t"))).form
    assert form is not None
    assert (form.department, form.implementer) == ("上海市科学技术协会", None)
    assert form.amounts == {"annual_total": 600000, "fiscal_current": 600000, "other": 0}
    assert len(form.indicators) == 5


@pytest.mark.parametrize("column", [0, 1, 3, 5])
def test_forms_table_extra_blank_column(column: int) -> None:
    # an empty cell inserted at ``column`` of every tabbed row
    def widen(line: str) -> str:
        cells = line.split("\t")
        return "\t".join([*cells[:column], "", *cells[column:]]) if len(cells) > 1 else line

    form = _variant([widen(ln) for ln in _real_form()]).form
    assert form is not None
    assert (form.nature, form.implementer, form.end) == (
        "其他一次性项目",
        "上海市科学技术协会",
        date(2026, 12, 31),
    )
    assert form.amounts == YUAN_600K
    assert [(i.level1, i.level2, i.level3, i.target) for i in form.indicators[:2]] == [
        ("产出指标", "数量指标", "专家参与人数", "≥100.00(人)"),
        ("产出指标", "质量指标", "创新服务活动质量达标率", "=100.00(%)"),
    ]


@pytest.mark.parametrize("continuation", ["\t展项目\t\t\t\t", "展项目"])
def test_forms_table_project_name_wrapped_onto_next_line(continuation: str) -> None:
    # "创新服务与发展项目" cut after 发; the rest on the next line, in the name's column or without tabs
    lines = _edit(_real_form(), ("\t创新服务与发展项目\t", "\t创新服务与发\t"))
    at = next(n for n, ln in enumerate(lines) if ln.startswith("项目名称"))
    record = _variant([*lines[: at + 1], continuation, *lines[at + 1 :]])
    assert record.form is not None and record.form.nature == "其他一次性项目"


def test_forms_table_blank_level_cells_carry_down() -> None:
    # the 质量指标 cell of the second row blanked: both levels carry down from the row above
    lines = _edit(_real_form(), ("\t\t质量指标\t创新服务活动质量达标率", "\t\t\t创新服务活动质量达标率"))
    assert _rows(_variant(lines))[:3] == [
        ("产出指标", "数量指标", "专家参与人数", "≥100.00(人)"),
        ("产出指标", "数量指标", "创新服务活动质量达标率", "=100.00(%)"),
        ("产出指标", "时效指标", "项目完成时间", "2026 年 12 月 31 日前完成"),
    ]


@pytest.mark.parametrize("header", ["指标值\t计量单位", "年度(/项目)指标值\t"])
def test_forms_table_target_unit_in_separate_cell(header: str) -> None:
    # "≥100.00(人)" split into a value cell and a unit cell, with or without a 计量单位 header column
    lines = _edit(
        _real_form(),
        ("年度(/项目)指标值\t", header),
        ("≥100.00(人)", "≥100.00\t人"),
        ("=100.00(%)", "=100.00\t%"),
        ("≥85.00(%)", "≥85.00\t%"),
    )
    rows = _rows(_variant(lines))
    assert [r[2:] for r in rows] == [
        ("专家参与人数", "≥100.00人"),
        ("创新服务活动质量达标率", "=100.00%"),
        ("项目完成时间", "2026 年 12 月 31 日前完成"),
        ("创新氛围提升情况", "相比上一年有提升"),
        ("服务对象满意度", "≥85.00%"),
    ]


@pytest.mark.parametrize("shift", [False, True])
def test_forms_table_page_break_repeats_indicator_header(shift: bool) -> None:
    # a blank line and the header row again before the 时效指标 row (``shift``: the new page's rows
    # lose their first empty column, as in L108-L110 of the corpus)
    lines = _real_form()
    at = next(n for n, ln in enumerate(lines) if "时效指标" in ln)
    after = [ln.removeprefix("\t") for ln in lines[at:]] if shift else lines[at:]
    header = "一级指标\t二级指标\t三级指标\t年度(/项目)指标值" if shift else lines[at - 3]
    assert header.startswith("\t一级指标") or shift
    rows = _rows(_variant([*lines[:at], "", header, *after]))
    assert rows == _rows(_variant(lines))
    assert rows[2] == ("产出指标", "时效指标", "项目完成时间", "2026 年 12 月 31 日前完成")


@pytest.mark.parametrize("title", ["项目支出绩效目标表", "部门项目支出绩效目标表"])
def test_forms_table_newer_template_title(title: str) -> None:
    record = _variant(_edit(_real_form(), ("财政项目支出绩效目标申报表", title)))
    assert (record.title, record.line, record.year) == (title, 1, 2026)
    assert len(_rows(record)) == 5


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        (TABLE, {"annual_total": "年度资金申请总额", "fiscal_current": "当年财政拨款", "carryover": "上年结转资金",
                 "other": "其他资金"}),
        (WRAPPED, {"project_total": "项目总预算", "annual_total": "项目当年预算", "previous_year": "同名项目上年预算额"}),
    ],
)  # fmt: skip
def test_forms_text_amounts_keep_their_printed_label(name: str, labels: dict[str, str]) -> None:
    """Shanghai's tab table (年度资金申请总额, 其中：当年财政拨款) and the 2019 wrapped form (项目总预算 /
    项目当年预算): each amount's label as printed, without 其中 and its unit."""
    form = _forms(name)[0].form
    assert form is not None and form.amount_labels == labels and set(form.amounts) == set(labels)
