"""A stored file's name is untrusted text: a newline or an ESC sequence in it never reaches the terminal raw
from any table or header (`list`, `changes`), and a command a message suggests (`budgetscope remove …`)
quotes it as one shell word that names the file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from budgetscope.index.ingest import ingest
from budgetscope.messages import shell_word
from budgetscope.search_cli.app import app

runner = CliRunner()
HOSTILE = "nl\nname\x1b[31m.txt"
SHOWN = "nl\\nname\\x1b[31m.txt"
SAST_2019 = "sast-2019-performance-targets.txt"


def invoke(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args], env={"BUDGETSCOPE_HOME": None, "COLUMNS": "250"})


def edited_copy(corpus: Path, folder: Path, name: str) -> Path:
    """sast-2019's forms under another name, one character edited (not a duplicate of its content)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (corpus / SAST_2019).read_text(encoding="utf-8")
    path = folder / name
    path.write_text(
        text.replace("上海市科协本级项目支出预算编制", "上海市科 协本级项目支出预算编制", 1), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def hostile_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sast-2026's budget, and sast-2019's forms stored under a name with a newline and an ESC sequence."""
    tmp = tmp_path_factory.mktemp("names")
    copy = edited_copy(corpus, tmp / "files", HOSTILE)
    home = tmp / "home"
    summary = ingest([corpus / "sast-2026-department-budget.txt", copy], home, workers=1)
    assert summary.written == 2 and not summary.failed
    return home


def test_file_names_list_documents_escapes_a_stored_name(hostile_home: Path) -> None:
    table = invoke("list", "documents", "--home", hostile_home)
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.stdout and SHOWN in table.stdout
    [row] = [line for line in table.stdout.splitlines() if "nl" in line and "name" in line]
    assert "performance_targets" in row and "2019" in row  # the row is whole: not split at the newline
    projects = invoke("list", "projects", "--doc", HOSTILE, "--home", hostile_home)
    assert projects.exit_code == 0 and "\x1b" not in projects.stdout and SHOWN in projects.stdout


def test_file_names_changes_header_escapes_a_stored_name(hostile_home: Path) -> None:
    table = invoke("changes", "科协", "--since", "2019", "--home", hostile_home)
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.stdout + table.stderr
    [line] = [x for x in table.stdout.splitlines() if x.strip().startswith("2019:")]
    assert f"in {SHOWN}; budgets stated" in line


@pytest.mark.parametrize(
    "name",
    ['we ird "q" <b>x<\\b>\tname.txt', 'we ird "q" <b>x.txt', "it's $HOME;.txt", "-dash.txt", HOSTILE],
)
def test_file_names_remove_suggestion_is_one_shell_word(corpus: Path, tmp_path: Path, name: str) -> None:
    """The duplicate warning's `budgetscope remove NAME`, run through bash, names the stored file (quoted,
    control characters as $'…' escapes, after -- when it starts with a dash), and stays one line."""
    home = tmp_path / "home"
    ingest([corpus / SAST_2019], home, workers=1)
    result = invoke("ingest", "--force", "--no-index", edited_copy(corpus, tmp_path / "files", name),
                    "--home", home)  # fmt: skip
    assert result.exit_code == 0, result.output
    [warning] = [w for w in result.stderr.splitlines() if "takes this one out" in w]
    assert "\x1b" not in warning and "\t" not in warning
    command = warning.split("`budgetscope remove ", 1)[1].split("` takes this one out")[0]
    assert command.removeprefix("-- ") == shell_word(name) and command.startswith("-- ") == name.startswith(
        "-"
    )
    if shutil.which("bash"):
        words = subprocess.run(["bash", "-c", f"printf '%s\\0' {command}"], capture_output=True, check=True)
        assert words.stdout.decode().split("\0")[:-1] == [*(["--"] if name.startswith("-") else []), name]
