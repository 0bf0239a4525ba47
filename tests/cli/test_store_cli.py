"""`ingest`, `show`, `check`, `export`: the store commands through typer's CliRunner (always --home tmp)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetscope.models import SECTION_KEYS
from budgetscope.search_cli.app import app  # the shipped app, as the console script runs it

runner = CliRunner()


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus ingested through the CLI, not embedded (no test here searches)."""
    home = tmp_path_factory.mktemp("cli-home")
    result = runner.invoke(app, ["ingest", str(corpus), "--home", str(home), "--no-index"])
    assert result.exit_code == 0, result.output
    return home


@pytest.mark.parametrize("name", ["ingest", "show", "check", "export"])
def test_store_cli_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output and "--home" in result.output


def test_store_cli_ingest_summary_on_stderr_nothing_on_stdout(corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(corpus / "sast-2023-department-budget.txt"), "--home", str(tmp_path)]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "1 written" in result.stderr and "7 projects" in result.stderr and "findings" in result.stderr


def test_store_cli_ingest_json_summary_on_stdout(home: Path, corpus: Path) -> None:
    result = runner.invoke(
        app, ["ingest", str(corpus), "--home", str(home), "--format", "json", "--quiet", "--no-index"]
    )
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert (summary["unchanged"], summary["written"], summary["documents"], summary["projects"]) == (
        5,
        0,
        5,
        83,
    )


def test_store_cli_ingest_home_from_the_environment(corpus: Path, tmp_path: Path) -> None:
    path = str(corpus / "sast-2019-performance-targets.txt")
    result = runner.invoke(app, ["ingest", path, "-q", "--no-index"], env={"BUDGETSCOPE_HOME": str(tmp_path)})
    assert result.exit_code == 0 and (tmp_path / "budgetscope.sqlite").is_file()


