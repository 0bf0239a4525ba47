"""`budgetscope check`: where the documents disagree with themselves or hold an impossible number.

Unit slips (a project larger than its department, 10,000× its form or last year), sums that do
not add up (parts vs totals of forms, narratives and tables), periods outside the budget year,
narrative vs form, 编制说明 vs tables, stated totals of the project forms vs the forms, a form's goal
text vs its indicators. ``--fail-on`` makes it exit 1 for scripts; ``--review``
marks a finding as a false positive so it stops showing.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Column, Table

from budgetscope.messages import one_line
from budgetscope.models import CHECK_KINDS, SEVERITY_ORDER, to_json
from budgetscope.search_cli.common import HomeOption, fail, stderr, stdout, usage

CHECK_FIELDS = ["severity", "status", "kind", "doc", "page", "line", "subject", "stated", "stated_yuan", "found",
                "found_yuan", "other_doc", "other_page", "other_line", "difference_yuan", "field", "message",
                "project_id", "other_id", "id"]  # fmt: skip


KINDS = ", ".join(CHECK_KINDS)


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def failing(rows: list[dict[str, Any]], threshold: FailOn) -> int:
    """How many rows are at least as grave as ``threshold`` (0 with ``never``)."""
    if threshold is FailOn.never:
        return 0
    least = SEVERITY_ORDER[threshold.value]
    return sum(1 for r in rows if SEVERITY_ORDER.get(r["severity"], 0) >= least)


def _where(doc: str | None, page: int | None, line: int | None) -> str:
    if not doc:
        return ""
    return f"{doc}:{line}" if line else f"{doc} p.{page}" if page else doc


def render(rows: list[dict[str, Any]], *, every: bool = False) -> None:
    """One table per document: severity, line, check, message, the other number's place, the id; for
    the findings marked as reviewed (``check --reviewed``), when and why."""
    out = stdout(markup=True)  # every piece of document text below is escaped
    if not rows:
        out.print("no checks" if every else "no findings")
    reviews = bool(rows) and "review_note" in rows[0]
    headers = (
        "severity",
        "line",
        "check",
        "message",
        "compared with",
        "id",
        *(("reviewed",) if reviews else ()),
    )
    for name in dict.fromkeys(row["doc"] for row in rows):
        table = Table(
            *(Column(h, overflow="fold") for h in headers),
            title=escape(one_line(name or "")),
            title_justify="left",
        )
        for row in (r for r in rows if r["doc"] == name):
            other = _where(row["other_doc"], row["other_page"], row["other_line"])
            table.add_row(
                row["severity"] if row["status"] != "rounded" else "ok (rounded)",
                " ".join(filter(None, (str(row["line"] or ""), f"p.{row['page']}" if row["page"] else ""))),
                CHECK_KINDS.get(row["kind"], escape(row["kind"])),
                escape(one_line(row["message"])),
                escape(one_line(other)),
                row["id"].removeprefix("check:")[:12],
                *(
                    (
                        escape(
                            one_line(
                                " ".join(
                                    filter(None, (str(row["reviewed_at"] or "")[:10], row["review_note"]))
                                )
                            )
                        ),
                    )
                    if reviews
                    else ()
                ),
            )
        out.print(table)


def command(
    home: HomeOption = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="table, json or jsonl.")
    ] = CheckFormat.table,
    every: Annotated[bool, typer.Option("--all", help="Also list the checks that agree.")] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"Only this check: {KINDS} (or the table's short name).")
    ] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this source file name.")] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on", help="Exit 1 when a finding is at least this grave (error, warning, info)."
        ),
    ] = FailOn.never,
    review: Annotated[
        list[str] | None,
        typer.Option(
            "--review",
            help="Mark a finding (id or its first 8+ characters) as reviewed: a false "
            "positive that stops showing. Repeat for several.",
        ),
    ] = None,
    unreview: Annotated[
        list[str] | None, typer.Option("--unreview", help="Show a reviewed finding again.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, kept with --review.")] = None,
    reviewed: Annotated[
        bool, typer.Option("--reviewed", help="List the findings marked as reviewed.")
    ] = False,
) -> None:
    """List findings: unit slips, sums, periods, narrative vs form, 编制说明 totals vs the document's tables."""
    import budgetscope
    from budgetscope.api.arguments import check_kind
    from budgetscope.api.errors import UnknownCheckKind
    from budgetscope.store.protocol import StoreError

    if note is not None and not review:
        raise usage("--note is kept with --review: give the findings it explains (--review ID)")
    try:
        bs = budgetscope.open(home)
        try:  # as the API refuses it (one list of kinds), but a usage mistake here: exit 2
            kind = check_kind(kind, bs.check_kinds()) if kind is not None else None
        except UnknownCheckKind as exc:
            raise typer.BadParameter(str(exc), param_hint="--kind") from None
        if review or unreview:
            for ids, mark in ((review or [], True), (unreview or [], False)):
                verb = "reviewed (hidden)" if mark else "shown again"
                for cid in bs.review(ids, note=note, reviewed=mark) if ids else []:
                    stderr().print(f"{cid}: {verb}", highlight=False, markup=False)
            return
        found = bs.checks(every=every, kind=kind, doc=doc, reviewed=reviewed)
    except (StoreError, budgetscope.BudgetscopeError) as exc:
        raise fail(str(exc)) from None
    fields = [*CHECK_FIELDS, *(("reviewed_at", "review_note") if reviewed else ())]
    rows = [
        {k: getattr(c, k) if k.endswith("_yuan") else row[k] for k in fields}  # money: JSON numbers, exact
        for c, row in ((c, c.model_dump(mode="json")) for c in found)
    ]
    if format is CheckFormat.json:
        print(to_json(rows, indent=1))
    elif format is CheckFormat.jsonl:
        for row in rows:
            print(to_json(row))
    else:
        render(rows, every=every)
    bad = failing([r for r in rows if r["status"] not in ("agree", "rounded")], fail_on)
    if bad:
        print(f"error: {bad} finding(s) at or above {fail_on.value}", file=sys.stderr)
        raise typer.Exit(1)
