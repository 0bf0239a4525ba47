"""`budgetscope list [documents|projects]`: what the store holds, as a table, JSON, JSONL or CSV."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from budgetscope.messages import counted, one_line
from budgetscope.models import money_grouped, to_json
from budgetscope.search_cli.common import HomeOption, fail, place, stdout


class ListWhat(StrEnum):
    documents = "documents"
    projects = "projects"


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


DOCUMENT_COLUMNS: tuple[str, ...] = (
    "doc",
    "kind",
    "department",
    "year",
    "pages",
    "chars",
    "projects",
    "department_forms",
    "warnings",
    "gaps",
    "path",
)
PROJECT_COLUMNS: tuple[str, ...] = ("id", "kind", "year", "department", "unit", "name", "budget_total_yuan", "budget_flagged",
                   "doc", "page", "line", "budget_total_approximate")  # fmt: skip


def command(
    what: Annotated[
        ListWhat, typer.Argument(help="documents (default) or projects.", show_default=False)
    ] = ListWhat.documents,
    year: Annotated[int | None, typer.Option("--year", help="Only those of this budget year.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department (its name or a 简称).")
    ] = None,
    doc: Annotated[
        str | None, typer.Option("--doc", help="Only the projects of this stored document.")
    ] = None,
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table, json, jsonl or csv.")
    ] = ListFormat.table,
    home: HomeOption = None,
) -> None:
    """List the stored documents, or their projects (with --year, --department, --doc), ids for `show`."""
    import budgetscope
    from budgetscope.store.protocol import StoreError

    try:
        bs = budgetscope.open(home)
        if what is ListWhat.documents:
            rows = [d.model_dump() for d in bs.documents()]
            if department and department.strip():  # resolved as for projects (a 简称, one of several)
                named = {p.department for p in bs.projects(department=department)}
                rows = [r for r in rows if r["department"] in named]
            rows = [r for r in rows if year is None or r["year"] == year]
            rows = [r for r in rows if doc is None or r["doc"] == doc]
            columns = DOCUMENT_COLUMNS
        else:  # an unknown --doc: the API's DocumentNotFound, naming the nearest stored ones
            rows = [p.model_dump() for p in bs.projects(year, department, doc=doc)]
            columns = PROJECT_COLUMNS
    except (StoreError, budgetscope.BudgetscopeError) as exc:
        raise fail(str(exc)) from None
    rows = [{k: r.get(k) for k in columns} for r in rows]
    if format is ListFormat.json:
        print(to_json(rows, indent=1))
    elif format is ListFormat.jsonl:
        for row in rows:
            print(to_json(row))
    elif format is ListFormat.csv:
        from budgetscope.store.export import write_csv

        write_csv(rows, columns, sys.stdout)  # as export's CSV: true/false, lists as JSON, text escaped
    else:
        _table(what, rows)


def _cell(value: Any) -> str:
    """A table cell of a number that may be missing (a year, a page count)."""
    return "" if value is None else str(value)


def _table(what: ListWhat, rows: list[dict[str, Any]]) -> None:
    out = stdout()
    if what is ListWhat.documents:
        table = Table("document", "kind", "department", "year", "pages", "projects", "warnings", "gaps")
        for r in rows:  # gaps: what its checks say it holds and was not read (the lines: --format json)
            table.add_row(one_line(r["doc"]), r["kind"], one_line(r["department"] or ""), _cell(r["year"]), _cell(r["pages"]),
                          _projects(r), str(len(r["warnings"])), str(len(r["gaps"])))  # fmt: skip
    else:
        table = Table("id", "kind", "year", "department", "project", "budget (元)", "where")
        for r in rows:
            budget = money_grouped(r["budget_total_yuan"]) if r["budget_total_yuan"] is not None else ""
            budget = ("≈" if budget and r["budget_total_approximate"] else "") + budget  # 约27万元: not exact
            unit = f" / {r['unit']}" if r["unit"] else ""
            table.add_row(
                r["id"][:8], KIND_SHOWN.get(r["kind"], r["kind"]), _cell(r["year"]), one_line(f"{r['department'] or ''}{unit}"), one_line(r["name"] or ""),
                budget + (" (flagged)" if r["budget_flagged"] and budget else ""), place(r["doc"], r["line"], r["page"]),
            )  # fmt: skip
    out.print(table)
    if what is ListWhat.documents:
        print(counted(len(rows), "document"), file=sys.stderr)
    else:  # a department-wide form is listed (`show` takes its id) but is no project: counted apart
        whole = sum(r["kind"] == "department_form" for r in rows)
        wide = f", {counted(whole, 'department-wide form')}" if whole else ""
        print(counted(len(rows) - whole, "project") + wide, file=sys.stderr)


KIND_SHOWN = {"department_form": "department-wide"}
"""A kind as the projects table shows it: a department-wide form (部门整体绩效目标表) is said to be one."""


def _projects(row: dict[str, Any]) -> str:
    """A document's projects, and its department-wide forms (no projects) apart: ``4 +1 department-wide``."""
    whole = row.get("department_forms") or 0
    return str(row["projects"]) + (f" +{whole} department-wide" if whole else "")
