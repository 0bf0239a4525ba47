from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents, implementing_bodies, section_amounts


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        ("上海市科普事业中心", ["上海市科普事业中心"]),
        ("市科协本级", ["市科协本级"]),
        ("（列举具体实施项目的各个责任主体及其职责等）", []),
        (
            "上海科技馆运维中心、上海自然博物馆运维中心和上海天文馆运维中心。",
            ["上海科技馆运维中心", "上海自然博物馆运维中心", "上海天文馆运维中心"],
        ),
        (
            "实施主体是上海集成电路技术与产业促进中心，由技术服务部、测试服务部、项目管理部负责，主要是流片加工服务、EDA技术支持。",
            ["上海集成电路技术与产业促进中心", "技术服务部", "测试服务部", "项目管理部"],
        ),
        (
            "继续教育部、信息教育部、科普教育部三个部门根据分工开展各项业务",
            ["继续教育部", "信息教育部", "科普教育部"],
        ),
        (
            "责任主体：上海市信息技术研究中心\n\n职责：保障长三角高分遥感数据中心运行维护及对外服务能力",
            ["上海市信息技术研究中心"],
        ),
        (
            "技术研发中心 推广应用中心 基地建设与管理部 合作交流部 总工程师室",
            ["技术研发中心", "推广应用中心", "基地建设与管理部", "合作交流部", "总工程师室"],
        ),
    ],
)
def test_extract_implementing_bodies(text: str, bodies: list[str]) -> None:
    assert implementing_bodies(text) == bodies


def test_extract_documents_fills_records(corpus: Path) -> None:
    docs = extract_documents([read_document(corpus / "stcsm-2025-department-budget.txt")])
    by_name = {r.name: r for r in docs[0].records}
    rec = by_name["科技馆建筑体大修项目"]
    assert rec.budget_total_yuan == Decimal("113567700")  # 财政 2749.32万 + 自筹 8607.45万
    assert {a.role for a in rec.amounts if a.section == "budget"} == {"fiscal", "self_raised"}
    assert rec.period is not None and rec.period.start.isoformat() == "2025-01-01"
    assert rec.implementing_bodies == ["上海科技馆更新改造指挥部"]


def test_extract_documents_canonical_across_documents(corpus: Path) -> None:
    docs = extract_documents(
        [
            read_document(corpus / n)
            for n in ("sast-2026-department-budget.txt", "sast-2019-performance-targets.txt")
        ]
    )
    canon = {
        c.canonical
        for d in docs
        for r in d.records
        for c in r.citations
        if c.title in ("中华人民共和国科学技术普及法", "科普法")
    }
    assert len(canon) == 1 and None not in canon


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        # the departments after 内设 are read too
        (
            "沪杏科技图书馆内设综合管理办公室、数字科普部、信息与运维保障部，目前编制数为15人，在职在编15人，无外聘人员",
            ["沪杏科技图书馆", "综合管理办公室", "数字科普部", "信息与运维保障部"],
        ),
        # "X是…": the subject of the copula
        (
            "生药中心是上海市科委直属事业单位，主要承担本市生物医药科技创新和产业发展战略研究等职能。",
            ["生药中心"],
        ),
        # only clauses that say who carries the project out, not those describing the body
        (
            "1、该项目由上海市科学学研究所负责组织实施。研究专报获得党和国家领导人、科技部主要领导、上海市领导三十余次批示。"
            "科学学所与国际著名出版商施普林格、自然集团建立了战略合作关系。"
            "2、上海市科学学研究所专门成立博士后专家委员会、博士后管理办公室，配备专人负责博士后工作",
            ["上海市科学学研究所", "博士后专家委员会", "博士后管理办公室"],
        ),
        (
            "市协会与十六家区反邪教协会联系紧密并与市教委、解放日报社、少年报社、东方明珠移动电视、市健身气功管理中心、"
            "东方绿舟等多家单位建立有合作关系，市协会负责项目运行的各项管理工作。",
            ["市协会"],
        ),
        (
            "上海市科学技术协会分管部门作为项目总负责人，上海市科普教育展示技术中心领导负责项目策划和决策",
            ["上海市科学技术协会分管部门", "上海市科普教育展示技术中心"],
        ),
    ],
)
def test_extract_implementing_bodies_from_clauses_naming_the_implementer(
    text: str, bodies: list[str]
) -> None:
    assert implementing_bodies(text) == bodies


