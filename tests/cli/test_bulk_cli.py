"""The map and load steps of a parallel ingest from the command line: `extract --format processed`
writes what `ingest` stores, `ingest --from-jsonl` stores it without reading a document again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.search_cli.app import app  # the shipped app, as the console script runs it

runner = CliRunner()
B26 = "sast-2026-department-budget.txt"
T26 = "sast-2026-performance-targets.txt"


def projects(home: Path) -> list[tuple[object, ...]]:
    """Every stored project with its money, comparable across homes."""
    with budgetscope.open(home) as bs:
        return sorted((p.id, p.name, p.kind, str(p.budget_total_yuan)) for p in bs.projects())


@pytest.fixture(scope="module")
def parts(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The map step's output for two corpus files, in a folder."""
    folder = tmp_path_factory.mktemp("parts")
    result = runner.invoke(app, ["extract", str(corpus / B26), str(corpus / T26), "--format", "processed"])
    assert result.exit_code == 0, result.output
    (folder / "part-0.jsonl").write_text(result.stdout, encoding="utf-8")
    return folder


def test_bulk_cli_extract_processed_one_line_per_file_on_stdout(parts: Path) -> None:
    lines = (parts / "part-0.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["document"]["doc"] for line in lines] == [B26, T26]
    assert all(json.loads(line)["format"] == "budgetscope-processed/1" for line in lines)


def test_bulk_cli_extract_processed_bad_file_error_line_and_exit(corpus: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(corpus / T26), str(empty), "--format", "processed"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 2  # the failed file's line carries its error to the load
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        line for line in result.stderr.splitlines() if "empty.txt" in line
    ]


def test_bulk_cli_load_stores_what_ingest_stores(parts: Path, corpus: Path, tmp_path: Path) -> None:
    loaded, ingested = tmp_path / "loaded", tmp_path / "ingested"
    result = runner.invoke(app, ["ingest", "--from-jsonl", str(parts), "--home", str(loaded), "--no-index"])
    assert result.exit_code == 0, result.output
    assert "2 written" in result.stderr
    result = runner.invoke(
        app, ["ingest", str(corpus / B26), str(corpus / T26), "--home", str(ingested), "--no-index"]
    )
    assert result.exit_code == 0, result.output
    assert projects(loaded) == projects(ingested) and len(projects(loaded)) > 30


def test_bulk_cli_load_again_changes_nothing(parts: Path, tmp_path: Path) -> None:
    args = ["ingest", "--from-jsonl", str(parts / "part-0.jsonl"), "--home", str(tmp_path), "--no-index"]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, [*args, "--format", "json", "--quiet"])
    assert again.exit_code == 0
    summary = json.loads(again.stdout)
    assert (summary["written"], summary["unchanged"], summary["failed"]) == (0, 2, [])


def test_bulk_cli_load_missing_file_one_line_nothing_written(parts: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = runner.invoke(
        app,
        [
            "ingest",
            "--from-jsonl",
            str(parts / "part-0.jsonl"),
            str(missing),
            "--home",
            str(tmp_path / "h"),
            "--no-index",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {missing}: cannot read (No such file or directory)"
    ]
    assert not (tmp_path / "h" / "budgetscope.sqlite").exists() or projects(tmp_path / "h") == []


def test_bulk_cli_load_bad_line_named_the_rest_stored(parts: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("not json\n" + (parts / "part-0.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(
        app, ["ingest", "--from-jsonl", str(mixed), "--home", str(tmp_path / "h"), "--no-index"]
    )
    assert result.exit_code == 1
    assert f"error: {mixed}:1: not a line of the map step" in result.stderr
    assert "2 written" in result.stderr


def test_bulk_cli_from_jsonl_needs_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--from-jsonl", "--home", str(tmp_path)])
    assert result.exit_code != 0 and "needs the JSONL files" in result.stderr


def test_bulk_cli_api_process_and_load(corpus: Path, tmp_path: Path) -> None:
    lines = [line for line, error in budgetscope.process([corpus / T26]) if error is None]
    (tmp_path / "part.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with budgetscope.open(tmp_path / "home") as bs:
        summary = bs.load([tmp_path / "part.jsonl"], index=False)
        assert summary.written == 1 and summary.failed == []
        assert {p.doc for p in bs.projects()} == {T26}


def test_bulk_cli_load_of_a_document_instead_of_its_map_step_is_one_error(
    corpus: Path, tmp_path: Path
) -> None:
    """A budget's text given to --from-jsonl (not `extract --format processed` output): one error line for
    the file, not one a line (it printed 538)."""
    args = [
        "ingest",
        "--from-jsonl",
        str(corpus / T26),
        "--home",
        str(tmp_path / "h"),
        "--no-index",
        "--quiet",
    ]
    result = runner.invoke(app, args)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1 and len(errors) == 1
    assert "not a file of `extract --format processed`" in errors[0] and T26 in errors[0]
