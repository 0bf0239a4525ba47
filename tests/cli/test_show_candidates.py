"""`show` refusing a place or a name several projects share lists each candidate by its name, the thing a
user chooses by, beside its id, where it is printed, its unit and its budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.api import AmbiguousProject
from budgetscope.search_cli.app import app

runner = CliRunner()
P39 = "hangzhou-transport-2026-p39.pdf"
EXCERPT = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / P39


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Hangzhou's 表11 page: eight project forms printed on one page, two of them named 日常保障运行
    (the bureau's and its 道路运输管理服务中心's)."""
    home = str(tmp_path_factory.mktemp("show-candidates") / "home")
    result = runner.invoke(app, ["ingest", str(EXCERPT), "--home", home, "--no-index", "-q"])
    assert result.exit_code == 0, result.output
    return home


def refused(home: str, key: str) -> str:
    result = runner.invoke(app, ["show", key, "--home", home], env={"BUDGETSCOPE_HOME": None})
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def listed(home: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["list", "projects", "--home", home, "-f", "json"])
    projects: list[dict[str, str]] = json.loads(result.stdout)
    return projects


def test_show_page_of_several_forms_names_each_candidate(home: str) -> None:
    message = refused(home, f"{P39} p.1")
    assert message.startswith(f"error: 8 projects are printed at '{P39} p.1': ")
    projects = listed(home)
    assert {"日常保障运行", "综合交通规划及发展研究", "道路运输及相关行业管理服务"} <= {
        p["name"] for p in projects
    }
    assert all(f"{p['id']} {p['name']} (form, 2026, {P39} p.1" in message for p in projects), message


def test_show_page_no_project_starts_on_names_those_of_the_page_before(home: str) -> None:
    message = refused(home, f"{P39} p.2")
    assert "no project starts on p.2" in message and "starts on p.1: " in message
    assert all(
        message.count(p["name"]) == sum(q["name"] == p["name"] for q in listed(home)) for p in listed(home)
    )
    assert "综合交通规划及发展研究 (form, 2026" in message  # each name once, beside its id


def test_show_name_of_two_projects_tells_them_apart(home: str) -> None:
    message = refused(home, "日常保障运行")
    assert "2 projects are named '日常保障运行'" in message
    assert (
        "日常保障运行 (form, 2026, " in message and "杭州市道路运输管理服务中心, 6,964,300.00 元)" in message
    )
    with budgetscope.open(home) as bs, pytest.raises(AmbiguousProject) as caught:
        bs.project(f"{P39} p.1")
    assert "综合交通规划及发展研究 (form, 2026" in str(caught.value)
