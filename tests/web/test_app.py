"""`budgetscope serve` over HTTP: many users at once, the JSON API, safety by default."""

from __future__ import annotations

import html
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

import pytest

from tests.web.conftest import HOSTILE_DEPARTMENT, HOSTILE_NAME, serving

QUERIES = ["科技馆大修", "party building in scientific societies", "学会创新与发展", "科普场馆", "全民科学素质纲要",
           "science popularisation for young people", "国际交流", "科协大院日常修缮"]  # fmt: skip


def get(url: str) -> tuple[int, str, Any]:
    try:
        with urlopen(Request(url), timeout=120) as r:
            return r.status, r.read().decode("utf-8"), r.headers
    except HTTPError as exc:
        return exc.code, exc.read().decode("utf-8"), exc.headers


def get_json(url: str) -> Any:
    status, body, _ = get(url)
    assert status == 200, (url, status, body[:200])
    return json.loads(body)


def test_app_answers_many_searches_at_once(server: str) -> None:
    alone = {q: get_json(f"{server}/api/search?{urlencode({'q': q})}") for q in QUERIES}
    urls = [f"{server}/api/search?{urlencode({'q': q})}" for q in QUERIES * 3]
    urls += [f"{server}/api/cites?q={quote('全民科学素质纲要')}", f"{server}/search?q={quote('科普')}"] * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(get, urls))
    assert [status for status, _, _ in answers] == [200] * len(urls)
    for url, (_, body, _) in zip(urls[: len(QUERIES) * 3], answers, strict=False):
        q = url.split("q=", 1)[1]
        hits = json.loads(body)
        query = next(k for k in QUERIES if urlencode({"q": k}) == f"q={q}")
        assert [h["id"] for h in hits] == [h["id"] for h in alone[query]]


def test_app_json_api_has_the_cli_shapes(server: str) -> None:
    hits = get_json(f"{server}/api/search?q={quote('科技馆大修')}")
    assert isinstance(hits, list) and hits
    assert {
        "doc",
        "line",
        "page",
        "id",
        "name",
        "kind",
        "year",
        "department",
        "section",
        "score",
        "snippet",
    } <= set(hits[0])
    assert hits[0]["name"] == "科技馆建筑体大修项目"
    # its budget (11,356.77万元) an exact JSON number with its fen, as `show` writes it; the page shows it
    assert hits[0]["budget_yuan"] == 113567700 and hits[0]["budget_flagged"] is False
    assert '"budget_yuan": 113567700.00,' in get(f"{server}/api/search?q={quote('科技馆大修')}")[1]
    assert "113,567,700.00 元" in get(f"{server}/search?q={quote('科技馆大修')}")[1]
    filtered = get_json(f"{server}/api/search?q={quote('科普')}&year=2019")
    assert filtered and {h["year"] for h in filtered} == {2019}
    cited = get_json(f"{server}/api/cites?q={quote('全民科学素质纲要')}")
    assert cited and all(h["cited"] for h in cited)
    status, body, _ = get(f"{server}/api/cites?q={quote('纲要')}")  # a short name: the candidates
    ambiguous = json.loads(body)
    assert status == 400 and "ambiguous" in ambiguous["error"] and len(ambiguous["candidates"]) >= 2
    assert all(c["title"] and c["projects"] > 0 for c in ambiguous["candidates"])
    status, body, _ = get(f"{server}/api/search?q={quote('科普')}&cites={quote('纲要')}")
    assert status == 400 and json.loads(body)["candidates"] == ambiguous["candidates"]
    view = get_json(f"{server}/api/project/{hits[0]['id']}")
    assert view["project"]["name"] == "科技馆建筑体大修项目"
    assert view["project"]["budget_total_yuan"] == 113567700
    docs = get_json(f"{server}/api/documents")
    assert {d["doc"] for d in docs} >= {"sast-2026-department-budget.txt"}
    assert all(d["coverage"] is not None for d in docs)
    status, body, _ = get(f"{server}/api/search?q=x&section=nowhere")
    assert status == 400 and "unknown section" in json.loads(body)["error"]
    status, body, _ = get(f"{server}/api/project/000000000000")
    assert status == 404 and "no project" in json.loads(body)["error"]


