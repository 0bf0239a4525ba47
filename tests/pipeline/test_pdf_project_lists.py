"""A PDF department budget's project list (项目支出预算表 …), on page excerpts in corpus/excerpts/.

Every expectation below is what the excerpt's pages print (see corpus/README.md for the pages)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.models import BudgetTable, Document
from budgetscope.pipeline.linking.findings import department_checks
from budgetscope.pipeline.linking.list_checks import project_list_checks, sources
from budgetscope.pipeline.linking.table_checks import table_sum_checks
from budgetscope.pipeline.pdf_project_lists import (
    department_of,
    list_title_of,
    numbering,
    read_project_list,
)
from budgetscope.pipeline.pdf_statements import pdf_statements, title_of

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
HANGZHOU = EXCERPTS / "hangzhou-transport-2026-p37-39.pdf"
YANTAI = EXCERPTS / "yantai-civil-affairs-2026-p26-28.pdf"
SHENZHEN = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "corpus-national"
    / "shenzhen-finance-2026-department-budget.pdf"
)
"""Not bundled: on its p.27 pdfium and pdfplumber give the characters in different orders, which
``test_pdf_geometry`` (run on every bundled page) does not allow."""
needs_shenzhen = pytest.mark.skipif(not SHENZHEN.exists(), reason="../shared/corpus-national is absent")


def _list(path: Path) -> BudgetTable:
    [table] = [t for t in pdf_statements(path, year=2026)[0] if t.project_rows]
    return table


def _cell(table: BudgetTable, name: str, column: str) -> tuple[Decimal, str, int | None]:
    [b] = [b for b in table.lines if b.name == name and b.column == column]
    return b.yuan, b.text, b.page


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("表10：2026年市级部门项目支出预算表", "表10：2026年市级部门项目支出预算表"),
        ("项目支出预算情况表", "项目支出预算情况表"),
        ("表5 项目支出总表", "表5项目支出总表"),
        ("2026年项目支出预算明细表", "2026年项目支出预算明细表"),
        ("项目支出表", "项目支出表"),
        ("部门综合预算专项业务经费支出表", "部门综合预算专项业务经费支出表"),  # 西安's 表10
        ("部门专项业务经费绩效目标表", None),  # 西安's 表14: a performance form
        ("表10部门综合预算专项业务经费支出表", "表10部门综合预算专项业务经费支出表"),
        ("表11：2026年市级部门项目支出绩效表", None),
        ("项目支出绩效目标表", None),
        ("2024年度项目支出决算表", None),
        ("十一、项目支出预算情况表……………26", None),
        ("收支总表", None),
    ],
)
def test_pdf_project_lists_titles(line: str, title: str | None) -> None:
    assert list_title_of([line]) == title


def test_pdf_project_lists_are_not_summary_tables() -> None:
    assert title_of(["项目支出总表"]) is None and title_of(["支出总表"]) == "支出总表"


def test_pdf_project_lists_unit_and_project_over_a_page_break() -> None:
    # Hangzhou 表10 (excerpt pages 1-2): 单位名称 / 项目名称 / 总计 / 财政拨款收入 (一般公共预算, 政府性基金,
    # 国有资本经营预算) / 财政专户管理资金 / 单位资金, a numbering row ** ** 1 2 3 4 5 6, 合计 first
    table = _list(HANGZHOU)
    assert table.title == "表10：2026年市级部门项目支出预算表" and table.unit == "万元" and table.page == 1
    assert len(table.project_rows) == 27 and len(table.total_rows) == 1
    assert list(dict.fromkeys(b.column for b in table.lines)) == [
        "总计",
        "财政拨款收入/一般公共预算",
        "财政拨款收入/政府性基金",
        "单位资金",
    ]
    assert _cell(table, "合计", "总计") == (Decimal("5761711100.00"), "576,171.11", 1)
    school = "杭州技师学院（杭州交通高级技工学校） / 校园校舍建设"  # its name wraps in its cell
    assert _cell(table, school, "总计") == (Decimal("67000000.00"), "6,700.00", 1)
    assert _cell(table, "杭州市交通运输局 / 行业内相关政府补偿", "财政拨款收入/政府性基金")[0] == Decimal(
        "2000000000.00"
    )
    assert _cell(table, "杭州市交通运输发展保障中心 / 重大项目建设", "财政拨款收入/政府性基金") == (
        Decimal("110000000.00"),
        "11,000.00",
        2,
    )
    assert _cell(table, "杭州市综合交通运输研究中心 / 综合交通研究", "单位资金")[0] == Decimal("300000.00")
    assert sum(b.name == "杭州市交通运输局 / 日常保障运行" for b in table.lines) == 2  # 总计, 一般公共预算
    assert not any(b.name and "*" in b.name for b in table.lines)  # the numbering row is no data
    assert {b.page for b in table.lines} == {1, 2}  # 表11 on page 3 is another table


def test_pdf_project_lists_header_repeated_and_a_category_column() -> None:
    # Yantai 公开表11 项目支出预算情况表 (pages 1-2, title and header printed again on page 2; page 3 is
    # 公开表12): 项目名称 / 项目类别 / 合计 / 财政拨款 (小计 …) / … / 单位资金
    table = _list(YANTAI)
    assert table.title == "项目支出预算情况表" and len(table.project_rows) == 20
    assert _cell(table, "合计", "合计")[0] == Decimal("23852800.00")
    assert _cell(table, "民政业务工作经费", "财政拨款/小计")[0] == Decimal("1740000.00")
    assert _cell(table, "市级精神障碍社区康复服务技术指导中心建设项目", "财政拨款/政府性基金预算") == (
        Decimal("600000.00"),
        "60.00",
        2,
    )
    assert not any(b.name in ("其他运转类", "特定目标类") for b in table.lines)  # 项目类别 is no name
    assert sum(b.name == "合计" for b in table.lines) == 5  # the header on page 2 is not read again


def test_pdf_project_lists_the_department_row_is_the_total() -> None:
    # Shenzhen 表5 项目支出总表 (p.27): 部门名称：深圳市财政局（本级）, whose row totals the 8 projects
    above = ["表5", "项目支出总表", "部门名称：深圳市财政局（本级） 单位：万元"]
    assert department_of(above) == "深圳市财政局（本级）"
    assert department_of(["部门（单位）：烟台市民政局 单位：万元"]) == "烟台市民政局"
    header = [["支出项目类别", "总计", "财政拨款"], ["", "", "一般公共预算拨款"]]
    body = [["深圳市财政局（本级）", "26,361.57", "25,964.74"], ["财政监督管理业务", "1,509.83", "1,509.83"],
            ["预决算管理业务", "18,808.16", "18,808.16"]]  # fmt: skip
    table = read_project_list("项目支出总表", "万元", above, [(27, r) for r in [*header, *body]])
    assert table is not None and table.total_rows == (1,) and table.project_rows == (2, 3)
    assert (
        read_project_list("项目支出总表", "万元", above[:2], [(27, r) for r in [*header, *body]]).total_rows
        == ()
    )


@needs_shenzhen
def test_pdf_project_lists_shenzhen_read_once_as_a_project_list() -> None:
    tables = [t for t in pdf_statements(SHENZHEN, year=2026)[0] if "项目支出" in t.title]
    [table] = tables  # not a summary table too
    assert table.title == "项目支出总表" and len(table.project_rows) == 8 and table.page == 27
    [total] = table.total_rows
    assert {b.name for b in table.lines if b.line == total} == {"深圳市财政局（本级）"}
    assert _cell(table, "预决算管理业务", "总计")[0] == Decimal("188081600.00")
    checks = project_list_checks(SHENZHEN.name, [table])
    assert len(checks) == 20 and {c.status for c in checks} == {"agree"}


@pytest.mark.parametrize(
    ("path", "agree", "rounded"),
    [(HANGZHOU, 30, 2), (YANTAI, 46, 0)],
)
def test_pdf_project_lists_sums_agree(path: Path, agree: int, rounded: int) -> None:
    tables = [t for t in pdf_statements(path, year=2026)[0] if t.project_rows]
    checks = project_list_checks(path.name, tables)
    assert [c.kind for c in checks] == ["table_sum"] * len(checks)
    assert (sum(c.status == "agree" for c in checks), sum(c.status == "rounded" for c in checks)) == (
        agree,
        rounded,
    )
    assert table_sum_checks(path.name, tables) == []  # the summary tables' rules do not apply
    doc = Document(doc=path.name, path=str(path), kind="department_budget", year=2026)
    assert {c.id for c in checks} <= {c.id for c in department_checks(doc, tables, [])}


def test_pdf_project_lists_rounded_total_names_both_numbers() -> None:
    # Hangzhou's 合计 576,171.11 but 350,034.42 + 221,670.92 + 4,465.78 = 576,171.12 (0.01万元: rounding)
    checks = project_list_checks(HANGZHOU.name, [_list(HANGZHOU)])
    [row] = [c for c in checks if c.status == "rounded" and c.field == "list-row:1:1:总计"]
    assert row.stated_yuan == Decimal("5761711100.00") and row.found_yuan == Decimal("5761711200.00")
    assert row.page == 1 and row.line is None


def test_pdf_project_lists_an_edited_cell_disagrees() -> None:
    table = _list(HANGZHOU)
    school = "杭州技师学院（杭州交通高级技工学校） / 校园校舍建设"
    lines = tuple(
        replace(b, yuan=Decimal("76000000.00"), text="7,600.00")
        if b.name == school and b.column == "财政拨款收入/一般公共预算"
        else b
        for b in table.lines
    )
    checks = project_list_checks("h.pdf", [replace(table, lines=lines)])
    bad = sorted(c.field or "" for c in checks if c.status == "disagree")
    row = next(b.line for b in table.lines if b.name == school)
    assert bad == [f"list-row:1:{row}:总计", "list-total:1:1:财政拨款收入/一般公共预算"]
    [total] = [c for c in checks if c.field == "list-total:1:1:财政拨款收入/一般公共预算"]
    assert total.found_yuan - total.stated_yuan == Decimal("8999900.00")  # 900万 more, less 0.01万 rounding
    assert "the 27 project rows" in total.message


def test_pdf_project_lists_subtotal_of_a_group() -> None:
    table = _list(YANTAI)
    lines = tuple(
        replace(b, yuan=Decimal("1750000.00"), text="175.00")
        if b.name == "民政业务工作经费" and b.column == "财政拨款/小计"
        else b
        for b in table.lines
    )
    checks = project_list_checks("y.pdf", [replace(table, lines=lines)])
    bad = {c.field for c in checks if c.status == "disagree"}
    assert bad == {"list-row:1:2:财政拨款", "list-row:1:2:合计", "list-total:1:1:财政拨款/小计"}


def test_pdf_project_lists_sources_of_funds() -> None:
    assert sources(["总计", "2026年预算/财政拨款/一般公共预算拨款", "2026年预算/单位资金/事业收入"]) == (
        "总计",
        [
            ("财政拨款", None, ["2026年预算/财政拨款/一般公共预算拨款"]),
            ("单位资金", None, ["2026年预算/单位资金/事业收入"]),
        ],
    )
    assert sources(["合计", "上年预算数", "本年预算数"]) is None  # another year: not parts
    assert sources(["合计", "单位资金", "单位资金/事业收入"]) is None  # a column and its own parts
    assert sources(["金额"]) is None  # no total column


HEADER = [["单位名称", "项目名称", "总计", "一般公共预算"], ["**", "**", "1", "2"]]


def _rows(*rows: list[str]) -> list[tuple[int, list[str]]]:
    return [(1, list(r)) for r in [*HEADER, *rows]]


def test_pdf_project_lists_unsure_tables_are_not_asserted() -> None:
    good = _rows(["", "合计", "3.00", "3.00"], ["某局", "甲项目", "3.00", "3.00"])
    table = read_project_list("项目支出预算表", "万元", [], good)
    assert table is not None and table.project_rows == (2,) and table.total_rows == (1,)
    assert read_project_list("项目支出预算表", None, [], good) is None  # no unit printed
    cut = _rows(["某局", "甲项目", "3.00", "3.0 0"])
    assert read_project_list("项目支出预算表", "万元", [], cut) is None  # digits that are not one number
    text = _rows(["某局", "甲项目", "3.00", "3.00"], ["某局", "乙项目", "3.00", "见说明"])
    assert read_project_list("项目支出预算表", "万元", [], text) is None  # text under a column of numbers
    two = _rows(
        ["", "合计", "3.00", "3.00"], ["某局", "甲项目", "3.00", "3.00"], ["", "合计", "3.00", "3.00"]
    )
    table = read_project_list("项目支出预算表", "万元", [], two)  # two tables run together: totals not read
    assert table is not None and table.total_rows == () and table.project_rows == (2,)
    note = _rows(["某局", "甲项目", "3.00", "3.00"], ["", "（续）甲项目的说明", "", ""])
    table = read_project_list("项目支出预算表", "万元", [], note)
    assert table is not None and table.project_rows == (1,)  # a row of text only is no project
    nameless = [(1, ["单位", "金额"]), (1, ["某局", "3.00"])]
    assert read_project_list("项目支出预算表", "万元", [], nameless) is None  # no 项目 column
    assert numbering(["栏次", "1", "2", "3"]) and not numbering(["合计", "1", "2"])


def test_project_list_names_a_listed_project_no_record_reads() -> None:
    """Hangzhou's 表10 lists projects by unit; a project of the list that no form or narrative of the
    document reads (here: every listed one is given a form but 校园校舍建设, and 日常保障运行 only under
    another unit) is a `listed_project` info with its amount; one read is not."""
    from budgetscope.models import Form, Record
    from budgetscope.pipeline.linking.list_checks import listed_without_record

    table = _list(HANGZHOU)
    rows = {b.line: b.name or "" for b in table.lines if b.line in table.project_rows}
    school = next(n for n in rows.values() if n.endswith(" / 校园校舍建设"))
    unit = school.rpartition(" / ")[0]
    records = []
    for i, name in enumerate(sorted(set(rows.values()))):
        owner, _, project = name.rpartition(" / ")
        if name == school:
            continue
        if owner == unit and project == "日常保障运行":
            owner = "杭州市交通运输局"  # the same name, another unit's form
        records.append(Record(id=f"f{i}", kind="form", doc=HANGZHOU.name, title=project, name=project,
                              form=Form(implementer=owner)))  # fmt: skip
    found = listed_without_record(HANGZHOU.name, [table], records)
    assert sorted(c.subject for c in found) == sorted([school, f"{unit} / 日常保障运行"])
    [c] = [c for c in found if c.subject == school]
    assert c.kind == "listed_project" and c.status == "missing" and c.stated_yuan == Decimal("67000000.00")
    assert c.page == 1 and "6,700.00万元" in c.message  # the excerpt's first page (p.37 of the budget)
    assert listed_without_record(HANGZHOU.name, [table], []) == []  # no record read at all: coverage says so


def test_project_list_a_name_or_note_spanning_cells_is_no_project() -> None:
    """Cells merged across columns are read into each column they span: a unit's row whose name spans the
    unit and project columns is the unit's (no project named 甲学校 / 甲学校), and a note spanning the
    whole row is text (it does not drop the list as text under a column of numbers)."""
    header = ["单位名称", "项目名称", "合计"]
    rows = [(1, header), (1, ["合计", "", "30.00"]), (1, ["甲学校", "甲学校", "30.00"]),
            (1, ["甲学校", "a项目", "10.00"]), (1, ["甲学校", "b项目", "20.00"]),
            (1, ["注：本表不含结转", "注：本表不含结转", "注：本表不含结转"])]  # fmt: skip
    table = read_project_list("项目支出预算表", "万元", ["单位：万元"], rows)
    assert table is not None
    names = {b.line: b.name for b in table.lines}
    assert [names[r] for r in table.project_rows] == ["甲学校 / a项目", "甲学校 / b项目"]
    assert all(c.status == "agree" for c in project_list_checks("a.pdf", [table]))


XIAN = EXCERPTS / "xian-audit-2026-p32-33.pdf"
XIAN_PROJECTS = [
    "审计培训",
    "购买中介机构审计服务",
    "审计事务",
    "审计专项补助经费",
    "审计专项补助经费（结转）",
]


def _xian_rows() -> tuple[str, str | None, list[str], list[tuple[int, list[str]]]]:
    from budgetscope.pipeline.pdf_project_lists import list_title_of as titled
    from budgetscope.pipeline.pdf_tables import PdfPages
    from budgetscope.pipeline.pdf_titled import row_texts, titled_grids

    with PdfPages(XIAN) as pdf:
        [(title, unit, above, rows, cut)] = titled_grids(
            pdf, [1], titled, lambda g, r: row_texts(g, r, fill=True)
        )
    assert cut is None
    return title, unit, above, rows


def test_pdf_project_lists_levels_shown_by_codes_and_amounts() -> None:
    """西安's 表10 部门综合预算专项业务经费支出表 (excerpt p.1; p.2 is 表11): 单位编码 / 单位（项目）名称 / 项目金额 /
    项目简介. 合计, then 117 西安市审计局 over 117001 西安市审计局 (codes nest by prefix, indented), then rows
    in one name column with no indent, numbering or level column: 通用项目 3,650,000.00 over 大型活动
    150,000.00 (over 审计培训 150,000.00) and 购买服务（…） 3,500,000.00 (over 购买中介机构审计服务), 专用项目
    4,840,507.50 over 审计业务经费 over three projects. Only the amounts show those levels: read from them,
    the five bottom rows are the projects, each named by its unit's row."""
    table = _list(XIAN)
    assert table.title == "部门综合预算专项业务经费支出表" and table.unit == "元" and table.page == 1
    names = {b.line: b.name for b in table.lines}
    assert [names[r] for r in table.project_rows] == [f"西安市审计局 / {p}" for p in XIAN_PROJECTS]
    assert [names[r] for r in table.total_rows] == ["合计"]
    [(unit, under)] = table.groups  # the one level the list prints: 117 over 117001
    assert names[unit] == names[under[0]] == "西安市审计局" and under == (unit + 1,)
    assert _cell(table, "西安市审计局 / 审计专项补助经费（结转）", "项目金额") == (
        Decimal("981827.50"),
        "981,827.50",
        1,
    )
    assert len(table.lines) == 13 and {b.column for b in table.lines} == {"项目金额"}  # 项目简介 is text
    checks = project_list_checks(XIAN.name, [table])
    assert sorted((c.field, c.status) for c in checks) == [
        (f"list-group:1:{unit}:项目金额", "agree"),  # 117 = 117001
        ("list-total:1:1:项目金额", "agree"),  # 合计 = the five projects, no group counted twice
    ]