def test_store_cli_ingest_bad_file_one_line_error_others_kept(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "sast-2019-performance-targets.txt", folder)
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(app, ["ingest", str(folder), "--home", str(tmp_path / "h"), "-f", "json", "-q"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "bad.txt" in errors[0]
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)["documents"] == 1


def test_store_cli_show_a_project_as_a_table(home: Path) -> None:
    result = runner.invoke(app, ["show", "sast-2026-department-budget.txt:404", "--home", str(home)],
                           env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "科协大院日常修缮项目" in out and "627.2万元" in out and "6,272,000" in out
    assert "科协大院日常运行与维护项目" in out  # the same project in 2023
    assert "2026-01-01" in out and "中华人民共和国消防法" in out


def test_store_cli_show_a_form_with_its_goal_text(home: Path) -> None:
    """A performance form's free text (年度总体目标: what a `[goals]` search hit matched) is in the
    table, as written: the form's own <p> markup shows as text."""
    key = "sast-2026-performance-targets.txt:115"  # 上海市灾害防御协会工作经费
    details = json.loads(runner.invoke(app, ["show", key, "--home", str(home), "-f", "json"]).stdout)
    texts = details["project"]["form"]["texts"]
    assert texts
    result = runner.invoke(app, ["show", key, "--home", str(home)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    flat = "".join(c for c in result.stdout if not c.isspace() and c not in "│╭╮╰╯─")
    for label, text in texts.items():
        assert label in result.stdout and "".join(text.split()) in flat
    assert "<p>面向社区" in result.stdout


def test_store_cli_show_json_has_everything(home: Path) -> None:
    result = runner.invoke(
        app, ["show", "sast-2026-department-budget.txt:1172", "--home", str(home), "-f", "json"]
    )
    assert result.exit_code == 0
    details = json.loads(result.stdout)
    project = details["project"]
    assert project["name"] == "市科协机构及全委会会议费" and project["budget_total_yuan"] == 179500
    assert set(project["sections"]) == set(SECTION_KEYS)
    assert all("canonical_title" in c for c in project["citations"])
    assert details["linked"]["name"] == "市科协机构及常委会会议费"
    assert [m["kind"] for m in details["series"]["members"]] == ["narrative", "form"]
    assert {f["kind"] for f in details["findings"]} == {"narrative_form_name"}
    assert {c["status"] for c in details["checks"]} == {"rounded", "differs", "agree"}


def test_store_cli_show_and_export_quote_citations_as_written(home: Path) -> None:
    """科技工作者之家建设 (sast-2026 line 1136) cites 沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》
    (line 1144): `show` and `export` quote it in the document's order, title and 文号 beside it."""
    wording = "沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》"
    place = ["sast-2026-department-budget.txt:1136", "--home", str(home)]
    details = json.loads(runner.invoke(app, ["show", *place, "-f", "json"]).stdout)
    (cited,) = [c for c in details["project"]["citations"] if c["doc_number"] == "沪档〔2018〕44号"]
    assert (cited["wording"], cited["title"], cited["doc_number_inferred"]) == (
        wording,
        "上海市数字档案室建设评价办法",
        False,
    )
    table = runner.invoke(app, ["show", *place], env={"COLUMNS": "300"})
    assert table.exit_code == 0 and wording in table.stdout and "as written" in table.stdout
    result = runner.invoke(
        app, ["export", "--what", "citations", "--format", "csv", "--out", "-", "--home", str(home)]
    )
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["doc_number"] == "沪档〔2018〕44号"]
    assert [(r["wording"], r["title"], r["doc_number_inferred"]) for r in rows] == [
        (wording, "上海市数字档案室建设评价办法", "false")
    ]


# the goals of two Fuzhou healthcare-security 2026 forms, as their cells read (p.31, p.35)
FUZHOU_P31 = (
    "榕政办〔2017〕285号文件福州市人民政府办公厅关于印发《福州市城乡居民基本医疗保险管理办法》的通知，本项目的目标为"
    "完成市政府下达城乡基本医疗保险参保扩面任务，参保达到应保尽保，确保城乡居民保险待遇按时足额发放。"
)
FUZHOU_P35 = "根据闽人社文〔2009〕60及榕劳社保〔2010〕38号文件精神，预计市属困难国有集体企业在职职工119人，市财政需补助7.14万元。"


def fuzhou_goals_document(corpus: Path, out: Path) -> Path:
    """The 2023 department budget's cover and first project narrative (real text), its 立项依据 opening
    with the two Fuzhou goals."""
    lines = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8").splitlines()
    start = lines.index("学会改革与发展项目经费情况说明")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].endswith("项目经费情况说明"))
    body = "\n".join(lines[start:end]).replace(
        "二、立项依据\n\n", f"二、立项依据\n\n{FUZHOU_P31}{FUZHOU_P35}\n\n", 1
    )
    path = out / "goals-2023-department-budget.txt"
    path.write_text("\n".join(lines[:30]) + "\n\n" + body + "\n", encoding="utf-8")
    return path


def test_store_cli_cites_every_doc_number_of_a_list_sharing_one_hao(corpus: Path, tmp_path: Path) -> None:
    """根据闽人社文〔2009〕60及榕劳社保〔2010〕38号文件精神: both are cited, the first with its 号 added
    and quoted as written; 榕政办〔2017〕285号文件…关于印发《X》的通知 is quoted whole."""
    home = ["--home", str(tmp_path / "home")]
    result = runner.invoke(app, ["ingest", str(fuzhou_goals_document(corpus, tmp_path)), *home, "--no-index"])
    assert result.exit_code == 0, result.output
    for number, wording, inferred in [
        ("闽人社文〔2009〕60号", "闽人社文〔2009〕60", True),
        ("榕劳社保〔2010〕38号", "榕劳社保〔2010〕38号", False),
    ]:
        result = runner.invoke(app, ["cites", number, *home, "--format", "json"])
        (hit,) = json.loads(result.stdout)
        assert hit["name"] == "学会改革与发展项目"
        assert [(c["wording"], c["doc_number"], c["doc_number_inferred"]) for c in hit["cited"]] == [
            (wording, number, inferred)
        ]
    table = runner.invoke(app, ["cites", "闽人社文〔2009〕60号", *home]).stdout
    assert "      闽人社文〔2009〕60" in table and "闽人社文〔2009〕60号: 号 added" in table
    (hit,) = json.loads(
        runner.invoke(app, ["cites", "榕政办〔2017〕285号", *home, "--format", "json"]).stdout
    )
    assert hit["snippet"] == FUZHOU_P31.split("，")[0]


def test_store_cli_cites_english_names_in_other_words(home: Path) -> None:
    """The review's queries: another word order finds the 纲要, a part of its name lists the candidate
    documents (exit 1, as 纲要), an unrelated phrase finds nothing."""
    ordered = runner.invoke(app, ["cites", "Outline of National Scientific Literacy", "--home", str(home)])
    usual = runner.invoke(app, ["cites", "National Scientific Literacy Outline", "--home", str(home)])
    assert (
        ordered.exit_code == 0
        and ordered.stdout == usual.stdout
        and "全民科学素质行动规划纲要" in usual.stdout
    )
    part = runner.invoke(app, ["cites", "scientific literacy", "--home", str(home)])
    chinese = runner.invoke(app, ["cites", "科学素质", "--home", str(home)])
    assert part.exit_code == 1 and "scientific literacy is ambiguous: 5 candidates" in part.stdout
    assert part.stdout.splitlines()[1:] == chinese.stdout.splitlines()[1:]  # the candidates of 科学素质
    unrelated = runner.invoke(app, ["cites", "high-speed railway", "--home", str(home)])
    assert (
        unrelated.exit_code == 1
        and "no cited policy document matches 'high-speed railway'" in unrelated.stderr
    )


def test_store_cli_show_by_id_and_prefix(home: Path) -> None:
    details = json.loads(runner.invoke(app, ["show", "sast-2023-department-budget.txt:483", "--home", str(home),
                                             "-f", "json"]).stdout)  # fmt: skip
    pid = details["project"]["id"]
    for key in (pid, pid[:8]):
        result = runner.invoke(app, ["show", key, "--home", str(home), "-f", "json"])
        assert json.loads(result.stdout)["project"]["name"] == "基层科普服务项目"
    years = [m["year"] for m in details["series"]["members"]]
    assert years == [2023, 2026]


@pytest.mark.parametrize(
    "args", [["show", "no-such-project"], ["check"], ["export", "--out", "-", "-w", "projects"]]
)
def test_store_cli_one_line_error_without_a_store(tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error:")
    assert "Traceback" not in result.output


def test_store_cli_show_unknown_project(home: Path) -> None:
    result = runner.invoke(app, ["show", "ffffffffffff", "--home", str(home)])
    assert result.exit_code == 1 and result.stderr == "error: no project 'ffffffffffff' in the store\n"
    result = runner.invoke(app, ["show", "ffff", "--home", str(home)])
    assert (
        result.stderr == "error: no project 'ffff' in the store (an id prefix needs 6 or more characters)\n"
    )


def test_store_cli_check_lists_findings(home: Path) -> None:
    result = runner.invoke(app, ["check", "--home", str(home), "-f", "json"])
    assert result.exit_code == 0
    findings = json.loads(result.stdout, parse_float=Decimal)  # money: JSON numbers of exact digits
    assert findings and all(f["status"] in ("disagree", "missing", "differs") for f in findings)
    assert findings[0]["severity"] == "error" and findings[0]["kind"] == "magnitude"  # gravest first
    assert [f["severity"] for f in findings] == sorted((f["severity"] for f in findings),
                                                        key=["error", "warning", "info"].index)  # fmt: skip
    income = next(f for f in findings if f["subject"] == "收入预算")
    assert (
        income["doc"] == "sast-2026-department-budget.txt" and str(income["difference_yuan"]) == "13389035.00"
    )
    assert (income["other_doc"], income["other_line"]) == ("sast-2026-department-budget.txt", 107)
    table = runner.invoke(app, ["check", "--home", str(home)], env={"COLUMNS": "200"})
    assert "收入预算15,544万元" in table.stdout and "sast-2026-department-budget.txt" in table.stdout


def test_store_cli_check_all_includes_agreements(home: Path) -> None:
    result = runner.invoke(
        app, ["check", "--home", str(home), "--all", "-f", "jsonl", "--kind", "narrative_form_amount"]
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["status"] for r in rows} == {"agree", "rounded", "missing"}
    assert {r["kind"] for r in rows} == {"narrative_form_amount"}


def test_store_cli_export_folder_with_datapackage(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", "--home", str(home), "-w", "projects", "-w", "amounts", "-f", "csv",
                                 "--out", str(out), "--bom"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["amounts.csv", "datapackage.json", "projects.csv"]
    assert (out / "projects.csv").read_bytes().startswith(b"\xef\xbb\xbfid,kind,doc")
    assert "projects: 83 rows" in result.stderr


def test_store_cli_export_to_stdout(home: Path) -> None:
    result = runner.invoke(
        app, ["export", "--home", str(home), "-w", "findings", "-f", "jsonl", "--out", "-"]
    )
    assert result.exit_code == 0 and result.stderr == ""
    assert all(json.loads(line)["status"] for line in result.stdout.splitlines())


def test_store_cli_export_parquet_to_stdout_is_refused(home: Path) -> None:
    result = runner.invoke(
        app, ["export", "--home", str(home), "-w", "findings", "-f", "parquet", "--out", "-"]
    )
    assert result.exit_code == 2 and "one --what in jsonl or csv" in result.output  # a usage mistake


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "corpus/sast-2023-department-budget.txt", "--no-index"],
        ["ingest", "corpus/sast-2023-department-budget.txt"],
        ["index"],
        ["search", "科技馆"],
        ["cites", "全民科学素质纲要"],
        ["show", "sast-2023-department-budget.txt:1"],
        ["check"],
        ["export", "--out", "-", "-w", "projects"],
    ],
)
def test_store_cli_home_that_is_a_file_is_a_one_line_error(tmp_path: Path, args: list[str]) -> None:
    from budgetscope.search_cli.app import app as full_app

    home = tmp_path / "home"
    home.write_text("", encoding="utf-8")
    result = runner.invoke(full_app, [*args, "--home", str(home)])
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: data home {home} is not a folder; give --home (or BUDGETSCOPE_HOME) a folder"
    )
    assert "Traceback" not in result.output and result.stdout == ""


