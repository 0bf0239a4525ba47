"""`search`, `cites`, `index` and the index side of `ingest`, as a user runs them (CliRunner, --home tmp).

One data home per module holds the two sast-2026 files and the first three project narratives of
stcsm-2025 (another department, another year), ingested once with the default encoder (USE).
Expected answers of `cites` are computed from `budgetscope extract --format jsonl`, not from `cites`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from budgetscope.index.ranking import RELEVANCE_CUTOFF
from budgetscope.models import Record
from budgetscope.search_cli.app import app

runner = CliRunner()
B26 = "sast-2026-department-budget.txt"
T26 = "sast-2026-performance-targets.txt"
S25 = "stcsm-2025-department-budget.txt"
SAST = "上海市科学技术协会"
STCSM = "上海市科学技术委员会"
HIT_KEYS = {"doc", "line", "page", "id", "name", "kind", "year", "department", "section", "score", "snippet"}
SERVER_ENV = "BUDGETSCOPE_TEST_QDRANT_URL"


def invoke(*args: str | Path) -> Result:
    """Run a command as a user would, never against a server named by the environment."""
    return runner.invoke(
        app, [str(a) for a in args], env={"BUDGETSCOPE_QDRANT_URL": None, "BUDGETSCOPE_HOME": None}
    )


def one_line_error(result: Result) -> str:
    """The error line of a failed command, checking it failed cleanly: exit 1, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def search_json(home: Path, query: str, *options: str) -> list[dict[str, Any]]:
    result = invoke("search", query, "--home", home, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    hits: list[dict[str, Any]] = json.loads(result.stdout)
    return hits


def cites_json(home: Path, query: str, *options: str) -> list[dict[str, Any]]:
    result = invoke("cites", query, "--home", home, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    hits: list[dict[str, Any]] = json.loads(result.stdout)
    return hits


def points(home: Path) -> dict[str, dict[str, Any]]:
    """Every point of the embedded index under home: id -> payload."""
    from budgetscope.vector.sync import open_index

    with open_index(home, encoder="hash", read_only=True) as index:
        return dict(index.payloads())


@pytest.fixture(scope="module")
def files(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The sast-2026 files and stcsm-2025 cut before its fourth project narrative (real text)."""
    folder = tmp_path_factory.mktemp("files")
    lines = (corpus / S25).read_text(encoding="utf-8").splitlines(keepends=True)
    headings = [
        i for i, line in enumerate(lines) if line.rstrip().endswith("项目经费情况说明") and line[0] != "-"
    ]
    (folder / S25).write_text("".join(lines[: headings[3]]), encoding="utf-8")
    for name in (B26, T26):
        shutil.copy(corpus / name, folder / name)
    return [folder / B26, folder / T26, folder / S25]


@pytest.fixture(scope="module")
def records(files: list[Path]) -> list[dict[str, Any]]:
    """The records of the files as `budgetscope extract --format jsonl` prints them."""
    result = invoke("extract", *files, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def home(files: list[Path], tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    home = tmp_path_factory.mktemp("search-home")
    with embed_once():
        result = invoke("ingest", *files, "--home", home, "--quiet")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture()
def small_home(files: list[Path], tmp_path: Path, embed_once: Any) -> Path:
    """A home of its own with the stcsm-2025 excerpt only (3 projects, quick to embed)."""
    home = tmp_path / "home"
    with embed_once():
        result = invoke("ingest", files[2], "--home", home, "--quiet")
    assert result.exit_code == 0, result.output
    return home


def citing(records: list[dict[str, Any]], cited: Callable[[dict[str, Any]], bool]) -> set[tuple[str, int]]:
    """(doc, line) of the projects citing the canonical documents of the citations ``cited`` selects."""
    canonical = {c["canonical"] for r in records for c in r["citations"] if cited(c) and c["canonical"]}
    assert canonical, "the selected citations have no canonical document"
    return {
        (r["doc"], r["line"]) for r in records if any(c["canonical"] in canonical for c in r["citations"])
    }


def by_title(*titles: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: c["title"] in titles


def by_number(number: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: c["doc_number"] == number


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "doc", "line"),
    [
        ("消防演习和安防监控存储", B26, 489),  # 大院综合治理项目
        ("学会秘书长沙龙", B26, 720),
        ("科技馆建筑体大修", S25, 534),
        ("party building in scientific societies", B26, 591),  # 科技社团党建项目
        ("training courses for officials and community science popularization", B26, 432),
    ],
)
def test_search_cli_query_reaches_the_project(home: Path, query: str, doc: str, line: int) -> None:
    hits = search_json(home, query, "--top-k", "3")
    assert (hits[0]["doc"], hits[0]["line"]) == (doc, line)


def test_search_cli_json_hits_follow_the_contract(home: Path) -> None:
    hits = search_json(home, "科普资源库和智慧科普平台")
    assert 3 <= len(hits) <= 10  # --top-k is a maximum
    for hit in hits:
        assert set(hit) >= HIT_KEYS
        assert hit["kind"] in ("narrative", "form") and hit["doc"] in (B26, T26, S25)
        assert isinstance(hit["line"], int) and hit["page"] is None and isinstance(hit["score"], float)
        assert hit["year"] in (2025, 2026) and hit["department"] in (SAST, STCSM)
        assert hit["snippet"] and hit["name"]
    assert len({h["id"] for h in hits}) == len(hits), "one hit per project"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True), "the score's order"
    assert not hits[0]["weak"] and all(0 <= h["relevance"] <= 1 for h in hits)


def test_search_cli_top_k(home: Path) -> None:
    assert len(search_json(home, "科普资源库", "--top-k", "4")) == 4


def test_search_cli_top_k_is_met_though_narratives_and_forms_merge(home: Path) -> None:
    """sast-2026's narratives and their forms are one hit each: 30 asked are still 30 given."""
    every = search_json(home, "科普活动", "--top-k", "100")
    assert len(every) > 30, "the home holds more projects than asked for"
    hits = search_json(home, "科普活动", "--top-k", "30")
    assert len(hits) == 30 and len({h["id"] for h in hits}) == 30
    assert sum(len(h["sources"]) == 2 for h in hits) >= 10, "many of them merge a narrative and a form"


def test_search_cli_table_names_project_and_place(home: Path) -> None:
    result = invoke("search", "消防演习和安防监控存储", "--home", home, "--top-k", "2")
    assert result.exit_code == 0, result.output
    assert "大院综合治理项目" in result.stdout and f"{B26}:489" in result.stdout
    assert result.stdout.splitlines()[0].startswith("消防演习和安防监控存储  (2 projects")


def test_search_cli_table_says_no_close_match_and_marks_weak_hits(home: Path) -> None:
    """A query the corpus has no project for (high-speed railways) is told so, the nearest few marked
    weak; a query with a close match marks its weaker hits where they stand, in the score's order."""
    none = invoke("search", "高速铁路建设", "--home", home)
    assert none.exit_code == 0, none.output
    lines = none.stdout.splitlines()
    assert lines[1] == "no close match; nearest, weak:"
    shown = [x for x in lines if x[:3].strip().rstrip(".").isdigit()]
    assert 1 <= len(shown) <= 3 and all(x.endswith("  weak") for x in shown)
    some = invoke("search", "科普资源库和智慧科普平台", "--home", home)
    heads = [x for x in some.stdout.splitlines() if x[:3].strip().rstrip(".").isdigit()]
    assert "no close match" not in some.stdout and not heads[0].endswith("weak")
    shown = [re.search(r"  (\d\.\d{3}) \(relevance (\d\.\d{3})\)  #[0-9a-f]{8}(  weak)?$", x) for x in heads]
    assert all(shown), heads
    scores = [float(m[1]) for m in shown if m]
    assert scores == sorted(scores, reverse=True)
    assert all((float(m[2]) < RELEVANCE_CUTOFF) == bool(m[3]) for m in shown if m), (
        "weak: relevance below the cut-off"
    )


@pytest.mark.parametrize(
    ("option", "value", "key"),
    [
        ("--year", "2025", "year"),
        ("--year", "2026", "year"),
        ("--department", STCSM, "department"),
        ("--department", SAST, "department"),
        ("--section", "legal_basis", "section"),
        ("--section", "goals", "section"),
    ],
)
def test_search_cli_filter_restricts_every_hit(home: Path, option: str, value: str, key: str) -> None:
    query = "消防设施和设备更新"
    unfiltered = search_json(home, query)
    assert any(str(h[key]) != value for h in unfiltered), "the filter must have something to remove"
    hits = search_json(home, query, option, value)
    assert hits and all(str(h[key]) == value for h in hits)


def test_search_cli_year_no_document_has_says_so_and_names_the_stored_years(
    home: Path, tmp_path: Path
) -> None:
    """An empty answer for a year the home has no document of says why (one line on stderr, exit 0):
    the years stored; a year the home has gives no such line, nor does a queries file twice."""
    result = invoke("search", "科普", "--home", home, "--year", "2030")
    assert result.exit_code == 0 and "(0 projects)" in result.stdout
    assert result.stderr.splitlines() == [
        "warning: no stored document is of 2030: the home has documents of 2025, 2026"
    ]
    assert invoke("search", "科普", "--home", home, "--year", "2025").stderr == ""
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"query": "科普", "filters": {"year": 2030}}\n{"query": "科技馆", "filters": {"year": 2030}}\n'
    )
    result = invoke("search", "--queries", queries, "--format", "jsonl", "--home", home)
    assert result.exit_code == 0 and len(result.stderr.splitlines()) == 1


def test_search_cli_year_filter_finds_every_project_of_the_year(
    home: Path, records: list[dict[str, Any]]
) -> None:
    hits = search_json(home, "消防设施和设备更新", "--year", "2025")
    assert {(h["doc"], h["line"]) for h in hits} == {
        (r["doc"], r["line"]) for r in records if r["year"] == 2025
    }


@pytest.mark.parametrize(
    ("cites", "cited"),
    [
        ("中华人民共和国消防法", by_title("中华人民共和国消防法")),
        ("科普法", by_title("中华人民共和国科学技术普及法", "科普法")),
        ("国发〔2021〕9号", by_number("国发〔2021〕9号")),
    ],
)
def test_search_cli_cites_filter_keeps_exactly_the_citing_projects(
    home: Path, records: list[dict[str, Any]], cites: str, cited: Callable[[dict[str, Any]], bool]
) -> None:
    hits = search_json(home, "设备更新与科普活动", "--cites", cites)
    assert {(h["doc"], h["line"]) for h in hits} == citing(records, cited)


def test_search_cli_cites_filter_unknown_document_is_an_error(home: Path) -> None:
    line = one_line_error(invoke("search", "科普", "--home", home, "--cites", "不存在的管理办法"))
    assert "no policy document matches --cites '不存在的管理办法'" in line  # the web says cites=


def test_search_cli_cites_filter_ambiguous_short_name_is_an_error_listing_the_candidates(home: Path) -> None:
    line = one_line_error(invoke("search", "科普", "--home", home, "--cites", "纲要"))
    assert "'纲要' is ambiguous" in line
    assert "全民科学素质行动规划纲要（2021—2035年） (" in line and "知识产权强国建设纲要" in line


def test_search_cli_citation_question_on_a_short_name_is_an_error_listing_the_candidates(home: Path) -> None:
    line = one_line_error(invoke("search", "哪些项目引用了纲要", "--home", home))
    assert "'纲要' is ambiguous" in line and "全民科学素质行动规划纲要（2021—2035年） (" in line


def test_search_cli_citation_question_is_answered_by_cites(home: Path, records: list[dict[str, Any]]) -> None:
    hits = search_json(home, "哪些项目引用了中华人民共和国消防法")
    assert {(h["doc"], h["line"]) for h in hits} == citing(records, by_title("中华人民共和国消防法"))
    assert {(B26, 404), (B26, 489)} == {(h["doc"], h["line"]) for h in hits}  # read in the corpus text
    assert all(any(c["title"] == "中华人民共和国消防法" for c in h["cited"]) for h in hits)


def test_search_cli_snippet_highlights_the_query_terms(home: Path) -> None:
    query = "消防演习和安防监控存储"
    top = search_json(home, query, "--top-k", "1")[0]
    marks = top["highlights"]
    assert marks, top
    terms = [top["snippet"][start:end] for start, end in marks]
    assert all(len(t) >= 2 and t in query for t in terms), terms
    assert {"消防", "监控", "存储"} <= set(terms)
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(marks))


