"""Bulk export: every entity as JSONL, CSV or Parquet, with a Frictionless ``datapackage.json``.

Rows stream from the store's ``export_*`` views: JSONL line by line, CSV through
:class:`csv.DictWriter`, Parquet in record batches. Each export kind declares its fields (name,
Table Schema type, description); the same declaration drives the CSV header, the Parquet schema
and the data package. Amounts carry the Fiscal Data Package's ``columnType`` annotations and a
``model`` (measure ``amount`` in CNY; fiscal year, administrative classification = department,
functional and economic classification codes where the department's tables give them).

Example:
    >>> from budgetscope.store.sqlite import SQLiteStore
    >>> rows = list(export_rows(SQLiteStore(":memory:"), "projects"))
    >>> rows
    []
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from budgetscope.models import Number, decimal_text
from budgetscope.store.export_fields import (
    DECIMAL_TYPE,
    EXPORTS,
    FDP_MODEL,
    MONEY_TYPE,
    ExportError,
    ExportKind,
    Field,
    fields_of,
    kind_of,
    money_scale,
)
from budgetscope.store.export_snapshot import (
    merge_datapackage,
    mixed_warning,
    read_datapackage,
    snapshot,
    stamp,
)
from budgetscope.store.protocol import EntityStore


class ExportFormat(StrEnum):
    """File formats (``--format``)."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def export_rows(store: EntityStore, what: ExportKind | str) -> Iterator[dict[str, Any]]:
    """Stream one export kind's rows, typed: arrays as lists, booleans as bool, amounts as Decimal, other
    exact numbers (a target's number, a weight, a change in percent) as :class:`~budgetscope.models.Number`."""
    kind = kind_of(what)
    view, _, fields = EXPORTS[kind]
    names = [f.name for f in fields]
    if not view:
        from budgetscope.store.series import series_years

        yield from ({n: row[n] for n in names} for row in series_years(store))
        return
    if kind is ExportKind.projects:  # in the fields' order, which is not the view's
        yield from ({n: row[n] for n in names} for row in _typed(store, view, fields))
        return
    if kind is ExportKind.citations:
        from budgetscope.store.versions import with_versions_inferred

        yield from with_versions_inferred(store, _typed(store, view, fields))
        return
    yield from _typed(store, view, fields)


COMPUTED = ("version_inferred",)
"""Export fields computed in Python after the store's view is read."""


def _typed(store: EntityStore, view: str, fields: Sequence[Field]) -> Iterator[dict[str, Any]]:
    """A view's rows with export's types (see :func:`export_rows`)."""
    fields = [f for f in fields if f.name not in COMPUTED]  # computed after, not the view's
    arrays = [f.name for f in fields if f.type == "array"]
    booleans = [f.name for f in fields if f.type == "boolean"]
    money = [f.name for f in fields if f.money]
    decimals = [f.name for f in fields if f.type == "decimal"]
    names = [f.name for f in fields]
    for row in store.select(view):
        for name in money:
            row[name] = None if row[name] is None else Decimal(row[name])
        for name in decimals:  # exact numbers that are not money (a target's number, a weight)
            row[name] = None if row[name] is None else Number(row[name])
        for name in arrays:
            value = json.loads(row[name]) if row[name] else []
            row[name] = [v for v in value if v is not None]
        for name in booleans:
            row[name] = None if row[name] is None else bool(row[name])
        yield {n: row[n] for n in names}


