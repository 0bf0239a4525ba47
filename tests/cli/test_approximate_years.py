"""`show`'s budget by year, `export --what series` and `changes` mark a budget the text gives as approximate
(≈ in text, ``budget_approximate`` in data), as list and show mark a project's own.

sast-2026-department-budget.txt line 619 (科技社团党建项目, 六、年度预算安排) reads
"2026年度财政资金预算总额50000.00元。"; the test's copy says 约50000.00元. Its 2023 year is
sast-2023-department-budget.txt's 科技社团党建工作项目 (60000.00万元, a 万元/元 slip check flags).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.index.ingest import ingest
from budgetscope.search_cli.app import app

runner = CliRunner()
STATED = "2026年度财政资金预算总额50000.00元。"
PARTY = ("科技社团党建工作项目", "科技社团党建项目")


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("about")
    for name in ("sast-2023-department-budget.txt", "sast-2026-department-budget.txt"):
        text = (corpus / name).read_text(encoding="utf-8")
        if "2026" in name:
            assert text.count(STATED) == 1
            text = text.replace(STATED, "2026年度财政资金预算总额约50000.00元。")
        (folder / name).write_text(text, encoding="utf-8")
    ingest(sorted(folder.glob("*.txt")), folder / "home", workers=1)
    return folder / "home"


def test_export_series_marks_an_approximate_budget(home: Path) -> None:
    result = runner.invoke(app, ["export", "--home", str(home), "-w", "series", "-f", "csv", "--out", "-"])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["name"] in PARTY]
    assert [(r["year"], r["budget_total_yuan"], r["budget_approximate"], r["change_approximate"]) for r in rows] == [
        ("2023", "600000000.00", "false", "false"), ("2026", "50000.00", "true", "true"),
    ]  # fmt: skip
    others = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["name"] not in PARTY]
    assert others and {r["budget_approximate"] for r in others} == {"false"}


def test_show_budget_by_year_marks_an_approximate_budget(home: Path) -> None:
    shown = runner.invoke(
        app, ["show", "sast-2026-department-budget.txt:591", "--home", str(home)], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.output
    table = shown.stdout[shown.stdout.index("budget by year") :]
    assert "≈50,000.00" in table and "≈-599,950,000.00" in table
    assert "≈600,000,000.00" not in table
    details = json.loads(
        runner.invoke(
            app, ["show", "sast-2026-department-budget.txt:591", "--home", str(home), "-f", "json"]
        ).stdout
    )
    assert [(y["year"], y["budget_approximate"]) for y in details["series"]["years"]] == [
        (2023, False),
        (2026, True),
    ]


def test_changes_mark_an_approximate_budget(home: Path) -> None:
    args = ["changes", "上海市科学技术协会", "--home", str(home)]
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout, parse_float=Decimal)
    (party,) = [p for p in data["projects"] if p["name"] in PARTY]
    assert (party["budget_yuan"], party["budget_approximate"], party["budget_before_approximate"]) == (
        Decimal("50000.00"), True, False,
    )  # fmt: skip
    assert [p["name"] for p in data["projects"] if p["budget_approximate"]] == [party["name"]]
    table = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    row = next(line for line in table.stdout.splitlines() if "科技社团党建" in line)
    assert "≈50,000.00" in row and "≈600,000,000.00" not in row
    assert "1 budget(s) in its total are approximate" in table.stderr
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "-f", "csv"]).stdout)))
    assert {r["budget_approximate"] for r in rows if r["name"] in PARTY} == {"true"}