def test_search_cli_queries_file_gives_one_line_per_query_in_order(home: Path, tmp_path: Path) -> None:
    asked: list[dict[str, Any]] = [
        {"query": "学会秘书长沙龙", "filters": {}},
        {"query": "科技馆大修", "filters": {"year": 2025}},
        {"query": "哪些项目引用了中华人民共和国消防法"},
        {"query": "party building in scientific societies", "filters": {"department": SAST}},
    ]
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in asked), encoding="utf-8")
    result = invoke("search", "--queries", queries, "--format", "jsonl", "--home", home, "--top-k", "5")
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["query"] for a in answers] == [q["query"] for q in asked]
    assert all(set(a) == {"query", "hits"} for a in answers)
    assert (answers[0]["hits"][0]["doc"], answers[0]["hits"][0]["line"]) == (B26, 720)
    assert answers[1]["hits"] and all(h["year"] == 2025 for h in answers[1]["hits"])
    assert {h["line"] for h in answers[2]["hits"]} == {404, 489}
    assert answers[3]["hits"][0]["line"] == 591 and all(h["department"] == SAST for h in answers[3]["hits"])


# -- cites ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "cited"),
    [
        ("中华人民共和国消防法", by_title("中华人民共和国消防法")),  # title
        ("中华人民共和国科学技术普及法", by_title("中华人民共和国科学技术普及法", "科普法")),
        ("科普法", by_title("中华人民共和国科学技术普及法", "科普法")),  # 简称
        ("国发[2021]9号", by_number("国发〔2021〕9号")),  # 文号 in another bracket style
        ("国发〔2021〕9号", by_number("国发〔2021〕9号")),
        ("哪些项目引用了上海市科学技术普及条例", by_title("上海市科学技术普及条例")),  # question
        ("科协发学字〔2017〕42号", by_number("科协发学字〔2017〕42号")),
    ],
)
def test_cites_cli_exactly_the_projects_citing_the_document(
    home: Path, records: list[dict[str, Any]], query: str, cited: Callable[[dict[str, Any]], bool]
) -> None:
    hits = cites_json(home, query)
    assert {(h["doc"], h["line"]) for h in hits} == citing(records, cited)
    assert len({h["id"] for h in hits}) == len(hits)


