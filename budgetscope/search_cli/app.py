"""The `budgetscope` command line: one module per command, each a thin layer over an importable function.

Exit codes: 0 ok, 1 some input failed (or the store, index or disk did), 2 usage. Global options
(``--home``, ``--qdrant-url``, ``--encoder``, ``--verbose``) may come before the command.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click as click
from typer.core import TyperOption

from budgetscope.search_cli.errors import VERBOSE_ENV, SafeGroup, log_to_stderr

COMMANDS = {
    "segment": "Segment budget documents into projects, sections and forms.",
    "extract": "Extract projects with sections, amounts, periods and cited policy documents.",
    "citations": "List the policy documents cited by each project (title, 文号, canonical identity).",
    "ingest": "Ingest budget documents into the entity store: idempotent, one transaction per document.",
    "index": "Update the search index from the store (with --rebuild: from scratch, e.g. with another --encoder).",
    "search": "Find projects by meaning and by words, filtered by year, department, section, cited document or kind.",
    "cites": "List the projects that cite a policy document, with the exact wording they cite.",
    "show": "Show one project: sections, amounts, period, citations, the same project in other years, findings.",
    "list": "List the stored documents, or their projects (with --year, --department, --doc), ids for `show`.",
    "changes": "What changed in a department's budget from one year to another: projects new, dropped, continued.",
    "check": "List findings: unit slips, sums, periods, narrative vs form, 编制说明 totals vs the document's tables.",
    "export": "Export entities as JSONL, CSV or Parquet with a Frictionless datapackage.json describing them.",
    "remove": "Remove documents (with their projects, amounts, citations, findings) from the store and the index.",
    "serve": "Serve search, who-cites-what, projects across years and documents as web pages and JSON.",
}
"""Every command: its module is ``budgetscope.search_cli.<name>`` (function ``command``), imported only
when the command runs or shows its own help; the line is what ``budgetscope --help`` lists (a test
checks it is the first line of the command's docstring)."""


class LazyGroup(SafeGroup):
    """The app's group, importing a command's module only when that command is used: ``budgetscope
    search`` does not pay for the imports of ``export`` or ``serve``, and ``--help`` lists the
    commands from :data:`COMMANDS` without importing any of them."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            from typer.core import TyperCommand

            return TyperCommand(cmd_name, help=COMMANDS[cmd_name], short_help=COMMANDS[cmd_name])
        if cmd_name not in self.commands:
            from typer.main import CommandInfo, get_command_from_info

            module = importlib.import_module(f"budgetscope.search_cli.{cmd_name}")
            command = get_command_from_info(
                CommandInfo(name=cmd_name, callback=module.command),
                pretty_exceptions_short=True,
                rich_markup_mode=app.rich_markup_mode,
            )
            self.commands[cmd_name] = command
        return self.commands[cmd_name]

    def format_help(self, ctx: click.Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="budgetscope",
    cls=LazyGroup,
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


def _flag_type(self: Any, ctx: click.Context) -> str | None:
    """On/off flags (``--quiet``, ``--no-index``, ``--help``) show no ``<bool>`` value in the help:
    typer (0.29) prints one, as if they took a value."""
    if getattr(self, "is_flag", False) and self.metavar is None:
        return None
    return _option_type(self, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


def main() -> None:
    """Entry point of the console script: a usage mistake (an unknown command or option, a bad value) is
    one line on stderr naming what to read, exit 2, as every other error is one line."""
    try:
        code = app(args=verbose_first(sys.argv[1:]), standalone_mode=False, prog_name="budgetscope")
    except click.exceptions.NoArgsIsHelpError as exc:  # `budgetscope` alone: its help
        exc.show()
        sys.exit(0)
    except click.exceptions.UsageError as exc:
        print(f"error: {usage_error(exc)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except click.exceptions.ClickException as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print(
            "error: interrupted (what was written before stays; run the command again to finish)",
            file=sys.stderr,
        )
        sys.exit(130)
    if code == 130:  # Ctrl+C (the command's own Exit): said, not a silent end
        print(
            "error: interrupted (what was written before stays; run the command again to finish)",
            file=sys.stderr,
        )
    sys.exit(code if isinstance(code, int) else 0)


def verbose_first(args: list[str]) -> list[str]:
    """``-v``/``--verbose`` given after the command (``budgetscope search 科普 -v``) moved before it, where
    the option is (no command has a ``-v`` of its own); after ``--`` an argument is left as it is.

    >>> verbose_first(["search", "科普", "-v"]), verbose_first(["search", "--", "-v"])
    (['-v', 'search', '科普'], ['search', '--', '-v'])
    """
    end = args.index("--") if "--" in args else len(args)
    moved = [a for a in args[:end] if a in ("-v", "--verbose")]
    return [*moved, *(a for a in args[:end] if a not in moved), *args[end:]] if moved else args


def usage_error(exc: Any) -> str:
    """A click usage error in one line: the message, a near command name when one was mistyped, and the
    help to read (``budgetscope search --help``)."""
    import difflib

    from budgetscope.messages import one_line

    message = one_line(exc.format_message())
    ctx = exc.ctx
    path = ctx.command_path if ctx is not None else "budgetscope"
    unknown = re.match(r"No such command '(.+)'", message)
    if unknown and ctx is not None and hasattr(ctx.command, "list_commands"):
        near = difflib.get_close_matches(unknown.group(1), ctx.command.list_commands(ctx), n=1)
        if near:
            message += f" Did you mean '{near[0]}'?"
    return f"{message} (see `{path} --help`)"


if __name__ == "__main__":
    main()
