"""The amounts and projects exports say which amounts and budgets the text gives as approximate.

stcsm-2025-department-budget.txt's 博士后科研工作站建设项目: "预算人民币约27万元" and a split of "约5.4万元" ….
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.store.export import ExportFormat, ExportKind, export, export_rows, fields_of
from budgetscope.store.sqlite import open_store

STATION = "博士后科研工作站建设项目"


def test_export_approximate_amounts_and_budgets(corpus_home: Path) -> None:
    with open_store(corpus_home) as store:
        amounts = list(export_rows(store, "amounts"))
        projects = list(export_rows(store, "projects"))
    approximate = [(a["project"], a["text"], a["amount"]) for a in amounts if a["approximate"]]
    assert approximate[:2] == [
        ("博士后科研工作站建设项目", "27万元", Decimal("270000.00")),
        ("博士后科研工作站建设项目", "5.4万元", Decimal("54000.00")),
    ]
    assert {a["project"] for a in amounts if a["approximate"]} == {"博士后科研工作站建设项目"}
    # a form's, a component's and a department table's amounts are read from cells: never approximate
    assert {a["approximate"] for a in amounts if a["source"] in ("form", "component", "table")} == {False}
    assert {a["source"] for a in amounts} >= {"narrative", "form", "table"}
    budgets = {
        p["name"]: p["budget_total_approximate"] for p in projects if p["budget_total_yuan"] is not None
    }
    assert budgets.pop("博士后科研工作站建设项目") is True
    assert set(budgets.values()) == {False}


@pytest.mark.parametrize("fmt", [ExportFormat.csv, ExportFormat.jsonl])
def test_export_approximate_in_every_format(corpus_home: Path, tmp_path: Path, fmt: ExportFormat) -> None:
    with open_store(corpus_home) as store:
        export(store, [ExportKind.amounts, ExportKind.projects], fmt, tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]}
    assert described["amounts"]["approximate"]["type"] == "boolean"
    assert "not exact" in described["amounts"]["approximate"]["description"]
    assert described["projects"]["budget_total_approximate"]["type"] == "boolean"
    path = tmp_path / f"amounts.{fmt.value}"
    text = path.read_text(encoding="utf-8-sig")
    if fmt is ExportFormat.csv:
        rows = list(csv.DictReader(text.splitlines()))
        assert list(rows[0]) == [f.name for f in fields_of("amounts")]
        assert {r["approximate"] for r in rows if (r["project"], r["text"]) == (STATION, "27万元")} == {
            "true"
        }
    else:
        rows = [json.loads(line) for line in text.splitlines()]
        assert {r["approximate"] for r in rows if (r["project"], r["text"]) == (STATION, "27万元")} == {True}
    assert list(rows[0])[-2] == "approximate"  # added after the columns it had, not among them
