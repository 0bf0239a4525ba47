"""`check` on two contradictions of real PDFs (page excerpts in corpus/excerpts/): Hangzhou's stated
total of its 24 project forms against the forms (`forms`), Chongqing's goal text against its indicator
row (`goal`); `--all` lists what agrees; `show` puts the goal finding beside its row."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.search_cli.app import app

runner = CliRunner()
EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
HANGZHOU = "hangzhou-transport-2026-p16-39-41.pdf"
CHONGQING = "chongqing-water-resources-2026-p30-33.pdf"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("contradictions")
    result = runner.invoke(
        app,
        ["ingest", str(EXCERPTS / HANGZHOU), str(EXCERPTS / CHONGQING), "--home", str(home), "--no-index"],
    )
    assert result.exit_code == 0, result.output
    return home


def _check(home: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["check", "--home", str(home), "-f", "json", *args])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout, parse_float=Decimal)
    return rows


def test_check_forms_stated_total_against_the_forms(home: Path) -> None:
    (finding,) = _check(home, "--kind", "forms", "--doc", HANGZHOU)
    assert (finding["kind"], finding["severity"], finding["page"]) == ("forms_total", "warning", 1)
    assert finding["stated"] == "共计24个一级项目,涉及资金568,368.51万元"
    assert (finding["stated_yuan"], finding["found_yuan"], finding["difference_yuan"]) == (
        5683685100, 5684191100, 506000,
    )  # fmt: skip


def test_check_goal_text_against_its_indicator(home: Path) -> None:
    (finding,) = _check(home, "--kind", "goal")
    assert (finding["kind"], finding["severity"], finding["doc"]) == ("goal_indicator", "warning", CHONGQING)
    assert finding["message"] == (
        "水库移民后期扶持: goal 移民对后期扶持政策实施满意度不低于80% "
        "but indicator 移民对后期扶持政策实施满意度 ≥90%"
    )
    every = _check(home, "--kind", "goal_indicator", "--all")
    assert sorted(str(r["status"]) for r in every) == ["agree"] * 4 + ["disagree"]
    table = runner.invoke(app, ["check", "--home", str(home), "--kind", "goal"], env={"COLUMNS": "250"})
    assert " goal " in table.stdout and "不低于80%" in table.stdout


def test_check_show_puts_the_goal_finding_beside_its_row(home: Path) -> None:
    (finding,) = _check(home, "--kind", "goal")
    shown = runner.invoke(
        app, ["show", str(finding["project_id"]), "--home", str(home)], env={"COLUMNS": "250"}
    )
    assert shown.exit_code == 0, shown.output
    row = next(
        line
        for line in shown.stdout.splitlines()
        if "移民对后期扶持政策实施满意度" in line and "≥90%" in line
    )
    assert "warning" in row
