"""`budgetscope changes`: what changed in the 科协's budget between its stored years, as a journalist asks
"what changed since last year?" — projects continued (across a renaming), new and dropped, budgets exact,
targets compared, and the caveats of comparing a year read from other kinds of documents."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import budgetscope
from budgetscope.search_cli.app import app

runner = CliRunner()
SAST = "上海市科学技术协会"


def invoke(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args], env={"BUDGETSCOPE_HOME": None, "COLUMNS": "250"})


def by_name(changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in changes["projects"]}


def test_changes_2023_to_2026_follows_renamed_projects_with_exact_budgets(corpus_home: Path) -> None:
    """sast-2023 writes 2023年度科协大院日常运行与维护项目 at 1067.5万元, sast-2026 科协大院日常修缮项目 at 627.2万元:
    one project continued under a new name, 4,403,000元 less (−41.2%); the 2026 projects the 2023 budget
    does not narrate are new, and the default years are the two latest."""
    result = invoke("changes", "科协", "--home", corpus_home, "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout, parse_float=Decimal)
    assert (changes["department"], changes["since"], changes["year"]) == (SAST, 2023, 2026)
    upkeep = by_name(changes)["科协大院日常修缮项目"]
    assert upkeep["status"] == "continued" and upkeep["name_before"] == "2023年度科协大院日常运行与维护项目"
    assert (upkeep["budget_before_yuan"], upkeep["budget_yuan"]) == (
        Decimal("10675000.00"),
        Decimal("6272000.00"),
    )
    assert upkeep["change_yuan"] == Decimal("-4403000.00") and upkeep["change_percent"] == Decimal("-41.2")
    assert '"change_yuan": -4403000.00' in result.stdout and '"change_percent": -41.2' in result.stdout
    assert by_name(changes)["科技创新后备人才培养项目"]["status"] == "new"
    assert {p["status"] for p in changes["projects"]} == {"continued", "new", "dropped"}
    # 科技社团党建工作项目's 60000.00万元 is disputed (a 万元 slip): its change is flagged, its budget left
    # out of 2023's total, and the caveats are said on stderr
    party = by_name(changes)["科技社团党建项目"]
    assert party["flagged"] and party["name_before"] == "科技社团党建工作项目"
    held = {h["year"]: h for h in changes["holdings"]}
    assert held[2023]["flagged"] == 1 and held[2023]["budget_total_yuan"] < Decimal("600000000")
    assert held[2023]["forms"] == 0 and held[2026]["forms"] > 0
    assert "the two years' documents differ" in result.stderr and "disputed" in result.stderr


def test_changes_since_2019_compares_the_forms_targets(corpus_home: Path) -> None:
    """sast-2019's form of 落实推进《全民科学素质纲要》 and sast-2026's both carry indicator tables: the
    targets are compared (2026 adds 市民满意度, which 2019's form does not have)."""
    result = invoke("changes", SAST, "--since", "2019", "--year", "2026", "--home", corpus_home, "-f", "json")
    assert result.exit_code == 0, result.output
    outline = by_name(json.loads(result.stdout))["落实推进《全民科学素质纲要》"]
    assert outline["status"] == "continued" and outline["targets_compared"]
    added = {t["indicator"]: t for t in outline["targets"] if t["before"] is None}
    assert "市民满意度" in added and "85" in added["市民满意度"]["after"]
    table = invoke("changes", SAST, "--since", "2019", "--home", corpus_home)
    assert table.exit_code == 0 and "2019 → 2026" in table.stdout and "市民满意度" in table.stdout


def test_changes_csv_and_jsonl_and_the_python_api_agree(corpus_home: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(invoke("changes", "科协", "--home", corpus_home, "-f", "csv").stdout))
    )
    lines = [
        json.loads(x)
        for x in invoke("changes", "科协", "--home", corpus_home, "-f", "jsonl").stdout.splitlines()
    ]
    with budgetscope.open(corpus_home) as bs:
        changes = bs.changes("科协")
    assert [r["name"] for r in rows] == [x["name"] for x in lines] == [p.name for p in changes.projects]
    upkeep = next(r for r in rows if r["name"] == "科协大院日常修缮项目")
    assert (upkeep["budget_yuan"], upkeep["change_yuan"], upkeep["change_percent"]) == (
        "6272000.00", "-4403000.00", "-41.2",
    )  # fmt: skip
    assert all(x["department"] == SAST and x["since"] == 2023 for x in lines)


def test_changes_mistakes_are_one_line(corpus_home: Path) -> None:
    stcsm = invoke("changes", "市科委", "--home", corpus_home)  # one year stored: nothing to compare with
    assert stcsm.exit_code == 1 and "no year before 2025" in stcsm.stderr
    assert stcsm.stderr.rstrip().endswith("or give an earlier year with --since")  # the web says since=
    assert len(stcsm.stderr.strip().splitlines()) == 1
    missing = invoke("changes", "科协", "--year", "2024", "--home", corpus_home)
    assert missing.exit_code == 1 and "no projects in 2024 (stored years: 2019, 2023, 2026)" in missing.stderr
    unknown = invoke("changes", "财政局", "--home", corpus_home)
    assert unknown.exit_code == 1 and "not in the store" in unknown.stderr
    backwards = invoke("changes", "科协", "--since", "2026", "--year", "2023", "--home", corpus_home)
    assert backwards.exit_code == 2 and "--since 2026 must be before --year 2023" in backwards.stderr


def test_changes_since_the_latest_year_is_a_usage_mistake(corpus_home: Path) -> None:
    """--since 2026 when 2026 is the 科协's latest stored year (29 projects in it) said "no projects in
    2026"; like --since 2026 --year 2023 it is a one-line usage mistake (exit 2), as is a year after it."""
    for since in ("2026", "2030"):
        result = invoke("changes", "科协", "--since", since, "--home", corpus_home)
        assert result.exit_code == 2, result.output
        assert f"--since {since} must be before the latest year 2026" in result.stderr
        assert "no projects" not in result.stderr


def test_changes_flags_only_the_disputed_years_budget(corpus_home: Path) -> None:
    """2023's 科技社团党建工作项目 states 60000.00万元 (a 万元 slip a check disputes), 2026's 科技社团党建项目
    50,000.00: the 2023 budget and the change are flagged, the 2026 budget is not (as `list` says of it) —
    in the table, JSON and CSV."""
    table = invoke("changes", "科协", "--home", corpus_home)
    [row] = [line for line in table.stdout.splitlines() if "科技社团党建项目" in line]
    cells = [c.strip() for c in row.split("│")]
    assert cells[3] == "600,000,000.00 (flagged)" and cells[4] == "50,000.00"
    assert cells[5] == "-599,950,000.00 (flagged)"
    party = by_name(json.loads(invoke("changes", "科协", "--home", corpus_home, "-f", "json").stdout))[
        "科技社团党建项目"
    ]
    assert (party["budget_before_flagged"], party["budget_flagged"], party["flagged"]) == (True, False, True)
    listed = json.loads(
        invoke("list", "projects", "--year", "2026", "--home", corpus_home, "-f", "json").stdout
    )
    assert not next(p for p in listed if p["id"] == party["project_id"])["budget_flagged"]
    rows = csv.DictReader(io.StringIO(invoke("changes", "科协", "--home", corpus_home, "-f", "csv").stdout))
    row_csv = next(r for r in rows if r["name"] == "科技社团党建项目")
    assert (row_csv["budget_before_flagged"], row_csv["budget_flagged"], row_csv["flagged"]) == (
        "true",
        "false",
        "true",
    )
