"""One project, one answer: `cites` gives a project's budget and sources as `search` does, `show` the budget
of its linked form, `cites` refuses the queries `search` refuses, a citation question cut by --top-k says
so, and a --queries line takes the year as the web does.

One home per module: sast-2026 (department budget and performance forms, 14 narratives linked to their
forms) and sast-2019's forms, embedded with the hash encoder (the answers under test are exact
look-ups, not rankings). Expected budgets and places come from `budgetscope extract --format jsonl`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import budgetscope
from budgetscope.api import AmbiguousPolicyDocument
from budgetscope.search_cli.app import app

runner = CliRunner()
B26 = "sast-2026-department-budget.txt"
T26 = "sast-2026-performance-targets.txt"
T19 = "sast-2019-performance-targets.txt"
OUTLINE = "全民科学素质纲要"
QUESTION = "which projects cite the Outline of National Scientific Literacy"


def invoke(*args: str | Path) -> Result:
    return runner.invoke(
        app,
        [str(a) for a in args],
        env={"BUDGETSCOPE_QDRANT_URL": None, "BUDGETSCOPE_HOME": None, "BUDGETSCOPE_NO_SERVE": "1"},
    )


@pytest.fixture(scope="module")
def files(corpus: Path) -> list[Path]:
    return [corpus / B26, corpus / T26, corpus / T19]


@pytest.fixture(scope="module")
def records(files: list[Path]) -> list[dict[str, Any]]:
    """The records as `budgetscope extract --format jsonl` prints them (exact numbers kept Decimal)."""
    result = invoke("extract", *files, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line, parse_float=Decimal) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def home(files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("parity-home")
    result = invoke("ingest", *files, "--home", home, "--encoder", "hash", "--quiet")
    assert result.exit_code == 0, result.output
    return home


def told_twice(records: list[dict[str, Any]], name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The 2026 narrative of a project with no budget of its own, and its form, which states one."""
    narrative = next(r for r in records if r["doc"] == B26 and r["name"] == name)
    form = next(r for r in records if r["doc"] == T26 and r["name"] == name)
    assert narrative["budget_total_yuan"] is None and form["budget_total_yuan"] is not None
    return narrative, form


def cites_json(home: Path, query: str, *options: str) -> list[dict[str, Any]]:
    result = invoke("cites", query, "--home", home, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    hits: list[dict[str, Any]] = json.loads(result.stdout, parse_float=Decimal)
    return hits


# -- A: a cites hit is the project's, as a search hit ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "cited"),
    [("落实推进《全民科学素质纲要》", OUTLINE), ("科技人才举荐与服务", "中国科学技术协会章程")],
)
def test_cites_hit_has_the_budget_and_sources_of_its_linked_form(
    home: Path, records: list[dict[str, Any]], name: str, cited: str
) -> None:
    """The narrative states no budget; its linked form does: the cites hit carries the form's budget and
    both places, in the CLI's JSON, the CLI's table and the Python API alike."""
    narrative, form = told_twice(records, name)
    (hit,) = [h for h in cites_json(home, cited, "--year", "2026") if h["name"] == name]
    assert hit["budget_yuan"] == form["budget_total_yuan"] and hit["budget_flagged"] is False
    assert [(s["doc"], s["line"]) for s in hit["sources"]] == [(B26, narrative["line"]), (T26, form["line"])]
    table = invoke("cites", cited, "--year", "2026", "--home", home)
    assert table.exit_code == 0, table.output
    row = next(line for line in table.stdout.splitlines() if name in line)
    money = f"{Decimal(form['budget_total_yuan']):,.2f} 元"
    assert money in row and f"{B26}:{narrative['line']}, {T26}:{form['line']}" in row
    with budgetscope.open(home) as bs:
        (api_hit,) = [h for h in bs.cites(cited, year=2026) if h.name == name]
    assert api_hit.budget_yuan == form["budget_total_yuan"]
    assert [(s.doc, s.line) for s in api_hit.sources] == [(B26, narrative["line"]), (T26, form["line"])]