def test_pdf_project_lists_a_misprinted_level_is_flagged() -> None:
    """With 审计事务 printed 10元 more, no nesting of 117001's rows adds up: they are read flat, and both its
    sum and the 合计's disagree (never a nesting that hides the slip)."""
    title, unit, above, rows = _xian_rows()
    edited = [(p, ["", "审计事务", "2,858,690.00", ""] if "审计事务" in c else c) for p, c in rows]
    table = read_project_list(title, unit, above, edited)
    assert table is not None and len(table.project_rows) == 10
    bad = sorted(c.field or "" for c in project_list_checks(XIAN.name, [table]) if c.status == "disagree")
    assert bad == ["list-group:1:3:项目金额", "list-total:1:1:项目金额"]


def test_pdf_project_lists_levels_read_two_ways_are_not_read() -> None:
    """A group over a row of 0.00 nests two ways (the 0 under it or beside it): those rows are no projects,
    and a note names the table and page."""
    title, unit, above, rows = _xian_rows()
    edited = [*rows, (1, ["", "审计专项补助经费（结转）/其他", "0.00", ""])]
    table = read_project_list(title, unit, above, edited)
    assert table is not None and table.project_rows == ()
    assert table.notes == (
        "部门综合预算专项业务经费支出表 p. 1: 11 rows whose levels are not printed and whose amounts nest in more "
        "than one way: not read as projects",
    )