_CSV_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters a CSV cell may not carry raw (a terminal would act on ESC …; a reader splits a
row at a bare carriage return); tab and line feed stay, quoted as CSV quotes them."""


def csv_cell(value: Any) -> Any:
    r"""A CSV cell: lists as JSON arrays (the Table Schema ``array`` form), booleans as true/false,
    amounts and other exact numbers as their decimal text (:func:`~budgetscope.models.decimal_text`, never
    through float), control characters of untrusted text (a file name with ESC in it) written as ``\x1b``.

    >>> csv_cell(Decimal("7150000")), csv_cell([1, "a"]), csv_cell(True), csv_cell("evil\x1b[7m.txt")
    ('7150000.00', '[1, "a"]', 'true', 'evil\\x1b[7m.txt')
    """
    if isinstance(value, str):
        return _CSV_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def json_object(row: dict[str, Any]) -> str:
    """A flat row as one JSON object; a :class:`Decimal` becomes a JSON number written from its exact text
    (:func:`~budgetscope.models.decimal_text`, as :func:`~budgetscope.models.to_json` writes it).

    >>> json_object({"amount": Decimal("7150000"), "text": "715万元", "value": Number("1.8"), "n": None})
    '{"amount": 7150000.00, "text": "715万元", "value": 1.8, "n": null}'
    """
    parts = []
    for key, value in row.items():
        text = decimal_text(value) if isinstance(value, Decimal) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{json.dumps(key, ensure_ascii=False)}: {text}")
    return "{" + ", ".join(parts) + "}"


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """One JSON object per line (amounts exact, see :func:`json_object`); return the number of rows."""
    n = 0
    for row in rows:
        out.write(json_object(row) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[dict[str, Any]], fields: Sequence[Field | str], out: IO[str]) -> int:
    """A header and one line per row, each cell a :func:`csv_cell`; return the number of rows. The one CSV
    writer of every command (`export`, `list`, `changes`, `citations`): ``fields`` are export fields or
    column names.

    As in every CSV, an empty string and a missing value are both an empty cell.
    """
    names = [f if isinstance(f, str) else f.name for f in fields]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        n += 1
    return n


def arrow_schema(fields: Sequence[Field], scale: int = MONEY_TYPE[2]) -> Any:
    """The Parquet (Arrow) schema of an export kind's fields; money at ``scale`` decimals (:func:`money_scale`)."""
    import pyarrow as pa

    money = pa.decimal128(MONEY_TYPE[1] - MONEY_TYPE[2] + scale, scale)
    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "date": pa.date32(), "array": pa.list_(pa.string()), "money": money,
             "decimal": pa.decimal128(*DECIMAL_TYPE[1:])}  # fmt: skip
    return pa.schema([pa.field(f.name, types[f.type]) for f in fields])


