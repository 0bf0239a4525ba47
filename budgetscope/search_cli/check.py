"""`budgetscope check`: where the documents disagree with themselves (narrative vs form, stated totals vs tables)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Column, Table

from budgetscope.search_cli.common import fail, stdout
from budgetscope.search_cli.ingest import HomeOption

CHECK_FIELDS = ["severity", "status", "kind", "doc", "line", "subject", "stated", "found", "difference_yuan",
                "message", "project_id", "other_id", "id"]  # fmt: skip


SHORT_KIND = {"department_total": "total", "narrative_form_amount": "amount", "narrative_form_period": "period",
              "narrative_form_name": "name"}  # fmt: skip


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def command(
    home: HomeOption = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="table, json or jsonl.")
    ] = CheckFormat.table,
    every: Annotated[bool, typer.Option("--all", help="Also list the checks that agree.")] = False,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="department_total, narrative_form_amount, narrative_form_period, narrative_form_name.",
        ),
    ] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this source file name.")] = None,
) -> None:
    """List findings: narrative vs performance form of a project, 编制说明 totals vs the document's tables."""
    import budgetscope
    from budgetscope.index.store import StoreError

    try:
        found = budgetscope.open(home).checks(every=every, kind=kind, doc=doc)
        rows = [{k: c[k] for k in CHECK_FIELDS} for c in (c.model_dump(mode="json") for c in found)]
    except StoreError as exc:
        raise fail(str(exc)) from None
    if format is CheckFormat.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif format is CheckFormat.jsonl:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        out = stdout()
        if not rows:
            out.print("no checks" if every else "no findings")
        for name in dict.fromkeys(row["doc"] for row in rows):
            table = Table(
                *(Column(h, overflow="fold") for h in ("status", "line", "check", "message")),
                title=name,
                title_justify="left",
            )
            for row in (r for r in rows if r["doc"] == name):
                table.add_row(
                    row["status"],
                    str(row["line"] or ""),
                    SHORT_KIND.get(row["kind"], row["kind"]),
                    row["message"],
                )
            out.print(table)
