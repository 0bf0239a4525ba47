"""The coverage column of /browse and `list documents` tells what is not read (review 29 #8, #7): a
document is "已读全 complete" only when its coverage report, its reading warnings and its checks all say
nothing is missing.

Real excerpts: 国家信访局 pp.26-30 ("对项目支出全面实施绩效目标管理，涉及预算拨款39,560.87万元", one form
read: 1,384.87万元 of 当年财政拨款), Xi'an p.37-38 (one form, nothing stated beyond it), Hangzhou's 2025
notice p.1 as text (no budget: no projects), and, where ../shared/corpus-national is present, Hangzhou's
whole budget (表10 lists three projects of 杭州技师学院 never read, 7,752万元).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

import budgetscope
from budgetscope.search_cli.app import app
from budgetscope.web.app import create_app
from budgetscope.web.data import Data

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
CENTRAL, XIAN = "central-letters-and-calls-2026-p26-30.pdf", "xian-audit-2026-p37-38.pdf"
NOTICE = "hangzhou-2025-government-notice.txt"
HANGZHOU = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "corpus-national"
    / "hangzhou-transport-2026-department-budget.pdf"
)
runner = CliRunner()


def _home(tmp_path: Path, *files: Path) -> Path:
    home = tmp_path / "home"
    with budgetscope.open(home) as bs:
        summary = bs.ingest(list(files), index=False)
    assert summary.written == len(files) and not summary.failed
    return home


def _coverage_cells(home: Path) -> dict[str, str]:
    with budgetscope.open(home) as bs:
        page = TestClient(create_app(Data(bs))).get("/browse")
    assert page.status_code == 200
    body = page.text.split('id="documents"')[1].split("</table>")[0].split("<tbody>")[1]
    out = {}
    for row in body.split("<tr>")[1:]:
        cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]  # fmt: skip
        out[cells[0]] = cells[-1]
    return out


def test_browse_coverage_says_what_the_checks_found_not_read(tmp_path: Path) -> None:
    notice = tmp_path / NOTICE
    shutil.copy(EXCERPTS / "text" / "hangzhou-2025-government-notice.p1.text", notice)
    home = _home(tmp_path, EXCERPTS / CENTRAL, EXCERPTS / XIAN, notice)
    cells = _coverage_cells(home)
    # the central budget's forms read cover a fraction of the money it states under performance targets
    assert cells[CENTRAL] == (
        "未能核全 not all accounted for the forms read cover 13,848,700元 of the stated 395,608,700元"
    )
    assert cells[XIAN] == "已读全 complete"
    # no projects read from a document that is no budget: its warning, not "complete"
    assert (
        cells[NOTICE]
        == "未能核全 not all accounted for not a budget document: no narratives or forms segmented"
    )
    with budgetscope.open(home) as bs:
        document = TestClient(create_app(Data(bs))).get(f"/document/{CENTRAL}").text
    assert "Everything the document shows was read" not in document
    assert "the forms read cover 13,848,700元 of the stated 395,608,700元" in document
    listed = runner.invoke(app, ["list", "--home", str(home), "--format", "json"])
    gaps = {d["doc"]: d["gaps"] for d in json.loads(listed.stdout)}
    assert gaps == {
        CENTRAL: ["the forms read cover 13,848,700元 of the stated 395,608,700元"],
        XIAN: [],
        NOTICE: [],
    }


@pytest.mark.skipif(not HANGZHOU.exists(), reason="../shared/corpus-national is absent")
def test_browse_coverage_names_the_listed_projects_never_read(tmp_path: Path) -> None:
    home = _home(tmp_path, HANGZHOU)
    (cell,) = _coverage_cells(home).values()
    assert cell.startswith("未能核全 not all accounted for listed projects not read: 3 (77,520,000元)")
    assert "the forms read sum to 5,684,191,100元, 506,000元 more than the stated 5,683,685,100元" in cell
    with budgetscope.open(home) as bs:
        (document,) = bs.documents()
    assert document.gaps[0] == "listed projects not read: 3 (77,520,000元)"


def test_browse_coverage_says_a_shortfall_once(tmp_path: Path) -> None:
    """Changsha's pp.22-23 state a 合计 of their forms (4,174,100元) of which one form is printed there: the
    reading warning ("coverage short: stated 合计 …") and the forms_total finding say the same thing, and
    the coverage column says it once (review of 29's merge, #4)."""
    from budgetscope.api.coverage_gaps import coverage_gaps

    home = _home(tmp_path, EXCERPTS / "changsha-letters-and-calls-2026-p22-23.pdf")
    with budgetscope.open(home) as bs:
        findings = bs.checks(kind="forms_total")
        (doc,) = bs.documents()
    assert coverage_gaps(findings), "the forms_total finding is there"
    assert doc.gaps == []
    assert [w for w in doc.warnings if w.startswith("coverage short: stated 合计 4,174,100.00 yuan")]
    cell = _coverage_cells(home)["changsha-letters-and-calls-2026-p22-23.pdf"]
    assert cell.count("4,174,100") == 1, cell


def test_browse_coverage_a_budget_stating_projects_with_targets_and_printing_no_form(tmp_path: Path) -> None:
    """Wuxi's budget (pp.1, 36 as text) says "本部门共17个项目纳入绩效目标管理，涉及财政性资金合计12,796.25万元"
    and prints no form (review 30 #6): /browse and `list documents` say so, never "complete"."""
    wuxi = tmp_path / "wuxi-commerce-2026-department-budget.txt"
    shutil.copy(EXCERPTS / "text" / "wuxi-commerce-2026-department-budget.p1-36.text", wuxi)
    home = _home(tmp_path, wuxi)
    note = "states 17 projects with performance targets; prints no target forms"
    assert _coverage_cells(home)[wuxi.name] == f"未能核全 not all accounted for {note}"
    listed = runner.invoke(app, ["list", "--home", str(home), "--format", "json"])
    assert {d["doc"]: d["gaps"] for d in json.loads(listed.stdout)} == {wuxi.name: [note]}