def test_pdf_project_lists_a_list_not_read_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list found but not read (here its 单位：元 line taken away) is a table of no lines with a note, which
    ingest's reading makes a warning of the document."""
    from budgetscope.index import processing
    from budgetscope.pipeline import pdf_project_lists
    from budgetscope.pipeline.pdf_tables import PdfPages

    title, _, above, rows = _xian_rows()
    monkeypatch.setattr(pdf_project_lists, "titled_grids", lambda *a: [(title, None, above, rows, None)])
    with PdfPages(XIAN) as pdf:
        [table] = pdf_project_lists.read_project_lists(pdf, [1])
    assert table.lines == () and table.project_rows == ()
    note = "部门综合预算专项业务经费支出表 p. 1: its unit (单位：元 / 万元) is not printed; not read"
    assert table.notes == (note,)
    monkeypatch.setattr(pdf_project_lists, "titled_grids", lambda *a: [(title, "元", above, rows, 3)])
    with PdfPages(XIAN) as pdf:
        [table] = pdf_project_lists.read_project_lists(pdf, [1])
    cut = "部门综合预算专项业务经费支出表 p. 1: followed over 40 pages, it goes on at p. 3: the rest is not read"
    assert len(table.project_rows) == 5 and table.notes == (cut,)
    processed = processing.process_file(XIAN)
    assert processed.document is not None and processed.document.warnings == [cut]


def test_pdf_project_lists_a_carried_over_part_is_its_projects() -> None:
    """西安's forms read 审计专项补助经费 (198.18万元: 100万 this year, 98.18万 carried over); the list's
    审计专项补助经费（结转） row is that project's carried-over part, not a project without a form. Its one
    column of amounts (项目金额) is its total."""
    from budgetscope.models import Record
    from budgetscope.pipeline.linking.list_checks import listed_without_record

    table = _list(XIAN)
    records = [Record(id=p, kind="form", doc=XIAN.name, title=p, name=p) for p in XIAN_PROJECTS[:4]]
    assert listed_without_record(XIAN.name, [table], records) == []
    found = listed_without_record(
        XIAN.name, [table], records[:3]
    )  # no form of 审计专项补助经费: both parts listed
    assert [(c.subject, c.stated) for c in found] == [
        ("西安市审计局 / 审计专项补助经费", "1,000,000.00元"),
        ("西安市审计局 / 审计专项补助经费（结转）", "981,827.50元"),
    ]
