"""`budgetscope export --what … --format jsonl|csv|parquet --out DIR|-`: the store as files + datapackage.json."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from budgetscope.search_cli.common import HomeOption, fail, stderr, usage, warn
from budgetscope.store.export import ExportFormat, ExportKind


def command(
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output folder, or - for stdout (one --what, jsonl or csv).")
    ],
    what: Annotated[
        list[ExportKind] | None,
        typer.Option("--what", "-w", help="What to export (repeat; default: everything)."),
    ] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="jsonl, csv or parquet.")
    ] = ExportFormat.jsonl,
    bom: Annotated[bool, typer.Option("--bom", help="Start CSV files with a UTF-8 BOM (Excel).")] = False,
    home: HomeOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Export entities as JSONL, CSV or Parquet with a Frictionless datapackage.json describing them."""
    import budgetscope
    from budgetscope.store.export import ExportError
    from budgetscope.store.protocol import StoreError

    if not out.strip():
        raise usage("--out is empty: give a folder, or - for stdout")
    if out == "-" and (format is ExportFormat.parquet or len(set(what or [])) != 1):
        raise usage("--out - (stdout) takes one --what in jsonl or csv")
    try:
        result = budgetscope.open(home).export(
            list(dict.fromkeys(what or [])), format, out if out == "-" else Path(out), bom=bom
        )
    except BrokenPipeError:
        raise  # `export --out - | head`: a closed pipe is a normal end (the app exits 0)
    except (StoreError, ExportError) as exc:
        raise fail(str(exc)) from None
    except OSError as exc:  # the folder or a file in it cannot be written: say which, and why, in words
        where = exc.filename or out
        reason = (exc.strerror or str(exc)).lower() if exc.filename else str(exc)
        raise fail(f"cannot write {where}: {reason}") from None
    for message in result.warnings:  # said even with --quiet: the folder mixes two states of the store
        warn(message)
    if not quiet and out != "-":
        console = stderr()
        for kind, path, rows in result.files:
            console.print(f"{kind}: {rows} rows → {path}", highlight=False, soft_wrap=True)
        if result.datapackage:
            console.print(f"data package → {result.datapackage}", highlight=False, soft_wrap=True)