@pytest.mark.parametrize(
    "question",
    [
        "who cites the Fire Protection Law",
        "projects citing the Fire Protection Law",
        "谁引用了中华人民共和国消防法",
    ],
)
def test_cites_cli_question_forms_reach_the_document(home: Path, question: str) -> None:
    expected = [h["id"] for h in cites_json(home, "中华人民共和国消防法")]
    assert expected and [h["id"] for h in cites_json(home, question)] == expected
    assert [h["id"] for h in search_json(home, question)] == expected  # search answers it as cites


def test_cites_cli_json_hit_carries_the_exact_wording(home: Path) -> None:
    hits = cites_json(home, "科普法")
    assert all(set(h) >= HIT_KEYS | {"cited", "canonical"} for h in hits)
    wordings = {c["title"] for h in hits for c in h["cited"]}
    assert {"中华人民共和国科学技术普及法", "科普法"} <= wordings  # 《科普法》 at line 940, project 934
    (canonical,) = {pd for h in hits for pd in h["canonical"]}
    assert canonical.startswith("pd:")


def test_cites_cli_quotes_the_citation_as_the_document_writes_it(home: Path) -> None:
    """sast-2026 line 1144 writes the 文号 before the title it numbers (根据上海市档案局沪档〔2018〕44号关于印发
    《上海市数字档案室建设评价办法》): the table and the JSON quote it so, not as 《title》（文号）."""
    wording = "沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》"
    (hit,) = cites_json(home, "沪档〔2018〕44号")
    assert hit["snippet"].split("；") == [
        wording,
        "《上海市数字档案室建设评价办法》",
    ]  # cited again at line 1150
    assert (wording, "上海市数字档案室建设评价办法", "沪档〔2018〕44号") in [
        (c["wording"], c["title"], c["doc_number"]) for c in hit["cited"]
    ]
    result = invoke("cites", "沪档〔2018〕44号", "--home", home)
    assert result.exit_code == 0 and f"      {hit['snippet']}" in result.stdout.splitlines()
    assert "《上海市数字档案室建设评价办法》（沪档〔2018〕44号）" not in result.stdout


