"""The `budgetscope` command line: one module per command, each a thin layer over an importable function.

Exit codes: 0 ok, 1 some input failed (or the store, index or disk did), 2 usage. Global options
(``--home``, ``--qdrant-url``, ``--encoder``, ``--verbose``) may come before the command.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from budgetscope.search_cli import (
    check,
    citations,
    cites,
    export,
    extract,
    index,
    ingest,
    remove,
    search,
    segment,
    serve,
    show,
)
from budgetscope.search_cli.errors import VERBOSE_ENV, SafeGroup, log_to_stderr

app = typer.Typer(
    name="budgetscope",
    cls=SafeGroup,
    help="Read Chinese government budget disclosures (部门预算, 绩效目标申报表) as data.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"budgetscope {version('budgetscope')}")
        except PackageNotFoundError:  # pragma: no cover - a bare checkout
            print("budgetscope (not installed)")
        raise typer.Exit()


@app.callback()
def main_options(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home", help="Data home for every command (env BUDGETSCOPE_HOME).", show_default=False
        ),
    ] = None,
    qdrant_url: Annotated[
        str | None, typer.Option("--qdrant-url", help="A Qdrant server (env BUDGETSCOPE_QDRANT_URL).")
    ] = None,
    encoder: Annotated[
        str | None, typer.Option("--encoder", help="Encoder of the search index (env BUDGETSCOPE_ENCODER).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what happens on stderr; tracebacks with errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Read Chinese government budget disclosures (部门预算, 绩效目标申报表) as data."""
    # given before the command, they are its defaults (an option after the command still wins)
    for name, value in (("BUDGETSCOPE_HOME", home), ("BUDGETSCOPE_QDRANT_URL", qdrant_url),
                        ("BUDGETSCOPE_ENCODER", encoder)):  # fmt: skip
        if value is not None:
            os.environ[name] = str(value)
    if verbose:
        os.environ[VERBOSE_ENV] = "1"
        log_to_stderr()


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
app.command("remove")(remove.command)
app.command("serve")(serve.command)


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
