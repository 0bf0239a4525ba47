"""A title with two 文号 in one bracket (《X》（A号、B号）), stored and asked for: by the API, the CLI and the
web, each 文号 finds the project, the wording is quoted closed and once.

The document is the 2023 department budget's cover and first project narrative (real text), its 立项依据
opening with Guangzhou data bureau 2026 project targets p.5 (as the PDF's text layer reads), edited so
that the bracket after 《…改革方案》 holds both 文号 of that sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.api import Budgetscope
from budgetscope.search_cli.app import app

GUANGZHOU_P5_OPS_BOTH = "贯彻落实《广州市数字政府统一基础运维管理改革方\n案》（穗数建办〔2022〕13号、穗府（2021）7号）等相关政策文\n件要求。"
TITLE = "广州市数字政府统一基础运维管理改革方案"
WORDING = f"《{TITLE}》（穗数建办〔2022〕13号、穗府（2021）7号）"
NUMBERS = ["穗数建办〔2022〕13号", "穗府（2021）7号"]


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8").splitlines()
    start = lines.index("学会改革与发展项目经费情况说明")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].endswith("项目经费情况说明"))
    body = "\n".join(lines[start:end]).replace(
        "二、立项依据\n\n", f"二、立项依据\n\n{GUANGZHOU_P5_OPS_BOTH}\n\n", 1
    )
    folder = tmp_path_factory.mktemp("lists")
    path = folder / "lists-2023-department-budget.txt"
    path.write_text("\n".join(lines[:30]) + "\n\n" + body + "\n", encoding="utf-8")
    home = tmp_path_factory.mktemp("lists-home")
    with budgetscope.open(home) as bs:
        assert not bs.ingest([path], index=False).failed
    return home


@pytest.fixture(scope="module")
def bs(home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(home) as session:
        yield session


def test_cited_doc_number_lists_each_number_finds_the_project_quoted_closed_once(bs: Budgetscope) -> None:
    for number in NUMBERS:
        (hit,) = bs.cites(number)
        assert hit.name == "学会改革与发展项目"
        assert [(c.title, c.doc_number, c.wording) for c in hit.cited] == [
            (TITLE, n, WORDING) for n in NUMBERS
        ]
        assert hit.snippet == WORDING  # one citing, not "×2"
    (document,) = bs.policy_documents(NUMBERS[1])
    assert document.title == TITLE and document.doc_numbers == ["穗府〔2021〕7号", "穗数建办〔2022〕13号"]


def test_cited_doc_number_lists_show_and_cli_give_each_number(bs: Budgetscope, home: Path) -> None:
    (hit,) = bs.cites(NUMBERS[0])
    project = bs.project(hit.id).contract()["project"]
    assert [(c["doc_number"], c["wording"]) for c in project["citations"] if c["title"] == TITLE] == [
        (n, WORDING) for n in NUMBERS
    ]
    result = CliRunner().invoke(app, ["cites", NUMBERS[1], "--home", str(home), "--format", "json"])
    assert result.exit_code == 0, result.output
    (cli_hit,) = json.loads(result.stdout)
    assert cli_hit["snippet"] == WORDING and [c["doc_number"] for c in cli_hit["cited"]] == NUMBERS


def test_cited_doc_number_lists_web_project_page_lists_the_wording_once(bs: Budgetscope) -> None:
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    client = TestClient(create_app(Data(bs)))
    (hit,) = bs.cites(NUMBERS[0])
    page = client.get(f"/project/{hit.id}").text
    listed = page.split('class="citations"')[1].split("</ul>")[0]
    assert listed.count(f'<mark class="citation">{WORDING}</mark>') == 1
    cites = client.get("/api/cites", params={"q": NUMBERS[1]}).json()
    assert [h["snippet"] for h in cites] == [WORDING]
    row = client.get("/cites", params={"q": NUMBERS[1]}).text.split('id="citing"')[1].split("</table>")[0]
    assert row.count(f"<div>{WORDING}</div>") == 1