def test_cites_cli_filters_by_year_and_department(home: Path) -> None:
    assert cites_json(home, "中华人民共和国消防法", "--year", "2025") == []
    assert cites_json(home, "中华人民共和国消防法", "--department", STCSM) == []
    assert len(cites_json(home, "中华人民共和国消防法", "--year", "2026", "--department", SAST)) == 2


def test_cites_cli_year_no_document_has_says_so_and_names_the_stored_years(home: Path) -> None:
    """As for ``search``: an empty answer for a year the home has no document of says why, on stderr."""
    result = invoke("cites", "科普法", "--home", home, "--year", "2030", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert result.stderr.splitlines() == [
        "warning: no stored document is of 2030: the home has documents of 2025, 2026"
    ]
    assert invoke("cites", "科普法", "--home", home, "--year", "2025").stderr == ""


def test_cites_cli_year_whose_documents_hold_no_projects_says_so(corpus: Path, tmp_path: Path) -> None:
    """A final account (决算) of 2024 is stored but holds no projects: `cites --year 2024` says so and
    names it and the years that have projects, instead of an empty answer that reads as "nobody cites it"."""
    from budgetscope.api.searching import year_note
    from budgetscope.index.ingest import ingest
    from budgetscope.store.sqlite import open_store

    accounts = (
        Path(__file__).resolve().parents[2]
        / "corpus"
        / "excerpts"
        / "central-letters-and-calls-2024-final-accounts-p30.pdf"
    )
    assert not ingest([corpus / "sast-2023-department-budget.txt", accounts], tmp_path, workers=1).failed
    result = invoke(
        "cites", "全民科学素质行动规划纲要", "--home", tmp_path, "--year", "2024", "--format", "json"
    )
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert result.stderr.splitlines() == [
        f"warning: the stored documents of 2024 ({accounts.name}) hold no projects: projects are of 2023"
    ]
    with open_store(tmp_path) as store:
        assert year_note(store, 2023) is None and year_note(store, None) is None
        assert year_note(store, 2030) == "no stored document is of 2030: the home has documents of 2023, 2024"


def test_cites_cli_table_lists_document_then_projects(home: Path) -> None:
    result = invoke("cites", "中华人民共和国消防法", "--home", home)
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0].startswith("中华人民共和国消防法  pd:")
    assert "科协大院日常修缮项目" in result.stdout and "大院综合治理项目" in result.stdout
    assert out[-1] == "2 projects"


