"""An amount finer than a fen (1.23456789万元 = 12345.6789元) is kept exact and flagged in the store and every
export format; it never fails a Parquet export. Series' change_percent is exact in Parquet.

sast-2026-department-budget.txt line 583 (the 科普推优 project's 六、年度预算安排) reads
"本年度安排项目预算60万元"; the test's copy states 1.23456789万元 instead.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.index.ingest import ingest
from budgetscope.store.export import ExportFormat, ExportKind, export
from budgetscope.store.sqlite import open_store

STATED = "本年度安排项目预算60万元"
FINE = Decimal("12345.6789")


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fine")
    source = folder / "sast-2026-department-budget.txt"
    text = (corpus / source.name).read_text(encoding="utf-8")
    assert text.count(STATED) == 1
    source.write_text(text.replace(STATED, "本年度安排项目预算1.23456789万元"), encoding="utf-8")
    ingest([source], folder / "home", workers=1)
    return folder / "home"


def _fine_project(rows: list[dict]) -> dict:
    (row,) = [r for r in rows if r["budget_total_yuan"] in (FINE, "12345.6789")]
    return row


def test_store_flags_an_amount_finer_than_a_fen(home: Path) -> None:
    con = sqlite3.connect(home / "budgetscope.sqlite")
    rows = con.execute(
        "SELECT budget_total_yuan, budget_total_fen, budget_total_finer_than_fen FROM export_projects"
        " WHERE budget_total_yuan = '12345.6789'"
    ).fetchall()
    assert rows == [("12345.6789", None, 1)]  # exact text, no rounded fen, and said so
    amounts = con.execute(
        "SELECT amount, amount_fen, finer_than_fen FROM export_amounts WHERE text = '1.23456789万元'"
    ).fetchall()
    assert amounts == [("12345.6789", None, 1)]
    flagged = con.execute("SELECT count(*) FROM export_amounts WHERE finer_than_fen").fetchone()
    assert flagged == (1,)  # every other amount is whole fen
    con.close()


def test_parquet_export_holds_an_amount_finer_than_a_fen(home: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open_store(home) as store:
        export(store, [ExportKind.projects, ExportKind.amounts, ExportKind.findings], "parquet", tmp_path)
    projects = pq.read_table(tmp_path / "projects.parquet")
    assert projects.schema.field("budget_total_yuan").type == pa.decimal128(22, 4)
    row = _fine_project(projects.to_pylist())
    assert row["budget_total_yuan"] == FINE and row["budget_total_finer_than_fen"] is True
    amounts = pq.read_table(tmp_path / "amounts.parquet").to_pylist()
    assert [a["amount"] for a in amounts if a["finer_than_fen"]] == [FINE]
    whole = [a["amount"] for a in amounts if not a["finer_than_fen"] and a["amount"] is not None]
    assert whole and all(a == a.quantize(Decimal("0.01")) for a in whole)  # the others, whole fen
    # a file without such an amount keeps fen's scale
    assert pq.read_schema(tmp_path / "findings.parquet").field("stated_yuan").type == pa.decimal128(20, 2)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        f["name"]: f for r in package["resources"] for f in r["schema"]["fields"] if r["name"] == "amounts"
    }
    assert "2 decimals, more when the text gives more" in fields["amount"]["description"]
    assert fields["finer_than_fen"]["type"] == "boolean"


@pytest.mark.parametrize("fmt", [ExportFormat.csv, ExportFormat.jsonl])
def test_text_exports_write_and_flag_an_amount_finer_than_a_fen(
    home: Path, tmp_path: Path, fmt: ExportFormat
) -> None:
    with open_store(home) as store:
        export(store, [ExportKind.projects], fmt, tmp_path)
    text = (tmp_path / f"projects.{fmt.value}").read_text(encoding="utf-8")
    if fmt is ExportFormat.csv:
        row = _fine_project(list(csv.DictReader(text.splitlines())))
        assert row["budget_total_finer_than_fen"] == "true"
    else:
        rows = [json.loads(line, parse_float=Decimal) for line in text.splitlines()]
        row = _fine_project(rows)
        assert row["budget_total_finer_than_fen"] is True


def test_parquet_series_change_percent_is_exact(corpus_home: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open_store(corpus_home) as store:
        export(store, [ExportKind.series], "parquet", tmp_path)
    schema = pq.read_schema(tmp_path / "series.parquet")
    assert schema.field("change_percent").type == pa.decimal128(26, 8)  # as the README's Money section says
    assert schema.field("series_id").type == pa.string()
    changes = [r["change_percent"] for r in pq.read_table(tmp_path / "series.parquet").to_pylist()]
    assert any(c is not None for c in changes)
    assert all(isinstance(c, Decimal) for c in changes if c is not None)