def test_store_cli_ingest_refuses_another_document_of_a_stored_name(corpus: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "部门预算.txt", tmp_path / "b" / "部门预算.txt"
    for target, source in ((a, "sast-2023-department-budget.txt"), (b, "stcsm-2025-department-budget.txt")):
        target.parent.mkdir()
        shutil.copy(corpus / source, target)
    home = ["--home", str(tmp_path / "h"), "--no-index", "-q"]
    assert runner.invoke(app, ["ingest", str(a), *home]).exit_code == 0
    refused = runner.invoke(app, ["ingest", str(b), *home])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    [error] = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert str(a) in error and str(b) in error and "rename" in error and "--force" in error
    assert _stored_department(tmp_path / "h") == [(str(a), "上海市科学技术协会")]
    forced = runner.invoke(app, ["ingest", str(b), *home, "--force"])
    assert forced.exit_code == 0, forced.output
    assert _stored_department(tmp_path / "h") == [(str(b), "上海市科学技术委员会")]


def _stored_department(home: Path) -> list[tuple[str, str]]:
    from budgetscope.store.sqlite import open_store

    with open_store(home) as store:
        return [(row["path"], row["department"]) for row in store.select("documents")]


def test_store_cli_show_places_series_members_of_a_pdf_by_page(tmp_path: Path) -> None:
    """The same project elsewhere in a PDF is placed by its page (a bare file name told nothing)."""
    pdf = (
        Path(__file__).resolve().parents[2]
        / "corpus"
        / "excerpts"
        / "central-letters-and-calls-2026-p26-30.pdf"
    )
    home = tmp_path / "home"
    assert runner.invoke(app, ["ingest", str(pdf), "--home", str(home), "--no-index", "-q"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["list", "projects", "--home", str(home), "-f", "json"]).stdout)
    narrative = next(p for p in listed if p["kind"] == "narrative")
    shown = json.loads(
        runner.invoke(app, ["show", narrative["id"], "--home", str(home), "-f", "json"]).stdout
    )
    members = shown["series"]["members"]
    assert len(members) == 2 and all(m["page"] for m in members)
    table = runner.invoke(app, ["show", narrative["id"], "--home", str(home)], env={"COLUMNS": "250"}).stdout
    form = next(m for m in members if m["kind"] == "form")
    assert f"{pdf.name} p.{form['page']}" in table


def test_store_cli_export_again_after_an_ingest_warns_of_two_snapshots(corpus: Path, tmp_path: Path) -> None:
    """One --what exported again into a folder after the store changed: the data package describes the new
    file beside the older ones, and the command says that it mixes two states of the store (even with -q);
    exporting everything again makes it one snapshot, and exporting one kind at a time from one state
    warns of nothing."""
    home, out = tmp_path / "home", tmp_path / "out"
    docs = sorted(corpus.glob("*.txt"))
    first = runner.invoke(app, ["ingest", str(docs[0]), "--home", str(home), "--no-index", "-q"])
    assert first.exit_code == 0, first.output
    for kind in ("projects", "amounts"):  # one at a time, one state
        done = runner.invoke(app, ["export", "--home", str(home), "-w", kind, "-f", "csv", "--out", str(out)])
        assert done.exit_code == 0 and "warning" not in done.stderr, done.output
    more = runner.invoke(app, ["ingest", str(docs[1]), "--home", str(home), "--no-index", "-q"])
    assert more.exit_code == 0, more.output
    again = runner.invoke(
        app, ["export", "--home", str(home), "-w", "projects", "-f", "csv", "--out", str(out), "-q"]
    )
    assert again.exit_code == 0, again.output
    assert "warning:" in again.stderr and "amounts.csv" in again.stderr and "another state" in again.stderr
    whole = runner.invoke(app, ["export", "--home", str(home), "-f", "csv", "--out", str(out)])
    assert whole.exit_code == 0 and "warning" not in whole.stderr, whole.output


def test_store_cli_show_any_line_inside_a_project(home: Path) -> None:
    """sast-2026's line 430 is the 六、年度预算安排 heading of 科协大院日常修缮项目 (heading at 404): DOC:LINE
    of any line of a project shows it (it said "no project … in the store"); a line before the first project
    says it is in none; `show --help` names every form of the key."""
    for line in (404, 430, 431):
        result = runner.invoke(
            app, ["show", f"sast-2026-department-budget.txt:{line}", "--home", str(home), "-f", "json"]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["project"]["name"] == "科协大院日常修缮项目"
    nxt = runner.invoke(
        app, ["show", "sast-2026-department-budget.txt:432", "--home", str(home), "-f", "json"]
    )
    assert json.loads(nxt.stdout)["project"]["line"] == 432  # the next project's heading is its own
    before = runner.invoke(app, ["show", "sast-2026-department-budget.txt:100", "--home", str(home)])
    assert before.exit_code == 1 and before.stderr == (
        "error: line 100 of sast-2026-department-budget.txt is in no project: the first, 科协大院日常修缮项目, "
        "starts at line 404\n"
    )
    helped = runner.invoke(app, ["show", "--help"], env={"COLUMNS": "300"}).stdout
    assert all(form in helped for form in ("id prefix", "DOC:LINE (any line of the", "DOC p.N", "exact name"))


def test_store_cli_show_a_line_in_a_part_after_the_projects(corpus: Path, tmp_path: Path) -> None:
    """sast-2023 with its 其他相关情况说明 moved after the project narratives: a line of that part is in no
    project, a line of the last narrative is in it."""
    lines = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8").split("\n")
    notes = lines.index("其他相关情况说明")
    first = next(k for k in range(notes, len(lines)) if lines[k].strip().endswith("项目经费情况说明"))
    moved = tmp_path / "sast-2023-moved.txt"
    moved.write_text("\n".join(lines[:notes] + lines[first:] + lines[notes:first]), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(moved), "--home", str(tmp_path / "h"), "--no-index", "-q"])
    assert result.exit_code == 0, result.output
    part = len(lines) - (first - notes) + 1  # the moved part's heading line
    last = runner.invoke(
        app, ["show", f"{moved.name}:{part - 3}", "--home", str(tmp_path / "h"), "-f", "json"]
    )
    assert json.loads(last.stdout)["project"]["name"] == "网络建设及阵地建设项目"
    inside = runner.invoke(app, ["show", f"{moved.name}:{part + 2}", "--home", str(tmp_path / "h")])
    assert inside.exit_code == 1
    assert (
        f"is in no project: it is in 其他相关情况说明 (from line {part}), after 网络建设及阵地建设项目"
        in inside.stderr
    )