def test_cites_cli_table_says_which_version_each_project_cites(corpus_home: Path) -> None:
    """A question naming a plan with two versions (全民科学素质纲要: 2006 and 2021) numbers them, and
    each project's line says which it cites (the whole corpus: its 2019 budget cites the older)."""
    hits = cites_json(corpus_home, "全民科学素质纲要")
    result = invoke("cites", "哪些项目引用了全民科学素质纲要", "--home", corpus_home)
    assert result.exit_code == 0, result.output
    heads = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(heads) >= 2 and [h[:4] for h in heads] == [f"[{i}] " for i in range(1, len(heads) + 1)]
    label = {line.split()[-1]: line[1] for line in heads}  # pd:… → its number
    lines = [line for line in result.stdout.splitlines() if " cites [" in line]
    assert len(lines) == len(hits) and {len(h["canonical"]) for h in hits} == {1}
    for line, hit in zip(lines, hits, strict=True):
        assert hit["name"] in line and line.endswith(
            f"cites [{','.join(label[c] for c in hit['canonical'])}]"
        )
    assert {line[-2] for line in lines} == set(label.values())  # both versions are cited


@pytest.mark.parametrize("format", ["json", "table"])
def test_cites_cli_ambiguous_short_name_is_an_error_in_every_format(home: Path, format: str) -> None:
    """纲要 may mean several documents: exit 1 and the candidates on stderr, as `search --cites 纲要`;
    no empty JSON list a script would read as "nobody cites it"; the table lists the candidates once."""
    result = invoke("cites", "纲要", "--home", home, "--format", format)
    line = one_line_error(result)
    if format == "json":  # the candidates on stderr, as search --cites gives them
        assert line == one_line_error(invoke("search", "科普", "--home", home, "--cites", "纲要"))
        assert "'纲要' is ambiguous" in line and "全民科学素质行动规划纲要（2021—2035年） (" in line
        assert result.stdout == ""
    else:  # listed on stdout once; the error line only points at them
        assert result.stdout.startswith("纲要 is ambiguous") and "知识产权强国建设纲要" in result.stdout
        assert "'纲要' is ambiguous" in line and "(above)" in line and "全民科学素质" not in line


def test_cites_cli_unknown_document(home: Path) -> None:
    result = invoke("cites", "不存在的管理办法", "--home", home)
    assert "不存在的管理办法" in one_line_error(result) and result.stdout == ""
    assert cites_json(home, "不存在的管理办法") == []


# -- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["search", "科普"], ["cites", "科普法"], ["index"]])
def test_search_cli_before_any_ingest_is_a_one_line_error(tmp_path: Path, command: list[str]) -> None:
    line = one_line_error(invoke(*command, "--home", tmp_path))
    assert "budgetscope ingest" in line


def test_search_cli_store_without_index_is_an_error_and_leaves_nothing_behind(
    files: list[Path], tmp_path: Path
) -> None:
    assert invoke("ingest", files[2], "--home", tmp_path, "--quiet", "--no-index").exit_code == 0
    line = one_line_error(invoke("search", "科技馆大修", "--home", tmp_path, "--encoder", "hash"))
    assert "no search index" in line and "budgetscope ingest" in line
    result = invoke("ingest", files[2], "--home", tmp_path)  # the failed search left no hash collection
    assert result.exit_code == 0, result.output
    assert f"search index: {len(points(tmp_path))} points embedded" in result.stderr
    assert search_json(tmp_path, "科技馆大修", "--top-k", "1")[0]["line"] == 534


