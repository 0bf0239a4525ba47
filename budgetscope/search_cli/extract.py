"""`budgetscope extract FILE...`: every narrative and form with amounts, period, citations (DESIGN.md records)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from budgetscope.models import Record, money_grouped, to_json
from budgetscope.search_cli.common import (
    FilesArgument,
    NoCacheOption,
    extract_files,
    record_flags,
    report_errors,
    stdout,
    warn,
    warn_coverage,
)
from budgetscope.search_cli.errors import one_line


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    table = "table"
    processed = "processed"


def command(
    files: FilesArgument,
    format: Annotated[
        ExtractFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl, json or table; processed: one line per file with everything `ingest` stores, "
            "for `ingest --from-jsonl` (the map step of a parallel ingest).",
        ),
    ] = ExtractFormat.table,
    no_cache: NoCacheOption = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="A document of another kind (no narratives or forms: a notice, an evaluation report) is an "
            "error, exit 1 (default: a warning, as ingest stores it).",
        ),
    ] = False,
) -> None:
    """Extract projects with sections, amounts, periods and cited policy documents."""
    if format is ExtractFormat.processed:
        return processed(files)
    docs, errors = extract_files(files, cache=not no_cache)
    records = [r for d in docs for r in d.records]
    flags = record_flags(
        docs
    )  # the document's own checks, as ingest makes them: a budget they dispute is flagged
    if format is ExtractFormat.jsonl:
        for r in records:
            print(to_json(r.contract(flags=flags.get(r.id, []))))
    elif format is ExtractFormat.json:
        print(to_json([r.contract(flags=flags.get(r.id, [])) for r in records], indent=1))
    elif docs:  # every file failed: the errors say so, no empty table
        table = Table("doc", "line", "kind", "name", "period", "total (yuan)", "amounts", "citations")
        for r in records:
            table.add_row(*table_row(r, flags.get(r.id, [])))
        stdout().print(table)
    from budgetscope.messages import NOT_BUDGET, quoted

    # another kind of document (a notice, an evaluation report) has nothing to extract: said, never an
    # empty silence; a warning as `ingest` gives (a folder of mixed documents still exits 0), an error
    # with --strict as there; the file named by its path as given, as an unreadable one is
    other = [f"{quoted(d.path or d.doc)}: {NOT_BUDGET}" for d in docs if NOT_BUDGET in d.warnings]
    if strict:
        errors += other
    else:
        for line in other:
            warn(line)
    warn_coverage(d for d in docs if NOT_BUDGET not in d.warnings)
    report_errors(errors)


def table_row(r: Record, flags: Sequence[str] = ()) -> list[str]:
    """A record's row of the table: its line (a PDF's page, "p.37"), its total (``≈`` before an approximate
    one, ``⚠ flagged (annual_budget)`` after one its document's own checks dispute), and its amounts counted, a
    narrative's and its form's (年度资金总额, 财政拨款 …). Plain strings: the console takes no markup
    (document text is untrusted).

    >>> from decimal import Decimal
    >>> r = Record(id="x", kind="narrative", doc="a.txt", line=3, title="t", budget_total_yuan=Decimal(270000),
    ...            budget_total_approximate=True)
    >>> table_row(r, ["annual_budget"])[5]
    '≈270,000.00 ⚠ flagged (annual_budget)'
    """
    where = " ".join(filter(None, (str(r.line or ""), f"p.{r.page}" if r.page else "")))
    period = f"{r.period.start}→{r.period.end}" if r.period else ""
    total = ""
    if r.budget_total_yuan is not None:
        total = ("≈" if r.budget_total_approximate else "") + money_grouped(r.budget_total_yuan)
        total += f" ⚠ flagged ({', '.join(flags)})" if flags else ""
    amounts = len(r.amounts) + (len(r.form.amounts) if r.form is not None else 0)
    name = r.name or r.title
    return [one_line(r.doc), where, r.kind, name, period, total, str(amounts), str(len(r.citations))]


def processed(files: list[Path]) -> None:
    """One JSON line per file (in order) on stdout, what ``ingest --from-jsonl`` stores; errors on stderr."""
    from budgetscope.api import process
    from budgetscope.paths import expand

    errors = []
    for line, error in process(expand(files)):
        print(line, flush=True)
        if error:
            errors.append(error)
    report_errors(errors)
