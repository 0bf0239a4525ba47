"""A document's stated count and sum of its project forms against the forms read from it.

``共计24个一级项目，涉及资金568,368.51万元（一级项目绩效目标表，详见表11）``: the 绩效目标 / 情况说明
section counts the projects whose forms the document prints and states their money (the
``stated_funds`` evidence of the coverage report, :mod:`budgetscope.pipeline.coverage_funds`). A
``forms_total`` check, as a forms table's 合计 is (:func:`.findings.forms_total_check`):

- the count equals the project forms read: their amounts are summed — each form's 年度资金总额,
  else its 项目总额 (the amount a goal-only table prints); a stated 财政性资金 / 财政拨款 against each
  form's 当年财政拨款 — and compared with the stated amount, which may differ from the sum by the
  rounding of the stated amount and of every form's (half a unit of its last digit each, a form's
  no coarser than the stated one): ``agree``, ``rounded``, else ``disagree`` (a warning);
- the count is not the number of forms read (the statement counts 一级 projects, the forms are of
  二级 ones; forms were missed): ``differs``, an info, the sum not compared;
- the money stated alone, no count (对项目支出全面实施绩效目标管理，涉及预算拨款39,560.87万元; a central
  department prints the forms of some key projects only): summed as above; the sum equal up to the
  rounding ``agree`` / ``rounded``, larger ``disagree``, smaller ``differs`` — an info saying how much
  of the stated money the forms read cover, so that a document is never silently complete;
- a form without the amount to sum: ``missing``, an info;
- a document that prints no forms (the statement only says how many have targets) is not checked:
  its coverage report notes it.

Example:
    >>> form_quantum(Decimal("649000.00"), Decimal(100)), form_quantum(Decimal("1234.56"), Decimal(100))
    (Decimal('100'), Decimal('0.01'))
"""

from __future__ import annotations

from decimal import Decimal

from budgetscope.models import Check, Document, Evidence, Record, stable_id
from budgetscope.pipeline.coverage_funds import StatedFunds, stated_funds
from budgetscope.pipeline.linking.checks import yuan_text
from budgetscope.pipeline.statements import stated_precision

TOTAL_KEYS = ("annual_total", "project_total")
"""A form's amount summed against a stated total, the annual one first."""
FISCAL_KEYS = ("fiscal_current", "fiscal")
"""A form's amount summed against a stated 财政性资金 / 财政拨款."""


def form_quantum(yuan: Decimal, stated: Decimal) -> Decimal:
    """How coarsely a form's amount may have been rounded: the unit of its last non-zero digit, at
    most the stated amount's (a form of 649,000元 may be 64.90万元 rounded; 1,234.56元 is exact)."""
    k = -2
    while Decimal(10) ** k < stated and (yuan / Decimal(10) ** (k + 1)) % 1 == 0:
        k += 1
    return Decimal(10) ** k


def _amount(form: Record, keys: tuple[str, ...]) -> Decimal | None:
    amounts = form.form.amounts if form.form is not None else {}
    return next((amounts[k] for k in keys if k in amounts), None)


def _check(document: Document, position: int, e: Evidence, funds: StatedFunds, forms: list[Record]) -> Check:
    n = len(forms)
    keys = FISCAL_KEYS if funds.fiscal else TOTAL_KEYS
    amounts = [_amount(f, keys) for f in forms]
    found: Decimal | None = None
    if e.count and e.count != n:
        status = "differs"
        message = (
            f"states {e.count} projects with {funds.amount} ({e.text}) but {n} project forms read: not summed"
        )
    elif any(a is None for a in amounts):
        status = "missing"
        lacking = sum(a is None for a in amounts)
        what = "财政拨款" if funds.fiscal else "amount"
        message = f"{e.text}: {lacking} of the {n} project forms have no {what} read: not summed"
    else:
        found = sum((a for a in amounts if a is not None), Decimal(0))
        quantum = stated_precision(funds.amount)
        tolerance = (
            quantum + sum((form_quantum(a, quantum) for a in amounts if a is not None), Decimal(0))
        ) / 2
        difference = abs(found - funds.yuan)
        status = "agree" if difference == 0 else "rounded" if difference <= tolerance else "disagree"
        shown = f"{e.text} ({yuan_text(funds.yuan)})"
        if not e.count and status == "disagree" and found < funds.yuan:  # the money alone: the forms are some
            status = "differs"
        message = {
            "agree": f"{shown} = the sum of the {n} project forms read",
            "rounded": f"{shown} is, rounded, the sum of the {n} project forms read ({yuan_text(found)})",
            "disagree": f"{shown} but the {n} project forms read sum to {yuan_text(found)} "
            f"({yuan_text(difference)} {'more' if found > funds.yuan else 'less'})",
            "differs": f"{e.text}, with no count of projects: the {n} project "
            f"{'form read covers' if n == 1 else 'forms read cover'} {yuan_text(found)} "
            f"({'their 当年财政拨款' if funds.fiscal else 'their totals'}) of the stated "
            f"{yuan_text(funds.yuan)} ({found / funds.yuan:.1%}); the document may print the forms of some "
            "projects only",
        }[status]
    return Check(
        id="check:" + stable_id("forms_total", document.doc, "stated", position), kind="forms_total",
        status=status, subject=e.text, message=message, doc=document.doc, line=e.line, page=e.page,
        stated=e.text, stated_yuan=funds.yuan, found=f"{n} project forms read" if found is None else
        f"sum of {n} project forms {yuan_text(found)}", found_yuan=found, other_doc=document.doc,
        other_page=forms[0].page if forms else None, other_line=forms[0].line if forms else None,
        field="forms:stated",
    )  # fmt: skip


def stated_forms_checks(document: Document) -> list[Check]:
    """Each stated count and sum of the document's project forms against the forms read (see the module)."""
    coverage = document.coverage
    if coverage is None:
        return []
    forms = [r for r in document.records if r.kind == "form"]
    if not forms and not coverage.forms_expected:
        return []  # prints no forms: nothing to hold the statement against (the coverage report notes it)
    out = []
    for position, e in enumerate(x for x in coverage.evidence if x.kind == "stated_funds"):
        funds = stated_funds(e.text)
        if funds is not None:
            out.append(_check(document, position, e, funds, forms))
    return out


__all__ = ["FISCAL_KEYS", "TOTAL_KEYS", "form_quantum", "stated_forms_checks"]