def test_extract_section_amounts_reads_tables_under_a_header_unit(corpus: Path) -> None:
    lines = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8").splitlines()
    three_public = "\n".join(
        lines[330:337]
    )  # 单位：万元 … 73.97	52.50	7.47	14.00		14.00	495.67
    assert three_public.startswith("单位：万元")
    assert [a.yuan for a in section_amounts(three_public, section="budget")][:2] == [
        Decimal("739700"),
        Decimal("525000"),
    ]
    by_function = "\n".join(lines[106:114])  # 单位：元 … 201	29	01	行政运行	20,553,422 …
    assert "201\t29\t01\t行政运行" in by_function
    found = [a.text for a in section_amounts(by_function, section="budget")]
    assert found[:3] == ["20,553,422", "20,053,422", "500,000"]
    assert not {"201", "29", "01"} & set(found)  # 科目编码 cells are row labels
    assert section_amounts("财政资金1577.5万元，主要用于电、气、水的费用支付。", section="budget")[
        0
    ].yuan == Decimal("15775000")


def test_extract_documents_total_stated_in_another_section(corpus: Path) -> None:
    docs = extract_documents([read_document(corpus / "stcsm-2025-department-budget.txt")])
    by_line = {r.line: r for r in docs[0].records}
    animals = by_line[
        1210
    ]  # overview: "本项目2025年申请预算资金629万元"; budget: 1-3月100万元 … 10-12月229万元
    assert "本项目2025年申请预算资金629万元" in (animals.sections["overview"] or "")
    assert {a.role for a in animals.amounts if a.section == "budget"} == {"other"}
    assert animals.budget_total_yuan == Decimal("6290000")
    remote_sensing = by_line[1072]  # a quarterly split only, no total stated anywhere
    assert remote_sensing.budget_total_yuan is None


EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"


def test_extract_form_budget_total_from_the_total_other_layouts_print() -> None:
    """Yantai's form prints 年度预算资金总额 176 (万元) and no 年度总额 column: that is the project's budget."""
    doc = extract_documents([read_document(EXCERPTS / "yantai-civil-affairs-2026-p34.pdf")])[0]
    form = doc.records[0]
    assert form.kind == "form" and form.budget_total_yuan == Decimal("1760000")
    assert form.budget_total_yuan == form.form.amounts["project_total"]


def test_extract_department_form_has_no_project_budget() -> None:
    doc = extract_documents([read_document(EXCERPTS / "chongqing-water-resources-2026-p30-33.pdf")])[0]
    department_forms = [r for r in doc.records if r.kind == "department_form"]
    assert department_forms and all(r.budget_total_yuan is None for r in department_forms)
    assert all(r.budget_total_yuan is not None for r in doc.records if r.kind == "form")


def test_extract_documents_short_title_resolved_in_its_project(corpus: Path) -> None:
    # sast-2019-performance-targets.txt defines 《纲要》 in one field of a form and uses it in another
    (doc,) = extract_documents([read_document(corpus / "sast-2019-performance-targets.txt")])
    cited = [c for r in doc.records for c in r.citations]
    short = [c for c in cited if c.title == "纲要"]
    full = next(c for c in cited if c.title == "全民科学素质行动计划纲要（2006—2010—2020年）")
    assert short and all(c.short_for == full.title and c.canonical == full.canonical for c in short)


def test_extract_documents_short_title_of_a_national_pdf() -> None:
    from budgetscope.pipeline.document import segment_text
    from tests.pipeline.national_text import national

    text, name = national("central-letters-and-calls-2026-department-budget")
    (doc,) = extract_documents([segment_text(text, doc=name)])
    cited = {c.title: c.canonical for r in doc.records for c in r.citations}
    assert cited["条例"] is not None and cited["条例"] == cited["信访工作条例"]
