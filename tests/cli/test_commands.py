from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.search_cli.app import app

runner = CliRunner()


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", _commands())
def test_cli_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output.splitlines()) > 3
    assert "<bool>" not in result.output  # on/off flags take no value


def test_cli_segment_json_follows_contract(corpus: Path) -> None:
    result = runner.invoke(
        app, ["segment", str(corpus / "sast-2023-department-budget.txt"), "--format", "json"]
    )
    assert result.exit_code == 0
    docs = json.loads(result.stdout)
    assert [d["kind"] for d in docs] == ["department_budget"]
    rec = docs[0]["records"][0]
    assert set(rec) >= {
        "id",
        "kind",
        "doc",
        "line",
        "page",
        "department",
        "year",
        "title",
        "name",
        "sections",
        "form",
    }
    assert rec["line"] == 362 and rec["name"] == "学会改革与发展项目"
    assert list(rec["sections"]) == [
        "overview",
        "legal_basis",
        "implementing_body",
        "plan",
        "period",
        "budget",
        "goals",
    ]


def test_cli_segment_table_is_a_tree(corpus: Path) -> None:
    result = runner.invoke(app, ["segment", str(corpus / "sast-2019-performance-targets.txt")])
    assert result.exit_code == 0
    assert "performance_targets" in result.stdout and "百万市民共享科普" in result.stdout


def test_cli_extract_jsonl_one_record_per_line(corpus: Path) -> None:
    result = runner.invoke(
        app, ["extract", str(corpus / "sast-2026-department-budget.txt"), "--format", "jsonl"]
    )
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 29
    first = rows[0]
    assert first["budget_total_yuan"] == 6272000
    assert first["period"] == {"start": "2026-01-01", "end": "2026-12-31", "text": "2026年1月至2026年12月"}
    assert any(c["canonical"] for r in rows for c in r["citations"])


