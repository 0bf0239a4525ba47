"""The web says which figures are not exact: an approximate amount or budget reads as one (约 ≈), in a
search hit, in /api and on the project's page.

stcsm-2025-department-budget.txt's 博士后科研工作站建设项目: "预算人民币约27万元", "约5.4万元" ….
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from tests.web.test_app import get, get_json

STATION = "博士后科研工作站建设项目"


def test_approximate_hit_page_and_api(server: str) -> None:
    hits = get_json(f"{server}/api/search?q={quote('博士后科研工作站建设')}")
    hit = next(h for h in hits if h["name"] == STATION)
    assert (hit["budget_yuan"], hit["budget_approximate"], hit["budget_flagged"]) == (270000, True, False)
    assert all(h["budget_approximate"] is False for h in hits if h["name"] != STATION)
    page = get(f"{server}/search?q={quote('博士后科研工作站建设')}")[1]
    meta = next(part for part in page.split('class="meta"')[1:] if "270,000.00" in part)
    assert "约 ≈</span> 270,000.00" in meta.split("</div>")[0]
    project = get_json(f"{server}/api/project/{hit['id']}")["project"]
    assert (project["budget_total_approximate"], project["budget_flagged"], project["flags"]) == (
        True,
        False,
        [],
    )
    assert [(a["text"], a["approximate"]) for a in project["amounts"]][:2] == [
        ("27万元", True),
        ("5.4万元", True),
    ]
    body = get(f"{server}/project/{hit['id']}")[1]
    total = body.split('id="budget-total"')[1].split("</dd>")[0]
    assert 'id="budget-approximate"' in total and "270,000.00" in total
    rows = body.split('id="amounts"')[1].split("</table>")[0].split("<tr>")
    assert all("约 ≈" in r for r in rows if "万元</mark>" in r)


def test_approximate_exact_figures_read_as_exact(server: str) -> None:
    hits = get_json(f"{server}/api/search?q={quote('科技馆大修')}")
    assert hits[0]["budget_yuan"] == 113567700 and hits[0]["budget_approximate"] is False
    body = get(f"{server}/project/{hits[0]['id']}")[1]
    assert 'id="budget-approximate"' not in body and "约 ≈" not in body


def test_approximate_browse_and_project_lists(server: str, web_home: Path) -> None:
    import budgetscope

    body = get(f"{server}/browse?year=2025")[1]
    (row,) = [r for r in body.split("<tr>") if STATION in r]
    assert "约 ≈</span> 270,000.00" in row
    assert sum("约 ≈" in r for r in body.split("<tr>")) == 1
    listed = get_json(f"{server}/api/projects?year=2025")
    assert [p["name"] for p in listed if p["budget_total_approximate"]] == [STATION]
    with budgetscope.open(web_home) as bs:
        once = bs.project_budgets(2025)
    assert [(p.name, p.budget_total_yuan) for p in once if p.budget_approximate] == [
        (STATION, Decimal("270000"))
    ]