def test_app_query_over_the_limit_is_an_error_not_cut(server: str) -> None:
    """The CLI's limit (1,000 characters) everywhere: an error saying so, never a shorter query answered."""
    long = "科普" * 501
    for path in ("/api/search", "/api/cites"):
        status, body, _ = get(f"{server}{path}?q={quote(long)}")
        assert status == 400 and json.loads(body)["error"] == "query of 1,002 characters; the limit is 1,000"
    status, page, _ = get(f"{server}/search?q={quote(long)}")
    assert "the limit is 1,000" in page and 'id="results"' not in page
    assert get_json(f"{server}/api/search?q={quote('科普' * 450)}")  # 900 characters: answered


def test_app_no_request_path_reaches_outside_the_home(server: str) -> None:
    for path in ("/source/..%2F..%2F..%2Fetc%2Fpasswd", "/source/%2Fetc%2Fpasswd", "/document/..%2Fpyproject.toml",
                 "/static/..%2F..%2Fapi%2F__init__.py", "/static/%2E%2E/app.py", "/source/pyproject.toml"):  # fmt: skip
        status, body, _ = get(server + path)
        assert status == 404, path
        assert "root:" not in body and "[project]" not in body and "import" not in body
    status, body, headers = get(f"{server}/source/sast-2026-department-budget.txt")
    assert status == 200 and "上海市科学技术协会" in body
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'none'" in headers["Content-Security-Policy"]


def test_app_serve_command_listens_on_localhost_by_default() -> None:
    from typer.testing import CliRunner

    from budgetscope.search_cli.app import app

    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--home", "--host", "--port", "--qdrant-url", "--allow-upload", "127.0.0.1", "8000"):
        assert option in result.output


