"""Classify a normalized document: its kind, department and budget year.

Example:
    >>> from budgetscope.pipeline.normalize import normalize_text
    >>> c = classify(normalize_text("上海市2026年市级部门预算\\n\\n预算主管部门：上海市科学技术协会\\n"))
    >>> (c.kind, c.department, c.year)
    ('department_budget', '上海市科学技术协会', 2026)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from budgetscope.models import DocumentKind
from budgetscope.pipeline.normalize import Text, fold

HEAD_LINES = 40
DEPARTMENT_LABEL = re.compile(
    r"^(?:预算主管部门|主管部门|申报单位名称|申报单位|编制部门|编制单位|部门名称|单位名称)\s*[:：\t]\s*(?P<name>[^\t]+?)\s*$"
)
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
KIND_PATTERNS: tuple[tuple[DocumentKind, re.Pattern[str]], ...] = (
    ("performance_targets", re.compile(r"绩效目标(?:申报|填报|汇总|申请)表|绩效目标表")),
    ("final_accounts", re.compile(r"决算")),
    ("unit_budget", re.compile(r"单位预算")),
    ("department_budget", re.compile(r"部门预算")),
)
TITLE_DEPARTMENT = re.compile(r"^(?P<name>\S{2,40}?)\s*20\d{2}\s*年度?")


@dataclass(frozen=True)
class Classification:
    """What a document is: kind, department and year (each None when the text does not say)."""

    kind: DocumentKind
    department: str | None
    year: int | None


def classify(text: Text) -> Classification:
    """Classify from the document's head: its title lines and labelled fields."""
    head = [ln.text for ln in text.lines if ln.text.strip()][:HEAD_LINES]
    squashed = [re.sub(r"\s+", "", fold(t)) for t in head]
    kind: DocumentKind = "other"
    title_idx = None
    for i, line in enumerate(squashed[:12]):
        if len(line) > 60 or line.startswith("-"):
            continue
        for k, pattern in KIND_PATTERNS:
            if pattern.search(line):
                kind, title_idx = k, i
                break
        if title_idx is not None:
            break
    if kind == "other" and _has_narratives(text):
        kind = "department_budget"
    department = _department(head, squashed, title_idx)
    year = _year(squashed, title_idx)
    return Classification(kind=kind, department=department, year=year)


def _has_narratives(text: Text) -> bool:
    keys = [re.sub(r"\s+", "", fold(ln.text)) for ln in text.lines]
    return sum(k in ("一、项目概述", "一、项目概况") for k in keys) >= 1 and any(
        k == "二、立项依据" for k in keys
    )


def _department(head: list[str], squashed: list[str], title_idx: int | None) -> str | None:
    for line in head:
        for cell in (line, *line.split("\t")[:1]):
            m = DEPARTMENT_LABEL.match(fold(cell).strip())
            if m:
                return m.group("name").strip()
        cells = [c.strip() for c in line.split("\t")]
        for i, c in enumerate(cells[:-1]):
            if re.sub(r"\s+", "", c) in ("主管部门", "预算主管部门", "申报单位") and cells[i + 1]:
                return cells[i + 1]
    if title_idx is not None:
        m = TITLE_DEPARTMENT.match(squashed[title_idx])
        if m and not m.group("name").startswith(("上海市20", "20")) and "市级" not in m.group("name"):
            return m.group("name")
    return None


def _year(squashed: list[str], title_idx: int | None) -> int | None:
    order = ([title_idx] if title_idx is not None else []) + list(range(min(len(squashed), 12)))
    for i in order:
        m = YEAR.search(squashed[i]) or re.search(r"[（(](20\d{2})年?度?[)）]", squashed[i])
        if m:
            return int(m.group(1))
    return None
