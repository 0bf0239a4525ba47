"""Checks a reader would make by hand: do the documents agree with themselves?

Pure: records and parsed tables in, :class:`Check` values out. Two kinds of comparison:

- narrative ↔ performance form of the same project and year (matched one to one by name, the
  amounts helping to break ties): the annual budget, the period and the name;
- a department's 编制说明 totals (``收入预算15,544万元``) against its own tables (收入总计 in 单位：元);
  a forms table's 合计, and a stated count and sum of the project forms (:mod:`.stated_forms`), against
  the forms read.

A stated amount is compared at the precision it was written to: ``17.95万元`` against
``179,540.00`` is ``rounded`` (agrees to the 100 yuan it states), ``13,331万元`` against
``133,327,100`` is ``disagree``. Every check that is not ``agree`` is a finding.

Example:
    >>> from decimal import Decimal
    >>> compare(Decimal("179500"), Decimal("179540"), Decimal("100"))
    'rounded'
    >>> compare(Decimal("133310000"), Decimal("133327100"), Decimal("10000"))
    'disagree'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from budgetscope.messages import place
from budgetscope.models import (
    BudgetLine,
    BudgetTable,
    Check,
    Document,
    ProjectLink,
    Record,
    StatedTotal,
    document_id,
    row_key,
    stable_id,
    table_kind,
)
from budgetscope.pipeline.linking.checks import compare, yuan_text
from budgetscope.pipeline.linking.series import NameKey, body_similarity, key_similarity, series_key
from budgetscope.pipeline.statements import stated_precision

FORM_LINK_THRESHOLD = 0.6
"""Least name similarity for a narrative and a form to be the same project (0.45 when amounts agree)."""

INCOME_TABLE = "财务收支预算总表"
FISCAL_TABLE = "财政拨款收支预算总表"
STATED_SOURCES: dict[str, tuple[str, str, str | None]] = {
    "收入预算": (INCOME_TABLE, "收入总计", None),
    "支出预算": (INCOME_TABLE, "支出总计", None),
    "财政拨款收入": (INCOME_TABLE, "财政拨款收入", None),
    "事业收入": (INCOME_TABLE, "事业收入", None),
    "事业单位经营收入": (INCOME_TABLE, "事业单位经营收入", None),
    "其他收入": (INCOME_TABLE, "其他收入", None),
    "财政拨款支出预算": (FISCAL_TABLE, "支出总计", "合计"),
    "一般公共预算拨款支出预算": (FISCAL_TABLE, "支出总计", "一般公共预算"),
    "政府性基金拨款支出预算": (FISCAL_TABLE, "支出总计", "政府性基金预算"),
    "国有资本经营预算拨款支出预算": (FISCAL_TABLE, "支出总计", "国有资本经营预算"),
}
"""Where each stated total is found in the tables: (table title ending, row name, column or None).
A stated 科目 (``“科学技术支出”科目7,645万元``) is looked up as a row of the 财政拨款收支 table."""


def _form_total(record: Record) -> Decimal | None:
    if record.form is not None and "annual_total" in record.form.amounts:
        return record.form.amounts["annual_total"]
    return record.budget_total_yuan


def _total_precision(record: Record) -> tuple[str | None, Decimal]:
    """The text a narrative states its total in and that text's precision (1 yuan when unknown)."""
    total = record.budget_total_yuan
    exact = [a for a in record.amounts if a.section == "budget" and a.yuan == total]
    if exact:
        return exact[0].text, stated_precision(exact[0].text)
    parts = [a for a in record.amounts if a.role in ("fiscal", "self_raised")]
    if parts:
        return " + ".join(a.text for a in parts), max(stated_precision(a.text) for a in parts)
    return None, Decimal(1)


def link_narratives_forms(records: Sequence[Record]) -> list[ProjectLink]:
    """Match narratives to forms of the same department and year, one to one, best pairs first
    (:func:`_same_department`: a record without a department only within its own document).

    The two may be in one document (the central template prints each project's form after its
    narrative) or in two; a form of the narrative's own document goes first (pages cut from the
    document, stored too, hold a copy of it). Names that state different years (``2025年…项目`` and ``2026年…项目``
    of one budget) are two projects, however alike the rest of the names.
    """
    forms: dict[int | None, list[tuple[Record, NameKey]]] = defaultdict(list)
    for r in records:
        if r.kind == "form":
            forms[r.year].append((r, NameKey.of(r.name or r.title)))
    scored: list[tuple[float, str, str]] = []
    for n in records:
        if n.kind != "narrative":
            continue
        key = NameKey.of(n.name or n.title)
        for f, form_key in forms.get(n.year, []):
            if not _same_department(n, f) or key.other_years(form_key):
                continue
            name = key_similarity(key, form_key)
            if name < 0.45:
                continue
            total, form_total = n.budget_total_yuan, _form_total(f)
            agrees = None
            if total is not None and form_total is not None:
                agrees = compare(total, form_total, _total_precision(n)[1]) != "disagree"
            if name < (0.45 if agrees else FORM_LINK_THRESHOLD):
                continue
            score = name + (0.2 if agrees else -0.1 if agrees is False else 0.0)
            score += 0.05 * (body_similarity(n, f) or 0.0)
            score += 0.5 if n.doc == f.doc else 0.0  # its own document's form before a copy's (pages of it)
            scored.append((score, n.id, f.id))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used: set[str] = set()
    links = []
    for score, nid, fid in scored:
        if nid in used or fid in used:
            continue
        used |= {nid, fid}
        links.append(ProjectLink(narrative_id=nid, form_id=fid, confidence=min(score, 1.0)))
    return sorted(links, key=lambda link: (link.narrative_id, link.form_id))


