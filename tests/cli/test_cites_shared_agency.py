"""A 文号 list sharing its first member's agency, stored and asked for: stcsm-2025's “创·在上海”国际创新创业
大赛项目 cites 《国科发火字〔1994〕304号和〔2003〕96号》 (real text). Each 文号 finds the project; the
second is quoted as written and said to have its agency added, by ``cites``, ``citations``, ``show`` and the
web's project page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.search_cli.app import app

runner = CliRunner()
PROJECT = "“创·在上海”国际创新创业大赛项目"


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("shared-agency")
    with budgetscope.open(home) as bs:
        assert not bs.ingest([corpus / "stcsm-2025-department-budget.txt"], index=False).failed
    return home


@pytest.mark.parametrize(
    ("number", "wording", "inferred"),
    [
        ("国科发火字〔1994〕304号", "国科发火字〔1994〕304号", False),
        ("国科发火字〔2003〕96号", "〔2003〕96号", True),
    ],
)
def test_cites_shared_agency_each_number_finds_the_project(
    home: Path, number: str, wording: str, inferred: bool
) -> None:
    result = runner.invoke(app, ["cites", number, "--home", str(home), "--format", "json"])
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.stdout)
    assert hit["name"] == PROJECT
    assert [(c["wording"], c["doc_number"], c["doc_number_inferred"]) for c in hit["cited"]] == [
        (wording, number, inferred)
    ]


def test_cites_shared_agency_tables_say_the_agency_was_added(home: Path, corpus: Path) -> None:
    table = runner.invoke(app, ["cites", "国科发火字〔2003〕96号", "--home", str(home)]).stdout
    assert "国科发火字〔2003〕96号: 国科发火字 added, the list's first 文号 carries it" in table
    assert "号 added" not in table.replace("国科发火字 added", "")
    listed = runner.invoke(
        app, ["citations", str(corpus / "stcsm-2025-department-budget.txt"), "--format", "csv"]
    )
    rows = [r for r in listed.stdout.splitlines() if "〔2003〕96号" in r]
    assert len(rows) == 1 and "国科发火字〔2003〕96号" in rows[0] and ",true" in rows[0]
    with budgetscope.open(home) as bs:
        (hit,) = bs.cites("国科发火字〔2003〕96号")
        shown = runner.invoke(app, ["show", hit.id, "--home", str(home)], env={"COLUMNS": "250"}).stdout
        assert "国科发火字〔2003〕96号 (国科发火字 added)" in shown

        from starlette.testclient import TestClient

        from budgetscope.web.app import create_app
        from budgetscope.web.data import Data

        page = TestClient(create_app(Data(bs))).get(f"/project/{hit.id}").text
    assert "补“国科发火字” 国科发火字 added" in page and "补“号”" not in page
