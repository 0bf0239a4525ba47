from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents, implementing_bodies


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
            ["上海集成电路技术与产业促进中心", "技术服务部", "测试服务部"],
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