HOLD = """
import sys
from budgetscope.vector.edge import EdgeIndex
with EdgeIndex(sys.argv[1]):
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_search_cli_index_open_in_another_process(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "BUDGETSCOPE_LOCK_WAIT", "2"
    )  # what a script that must not wait sets (default: 60 s / 300 s)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home / "vectors")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding", holder.stderr
        line = one_line_error(invoke("search", "科技馆大修", "--home", home))
        assert "open in another process" in line and "--qdrant-url" in line
        assert "open in another process" in one_line_error(invoke("index", "--home", home, "--quiet"))
        assert len(cites_json(home, "中华人民共和国消防法")) == 2, "cites reads the store only"
    finally:
        holder.communicate(input="", timeout=60)
    assert search_json(home, "科技馆大修", "--top-k", "1")[0]["line"] == 534, (
        "the lock is gone with its holder"
    )


def test_search_cli_other_encoder_than_the_index_is_an_error(home: Path) -> None:
    line = one_line_error(invoke("search", "科技馆大修", "--home", home, "--encoder", "hash"))
    assert "built with encoder use (512-d), not hash (256-d)" in line


def test_search_cli_unknown_encoder_is_an_error(home: Path) -> None:
    assert "unknown encoder 'bert'" in usage_mistake(
        invoke("search", "科技馆大修", "--home", home, "--encoder", "bert")
    )


def usage_mistake(result: Result) -> str:
    """The text of a usage mistake: exit 2 (as click's own), no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    return " ".join(result.output.replace("│", " ").split())  # the message as one line, out of click's panel


@pytest.mark.parametrize("args", [[], ["科普", "--queries", "q.jsonl"]])
def test_search_cli_needs_a_query_or_a_queries_file(home: Path, args: list[str]) -> None:
    assert "QUERY or --queries" in usage_mistake(invoke("search", *args, "--home", home))


def test_search_cli_unreadable_queries_file(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "queries.jsonl"
    bad.write_text('{"query": "科普"\n', encoding="utf-8")
    assert str(bad) in one_line_error(invoke("search", "--queries", bad, "--home", home, "--format", "jsonl"))


# -- ingest and index -----------------------------------------------------------------------------


def test_search_cli_ingest_again_embeds_nothing(
    home: Path, files: list[Path], records: list[dict[str, Any]]
) -> None:
    from budgetscope.vector.points import points_of_records

    verdict = ("budget_flagged", "flags")  # the checks' word on a record, not part of what was read
    read = [Record.model_validate({k: v for k, v in r.items() if k not in verdict}) for r in records]
    expected = {chunk.id for chunk in points_of_records(read, "use")}
    assert set(points(home)) == expected
    result = invoke("ingest", *files, "--home", home)
    assert result.exit_code == 0, result.output
    assert "0 written, 3 unchanged" in result.stderr and "search index: 0 points embedded" in result.stderr
    assert set(points(home)) == expected


def test_search_cli_changed_file_replaces_its_points(files: list[Path], tmp_path: Path) -> None:
    source = tmp_path / "in" / S25
    source.parent.mkdir()
    text = files[2].read_text(encoding="utf-8")
    old, new = "近340项工作任务", "近360项工作任务"
    assert text.count(old) == 1
    source.write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    assert invoke("ingest", source, "--home", home, "--quiet").exit_code == 0
    before = points(home)
    source.write_text(text.replace(old, new), encoding="utf-8")
    result = invoke("ingest", source, "--home", home)
    assert result.exit_code == 0, result.output
    assert "1 written" in result.stderr and f"search index: {len(before)} points embedded" in result.stderr
    after = points(home)
    assert len(after) == len(before)
    texts = [p["text"] for p in after.values()]
    assert not any(old in t for t in texts) and any(new in t for t in texts)
    top = search_json(home, new, "--top-k", "1")[0]
    assert top["line"] == 534 and new in top["snippet"]


def test_search_cli_index_rebuild_gives_the_same_points(small_home: Path) -> None:
    before = points(small_home)
    result = invoke("index", "--rebuild", "--home", small_home)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1] == f"{len(before)} points embedded"  # after progress lines
    assert points(small_home) == before


def test_search_cli_index_rebuild_with_another_encoder(small_home: Path) -> None:
    from budgetscope.vector.sync import index_settings

    result = invoke("index", "--rebuild", "--encoder", "hash", "--home", small_home, "--quiet")
    assert result.exit_code == 0, result.output
    assert index_settings(small_home) == {"encoder": "hash", "pending": []}
    assert {p["encoder"] for p in points(small_home).values()} == {"hash"}
    assert (
        search_json(small_home, "科技馆建筑体大修", "--top-k", "1")[0]["line"] == 534
    )  # the recorded encoder


def test_search_cli_an_encoder_that_cannot_load_costs_nothing(
    small_home: Path, tmp_path: Path, corpus: Path
) -> None:
    """`index --rebuild` with a model that is not on this machine fails before the working index is
    dropped (search still answers); `ingest` with an unknown encoder fails before anything is stored."""
    before = points(small_home)
    result = invoke("index", "--rebuild", "--encoder", "st:/nonexistent/model", "--home", small_home)
    assert result.exit_code == 1 and "no model folder at /nonexistent/model" in result.stderr
    assert points(small_home) == before and search_json(small_home, "科技馆建筑体大修", "--top-k", "1")
    verbose = invoke("--verbose", "index", "--encoder", "st:/nonexistent/model", "--home", small_home)
    assert verbose.exit_code == 1 and "Traceback" in verbose.stderr and "EncoderUnavailable" in verbose.stderr
    fresh = tmp_path / "fresh"
    result = invoke("ingest", small_home / "nothing.txt", "--home", fresh, "--encoder", "bogus")
    assert "unknown encoder 'bogus'" in usage_mistake(result)
    result = invoke(
        "ingest", corpus / "sast-2023-department-budget.txt", "--home", fresh, "--encoder", "st:/no/model"
    )
    assert (
        result.exit_code == 1
        and "nothing stored: " in result.stderr
        and "no model folder at /no/model" in result.stderr
    )
    assert not (fresh / "budgetscope.sqlite").exists()


def test_search_cli_index_without_rebuild_embeds_nothing_new(small_home: Path) -> None:
    before = points(small_home)
    result = invoke("index", "--home", small_home)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1] == "0 points embedded"  # after progress lines
    assert points(small_home) == before