def test_cites_and_search_give_one_project_the_same_budget_and_sources(home: Path) -> None:
    """The reviewer's case: search and cites list 落实推进《全民科学素质纲要》 with one budget and one list
    of sources (one rule: the form's budget, else the narrative's)."""
    name = "落实推进《全民科学素质纲要》"
    (cited,) = [h for h in cites_json(home, OUTLINE, "--year", "2026") if h["name"] == name]
    result = invoke("search", "落实推进全民科学素质纲要", "--year", "2026", "--home", home, "-f", "json")
    assert result.exit_code == 0, result.output
    (found,) = [h for h in json.loads(result.stdout, parse_float=Decimal) if h["id"] == cited["id"]]
    for key in ("budget_yuan", "budget_flagged", "sources", "unit"):
        assert cited[key] == found[key], key


def test_every_linked_cites_hit_follows_the_one_budget_rule(home: Path) -> None:
    """Every project of a cites answer that `show` links to a form (or a narrative) lists both records,
    and its budget is the form's when the form states one, else the narrative's."""
    checked = 0
    with budgetscope.open(home) as bs:
        for document in bs.policy_documents():
            try:
                hits = bs.cites(document.title)
            except AmbiguousPolicyDocument:  # a title that is also another's short name
                continue
            for hit in hits:
                view = bs.project(hit.id)
                if view.linked is None:
                    assert [s.id for s in hit.sources] == [hit.id]
                    assert hit.budget_yuan == view.record.budget_total_yuan
                    continue
                linked = view.linked
                assert [s.id for s in hit.sources] == [hit.id, linked.id]
                form, narrative = (
                    (linked.budget_total_yuan, view.record.budget_total_yuan)
                    if linked.kind == "form"
                    else (view.record.budget_total_yuan, linked.budget_total_yuan)
                )
                assert hit.budget_yuan == (form if form is not None else narrative)
                checked += 1
    assert checked >= 3, "the corpus has cited projects linked to their forms"


def test_cites_hits_of_a_narrative_and_its_form_fold_into_one(home: Path) -> None:
    """When both records of a project cite the document, the one hit keeps both records' wordings."""
    from budgetscope.index.merged import one_per_project
    from budgetscope.models import CitedWording
    from budgetscope.store.sqlite import open_store

    with budgetscope.open(home) as bs:
        view = next(v for v in (bs.project(p.id) for p in bs.projects(kind="narrative")) if v.linked)
    n, f = view.record, view.linked
    assert f is not None
    said = [CitedWording(title="甲"), CitedWording(title="乙")]
    hits = [
        {"id": n.id, "doc": n.doc, "line": n.line, "kind": n.kind, "budget_yuan": n.budget_total_yuan,
         "cited": [said[0]], "canonical": ["pd:a"]},
        {"id": f.id, "doc": f.doc, "line": f.line, "kind": f.kind, "budget_yuan": f.budget_total_yuan,
         "cited": [said[1]], "canonical": ["pd:b"]},
    ]  # fmt: skip
    with open_store(home) as store:
        (one,) = one_per_project(store, hits)
    assert one["cited"] == said and one["canonical"] == ["pd:a", "pd:b"]
    assert [s["id"] for s in one["sources"]] == [n.id, f.id]


def test_show_gives_the_budget_of_the_linked_form_and_says_so(
    home: Path, records: list[dict[str, Any]]
) -> None:
    for name in ("落实推进《全民科学素质纲要》", "科技人才举荐与服务", "上海市灾害防御协会工作经费"):
        narrative, form = told_twice(records, name)
        result = invoke("show", f"{B26}:{narrative['line']}", "--home", home)
        assert result.exit_code == 0, result.output
        header = result.stdout.split("╰")[0].replace("│", " ")
        flat = " ".join(header.split())
        money = f"{Decimal(form['budget_total_yuan']):,.2f} 元"
        assert f"budget: {money} (from the linked form, {T26}:{form['line']}; not stated here)" in flat
    own = invoke("show", f"{T26}:{form['line']}", "--home", home)  # the form states its own: no "from"
    assert own.exit_code == 0 and "from the linked" not in own.stdout


