"""The forms read from a PDF's tables, as they are collected row by row, and as records at the end.

:mod:`.forms_pdf` fills :class:`PdfForm` objects while it reads the grids; :func:`form_records`
turns them into ``form`` and ``department_form`` records, leaving out what holds no target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetscope.models import Component, Form, Indicator, Record, stable_id
from budgetscope.pipeline.forms_pdf_labels import clean_department
from budgetscope.pipeline.pdf_tables import Cell


@dataclass
class PdfForm:
    """One form being read: its title and first page, the fields, amounts, texts and indicators so far."""

    title: str
    page: int
    kind: str = "form"
    name: str = ""
    name_cell: Cell | None = None
    fields: dict[str, str] = field(default_factory=dict)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    amount_labels: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    text_labels: dict[str, str] = field(default_factory=dict)
    """The label each text is printed under (总体目标 for the 年度绩效目标 it is keyed by)."""
    indicators: list[Indicator] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    """A department-wide form's key tasks (:mod:`.forms_pdf_tasks`)."""
    goal_cells: list[Cell] = field(default_factory=list)
    unit_name: str | None = None
    """The unit a 单位名称：… line over the table names (a row's or the form's own 单位名称 goes first)."""

    def label_text(self, key: str, printed: str | None) -> None:
        """Keep the label ``printed`` of a text keyed ``key``; a text printed under two labels (实施期目标,
        then 年度目标, both read as the year's goal) keeps both, as 实施期目标、年度目标."""
        shown = self.text_labels.get(key)
        if not printed or (shown and printed in shown.split("、")):
            return
        self.text_labels[key] = f"{shown}、{printed}" if shown else printed


def form_records(forms: list[PdfForm], *, doc: str, department: str | None, year: int | None) -> list[Record]:
    """The records of the forms read; a project form without a name or without targets (indicators
    or texts) and a department-wide form without content are left out.

    The department is the budget's: the form's 主管部门 / 部门名称, else ``department`` (the one the
    pages print over the tables, else the document's). A unit under it (单位名称 / 预算单位 / 资金使用
    单位, a row's or a line's over the table) is the form's implementer when no 实施单位 is printed,
    and the department only when nothing else names one.
    """
    out: list[Record] = []
    for n, f in enumerate(forms):
        if f.kind == "form" and (not f.name or (not f.indicators and not f.texts)):
            continue
        if f.kind == "department_form" and not (f.indicators or f.texts or f.amounts or f.components):
            continue
        unit = f.fields.get("unit_name") or f.unit_name
        dept = (
            clean_department(f.fields.get("department") or "") or department or clean_department(unit or "")
        )
        name = re.sub(r"\s+", "", f.name) if f.kind == "form" else (dept or f.title)
        form = Form(
            department=dept,
            implementer=f.fields.get("implementer") or unit,
            amounts=f.amounts,
            amount_labels={k: v for k, v in f.amount_labels.items() if k in f.amounts},
            components=f.components,
            indicators=f.indicators,
            texts=f.texts,
            text_labels={k: v for k, v in f.text_labels.items() if k in f.texts and v != k},
        )
        out.append(
            Record(
                id=stable_id(doc, f.kind, f.page, name, n),
                kind=f.kind,
                doc=doc,
                page=f.page,
                department=dept,
                year=year,
                title=f.title or name,
                name=name,
                form=form,
            )
        )
    return out


__all__ = ["PdfForm", "form_records"]