def test_cli_citations_table_places_each_citation_on_its_line(corpus: Path) -> None:
    """The table is readable at 100 columns: where the citation is (the line of its words, not of the
    project's heading), the project, the wording as written, the 文号; JSONL has every field."""
    budget = corpus / "sast-2026-department-budget.txt"
    result = runner.invoke(app, ["citations", str(budget)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    rows = [
        json.loads(x)
        for x in runner.invoke(app, ["citations", str(budget), "-f", "jsonl"]).stdout.splitlines()
    ]
    lines = budget.read_text(encoding="utf-8").split("\n")
    first = rows[0]
    assert first["citation_line"] != first["line"] and first["title"][:6] in lines[first["citation_line"] - 1]
    assert f"sast-2026-department-budget.txt:{first['citation_line']}" in result.stdout
    assert first["wording"] in result.stdout and "project_id" not in result.stdout


def test_cli_citations_group(corpus: Path) -> None:
    result = runner.invoke(
        app, ["citations", str(corpus / "sast-2026-department-budget.txt"), "--group", "--format", "jsonl"]
    )
    assert result.exit_code == 0
    groups = [json.loads(line) for line in result.stdout.splitlines()]
    fire = next(g for g in groups if g["title"] == "中华人民共和国消防法")
    assert fire["projects"] == 2 and fire["years"] == [2026]


def test_cli_citations_csv_writes_its_cells_as_export_does(corpus: Path) -> None:
    """A citation's booleans are true/false and a group's lists JSON arrays, as `export` writes them."""
    budget = str(corpus / "sast-2026-department-budget.txt")
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["citations", budget, "-f", "csv"]).stdout)))
    lines = [
        json.loads(x) for x in runner.invoke(app, ["citations", budget, "-f", "jsonl"]).stdout.splitlines()
    ]
    assert {r["bracketed"] for r in rows} == {
        "true",
        "false",
    }  # 《“科技工作者之家”建设标准》, and a title without 《》
    assert [r["bracketed"] for r in rows] == [str(x["bracketed"]).lower() for x in lines]
    grouped = runner.invoke(app, ["citations", budget, "--group", "-f", "csv"]).stdout
    fire = next(r for r in csv.DictReader(io.StringIO(grouped)) if r["title"] == "中华人民共和国消防法")
    assert json.loads(fire["years"]) == [2026] and json.loads(fire["doc_numbers"]) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"\x00\x01\x02binary", "binary"), (b"\xff\xfe\xfa" + bytes(range(128, 200)), "")],
)
def test_cli_bad_input_one_line_error(tmp_path: Path, corpus: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = runner.invoke(
        app, ["segment", str(bad), str(corpus / "sast-2023-department-budget.txt"), "--format", "json"]
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "bad.txt" in errors[0] and reason in errors[0]
    assert "Traceback" not in result.output
    # the good file is still processed
    assert json.loads(result.stdout)[0]["doc"] == "sast-2023-department-budget.txt"


def test_cli_other_kind_is_reported_not_forced(tmp_path: Path) -> None:
    other = tmp_path / "notice.txt"
    other.write_text(
        "关于开展2026年全国科普月活动的通知\n\n各区科协：\n\n请按照《上海市科学技术普及条例》做好工作。\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["segment", str(other), "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)[0]
    assert doc["kind"] == "other" and doc["records"] == []


def _missed_form(tmp_path: Path, corpus: Path) -> Path:
    """The 2026 performance forms with one form's name row labelled as the reader does not know."""
    source = (corpus / "sast-2026-performance-targets.txt").read_text(encoding="utf-8")
    edited = tmp_path / "sast-2026-performance-targets-edited.txt"
    edited.write_text(
        source.replace("项目名称\t市科协组织机构管理", "项目全称\t市科协组织机构管理", 1), encoding="utf-8"
    )
    return edited


def test_cli_extract_table_gives_a_pdf_form_its_page_and_amounts() -> None:
    excerpt = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "xian-audit-2026-p37-38.pdf"
    result = runner.invoke(
        app, ["extract", str(excerpt), "--format", "table", "--no-cache"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    (row,) = [line for line in result.stdout.splitlines() if "购买中介机构审计服务" in line]
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    # the form starts on the excerpt's first page and prints 年度预算资金总额 and 财政拨款
    assert cells[1] == "p.1" and cells[5] == "3,500,000.00" and cells[6] == "2"


@pytest.mark.parametrize("command", ["segment", "extract"])
def test_cli_coverage_gap_is_a_warning_line(
    tmp_path: Path, corpus: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    edited = _missed_form(tmp_path / "in", corpus)
    whole = corpus / "sast-2026-performance-targets.txt"
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [command, "in/" + edited.name, str(whole), "--format", "json"])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    # the file named as given, as an unreadable one is (it was its base name alone)
    assert warnings == [
        f"warning: in/{edited.name}: coverage short: read 12 of 13 project forms the document shows"
    ]
    if command == "segment":
        docs = json.loads(result.stdout)
        assert [
            (d["coverage"]["forms_read"], d["coverage"]["forms_expected"], d["coverage"]["short"])
            for d in docs
        ] == [
            (12, 13, True),
            (13, 13, False),
        ]


@pytest.mark.parametrize("command", ["extract", "segment", "citations"])
def test_cli_reading_many_files_shows_progress_on_stderr(
    corpus: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading that takes a while says how far it is on stderr (a line per 10 files and at the end, when
    stderr is no terminal); stdout keeps the data only. Quick reads say nothing (PROGRESS_AFTER)."""
    import budgetscope.search_cli.common as common

    files = sorted(str(p) for p in corpus.glob("*.txt"))
    monkeypatch.setattr(common, "PROGRESS_AFTER", 0.0)
    options = ["--format", "jsonl"] if command == "citations" else ["--format", "json", "--no-cache"]
    result = runner.invoke(app, [command, *files, *options])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("read: ")]
    assert lines and lines[-1].startswith(f"read: {len(files)}/{len(files)}")
    data = result.stdout.splitlines() if command == "citations" else [result.stdout]
    assert all(json.loads(x) is not None for x in data)  # stdout: data only
    monkeypatch.setattr(common, "PROGRESS_AFTER", 60.0)
    quick = runner.invoke(app, [command, files[0], *options])
    assert "read: " not in quick.stderr
