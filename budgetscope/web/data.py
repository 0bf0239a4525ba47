"""The web pages' one door to the data: the Python API (:func:`budgetscope.open`), and a thin adapter
for what the API does not give yet: the coverage report of each stored document (read from the
store where the API's document summaries lack it) and department and year totals for browsing.

Everything the pages show comes through :class:`Data`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.models import Check, Coverage, ProjectSummary
from budgetscope.store.protocol import StoreError

if TYPE_CHECKING:
    from budgetscope.api import Budgetscope


@dataclass
class DocumentInfo:
    """One stored source document as the document page shows it."""

    doc: str
    kind: str
    department: str | None = None
    year: int | None = None
    pages: int | None = None
    path: str | None = None
    projects: int = 0
    warnings: list[str] = field(default_factory=list)
    coverage: Coverage | None = None

    def contract(self) -> dict[str, Any]:
        """JSON-ready (the coverage object as ``segment --format json`` gives it)."""
        return {
            "doc": self.doc,
            "kind": self.kind,
            "department": self.department,
            "year": self.year,
            "pages": self.pages,
            "projects": self.projects,
            "warnings": self.warnings,
            "coverage": self.coverage.contract() if self.coverage else None,
        }


@dataclass
class Group:
    """Projects sharing a department or a year: how many, and the sums of their stated budgets."""

    key: str
    count: int = 0
    total_yuan: Decimal = Decimal(0)
    unknown: int = 0
    """Projects without a stated budget (not in the total)."""
    kinds: dict[str, tuple[int, Decimal, int]] = field(default_factory=dict)
    """Count, total and how many projects the total adds up, per kind (narrative, form): a project may
    be told both ways, so the two totals are shown apart, never added up."""
    flagged: int = 0
    """Projects in the totals whose budget a check calls an error (a likely 万元/元 slip …)."""


UNAVAILABLE: tuple[type[Exception], ...] = (StoreError,)
"""Errors the API raises (not yet as a BudgetscopeError) when the home has no store yet or it
cannot be read; the pages show them as one line."""


def group_projects(
    projects: Iterable[ProjectSummary], by: str, flagged: Collection[str] = frozenset()
) -> list[Group]:
    """Projects grouped by ``department`` or ``year`` (sorted by key), with counts and exact totals;
    ``flagged``: ids of projects whose budget a check calls an error (a likely 万元/元 slip): left out
    of the totals and counted apart, so that no total states a disputed number as fact. A
    department-wide form is no project: it is left out.

    >>> from budgetscope.models import ProjectSummary as P
    >>> gs = group_projects([P(id="a", kind="form", doc="d", name="x", year=2026, budget_total_yuan=Decimal("1.5")),
    ...                      P(id="b", kind="form", doc="d", name="y", year=2026)], "year")
    >>> [(g.key, g.count, g.kinds["form"], g.unknown) for g in gs]
    [('2026', 2, (2, Decimal('1.5'), 1), 1)]
    >>> [(g.kinds["form"], g.flagged) for g in group_projects(
    ...     [P(id="a", kind="form", doc="d", name="x", year=2026, budget_total_yuan=Decimal("6e8"))], "year", {"a"})]
    [((1, Decimal('0'), 0), 1)]
    >>> [g.count for g in group_projects([P(id="w", kind="department_form", doc="d", name="局", year=2026)], "year")]
    []
    """
    groups: dict[str, Group] = {}
    for p in projects:
        if p.kind == "department_form":  # the department's whole budget, not one of its projects
            continue
        value = getattr(p, by)
        key = "—" if value is None else str(value)
        g = groups.setdefault(key, Group(key))
        g.count += 1
        count, total, summed = g.kinds.get(p.kind, (0, Decimal(0), 0))
        if p.budget_total_yuan is None:
            g.unknown += 1
        elif p.id in flagged:
            g.flagged += 1
        else:
            g.total_yuan += p.budget_total_yuan
            total += p.budget_total_yuan
            summed += 1
        g.kinds[p.kind] = (count + 1, total, summed)
    return [groups[k] for k in sorted(groups)]


def flagged_budgets(checks: Iterable[Check]) -> set[str]:
    """Ids of the projects whose numbers an unreviewed error-level finding concerns."""
    return {c.project_id for c in checks if c.project_id and c.is_finding and c.severity == "error"}


class Data:
    """The API of one data home, as the web pages call it (thread-safe: the API serialises the index)."""

    def __init__(self, bs: Budgetscope) -> None:
        self.bs = bs

    @property
    def home(self) -> Path:
        return self.bs.home

    def documents(self) -> list[DocumentInfo]:
        """The stored documents, by name, each with its coverage report."""
        summaries = self.bs.documents()
        coverage = self._coverage() if any(getattr(d, "coverage", None) is None for d in summaries) else {}
        infos = [
            DocumentInfo(
                doc=d.doc, kind=d.kind, department=d.department, year=d.year, pages=d.pages, path=d.path,
                projects=d.projects, warnings=list(d.warnings),
                coverage=getattr(d, "coverage", None) or coverage.get(d.doc),
            )
            for d in summaries
        ]  # fmt: skip
        return sorted(infos, key=lambda d: d.doc)

    def _coverage(self) -> dict[str, Coverage]:
        """Adapter until the API's document summaries carry ``coverage``: the reports kept in the
        documents table (its ``extra`` JSON), read through the store Protocol."""
        return self.bs.coverage()

    def document(self, doc: str) -> DocumentInfo | None:
        """One stored document by its file name (None when the store has none of that name)."""
        return next((d for d in self.documents() if d.doc == doc), None)

    def source_file(self, doc: str) -> Path | None:
        """The stored source file of a document, when the store knows it and it is a readable file.

        The name in a request only selects among the stored documents; the path comes from the store.
        """
        info = self.document(doc)
        if info is None or not info.path:
            return None
        path = Path(info.path)
        return path if path.suffix.lower() in (".txt", ".pdf") and path.is_file() else None


def coverage_of(extra: str | None) -> Coverage | None:
    """The coverage report kept in a stored document's ``extra`` JSON (None when there is none).

    >>> coverage_of('{"coverage": {"forms_read": 2, "forms_expected": 3, "stated_total_yuan": 1.5, "short": true}}').short
    True
    """
    report = json.loads(extra).get("coverage") if extra else None
    if not isinstance(report, dict):
        return None
    report = {k: v for k, v in report.items() if k != "short"}
    for key in ("stated_total_yuan", "read_total_yuan"):
        if report.get(key) is not None:
            report[key] = Decimal(str(report[key]))
    return Coverage.model_validate(report)
