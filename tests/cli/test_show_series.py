"""`show` puts findings beside the numbers they concern and lists the budget year by year;
`export --what series` gives one row per project per year; `check --review` hides a finding."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.search_cli.app import app

runner = CliRunner()
SLIP = "sast-2023-department-budget.txt:453"  # 科技社团党建工作项目, "60000.00万元"
BUDGET_2026 = "sast-2026-department-budget.txt"


@pytest.fixture
def home(corpus_home: Path, tmp_path: Path) -> Path:
    """A copy of the corpus home of tests/conftest.py (these tests mark findings as reviewed)."""
    shutil.copytree(corpus_home, tmp_path / "home")
    return tmp_path / "home"


def test_show_series_finding_beside_the_annual_budget(home: Path) -> None:
    result = runner.invoke(app, ["show", SLIP, "--home", str(home)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    budget = next(i for i, line in enumerate(lines) if "annual budget: 600,000,000.00 元" in line)
    assert "⚠ error" in lines[budget + 1] and "the department's whole 2023 budget" in lines[budget + 1]
    table = result.stdout[result.stdout.index("budget by year") :]
    assert "600,000,000.00" in table and "50,000.00" in table and "-599,950,000.00" in table


def test_show_series_yardstick_of_a_slip_is_not_flagged(home: Path) -> None:
    """2026's 50,000元 only measured 2023's 60000.00万元: no ⚠ beside 2026's budget; the 2023 row and the
    change from it are marked in the years' table, and the finding is listed with the checks."""
    later = runner.invoke(app, ["show", f"{BUDGET_2026}:591", "--home", str(home)], env={"COLUMNS": "200"})
    assert later.exit_code == 0, later.output
    lines = later.stdout.splitlines()
    budget = next(i for i, line in enumerate(lines) if "annual budget: 50,000.00 元" in line)
    assert "⚠" not in lines[budget + 1]
    table = later.stdout[later.stdout.index("budget by year") :]
    assert "600,000,000.00 ⚠ flagged" in table and "-599,950,000.00 ⚠" in table
    assert "magnitude" in later.stdout[later.stdout.index("checks") :]


def test_show_series_years_in_json(home: Path) -> None:
    result = runner.invoke(app, ["show", SLIP, "--home", str(home), "-f", "json"])
    details = json.loads(result.stdout)
    years = details["series"]["years"]
    assert [(y["year"], y["budget_total_yuan"], y["change_yuan"]) for y in years] == [
        (2023, 600000000, None), (2026, 50000, -599950000),
    ]  # fmt: skip
    assert {f["kind"] for f in details["findings"]} == {"magnitude"}


