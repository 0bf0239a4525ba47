"""What changed in a department's budget between two years, read back from the store: its projects
new, dropped and continued (the series of :mod:`budgetscope.pipeline.linking.series`, which follows a
project across a renaming), their budgets and the targets of their forms.

Example:
    >>> from budgetscope.store.sqlite import open_store
    >>> with open_store("/tmp/budgetscope-doctest") as store:  # doctest: +SKIP
    ...     changes = department_changes(store, "上海市科学技术协会", year=2026, since=2023)
    >>> [(p.status, p.name) for p in changes.projects][:1]  # doctest: +SKIP
    [('continued', '科协大院日常修缮项目')]
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from budgetscope.errors import NamesOptions, Option
from budgetscope.models.changes import DepartmentChanges, ProjectChange, TargetChange, YearHolding
from budgetscope.store.protocol import EntityStore
from budgetscope.store.series import series_years


class NoChanges(NamesOptions, ValueError):
    """The years cannot be compared: the department has no projects in one of them, or only one year."""


class YearsOutOfOrder(NoChanges):
    """``since`` is not before the later year (given, or the department's latest stored: ``latest``)."""

    def __init__(self, since: int, year: int, *, latest: bool) -> None:
        self.since, self.year, self.latest = since, year, latest
        super().__init__(f"since {since} must be before {'the latest year' if latest else 'year'} {year}")


def department_changes(
    store: EntityStore, department: str, *, year: int | None = None, since: int | None = None
) -> DepartmentChanges:
    """The department's projects in ``year`` (default: its latest stored year) against ``since``
    (default: its latest stored year before ``year``). :class:`NoChanges` when either year holds none."""
    projects = [p for p in store.select("projects", {"department": department})
                if p["year"] is not None and p["kind"] != "department_form"]  # fmt: skip
    years = sorted({p["year"] for p in projects})
    stored = ", ".join(map(str, years)) or "none"
    latest = year is None
    if year is None and years:
        year = years[-1]
    if year is None or year not in years:
        raise NoChanges(f"{department} has no projects in {year} (stored years: {stored})")
    if since is None:
        earlier = [y for y in years if y < year]
        if not earlier:
            raise NoChanges(
                f"{department} has no year before {year} to compare with (stored years: {stored}); "
                "ingest an earlier year's budget, or give an earlier year with ",
                Option("since"),
            )
        since = earlier[-1]
    if since >= year:  # --since 2026 when 2026 is the latest: a mistake of the request, not of the store
        raise YearsOutOfOrder(since, year, latest=latest)
    if since not in years:
        raise NoChanges(
            f"{department} has no projects in {since} to compare {year} with (stored years: {stored})"
        )
    ids = {p["id"] for p in projects}
    rows = [r for r in series_years(store) if r["project_id"] in ids or r["form_id"] in ids]
    by_series: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        by_series[r["series_id"]][r["year"]] = r
    changes = [
        _change(store, sid, held, since, year)
        for sid, held in by_series.items()
        if since in held or year in held
    ]
    order = {"continued": 0, "new": 1, "dropped": 2}

    def rank(c: ProjectChange) -> tuple[int, Decimal, Decimal, str]:  # the largest changes, then budgets
        budget = c.budget_yuan if c.budget_yuan is not None else c.budget_before_yuan
        return order[c.status], -abs(c.change_yuan or Decimal(0)), -(budget or Decimal(0)), c.name

    changes.sort(key=rank)
    holdings = [_holding(y, projects, by_series) for y in (since, year)]
    return DepartmentChanges(department=department, since=since, year=year, holdings=holdings,
                             projects=changes, notes=_notes(holdings))  # fmt: skip


def _change(
    store: EntityStore, sid: str, held: dict[int, dict[str, Any]], since: int, year: int
) -> ProjectChange:
    before, after = held.get(since), held.get(year)
    status = "continued" if before and after else ("new" if after else "dropped")
    now = after or before
    assert now is not None
    change = ProjectChange(
        status=status, series_id=sid, name=now["name"], seen_in=sorted(set(held) - {since, year}),
        project_id=after["project_id"] if after else None,
        project_id_before=before["project_id"] if before else None,
        budget_yuan=after["budget_total_yuan"] if after else None,
        budget_before_yuan=before["budget_total_yuan"] if before else None,
        flagged=any(r["budget_flagged"] for r in (before, after) if r),
        budget_flagged=bool(after and after["budget_flagged"]),
        budget_before_flagged=bool(before and before["budget_flagged"]),
        budget_approximate=bool(after and after["budget_approximate"]),
        budget_before_approximate=bool(before and before["budget_approximate"]),
    )  # fmt: skip
    if before and after:
        if before["name"] != after["name"]:
            change.name_before = before["name"]
        if change.budget_yuan is not None and change.budget_before_yuan is not None:
            change.change_yuan = change.budget_yuan - change.budget_before_yuan
            if change.budget_before_yuan:
                ratio = change.change_yuan * 100 / change.budget_before_yuan
                change.change_percent = ratio.quantize(Decimal("0.1"))  # not money
        old, new = _targets(store, before["form_id"]), _targets(store, after["form_id"])
        if old and new:
            change.targets_compared = True
            change.targets = [
                TargetChange(indicator=name, before=old.get(name), after=new.get(name))
                for name in dict.fromkeys([*old, *new])
                if old.get(name) != new.get(name)
            ]
    return change


def _targets(store: EntityStore, form_id: str | None) -> dict[str, str]:
    """A form's indicators, ``{三级指标: target}`` (the first of a name given twice)."""
    out: dict[str, str] = {}
    for row in store.select("indicators", {"project_id": form_id}) if form_id else []:
        name = (row["level3"] or "").strip()
        if name and name not in out:
            out[name] = (row["target"] or "").strip()
    return out


def _holding(
    year: int, projects: list[dict[str, Any]], by_series: dict[str, dict[int, dict[str, Any]]]
) -> YearHolding:
    mine = [p for p in projects if p["year"] == year]
    rows = [held[year] for held in by_series.values() if year in held]
    holding = YearHolding(
        year=year, documents=sorted({p["doc"] for p in mine}), projects=len(rows),
        narratives=sum(p["kind"] == "narrative" for p in mine), forms=sum(p["kind"] == "form" for p in mine),
    )  # fmt: skip
    for r in rows:
        if r["budget_flagged"]:
            holding.flagged += 1
        elif r["budget_total_yuan"] is None:
            holding.without_budget += 1
        else:
            holding.budget_total_yuan += r["budget_total_yuan"]
            holding.approximate += bool(r["budget_approximate"])
    return holding


def _notes(holdings: list[YearHolding]) -> list[str]:
    """What a reader should know before taking a project for new or dropped, or a total for the budget's."""
    before, after = holdings
    notes = []

    def holds(h: YearHolding) -> str:
        kinds = [f"{h.narratives} narratives" if h.narratives else "", f"{h.forms} forms" if h.forms else ""]
        return f"{' and '.join(k for k in kinds if k)} ({', '.join(h.documents)})"

    if (before.narratives > 0) != (after.narratives > 0) or (before.forms > 0) != (after.forms > 0):
        notes.append(
            f"the two years' documents differ: {before.year} holds {holds(before)}, {after.year} {holds(after)}; "
            "a project only one of them describes shows as new or dropped without being so"
        )
    for h in holdings:
        if h.flagged:
            notes.append(f"{h.year}: {h.flagged} budget(s) disputed by an error-level finding are left out of its "
                         "total (`budgetscope check`)")  # fmt: skip
        if h.approximate:
            notes.append(f"{h.year}: {h.approximate} budget(s) in its total are approximate in the text (约, 左右): "
                         "the total is not exact")  # fmt: skip
        if h.without_budget:
            notes.append(
                f"{h.year}: {h.without_budget} project(s) state no budget; the total is of the others"
            )
    return notes


__all__ = ["NoChanges", "department_changes"]