# -- C: cites refuses what search refuses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("？？。", "query holds no word, only punctuation or symbols"),
        ("字" * 1001, "query of 1,001 characters; the limit is 1,000"),
    ],
)
def test_cites_refuses_a_query_search_refuses_as_a_usage_mistake(
    home: Path, query: str, message: str
) -> None:
    """One line, exit 2, before the home is opened or a serve asked (the console script, as a user runs it)."""
    env = {**os.environ, "BUDGETSCOPE_HOME": str(home), "BUDGETSCOPE_NO_SERVE": "1"}
    for command in ("cites", "search"):
        result = subprocess.run(
            [sys.executable, "-m", "budgetscope", command, query],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.strip() == f"error: {message} (see `budgetscope {command} --help`)"
        assert result.stdout == ""


# -- D: a citation question cut by --top-k says so ------------------------------------------------


def test_search_citation_question_cut_by_top_k_says_how_many_cite(home: Path) -> None:
    every = cites_json(home, "the Outline of National Scientific Literacy")
    assert len(every) > 3
    table = invoke("search", QUESTION, "--top-k", "3", "--home", home)
    assert table.exit_code == 0, table.output
    head = table.stdout.splitlines()[0]
    assert f"(3 of {len(every)} projects citing the Outline of National Scientific Literacy;" in head
    assert "`budgetscope cites 'the Outline of National Scientific Literacy'` lists all)" in head
    assert "(3 projects)" not in table.stdout
    as_json = invoke("search", QUESTION, "--top-k", "3", "--year", "2026", "--home", home, "-f", "json")
    in_2026 = cites_json(home, "the Outline of National Scientific Literacy", "--year", "2026")
    assert as_json.exit_code == 0, as_json.output
    hits = json.loads(as_json.stdout)  # stdout keeps its shape: the list of hits
    assert isinstance(hits, list) and [h["id"] for h in hits] == [h["id"] for h in in_2026[:3]]
    assert as_json.stderr.strip() == (
        f"warning: 3 of {len(in_2026)} projects citing the Outline of National Scientific Literacy; "
        "`budgetscope cites 'the Outline of National Scientific Literacy' --year 2026` lists all"
    )
    whole = invoke("search", QUESTION, "--top-k", str(len(every)), "--home", home)  # nothing cut: no note
    assert whole.exit_code == 0 and f"({len(every)} projects)" in whole.stdout and " of " not in whole.stderr


def test_search_queries_file_warns_per_cut_citation_question(home: Path, tmp_path: Path) -> None:
    asked = tmp_path / "q.jsonl"
    asked.write_text(
        json.dumps({"query": f"哪些项目引用了{OUTLINE}"}, ensure_ascii=False) + "\n" + '{"query": "科普"}\n',
        encoding="utf-8",
    )
    result = invoke("search", "--queries", asked, "--top-k", "2", "--format", "jsonl", "--home", home)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [sorted(r) for r in lines] == [["hits", "query"], ["hits", "query"]]
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: 2 of {len(cites_json(home, OUTLINE))} ")
    assert f"`budgetscope cites {OUTLINE}` lists all" in warnings[0]


# -- E: a --queries line's year as the web takes it -----------------------------------------------


def test_search_queries_year_may_be_a_string_of_digits(home: Path, tmp_path: Path) -> None:
    asked = tmp_path / "q.jsonl"
    lines = [
        {"query": "科普", "filters": {"year": year}}
        for year in (2026, "2026", "abc", 0, "0", 2026.5, " 2026")
    ]
    asked.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in lines), encoding="utf-8")
    result = invoke("search", "--queries", asked, "--format", "jsonl", "--home", home)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert (
        out[0]["hits"] and out[1]["hits"] == out[0]["hits"] and {h["year"] for h in out[1]["hits"]} == {2026}
    )
    refused = [r["error"] for r in out[2:]]
    assert refused == [
        f"year must be a whole number from 1 to 9999, not {v}"
        for v in ('"abc"', "0", '"0"', "2026.5", '" 2026"')
    ]
