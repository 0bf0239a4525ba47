"""A project series read back from the store, one row per budget year (what ``show`` and ``export
series`` print); the series themselves are made by :mod:`budgetscope.pipeline.linking.series`."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from budgetscope.models.links import budget_teller, project_budget
from budgetscope.models.money import Number
from budgetscope.store.protocol import EntityStore


def series_years(store: EntityStore, series_id: str | None = None) -> list[dict[str, Any]]:
    """One row per series and budget year: the year's budget total, form total and change (exact).

    ``series_id`` limits the rows to one series. A year's ``budget_total_yuan`` is the project's budget by
    :func:`~budgetscope.models.links.project_budget` (its form's exact figure, else its narrative's), as
    search and cites show it; ``form_total_yuan`` its form's 年度资金总额;
    ``change_yuan`` and ``change_percent`` compare ``budget_total_yuan`` with the nearest earlier
    year of the series that has one. Amounts are :class:`~decimal.Decimal`, ``change_percent`` a
    :class:`~budgetscope.models.money.Number` (exact, not money); projects without a year are left out.
    ``budget_approximate``: the year's budget is read from an approximate amount (约27万元, the record
    telling it by :func:`~budgetscope.models.links.budget_teller`); ``change_approximate``: this year's or
    the previous year's is, so the change is not exact either.
    """
    where = {"series_id": series_id} if series_id else None
    members = {m["project_id"]: m for m in store.select("project_series", where)}
    projects = [p for p in store.select("projects") if p["id"] in members and p["year"] is not None]
    annual = {
        a["project_id"]: Decimal(a["yuan"])
        for a in store.select("form_amounts", {"key": "annual_total"})
        if a["project_id"] in members
    }
    counted: Counter[str] = Counter()
    flagged: set[str] = (
        set()
    )  # the projects whose numbers an error-level finding disputes (as search flags them)
    for f in store.select("findings"):
        for pid in {f["project_id"], f["other_id"]} - {None}:
            counted[pid] += 1
        if f["project_id"] and f["severity"] == "error":
            flagged.add(f["project_id"])
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for p in projects:
        groups[(members[p["id"]]["series_id"], p["year"])].append(p)
    rows: list[dict[str, Any]] = []
    for (sid, year), group in sorted(groups.items()):
        group.sort(key=lambda p: (p["kind"] != "narrative", p["doc"], p["line"] or 0))
        first = group[0]
        narrative = next((p for p in group if p["kind"] == "narrative"), None)
        form = next((p for p in group if p["kind"] == "form"), None)
        form_total = None
        if form is not None:
            form_total = annual.get(form["id"])
            if form_total is None and form["budget_total_yuan"] is not None:
                form_total = Decimal(form["budget_total_yuan"])
        told = [(p["kind"], Decimal(p["budget_total_yuan"]) if p["budget_total_yuan"] is not None else None)
                for p in (narrative, form) if p is not None]  # fmt: skip
        total = project_budget(told)  # the one rule of every answer showing a project once
        teller = budget_teller(told)  # whose budget it is: approximate when that record's is (约27万元)
        tellers = [p for p in (narrative, form) if p is not None]
        approximate = teller is not None and bool(
            json.loads(tellers[teller]["extra"] or "{}").get("budget_total_approximate")
        )
        rows.append(
            {
                "id": f"{sid}:{year}", "series_id": sid, "year": year, "department": first["department"],
                "name": first["name"] or first["title"], "project_id": first["id"],
                "form_id": form["id"] if form else None, "doc": first["doc"], "line": first["line"],
                "projects": len(group), "budget_total_yuan": total,
                "form_total_yuan": form_total, "previous_year": None, "change_yuan": None, "change_percent": None,
                "findings": sum(counted[p["id"]] for p in group),
                "budget_flagged": any(p["id"] in flagged for p in group), "change_flagged": False,
                "budget_approximate": approximate, "change_approximate": False,
            }
        )  # fmt: skip
    previous: dict[str, dict[str, Any]] = {}
    for row in rows:
        before = previous.get(row["series_id"])
        total = row["budget_total_yuan"]
        if before is not None and total is not None:
            row["previous_year"] = before["year"]
            row["change_yuan"] = total - before["budget_total_yuan"]
            row["change_flagged"] = row["budget_flagged"] or before["budget_flagged"]
            row["change_approximate"] = row["budget_approximate"] or before["budget_approximate"]
            if before["budget_total_yuan"]:
                ratio = row["change_yuan"] * 100 / before["budget_total_yuan"]
                row["change_percent"] = Number(ratio.quantize(Decimal("0.1")))  # not money
        if total is not None:
            previous[row["series_id"]] = row
    return rows


__all__ = ["series_years"]
