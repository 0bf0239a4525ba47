"""/browse adds up budgets per department and year, each project once; /cites and /project give a
project the budget and sources search gives it (its linked form's when the narrative states none).

A home of sast-2019's forms, sast-2023's and sast-2026's department budgets and sast-2026's forms (one
department, three years; 2026's forms each linked to a narrative), stored without an index (none of
these pages searches), served in-process through Starlette's test client.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import budgetscope
from budgetscope.api import Budgetscope

SAST = "上海市科学技术协会"
FILES = (
    "sast-2019-performance-targets.txt",
    "sast-2023-department-budget.txt",
    "sast-2026-department-budget.txt",
    "sast-2026-performance-targets.txt",
)
B26, T26 = FILES[2], FILES[3]


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("browse-home")
    with budgetscope.open(home) as bs:
        summary = bs.ingest([corpus / name for name in FILES], index=False)
    assert summary.written == len(FILES) and not summary.failed
    return home


@pytest.fixture(scope="module")
def bs(home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(home) as session:
        yield session


@pytest.fixture(scope="module")
def client(bs: Budgetscope) -> object:
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    return TestClient(create_app(Data(bs)))


def rows(page: str, table: str) -> list[list[str]]:
    """The body rows of a table of a page, each as its cells' text."""
    body = page.split(f'id="{table}"')[1].split("</table>")[0].split("<tbody>")[1]
    return [
        [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in body.split("<tr>")[1:]
    ]  # fmt: skip


def money(yuan: Decimal) -> str:
    return f"{yuan:,.2f} 元"


def test_browse_totals_are_per_department_and_year_and_count_a_project_once(
    client: object, bs: Budgetscope
) -> None:
    page = client.get("/browse")  # type: ignore[attr-defined]
    assert page.status_code == 200
    by_department = rows(page.text, "by-department")
    assert sorted(r[1] for r in by_department if r[0] == SAST) == [
        "2019",
        "2023",
        "2026",
    ]  # never across years
    (row,) = [r for r in by_department if r[:2] == [SAST, "2026"]]
    # what 2026 holds, counted independently: each narrative, and each form no narrative is linked to;
    # a linked project's budget the form's when it states one, else the narrative's
    narratives = bs.projects(year=2026, department=SAST, kind="narrative")
    forms = bs.projects(year=2026, department=SAST, kind="form")
    views = [bs.project(n.id) for n in narratives]
    linked = {v.linked.id: v for v in views if v.linked}
    assert linked and len(narratives) + len(forms) > len(narratives) + len(forms) - len(linked)
    budgets = []
    for v in views:
        form = v.linked.budget_total_yuan if v.linked and v.linked.kind == "form" else None
        budgets.append((form if form is not None else v.record.budget_total_yuan, v.record.id))
    budgets += [(f.budget_total_yuan, f.id) for f in forms if f.id not in linked]
    summed = [b for b, _ in budgets if b is not None]
    assert not any(p.budget_flagged for p in [*narratives, *forms])
    count = len(narratives) + len(forms) - len(linked)
    assert row[2] == str(count)
    assert row[3] == f"{money(sum(summed, Decimal(0)))} ({len(summed)} / {count})"
    assert row[4].startswith(f"{len(narratives)} / {len(forms)}") and f"{len(linked)} both" in row[4]
    assert row[5] == str(count - len(summed))
    (year_row,) = [r for r in rows(page.text, "by-year") if r[0] == "2026"]  # one department in 2026 here
    assert year_row[1:] == row[2:]
    filtered = client.get("/browse", params={"department": SAST, "year": "2019"})  # type: ignore[attr-defined]
    listed = rows(filtered.text, "projects")
    assert listed and {r[0] for r in listed} == {"2019"}


def test_cites_page_gives_the_budget_and_every_source_of_a_project(client: object, bs: Budgetscope) -> None:
    narrative = next(p for p in bs.projects(doc=B26) if p.name == "落实推进《全民科学素质纲要》")
    form = bs.project(narrative.id).linked
    assert narrative.budget_total_yuan is None and form is not None and form.budget_total_yuan is not None
    page = client.get("/cites", params={"q": "全民科学素质纲要"})  # type: ignore[attr-defined]
    assert page.status_code == 200
    (row,) = [r for r in rows(page.text, "citing") if r[0] == "2026" and r[2] == narrative.name]
    assert money(form.budget_total_yuan) in row
    assert f"{B26}:{narrative.line} {T26}:{form.line}" in row  # as the CLI writes places (messages.place)
    api = client.get("/api/cites", params={"q": "全民科学素质纲要"}).json()  # type: ignore[attr-defined]
    (hit,) = [h for h in api if h["id"] == narrative.id]
    assert Decimal(str(hit["budget_yuan"])) == form.budget_total_yuan
    assert [(s["doc"], s["line"]) for s in hit["sources"]] == [(B26, narrative.line), (T26, form.line)]


def test_project_page_gives_the_budget_of_the_linked_form_and_says_so(
    client: object, bs: Budgetscope
) -> None:
    narrative = next(p for p in bs.projects(doc=B26) if p.name == "科技人才举荐与服务")
    form = bs.project(narrative.id).linked
    assert narrative.budget_total_yuan is None and form is not None and form.budget_total_yuan is not None
    page = client.get(f"/project/{narrative.id}").text  # type: ignore[attr-defined]
    total = page.split('id="budget-total"')[1].split("</dd>")[0]
    assert 'id="budget-linked"' in total and money(form.budget_total_yuan) in total
    assert "from the linked form" in total and "未读出" not in total


def test_changes_page_and_api_compare_a_department_between_two_years(client: object, bs: Budgetscope) -> None:
    """/changes answers what `budgetscope changes` answers: 科协大院's upkeep continued under a new name at
    4,403,000元 less, its caveats shown; /api/changes is the same data as JSON (money exact); a year the
    department does not have is a 400 with the reason."""
    import json

    page = client.get("/changes", params={"department": "科协", "since": "2023"})  # type: ignore[attr-defined]
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert f"{SAST}: 2023 → 2026" in text and "原名 was 2023年度科协大院日常运行与维护项目" in text
    upkeep = next(r for r in rows(page.text, "changes") if r[1].startswith("科协大院日常修缮项目"))
    assert upkeep[0] == "延续 continued" and upkeep[4] == "-4,403,000.00 元" and upkeep[5] == "-41.2"
    assert "the two years' documents differ" in text
    api = client.get("/api/changes", params={"department": SAST, "since": "2023"})  # type: ignore[attr-defined]
    assert api.status_code == 200 and '"change_yuan": -4403000.00' in api.text
    answer = json.loads(api.text)
    assert [p["name"] for p in answer["projects"]] == [p.name for p in bs.changes(SAST, since=2023).projects]
    missing = client.get("/changes", params={"department": SAST, "year": "2024"})  # type: ignore[attr-defined]
    assert missing.status_code == 400 and "no projects in 2024" in html.unescape(missing.text)
    assert client.get("/api/changes").status_code == 400  # type: ignore[attr-defined]
    empty = client.get("/changes")  # type: ignore[attr-defined]
    assert empty.status_code == 200 and f"{SAST} (2019, 2023, 2026)" in html.unescape(empty.text)


def test_changes_page_flags_only_the_disputed_years_budget(client: object) -> None:
    """2023's 科技社团党建工作项目 states 60000.00万元 (a 万元 slip a check disputes); 2026's 50,000.00 is not
    disputed: /changes marks the 2023 budget and the change, not the 2026 budget, as `changes`, `list` and
    the series export do; /api/changes says which year's is disputed. A --since that is the latest year
    is a 400 saying so (it was "no projects in 2026")."""
    import json

    page = client.get("/changes", params={"department": SAST, "since": "2023"})  # type: ignore[attr-defined]
    party = next(r for r in rows(page.text, "changes") if r[1].startswith("科技社团党建项目"))
    assert party[2].startswith("⚠ 600,000,000.00") and party[4].startswith("⚠ ")
    assert party[3] == "50,000.00 元"
    answer = json.loads(client.get("/api/changes", params={"department": SAST}).text)  # type: ignore[attr-defined]
    flags = next(p for p in answer["projects"] if p["name"] == "科技社团党建项目")
    assert (flags["budget_before_flagged"], flags["budget_flagged"], flags["flagged"]) == (True, False, True)
    latest = client.get("/api/changes", params={"department": SAST, "since": "2026"})  # type: ignore[attr-defined]
    assert (
        latest.status_code == 400
        and latest.json()["error"] == "since=2026 must be before the latest year 2026"
    )


def test_browse_a_home_without_a_store_is_unavailable_on_every_page(tmp_path: Path) -> None:
    """Nothing stored yet: every page and JSON answer says so with 503 (the home cannot answer now) and
    the one line naming what to run, never a 4xx (no mistake of the client's) nor a 500."""
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    with budgetscope.open(tmp_path / "empty") as empty:
        client = TestClient(create_app(Data(empty)))
        for path in ("/api/projects", "/api/changes?department=x", "/api/project/abcdef12", "/api/search?q=校舍",
                     "/api/cites?q=纲要", "/api/documents", "/search?q=校舍", "/browse", "/changes?department=x",
                     "/project/abcdef12", "/cites?q=纲要"):  # fmt: skip
            answer = client.get(path)
            assert answer.status_code == 503, (path, answer.status_code)
            assert "budgetscope ingest" in answer.text, path
