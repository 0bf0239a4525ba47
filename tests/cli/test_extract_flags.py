"""`extract` (no store) flags what it is unsure of as ingest does: an approximate amount and budget, and a
budget its document's own checks dispute (``budget_flagged``, ``flags``).

Documents: stcsm-2025-department-budget.txt as bundled (博士后科研工作站建设项目: "预算人民币约27万元"), and the
two sast documents edited minimally (see tests/pipeline/linking/test_own_checks.py) so that one narrative's
annual budget is unsure and another's total is a 万元/元 slip against its own components.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from budgetscope.search_cli.app import app
from tests.pipeline.linking.test_own_checks import edited

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("unsure")
    edited(corpus, out)
    shutil.copy2(corpus / "stcsm-2025-department-budget.txt", out)
    return out


@pytest.fixture(scope="module")
def extracted(folder: Path) -> dict[str, dict[str, Any]]:
    result = runner.invoke(app, ["extract", *map(str, sorted(folder.iterdir())), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line, parse_float=Decimal) for line in result.stdout.splitlines()]
    return {r["id"]: r for r in records}


def test_extract_flags_the_budgets_its_documents_dispute(extracted: dict[str, dict[str, Any]]) -> None:
    flagged = {
        (r["doc"], r["line"], r["name"]): r["flags"] for r in extracted.values() if r["budget_flagged"]
    }
    assert flagged == {
        ("sast-2026-department-budget.txt", 522, "科技创新后备人才培养项目"): ["annual_budget"],
        ("sast-2023-department-budget.txt", 402, "2023年度科协大院日常运行与维护项目"): ["magnitude"],
    }
    assert all(
        r["flags"] == [] and r["budget_flagged"] is False for r in extracted.values() if not r["flags"]
    )
    # the figure stays as read: flagged, not changed
    unsure = next(r for r in extracted.values() if r["flags"] == ["annual_budget"])
    assert unsure["budget_total_yuan"] == Decimal("6540000.00")


def test_extract_flags_approximate_amounts(extracted: dict[str, dict[str, Any]]) -> None:
    (station,) = [r for r in extracted.values() if r["name"] == "博士后科研工作站建设项目"]
    assert (station["budget_total_yuan"], station["budget_total_approximate"]) == (Decimal("270000.00"), True)
    assert {(a["text"], a["approximate"]) for a in station["amounts"]} == {("27万元", True), ("5.4万元", True),
                                                                          ("10.8万元", True)}  # fmt: skip
    others = [r for r in extracted.values() if r is not station]
    assert not any(r["budget_total_approximate"] for r in others)


def test_extract_flags_in_the_table(folder: Path) -> None:
    result = runner.invoke(app, ["extract", *map(str, sorted(folder.iterdir()))])
    assert result.exit_code == 0
    rows = {line.split("│")[4].strip(): line for line in result.stdout.splitlines() if line.count("│") > 8}
    assert "6,540,000.00 ⚠ flagged (annual_budget)" in rows["科技创新后备人才培养项目"]
    assert "≈270,000.00" in rows["博士后科研工作站建设项目"]
    assert "⚠" not in rows["博士后科研工作站建设项目"] and "≈" not in rows["科技创新后备人才培养项目"]


def test_extract_flags_what_ingest_flags(
    folder: Path, extracted: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Every budget extract flags, ingest flags by the same check; ingest flags more only with what needs the
    store: here 科技社团党建工作项目's 60000.00万元 (as printed in sast-2023) against the department's whole budget,
    read from its tables, and against the same project in 2026."""
    from budgetscope.index.ingest import ingest
    from budgetscope.store.export import export_rows
    from budgetscope.store.sqlite import open_store

    ingest([folder], tmp_path, workers=1)
    with open_store(tmp_path) as store:
        projects = {r["id"]: r for r in export_rows(store, "projects")}
        findings = [r for r in export_rows(store, "findings") if r["severity"] == "error"]
    assert projects.keys() == extracted.keys()
    for pid, r in extracted.items():
        assert projects[pid]["budget_flagged"] is (pid in {f["project_id"] for f in findings})
        if r["budget_flagged"]:
            assert projects[pid]["budget_flagged"] is True
            assert set(r["flags"]) <= {f["kind"] for f in findings if f["project_id"] == pid}
        assert projects[pid]["budget_total_approximate"] is r["budget_total_approximate"]
    only_ingest = [
        pid for pid in extracted if projects[pid]["budget_flagged"] and not extracted[pid]["budget_flagged"]
    ]
    assert [extracted[pid]["name"] for pid in only_ingest] == ["科技社团党建工作项目"]
    messages = " ".join(f["message"] for f in findings if f["project_id"] == only_ingest[0])
    assert "the department's whole 2023 budget" in messages and "the same project in 2026" in messages


def test_extract_flags_show_says_what_the_store_says(corpus_home: Path) -> None:
    """`show` of the bundled corpus: 约27万元 reads as approximate, and sast-2023's 60000.00万元 carries the
    store's flag in its contract as extract's does (``budget_flagged``, ``flags``)."""
    from budgetscope.store.export import export_rows
    from budgetscope.store.sqlite import open_store

    with open_store(corpus_home) as store:
        ids = {r["name"]: r["id"] for r in export_rows(store, "projects")}
    table = runner.invoke(app, ["show", "--home", str(corpus_home), ids["博士后科研工作站建设项目"]])
    assert table.exit_code == 0
    assert "annual budget: ≈270,000.00 元 (approximate)" in table.stdout
    assert "│ 27万元   │ ≈270,000.00 │ total │" in table.stdout and "≈108,000.00" in table.stdout
    shown = runner.invoke(
        app, ["show", "--home", str(corpus_home), ids["博士后科研工作站建设项目"], "-f", "json"]
    )
    project = json.loads(shown.stdout)["project"]
    assert (project["budget_total_approximate"], project["budget_flagged"], project["flags"]) == (
        True,
        False,
        [],
    )
    assert {a["approximate"] for a in project["amounts"]} == {True}
    slip = runner.invoke(app, ["show", "--home", str(corpus_home), ids["科技社团党建工作项目"], "-f", "json"])
    project = json.loads(slip.stdout)["project"]
    assert (project["budget_flagged"], project["flags"], project["budget_total_approximate"]) == (
        True,
        ["magnitude"],
        False,
    )


def test_extract_flags_list_marks_an_approximate_budget(corpus_home: Path) -> None:
    table = runner.invoke(app, ["list", "projects", "--home", str(corpus_home)])
    assert table.exit_code == 0
    (row,) = [line for line in table.stdout.splitlines() if "博士后科研工作站建设项目" in line]
    assert "≈270,000.00" in row
    assert not [line for line in table.stdout.splitlines() if "≈" in line and line != row]
    rows = json.loads(
        runner.invoke(app, ["list", "projects", "--home", str(corpus_home), "-f", "json"]).stdout
    )
    assert [r["name"] for r in rows if r["budget_total_approximate"]] == ["博士后科研工作站建设项目"]
