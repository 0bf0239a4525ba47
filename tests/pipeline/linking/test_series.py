"""Project series: the same project across years and documents (real cases of the corpus)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.models import Record, SeriesLink
from budgetscope.pipeline.linking.findings import link_narratives_forms
from budgetscope.pipeline.linking.series import (
    link_series,
    name_similarity,
    pair_confidence,
    series_key,
)


@pytest.fixture(scope="module")
def members(extracted: list[Any]) -> tuple[dict[str, SeriesLink], list[Record]]:
    records = [r for _, d in extracted for r in d.records]
    return {m.project_id: m for m in link_series(records, link_narratives_forms(records))}, records


def _find(records: list[Record], doc: str, name: str, line: int | None = None) -> Record:
    found = [
        r for r in records if r.doc.startswith(doc) and r.name == name and (line is None or r.line == line)
    ]
    assert len(found) == 1, (doc, name, [r.line for r in found])
    return found[0]


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("2023年度科协大院日常运行与维护项目经费情况说明", "科协大院日常运行与维护"),
        ("科技社团党建工作项目", "科技社团党建"),
        ("科技社团党建项目", "科技社团党建"),
        ("新能源产业推进（2025）年项目", "新能源产业推进"),
        ("加强科技创新智库建设", "科技创新智库建设"),
        ("“科技工作者之家”建设", "科技工作者之家建设"),
        ("上海市灾害防御协会工作经费", "上海市灾害防御协会"),
        ("机关服务费", "机关服务费"),
    ],
)
def test_series_key_strips_years_quotes_and_generic_words(title: str, key: str) -> None:
    assert series_key(title) == key


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("基层科普服务项目", "基层科普服务项目", 1.0, 1.0),
        ("科技社团党建项目", "科技社团党建工作项目", 1.0, 1.0),
        ("科协大院日常修缮项目", "2023年度科协大院日常运行与维护项目", 0.6, 0.7),
        ("市科协机构及全委会会议费", "市科协机构及常委会会议费", 0.65, 0.8),
        ("科普之窗项目", "神经调控平台项目", 0.0, 0.0),
    ],
)
def test_series_name_similarity_of_real_names(a: str, b: str, low: float, high: float) -> None:
    assert low <= name_similarity(a, b) <= high


@given(st.text(max_size=30), st.text(max_size=30))
def test_series_name_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    s = name_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx(name_similarity(b, a))
    assert name_similarity(a, a) == 1.0


def test_series_pair_confidence_drops_missing_evidence() -> None:
    assert pair_confidence(0.6, None, None) == pytest.approx(0.6)
    assert pair_confidence(1.0, 0.0, 0.0) == pytest.approx(0.55)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            ("sast-2023", "2023年度科协大院日常运行与维护项目"),
            ("sast-2026-department", "科协大院日常修缮项目"),
        ),
        (("sast-2023", "基层科普服务项目"), ("sast-2026-department", "基层科普服务项目")),
        (("sast-2023", "科技社团党建工作项目"), ("sast-2026-department", "科技社团党建项目")),
        (("sast-2019", "加强科技创新智库建设"), ("sast-2026-performance", "科技创新智库建设")),
        (
            ("sast-2019", "落实推进《全民科学素质纲要》"),
            ("sast-2026-performance", "落实推进《全民科学素质纲要》"),
        ),
        (("sast-2026-department", "科技创新智库建设"), ("sast-2026-performance", "科技创新智库建设")),
    ],
)
def test_series_links_the_same_project_across_years_and_documents(
    members: tuple[dict[str, SeriesLink], list[Record]], old: tuple[str, str], new: tuple[str, str]
) -> None:
    by_id, records = members
    a, b = _find(records, *old), _find(records, *new)
    assert by_id[a.id].series_id == by_id[b.id].series_id
    assert 0.5 <= by_id[b.id].confidence < 1.0


@pytest.mark.parametrize(
    ("name", "lines"), [("信息化运维项目", (459, 1272)), ("国际科技人文交流与合作项目", (653,))]
)
def test_series_never_joins_two_projects_of_one_document(
    members: tuple[dict[str, SeriesLink], list[Record]], name: str, lines: tuple[int, ...]
) -> None:
    by_id, records = members
    doc = "sast-2026-department-budget.txt"
    same_doc = [r for r in records if r.doc == doc and series_key(r.name or "") == series_key(name)]
    assert {r.line for r in same_doc} >= set(lines) and len(same_doc) == 2
    assert by_id[same_doc[0].id].series_id != by_id[same_doc[1].id].series_id
    for sid in {m.series_id for m in by_id.values()}:
        docs = [r.doc for r in records if by_id[r.id].series_id == sid]
        assert len(docs) == len(set(docs))


def test_series_never_links_two_departments(members: tuple[dict[str, SeriesLink], list[Record]]) -> None:
    by_id, records = members
    department = {r.id: r.department for r in records}
    series: dict[str, set[str | None]] = {}
    for m in by_id.values():
        series.setdefault(m.series_id, set()).add(department[m.project_id])
    assert all(len(d) == 1 for d in series.values())


def test_series_a_project_alone_is_certain(members: tuple[dict[str, SeriesLink], list[Record]]) -> None:
    by_id, records = members
    spread = _find(records, "stcsm", "科普之窗项目")
    assert by_id[spread.id].confidence == 1.0 and by_id[spread.id].matched_with is None


def test_series_ids_do_not_depend_on_record_order(extracted: list[Any]) -> None:
    records = [r for _, d in extracted for r in d.records]
    forward = {m.project_id: m.series_id for m in link_series(records, link_narratives_forms(records))}
    backward = {
        m.project_id: m.series_id
        for m in link_series(list(reversed(records)), link_narratives_forms(list(reversed(records))))
    }
    assert forward == backward


EXCERPTS = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"
NATIONAL = Path(__file__).resolve().parents[3].parent / "shared" / "corpus-national"


def _read(path: Path) -> list[Record]:
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.extract import extract_documents

    return list(extract_documents([read_document(path)])[0].records)


def test_series_never_joins_two_projects_of_one_year() -> None:
    """Guangzhou's 2026 targets hold 2025年SM信息化运维项目 (343,500) and 2026年SM信息化运维项目 (149,300):
    two projects of one budget, not one project in two years."""
    records = _read(EXCERPTS / "guangzhou-data-bureau-2026-p7-8.pdf")
    by_name = {r.name: r for r in records}
    old = by_name["广州市数字政府运营中心2025年SM信息化运维项目"]
    new = by_name["广州市数字政府运营中心2026年SM信息化运维项目"]
    assert (old.budget_total_yuan, new.budget_total_yuan) == (343500, 149300)
    by_id = {m.project_id: m for m in link_series(records, link_narratives_forms(records))}
    assert by_id[old.id].series_id != by_id[new.id].series_id
    assert by_id[new.id].confidence == 1.0 and by_id[new.id].matched_with is None
    assert len({m.series_id for m in by_id.values()}) == len(records)


def test_series_holds_one_project_a_year(members: tuple[dict[str, SeriesLink], list[Record]]) -> None:
    """Across the corpus a series has, for each year, one narrative, one form or a linked pair of them."""
    by_id, records = members
    linked = {(link.narrative_id, link.form_id) for link in link_narratives_forms(records)}
    years: dict[tuple[str, int | None], list[Record]] = {}
    for r in records:
        years.setdefault((by_id[r.id].series_id, r.year), []).append(r)
    pairs = 0
    for group in years.values():
        if len(group) > 1:
            (narrative,) = [r for r in group if r.kind == "narrative"]
            (form,) = [r for r in group if r.kind == "form"]
            assert (narrative.id, form.id) in linked
            pairs += 1
    assert pairs == len(linked) == 13  # sast 2026: each form and its narrative


@pytest.mark.skipif(not NATIONAL.is_dir(), reason="the national PDFs live beside the repository")
def test_series_never_joins_a_department_form_to_a_project() -> None:
    """广州市政务服务和数据管理局's department-wide form is not its project named 广州市政务服务和数据管理局2024-2027年…"""
    records = [
        *_read(NATIONAL / "guangzhou-data-bureau-2026-department-performance-targets.pdf"),
        *_read(NATIONAL / "guangzhou-data-bureau-2026-project-performance-targets.pdf"),
    ]
    (department,) = [r for r in records if r.kind == "department_form"]
    assert any((r.name or "").startswith(department.name or "?") for r in records if r.kind == "form")
    by_id = {m.project_id: m for m in link_series(records, link_narratives_forms(records))}
    assert by_id[department.id].matched_with is None
    assert [m for m in by_id.values() if m.series_id == by_id[department.id].series_id] == [
        by_id[department.id]
    ]
