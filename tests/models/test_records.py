"""The record contract: amounts exact in every JSON output (never through float)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from budgetscope.models import to_json
from budgetscope.search_cli.app import app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
BIG = "1234567890123456.78"
"""More digits than a float holds: through float it prints as 1234567890123456.8."""


def test_records_to_json_writes_decimals_as_exact_numbers() -> None:
    text = to_json({"yuan": Decimal("12345678901234567.89"), "title": '"1.5"', "list": [Decimal("0.10")]})
    assert json.loads(text, parse_float=Decimal) == {
        "yuan": Decimal("12345678901234567.89"),
        "title": '"1.5"',
        "list": [Decimal("0.10")],
    }


def test_records_extract_json_keeps_an_amount_to_the_fen(tmp_path: Path) -> None:
    """A project's budget rewritten to 1234567890123456.78元 in the real 2026 budget text comes out of
    ``extract`` with every digit, in the record's amounts and its budget total."""
    source = (CORPUS / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    assert source.count("\n46万元\n") == 1
    path = tmp_path / "sast-2026-department-budget.txt"
    path.write_text(source.replace("\n46万元\n", f"\n{BIG}元\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line, parse_float=Decimal) for line in result.stdout.splitlines() if line.strip()]
    record = next(r for r in records if any(a["text"] == f"{BIG}元" for a in r["amounts"]))
    assert record["budget_total_yuan"] == Decimal(BIG)
    assert [a["yuan"] for a in record["amounts"] if a["text"] == f"{BIG}元"] == [Decimal(BIG)]
