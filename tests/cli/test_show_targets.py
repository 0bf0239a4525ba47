"""`show` names a form's amounts and its budget by the labels the form prints, and reads its targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.search_cli.app import app

runner = CliRunner()
EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Xi'an's 项目支出绩效目标表 (实施期资金总额) and the central bureau's (年度资金总额)."""
    home = str(tmp_path_factory.mktemp("show-targets") / "home")
    files = [
        str(EXCERPTS / "xian-audit-2026-p37-38.pdf"),
        str(EXCERPTS / "central-letters-and-calls-2026-p30.pdf"),
    ]
    result = runner.invoke(app, ["ingest", *files, "--home", home, "--no-index", "-q"])
    assert result.exit_code == 0, result.output
    return home


def _show(home: str, key: str) -> str:
    result = runner.invoke(app, ["show", key, "--home", home], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_targets_budget_line_names_the_printed_total(home: str) -> None:
    # Xi'an's total is the whole implementation period's (实施期资金总额), not an annual budget
    out = _show(home, "xian-audit-2026-p37-38.pdf p.1")
    assert "实施期资金总额 (project_total): 3,500,000.00 元" in out and "annual budget" not in out
    assert "实施期资金总额 (project_total)" in out[out.index("form") :]
    central = _show(home, "central-letters-and-calls-2026-p30.pdf p.1")
    assert "年度资金总额 (project_total): 21,348,700.00 元" in central
    assert "上年结转 (carryover)" in central


def test_show_targets_indicator_table_reads_each_target(home: str) -> None:
    out = _show(home, "xian-audit-2026-p37-38.pdf p.1")
    table = out[out.index("indicators") :]
    row = next(line for line in table.splitlines() if "参与审计项目时限" in line)
    assert "3个月内" in row and "≤ 3 个月" in row  # printed, then read
    details = json.loads(
        runner.invoke(app, ["show", "xian-audit-2026-p37-38.pdf p.1", "--home", home, "-f", "json"]).stdout
    )
    form = details["project"]["form"]
    assert form["amount_labels"]["project_total"] == "实施期资金总额"
    rate = next(i for i in form["indicators"] if i["level3"] == "注册会计师、高级会计师（元/人/天）")
    assert (rate["target"], rate["comparison"], rate["value"], rate["unit"]) == ("≤1200", "≤", 1200, None)


def test_show_targets_goal_and_sums_under_the_labels_printed(home: str) -> None:
    """Xi'an p.37 prints its goal under 总体目标, the central bureau's p.30 under 年度总体目标: each panel is
    headed so (both were headed 年度绩效目标, a label neither page prints). The central form's check
    names its amounts as the form does: 年度资金总额 = 财政拨款 + 上年结转 (was 项目总额, 当年财政拨款)."""
    xian = _show(home, "xian-audit-2026-p37-38.pdf p.1")
    central = _show(home, "central-letters-and-calls-2026-p30.pdf p.1")
    for out, label in ((xian, "总体目标"), (central, "年度总体目标")):
        (heading,) = [line for line in out.splitlines() if line.startswith("╭─ ")]  # the goal's panel
        assert heading.split()[1] == label and "年度绩效目标" not in out
    assert "form 年度资金总额 21,348,700元 = 财政拨款 13,848,700元 + 上年结转 7,500,000元" in central
