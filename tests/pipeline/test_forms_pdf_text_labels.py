"""A form's goal and sums under the labels the form prints (review 30 #4), on page excerpts in corpus/excerpts/.

A PDF form's goal is keyed by what it is (年度绩效目标, whatever the page calls it): its printed label is
kept beside it (``Form.text_labels``), as an amount's is (``amount_labels``). Every label below is what
the excerpt's page prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetscope.models import Record
from budgetscope.pipeline.forms_pdf import read_pdf_forms
from budgetscope.pipeline.linking.audits import sum_checks
from budgetscope.pipeline.load import load

NATIONAL = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"


def form(excerpt: str, name: str | None) -> Record:
    """The form of this name in the excerpt; None: its department-wide form."""
    path = NATIONAL / excerpt
    records = read_pdf_forms(path, load(path).page_texts(), doc=excerpt, department=None, year=2026)
    return next(r for r in records if (r.name == name if name else r.kind == "department_form"))


@pytest.mark.parametrize(
    ("excerpt", "name", "printed"),
    [
        ("yantai-civil-affairs-2026-p34.pdf", "民政业务工作经费", "总体目标"),  # a label | text row
        ("xian-audit-2026-p37-38.pdf", "购买中介机构审计服务", "总体目标"),
        ("central-letters-and-calls-2026-p30.pdf", "信息化运行维护", "年度总体目标"),
        ("hangzhou-transport-2026-p39.pdf", "综合交通规划及发展研究", "绩效目标"),  # a column of goals
        ("chongqing-water-resources-2026-p30-33.pdf", None, "当年整体绩效目标"),  # its text on the row below
    ],
)  # fmt: skip
def test_forms_pdf_goal_keeps_its_printed_label(excerpt: str, name: str | None, printed: str) -> None:
    record = form(excerpt, name)
    assert record.form is not None and list(record.form.texts) == ["年度绩效目标"]  # the key: what it is
    assert record.form.text_labels == {"年度绩效目标": printed}
    assert record.contract()["form"]["text_labels"] == {"年度绩效目标": printed}


def test_forms_pdf_sum_check_names_the_amounts_as_printed() -> None:
    """Yantai p.34 prints 年度预算资金总额 176万 = 财政拨款 174万 + 其他资金 2万: the check says so (it said
    项目总额 and 当年财政拨款, names of no label on the page)."""
    (check,) = [c for c in sum_checks(form("yantai-civil-affairs-2026-p34.pdf", "民政业务工作经费"))]
    assert check.status == "agree"
    assert check.message == (
        "民政业务工作经费: form 年度预算资金总额 1,760,000元 = 财政拨款 1,740,000元 + 其他资金 20,000元"
    )
