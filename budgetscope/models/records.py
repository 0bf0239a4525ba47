"""Typed records: what the pipeline reads out of a document (re-exported by :mod:`budgetscope.models`).

No I/O here. Records serialize to the record contract of DESIGN.md with :meth:`Record.contract`.

Example:
    >>> from budgetscope.models.records import Amount
    >>> from decimal import Decimal
    >>> Amount(text="60万元", yuan=Decimal("600000"), role="total", section="budget", start=0, end=4).yuan
    Decimal('600000')
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetscope.models.coverage import Coverage
from budgetscope.models.indicators import Indicator
from budgetscope.models.money import money_decimal

SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "legal_basis",
    "implementing_body",
    "plan",
    "period",
    "budget",
    "goals",
)
"""The seven sections of a project narrative, in document order (一 … 七)."""
SECTION_TITLES: dict[str, str] = {
    "overview": "项目概述",
    "legal_basis": "立项依据",
    "implementing_body": "实施主体",
    "plan": "实施方案",
    "period": "实施周期",
    "budget": "年度预算安排",
    "goals": "绩效目标",
}
"""Each section's heading in the narrative template."""


def section_key(name: str) -> str | None:
    """The section a user names by its key or its template heading (None for neither).

    >>> section_key("立项依据"), section_key("plan"), section_key("附件")
    ('legal_basis', 'plan', None)
    """
    name = name.strip()
    if name in SECTION_TITLES:
        return name
    return next((key for key, title in SECTION_TITLES.items() if name == title), None)


FORM_TEXT_SECTIONS: dict[str, str] = {
    "项目概况": "overview",
    "项目概述": "overview",
    "立项依据": "legal_basis",
    "实施主体": "implementing_body",
    "实施方案": "plan",
    "实施周期": "period",
    "年度预算安排": "budget",
    "项目总目标": "goals",
    "年度总体目标": "goals",
    "年度绩效目标": "goals",
    "绩效目标": "goals",
}
"""Section key of a form's free-text field, by its label; other labels (项目设立的必要性 …) are ``form``."""

DocumentKind = Literal[
    "department_budget", "performance_targets", "final_accounts", "unit_budget", "evaluation_report", "other"
]
RecordKind = Literal["narrative", "form", "department_form"]
"""department_form: a department-wide performance form (部门整体支出绩效目标表), not a project."""
AmountRole = Literal["total", "fiscal", "self_raised", "other", "component"]
FORM_TOTAL_KEYS: tuple[str, ...] = ("annual_total", "project_total", "fiscal_current")
"""A project form's budget total is its first of these amounts (the annual total, else the only total other
layouts print: 项目总额, 年度预算资金总额, 预算数 …, else the year's fiscal funds)."""


def stable_id(*parts: object) -> str:
    """A deterministic id: the first 16 hex digits of a SHA-1 over the parts.

    >>> stable_id("a.txt", 404) == stable_id("a.txt", 404)
    True
    """
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:16]


def document_id(doc: str) -> str:
    """The id of a stored document: a hash of its file name (records' ids are made from it too)."""
    return "doc:" + stable_id(doc)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Section(_Record):
    """One numbered section of a project narrative (一、项目概述 … 七、绩效目标)."""

    key: str
    heading: str
    text: str
    line: int | None = None
    start: int = 0
    end: int = 0


class Amount(_Record):
    """A monetary amount, normalized to yuan, with its role in the narrative; ``approximate`` when the text
    says it is not exact (约27万元, 50万元左右, 100余万元, either end of a range 100万元-120万元) or gives an
    upper bound only (不超过300万元, 300万元以内)."""

    text: str
    yuan: Decimal
    role: AmountRole = "other"
    section: str = "budget"
    start: int = 0
    end: int = 0
    approximate: bool = False


class Period(_Record):
    """An implementation period with ISO start and end dates."""

    start: date
    end: date
    text: str
    offset: int = 0