def write_parquet(
    rows: Iterable[dict[str, Any]],
    fields: Sequence[Field],
    path: Path,
    *,
    batch_size: int = 4096,
    scale: int = MONEY_TYPE[2],
) -> int:
    """Record batches of ``batch_size`` rows into one Parquet file, money at ``scale`` decimals (at least the
    largest of the rows, :func:`money_scale`); return the number of rows."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a declared extra
        raise ExportError("Parquet export needs pyarrow: pip install 'budgetscope[parquet]'") from exc
    from datetime import date

    schema = arrow_schema(fields, scale)
    dates = [f.name for f in fields if f.type == "date"]
    arrays = [f.name for f in fields if f.type == "array"]
    numbers = [f.name for f in fields if f.type == "number"]
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                batch.clear()

        for row in rows:
            for name in dates:
                if row[name] is not None:
                    row[name] = date.fromisoformat(row[name])
            for name in arrays:
                row[name] = [str(v) for v in row[name]]
            for name in numbers:  # ratios and percentages, not money
                if isinstance(row[name], Decimal):
                    row[name] = float(row[name])
            batch.append(row)
            n += 1
            if len(batch) >= batch_size:
                flush()
        flush()
    return n


@dataclass
class ExportResult:
    """What an export wrote: one file per kind (and its row count), the data package, and warnings (the
    package also describes files of the folder written from another state of the store)."""

    files: list[tuple[str, Path, int]] = field(default_factory=list)
    datapackage: Path | None = None
    warnings: list[str] = field(default_factory=list)


def export(
    store: EntityStore,
    what: Sequence[ExportKind | str],
    fmt: ExportFormat | str,
    out: Path | str,
    *,
    bom: bool = False,
) -> ExportResult:
    """Write each export kind to ``out`` (a folder; ``-`` is stdout for one kind in jsonl or csv).

    In a folder, files are ``<kind>.<format>`` plus ``datapackage.json`` describing them all; a
    ``datapackage.json`` already there is merged with (see :func:`merge_datapackage`), so exporting
    one ``--what`` at a time into one folder describes every file.
    ``bom`` starts CSV files with a UTF-8 byte-order mark, so Excel reads them as UTF-8.
    """
    fmt = ExportFormat(fmt)
    kinds = [kind_of(w) for w in what] or list(ExportKind)
    if str(out) == "-":
        if fmt is ExportFormat.parquet or len(kinds) != 1:
            raise ExportError("--out - (stdout) takes one --what in jsonl or csv")
        n = _write(store, kinds[0], fmt, sys.stdout, bom=bom)
        return ExportResult(files=[(kinds[0].value, Path("-"), n)])
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    existing = read_datapackage(folder / "datapackage.json")
    result = ExportResult()
    for kind in kinds:
        path = folder / f"{kind.value}.{fmt.value}"
        if fmt is ExportFormat.parquet:
            scale = money_scale(export_rows(store, kind), fields_of(kind))  # a first pass: the file's scale
            n = write_parquet(export_rows(store, kind), fields_of(kind), path, scale=scale)
        else:
            with path.open(
                "w", encoding="utf-8-sig" if bom and fmt is ExportFormat.csv else "utf-8", newline=""
            ) as fh:
                n = _write(store, kind, fmt, fh, bom=False)
        result.files.append((kind.value, path, n))
    result.datapackage = folder / "datapackage.json"
    package = merge_datapackage(
        existing, datapackage([(k, p.name, n) for k, p, n in result.files], fmt, bom=bom)
    )
    state = snapshot(store)
    stamp(package, [k for k, _, _ in result.files], state)
    result.warnings += mixed_warning(package, state, result.datapackage)
    result.datapackage.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return result


def _write(store: EntityStore, kind: ExportKind, fmt: ExportFormat, fh: IO[str], *, bom: bool) -> int:
    if bom and fmt is ExportFormat.csv:
        fh.write("\ufeff")
    rows = export_rows(store, kind)
    return write_jsonl(rows, fh) if fmt is ExportFormat.jsonl else write_csv(rows, fields_of(kind), fh)


PARQUET_MISSING = ["", "nan", "<NA>"]
"""Missing values of a Parquet resource as a Table Schema reader sees them: Frictionless reads Parquet
through pandas, where a null integer becomes ``nan`` and a null extension value ``<NA>``."""


def _descriptor(f: Field, fmt: ExportFormat) -> dict[str, Any]:
    """A field's Table Schema descriptor in a resource of format ``fmt``.

    Parquet keeps lists as ``list<string>`` (what DuckDB, pyarrow and pandas read as lists); a Table
    Schema ``array`` is JSON text, which a list column is not, so there the field is ``any``.
    """
    out = f.descriptor()
    if fmt is ExportFormat.parquet and f.type == "array":
        out["type"] = "any"
        out["description"] += " (Parquet list<string>)"
    return out


def datapackage(
    files: Iterable[tuple[str, str, int]], fmt: ExportFormat | str, *, bom: bool = False
) -> dict[str, Any]:
    """The Frictionless Data Package describing exported files ``(kind, file name, rows)``.

    >>> dp = datapackage([("findings", "findings.csv", 3)], "csv")
    >>> dp["resources"][0]["schema"]["primaryKey"]
    ['id']
    """
    fmt = ExportFormat(fmt)
    resources = []
    for kind, name, rows in files:
        k = kind_of(kind)
        resource: dict[str, Any] = {
            "name": k.value,
            "path": name,
            "profile": "tabular-data-resource",
            "title": EXPORTS[k][1],
            "format": fmt.value,
            "schema": {
                "fields": [_descriptor(f, fmt) for f in fields_of(k)],
                "primaryKey": ["id"],
                "missingValues": PARQUET_MISSING if fmt is ExportFormat.parquet else [""],
            },
            "stats": {"rows": rows},
        }
        if fmt is ExportFormat.csv:
            resource.update(mediatype="text/csv", encoding="utf-8-sig" if bom else "utf-8")
        elif fmt is ExportFormat.jsonl:
            resource.update(mediatype="application/x-ndjson", encoding="utf-8")
        else:
            resource.update(mediatype="application/vnd.apache.parquet")
        if k is ExportKind.amounts:
            resource["model"] = FDP_MODEL
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "budgetscope-export",
        "title": "Chinese government budget disclosures as data (budgetscope export)",
        "description": "Projects, sections, amounts, citations, policy documents, indicators and findings "
        "extracted from 部门预算 and 绩效目标申报表 documents by budgetscope.",
        "resources": resources,
    }


__all__ = [
    "EXPORTS",
    "FDP_MODEL",
    "ExportError",
    "ExportFormat",
    "ExportKind",
    "ExportResult",
    "Field",
    "arrow_schema",
    "csv_cell",
    "datapackage",
    "export",
    "export_rows",
    "fields_of",
    "json_object",
    "merge_datapackage",
    "money_scale",
    "read_datapackage",
    "write_csv",
    "write_jsonl",
    "write_parquet",
]
