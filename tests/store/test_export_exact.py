"""Money exact end to end: every amount read back by DuckDB and pyarrow, from every export and from the
store itself, equals the amount its source text states, to the fen."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budgetscope.pipeline.money import parse_money
from budgetscope.store.export import ExportFormat, export
from budgetscope.store.schema import VIEWS
from budgetscope.store.sqlite import open_store

duckdb = pytest.importorskip("duckdb")
SCALE = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


@pytest.fixture(scope="module")
def exported(corpus_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    with open_store(corpus_home) as store:
        for fmt in ExportFormat:
            folder = tmp_path_factory.mktemp(f"exact-{fmt.value}")
            export(store, [], fmt, folder)
            out[fmt.value] = folder
    return out


@pytest.fixture(scope="module")
def source(corpus_home: Path) -> dict[str, Decimal]:
    """Every amount of the amounts export, by id, as its source text states it.

    A narrative amount is its text parsed again (``60000.00万元``); a table cell is its text in the
    table's unit (``1,004,656`` in 元); a form field has no text in the export, so its stored exact text.
    """
    db = sqlite3.connect(f"file:{corpus_home / 'budgetscope.sqlite'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    out: dict[str, Decimal] = {}
    for r in db.execute("SELECT id, text, yuan FROM amounts"):
        parsed = parse_money(r["text"])
        assert parsed is not None and parsed == Decimal(r["yuan"]), r["text"]
        out[r["id"]] = parsed
    for r in db.execute("SELECT id, text, unit, yuan FROM budget_lines"):
        cell = Decimal(r["text"].replace(",", "")) * SCALE[r["unit"]]
        assert cell == Decimal(r["yuan"]), r["text"]
        out[r["id"]] = cell
    for r in db.execute("SELECT project_id || ':' || key AS id, yuan FROM form_amounts"):
        out[r["id"]] = Decimal(r["yuan"])
    for r in db.execute("SELECT id, yuan FROM components WHERE yuan IS NOT NULL"):
        out[r["id"]] = Decimal(r["yuan"])
    db.close()
    assert len(out) > 1000
    return out


def _duck() -> Any:
    import duckdb_ext  # the sqlite scanner, shipped in the duckdb-ext-sqlite wheel

    folder = Path(next(iter(duckdb_ext.__path__))) / "extensions"
    con = duckdb.connect(config={"extension_directory": str(folder), "autoinstall_known_extensions": False})
    return con


def _exact(read: dict[str, Any], source: dict[str, Decimal]) -> None:
    assert set(read) == set(source)
    wrong = {k: (v, source[k]) for k, v in read.items() if not isinstance(v, Decimal) or v != source[k]}
    assert not wrong, list(wrong.items())[:5]
    assert Decimal("600000000.00") in read.values()  # the 60000.00万元 slip, exact even where wrong
    assert Decimal("7181860500.00") in read.values()  # stcsm 2025's 收入总计, 10 digits to the yuan


def test_export_exact_duckdb_reads_parquet_decimals(
    exported: dict[str, Path], source: dict[str, Decimal]
) -> None:
    con = _duck()
    path = exported["parquet"] / "amounts.parquet"
    described = con.execute(f"DESCRIBE SELECT amount FROM read_parquet('{path}')").fetchall()
    assert described[0][:2] == ("amount", "DECIMAL(20,2)")
    _exact(dict(con.execute(f"SELECT id, amount FROM read_parquet('{path}')").fetchall()), source)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_exact_duckdb_reads_text_formats(
    exported: dict[str, Path], source: dict[str, Decimal], fmt: str
) -> None:
    con = _duck()
    path = exported[fmt] / f"amounts.{fmt}"
    reader = (
        f"read_csv('{path}', types={{'amount': 'DECIMAL(20,2)'}})"
        if fmt == "csv"
        else f"read_json('{path}', format='newline_delimited', columns={{id: 'VARCHAR', amount: 'DECIMAL(20,2)'}})"
    )
    _exact(dict(con.execute(f"SELECT id, amount FROM {reader}").fetchall()), source)


def test_export_exact_duckdb_reads_the_store(corpus_home: Path, source: dict[str, Decimal]) -> None:
    con = _duck()
    con.execute("LOAD sqlite")
    con.execute(f"ATTACH '{corpus_home / 'budgetscope.sqlite'}' AS s (TYPE sqlite, READ_ONLY)")
    types = dict((r[0], r[1]) for r in con.execute("DESCRIBE s.export_amounts").fetchall())
    assert types["amount_fen"] == "BIGINT" and types["amount"] == "VARCHAR"
    rows = con.execute(
        "SELECT id, amount_fen, CAST(amount AS DECIMAL(20,2)) FROM s.export_amounts"
    ).fetchall()
    _exact({i: Decimal(fen) / 100 for i, fen, _ in rows}, source)
    _exact({i: text for i, _, text in rows}, source)
    total = con.execute(
        "SELECT budget_total_fen FROM s.export_projects ORDER BY budget_total_fen DESC LIMIT 1"
    )
    assert total.fetchone() == (60000000000,)


def test_export_exact_pyarrow_reads_every_format(
    exported: dict[str, Path], source: dict[str, Decimal]
) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.json as pjson
    import pyarrow.parquet as pq

    money = pa.decimal128(20, 2)
    parquet = pq.read_table(exported["parquet"] / "amounts.parquet", columns=["id", "amount"])
    assert parquet.schema.field("amount").type == money
    csv = pcsv.read_csv(exported["csv"] / "amounts.csv",
                        convert_options=pcsv.ConvertOptions(column_types={"amount": money}))  # fmt: skip
    schema = pa.schema([("id", pa.string()), ("amount", money)])
    jsonl = pjson.read_json(exported["jsonl"] / "amounts.jsonl",
                            parse_options=pjson.ParseOptions(explicit_schema=schema,
                                                             unexpected_field_behavior="ignore"))  # fmt: skip
    for table in (parquet, csv, jsonl):
        _exact(dict(zip(table["id"].to_pylist(), table["amount"].to_pylist(), strict=True)), source)


def test_export_exact_text_formats_write_the_decimal_text(exported: dict[str, Path]) -> None:
    lines = (exported["jsonl"] / "amounts.jsonl").read_text(encoding="utf-8").splitlines()
    assert '"amount": 7150000.00,' in "\n".join(lines) and ".0," not in "\n".join(lines).replace("00,", "")
    first = json.loads(lines[0], parse_float=str)
    assert first["amount"].endswith(".00")
    csv_text = (exported["csv"] / "amounts.csv").read_text(encoding="utf-8")
    assert ",600000000.00," in csv_text and "e+" not in csv_text.lower()


def test_export_exact_views_never_go_through_real() -> None:
    assert "AS REAL" not in VIEWS.upper() and "REAL" not in VIEWS.upper().replace("REALM", "")


def test_export_exact_store_sorts_amounts_as_numbers(corpus_home: Path) -> None:
    """What Datasette shows: sorting a view by its amount column orders the amounts numerically."""
    db = sqlite3.connect(f"file:{corpus_home / 'budgetscope.sqlite'}?mode=ro", uri=True)
    fen = [r[0] for r in db.execute("SELECT budget_total_fen FROM export_projects WHERE budget_total_fen IS NOT NULL "
                                    "ORDER BY budget_total_fen")]  # fmt: skip
    texts = [r[0] for r in db.execute("SELECT budget_total_yuan FROM export_projects "
                                      "WHERE budget_total_yuan IS NOT NULL ORDER BY budget_total_fen")]  # fmt: skip
    db.close()
    assert fen == sorted(fen) and [Decimal(t) for t in texts] == sorted(Decimal(t) for t in texts)
    assert all(t.count(".") == 1 and len(t.split(".")[1]) == 2 for t in texts)  # "820000.00", never "820000"
    assert Decimal(999000) < Decimal(88270700) and fen.index(99900000) < fen.index(8827070000)


@pytest.mark.parametrize("fmt", [f.value for f in ExportFormat])
def test_export_exact_datapackage_validates_for_every_format(exported: dict[str, Path], fmt: str) -> None:
    import frictionless

    report = frictionless.validate(exported[fmt] / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])[:5]


def test_export_exact_sql_over_the_store_counts_a_project_once(corpus_home: Path) -> None:
    """A SQL user summing the ``export_projects`` view over ``budget_counted`` gets the year's total that
    /browse and ``bs.project_budgets`` give (a narrative and its form once, a disputed budget left out), and
    ``code`` is the projects export's."""
    from budgetscope.api import open as open_home

    db = sqlite3.connect(f"file:{corpus_home / 'budgetscope.sqlite'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM export_projects")]
    db.close()
    bs = open_home(corpus_home)
    for year in sorted({r["year"] for r in rows if r["year"]}):
        sql = sum(r["budget_total_fen"] for r in rows if r["year"] == year and r["budget_counted"])
        both = [r for r in rows if r["year"] == year and r["budget_total_fen"] is not None]
        browse = sum(p.budget_total_yuan for p in bs.project_budgets(year=year)
                     if p.budget_total_yuan is not None and not p.budget_flagged)  # fmt: skip
        assert Decimal(sql) / 100 == browse, year
        if year == 2026:  # the Shanghai narratives and their forms: summing every row would count them twice
            assert sum(r["budget_total_fen"] for r in both) > sql
    exported = {r["id"]: r["code"] for r in bs.frame("projects").to_dict("records")}
    assert {r["id"]: r["code"] for r in rows} == exported
