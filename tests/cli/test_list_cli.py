"""`budgetscope list`: the stored documents and their projects, as a user looks up what a home holds."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from budgetscope.search_cli.app import app

runner = CliRunner()


def invoke(*args: str | Path) -> object:
    return runner.invoke(app, [str(a) for a in args], env={"BUDGETSCOPE_HOME": None, "COLUMNS": "250"})


def test_list_documents_of_the_bundled_corpus(corpus_home: Path, corpus: Path) -> None:
    result = invoke("list", "--home", corpus_home, "--format", "json")
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)
    assert sorted(d["doc"] for d in docs) == sorted(p.name for p in corpus.iterdir())
    by_name = {d["doc"]: d for d in docs}
    assert by_name["sast-2026-department-budget.txt"]["department"] == "上海市科学技术协会"
    assert by_name["stcsm-2025-department-budget.txt"]["year"] == 2025
    assert all(d["projects"] > 0 for d in docs)
    table = invoke("list", "--home", corpus_home)
    assert (
        "stcsm-2025-department-budget.txt" in table.stdout
        and table.stderr.strip() == f"{len(docs)} documents"
    )
    only_2025 = json.loads(invoke("list", "--year", "2025", "--home", corpus_home, "-f", "json").stdout)
    assert [d["doc"] for d in only_2025] == ["stcsm-2025-department-budget.txt"]
    by_short_name = json.loads(
        invoke("list", "--department", "市科委", "--home", corpus_home, "-f", "json").stdout
    )
    assert [d["doc"] for d in by_short_name] == ["stcsm-2025-department-budget.txt"]  # as search resolves it


def test_list_projects_filtered_with_exact_amounts_and_ids_show_takes(corpus_home: Path) -> None:
    result = invoke(
        "list", "projects", "--doc", "sast-2023-department-budget.txt", "--home", corpus_home, "-f", "json"
    )
    projects = json.loads(result.stdout, parse_float=Decimal)
    assert projects and {p["doc"] for p in projects} == {"sast-2023-department-budget.txt"}
    named = {p["name"]: p for p in projects}
    assert "科协大院日常运行与维护项目" in "".join(named)
    assert all(isinstance(p["budget_total_yuan"], Decimal | int) for p in projects if p["budget_total_yuan"])
    shown = invoke("show", projects[0]["id"][:8], "--home", corpus_home, "-f", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["project"]["name"] == projects[0]["name"]
    rows = list(csv.DictReader(io.StringIO(invoke("list", "projects", "--year", "2023", "--home", corpus_home,
                                                   "-f", "csv").stdout)))  # fmt: skip
    assert [r["id"] for r in rows] == [p["id"] for p in projects]  # 2023: that one document
    assert [r["budget_total_yuan"] for r in rows] == [
        f"{Decimal(str(p['budget_total_yuan'])):f}" if p["budget_total_yuan"] is not None else ""
        for p in projects
    ]
    by_department = json.loads(invoke("list", "projects", "--department", "科委", "--home", corpus_home,
                                      "-f", "json").stdout)  # fmt: skip
    assert by_department and {p["department"] for p in by_department} == {"上海市科学技术委员会"}


def test_list_csv_writes_its_cells_as_export_does(corpus_home: Path) -> None:
    """One CSV form everywhere: a boolean is true/false in `list` as in `export` (not Python's True/False),
    a list a JSON array (a document's warnings)."""
    listed = list(
        csv.DictReader(io.StringIO(invoke("list", "projects", "--home", corpus_home, "-f", "csv").stdout))
    )
    exported = csv.DictReader(io.StringIO(invoke("export", "--what", "projects", "--format", "csv", "--out", "-",
                                                 "--home", corpus_home).stdout))  # fmt: skip
    flagged = {r["id"]: r["budget_flagged"] for r in exported}
    assert {r["budget_flagged"] for r in listed} == {"true", "false"}  # 2023's 科技社团党建项目 is flagged
    assert all(r["budget_flagged"] == flagged[r["id"]] for r in listed)
    documents = list(csv.DictReader(io.StringIO(invoke("list", "--home", corpus_home, "-f", "csv").stdout)))
    shown = {
        d["doc"]: d["warnings"]
        for d in json.loads(invoke("list", "--home", corpus_home, "-f", "json").stdout)
    }
    assert all(json.loads(d["warnings"]) == shown[d["doc"]] for d in documents)


def test_list_mistakes_are_one_line(corpus_home: Path, tmp_path: Path) -> None:
    unknown = invoke("list", "projects", "--doc", "nope.txt", "--home", corpus_home)
    assert unknown.exit_code == 1 and unknown.stderr.startswith(
        "error: no document 'nope.txt' in the store ("
    )
    empty = invoke("list", "--home", tmp_path / "empty")
    assert empty.exit_code == 1 and "run `budgetscope ingest` first" in empty.stderr
    assert invoke("list", "things", "--home", corpus_home).exit_code == 2


def test_list_shows_document_text_as_written(corpus_home: Path, tmp_path: Path) -> None:
    """A project name with rich markup is printed as written, not styled."""
    home = tmp_path / "home"
    shutil.copytree(corpus_home, home)
    import sqlite3

    with sqlite3.connect(home / "budgetscope.sqlite") as db:
        db.execute(
            "UPDATE projects SET name = '[bold red]注[/bold red]' || name WHERE rowid = (SELECT min(rowid) FROM projects)"
        )
    table = invoke("list", "projects", "--home", home)
    assert "[bold red]注[/bold red]" in table.stdout


def test_list_counts_a_department_wide_form_apart_as_browse_does(tmp_path: Path) -> None:
    """Xi'an audit's forms (p.37-38) and its 部门整体绩效目标表 (p.42-43), a record of its own kind and no
    project: `list documents` counts the projects as /browse does (the department-wide form apart), and
    `list projects` lists it marked, its id for `show`, and counts it apart."""
    import budgetscope
    from budgetscope.index.ingest import ingest
    from budgetscope.messages import counted

    excerpts = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
    home = tmp_path / "home"
    files = [excerpts / "xian-audit-2026-p37-38.pdf", excerpts / "xian-audit-2026-p42-43.pdf"]
    assert not ingest(files, home, workers=1).failed
    with budgetscope.open(home) as bs:
        browsed = len(bs.project_budgets())  # what /browse counts: each project once, no department-wide form
        records = list(bs.projects())
    wide = [p for p in records if p.kind == "department_form"]
    assert wide and browsed == len(records) - len(wide)
    docs = json.loads(invoke("list", "--home", home, "-f", "json").stdout)
    assert sum(d["projects"] for d in docs) == browsed and sum(d["department_forms"] for d in docs) == len(
        wide
    )
    whole = next(d for d in docs if d["doc"] == "xian-audit-2026-p42-43.pdf")
    assert (whole["projects"], whole["department_forms"]) == (0, 1)
    table = invoke("list", "projects", "--home", home)
    assert table.stderr.strip() == f"{counted(browsed, 'project')}, 1 department-wide form"
    [row] = [line for line in table.stdout.splitlines() if wide[0].id[:8] in line]
    assert "department-wide" in row
    assert "0 +1 department-wide" in invoke("list", "--home", home).stdout


def test_list_ingest_summary_counts_projects_as_list_does(tmp_path: Path) -> None:
    """`ingest`'s summary says as many projects as `list` and /browse (a department-wide form apart)."""
    from budgetscope.messages import counted

    excerpts = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
    home = tmp_path / "home"
    files = [excerpts / "xian-audit-2026-p37-38.pdf", excerpts / "xian-audit-2026-p42-43.pdf"]
    done = invoke("ingest", *files, "--home", home, "--no-index")
    assert done.exit_code == 0, done.output
    listed = invoke("list", "projects", "--home", home).stderr.strip()  # "N projects, 1 department-wide form"
    projects = listed.split(",")[0]
    assert f"store: 2 documents, {projects} (" in done.stderr
    assert f"), {counted(1, 'department-wide form')}, " in done.stderr