def test_show_series_export_one_row_per_project_per_year(home: Path) -> None:
    result = runner.invoke(app, ["export", "--home", str(home), "-w", "series", "-f", "csv", "--out", "-"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len({(r["series_id"], r["year"]) for r in rows}) == len(rows)
    party = [r for r in rows if r["name"] in ("科技社团党建工作项目", "科技社团党建项目")]
    assert [(r["year"], r["budget_total_yuan"], r["change_yuan"], r["previous_year"]) for r in party] == [
        ("2023", "600000000.00", "", ""), ("2026", "50000.00", "-599950000.00", "2023"),
    ]  # fmt: skip
    # 60000.00万元 is a likely slip (check: error): that year's budget and the change from it are flagged
    assert [(r["budget_flagged"], r["change_flagged"]) for r in party] == [
        ("true", "false"),
        ("false", "true"),
    ]
    science = next(r for r in rows if r["name"] == "学术交流与发展项目")  # narrative and form of 2026
    assert (science["budget_total_yuan"], science["form_total_yuan"]) == ("1600000.00", "1600000.00")
    exported = runner.invoke(
        app, ["export", "--home", str(home), "-w", "projects", "-f", "jsonl", "--out", "-"]
    )
    projects = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [(p["year"], p["name"]) for p in projects if p["budget_flagged"]] == [
        (2023, "科技社团党建工作项目")
    ]


def test_show_series_review_hides_the_finding(home: Path) -> None:
    listed = json.loads(runner.invoke(app, ["check", "--home", str(home), "-f", "json"]).stdout)
    slip = [f for f in listed if f["kind"] == "magnitude"]
    ids = [f["id"].removeprefix("check:")[:12] for f in slip]
    review = [x for i in ids for x in ("--review", i)]
    result = runner.invoke(app, ["check", "--home", str(home), *review, "--note", "元 checked on paper"])
    assert result.exit_code == 0 and result.stderr.count("reviewed (hidden)") == 2
    after = json.loads(runner.invoke(app, ["check", "--home", str(home), "-f", "json"]).stdout)
    assert not [f for f in after if f["kind"] == "magnitude"]
    shown = runner.invoke(app, ["show", SLIP, "--home", str(home)], env={"COLUMNS": "200"}).stdout
    assert "⚠" not in shown and "reviewed" in shown
    assert runner.invoke(app, ["check", "--home", str(home), "--fail-on", "error"]).exit_code == 0
    reviewed = json.loads(
        runner.invoke(app, ["check", "--home", str(home), "--reviewed", "-f", "json"]).stdout
    )
    assert {f["id"] for f in reviewed} == {f["id"] for f in slip}
    table = runner.invoke(app, ["check", "--home", str(home), "--reviewed"], env={"COLUMNS": "250"}).stdout
    assert "reviewed" in table and table.count("元 checked on paper") == 2  # the note kept with --review
    exported = runner.invoke(
        app, ["export", "--home", str(home), "-w", "projects", "-f", "jsonl", "--out", "-"]
    )
    assert not any(json.loads(line)["budget_flagged"] for line in exported.stdout.splitlines())


def test_check_kind_takes_the_name_the_table_shows(home: Path) -> None:
    """The table names a magnitude check "unit": --kind unit lists the same findings as --kind magnitude."""
    by_kind = runner.invoke(app, ["check", "--home", str(home), "--kind", "magnitude", "-f", "json"]).stdout
    by_label = runner.invoke(app, ["check", "--home", str(home), "--kind", "unit", "-f", "json"]).stdout
    assert json.loads(by_kind) and json.loads(by_kind) == json.loads(by_label)
    table = runner.invoke(
        app, ["check", "--home", str(home), "--kind", "unit"], env={"COLUMNS": "250"}
    ).stdout
    assert " unit " in table


def test_show_series_escapes_document_text(home: Path) -> None:
    """A name holding rich markup prints as written (document text is untrusted)."""
    import sqlite3

    db = sqlite3.connect(home / "budgetscope.sqlite")
    db.execute("UPDATE checks SET message = '[red]x[/red] ' || message WHERE kind = 'magnitude'")
    db.commit()
    db.close()
    out = runner.invoke(app, ["show", SLIP, "--home", str(home)], env={"COLUMNS": "200"}).stdout
    assert "[red]x[/red]" in out
    out = runner.invoke(app, ["check", "--home", str(home)], env={"COLUMNS": "250"}).stdout
    assert "[red]x[/red]" in out


def test_show_series_check_of_an_unknown_document_is_an_error(home: Path) -> None:
    # a typo in a CI gate (`check --doc … --fail-on info`) must fail, not pass with "no findings"
    result = runner.invoke(app, ["check", "--home", str(home), "--doc", "sast-2023", "--fail-on", "info"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: no document 'sast-2023' in the store (did you mean: sast-2023-department-budget.txt)"
    )
    known = runner.invoke(app, ["check", "--home", str(home), "--doc", "sast-2023-department-budget.txt"])
    assert known.exit_code == 0 and "60000.00万元" in known.stdout  # its unit slip
    by_path = runner.invoke(
        app, ["check", "--home", str(home), "--doc", "/any/where/sast-2023-department-budget.txt"]
    )
    assert by_path.exit_code == 0 and by_path.stdout == known.stdout  # a path given: its file name
    typo = runner.invoke(app, ["check", "--home", str(home), "--doc", "sast-2032-department-budget.txt"])
    assert (
        typo.exit_code == 1
        and "did you mean: " in typo.stderr
        and "sast-2023-department-budget.txt" in typo.stderr
    )