def test_app_hostile_document_is_escaped_in_every_answer(hostile_server: str) -> None:
    projects = get_json(f"{hostile_server}/api/projects")
    assert [p["name"] for p in projects] == [HOSTILE_NAME]
    pid = projects[0]["id"]
    for path in ("/", f"/search?q={quote('学会改革与发展')}", "/browse", f"/project/{pid}",
                 "/document/hostile-2022-department-budget.txt", f"/cites?q={quote('改革实施方案')}", "/upload"):  # fmt: skip
        status, body, _ = get(hostile_server + path)
        assert status == 200, path
        assert "<script>window" not in body and "<b>学会改革" not in body and "<img src=x" not in body, path
        assert "<i>演示" not in body, path
    status, body, _ = get(f"{hostile_server}/project/{pid}")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;b&gt;学会改革&lt;/b&gt;" in body
    status, body, headers = get(f"{hostile_server}/source/hostile-2022-department-budget.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert HOSTILE_DEPARTMENT in body  # the GB18030 file sent as the text it was read as, not its bytes


def test_app_upload_type_checked_and_ingested(tmp_path: Path, corpus: Path) -> None:
    with serving(tmp_path / "home", allow_upload=True) as server:
        status, body, _ = get(f"{server}/browse")  # nothing stored yet: one line, no crash
        assert status == 503 and "budgetscope ingest" in body
        _upload(server, corpus, tmp_path / "home")


def _upload(server: str, corpus: Path, home: Path) -> None:
    boundary = "----budgetscope-test"
    good = (corpus / "sast-2019-performance-targets.txt").read_bytes()
    parts = [
        ("../../evil.pdf", b"not a pdf at all"),
        ("notes.exe", b"MZ"),
        ("sast-2019-performance-targets.txt", good),
    ]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
            for name, data in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    request = Request(f"{server}/upload", data=body, method="POST",
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    with urlopen(request, timeout=120) as r:
        job_url = r.url
        page = r.read().decode("utf-8")
    assert "/upload/" in job_url
    deadline = time.monotonic() + 300
    while "完成 Done" not in page:
        assert time.monotonic() < deadline, "upload not ingested in time"
        time.sleep(1)
        _, page, _ = get(job_url)
    assert "evil.pdf: not a PDF" in page
    assert "notes.exe: only .pdf and .txt files are accepted" in page
    assert [p.name for p in home.rglob("*") if p.is_file() and p.suffix in (".pdf", ".exe", ".txt")] == [
        "sast-2019-performance-targets.txt"
    ]
    assert not (home.parent / "evil.pdf").exists()
    names = {p["name"] for p in get_json(f"{server}/api/projects")}
    assert "百万市民共享科普" in names
    hits = get_json(f"{server}/api/search?q={quote('百万市民共享科普')}")
    assert hits and hits[0]["name"] == "百万市民共享科普"


def test_app_browse_marks_budgets_a_check_calls_an_error(server: str) -> None:
    """sast-2023 prints 科技社团党建工作项目's budget as 60000.00万元 (a 元 slip, 4× the department's
    budget): the browse page lists it marked, and the 2023 totals that hold it say so."""
    status, body, _ = get(f"{server}/browse?year=2023")
    assert status == 200
    row = next(r for r in body.split("<tr>") if "科技社团党建工作项目" in r)
    assert 'class="warning flagged"' in row and "600,000,000" in row
    year_rows = body.split('id="by-year"')[1].split("</table>")[0]
    row_2023 = next(r for r in year_rows.split("<tr>") if ">2023<" in r)
    assert "⚠ 1" in row_2023
    row_2026 = next(r for r in year_rows.split("<tr>") if ">2026<" in r)
    assert "⚠" not in row_2026
    assert 'id="nolisted"' not in body
    # the disputed 600,000,000 is left out of the 2023 totals, and flagged on the project's page
    assert "600,000,000" not in row_2023 and "610,980,000" not in body
    pid = (
        next(r for r in body.split("<tr>") if "科技社团党建工作项目" in r)
        .split('href="/project/')[1]
        .split('"')[0]
    )
    project = get(f"{server}/project/{pid}")[1]
    assert 'id="budget-flagged"' in project.split('id="budget-total"')[1].split("</dd>")[0]
    # 2026's 科技社团党建项目 (50,000元) is only the yardstick of that slip: its own budget is not flagged,
    # and its page marks the 2023 number in the years' table and leaves it out of the chart
    later = next(m for m in project.split("<tr") if "科技社团党建项目" in m and "/project/" in m)
    later_id = later.split('href="/project/')[1].split('"')[0]
    later_page = get(f"{server}/project/{later_id}")[1]
    assert "50,000.00" in later_page.split('id="budget-total"')[1].split("</dd>")[0]
    assert 'id="budget-flagged"' not in later_page
    by_year = later_page.split('id="by-year"')[1].split("</table>")[0]  # the change, marked disputed
    row_2026 = next(r for r in by_year.split("<tr>") if "<td>2026</td>" in r)
    assert "-599,950,000" in row_2026 and "⚠" in row_2026
    found = later_page.split('id="findings"')[1].split("</ul>")[0]  # listed, as the other one's yardstick

    assert '<li class="yardstick">' in found and "只是对照" in found and "difference" not in found
    years = later_page.split('id="years-table"')[1].split("</table>")[0]
    row_2023 = next(r for r in years.split("<tr") if "科技社团党建工作项目" in r)
    assert "⚠ 600,000,000.00 元 存疑" in row_2023
    chart = later_page.split('id="chart"')[1].split('id="years-table"')[0]
    assert "存疑" in chart and "60000" not in chart.replace(",", "")
    projects = get(f"{server}/api/projects?year=2023")[1]  # money as exact JSON numbers
    assert '"budget_total_yuan": 600000000.00' in projects
    assert get(f"{server}/api/projects?year=abc")[0] == 400
    status, unknown, _ = get(f"{server}/api/projects?department={quote('火星局')}")
    assert status == 400 and "is not in the store" in json.loads(unknown)["error"]
    short = get_json(f"{server}/api/projects?department={quote('市科协')}&year=2023")
    assert short and {p["department"] for p in short} == {"上海市科学技术协会"}
    assert "部门预算 department budget" in body and "<td>department_budget</td>" not in body  # kinds named
    empty = get(f"{server}/browse?year=2099")[1]  # a year with no project says so, not a bare empty list
    assert 'id="nolisted"' in empty and "in 2099" in empty


def test_app_cites_page_of_two_versions_says_which_each_project_cites(server: str) -> None:
    """全民科学素质纲要 names the 2006 and the 2021 纲要: the projects of both are listed, each row numbering
    the one it cites, as the CLI's `cites [1]`/`[2]`."""
    page = get(f"{server}/cites?q={quote('全民科学素质纲要')}")[1]
    cited = get_json(f"{server}/api/cites?q={quote('全民科学素质纲要')}")
    rows = page.split('id="citing"')[1].split("</table>")[0].split("<tr>")[2:]
    assert len(rows) == len(cited) and all('class="which">[' in r for r in rows)
    assert {r.split('class="which">')[1][:3] for r in rows} == {"[1]", "[2]"}
    assert "each row says which" in page


def test_app_cites_and_project_pages_quote_citations_as_written(server: str) -> None:
    """sast-2026 line 1144 (根据上海市档案局沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》): the
    cites page, its JSON and the project's page quote the 文号 before the title, as the document does."""
    wording = "沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》"
    (hit,) = get_json(f"{server}/api/cites?q={quote('沪档〔2018〕44号')}")
    assert wording in [c["wording"] for c in hit["cited"]] and hit["snippet"].startswith(wording)
    page = get(f"{server}/cites?q={quote('沪档〔2018〕44号')}")[1]
    rows = page.split('id="citing"')[1].split("</table>")[0]
    assert f"<div>{wording}</div>" in rows and "（沪档〔2018〕44号）" not in rows
    project = get(f"{server}/project/{hit['id']}")[1]
    assert f'<mark class="citation">{wording}</mark>' in project.split('class="citations"')[1]


def test_app_cites_page_lists_the_candidates_of_a_short_name(server: str) -> None:
    status, page, _ = get(f"{server}/cites?q={quote('纲要')}")
    candidates = get(f"{server}/api/cites?q={quote('纲要')}")[1]
    assert status == 200 and 'id="candidates"' in page and "No project cites it" not in page
    for c in json.loads(candidates)["candidates"]:
        assert f'href="/cites?q={quote(c["title"])}"' in page
        assert f"{c['projects']} 个项目" in page


def test_app_search_page_with_an_ambiguous_cites_filter_links_each_candidate(server: str) -> None:
    status, page, _ = get(f"{server}/search?q={quote('科普')}&cites={quote('纲要')}&year=2026")
    every = json.loads(get(f"{server}/api/cites?q={quote('纲要')}")[1])["candidates"]
    answer = get(f"{server}/api/search?q={quote('科普')}&cites={quote('纲要')}&year=2026")
    candidates = json.loads(answer[1])["candidates"]  # those 2026's projects cite, counted in 2026
    assert answer[0] == 400 and 0 < len(candidates) < len(every)
    assert {c["title"] for c in candidates} < {c["title"] for c in every}
    # the candidates once, as links (not again in an error box above them)
    assert status == 200 and 'id="candidates"' in page and 'id="error"' not in page and "可指以下" in page
    for c in candidates:
        assert (
            "/search?" + urlencode({"year": 2026, "cites": c["title"], "q": "科普"}).replace("&", "&amp;")
            in page
        )


def test_app_search_page_with_a_citation_question_on_a_short_name_links_each_candidate(server: str) -> None:
    """哪些项目引用了纲要: which 纲要 — each candidate links to its cites page (not an empty answer)."""
    status, page, _ = get(f"{server}/search?q={quote('哪些项目引用了纲要')}")
    candidates = json.loads(get(f"{server}/api/cites?q={quote('纲要')}")[1])["candidates"]
    assert status == 200 and 'id="candidates"' in page and "“纲要”" in page
    for c in candidates:
        assert f'href="/cites?q={quote(c["title"])}"' in page


def test_app_narrative_page_shows_its_linked_forms_indicators(tmp_path: Path) -> None:
    """The central narrative's 绩效目标 is its form: the narrative's page lists the form's indicators."""
    import budgetscope
    from tests.conftest import CORPUS

    home = tmp_path / "home"
    with budgetscope.open(home) as bs:
        assert not bs.ingest(
            [CORPUS / "excerpts" / "central-letters-and-calls-2026-p26-30.pdf"], index=False
        ).failed
        (narrative,) = [p for p in bs.projects() if p.kind == "narrative"]
    with serving(home) as server:
        status, page, _ = get(f"{server}/project/{narrative.id}")
    assert status == 200 and 'id="linked-indicators"' in page and "设备完好率" in page


def test_app_form_page_names_amounts_by_their_printed_label_and_reads_targets(tmp_path: Path) -> None:
    """The central bureau's form prints 年度资金总额: the page names its total so (with its key), not as
    a generic 项目总额; each target is shown as printed and as read, with the 分值 the form prints."""
    import budgetscope
    from tests.conftest import CORPUS

    home = tmp_path / "home"
    with budgetscope.open(home) as bs:
        assert not bs.ingest(
            [CORPUS / "excerpts" / "central-letters-and-calls-2026-p26-30.pdf"], index=False
        ).failed
        (form,) = [p for p in bs.projects() if p.kind == "form" and p.name == "信息化运行维护"]
        narrative = next(p for p in bs.projects() if p.kind == "narrative")
    with serving(home) as server:
        status, page, _ = get(f"{server}/project/{form.id}")
        _, linked, _ = get(f"{server}/project/{narrative.id}")
    assert status == 200
    fields = page[page.index('id="form-fields"') :]
    assert "<th>年度资金总额 · project_total</th>" in fields and "项目总额 Project total" not in page
    assert '<small id="total-label">年度资金总额 · project_total</small>' in page
    indicators = page[page.index('id="indicators"') :]
    assert "<th>分值 Weight</th>" in indicators
    assert '<td>≥96%</td><td class="reading">≥ 96 %</td><td class="num">8</td>' in indicators
    assert '<td class="reading">≥ 96 %</td>' in linked  # the narrative's page lists its form's, read too


def test_app_search_page_marks_weak_hits_and_says_no_close_match(server: str) -> None:
    """The page shows what the CLI says: no close match for high-speed railways, the nearest few
    marked weak; a query with a close match has its weaker hits marked, its first not."""
    status, page, _ = get(f"{server}/search?q={quote('高速铁路建设')}")
    hits = get_json(f"{server}/api/search?q={quote('高速铁路建设')}")
    assert status == 200 and 'id="noclose"' in page and hits and all(h["weak"] for h in hits)
    assert page.count('class="result weak"') == len(hits) <= 3
    status, page, _ = get(f"{server}/search?q={quote('科普资源库和智慧科普平台')}")
    hits = get_json(f"{server}/api/search?q={quote('科普资源库和智慧科普平台')}")
    assert status == 200 and 'id="noclose"' not in page and not hits[0]["weak"]
    assert page.count('class="result weak"') == sum(h["weak"] for h in hits)
    assert page.count('class="result"') == sum(not h["weak"] for h in hits)


def facet_counts(page: str) -> dict[str, int]:
    """The search page's facet counts: value -> count, years and departments together."""
    import html
    import re

    aside = page[page.index('id="facets"') : page.index("</aside>")]
    found = re.findall(r'<a href="[^"]*">([^<]+)</a> <span class="count"[^>]*>(\d+)</span>', aside)
    return {html.unescape(value): int(count) for value, count in found}


def test_app_search_facets_count_the_confident_hits_only(server: str) -> None:
    """科普 has confident and weak hits: the facets count the confident ones and say so; a query with
    no close match counts every (weak) hit."""
    from collections import Counter

    for query in ("科普", "高速铁路建设"):
        status, page, _ = get(f"{server}/search?q={quote(query)}")
        hits = get_json(f"{server}/api/search?q={quote(query)}")
        counted = [h for h in hits if not h["weak"]] or hits
        expected = Counter(str(h["year"]) for h in counted) + Counter(h["department"] for h in counted)
        assert status == 200 and facet_counts(page) == dict(expected)
        if query == "科普":
            assert 0 < len(counted) < len(hits)  # the case the counts differ in
            assert f"Counts of the {len(counted)} confident hits" in page
        else:
            assert all(h["weak"] for h in hits) and "Every hit is weak" in page


def test_app_search_kind_filter_keeps_that_kind_only(server: str) -> None:
    """/api/search and the page take ``kind`` (narrative or form) as the CLI's --kind: only hits of that kind;
    the page's select keeps the choice and offers both."""
    every = get_json(f"{server}/api/search?q={quote('科普')}")
    assert {h["kind"] for h in every} == {"narrative", "form"}
    for kind in ("narrative", "form"):
        hits = get_json(f"{server}/api/search?q={quote('科普')}&kind={kind}")
        assert hits and {h["kind"] for h in hits} == {kind}
    status, page, _ = get(f"{server}/search?q={quote('科普')}&kind=form")
    select = re.search(r'<select name="kind">(.*?)</select>', page, re.S)
    assert status == 200 and select is not None
    assert re.findall(r'<option value="(\w*)"', select[1]) == ["", "narrative", "form"]
    assert re.search(r'<option value="form" selected>', select[1])
    assert "项目说明 narrative" not in page.split('id="results"')[1]  # every hit a form


def test_app_api_search_top_k(server: str) -> None:
    every = get_json(f"{server}/api/search?q={quote('科普')}")
    assert len(every) > 5
    assert [h["id"] for h in get_json(f"{server}/api/search?q={quote('科普')}&top_k=5")] == [
        h["id"] for h in every[:5]
    ]
    for bad in ("0", "101", "x", "3.5", "-1"):
        status, body, _ = get(f"{server}/api/search?q={quote('科普')}&top_k={bad}")
        error = json.loads(body)["error"]
        assert status == 400 and "top_k must be a number from 1 to 100" in error and "\n" not in error
    from typer.testing import CliRunner

    from budgetscope.models import MAX_TOP_K
    from budgetscope.search_cli.app import app

    assert MAX_TOP_K == 100  # `search --top-k` takes what the API takes, no more
    refused = CliRunner().invoke(app, ["search", "科普", "--top-k", "101", "--home", "/nonexistent"])
    assert refused.exit_code == 2 and "100" in refused.stderr


def test_app_docs_page_lists_every_hit_field_and_top_k(server: str) -> None:
    from budgetscope.index.ranking import RELEVANCE_CUTOFF
    from budgetscope.models import SearchHit

    status, page, _ = get(f"{server}/docs")
    api_search = page[page.index('id="api-search"') : page.index("</tr>", page.index('id="api-search"'))]
    assert status == 200
    for field in SearchHit.model_fields:
        assert f"&#34;{field}&#34;" in api_search or f'"{field}"' in api_search, field
    assert "<code>top_k</code>" in api_search and f"cut-off, {RELEVANCE_CUTOFF}" in api_search


def test_app_search_for_a_year_no_document_has_names_the_stored_years(server: str) -> None:
    status, page, _ = get(f"{server}/search?q={quote('科普')}&year=2030")
    assert status == 200 and 'id="noresult"' in page
    note = page[page.index('id="filternote"') :].split("</p>", 1)[0]
    assert "no stored document is of 2030" in note and "2019, 2023, 2025, 2026" in note
    assert '<span class="zh" lang="zh-Hans">这一年没有可查的项目</span>' in note  # the pages are bilingual
    status, page, _ = get(f"{server}/search?q={quote('科普')}&year=2019")
    assert status == 200 and 'id="filternote"' not in page


def test_app_cites_english_question_forms(server: str) -> None:
    expected = get_json(f"{server}/api/cites?q={quote('中华人民共和国消防法')}")
    assert expected
    for question in ("who cites the Fire Protection Law", "projects citing the Fire Protection Law"):
        assert get_json(f"{server}/api/cites?q={quote(question)}") == expected
    status, page, _ = get(f"{server}/cites?q={quote('who cites the Fire Protection Law')}")
    assert status == 200 and all(h["name"] in page for h in expected)


def test_app_project_page_lists_a_department_s_key_tasks(tmp_path: Path, embed_once: Any) -> None:
    # Xi'an's 部门整体支出绩效目标表 (p42): five 年度主要任务 rows, each a name, what it pays for and its
    # 总额 in 万元; the page and the JSON carry them exactly, with their content
    import budgetscope

    excerpt = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "xian-audit-2026-p42-43.pdf"
    with embed_once(), budgetscope.open(tmp_path) as bs:
        assert not bs.ingest([excerpt]).failed
        (dept,) = [p.id for p in bs.projects() if p.kind == "department_form"]
    with serving(tmp_path) as url:
        status, html, _ = get(f"{url}/project/{dept}")
        assert status == 200
        table = html.split('id="tasks"', 1)[1].split("</table>", 1)[0]
        assert "审计外勤经费、差旅费、劳务费、审计普法宣传费等。" in table
        assert "购买中介机构审计服务" in table and "3,500,000.00" in table
        assert 'id="department-wide"' in html and "未读出 not read" not in html  # its amounts are the form's
        tasks = get_json(f"{url}/api/project/{dept}")["project"]["form"]["components"]
    assert [(t["name"], t["yuan"]) for t in tasks][:2] == [("机关运转", 33544200), ("审计事务", 2858700)]
    assert tasks[3]["text"] == "通过教育培训，全面提高审计干部的审计业务工作能力。"
    assert "goal" not in tasks[3]  # this layout prints no goal per task


def test_app_error_pages_lead_in_chinese(server: str) -> None:
    # the pages are bilingual: an error says in Chinese what is wrong, the English line follows
    cases = [
        (f"/search?q={quote('字' * 1001)}", "查询过长", "query of 1,001 characters; the limit is 1,000"),
        (f"/search?q={quote('？！。')}", "查询中没有字词，只有标点或符号", "query holds no word"),
        (f"/search?q={quote('科普')}&department={quote('火星局')}", "库中没有这个部门", "火星局"),
        (f"/search?q={quote('科普')}&year=abc", "参数无效", "year"),
        (f"/cites?q={quote('纲要')}&year=abc", "参数无效", "year"),
        (
            f"/search?q={quote('科普')}&section=zzz",
            "参数无效",
            "section: unknown section &#39;zzz&#39; (known:",
        ),
        ("/project/0000000000000000", "库中没有这个项目", "0000000000000000"),
        (f"/document/{quote('nosuch.txt')}", "库中没有这份文件", "nosuch.txt"),
    ]
    for path, zh, en in cases:
        _, html, _ = get(server + path)
        error = html.split('id="error">', 1)[1].split("</p>", 1)[0]
        assert f'<span class="zh" lang="zh-Hans">{zh}</span>' in error and en in error, (path, error)


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [
        ("q=x&year=abc", "参数无效", "year must be a year such as 2026, not 'abc'"),
        ("q=x&top_k=0", "参数无效", "top_k must be a number from 1 to 100, not '0'"),
        (f"q={quote('科普')}&department={quote('火星局')}", "库中没有这个部门",
         "department '火星局' is not in the store: 上海市科学技术协会; 上海市科学技术委员会"),
        (f"q={quote('科普')}&department={quote('科学技术')}", "这个部门名称可指多个部门，请写得更完整",
         "department '科学技术' is ambiguous: 上海市科学技术协会; 上海市科学技术委员会"),
        ("q=x&kind=bogus", "参数无效", "kind: unknown kind 'bogus' (known: narrative, form)"),
        (f"q={quote('科普')}&cites={quote('不存在的管理办法')}", "库中没有与之对应的政策文件",
         "no policy document matches cites='不存在的管理办法'"),  # the parameter, not the CLI's --cites
    ],
)  # fmt: skip
def test_app_bad_search_request_is_a_400_page_with_its_one_message(
    server: str, query: str, zh: str, en: str
) -> None:
    """As /api/search answers 400, so does the page, with one message: the Chinese lead of its own error."""
    status, page, _ = get(f"{server}/search?{query}")
    errors = [
        html.unescape(re.sub(r"<[^>]+>", "", e)) for e in re.findall(r'id="error">(.*?)</p>', page, re.S)
    ]
    assert status == 400 and errors == [f"{zh} {en}"]
    status, body, _ = get(f"{server}/api/search?{query}")
    assert status == 400 and en in json.loads(body)["error"]


@pytest.mark.parametrize(
    ("query", "en"),
    [
        (f"department={quote('市科委')}", "上海市科学技术委员会 has no year before 2025 to compare with (stored "
         "years: 2025); ingest an earlier year's budget, or give an earlier year with since="),
        (f"department={quote('科协')}&since=2026", "since=2026 must be before the latest year 2026"),
        (f"department={quote('科协')}&since=2026&year=2023", "since=2026 must be before year=2023"),
    ],
)  # fmt: skip
def test_app_changes_errors_name_the_request_s_parameters(server: str, query: str, en: str) -> None:
    """/api/changes told a reader of the web to "give --since", an option of the command line: the page
    and the JSON API name their own parameter (since=), where `changes` names --since."""
    status, body, _ = get(f"{server}/api/changes?{query}")
    assert status == 400 and json.loads(body)["error"] == en
    status, page, _ = get(f"{server}/changes?{query}")
    errors = [html.unescape(e) for e in re.findall(r'id="error">(.*?)</p>', page, re.S)]
    assert status == 400 and errors == [en]


def test_app_bad_cites_request_is_a_400_page(server: str) -> None:
    status, page, _ = get(f"{server}/cites?q={quote('全民科学素质纲要')}&year=abc")
    assert status == 400 and "year must be a year such as 2026" in html.unescape(page)
    assert get(f"{server}/api/cites?q={quote('全民科学素质纲要')}&year=abc")[0] == 400
    assert get(f"{server}/cites?q={quote('全民科学素质纲要')}&year=2026")[0] == 200


@pytest.mark.parametrize("path", ["/api/search", "/api/cites"])
def test_app_api_refuses_an_empty_query_as_the_cli_does(server: str, path: str) -> None:
    """`search ''` and `cites ''` exit 2 with "empty query", and a query of punctuation only is refused: the
    JSON API answers 400 with the same line (it answered 200 [] to an empty or missing q), while the pages
    /search and /cites with an empty q still show their empty form."""
    from typer.testing import CliRunner

    from budgetscope.api.searching import query_error
    from budgetscope.search_cli.app import app

    command = path.rsplit("/", 1)[1]
    for given in ("", "q=", "q=%20%20", f"q={quote('。。')}"):
        status, body, _ = get(f"{server}{path}?{given}")
        query = given.removeprefix("q=").replace("%20", " ").replace(quote("。。"), "。。")
        assert status == 400 and json.loads(body) == {"error": query_error(query)}
        refused = CliRunner().invoke(app, [command, query or "", "--home", "/nonexistent"])
        assert refused.exit_code == 2 and query_error(query) in refused.stderr
    page, form = get(f"{server}/{command}?q=")[:2]
    assert page == 200 and 'id="error"' not in form and 'name="q"' in form
