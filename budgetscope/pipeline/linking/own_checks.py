"""The checks a document's records need nothing else for, and the budgets they flag: what ``extract`` says
without a store.

``ingest`` runs :func:`~.audits.project_checks` over the whole store, with the narrative ↔ form links, the
series across years and the departments' totals read from their tables; a project with an unreviewed
error-level finding is ``budget_flagged``. Of those checks, :func:`own_checks` runs the ones that need only
the records: ``annual_budget`` (the budget section's wording leaves the year's budget unsure,
:mod:`.annual_checks`), ``magnitude`` against the record's own components (a likely 万元/元 slip), and the
record's sums, period and goal text (warnings, which flag nothing). A ``magnitude`` against the department's
whole budget (its tables), against the project's form (often another document) or against another year needs
the store: ``extract``'s ``budget_flagged`` covers the document's own checks only, so it may be false where
ingest's is true, never true where ingest's is false (unless the finding was reviewed there).

Example:
    >>> from budgetscope.models import Record
    >>> from budgetscope.pipeline.money import assign_roles, budget_total, find_amounts
    >>> text = "项目总预算300万元，2026年安排100万元。"
    >>> amounts = assign_roles(text, find_amounts(text, section="budget"), year=2026)
    >>> r = Record(id="p", kind="narrative", doc="a.txt", year=2026, title="t", sections={"budget": text},
    ...            amounts=amounts, budget_total_yuan=budget_total(amounts))
    >>> own_flags([r])
    {'p': ['annual_budget']}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from budgetscope.models import Check, Record
from budgetscope.pipeline.linking.audits import project_checks


def own_checks(records: Sequence[Record]) -> list[Check]:
    """:func:`~.audits.project_checks` of ``records`` without links, series or department totals: the checks
    each record's own numbers and text give, made by the same code as ingest's."""
    return project_checks(records, (), (), {})


def budget_flags(checks: Iterable[Check]) -> dict[str, list[str]]:
    """Per project id, the kinds of the unreviewed error-level findings about it (sorted, once each): the
    checks that make ingest's ``budget_flagged`` true."""
    out: dict[str, set[str]] = {}
    for c in checks:
        if c.is_finding and c.severity == "error" and c.project_id:
            out.setdefault(c.project_id, set()).add(c.kind)
    return {pid: sorted(kinds) for pid, kinds in out.items()}


def own_flags(records: Sequence[Record]) -> dict[str, list[str]]:
    """Per record id (only the flagged ones), the kinds of the document's own checks that flag its budget
    (:func:`budget_flags` of :func:`own_checks`)."""
    return budget_flags(own_checks(records))


__all__ = ["budget_flags", "own_checks", "own_flags"]
