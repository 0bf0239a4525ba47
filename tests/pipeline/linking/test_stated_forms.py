"""A stated count and sum of the project forms against the forms read (``forms_total``), on Hangzhou's
statement and its 表11 (corpus/excerpts/hangzhou-transport-2026-p16-39-41.pdf: p16, pp39–41)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetscope.models import Document
from budgetscope.pipeline.document import read_document, segment_text
from budgetscope.pipeline.linking.findings import department_checks
from budgetscope.pipeline.linking.stated_forms import stated_forms_checks
from tests.pipeline.national_text import national

EXCERPTS = Path(__file__).resolve().parents[3] / "corpus" / "excerpts"
PHRASE = "共计24个一级项目,涉及资金568,368.51万元"


@pytest.fixture(scope="module")
def hangzhou() -> Document:
    return read_document(EXCERPTS / "hangzhou-transport-2026-p16-39-41.pdf")


def _stated(document: Document, text: str, count: int = 24) -> Document:
    """The document with its stated count and sum edited (the forms read as they are)."""
    assert document.coverage is not None
    evidence = [
        e.model_copy(update={"text": text, "count": count}) if e.kind == "stated_funds" else e
        for e in document.coverage.evidence
    ]
    return document.model_copy(
        update={"coverage": document.coverage.model_copy(update={"evidence": evidence})}
    )


def test_stated_forms_hangzhou_states_506000_yuan_less_than_its_24_forms(hangzhou: Document) -> None:
    """p16: "共计24个一级项目，涉及资金568,368.51万元（一级项目绩效目标表，详见表11）"; 表11's 24 forms
    (64.90 + 360.00 + … + 634.33万元) add up to 568,419.11万元."""
    assert hangzhou.coverage is not None and hangzhou.coverage.forms_read == 24
    (check,) = stated_forms_checks(hangzhou)
    assert (check.kind, check.status, check.severity) == ("forms_total", "disagree", "warning")
    assert check.stated == PHRASE and check.field == "forms:stated"
    assert check.stated_yuan == Decimal("5683685100") and check.found_yuan == Decimal("5684191100")
    assert check.difference_yuan == Decimal("506000")
    assert check.page == 1 and check.other_page == 2  # the statement, the table's first page (of the excerpt)
    assert "5,684,191,100元 (506,000元 more)" in check.message
    assert check in [c.model_copy(update={"document_id": None}) for c in department_checks(hangzhou, [], [])]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("共计24个一级项目,涉及资金568,419.11万元", "agree"),
        # stated to 0.1万元: the sum 568,419.11 rounds to it
        ("共计24个一级项目,涉及资金568,419.1万元", "rounded"),
        ("共计24个一级项目,涉及资金568,418.11万元", "disagree"),  # 10,000元 apart: more than 25 roundings
    ],
)
def test_stated_forms_compared_at_the_printed_precision(hangzhou: Document, text: str, status: str) -> None:
    (check,) = stated_forms_checks(_stated(hangzhou, text))
    assert check.status == status


def test_stated_forms_another_count_is_said_not_summed(hangzhou: Document) -> None:
    """Yantai's "涉及一级预算项目10个" over 21 forms of its units: a count that is not the forms read is an
    info and no sum (here: Hangzhou's statement edited to 23)."""
    (check,) = stated_forms_checks(_stated(hangzhou, "共计23个一级项目,涉及资金568,368.51万元", 23))
    assert (check.status, check.severity, check.found_yuan) == ("differs", "info", None)
    assert "but 24 project forms read: not summed" in check.message


def test_stated_forms_fiscal_money_against_the_forms_fiscal_amounts(hangzhou: Document) -> None:
    """财政性资金 is summed over each form's 当年财政拨款: the goal-only table prints none."""
    (check,) = stated_forms_checks(_stated(hangzhou, "共计24个一级项目,涉及财政性资金568,368.51万元"))
    assert (check.status, check.severity) == ("missing", "info")
    assert "24 of the 24 project forms have no 财政拨款 read" in check.message


def test_stated_forms_from_text_forms_not_read() -> None:
    """The text excerpt (pp. 1, 16, 39) shows 表11 but reads no form from it: the count is not met."""
    text, name = national("hangzhou-transport-2026-department-budget")
    (check,) = stated_forms_checks(segment_text(text, doc=name))
    assert check.status == "differs" and "but 0 project forms read" in check.message


def test_stated_forms_a_document_printing_no_forms_is_not_checked() -> None:
    """Wuxi states "共17个项目纳入绩效目标管理，涉及财政性资金合计12,796.25万元" and prints no form."""
    text, name = national("wuxi-commerce-2026-department-budget")
    document = segment_text(text, doc=name)
    assert document.coverage is not None
    assert any(e.kind == "stated_funds" for e in document.coverage.evidence)
    assert stated_forms_checks(document) == []
    assert stated_forms_checks(Document(doc="d.pdf", path="d.pdf", kind="department_budget")) == []


def test_stated_forms_statement_evidence_is_unchanged(hangzhou: Document) -> None:
    assert hangzhou.coverage is not None
    kinds = [(e.kind, e.text) for e in hangzhou.coverage.evidence if e.kind in ("statement", "stated_funds")]
    assert kinds == [("statement", "共计24个一级项目"), ("stated_funds", PHRASE)]


def test_stated_forms_the_money_alone_against_the_forms_read() -> None:
    """国家信访局 (p.26 of the budget, p.1 of the excerpt): "对项目支出全面实施绩效目标管理，涉及预算拨款
    39,560.87万元 … 一级项目绩效情况具体如下" states no count, and prints the forms of some projects only (the
    excerpt: one, 信息化运行维护, 当年财政拨款 1,384.87万元). The sum is said, an info, never silently complete
    (review 29 #7); 预算拨款 is held against each form's 当年财政拨款."""
    central = read_document(EXCERPTS / "central-letters-and-calls-2026-p26-30.pdf")
    (check,) = stated_forms_checks(central)
    assert (check.kind, check.status, check.severity) == ("forms_total", "differs", "info")
    assert (check.stated_yuan, check.found_yuan) == (Decimal("395608700"), Decimal("13848700"))
    assert check.page == 1 and check.other_page == 5
    assert (
        "the 1 project form read covers 13,848,700元 (their 当年财政拨款) of the stated 395,608,700元 (3.5%)"
        in check.message
    )
    assert "may print the forms of some projects only" in check.message
    # the forms read adding up to the stated money is an agreement; to more, a disagreement
    for stated, status in (("1,384.87", "agree"), ("1,000.00", "disagree")):
        edited = _stated(central, f"绩效目标管理,涉及预算拨款{stated}万元", 0)
        assert [c.status for c in stated_forms_checks(edited)] == [status]
