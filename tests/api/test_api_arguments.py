"""The Python API refuses the arguments the CLI refuses, each with a one-line ``BudgetscopeError`` (review 30-b
#11): bad filter values (were pydantic's ``ValidationError``), an unknown export format (a bare ``ValueError``),
an unknown check kind (an empty list, where ``check --kind`` exits 2), an unknown document, year, kind,
search mode or worker count (empty answers), and a path given alone (was read as its characters)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.api import (
    Budgetscope,
    BudgetscopeError,
    DocumentNotFound,
    InvalidFilter,
    InvalidQuery,
    UnknownCheckKind,
)
from budgetscope.models import CHECK_KINDS, SearchFilters
from budgetscope.search_cli.app import app
from budgetscope.store.export import ExportError

T19 = "sast-2019-performance-targets.txt"
B23 = "sast-2023-department-budget.txt"


@pytest.fixture(scope="module")
def bs(corpus_home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(corpus_home) as session:
        yield session


def _refused(call: Callable[[], Any], error: type[BudgetscopeError]) -> str:
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert isinstance(raised.value, BudgetscopeError) and "\n" not in message and len(message) < 400
    return message


def test_api_arguments_search_filters_are_invalid_filters(bs: Budgetscope) -> None:
    assert _refused(lambda: SearchFilters(kind="bogus"), InvalidFilter) == (
        "kind: unknown kind 'bogus' (known: narrative, form)"
    )
    assert (
        _refused(lambda: SearchFilters(year="abc"), InvalidFilter) == "year: Input should be a valid integer"
    )
    assert _refused(lambda: SearchFilters(section="bogus"), InvalidFilter).startswith(
        "section: unknown section 'bogus' (known: overview, legal_basis,"
    )
    assert issubclass(InvalidFilter, InvalidQuery) and issubclass(InvalidFilter, ValueError)
    assert _refused(lambda: bs.search("科普", [("year", 2026), 1]), InvalidFilter) == (  # type: ignore[arg-type]
        "filters: give a SearchFilters or a mapping of its fields, not list"
    )
    assert _refused(lambda: bs.listed("科普", {"kind": "bogus"}), InvalidFilter) == (
        "filters: kind: unknown kind 'bogus' (known: narrative, form)"
    )  # was [] for any filter value
    assert _refused(
        lambda: bs.listed("科普", {"department": ["上海市科学技术协会"], "kind": "x"}), InvalidFilter
    ) == (
        "filters: kind: unknown kind 'x' (known: narrative, form)"
    )  # a list of departments (listed takes one) does not spare the other filters their check
    assert _refused(lambda: bs.listed("科普", {"department": [2026]}), InvalidFilter).startswith(
        "filters: department: give a name or a list of names"
    )
    assert _refused(lambda: bs.search("科普", mode="bm25"), InvalidQuery) == (  # type: ignore[arg-type]
        "unknown search mode 'bm25': expected hybrid, dense, sparse"
    )


def test_api_arguments_check_kinds_are_the_clis(bs: Budgetscope, corpus_home: Path) -> None:
    message = _refused(lambda: bs.checks(kind="bogus"), UnknownCheckKind)  # was []
    assert message.startswith(
        "unknown check kind 'bogus' (known: annual_budget, department_total, forms_total,"
    )
    assert message.endswith("or as the table names them: amount, annual, forms, goal, listed, name, period, sum, "
                            "table, total, unit, year)")  # fmt: skip
    cli = CliRunner().invoke(app, ["check", "--kind", "bogus", "--home", str(corpus_home)])
    assert cli.exit_code == 2 and "unknown check kind 'bogus'" in cli.output
    # a short name, as the CLI takes it; a kind of CHECK_KINDS the store holds none of is no error
    assert bs.checks(kind="total") == bs.checks(kind="department_total") != []
    assert bs.checks(kind="listed_project") == []


def test_api_arguments_check_kinds_name_every_check_the_pipeline_makes() -> None:
    """:data:`CHECK_KINDS` is the one list ``check --kind`` and ``checks(kind=)`` take: every kind of check
    the pipeline makes (its ids are ``stable_id(KIND, …)``) is on it."""
    linking = Path(budgetscope.__file__).parent / "pipeline" / "linking"
    made = {
        kind
        for path in linking.glob("*.py")
        for kind in re.findall(r'"check:" \+ stable_id\(\s*"(\w+)"', path.read_text(encoding="utf-8"))
    }
    assert made and made <= set(CHECK_KINDS)


def test_api_arguments_documents_years_and_kinds(bs: Budgetscope) -> None:
    assert _refused(lambda: bs.checks(doc="sast-2023"), DocumentNotFound) == (
        "no document 'sast-2023' in the store (did you mean: sast-2023-department-budget.txt)"
    )  # was []
    assert _refused(lambda: bs.projects(doc="nope.txt"), DocumentNotFound).startswith(
        "no document 'nope.txt' in the store (stored: "
    )
    assert bs.projects(doc=f"/any/where/{B23}") == bs.projects(doc=B23) != []  # a path: its file name
    assert _refused(lambda: bs.projects(kind="bogus"), InvalidQuery) == (  # type: ignore[arg-type]
        "unknown kind 'bogus' (known: narrative, form, department_form)"
    )
    for call in (
        lambda: bs.projects(year="2023"),  # type: ignore[arg-type]
        lambda: bs.project_budgets(year="2023"),  # type: ignore[arg-type]
        lambda: bs.cites("国发〔2021〕9号", year="2023"),  # type: ignore[arg-type]
        lambda: bs.year_note("2023"),  # type: ignore[arg-type]
        lambda: bs.changes("科协", year="2023"),  # type: ignore[arg-type]
    ):
        assert _refused(call, InvalidQuery) == "year must be a whole number (a year), not '2023'"
    assert _refused(lambda: bs.changes("科协", since=True), InvalidQuery).startswith("since must be")
    assert _refused(lambda: bs.changes(" "), InvalidQuery) == "give a department (its name or a 简称)"
    for query in ("", "？？"):  # as `budgetscope cites` refuses them (exit 2); were []
        assert _refused(lambda q=query: bs.cites(q), InvalidQuery) in (  # type: ignore[misc]
            "empty query",
            "query holds no word, only punctuation or symbols",
        )
    assert _refused(lambda: bs.review([], note="checked"), InvalidQuery).startswith(
        "a note is kept with a review"
    )
    assert _refused(lambda: bs.review("check:abcdefgh"), BudgetscopeError) == (  # one id, not its characters
        "no finding 'check:abcdefgh'; see `budgetscope check --format json` for ids"
    )


def test_api_arguments_export_format_and_folder(bs: Budgetscope, tmp_path: Path) -> None:
    assert _refused(lambda: bs.export("projects", "xlsx", tmp_path / "x"), ExportError) == (
        "unknown export format 'xlsx'; choose from jsonl, csv, parquet"
    )  # was a bare ValueError
    assert _refused(lambda: bs.export("projects", "csv", ""), ExportError).startswith("out is empty")
    assert not (tmp_path / "x").exists()


def test_api_arguments_a_path_alone_is_one_path(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ingest("a.txt")`` reads that file: a string iterated is its characters, of which ``/`` is the whole
    disk. Here the characters would be ``a``, ``b``, ``.`` (this folder), ``t``, ``x``: no such files."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "ab.txt").write_bytes((corpus / T19).read_bytes())
    monkeypatch.chdir(work)
    assert [e for _, e in budgetscope.process("ab.txt")] == [None]
    with budgetscope.open(tmp_path / "home") as bs:
        summary = bs.ingest("ab.txt", index=False)
        assert (summary.files, summary.written, summary.failed) == (1, 1, [])
        assert _refused(lambda: bs.ingest("ab.txt", index=False, workers=0), InvalidQuery) == (
            "workers must be a whole number of 1 or more, not 0"
        )
        assert bs.remove("ab.txt", index=False) == 1 and bs.documents() == []
    with pytest.raises(InvalidQuery, match="workers must be a whole number"):
        list(budgetscope.process("ab.txt", workers=0))
