"""The `budgetscope` command line: one module per command, each a thin layer over an importable function."""

from __future__ import annotations

import typer

from budgetscope.search_cli import (
    check,
    citations,
    cites,
    export,
    extract,
    index,
    ingest,
    search,
    segment,
    serve,
    show,
)

app = typer.Typer(
    name="budgetscope",
    help="Read Chinese government budget disclosures (部门预算, 绩效目标申报表) as data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("segment")(segment.command)
app.command("extract")(extract.command)
app.command("citations")(citations.command)
app.command("ingest")(ingest.command)
app.command("index")(index.command)
app.command("search")(search.command)
app.command("cites")(cites.command)
app.command("show")(show.command)
app.command("check")(check.command)
app.command("export")(export.command)
app.command("serve")(serve.command)


def main() -> None:
    """Entry point of the console script."""
    app()
