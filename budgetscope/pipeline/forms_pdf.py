"""Performance forms of PDF budgets read from their tables, in every layout, by the meaning of labels.

The pages that hold forms are found by the fast text (:func:`form_pages`); only they go through
the table reader (:mod:`.pdf_tables`). The grids of all those pages are then read as one stream
of rows, so a form continued on the next page joins its start:

- a *header row* (一级指标 / 三级指标 / 指标值 …, or 项目名称 / 金额 / 绩效目标 …) maps columns to
  fields by their x-range, kept across pages (repeated header rows are recognised and skipped);
- a *label row* (项目名称 | X, 主管部门 | Y, 年度资金总额 | 2,134.87 …) fills one form's fields; a
  项目名称 label starts a new form;
- a *body row* under a header gives an indicator (level1/level2/level3, target = comparison +
  value + unit; weights, scores and 评（扣）分标准 kept out), and, in a multi-project table, the
  project it belongs to (its name cell, merged over all its rows, repeated after a page break;
  rows at a page bottom with no name cell below a project's begin the next project, whose name
  is printed on the next page, in the middle of its merged cell).

Tables titled 部门整体… are department-wide forms (record kind ``department_form``); tables titled
…自评表 (self-evaluations of last year) are not targets and give nothing. A department-wide form keeps
its goal (整体绩效目标 beside its text, or 当年整体绩效目标 alone on a row over it) and its budget:
label → value pairs, columns beside the indicators, or columns of amount labels over a value row
(:mod:`.forms_pdf_columns`), with basic and project spending as ``basic_expenditure`` and
``project_expenditure``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from budgetscope.models import Record
from budgetscope.pipeline.forms_inline import inline_indicators
from budgetscope.pipeline.forms_pdf_columns import (
    Columns,
    column_amounts,
    header_columns,
    is_amount_head,
    is_header_row,
)
from budgetscope.pipeline.forms_pdf_indicators import IndicatorRows
from budgetscope.pipeline.forms_pdf_labels import (
    amount_pairs,
    amount_unit,
    bare,
    clean_department,
    label,
    squash,
    to_yuan,
)
from budgetscope.pipeline.forms_pdf_pages import form_pages, unread_form_pages
from budgetscope.pipeline.forms_pdf_records import PdfForm, form_records
from budgetscope.pipeline.forms_pdf_tasks import TaskRows
from budgetscope.pipeline.pdf_tables import Cell, Grid, PdfPages, page_tables

TITLE = re.compile(r"绩效.{0,8}表|绩效目标(?:情况|表)|重点项目|评价报告")
DEPARTMENT_WIDE = re.compile(r"部门整体|整体支出|整体绩效|整体预算")
NOT_TARGETS = re.compile(r"自评|评价")
TOTAL_ROW = re.compile(r"^(?:合计|总计|小计)$")


class _Reader:
    def __init__(self, unit: Decimal) -> None:
        self.forms: list[PdfForm] = []
        self.cur: PdfForm | None = None
        self.cols: Columns | None = None
        self.unit = unit
        self.region = "form"
        self.title = ""
        self.department: str | None = None
        self.unit_name: str | None = None
        self.row_unit: str | None = None  # the unit of a subtotal row over the projects (unit_rows)
        self.levels = IndicatorRows()
        self.name_slot: Cell | None = None  # the name-column cell of the last body row
        self.unnamed: PdfForm | None = None  # a project begun at a page bottom, named on the next page
        self.amount_head: list[list[Cell]] = []  # a department's budget block: its rows of amount labels
        self.label_above: tuple[tuple[str, str], str] | None = None  # a goal label alone (and as printed)
        self.tasks = TaskRows()  # a department's key tasks (年度主要任务 rows)

    # -- regions -------------------------------------------------------------------------------
    def title_line(self, text: str, page: int) -> None:
        s = squash(text)
        u = amount_unit(s)
        if u is not None:
            self.unit = u
        # 部门名称：X over the tables names the department; 单位名称：Y one of its units (the forms' implementer)
        m = re.search(r"(部门名称|单位名称|编制部门)[:：](.+)", s)
        if m and len(m.group(2)) < 40:
            name = re.split(r"(?:金额)?单位[:：]", m.group(2))[0]
            if m.group(1) == "单位名称":
                self.unit_name = name or None
            else:
                self.department = clean_department(name)
        if not TITLE.search(s) or len(s) > 60 or s == self.title:
            return  # a title repeated on a continuation page continues the table
        self.flush()
        self.cols = None
        self.amount_head = []
        self.row_unit = None
        self.title = s
        if NOT_TARGETS.search(s):
            self.region = "skip"
        elif DEPARTMENT_WIDE.search(s):
            self.region = "department_form"
            self.cur = PdfForm(title=s, page=page, kind="department_form", unit_name=self.unit_name)
        else:
            self.region = "form"

    def flush(self) -> None:
        if self.cur is not None and self.region != "skip":
            self.forms.append(self.cur)
        self.cur = None

    def new_form(self, page: int) -> PdfForm:
        if self.region == "department_form" and self.cur is not None:
            return self.cur
        self.flush()
        self.cur = PdfForm(
            title=self.title, page=page, kind=self.region, unit_name=self.row_unit or self.unit_name
        )
        return self.cur

    # -- rows ----------------------------------------------------------------------------------
    def grid(self, g: Grid) -> None:
        self.levels.new_page = True
        for line in g.above:
            self.title_line(line, g.page)
        header: list[Cell] = []
        for r in range(len(g.rows)):
            cells = g.row_cells(r)
            texts = [c.text for c in cells if c.text]
            if not texts:
                continue
            if (
                len(texts) == 1
                and len(cells) <= 2
                and (TITLE.search(squash(texts[0])) or amount_unit(texts[0]))
            ):
                self.title_line(texts[0], g.page)
                continue
            labs = [label(c.text) for c in cells]
            dept_form = self.cur if self.region == "department_form" else None
            if (
                self.tasks.row(cells, dept_form.components if dept_form else None, self.unit)
                or self._name_cut(g, r, texts, labs)
                or self._budget_block(cells)
                or self._text_below(cells, g.page)
            ):
                continue
            col_labels = [x for x in labs if x and x[0] in ("ind", "name", "amount", "goal", "inline")]
            known = sum(1 for x in labs if x)
            is_header = (len(col_labels) >= 2 and known >= len(texts) - 1) or (
                len(col_labels) >= 4 and known >= 0.6 * len(texts)
            )
            if is_header:
                header = header + cells if header and r > 0 and is_header_row(g, r - 1) else cells
                self._set_columns(header)
                continue
            header = []
            if self.region == "skip":
                continue
            full = [c for c in cells if c.text]
            flabs = [label(c.text) for c in full]
            pairs = amount_pairs([c.text for c in full[1:]])
            if (
                len(full) > 2
                and flabs[0] is None
                and full[0].rowspan > 1
                and (pairs or (flabs[1] and flabs[1][0] == "amount"))
            ):
                # 预算整体情况 over rows of 基本支出 | 12,634.14 | 财政拨款 | …
                full, flabs = full[1:], flabs[1:]
            if (
                flabs[0]
                and flabs[0][0] in ("name", "kv", "amount", "amount_group", "goal", "text")
                and (self.cols is None or not self.cols.has("name") or flabs[0][0] != "name")
                and self._kv_row(full, flabs)
            ) or amount_pairs([c.text for c in full]):
                self._kv(full, flabs, g.page)
                continue
            if self.cols is not None:
                self._body(cells, g.page)

    def _budget_block(self, cells: list[Cell]) -> bool:
        """A department's amount labels (kept, the row read on) or the value row under them (read)."""
        if self.region != "department_form" or self.cur is None:
            return False
        if is_amount_head(cells):
            self.amount_head.append(cells)
            return False
        amounts = column_amounts(self.amount_head, cells, self.unit) if self.amount_head else None
        if amounts is None:
            return False
        for key, yuan in amounts.items():
            self.cur.amounts.setdefault(key, yuan)
        self.amount_head = []
        return True

    def _text_below(self, cells: list[Cell], page: int) -> bool:
        """A goal label alone on its row (当年整体绩效目标), its text alone on the row below."""
        full = [c for c in cells if c.text]
        lab = label(full[0].text) if len(full) == 1 else None
        if lab is not None and lab[0] in ("goal", "text"):
            self.label_above = (lab, bare(full[0].text))
            return True
        above, self.label_above = self.label_above, None
        if above is None or len(full) != 1 or lab is not None or self.region == "skip":
            return False
        self._put(self.cur or self.new_form(page), above[0], full[0].text, above[1])
        return True

    def _name_cut(self, g: Grid, r: int, texts: list[str], labs: list[tuple[str, str] | None]) -> bool:
        """The end of a name cell cut by the page break: one unlabelled text on top of the next page,
        right after a form's 项目名称 row (its other label rows follow on this page)."""
        cur = self.cur
        if cur is None or cur.name_cell is None or cur.name_cell.page == g.page or self.cols is not None:
            return False
        if r > 1 or len(texts) != 1 or any(labs) or cur.fields or cur.amounts or cur.texts:
            return False
        cur.name += texts[0]
        return True

    def _kv_row(self, cells: list[Cell], labs: list[tuple[str, str] | None]) -> bool:
        """A row of label → value pairs (not a header): a label followed by a non-label cell."""
        return any(
            lab is not None
            and lab[0] != "ind"
            and i + 1 < len(cells)
            and labs[i + 1] is None
            and cells[i + 1].text
            for i, lab in enumerate(labs)
        ) or bool(labs and labs[0] and labs[0][0] == "amount_group")

    def _set_columns(self, cells: list[Cell]) -> None:
        cols = header_columns(cells)
        if cols.has("ind") or cols.has("name"):
            self.cols = cols

    def _kv(self, cells: list[Cell], labs: list[tuple[str, str] | None], page: int) -> None:
        i = 0
        while i < len(cells):
            lab = labs[i]
            if lab is None or lab[0] in ("ignore", "ind"):
                i += 1
                continue
            u = amount_unit(cells[i].text)
            if u is not None:
                self.unit = u
            value = cells[i + 1] if i + 1 < len(cells) and labs[i + 1] is None else None
            if lab[0] == "name":
                form = self.new_form(page)
                if value is not None and form.kind == "form":
                    form.name, form.name_cell = value.text, value
                self.cols = None
            elif value is not None:
                form = self.cur or self.new_form(page)
                self._put(form, lab, value.text, bare(cells[i].text))
            i += 2 if value is not None else 1

    def _put(self, form: PdfForm, lab: tuple[str, str], text: str, printed: str | None = None) -> None:
        group, key = lab  # printed: the label it is printed under (an amount's and a text's are kept)
        if group == "amount":
            yuan = to_yuan(text, self.unit)
            if yuan is not None and key not in form.amounts:
                form.amounts[key] = yuan
                if printed:
                    form.amount_labels[key] = printed
        elif group in ("goal", "text") and text:
            form.texts[key] = form.texts.get(key, "") + text if key in form.texts else text
            form.label_text(key, printed)
        elif group == "kv" and text and key not in form.fields:
            form.fields[key] = text

    def _body(self, cells: list[Cell], page: int) -> None:
        assert self.cols is not None
        by: dict[tuple[str, str], Cell] = {}
        for c in cells:
            lab = self.cols.field_of(c)
            if lab is not None and lab not in by:
                by[lab] = c
        name_cell = by.get(("name", "name"))
        if self.cols.has("name"):
            opened = name_cell is None and self.name_slot is not None and self.name_slot.page == page
            self.name_slot = name_cell
            if opened:
                # below a project's cells, a row with no name cell: the next project's cells, cut
                # by the page break before its name (printed on the next page, in the cell's middle)
                self.unnamed = self.new_form(page)
            elif name_cell is None or not name_cell.text:
                if self.cur is None:
                    return
            elif TOTAL_ROW.match(squash(name_cell.text)):
                self.flush()
                return
            elif self.cols.unit_rows and not any(
                c.text for lab, c in by.items() if lab[0] in ("goal", "ind", "inline")
            ):
                self.flush()  # a unit's subtotal row: the projects below are the unit's (their implementer)
                self.row_unit = squash(name_cell.text)
                return
            elif self.unnamed is not None and self.unnamed is self.cur and name_cell.page > self.cur.page:
                self.cur.name, self.cur.name_cell = name_cell.text, name_cell
                self.unnamed = None
            elif not self._same_project(name_cell):
                form = self.new_form(page)
                if form.kind == "form":
                    form.name, form.name_cell = name_cell.text, name_cell
            form = self.cur  # type: ignore[assignment]
            if form is None:
                return
            self._row_fields(form, by)
        elif self.cur is not None and self.cur.kind == "department_form":
            self._row_fields(self.cur, by)  # a department's amounts and goal in columns beside its indicators
        form = self.cur or self.new_form(page)
        inline = by.get(("inline", "indicators"))
        if inline is not None and inline.text and not any(lab[0] == "ind" for lab in by):
            if inline is not form.name_cell and squash(inline.text) not in {
                squash(i.level3) for i in form.indicators
            }:
                form.indicators.extend(inline_indicators(inline.text))
            return
        ind = self.levels.read(by, form, self.cols)
        if ind is not None:
            form.indicators.append(ind)

    def _row_fields(self, form: PdfForm, by: dict[tuple[str, str], Cell]) -> None:
        """The amounts, fields and goal a body row prints in columns of their own (a label is no value:
        a header row repeated on the next page and not recognised whole)."""
        for lab, c in by.items():
            if label(c.text) is not None:
                continue
            if lab[0] in ("amount", "kv") and c.text:
                self._put(form, lab, c.text, self.cols.printed.get(lab) if self.cols else None)
            elif lab[0] == "goal" and c.text and c not in form.goal_cells:
                # a goal cell cut by a page break goes on in the next page's cell; a repeat is skipped
                form.goal_cells.append(c)
                if squash(c.text) not in squash(form.texts.get(lab[1], "")):
                    self._put(form, lab, c.text, self.cols.printed.get(lab) if self.cols else None)

    def _same_project(self, cell: Cell) -> bool:
        cur = self.cur
        if cur is None or cur.name_cell is None:
            return False
        if cell is cur.name_cell:
            return True
        if cell.page == cur.name_cell.page:
            return False
        if not (self.cols and self.cols.has("ind")) and not (self.cols and self.cols.has("inline")):
            return False  # goal-only tables: one row per project
        a, b = squash(cell.text), squash(cur.name)
        return bool(a) and (a == b or b.endswith(a) or a in b)

    def finish(self, doc: str, department: str | None, year: int | None) -> list[Record]:
        self.flush()
        return form_records(self.forms, doc=doc, department=self.department or department, year=year)


def read_pdf_forms(
    path: Path | str,
    page_texts: list[str],
    *,
    doc: str,
    department: str | None,
    year: int | None,
    pages: Iterable[int] | None = None,
) -> list[Record]:
    """The project forms (kind ``form``) and department-wide forms (``department_form``) of a PDF."""
    wanted = list(pages) if pages is not None else form_pages(page_texts)
    if not wanted:
        return []
    reader = _Reader(Decimal(10000))
    queue = sorted(set(wanted))
    done: set[int] = set()
    with PdfPages(path) as pdf:
        while queue:
            p = queue.pop(0)
            done.add(p)
            grids = page_tables(pdf, p)
            for g in grids:
                reader.grid(g)
            # a table running to the page bottom may go on over the next page, without a cue word
            last = grids[-1] if grids else None
            nxt = p + 1
            if (
                last
                and reader.cols
                and nxt <= len(pdf)
                and nxt not in done
                and nxt not in queue
                and last.bbox[3] > 0.8 * last.page_height
            ):
                queue.insert(0, nxt)
    return reader.finish(doc, department, year)


__all__ = ["form_pages", "read_pdf_forms", "unread_form_pages"]