class DocNumber(_Record):
    """A parsed 文号 such as 国发〔2021〕9号: issuing agency, year, serial."""

    text: str
    agency: str
    year: int | None = None
    serial: str | None = None

    def key(self) -> str:
        """Bracket-insensitive identity: 国发[2021]9号 and 国发〔2021〕9号 are one number.

        A decree number has no year: its key is 国务院令第658号.
        """
        if self.year is None:
            return f"{self.agency}第{self.serial}号"
        return f"{self.agency}〔{self.year}〕{self.serial}号"


class Citation(_Record):
    """A policy document cited in a narrative or form."""

    title: str
    doc_number: str | None = None
    section: str | None = None
    bracketed: bool = True
    canonical: str | None = None
    start: int = 0
    end: int = 0
    short_for: str | None = None
    """When the title is a short name: the full title it stands for, defined as a 简称 ("（以下简称《纲要》）")
    in the project, or the document of its type (《条例》) the project or its document cites."""
    wording: str | None = None
    """The title (with its 《》) and 文号 as written, in the document's order, line breaks dropped
    (沪档〔2018〕44号关于印发《上海市数字档案室建设评价办法》); None if read before wordings were kept."""
    doc_number_inferred: bool = False
    """The 文号 lacks the 号 its list's last 文号 carries (闽人社文〔2009〕60及榕劳社保〔2010〕38号), or the agency
    its first carries (国科发火字〔1994〕304号和〔2003〕96号): added."""


class PolicyDocument(_Record):
    """One canonical policy document with every alias and 文号 seen for it."""

    id: str
    title: str
    family: str | None = None
    version: str | None = None
    aliases: list[str] = Field(default_factory=list)
    doc_numbers: list[str] = Field(default_factory=list)
    ambiguous: bool = False


class Component(_Record):
    """A sub-project (子项目) of a form with its amount; in a department-wide form, one of its key tasks
    (年度主要任务, 年度重点工作任务) with what it does (``text``) and is to achieve (``goal``)."""

    name: str
    yuan: Decimal | None = None
    text: str | None = None
    goal: str | None = None


class Form(_Record):
    """The fields of a performance-target form (绩效目标申报表)."""

    nature: str | None = None
    category: str | None = None
    department: str | None = None
    implementer: str | None = None
    start: date | None = None
    end: date | None = None
    amounts: dict[str, Decimal] = Field(default_factory=dict)
    amount_labels: dict[str, str] = Field(default_factory=dict)
    """The label each amount is printed under (``{"project_total": "年度资金总额"}``), where the reader saw it."""
    components: list[Component] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    texts: dict[str, str] = Field(default_factory=dict)
    """Free-text fields of the form (项目概况, 立项依据, 年度总体目标 …), keyed by their label or meaning."""
    text_labels: dict[str, str] = Field(default_factory=dict)  # {"年度绩效目标": "总体目标"}: as printed


