"""Checks: narrative vs performance form, stated totals vs the document's tables (real cases)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetscope.models import Check, Record
from budgetscope.pipeline.linking.checks import compare
from budgetscope.pipeline.linking.findings import (
    department_checks,
    link_narratives_forms,
    narrative_form_checks,
)

NARRATIVES = "sast-2026-department-budget.txt"
FORMS = "sast-2026-performance-targets.txt"


@pytest.fixture(scope="module")
def records(extracted: list[Any]) -> list[Record]:
    return [r for _, d in extracted for r in d.records]


@pytest.fixture(scope="module")
def form_checks(records: list[Record]) -> dict[tuple[int | None, str], Check]:
    links = link_narratives_forms(records)
    return {(c.line, c.kind): c for c in narrative_form_checks(records, links)}


@pytest.mark.parametrize(
    ("stated", "found", "quantum", "status"),
    [
        ("179500", "179540", "100", "rounded"),  # 17.95万元 vs 179,540.00
        ("1524300", "1524325", "100", "rounded"),  # 152.43万元 vs 1,524,325.00
        ("2000000", "2000000.00", "10000", "agree"),  # 200万元 vs 2,000,000.00
        ("155440000", "168829035", "10000", "disagree"),  # 收入预算15,544万元 vs 收入总计
        ("133310000", "133327100", "10000", "disagree"),  # 13,331万元 vs 133,327,100
        ("141880000", "141875648", "10000", "rounded"),  # 14,188万元 vs 141,875,648
    ],
)
def test_findings_compare_at_the_stated_precision(stated: str, found: str, quantum: str, status: str) -> None:
    assert compare(Decimal(stated), Decimal(found), Decimal(quantum)) == status


@given(st.decimals(min_value=0, max_value=10**12, places=2), st.sampled_from(["0.01", "1", "100", "10000"]))
def test_findings_compare_a_value_with_itself_agrees(value: Decimal, quantum: str) -> None:
    assert compare(value, value, Decimal(quantum)) == "agree"
    assert compare(value, value + Decimal(quantum), Decimal(quantum)) == "disagree"


def test_findings_links_each_form_to_one_narrative_of_the_same_year(records: list[Record]) -> None:
    links = link_narratives_forms(records)
    by_id = {r.id: r for r in records}
    forms = [by_id[link.form_id] for link in links]
    assert len(forms) == len({f.id for f in forms}) == 13
    assert all(f.doc == FORMS for f in forms)
    assert all(by_id[link.narrative_id].doc == NARRATIVES for link in links)
    pairs = {by_id[link.form_id].name: by_id[link.narrative_id] for link in links}
    assert pairs["市科协机构及常委会会议费"].name == "市科协机构及全委会会议费"
    # two narratives are called 国际科技人文交流与合作(项目); the one budgeting 46万元 is the form's 460,000.00
    assert pairs["国际科技人文交流与合作"].line == 1042


def test_findings_narrative_and_form_amounts_agree(form_checks: dict[tuple[int | None, str], Check]) -> None:
    for line in (830, 860, 1008, 1042, 1076, 1106, 1136, 1242):  # 60万元 … 200万元: exact in yuan
        assert form_checks[(line, "narrative_form_amount")].status == "agree"


def test_findings_narrative_and_form_amounts_rounded(
    form_checks: dict[tuple[int | None, str], Check],
) -> None:
    meeting = form_checks[(1172, "narrative_form_amount")]
    assert (meeting.status, meeting.stated, meeting.found_yuan) == (
        "rounded",
        "17.95万元",
        Decimal("179540.00"),
    )
    assert meeting.difference_yuan == Decimal("40.00") and meeting.severity == "info"
    assert form_checks[(1212, "narrative_form_amount")].status == "rounded"  # 152.43万元 vs 1,524,325.00


def test_findings_narrative_without_a_budget_is_missing(
    form_checks: dict[tuple[int | None, str], Check],
) -> None:
    for line in (
        898,
        934,
        968,
    ):  # 上海市灾害防御协会工作经费, 落实推进《全民科学素质纲要》, 科技人才举荐与服务
        assert form_checks[(line, "narrative_form_amount")].status == "missing"


def test_findings_name_disagreement_is_a_finding(form_checks: dict[tuple[int | None, str], Check]) -> None:
    name = form_checks[(1172, "narrative_form_name")]
    assert name.status == "differs" and "全委会" in name.message and "常委会" in name.message
    assert [k for k in form_checks if k[1] == "narrative_form_name"] == [(1172, "narrative_form_name")]


def test_findings_periods_of_the_2026_forms_agree(form_checks: dict[tuple[int | None, str], Check]) -> None:
    periods = [c for (_, kind), c in form_checks.items() if kind == "narrative_form_period"]
    assert periods and all(c.status == "agree" for c in periods)


EXCERPTS = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"


def _read(name: str) -> list[Record]:
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.extract import extract_documents

    return list(extract_documents([read_document(EXCERPTS / name)])[0].records)


def test_findings_links_a_narrative_to_its_form_in_the_same_pdf() -> None:
    """The central template prints a project's form after its narrative, in one PDF: 信息化运行维护项目
    (p.1 of the excerpt, 2,134.87万元) is the form 信息化运行维护 (p.5, 21,348,700.00)."""
    from budgetscope.pipeline.linking.series import link_series

    records = _read("central-letters-and-calls-2026-p26-30.pdf")
    (narrative,) = [r for r in records if r.kind == "narrative"]
    (form,) = [r for r in records if r.kind == "form"]
    assert (narrative.name, form.name) == ("信息化运行维护项目", "信息化运行维护")
    (link,) = link_narratives_forms(records)
    assert (link.narrative_id, link.form_id) == (narrative.id, form.id)
    checks = {c.kind: c for c in narrative_form_checks(records, [link])}
    assert checks["narrative_form_amount"].status == "agree"
    # the form's place is its page, as every check writes a PDF place (review 29 #10: ":None")
    assert (
        checks["narrative_form_amount"].found == "central-letters-and-calls-2026-p26-30.pdf p.5 21,348,700元"
    )
    assert "narrative_form_name" not in checks  # 项目 is no difference
    series = {m.project_id: m.series_id for m in link_series(records, [link])}
    assert series[narrative.id] == series[form.id]


def test_findings_names_of_other_years_are_other_projects() -> None:
    """A narrative of 2026年SM信息化运维项目 is not the form of 2025年SM信息化运维项目 of the same budget,
    however alike the rest of the names (Guangzhou's 2026 targets print both)."""
    forms = {r.name: r for r in _read("guangzhou-data-bureau-2026-p7-8.pdf")}
    old = forms["广州市数字政府运营中心2025年SM信息化运维项目"]
    new = forms["广州市数字政府运营中心2026年SM信息化运维项目"]
    narrative = new.model_copy(
        update={"id": "narrative", "kind": "narrative", "doc": "budget.pdf", "form": None}
    )
    assert link_narratives_forms([narrative, old]) == []
    (link,) = link_narratives_forms([narrative, old, new])
    assert link.form_id == new.id


def _department(extracted: list[Any], doc: str) -> dict[str, Check]:
    read, document = next((r, d) for r, d in extracted if d.doc == doc)
    checks = department_checks(document, read.tables, read.stated)
    return {c.subject: c for c in checks if c.kind == "department_total"}


def test_findings_department_totals_of_2026_disagree_with_the_tables(extracted: list[Any]) -> None:
    checks = _department(extracted, NARRATIVES)
    income = checks["收入预算"]
    assert (income.status, income.stated_yuan, income.found_yuan) == (
        "disagree", Decimal("155440000"), Decimal("168829035"),
    )  # fmt: skip
    assert income.line == 78 and "收入总计" in income.message
    assert checks["财政拨款收入"].status == "disagree"  # 13,331万元 vs 133,327,100
    assert checks["其他收入"].status == "agree"  # 70万元 vs 700,000
    assert checks["事业单位经营收入"].status == "agree"  # 0万元 vs an empty cell
    assert checks["一般公共服务支出"].status == "rounded"  # 2,140万元 vs 21,401,124
    assert checks["科学技术支出"].status == "disagree"  # 7,645万元 vs 76,466,912


def test_findings_department_totals_of_2023_agree_with_the_tables(extracted: list[Any]) -> None:
    checks = _department(extracted, "sast-2023-department-budget.txt")
    assert checks["收入预算"].status == "rounded"  # 14,188万元 vs 141,875,648
    assert all(c.status in ("agree", "rounded") for c in checks.values())
    assert len(checks) == 15


def test_findings_forms_have_no_department_totals(extracted: list[Any]) -> None:
    assert _department(extracted, FORMS) == {}


def test_findings_forms_total_against_the_stated_total_of_a_forms_table() -> None:
    """Guangzhou's project-targets table prints "合计 86,246.64" (万元); read from its first page's text
    alone, no form is read, so the finding shows both numbers and where the total stands."""
    from budgetscope.pipeline.document import segment_text
    from budgetscope.pipeline.linking.findings import department_checks, forms_total_check
    from tests.pipeline.national_text import national

    text, name = national("guangzhou-data-bureau-2026-project-performance-targets")
    document = segment_text(text, doc=name)
    check = forms_total_check(document)
    assert check is not None and check.kind == "forms_total" and check.status == "disagree"
    assert check.stated_yuan == Decimal("862466400") and check.found_yuan == 0
    assert "862,466,400元" in check.message and check.severity == "warning"
    assert check.doc == name and check.line is not None
    assert [c.kind for c in department_checks(document, [], [])] == ["forms_total"]


def test_findings_forms_total_agrees_when_the_forms_add_up() -> None:
    from budgetscope.models import Coverage, Document
    from budgetscope.pipeline.linking.findings import forms_total_check

    coverage = Coverage(stated_total_yuan=Decimal("4174100"), read_total_yuan=Decimal("4174100"))
    document = Document(doc="d.pdf", path="d.pdf", kind="department_budget", coverage=coverage)
    check = forms_total_check(document)
    assert check is not None and check.status == "agree" and check.severity == "ok"
    assert forms_total_check(Document(doc="d.pdf", path="d.pdf", kind="department_budget")) is None


def test_findings_forms_total_drift_of_rounded_cells_is_rounding() -> None:
    """Guangzhou's 70 forms print their amounts in 万元 to 0.01 and add up to 86,246.66 against its
    "合计 86,246.64": 200元 apart, within the half-unit drift of 71 printed numbers (3,550元); the
    same 200元 between one form and its total is a real difference."""
    from budgetscope.models import Record
    from budgetscope.pipeline.document import segment_text
    from budgetscope.pipeline.linking.findings import forms_total_check
    from tests.pipeline.national_text import national

    text, name = national("guangzhou-data-bureau-2026-project-performance-targets")
    document = segment_text(text, doc=name)
    assert document.coverage is not None
    coverage = document.coverage.model_copy(update={"read_total_yuan": Decimal("862466600")})
    forms = [Record(id=f"f{i}", kind="form", doc=name, title="", name=f"项目{i}") for i in range(70)]
    check = forms_total_check(document.model_copy(update={"coverage": coverage, "records": forms}))
    assert check is not None and check.status == "rounded" and check.severity == "info"
    assert "is, rounded," in check.message
    one = forms_total_check(document.model_copy(update={"coverage": coverage, "records": forms[:1]}))
    assert one is not None and one.status == "disagree"