# -- a Qdrant server ------------------------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get(SERVER_ENV),
    reason=f"needs a disposable Qdrant server: set {SERVER_ENV}=http://localhost:6333 (e.g. docker run -p 6333:6333 qdrant/qdrant)",
)
def test_search_cli_server_gives_the_same_top_hits_as_embedded(
    home: Path, files: list[Path], tmp_path: Path
) -> None:
    from qdrant_client import QdrantClient

    from budgetscope.vector.points import COLLECTION

    url = os.environ[SERVER_ENV]
    server = QdrantClient(url=url)
    if server.collection_exists(COLLECTION):
        pytest.skip(f"{url} already has a collection {COLLECTION!r}; this test never overwrites one")
    server_home = tmp_path / f"server-{uuid.uuid4().hex[:8]}"
    try:
        result = invoke("ingest", *files, "--home", server_home, "--quiet", "--qdrant-url", url)
        assert result.exit_code == 0, result.output
        assert server.count(COLLECTION, exact=True).count == len(points(home))
        for query, options in [
            ("消防演习和安防监控存储", []),
            ("party building in scientific societies", []),
            ("科普资源库和智慧科普平台", []),
            ("消防设施和设备更新", ["--year", "2025"]),
            ("设备更新与科普活动", ["--cites", "科普法"]),
        ]:
            embedded = search_json(home, query, "--top-k", "3", *options)
            served = search_json(server_home, query, "--top-k", "3", "--qdrant-url", url, *options)
            assert [(h["doc"], h["line"]) for h in served] == [(h["doc"], h["line"]) for h in embedded], query
    finally:
        server.delete_collection(COLLECTION)
        server.close()


def test_search_cli_index_catches_up_after_no_index(files: list[Path], tmp_path: Path) -> None:
    from budgetscope.vector.sync import index_settings

    source = tmp_path / files[2].name
    text = files[2].read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    assert invoke("ingest", source, "--home", home, "--quiet").exit_code == 0
    old, new = "建筑体、暖通、电气、幕墙", "建筑体、暖通、电气、光伏幕墙"
    assert old in text
    source.write_text(text.replace(old, new), encoding="utf-8")
    # the store is updated, the index is not: the document is remembered as pending
    assert invoke("ingest", source, "--home", home, "--quiet", "--no-index").exit_code == 0
    assert index_settings(home)["pending"] == [source.name]
    assert not any(new in p["text"] for p in points(home).values())
    # the next index run (or ingest) embeds it, even though the file is now unchanged
    assert invoke("index", "--home", home, "--quiet").exit_code == 0
    assert any(new in p["text"] for p in points(home).values())
    assert not any(old in p["text"] for p in points(home).values())
    assert index_settings(home)["pending"] == []


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"query": "党建"}', '{"filters": {"year": 2026}}'], ":2: expected an object"),
        (['["党建"]'], ":1: expected an object"),
        (['{"query": "党建"}', "{not json"], ":2: not JSON"),
        (['{"query": "党建", "filters": {"year": "abc"}}'], "year must be a whole number from 1 to 9999"),
        (['{"query": "党建", "filters": {"year": 0}}'], "year must be a whole number from 1 to 9999, not 0"),
        (['{"query": "党建", "filters": {"section": "foo"}}'], "unknown section 'foo'"),
        (['{"query": "党建", "filters": {"colour": "red"}}'], "unknown filter 'colour'"),
        (
            ['{"query": "党建", "filters": {"kind": "bogus"}}'],
            "unknown kind 'bogus' (known: narrative, form)",
        ),
        (['{"query": "党建", "filters": {"kind": "department_form"}}'], "unknown kind 'department_form'"),
    ],
)
def test_search_cli_queries_file_errors_name_the_line(
    home: Path, tmp_path: Path, lines: list[str], message: str
) -> None:
    """A bad line is reported on stderr naming the file and the line, and is its own output line (no
    hits, the error), so the output stays one line per query in order; the good lines are answered."""
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(lines), encoding="utf-8")
    result = invoke("search", "--queries", f, "--format", "jsonl", "--home", home)
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    bad = len(lines)
    assert len(errors) == 1 and message in errors[0] and f"q.jsonl:{bad}: " in errors[0]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    said = message.removeprefix(f":{bad}: ")
    assert len(out) == len(lines) and out[-1]["hits"] == [] and said in out[-1]["error"]
    assert all("error" not in r and r["query"] == "党建" and r["hits"] for r in out[:-1])