class Record(_Record):
    """One project: a narrative (项目经费情况说明) or a performance form."""

    id: str
    kind: RecordKind
    doc: str
    line: int | None = None
    page: int | None = None
    department: str | None = None
    year: int | None = None
    title: str
    name: str | None = None
    sections: dict[str, str | None] = Field(default_factory=dict)
    section_spans: dict[str, Section] = Field(default_factory=dict)
    period: Period | None = None
    amounts: list[Amount] = Field(default_factory=list)
    budget_total_yuan: Decimal | None = None
    budget_total_approximate: bool = False
    """The budget total is read from an approximate amount (预算人民币约27万元): not an exact figure."""
    citations: list[Citation] = Field(default_factory=list)
    implementing_bodies: list[str] = Field(default_factory=list)
    form: Form | None = None
    start: int = 0
    end: int = 0

    def contract(self, *, extracted: bool = True, flags: Sequence[str] | None = None) -> dict[str, Any]:
        """The record as DESIGN.md's record contract (JSON-ready; amounts in their written form, :func:`.money.yuan`).

        Beyond DESIGN.md's fields: each amount's ``approximate``, ``budget_total_approximate``, and
        ``budget_flagged`` with ``flags``, the kinds of the error-level checks that dispute the record's budget
        (``annual_budget``, ``magnitude``), as given in ``flags`` (``extract``: the document's own checks;
        ``show``: the store's findings); both null when no ``flags`` are given (not checked).

        >>> r = Record(id="x", kind="narrative", doc="a.txt", title="t", budget_total_yuan=Decimal(5))
        >>> [r.contract(flags=f)[k] for f in (["annual_budget"], None) for k in ("budget_flagged", "flags")]
        [True, ['annual_budget'], None, None]
        """
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "doc": self.doc,
            "line": self.line,
            "page": self.page,
            "department": self.department,
            "year": self.year,
            "title": self.title,
            "name": self.name,
            "sections": dict(self.sections) if self.kind == "narrative" else {},
            "form": _form_contract(self.form) if self.form else None,
        }
        if not extracted:
            return out
        out["period"] = (
            {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "text": self.period.text,
            }
            if self.period
            else None
        )
        out["amounts"] = [
            {
                "text": a.text,
                "yuan": money_decimal(a.yuan),
                "role": a.role,
                "section": a.section,
                "start": a.start,
                "end": a.end,
                "approximate": a.approximate,
            }
            for a in self.amounts
        ]
        out["budget_total_yuan"] = (
            money_decimal(self.budget_total_yuan) if self.budget_total_yuan is not None else None
        )
        out["budget_total_approximate"] = self.budget_total_approximate
        kinds = None if flags is None else sorted(set(flags))
        out["budget_flagged"] = None if kinds is None else bool(kinds)
        out["flags"] = kinds
        out["citations"] = [
            {
                "title": c.title,
                "doc_number": c.doc_number,
                "section": c.section,
                "bracketed": c.bracketed,
                "canonical": c.canonical,
                "wording": c.wording,
                "doc_number_inferred": c.doc_number_inferred,
            }
            for c in self.citations
        ]
        out["implementing_bodies"] = list(self.implementing_bodies)
        return out


def _form_contract(form: Form) -> dict[str, Any]:
    return {
        "nature": form.nature,
        "category": form.category,
        "department": form.department,
        "implementer": form.implementer,
        "start": form.start.isoformat() if form.start else None,
        "end": form.end.isoformat() if form.end else None,
        "amounts": {k: money_decimal(v) for k, v in form.amounts.items()},
        "components": [  # name, yuan; a department's task also its text and goal
            {
                **c.model_dump(exclude_none=True, exclude={"yuan"}),
                "yuan": None if c.yuan is None else money_decimal(c.yuan),
            }
            for c in form.components
        ],
        "amount_labels": dict(form.amount_labels),
        "indicators": [i.contract() for i in form.indicators],
        "texts": dict(form.texts),
        "text_labels": dict(form.text_labels),
    }


class Part(_Record):
    """A top-level part of a department budget (主要职能, 机构设置, …, 项目经费情况说明)."""

    key: str
    title: str
    line: int | None = None
    start: int = 0
    end: int = 0


class Document(_Record):
    """A loaded, classified and segmented source document."""

    doc: str
    path: str
    kind: DocumentKind
    department: str | None = None
    year: int | None = None
    pages: int | None = None
    chars: int = 0
    lines: int | None = None
    """How many lines its text has (a line break at the end opens none): the last a ``DOC:LINE`` may name.
    None in a store written before it was kept."""
    sha1: str = ""
    content_sha1: str = ""
    """A hash of what was read (projects, sections, form fields; else the text without white space),
    the same for the same document in another encoding, printed to PDF or under another name (#10)."""
    parts: list[Part] = Field(default_factory=list)
    records: list[Record] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    coverage: Coverage | None = None

    def contract(self, *, extracted: bool = False) -> dict[str, Any]:
        """The document as `budgetscope segment --format json` prints it."""
        return {"doc": self.doc, "kind": self.kind, "department": self.department, "year": self.year,
                "coverage": self.coverage.contract() if self.coverage else None,
                "records": [r.contract(extracted=extracted) for r in self.records]}  # fmt: skip
