"""What a search hit tells apart: the unit of a form, the project's budget (exact, flagged when a finding
concerns it), through the API, the CLI's JSON and the serve's JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import budgetscope
from budgetscope.api import Budgetscope

HANGZHOU = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "hangzhou-transport-2026-p39.pdf"
B23 = "sast-2023-department-budget.txt"


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hangzhou's transport bureau's page 39 (two forms named 日常保障运行, of two units) and sast-2023
    (its 科技社团党建工作项目 says 60000.00万元 where the sums say 元: a unit slip), embedded with the hash
    encoder (the fields under test do not depend on the ranking)."""
    home = tmp_path_factory.mktemp("hits-home")
    with budgetscope.open(home, encoder="hash") as session:
        summary = session.ingest([HANGZHOU, corpus / B23])
        assert summary.written == 2 and not summary.failed
    return home


@pytest.fixture()
def bs(home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(home) as session:
        yield session


def test_hits_name_the_unit_of_same_named_forms(bs: Budgetscope) -> None:
    """The page prints 日常保障运行 twice, for the bureau itself (649,000 元) and for its 道路运输管理服务中心
    (6,964,300 元): the hits differ by unit and budget, not only by score."""
    hits = [h for h in bs.search("日常保障运行", top_k=5) if h.name == "日常保障运行"]
    assert len(hits) == 2
    by_budget = {h.budget_yuan: h.unit for h in hits}
    assert by_budget == {Decimal("649000"): None, Decimal("6964300"): "杭州市道路运输管理服务中心"}
    assert all(h.department == "杭州市交通运输局" and not h.budget_flagged for h in hits)


def test_hits_flag_a_budget_a_finding_disputes(bs: Budgetscope) -> None:
    """sast-2023's party-building project states 60000.00万元 (600,000,000 元), 4× the department's whole
    budget: `check` finds it, and the hit shows the number flagged, not as fact."""
    hit = next(h for h in bs.search("科技社团党建工作", top_k=3) if h.name == "科技社团党建工作项目")
    assert hit.budget_yuan == Decimal("600000000") and hit.budget_flagged
    assert any(c.project_id == hit.id and c.severity == "error" for c in bs.checks())


def test_hits_budget_is_an_exact_json_number(home: Path) -> None:
    """The CLI's JSON writes the budget as a number of its exact digits with its fen (never through
    float), as `show` does; a hit without a unit has none."""
    from typer.testing import CliRunner

    from budgetscope.search_cli.app import app

    result = CliRunner().invoke(
        app, ["search", "日常保障运行", "--home", str(home), "--top-k", "5", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout, parse_float=Decimal)
    forms = {h["budget_yuan"]: h.get("unit") for h in hits if h["name"] == "日常保障运行"}
    assert forms == {649000: None, 6964300: "杭州市道路运输管理服务中心"}
    assert '"budget_yuan": 6964300.00,' in result.stdout and '"budget_yuan": 649000.00,' in result.stdout


def test_hits_table_gives_an_id_show_takes_and_show_tells_same_named_forms_apart(home: Path) -> None:
    """The CLI's list ends each hit with its id's first 8 characters, which `show` takes; `show` with the
    name of two forms, or their page (`DOC p.N`, `DOC:p.N`), lists both with their unit and budget."""
    from typer.testing import CliRunner

    from budgetscope.search_cli.app import app

    runner = CliRunner()
    listed = runner.invoke(app, ["search", "日常保障运行", "--home", str(home), "--top-k", "2"])
    assert listed.exit_code == 0, listed.output
    short = listed.stdout.split("#")[1].split()[0]
    assert len(short) == 8
    shown = runner.invoke(app, ["show", short, "--home", str(home)])
    assert shown.exit_code == 0 and "日常保障运行" in shown.stdout
    for key in ("日常保障运行", f"{HANGZHOU.name} p.1", f"{HANGZHOU.name}:p.1"):
        ambiguous = runner.invoke(app, ["show", key, "--home", str(home)])
        assert ambiguous.exit_code != 0
        assert "杭州市道路运输管理服务中心, 6,964,300" in ambiguous.stderr and "649,000" in ambiguous.stderr


def test_project_lists_name_a_forms_unit(bs: Budgetscope) -> None:
    """The project lists (`bs.projects`, /browse, /document) tell the page's two 日常保障运行 forms apart
    by unit, as search hits do; a narrative, and a form of the department itself, have none."""
    listed = [p for p in bs.projects(doc=HANGZHOU.name) if p.name == "日常保障运行"]
    assert {p.unit for p in listed} == {None, "杭州市道路运输管理服务中心"}
    assert all(p.unit is None for p in bs.projects(doc=B23))


def test_project_by_a_page_a_form_runs_on_to_names_the_form(tmp_path: Path) -> None:
    """Xi'an's 购买中介机构审计服务 form starts on the excerpt's p.1 and runs on to p.2: `DOC p.2` finds no
    project starting there, and the error names the one printed before it; `#id8` (as search lists it) is
    taken as the id."""
    from budgetscope.api import ProjectNotFound

    xian = HANGZHOU.with_name("xian-audit-2026-p37-38.pdf")
    with budgetscope.open(tmp_path / "home", encoder="hash") as session:
        assert not session.ingest([xian], index=False).failed
        first = session.project(f"{xian.name} p.1")
        assert first.record.name == "购买中介机构审计服务"
        with pytest.raises(ProjectNotFound, match=r"starts on p\.1") as raised:
            session.project(f"{xian.name} p.2")
        told = str(raised.value)
        assert "购买中介机构审计服务" in told and first.record.id in told and "3,500,000.00 元" in told
        assert session.project("#" + first.record.id[:8]).record.id == first.record.id
