"""``DOC:LINE`` past the end of a document's text is an error naming the document and its last line (it
was taken for the last project's), in the Python API, `show` (exit 2) and the web; a store written
before the count of a text's lines was kept answers as it did.

The document is sast-2023's department budget as a text file ending with a line break (the break opens
no line of its own).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.api import Budgetscope, LineOutOfRange, ProjectNotFound
from budgetscope.search_cli.app import app

DOC = "sast-2023-department-budget.txt"


@pytest.fixture(scope="module")
def text(corpus: Path) -> str:
    return (corpus / DOC).read_text(encoding="utf-8").rstrip("\n") + "\n"


@pytest.fixture(scope="module")
def home(text: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lines")
    (folder / DOC).write_text(text, encoding="utf-8")
    home = tmp_path_factory.mktemp("lines-home")
    with budgetscope.open(home) as bs:
        assert not bs.ingest([folder / DOC], index=False).failed
    return home


@pytest.fixture(scope="module")
def bs(home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(home) as session:
        yield session


def _last_project(bs: Budgetscope) -> str:
    return max((p for p in bs.projects() if p.doc == DOC and p.line), key=lambda p: p.line or 0).id


def test_project_lines_past_the_end_is_an_error_naming_the_last_line(bs: Budgetscope, text: str) -> None:
    last = len(text.splitlines())
    assert bs.project(f"{DOC}:{last}").record.id == _last_project(bs)  # the last line is the last project's
    with pytest.raises(LineOutOfRange) as raised:
        bs.project(f"{DOC}:{last + 1}")
    assert (
        str(raised.value)
        == f"line {last + 1} of {DOC} is past the end of the document: its last line is {last}"
    )
    assert isinstance(raised.value, ProjectNotFound)  # callers catching ProjectNotFound keep working


def test_project_lines_show_exits_2_in_one_line(home: Path, text: str) -> None:
    last = len(text.splitlines())
    result = CliRunner().invoke(app, ["show", f"{DOC}:{last + 40}", "--home", str(home)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: line {last + 40} of {DOC} is past the end of the document: its last line is {last}\n"
    )
    inside = CliRunner().invoke(app, ["show", f"{DOC}:{last}", "--home", str(home), "-f", "json"])
    assert inside.exit_code == 0, inside.output


def test_project_lines_web_says_so_with_a_404(bs: Budgetscope, text: str) -> None:
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    client = TestClient(create_app(Data(bs)))
    last = len(text.splitlines())
    answer = client.get(f"/api/project/{DOC}:{last + 1}")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": f"line {last + 1} of {DOC} is past the end of the document: its last line is {last}"
    }
    page = client.get(f"/project/{DOC}:{last + 1}")
    assert (
        page.status_code == 404
        and "行号超出文件末尾" in page.text
        and f"its last line is {last}" in page.text
    )


def test_project_lines_a_store_without_the_count_answers_as_before(
    home: Path, text: str, tmp_path: Path
) -> None:
    # a store written before the count was kept: no "lines" in the document's extra
    old = tmp_path / "old"
    old.mkdir()
    for f in home.iterdir():
        if f.name.startswith("budgetscope.sqlite"):
            (old / f.name).write_bytes(f.read_bytes())
    with sqlite3.connect(old / "budgetscope.sqlite") as conn:
        (extra,) = conn.execute("SELECT extra FROM documents WHERE doc = ?", (DOC,)).fetchone()
        fields = json.loads(extra)
        assert fields.pop("lines") == len(text.splitlines())
        conn.execute("UPDATE documents SET extra = ? WHERE doc = ?", (json.dumps(fields), DOC))
    with budgetscope.open(old) as bs:
        assert bs.project(f"{DOC}:{len(text.splitlines()) + 1}").record.id == _last_project(bs)
