"""The map step's JSONL and its bulk load: the store `ingest` makes, without reading a document
again; re-runs, duplicates and bad lines as `ingest` treats them; the Dask example end to end."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from budgetscope.index.bulk import load_jsonl, process_to_line, read_line
from budgetscope.index.ingest import ingest
from budgetscope.index.processing import process_file

ROOT = Path(__file__).resolve().parents[2]
B26 = "sast-2026-department-budget.txt"
T26 = "sast-2026-performance-targets.txt"


def store_rows(home: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every project, amount and finding of a home's store, comparable across homes."""
    from budgetscope.store.sqlite import open_store

    store = open_store(home)
    try:
        out = {}
        for table, keys in (("projects", ("id", "name", "kind", "year")), ("amounts", ("project_id", "yuan", "role")),
                            ("findings", ("id", "kind", "status"))):  # fmt: skip
            out[table] = sorted(tuple(str(row[k]) for k in keys) for row in store.select(table))
        return out
    finally:
        store.close()


def write_lines(path: Path, *files: Path) -> Path:
    path.write_text("".join(process_to_line(f) + "\n" for f in files), encoding="utf-8")
    return path


def test_bulk_line_round_trips_what_ingest_stores(corpus: Path) -> None:
    item = process_file(corpus / B26)
    assert item.document is not None and item.tables and item.stated, "a department budget with its tables"
    line = read_line(process_to_line(corpus / B26))
    assert line.item == item
    assert json.loads(process_to_line(corpus / B26))["format"] == "budgetscope-processed/1"


def test_bulk_line_round_trips_a_nested_project_list() -> None:
    """西安's 表10 (an excerpt): its groups, ``(row, (rows under it))``, come back as they were read."""
    xian = ROOT / "corpus" / "excerpts" / "xian-audit-2026-p32-33.pdf"
    item = process_file(xian)
    assert any(t.groups == ((2, (3,)),) for t in item.tables)
    assert read_line(process_to_line(xian)).item == item


def test_bulk_load_stores_what_ingest_stores_and_a_rerun_changes_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    lines = write_lines(tmp_path / "part.jsonl", corpus / B26, corpus / T26)
    summary, written = load_jsonl([lines], tmp_path / "bulk")
    assert (summary.written, summary.failed, sorted(written)) == (2, [], [B26, T26])
    direct = ingest([corpus / B26, corpus / T26], tmp_path / "direct")
    assert not direct.failed
    assert store_rows(tmp_path / "bulk") == store_rows(tmp_path / "direct")
    assert (summary.projects, summary.findings, summary.series) == (
        direct.projects,
        direct.findings,
        direct.series,
    )
    again, written = load_jsonl([lines], tmp_path / "bulk")
    assert (again.written, again.unchanged, written) == (0, 2, [])


def test_bulk_load_refuses_duplicates_and_bad_lines_in_one_line(corpus: Path, tmp_path: Path) -> None:
    good = write_lines(tmp_path / "a.jsonl", corpus / T26)
    copy = tmp_path / "copy" / T26
    copy.parent.mkdir()
    copy.write_bytes((corpus / T26).read_bytes())
    twin = tmp_path / "twin.txt"
    twin.write_bytes((corpus / T26).read_bytes())
    bad = tmp_path / "b.jsonl"
    bad.write_text(
        '{"not": "a line"}\n' + process_to_line(copy) + "\n" + process_to_line(twin) + "\n", encoding="utf-8"
    )
    summary, written = load_jsonl([good, bad], tmp_path / "home")
    assert written == [T26]
    assert len(summary.failed) == 3 and all("\n" not in f for f in summary.failed)
    assert summary.failed[0].startswith(f"{bad}:1: not a line of the map step")
    assert "same file name" in summary.failed[1] and "the same document as" in summary.failed[2]


def test_bulk_load_unreadable_file_is_one_line(tmp_path: Path) -> None:
    from budgetscope.index.bulk import BulkLoadError

    with pytest.raises(BulkLoadError, match=r"missing\.jsonl: cannot read"):
        load_jsonl([tmp_path / "missing.jsonl"], tmp_path / "home")


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason="the cluster extra is not installed"
)
def test_bulk_cluster_example_runs_on_two_workers(corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, str(ROOT / "examples" / "cluster_ingest.py"), "--home", str(tmp_path / "home"),
               "--no-index", str(corpus / B26), str(corpus / T26)]  # fmt: skip
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "map: 2 files → 2 lines in 2 JSONL files" in first.stderr
    assert "load: 2 written, 0 unchanged, 0 failed" in first.stderr
    assert len(list((tmp_path / "home" / "extracted").glob("part-*.jsonl"))) == 2
    ingest([corpus / B26, corpus / T26], tmp_path / "direct")
    assert store_rows(tmp_path / "home") == store_rows(tmp_path / "direct")
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "load: 0 written, 2 unchanged, 0 failed" in again.stderr
