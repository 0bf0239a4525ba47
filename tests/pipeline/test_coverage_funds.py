"""The money a document states with its count of project forms (coverage's ``stated_funds``), on the
national excerpts' own sentences (corpus/excerpts/text/)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetscope.models import Coverage
from budgetscope.pipeline.coverage_funds import funds_alone, funds_span, stated_funds
from budgetscope.pipeline.document import segment_text
from tests.pipeline.national_text import national


def _coverage(stem: str) -> Coverage:
    text, name = national(stem)
    coverage = segment_text(text, doc=name).coverage
    assert coverage is not None
    return coverage


@pytest.mark.parametrize(
    ("stem", "phrase", "count", "label", "yuan", "fiscal"),
    [
        # the count, then 涉及 and the money (the sentence broken over two lines and a page)
        ("hangzhou-transport-2026-department-budget", "共计24个一级项目,涉及资金568,368.51万元", 24, "资金",
         "5683685100", False),
        ("shanghai-transport-vocational-college-2026-unit-budget", "绩效目标的项目共4个,涉及项目预算资金2,912.55万元",
         4, "项目预算资金", "29125500", False),
        # words between the count and the money; the money is the projects' fiscal money only
        ("wuxi-commerce-2026-department-budget", "共17个项目纳入绩效目标管理,涉及财政性资金合计12,796.25万元", 17,
         "财政性资金", "127962500", True),
        # no 涉及 after the count: the first amount of the sentence (其中财政拨款 after it is a part)
        ("yantai-civil-affairs-2026-department-budget", "涉及一级预算项目10个,预算资金2385.28万元", 10, "预算资金",
         "23852800", False),
        # the money first, the count in the next clause (over a page break)
        ("shenzhen-finance-2026-department-budget", "涉及预算资金26,361.57万元,设置并编报8个项目绩效目标", 8,
         "预算资金", "263615700", False),
    ],
)  # fmt: skip
def test_coverage_funds_stated_with_the_count(
    stem: str, phrase: str, count: int, label: str, yuan: str, fiscal: bool
) -> None:
    c = _coverage(stem)
    funds = [e for e in c.evidence if e.kind == "stated_funds"]
    assert [(e.text, e.count) for e in funds] == [(phrase, count)]
    statement = next(e for e in c.evidence if e.kind == "statement")
    assert (funds[0].page, funds[0].line) == (statement.page, statement.line)
    read = stated_funds(phrase)
    assert read is not None and (read.label, read.yuan, read.fiscal) == (label, Decimal(yuan), fiscal)


def test_coverage_funds_the_money_alone_without_a_count() -> None:
    """国家信访局: "对项目支出全面实施绩效目标管理，涉及预算拨款 39,560.87 万元" counts no projects: the money
    alone is a ``stated_funds`` evidence of count 0 (review 29 #7: it was none, so nothing compared it)."""
    c = _coverage("central-letters-and-calls-2026-department-budget")
    funds = [e for e in c.evidence if e.kind == "stated_funds"]
    assert [(e.text, e.count, e.page) for e in funds] == [("绩效目标管理,涉及预算拨款39,560.87万元", 0, 1)]
    assert c.forms_expected == 1 and not c.short  # a count of 0 is no count: coverage is as it was
    read = stated_funds(funds[0].text)
    assert read is not None and (read.label, read.yuan, read.fiscal) == (
        "预算拨款",
        Decimal("395608700"),
        True,
    )
    # a count with no money in its sentence has none
    text = "本部门共计3个一级项目纳入绩效目标管理。涉及资金100万元"
    assert funds_span(text, 2, 9) is None


def test_coverage_funds_the_money_alone_of_the_projects() -> None:
    """Chongqing p.8 (the whole PDF): "2026年项目支出均实行了绩效目标管理，涉及一般公共预算财政拨款94823.35万元"."""
    text = "(三)绩效目标设置情况。2026年项目支出均实行了绩效目标管理,涉及一般公共预算财政拨款94823.35万元。"
    ((start, end),) = funds_alone(text, [])
    assert text[start:end] == "绩效目标管理,涉及一般公共预算财政拨款94823.35万元"
    # Wuxi p.36's count of projects with its money is the count's (funds_span), not money alone
    wuxi = "本部门共17个项目纳入绩效目标管理,涉及财政性资金合计12,796.25万元,"
    assert funds_alone(wuxi, [(0, len(wuxi) - 1)]) == []


@pytest.mark.parametrize(
    "sentence",
    [
        # Wuxi p.36: the department as a whole (its department-wide form), not its projects
        "2026年度,本部门整体支出纳入绩效目标管理,涉及财政性资金17,466.65万元;",
        # Xi'an p.18: the whole department, projects and basic spending alike
        "本部门绩效目标管理全覆盖,涉及当年一般公共预算拨款4005.29万元,",
    ],
)
def test_coverage_funds_the_money_alone_of_the_whole_department_is_no_evidence(sentence: str) -> None:
    assert funds_alone(sentence, []) == []


def test_coverage_funds_a_part_is_not_the_total() -> None:
    # an edited Yantai sentence: the first amount after the count is only its 财政拨款 (其中…)
    text = "涉及一级预算项目10个,其中财政拨款2285.28万元"
    assert funds_span(text, 0, len("涉及一级预算项目10个")) is None