def _same_department(a: Record, b: Record) -> bool:
    """Known to be one department's: both name it alike, or (one names none) both are in one document.
    A form whose department was not read is not linked to another document's narrative: it may be any
    city's (a page excerpt of a Beijing budget matched a Shanghai narrative by its name)."""
    if a.department and b.department:
        return a.department == b.department
    return a.doc == b.doc


def narrative_form_checks(records: Sequence[Record], links: Sequence[ProjectLink]) -> list[Check]:
    """Compare each linked narrative and form: annual budget, period and name."""
    by_id = {r.id: r for r in records}
    out: list[Check] = []
    for link in links:
        n, f = by_id[link.narrative_id], by_id[link.form_id]
        common: dict[str, Any] = {
            "doc": n.doc,
            "line": n.line,
            "page": n.page,
            "project_id": n.id,
            "other_id": f.id,
            "other_doc": f.doc,
            "other_line": f.line,
            "other_page": f.page,
        }
        subject = n.name or n.title
        form_total = _form_total(f)
        text, quantum = _total_precision(n)
        if form_total is not None:
            if n.budget_total_yuan is None:
                status, message = (
                    "missing",
                    f"the narrative states no annual budget; the form: {yuan_text(form_total)}",
                )
            else:
                status = compare(n.budget_total_yuan, form_total, quantum)
                message = {
                    "agree": f"narrative and form agree: {text}",
                    "rounded": f"narrative {text} is the form's {yuan_text(form_total)} rounded",
                    "disagree": f"narrative {text} but form {yuan_text(form_total)}",
                }[status]
            out.append(
                Check(
                    id="check:" + stable_id("narrative_form_amount", n.id, f.id), kind="narrative_form_amount",
                    status=status, subject=subject, message=message, stated=text, stated_yuan=n.budget_total_yuan,
                    found=f"{place(f.doc, f.line, f.page)} {yuan_text(form_total)}", found_yuan=form_total, field="budget_total",
                    **common,
                )
            )  # fmt: skip
        if n.period is not None and f.period is not None:
            same = (n.period.start, n.period.end) == (f.period.start, f.period.end)
            out.append(
                Check(
                    id="check:" + stable_id("narrative_form_period", n.id, f.id), kind="narrative_form_period",
                    status="agree" if same else "disagree", subject=subject,
                    message=f"periods {'agree' if same else 'differ'}: narrative {n.period.start}–{n.period.end}, "
                    f"form {f.period.start}–{f.period.end}",
                    stated=n.period.text, found=f.period.text, field="period", **common,
                )
            )  # fmt: skip
        if series_key(n.name or n.title) != series_key(f.name or f.title):
            out.append(
                Check(
                    id="check:" + stable_id("narrative_form_name", n.id, f.id), kind="narrative_form_name",
                    status="differs", subject=subject, message=f"names differ: narrative {n.name!r}, form {f.name!r}",
                    stated=n.name, found=f.name, field="name", **common,
                )
            )  # fmt: skip
    return out


def _table(tables: Sequence[BudgetTable], ending: str) -> BudgetTable | None:
    """The document's table of that kind: its 财务收支预算总表 (any city's 收支总表) or its
    财政拨款收支预算总表 (财政拨款收支总表)."""
    kind = "fiscal" if ending == FISCAL_TABLE else "overall" if ending == INCOME_TABLE else None
    for t in tables:
        if (table_kind(t.title) == kind) if kind else t.title.endswith(ending):
            return t
    return None


