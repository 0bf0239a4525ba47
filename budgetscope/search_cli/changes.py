"""`budgetscope changes DEPARTMENT`: a department's projects from one budget year to another — new,
dropped and continued, their budgets and their forms' targets — as a table, JSON, JSONL or CSV."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from budgetscope.messages import one_line
from budgetscope.models import money_grouped, to_json
from budgetscope.search_cli.common import HomeOption, fail, stdout, usage, warn

if TYPE_CHECKING:
    from budgetscope.models.changes import DepartmentChanges


class ChangesFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


CSV_COLUMNS = ("status", "name", "name_before", "budget_before_yuan", "budget_yuan", "change_yuan",
               "change_percent", "flagged", "budget_before_flagged", "budget_flagged", "budget_before_approximate", "budget_approximate", "seen_in", "targets_compared", "targets_changed", "project_id",
               "project_id_before", "series_id")  # fmt: skip


def command(
    department: Annotated[
        str, typer.Argument(help="The department (its name or a 简称, as search takes it).")
    ],
    year: Annotated[
        int | None, typer.Option("--year", help="The later year (default: the department's latest stored).")
    ] = None,
    since: Annotated[
        int | None, typer.Option("--since", help="The earlier year (default: the stored year before --year).")
    ] = None,
    format: Annotated[
        ChangesFormat, typer.Option("--format", "-f", help="table, json, jsonl (one project a line) or csv.")
    ] = ChangesFormat.table,
    home: HomeOption = None,
) -> None:
    """What changed in a department's budget from one year to another: projects new, dropped, continued."""
    import budgetscope
    from budgetscope.api import YearsOutOfOrder
    from budgetscope.store.export import write_csv
    from budgetscope.store.protocol import StoreError

    if not department.strip():
        raise usage("give a department")
    if year is not None and since is not None and since >= year:
        raise usage(str(YearsOutOfOrder(since, year, latest=False)))
    try:
        with budgetscope.open(home) as bs:
            changes = bs.changes(department, year=year, since=since)
    except YearsOutOfOrder as exc:  # --since the latest year (or after it): a usage mistake
        raise usage(str(exc)) from None
    except (StoreError, budgetscope.BudgetscopeError) as exc:
        raise fail(str(exc)) from None
    for note in changes.notes:  # a reader's caveats: on stderr, the data stays clean
        warn(note)
    out = changes.contract()
    if format is ChangesFormat.json:
        print(to_json(out, indent=1))
    elif format is ChangesFormat.jsonl:
        for project in out["projects"]:
            print(to_json({"department": changes.department, "since": changes.since, "year": changes.year,
                           **project}))  # fmt: skip
    elif format is ChangesFormat.csv:
        rows = ({**p, "targets_changed": len(p["targets"])} for p in out["projects"])
        write_csv(({k: row[k] for k in CSV_COLUMNS} for row in rows), CSV_COLUMNS, sys.stdout)  # as export's
    else:
        _table(changes)


def _money(value: Any) -> str:
    return money_grouped(value) if value is not None else ""


def _table(changes: DepartmentChanges) -> None:
    out = stdout()
    before, after = changes.holdings
    out.print(Text(f"{one_line(changes.department)}: {before.year} → {after.year}", style="bold"))
    for h in changes.holdings:
        kept = f"; {h.flagged} flagged left out" if h.flagged else ""
        out.print(
            Text(
                f"  {h.year}: {h.projects} projects ({h.narratives} narratives, {h.forms} forms) in "
                f"{', '.join(map(one_line, h.documents))}; budgets stated {'≈' if h.approximate else ''}"
                f"{money_grouped(h.budget_total_yuan)} 元 "
                f"({h.projects - h.without_budget - h.flagged} projects{kept})"
            )
        )
    table = Table(
        "", "project", f"{before.year} (元)", f"{after.year} (元)", "change (元)", "%", "targets", "id"
    )
    for p in changes.projects:
        name = Text(one_line(p.name))
        if p.name_before:
            name.append(f"\nwas {one_line(p.name_before)}", style="dim")
        if p.seen_in:
            name.append(f"\nalso in {', '.join(map(str, p.seen_in))}", style="dim")
        change = _money(p.change_yuan) + (" (flagged)" if p.flagged and p.change_yuan is not None else "")
        percent = f"{p.change_percent:+}" if p.change_percent is not None else ""
        targets = ""
        if p.targets_compared:  # how many the later year added, dropped, or set otherwise
            added = sum(t.before is None for t in p.targets)
            gone = sum(t.after is None for t in p.targets)
            targets = f"+{added} −{gone} ~{len(p.targets) - added - gone}"
        # a disputed number is never shown as fact: the year's budget a finding disputes, and the change
        before_flag = " (flagged)" if p.budget_before_flagged and p.budget_before_yuan is not None else ""
        after_flag = " (flagged)" if p.budget_flagged and p.budget_yuan is not None else ""
        # an approximate budget (约27万元) is marked ≈, as list and show mark it, and so is its change
        before_about = "≈" if p.budget_before_approximate and p.budget_before_yuan is not None else ""
        after_about = "≈" if p.budget_approximate and p.budget_yuan is not None else ""
        if change and (before_about or after_about):
            change = "≈" + change
        table.add_row(p.status, name, before_about + _money(p.budget_before_yuan) + before_flag,
                      after_about + _money(p.budget_yuan) + after_flag,
                      change, percent, targets, (p.project_id or p.project_id_before or "")[:8])  # fmt: skip
    out.print(table)
    for p in changes.projects:
        for t in p.targets:
            out.print(Text(one_line(f"  {p.name} · {t.indicator}: {t.before or '—'} → {t.after or '—'}")))
