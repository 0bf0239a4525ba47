"""What the projects export adds to the store's rows: a project's ``code`` and ``budget_counted``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

PROJECT_CODE = re.compile(r"^([0-9]{6,}[A-Z][0-9]{6,})[-－—]")
"""A project code printed before a name (北京: ``11000022T000000428124-会议类项目``)."""


def counted_projects(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Projects with their ``code`` (:data:`PROJECT_CODE`) and ``budget_counted``: a narrative and its
    linked form are one project, whose budget a sum takes once, the one
    :func:`~budgetscope.models.links.project_budget` shows (the form's exact figure when it states one,
    else the narrative's; never a department-wide form's), unless an error-level finding disputes it
    (``budget_flagged``: such a budget is not fact, and /browse and ``changes`` leave it out of their sums).

    >>> rows = [{"id": "n", "kind": "narrative", "name": "会议费", "budget_total_yuan": 1, "linked_project_id": "f"},
    ...         {"id": "f", "kind": "form", "name": "11000022T000000391737-会议费", "budget_total_yuan": 1,
    ...          "linked_project_id": "n"}]
    >>> [(r["code"], r["budget_counted"]) for r in counted_projects(iter(rows))]
    [(None, False), ('11000022T000000391737', True)]
    >>> slip = {"id": "s", "kind": "narrative", "name": "党建", "budget_total_yuan": 6e8, "linked_project_id": None,
    ...         "budget_flagged": True}
    >>> next(counted_projects(iter([slip])))["budget_counted"]
    False
    """
    rows_ = list(rows)
    forms = {r["id"] for r in rows_ if r["kind"] == "form" and r["budget_total_yuan"] is not None}
    for r in rows_:  # as project_budget: a linked form's exact figure, else the narrative's
        code = PROJECT_CODE.match(r["name"] or "")
        r["code"] = code.group(1) if code else None
        in_form = r["kind"] == "narrative" and r["linked_project_id"] in forms
        whole = r["kind"] == "department_form"  # the department's own, not a project's
        disputed = bool(r.get("budget_flagged"))
        r["budget_counted"] = (
            r["budget_total_yuan"] is not None and not in_form and not whole and not disputed
        )
        yield r


__all__ = ["PROJECT_CODE", "counted_projects"]
