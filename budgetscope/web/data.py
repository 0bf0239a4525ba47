"""The web pages' one door to the data: the Python API (:func:`budgetscope.open`), and a thin adapter
for what the API does not give yet: the coverage report of each stored document (read from the
store where the API's document summaries lack it) and department and year totals for browsing.

Everything the pages show comes through :class:`Data`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.models import Check, Coverage, ProjectBudget
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
    department_forms: int = 0
    warnings: list[str] = field(default_factory=list)
    coverage: Coverage | None = None
    gaps: list[str] = field(default_factory=list)
    """What its checks say it holds beyond what was read (:attr:`DocumentSummary.gaps`)."""

    @property
    def complete(self) -> bool:
        """Everything the document shows was read: its coverage report, its reading warnings and its
        checks say nothing is missing (a report alone would call Hangzhou complete, its list naming
        three projects never read)."""
        return self.coverage is not None and not self.coverage.short and not self.warnings and not self.gaps

    def contract(self) -> dict[str, Any]:
        """JSON-ready (the coverage object as ``segment --format json`` gives it)."""
        return {
            "doc": self.doc,
            "kind": self.kind,
            "department": self.department,
            "year": self.year,
            "pages": self.pages,
            "projects": self.projects,
            "department_forms": self.department_forms,
            "warnings": self.warnings,
            "gaps": self.gaps,
            "coverage": self.coverage.contract() if self.coverage else None,
        }


@dataclass
class Group:
    """The projects of one year, or of one department in one year (budgets of two years are never added
    up): how many, each counted once (a narrative and the form linked to it are one project), and the
    exact sum of their budgets, each the project's as search and cites give it (the form's, else the
    narrative's)."""

    year: int | None
    department: str | None = None
    count: int = 0
    total_yuan: Decimal = Decimal(0)
    summed: int = 0
    """How many projects the total adds up."""
    unknown: int = 0
    """Projects without a stated budget (not in the total)."""
    flagged: int = 0
    """Projects whose budget a check calls an error (a likely 万元/元 slip …): left out of the total."""
    narratives: int = 0
    forms: int = 0
    both: int = 0
    """Projects told both ways (counted once, in ``narratives`` and in ``forms``)."""

    @property
    def key(self) -> str:
        """The year as the page writes it (— for none)."""
        return "—" if self.year is None else str(self.year)


UNAVAILABLE: tuple[type[Exception], ...] = (StoreError,)
"""Errors the API raises when the home has no store yet or it cannot be read: 503, one line (a
:class:`~budgetscope.api.BudgetscopeError` too, so each handler of those lets them through first)."""


def group_projects(projects: Iterable[ProjectBudget], *, by_department: bool = False) -> list[Group]:
    """Projects (each once: :meth:`~budgetscope.api.Budgetscope.project_budgets`) grouped by year, or by
    department and year, sorted, with counts and exact totals; a project whose budget a check calls an
    error is left out of the total and counted apart, so that no total states a disputed number as fact.

    >>> from budgetscope.models import ProjectBudget as P
    >>> gs = group_projects([P(id="n", ids=["n", "f"], kinds=["narrative", "form"], name="x", year=2026,
    ...                        department="协会", budget_total_yuan=Decimal("1.5")),
    ...                      P(id="n2", ids=["n2"], kinds=["narrative"], name="y", year=2023, department="协会"),
    ...                      P(id="f2", ids=["f2"], kinds=["form"], name="z", year=2026, department="协会",
    ...                        budget_total_yuan=Decimal("6e8"), budget_flagged=True)], by_department=True)
    >>> [(g.department, g.key, g.count, g.total_yuan, g.summed, g.unknown, g.flagged, g.both) for g in gs]
    [('协会', '2023', 1, Decimal('0'), 0, 1, 0, 0), ('协会', '2026', 2, Decimal('1.5'), 1, 0, 1, 1)]
    """
    groups: dict[tuple[str, int], Group] = {}
    for p in projects:
        department = p.department if by_department else None
        key = (department or "", p.year if p.year is not None else 10**6)  # no year: last
        g = groups.setdefault(key, Group(p.year, department))
        g.count += 1
        g.narratives += "narrative" in p.kinds
        g.forms += "form" in p.kinds
        g.both += "narrative" in p.kinds and "form" in p.kinds
        if p.budget_total_yuan is None:
            g.unknown += 1
        elif p.budget_flagged:
            g.flagged += 1
        else:
            g.total_yuan += p.budget_total_yuan
            g.summed += 1
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
                projects=d.projects, department_forms=d.department_forms, warnings=list(d.warnings),
                coverage=getattr(d, "coverage", None) or coverage.get(d.doc), gaps=list(d.gaps),
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