def test_search_cli_queries_file_answers_every_line_or_reports_it(home: Path, tmp_path: Path) -> None:
    """A department or cited document a line names that the store lacks fails that line only: the lines
    before and after it are answered in order, each failure named on stderr, and the exit is 1."""
    f = tmp_path / "q.jsonl"
    asked = [
        {"query": "党建"},
        {"query": "科普", "filters": {"department": "不存在的部门"}},
        {"query": "科普", "filters": {"cites": "不存在的条例"}},
        {"query": "智库建设", "filters": {"year": 2026}},
    ]
    f.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in asked), encoding="utf-8")
    result = invoke("search", "--queries", f, "--format", "jsonl", "--home", home)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["query"] for r in out] == [q["query"] for q in asked]
    assert out[0]["hits"] and out[3]["hits"] and "error" not in out[0] and "error" not in out[3]
    assert out[1]["hits"] == out[2]["hits"] == [] and "不存在的部门" in out[1]["error"]
    errors = result.stderr.strip().splitlines()
    assert [e.split(": ")[1] for e in errors] == [f"{f}:2", f"{f}:3"]
    assert "不存在的条例" in errors[1]
    table = invoke("search", "--queries", f, "--home", home)  # the table shows the answered ones
    assert table.exit_code == 1 and "党建" in table.stdout and "不存在的部门" not in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "empty query"),
        (["。，！？"], "no word, only punctuation"),  # every hit would be noise
        (["党建", "--section", "foo"], "unknown section"),
        (["党建", "--kind", "bogus"], "'bogus' is not one of 'narrative', 'form'"),
    ],
)
def test_search_cli_rejects_empty_query_and_unknown_section(
    home: Path, args: list[str], message: str
) -> None:
    assert message in usage_mistake(invoke("search", *args, "--home", home))


@pytest.mark.parametrize("kind", ["narrative", "form"])
def test_search_cli_kind_filter_keeps_that_kind_only(home: Path, tmp_path: Path, kind: str) -> None:
    """--kind, and a queries file's "kind", keep the projects told by a narrative, or by a form, only: the
    unfiltered hits have both, the filtered only that one (a hit's other half still listed in its sources)."""
    query = "消防设施和设备更新"
    assert {h["kind"] for h in search_json(home, query)} == {"narrative", "form"}
    hits = search_json(home, query, "--kind", kind)
    assert hits and {h["kind"] for h in hits} == {kind}
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"query": query, "filters": {"kind": kind}}) + "\n", encoding="utf-8")
    result = invoke("search", "--queries", f, "--format", "jsonl", "--home", home)
    assert result.exit_code == 0 and [h["id"] for h in json.loads(result.stdout)["hits"]] == [
        h["id"] for h in hits
    ]
    assert "--kind" in invoke("search", "--help").stdout


def test_search_cli_section_by_its_heading(home: Path) -> None:
    """--section takes a section's heading as the narratives print it (立项依据) as well as its key."""
    by_heading = search_json(home, "科普", "--section", "立项依据")
    assert by_heading and {h["section"] for h in by_heading} == {"legal_basis"}
    assert by_heading == search_json(home, "科普", "--section", "legal_basis")
    assert "unknown section '附件'" in usage_mistake(
        invoke("search", "科普", "--section", "附件", "--home", home)
    )


def test_search_cli_department_by_a_unique_part_of_its_name(home: Path) -> None:
    hits = search_json(home, "科技馆", "--department", "科学技术委员会")
    assert hits and {h["department"] for h in hits} == {"上海市科学技术委员会"}
    result = invoke("search", "科技馆", "--department", "教育局", "--home", home)
    assert result.exit_code == 1 and "not in the store" in result.stderr
    # its 简称 (the characters in order) and a name pasted with spaces around it
    assert search_json(home, "科技馆", "--department", "市科委") == hits
    assert search_json(home, "科技馆", "--department", " 上海市科学技术委员会 ") == hits


def test_search_cli_routed_question_respects_top_k(home: Path) -> None:
    hits = search_json(home, "哪些项目引用了上海市科学技术普及条例", "--top-k", "2")
    assert len(hits) == 2 and all(h["score"] == 1.0 for h in hits)


def test_search_cli_table_says_a_department_wide_form_is_one() -> None:
    """A department-wide form is named after its department: the table says what it is."""
    from rich.console import Console

    from budgetscope.search_cli.search import hit_table

    hit = {"doc": "chongqing.pdf", "line": None, "page": 30, "id": "x", "name": "重庆市水利局",
           "kind": "department_form", "year": 2026, "department": "重庆市水利局", "section": "overview",
           "score": 0.1, "relevance": 0.04, "weak": True, "snippet": "重庆市水利局"}  # fmt: skip
    console = Console(width=200, record=True)
    console.print(hit_table("waterways", [hit, {**hit, "id": "y", "name": "水利专项资金", "kind": "form"}]))
    lines = console.export_text().splitlines()
    assert "重庆市水利局 (部门整体绩效目标表 department-wide form)" in lines[2]
    assert "department-wide" not in lines[4]
