"""`show` lists a form's components, and a department-wide form's key tasks with what they pay for."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from budgetscope.search_cli.app import app

runner = CliRunner()
EXCERPT = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "xian-audit-2026-p42-43.pdf"


def test_show_tasks_of_a_department_form(tmp_path: Path) -> None:
    # Xi'an's 部门整体支出绩效目标表: 年度主要任务 rows of 任务名称 | 主要内容 | 总额 (万元)
    home = str(tmp_path / "home")
    ingest = runner.invoke(app, ["ingest", str(EXCERPT), "--home", home, "--no-index", "-q"])
    assert ingest.exit_code == 0, ingest.output
    result = runner.invoke(
        app, ["show", "xian-audit-2026-p42-43.pdf p.1", "--home", home], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    table = result.stdout[result.stdout.index("key tasks") :]
    row = next(line for line in table.splitlines() if "审计事务" in line)
    assert "2,858,700.00" in row and "审计外勤经费、差旅费、劳务费、审计普法宣传费等。" in row
    assert "goal" not in table.splitlines()[1]  # no task of this layout prints a goal: no empty column
    details = json.loads(
        runner.invoke(app, ["show", "xian-audit-2026-p42-43.pdf p.1", "--home", home, "-f", "json"]).stdout
    )
    tasks = details["project"]["form"]["components"]
    assert sum(t["yuan"] for t in tasks) == details["project"]["form"]["amounts"]["project_total"] == 42034700
