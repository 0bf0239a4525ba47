"""`budgetscope check`: where the documents disagree with themselves (narrative vs form, stated totals vs tables)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from budgetscope.index.store import EntityStore
from budgetscope.search_cli.common import fail, stdout
from budgetscope.search_cli.ingest import HomeOption

CHECK_FIELDS = ["severity", "status", "kind", "doc", "line", "subject", "stated", "found", "difference_yuan",
                "message", "project_id", "other_id", "id"]  # fmt: skip


SHORT_KIND = {"department_total": "total", "narrative_form_amount": "amount", "narrative_form_period": "period",
              "narrative_form_name": "name"}  # fmt: skip


CHECK_KINDS = ("department_total", "narrative_form_amount", "narrative_form_period", "narrative_form_name")
"""Known check kinds (``--kind``; anything else is a usage error)."""


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def checks(
    store: EntityStore, *, every: bool = False, kind: str | None = None, doc: str | None = None
) -> Iterator[dict[str, Any]]:
    """Findings (every check that is not an agreement), or every check with ``every``, filtered."""
    where: dict[str, Any] = {}
    if kind:
        where["kind"] = kind
    if doc:
        where["doc"] = doc
    rows = store.select("checks" if every else "findings", where)
    order = {"warning": 0, "info": 1, "ok": 2}
    for row in sorted(
        rows, key=lambda r: (order.get(r["severity"], 3), r["doc"] or "", r["line"] or 0, r["id"])
    ):
        yield {k: row[k] for k in CHECK_FIELDS}


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
    from budgetscope.index.store import StoreError, open_store

    try:
        with open_store(home) as store:
            known = {*CHECK_KINDS, *(r["kind"] for r in store.db.execute("SELECT DISTINCT kind FROM checks"))}
            if kind is not None and kind not in known:  # a usage error: exit 2
                raise typer.BadParameter(f"unknown check kind {kind!r} (known: {', '.join(sorted(known))})",
                                         param_hint="--kind")  # fmt: skip
            rows = list(checks(store, every=every, kind=kind, doc=doc))
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
