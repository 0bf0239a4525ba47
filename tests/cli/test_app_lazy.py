"""The command line imports a command's module only when that command runs: `--help` and
`--version` import none, `search` none of the others."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

from budgetscope.search_cli.app import COMMANDS

PROBE = """
import sys
from budgetscope.search_cli.app import main
sys.argv = ["budgetscope", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.startswith(("budgetscope.search_cli.", "budgetscope.index.", "budgetscope.api", "qdrant_client", "numpy", "pydantic")))
print("LOADED", " ".join(loaded))
"""


def loaded_after(*args: str) -> tuple[set[str], str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    line = next(line for line in result.stdout.splitlines() if line.startswith("LOADED"))
    return set(line.split()[1:]), result.stdout


def test_app_lazy_help_lists_every_command_without_importing_one() -> None:
    loaded, out = loaded_after("--help")
    for name in COMMANDS:
        assert name in out
    commands = {f"budgetscope.search_cli.{name}" for name in COMMANDS}
    assert not loaded & commands, loaded & commands
    assert not any(
        m.startswith(("qdrant_client", "numpy", "budgetscope.api", "pydantic.main")) for m in loaded
    )


def test_app_lazy_version_imports_no_command() -> None:
    loaded, out = loaded_after("--version")
    assert out.startswith("budgetscope ")
    assert not loaded & {f"budgetscope.search_cli.{name}" for name in COMMANDS}


def test_app_lazy_a_command_imports_its_own_module_only() -> None:
    loaded, _ = loaded_after("search", "--help")
    assert "budgetscope.search_cli.search" in loaded
    assert not loaded & {
        f"budgetscope.search_cli.{n}" for n in ("export", "serve", "check", "ingest", "show")
    }


def test_app_lazy_listed_line_is_the_commands_own_first_docstring_line() -> None:
    for name, line in COMMANDS.items():
        module = importlib.import_module(f"budgetscope.search_cli.{name}")
        assert (inspect.getdoc(module.command) or "").splitlines()[0] == line, name


def test_app_usage_mistakes_are_one_line_with_the_help_to_read() -> None:
    """A mistyped command or option, a bad value: one line on stderr (a near command named), exit 2,
    as every other error is one line; `budgetscope` alone still prints its help, exit 0."""
    cases = [
        (
            ["serch", "科普"],
            "error: No such command 'serch'. Did you mean 'search'? (see `budgetscope --help`)",
        ),
        (["search", "科普", "--yeer", "2026"], "No such option: --yeer"),
        (["search", "科普", "--top-k", "0"], "(see `budgetscope search --help`)"),
        (
            ["search", "--top-k", "3"],
            "error: give a QUERY or --queries FILE (one of them) (see `budgetscope search",
        ),
        (["search", "科普", "--year", "-2026"], "year must be a whole number from 1 to 9999, not -2026"),
        (["check", "--note", "checked by hand"], "--note is kept with --review"),
        (["search", "科普", "-v", "--top-k", "0"], "--top-k"),  # -v after the command is the global option
    ]
    for args, expected in cases:
        result = subprocess.run(
            [sys.executable, "-m", "budgetscope", *args],  # python -m budgetscope, as the console script
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert expected in lines[0] and result.stdout == ""
    bare = subprocess.run(
        [sys.executable, "-m", "budgetscope.search_cli.app"], capture_output=True, text=True, timeout=120
    )
    assert bare.returncode == 0 and "Usage: budgetscope" in bare.stdout
