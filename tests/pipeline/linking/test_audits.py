"""The checks an auditor runs, each on real corpus text (edited where the corpus has no instance)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.processing import Processed, process_file
from budgetscope.models import Check, Form, ProjectLink, Record
from budgetscope.pipeline.forms_pdf import read_pdf_forms
from budgetscope.pipeline.linking.audits import (
    department_totals,
    magnitude_checks,
    near_power,
    period_checks,
    project_checks,
    sum_checks,
)
from budgetscope.pipeline.linking.findings import department_checks, link_narratives_forms
from budgetscope.pipeline.linking.series import link_series
from budgetscope.pipeline.load import load
from budgetscope.store.sqlite import open_store

EXCERPTS = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"
BUDGET_2026 = "sast-2026-department-budget.txt"
FORMS_2026 = "sast-2026-performance-targets.txt"


def _edited(corpus: Path, tmp_path: Path, name: str, *edits: tuple[str, str]) -> Processed:
    """The corpus file ``name`` with the first ``old`` of each edit replaced by ``new``, processed."""
    text = (corpus / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    processed = process_file(path)
    assert processed.document is not None, processed.error
    return processed


def _record(processed: Processed, name: str) -> Record:
    assert processed.document is not None
    return next(r for r in processed.document.records if r.name == name)


def _findings(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status not in ("agree", "rounded")]


# -- magnitude ---------------------------------------------------------------------------------


def test_audits_finds_the_60000_wanyuan_slip_of_2023_in_the_corpus(corpus_home: Path) -> None:
    with open_store(corpus_home) as store:
        found = [r for r in store.select("findings") if r["kind"] == "magnitude"]
    assert {r["subject"] for r in found} == {"科技社团党建工作项目"}  # and nothing else in the corpus
    department = next(r for r in found if r["other_id"] is None)
    assert department["severity"] == "error" and department["doc"] == "sast-2023-department-budget.txt"
    assert department["line"] == 453 and department["stated"] == "60000.00万元"
    assert department["stated_yuan"] == "600000000.00" and department["found_yuan"] == "141875648.00"
    assert (department["other_doc"], department["other_line"]) == ("sast-2023-department-budget.txt", 101)
    assert "4.2× the department's whole 2023 budget" in department["message"]
    assert "likely 元 written as 万元" in department["message"] and "60,000元" in department["message"]
    year = next(r for r in found if r["other_id"] is not None)
    assert year["other_doc"] == BUDGET_2026 and year["found_yuan"] == "50000.00"
    assert "12,000× larger than the same project in 2026" in year["message"]  # 600,000,000 / 50,000
    assert "near 10,000×" in year["message"]


def test_audits_magnitude_against_the_projects_form(
    corpus: Path, tmp_path: Path, extracted: list[Any]
) -> None:
    """The narrative's 46万元 written as 460000万元 (the form's 460,000.00 元 with the narrative's unit):
    10,000× its form."""
    edit = ("六、年度预算安排\n\n46万元\n", "六、年度预算安排\n\n460000万元\n")
    budget = _edited(corpus, tmp_path, BUDGET_2026, edit)
    forms = next(p for p, d in extracted if d.doc == FORMS_2026)
    assert budget.document is not None and forms.document is not None
    narrative = next(r for r in budget.document.records if any(a.text == "460000万元" for a in r.amounts))
    form = _record(forms, "国际科技人文交流与合作")
    checks = magnitude_checks(
        [narrative, form], [ProjectLink(narrative_id=narrative.id, form_id=form.id, confidence=1.0)], [], {}
    )
    assert len(checks) == 1
    c = checks[0]
    assert "国际科技人文交流与合作" in c.subject and c.severity == "error" and c.field == "budget_total"
    assert c.line == 1042 and c.stated == "460000万元"
    assert (c.stated_yuan, c.found_yuan, c.other_doc) == (Decimal(4600000000), Decimal(460000), FORMS_2026)
    assert "10,000× larger than its form" in c.message and "near 10,000×" in c.message
    assert "likely 元 written as 万元 (460000万元 read as 元: 460,000元)" in c.message


def test_audits_magnitude_needs_a_power_of_ten() -> None:
    assert near_power(Decimal(600000000), Decimal(50000)) == 4  # 12,000×
    assert near_power(Decimal(460), Decimal(460000)) == 3
    assert near_power(Decimal(1600000), Decimal(160000)) is None  # 10×: a real change, not a unit slip


def test_audits_department_totals_prefer_the_table(corpus_home: Path) -> None:
    with open_store(corpus_home) as store:
        totals = department_totals(store.select("department_totals"))
    total = totals[("上海市科学技术协会", 2023)]
    assert (total.yuan, total.label, total.line) == (Decimal(141875648), "支出总计", 101)
    assert totals[("上海市科学技术协会", 2026)].yuan == Decimal(168829035)


# -- sums --------------------------------------------------------------------------------------


def test_audits_narrative_components_disagree_in_the_corpus(extracted: list[Any]) -> None:
    """科协大院 2023: 1067.5万元 total, five 子项目 adding up to 1041.5万元 (a real slip of the document)."""
    document = next(d for _, d in extracted if d.doc == "sast-2023-department-budget.txt")
    record = next(r for r in document.records if r.name and "科协大院日常运行与维护" in r.name)
    (check,) = _findings(sum_checks(record))
    assert check.kind == "project_sum" and check.severity == "warning" and check.field == "budget_total"
    assert (check.stated_yuan, check.found_yuan) == (Decimal(10675000), Decimal(10415000))
    assert check.stated == "1067.5万元" and "448.3万元 + 231.7万元" in check.found and check.line == 402


def test_audits_component_sums_that_hold_are_agreements(extracted: list[Any]) -> None:
    records = [r for _, d in extracted for r in d.records]
    checks = [c for r in records for c in sum_checks(r)]
    agree = [c for c in checks if c.status == "agree"]
    assert any(
        c.subject == "百万市民共享科普" for c in agree
    )  # 3.8M + 1.65M + 0.9M + 0.8M = 7.15M (2019 form)
    assert any(c.subject == "学术交流与发展项目" for c in agree)  # 1.4M + 0 + 0.2M = 1.6M (2026 form)
    assert len(_findings(checks)) == 1  # only 科协大院 2023


def test_audits_form_parts_against_the_annual_total(corpus: Path, tmp_path: Path) -> None:
    forms = _edited(
        corpus,
        tmp_path,
        FORMS_2026,
        ("\t其他资金\t\t其他资金\t200,000.00", "\t其他资金\t\t其他资金\t300,000.00"),
    )
    record = _record(forms, "学术交流与发展项目")
    (check,) = _findings(sum_checks(record))
    assert check.field == "form.annual_total" and check.stated_yuan == Decimal(1600000)
    assert check.found_yuan == Decimal(1700000) and "当年财政拨款 1,400,000元" in check.message
    assert "其他资金 300,000元" in check.message


def test_audits_form_components_against_the_total(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / "sast-2019-performance-targets.txt").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if "科协大讲坛" in line and "90" in line)
    forms = _edited(corpus, tmp_path, "sast-2019-performance-targets.txt", (old, old.replace("90", "95", 1)))
    (check,) = _findings(sum_checks(_record(forms, "百万市民共享科普")))
    assert check.stated_yuan == Decimal(7150000) and check.found_yuan != check.stated_yuan
    assert "科协大讲坛" in check.message


def test_audits_fiscal_and_self_raised_against_the_total(corpus: Path, tmp_path: Path) -> None:
    processed = _edited(
        corpus, tmp_path, "stcsm-2025-department-budget.txt",
        ("财政资金2749.32万元，自筹资金8607.45万元", "项目总预算11456.77万元，其中财政资金2749.32万元，自筹资金8607.45万元"),
    )  # fmt: skip
    assert processed.document is not None
    record = next(r for r in processed.document.records if any(a.text == "11456.77万元" for a in r.amounts))
    funds = [c for c in sum_checks(record) if c.id.endswith(c.id[-16:]) and "2749.32万元" in (c.found or "")]
    (check,) = funds
    assert check.status == "disagree" and check.stated_yuan == Decimal("114567700")
    assert check.found_yuan == Decimal("113567700")


def test_audits_form_split_by_budget_level_against_its_total() -> None:
    """Chongqing p31: 当年预算 12,700.00万元, 市级支出 blank, 补助区县 12,700.00万元 — one level alone is
    the whole (there is no third place for the money); an edited 补助区县 no longer adds up."""
    path = EXCERPTS / "chongqing-water-resources-2026-p30-33.pdf"
    records = read_pdf_forms(path, load(path).page_texts(), doc=path.name, department=None, year=2026)
    reservoir = next(r for r in records if r.name == "水库移民后期扶持")
    (check,) = sum_checks(reservoir)
    assert check.status == "agree" and check.field == "form.project_total"
    assert "补助区县 127,000,000" in check.message
    assert reservoir.form is not None
    amounts = {**reservoir.form.amounts, "to_lower_levels": Decimal("120000000.00")}
    edited = reservoir.model_copy(update={"form": reservoir.form.model_copy(update={"amounts": amounts})})
    (finding,) = _findings(sum_checks(edited))
    assert (finding.stated_yuan, finding.found_yuan) == (Decimal("127000000.00"), Decimal("120000000.00"))


def test_audits_form_splits_by_funds_and_by_level_are_checked_apart() -> None:
    """Both splits of one total: 财政拨款 + 其他资金, and 本级支出 + 补助下级 (each adds up alone)."""
    yuan = {"project_total": 100, "fiscal_current": 60, "other": 40, "own_level": 70, "to_lower_levels": 30}
    form = Form(amounts={k: Decimal(v) for k, v in yuan.items()}, amount_labels={"own_level": "市级支出"})
    record = Record(id="p", kind="form", doc="a.pdf", page=1, title="t", name="n", form=form)
    checks = sum_checks(record)
    assert [c.status for c in checks] == ["agree", "agree"] and len({c.id for c in checks}) == 2
    assert "市级支出 70元 + 补助下级 30元" in checks[1].message  # the printed label, else the level's name
    alone = record.model_copy(
        update={"form": Form(amounts={"project_total": Decimal(100), "other": Decimal(40)})}
    )
    assert sum_checks(alone) == []  # one source of funds alone may leave the rest unnamed


def test_audits_table_sums_in_the_corpus_hold_to_the_yuan(extracted: list[Any]) -> None:
    read, document = next((p, d) for p, d in extracted if d.doc == BUDGET_2026)
    checks = [c for c in department_checks(document, read.tables, read.stated) if c.kind == "table_sum"]
    assert len(checks) > 100 and not _findings(checks)
    assert any(c.status == "rounded" for c in checks)  # a 类 of 元 cells rounded from fen: off by 1 yuan


def test_audits_table_sums_catch_an_edited_cell(corpus: Path, tmp_path: Path) -> None:
    """科普活动 合计 1,106,700 → 1,116,700 in the 支出预算总表 (the first of its rows in 合计, blank,
    项目支出 layout): its row (合计 vs 项目支出) and its 款 (20607) no longer add up."""
    edit = ("科普活动\t1,106,700\t\t1,106,700", "科普活动\t1,116,700\t\t1,106,700")
    processed = _edited(corpus, tmp_path, BUDGET_2026, edit)
    document = processed.document
    assert document is not None
    checks = _findings([c for c in department_checks(document, processed.tables, processed.stated)
                        if c.kind == "table_sum"])  # fmt: skip
    messages = [c.message for c in checks]
    assert any("科普活动: 合计 1,116,700元 but 项目支出 = 1,106,700元" in m for m in messages), messages
    assert any("20607" in m and "sub-items" in m for m in messages), messages
    assert all(c.severity == "warning" and c.other_doc == BUDGET_2026 for c in checks)


# -- periods -----------------------------------------------------------------------------------


def test_audits_period_outside_the_budget_year(corpus: Path, tmp_path: Path) -> None:
    processed = _edited(
        corpus, tmp_path, "stcsm-2025-department-budget.txt",
        ("五、实施周期\n\n2025年1月1日至2025年12月31日\n\n六、年度预算安排\n\n财政资金2749.32万元",
         "五、实施周期\n\n2023年1月1日至2023年12月31日\n\n六、年度预算安排\n\n财政资金2749.32万元"),
    )  # fmt: skip
    assert processed.document is not None
    record = next(r for r in processed.document.records if any(a.text == "2749.32万元" for a in r.amounts))
    (check,) = period_checks(record)
    assert check.kind == "period_year" and check.severity == "warning" and check.field == "period"
    assert "ends before the budget year 2025" in check.message


def test_audits_corpus_periods_lie_in_their_years(extracted: list[Any]) -> None:
    assert not [c for _, d in extracted for r in d.records for c in period_checks(r)]


def test_audits_project_checks_are_stable_ids(extracted: list[Any]) -> None:
    records = [r for _, d in extracted for r in d.records]
    links = link_narratives_forms(records)
    series = link_series(records, links)
    first = project_checks(records, links, series, {})
    again = project_checks(records, links, series, {})
    assert [c.id for c in first] == [c.id for c in again] and len({c.id for c in first}) == len(first)


@pytest.mark.parametrize("fail_on, code", [("error", 1), ("warning", 1), ("never", 0)])
def test_audits_check_fail_on_exits_for_scripts(corpus_home: Path, fail_on: str, code: int) -> None:
    from typer.testing import CliRunner

    from budgetscope.search_cli.app import app

    result = CliRunner().invoke(
        app, ["check", "--home", str(corpus_home), "-f", "jsonl", "--fail-on", fail_on]
    )
    assert result.exit_code == code
    if code:
        assert "at or above " + fail_on in result.stderr


def test_audits_form_of_no_department_is_no_other_document_s_narrative(corpus: Path) -> None:
    # a page excerpt of Beijing's tables prints no department; its 商务信息化系统运维项目 must not become the
    # form of the Shanghai association's 信息化运维项目 (and lend it a budget the narrative never states)
    excerpts = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"
    beijing = process_file(excerpts / "beijing-commerce-2026-budget-tables-p44-47.pdf").document
    sast = process_file(corpus / "sast-2026-department-budget.txt").document
    assert beijing is not None and sast is not None
    assert {r.department for r in beijing.records if r.kind == "form"} == {None}
    narrative = next(r for r in sast.records if r.name == "信息化运维项目")
    form = next(r for r in beijing.records if r.name.endswith("商务信息化系统运维项目"))
    links = link_narratives_forms([narrative, form])
    assert links == []
    # within one document, a record without a department still meets its partner
    same_doc = form.model_copy(update={"doc": narrative.doc, "department": None})
    assert [link.form_id for link in link_narratives_forms([narrative, same_doc])] == [form.id]


def test_audits_a_narrative_links_to_the_form_of_its_own_document_before_a_copy() -> None:
    # the central budget's 信息化运行维护项目 narrative and its form (pp.26-30), and the same form cut out
    # on its own (p.30), all of 国家信访局: the narrative's form is the one of its own document
    excerpts = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"
    whole = process_file(excerpts / "central-letters-and-calls-2026-p26-30.pdf").document
    pages = process_file(excerpts / "central-letters-and-calls-2026-p30.pdf").document
    assert whole is not None and pages is not None
    dept = {"department": "国家信访局"}
    narrative, own = (
        r.model_copy(update=dept) for r in sorted(whole.records, key=lambda r: r.kind != "narrative")
    )
    (copy,) = (r.model_copy(update={**dept, "id": "0" * 16}) for r in pages.records)  # first of equal pairs
    assert (narrative.kind, own.kind, copy.kind) == ("narrative", "form", "form")
    for records in ([narrative, copy, own], [copy, own, narrative]):
        assert [link.form_id for link in link_narratives_forms(records)] == [own.id]
