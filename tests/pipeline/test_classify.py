from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.pipeline.classify import classify
from budgetscope.pipeline.load import load
from budgetscope.pipeline.normalize import normalize_text


@pytest.mark.parametrize(
    ("name", "kind", "department", "year"),
    [
        ("sast-2026-department-budget.txt", "department_budget", "上海市科学技术协会", 2026),
        ("sast-2023-department-budget.txt", "department_budget", "上海市科学技术协会", 2023),
        ("stcsm-2025-department-budget.txt", "department_budget", "上海市科学技术委员会", 2025),
        ("sast-2026-performance-targets.txt", "performance_targets", "上海市科学技术协会", 2026),
        ("sast-2019-performance-targets.txt", "performance_targets", "上海市科学技术协会", 2019),
    ],
)
def test_classify_corpus(corpus: Path, name: str, kind: str, department: str, year: int) -> None:
    src = load(corpus / name)
    c = classify(normalize_text(src.text))
    assert (c.kind, c.department, c.year) == (kind, department, year)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("上海市科学技术协会2024年度部门决算\n\n编制部门：上海市科学技术协会", "final_accounts"),
        ("上海市科普事业中心2026年单位预算\n\n预算单位：上海市科普事业中心", "unit_budget"),
        ("关于开展2026年全国科普月活动的通知\n\n各区科协：", "other"),
    ],
)
def test_classify_other_kinds(head: str, kind: str) -> None:
    assert classify(normalize_text(head)).kind == kind


def test_classify_district_pdf(district_pdf: tuple[Path, Path]) -> None:
    src = load(district_pdf[0])
    c = classify(normalize_text(src.text, src.page_starts))
    assert (c.kind, c.year) == ("department_budget", 2023)
