"""A project a department's project list names (Hangzhou's 表10) of which no form or narrative was read is
no record, so search cannot rank it; `search`, `bs.listed()` and the search page name it instead of
finding nothing (the full budget from ../shared/corpus-national: its 表11 forms and 表10 list together)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.api import Budgetscope
from budgetscope.search_cli.app import app

HANGZHOU = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "corpus-national"
    / "hangzhou-transport-2026-department-budget.pdf"
)
pytestmark = pytest.mark.skipif(not HANGZHOU.exists(), reason="../shared/corpus-national is absent")
runner = CliRunner()
SCHOOL = "杭州技师学院（杭州交通高级技工学校） / 校园校舍建设"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("listed")
    done = runner.invoke(app, ["ingest", str(HANGZHOU), "--home", str(home), "--encoder", "hash", "-q"])
    assert done.exit_code == 0, done.output
    return home


@pytest.fixture(scope="module")
def bs(home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(home, encoder="hash") as session:
        yield session


def search(home: Path, *args: str) -> object:
    return runner.invoke(app, ["search", *args, "--home", str(home), "--encoder", "hash"])


def test_listed_search_names_a_listed_project_no_hit_can_show(home: Path) -> None:
    table = search(home, "校园校舍建设", "--top-k", "3")
    assert table.exit_code == 0, table.output
    assert (
        f"named in a project list, never read as a project (no form or narrative): {SCHOOL} 6,700.00万元"
        in (table.stdout.replace("\n", ""))
    )
    as_json = search(home, "校舍", "--format", "json")
    assert SCHOOL in as_json.stderr and all(SCHOOL not in h["name"] for h in json.loads(as_json.stdout))
    lines = search(home, "校园校舍建设", "--format", "jsonl")
    [listed] = json.loads(lines.stdout, parse_float=Decimal)["listed"]
    assert (
        listed["name"] == SCHOOL and listed["budget_yuan"] == Decimal("67000000.00") and listed["page"] == 37
    )


def test_listed_only_within_the_filters_and_what_the_query_names(home: Path, bs: Budgetscope) -> None:
    assert [x["name"] for x in bs.listed("校舍", {"department": "杭州市交通"})] == [SCHOOL]
    assert bs.listed("校舍", {"year": 2025}) == [] and bs.listed("航道养护") == []
    assert [x["name"] for x in bs.listed("校舍", {"department": ["杭州市交通运输局"]})] == [SCHOOL]  # a list
    # a search of projects citing a document, of one section or of one kind: a listed project has none
    assert (
        bs.listed("校舍", {"cites": "全民科学素质纲要"}) == []
        and bs.listed("校舍", {"section": "plan"}) == []
        and bs.listed("校舍", {"kind": "form"}) == bs.listed("校舍", {"kind": "narrative"}) == []
    )
    by_kind = search(home, "校舍", "--kind", "form", "--format", "json")
    assert by_kind.exit_code == 0 and SCHOOL not in by_kind.stderr
    other = search(home, "航道养护", "--top-k", "2")
    assert other.exit_code == 0 and "never read as a project" not in other.output


def test_listed_search_page_names_it(bs: Budgetscope) -> None:
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    page = TestClient(create_app(Data(bs))).get("/search", params={"q": "校园校舍建设"}).text
    listed = page.split('id="listed"')[1].split("</div>")[0]
    assert "校园校舍建设" in listed and "67,000,000.00" in listed and "p.37" in listed