def department_checks(
    document: Document, tables: Sequence[BudgetTable], stated: Sequence[StatedTotal]
) -> list[Check]:
    """Compare the totals a department budget states in words with its own tables."""
    from budgetscope.pipeline.linking.list_checks import listed_without_record, project_list_checks
    from budgetscope.pipeline.linking.stated_forms import stated_forms_checks
    from budgetscope.pipeline.linking.table_checks import table_sum_checks

    did = document_id(document.doc)
    out: list[Check] = []
    for position, s in enumerate(stated):
        ending, row, column = STATED_SOURCES.get(s.label, (FISCAL_TABLE, s.label, "合计"))
        table = _table(tables, ending)
        found = table.value(row, column) if table else None
        if table is None or found is None:
            continue
        cell = _cell(table, row, column)
        status = compare(s.yuan, found, s.quantum)
        where = f"{table.title}「{row}」" + (f"（{column}）" if column else "")
        verb = {"agree": "agrees with", "rounded": "is, rounded,", "disagree": "but"}[status]
        out.append(
            Check(
                id="check:" + stable_id("department_total", document.doc, position, s.label),
                kind="department_total", status=status, subject=s.label,
                message=f"编制说明 {s.label}{s.text} {verb} {where} {yuan_text(found)}",
                doc=document.doc, line=None if s.page else s.line, page=s.page, document_id=did, stated=s.text,
                stated_yuan=s.yuan, found=f"{where} {yuan_text(found)}", found_yuan=found, other_doc=document.doc,
                other_line=None if table.page else cell.line if cell else table.line,
                other_page=(cell.page if cell else table.page) if table.page else None, field=f"stated:{s.label}",
            )
        )  # fmt: skip
    out.extend(c.model_copy(update={"document_id": did}) for c in table_sum_checks(document.doc, tables))
    out.extend(c.model_copy(update={"document_id": did}) for c in project_list_checks(document.doc, tables))
    listed = listed_without_record(document.doc, tables, document.records)
    out.extend(c.model_copy(update={"document_id": did}) for c in listed)
    forms = forms_total_check(document)
    if forms is not None:
        out.append(forms.model_copy(update={"document_id": did}))
    out.extend(c.model_copy(update={"document_id": did}) for c in stated_forms_checks(document))
    return out


def forms_total_check(document: Document) -> Check | None:
    """A forms table's stated 合计 against the sum of the project forms read from it (any city's layout).

    The evidence is the document's coverage report; None when the document states no such total.
    """
    coverage = document.coverage
    if coverage is None or coverage.stated_total_yuan is None or coverage.read_total_yuan is None:
        return None
    stated, found = coverage.stated_total_yuan, coverage.read_total_yuan
    where = next((e for e in coverage.evidence if e.kind == "stated_total"), None)
    forms = [r for r in document.records if r.kind == "form"]
    quantum = _printed_quantum(where.text if where else "", stated)
    # each form's amount and the total are printed rounded to the table's last digit: their sum may
    # drift by half of it per term (70 cells of 0.01万元 drift by up to 3,550元)
    difference = abs(found - stated)
    status = (
        "agree"
        if difference == 0
        else "rounded"
        if difference <= (len(forms) + 1) * quantum / 2
        else "disagree"
    )
    verb = {"agree": "agrees with", "rounded": "is, rounded,"}.get(status, "but")
    return Check(
        id="check:" + stable_id("forms_total", document.doc),
        kind="forms_total", status=status, subject="合计",
        message=f"forms table 合计 {yuan_text(stated)} {verb} the {len(forms)} project forms read sum to {yuan_text(found)}",
        doc=document.doc, line=where.line if where else None, page=where.page if where else None,
        stated=where.text if where else yuan_text(stated), stated_yuan=stated,
        found=f"sum of {len(forms)} project forms {yuan_text(found)}", found_yuan=found,
        other_doc=document.doc, field="forms:合计",
    )  # fmt: skip


def _printed_quantum(text: str, yuan: Decimal) -> Decimal:
    """The unit of the last printed digit of the total ``yuan``, in yuan, from the line that prints it
    (合计 86,246.64 for 862,466,400元: 100元); 100元 when the line shows no such number.

    >>> _printed_quantum("合计 86,246.64 86,246.64", Decimal("862466400")), _printed_quantum("", Decimal(5))
    (Decimal('100'), Decimal('100'))
    """
    for m in re.finditer(r"\d[\d,]*(?:\.(\d+))?", text):
        printed = Decimal(m.group().replace(",", ""))
        if printed == 0:
            continue
        scale = yuan / printed
        if scale in (1, 10000, 100000000):
            return scale * Decimal(10) ** -len(m.group(1) or "")
    return Decimal(100)


def _cell(table: BudgetTable, name: str, column: str | None) -> BudgetLine | None:
    """The cell :meth:`BudgetTable.value` reads (for its line), None for a row of blank cells."""
    key = row_key(name)
    for b in table.lines:
        if b.name is not None and row_key(b.name) == key and (column is None or b.column == column):
            return b
    return None


__all__ = [
    "FORM_LINK_THRESHOLD",
    "STATED_SOURCES",
    "department_checks",
    "forms_total_check",
    "link_narratives_forms",
    "narrative_form_checks",
]
