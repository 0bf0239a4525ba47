"""What the application layer answers with: search hits, filters, checks, a project's whole view.

No I/O here, and nothing imported from the rest of the package but the other :mod:`budgetscope.models` modules
and the root of its errors (:mod:`budgetscope.errors`: a bad filter is an ``InvalidFilter``).

Example:
    >>> SearchFilters(year=2026, section="plan").as_dict()
    {'year': 2026, 'section': 'plan'}
    >>> from budgetscope.errors import InvalidFilter
    >>> try:
    ...     SearchFilters(section="nowhere")
    ... except InvalidFilter as exc:
    ...     print(str(exc)[:39])
    section: unknown section 'nowhere' (kno
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator

from budgetscope.errors import InvalidFilter
from budgetscope.models.links import Check
from budgetscope.models.money import Number, money_decimal, number
from budgetscope.models.records import SECTION_KEYS, Indicator, Record, section_key


def form_unit(implementer: str | None, department: str | None) -> str | None:
    """The unit a hit or a list names for a form: its implementer when that is not its department
    (forms of one name in one budget, 日常保障运行, differ by it), else None.

    >>> form_unit("杭州市道路运输管理服务中心", "杭州市交通运输局"), form_unit("杭州市交通运输局", "杭州市交通运输局")
    ('杭州市道路运输管理服务中心', None)
    """
    return implementer if implementer and implementer != department else None


def validation_message(exc: ValidationError) -> str:
    """The first bad field of a pydantic error and its own message, on one line: ``field: why``."""
    errors = exc.errors()
    if not errors:
        return str(exc).splitlines()[0]
    where = ".".join(str(p) for p in errors[0]["loc"]) or "filters"
    return f"{where}: {str(errors[0]['msg']).removeprefix('Value error, ')}"


def number_added(doc_number: str | None, wording: str | None) -> str:
    """What was added to a 文号 written incomplete in its list (``doc_number_inferred``): its 号, which the
    list's last 文号 carries, or its agency, which the list's first carries.

    >>> number_added("闽人社文〔2009〕60号", "闽人社文〔2009〕60"), number_added("国科发火字〔2003〕96号", "〔2003〕96号")
    ('号', '国科发火字')
    """
    if not doc_number:
        return ""
    written = "".join((wording or "").split())
    if not written or doc_number.rstrip("号號") in written:
        return "号"
    return re.split(r"[〔【\[（(［〖]", doc_number, maxsplit=1)[0] or "号"


def number_added_note(doc_number: str | None, wording: str | None) -> str:
    """How a table says a 文号 was completed: "号 added", "国科发火字 added".

    >>> number_added_note("国科发火字〔2003〕96号", "〔2003〕96号")
    '国科发火字 added'
    """
    return f"{number_added(doc_number, wording)} added"


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


MAX_TOP_K = 100
"""The most projects one search lists through the command line (``search --top-k``) and the web
(``/api/search?top_k=``, a serve answering others' requests): the same limit in both; the Python API's
``top_k`` has none."""


SearchKind = Literal["narrative", "form"]
SEARCH_KINDS: tuple[str, ...] = get_args(SearchKind)
"""The kinds of record a search finds and its ``kind`` filter takes (a department-wide form is not indexed:
it is the department's, not a project)."""


class SearchFilters(_View):
    """What a search may be restricted to (None = no restriction).

    ``cites`` is a policy document as a user names it (title, 简称, 文号) or, once resolved, the
    canonical ids of the documents it names.
    """

    year: StrictInt | None = None
    department: str | None = None
    section: str | None = None
    cites: str | list[str] | None = None
    kind: SearchKind | None = None

    def __init__(self, **filters: Any) -> None:
        """A bad value is an :class:`~budgetscope.errors.InvalidFilter` naming the first bad field and
        why, on one line (not pydantic's count of errors and their links)."""
        try:
            super().__init__(**filters)
        except ValidationError as exc:
            raise InvalidFilter(validation_message(exc)) from None

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> Any:
        """One of :data:`SEARCH_KINDS`; anything else is refused naming them, as an unknown section is."""
        if value is None or value in SEARCH_KINDS:
            return value
        raise ValueError(f"unknown kind {str(value)[:60]!r} (known: {', '.join(SEARCH_KINDS)})")

    @field_validator("section")
    @classmethod
    def _known_section(cls, value: str | None) -> str | None:
        """A section key, or its template heading (立项依据 → legal_basis)."""
        if value is None:
            return None
        key = section_key(value)
        if key is None:
            raise ValueError(
                f"unknown section {value[:60]!r} (known: {', '.join(SECTION_KEYS)}, or 立项依据 …)"
            )
        return key

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, as the index's payload filters take them."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class CitedWording(_View):
    """How a project cites a policy document: the words as the document writes them (``wording``), the
    title and 文号 read from them, where."""

    title: str
    doc_number: str | None = None
    section: str | None = None
    bracketed: bool = True
    wording: str | None = None
    """The title and its 文号 as written, in the document's order (:attr:`Citation.wording`)."""
    doc_number_inferred: bool = False
    """The 文号 is written without its 号 (the last 文号 of its list carries it) or its agency (the first
    carries it: 国科发火字〔1994〕304号和〔2003〕96号); ``doc_number`` has it added (:func:`number_added`)."""
    version_inferred: bool = False
    """The wording names no version of a document that has several (no years in its title, no 文号 of one):
    the version matched is the one in force in the citing year (:mod:`budgetscope.store.versions`)."""

    @property
    def quoted(self) -> str:
        """The wording as written; for a citation stored before wordings were kept, the title in 《》 (when
        it was) and its 文号 in parentheses.

        >>> CitedWording(title="X", doc_number="国发〔2021〕9号", wording="国发〔2021〕9号文件《X》").quoted
        '国发〔2021〕9号文件《X》'
        >>> CitedWording(title="X", doc_number="国发〔2021〕9号").quoted
        '《X》（国发〔2021〕9号）'
        """
        if self.wording:
            return self.wording
        return (f"《{self.title}》" if self.bracketed else self.title) + (
            f"（{self.doc_number}）" if self.doc_number else ""
        )


class HitSource(_View):
    """Where a found project is written: its narrative or its form (a search hit lists both)."""

    doc: str | None = None
    line: int | None = None
    page: int | None = None
    id: str | None = None
    name: str | None = None
    kind: str | None = None


class SearchHit(HitSource):
    """One project found by a search or a cites query (DESIGN.md's hit), best first.

        ``highlights``: offsets in ``snippet`` of the query's words (search); ``sources``: every place
        the project is written (narrative and form); ``relevance``: the calibrated probability that the
    hit is relevant (search; :func:`~budgetscope.index.ranking.relevance`); ``weak``: below the
    relevance cut-off (marked where it stands in the ranking);
        ``dense``, ``lexical``, ``coverage``: the raw scores the rank was fused from (search); ``cited``
        and ``canonical``: the wordings cited and the policy documents matched (cites). Its first fields
        are its own source's (:class:`HitSource`).
    """

    year: int | None = None
    department: str | None = None
    unit: str | None = None
    budget_yuan: Decimal | None = None
    budget_flagged: bool = False
    budget_approximate: bool = False
    """The budget is read from an approximate amount (预算人民币约27万元): not an exact figure."""
    section: str | None = None
    score: float = 0.0
    snippet: str = ""
    highlights: list[list[int]] = Field(default_factory=list)
    sources: list[HitSource] = Field(default_factory=list)
    weak: bool = False
    relevance: float | None = None
    dense: float | None = None
    lexical: float | None = None
    coverage: float | None = None
    cited: list[CitedWording] = Field(default_factory=list)
    canonical: list[str] = Field(default_factory=list)


class _ProjectPlace(_View):
    """Which project, and where it is printed: the fields every view of a project starts with."""

    id: str
    kind: str
    doc: str
    line: int | None = None


class SeriesMember(_ProjectPlace):
    """One project of a series: the same project in another year or document."""

    page: int | None = None
    year: int | None = None
    name: str
    confidence: float
    this: bool = False
    budget_total_yuan: Decimal | None = None
    budget_flagged: bool = False
    """An unreviewed error-level finding disputes this member's budget (a likely 万元/元 slip): not fact."""
    budget_total_approximate: bool = False
    """This member's budget is read from an approximate amount (约27万元): not an exact figure."""


class Series(_View):
    """The same project across years and documents, oldest first; ``years``: one row per budget
    year (``year``, ``budget_total_yuan``, ``form_total_yuan``, ``change_yuan``, ``change_percent``,
    ``findings``, …; amounts Decimal), as :func:`budgetscope.store.series.series_years` gives them."""

    id: str
    confidence: float
    members: list[SeriesMember] = Field(default_factory=list)
    years: list[dict[str, Any]] = Field(default_factory=list)


class LinkedProject(_ProjectPlace):
    """The narrative's performance form, or the form's narrative; ``indicators``: the form's
    performance targets (a narrative whose 绩效目标 section points to its form shows them)."""

    page: int | None = None
    name: str
    budget_total_yuan: Decimal | None = None
    budget_total_approximate: bool = False
    """The linked record's budget is read from an approximate amount (约27万元): not an exact figure."""
    budget_flagged: bool = False
    """An unreviewed error-level finding disputes the linked record's numbers: its budget is not fact."""
    confidence: float
    indicators: list[Indicator] = Field(default_factory=list)


class ProjectSummary(_ProjectPlace):
    """One project as a listing shows it (``unit``: a form's implementing unit when it is not the
    department: same-named forms of one budget differ by it)."""

    page: int | None = None
    department: str | None = None
    year: int | None = None
    name: str
    budget_total_yuan: Decimal | None = None
    unit: str | None = None
    budget_flagged: bool = False
    """An unreviewed error-level finding disputes the project's numbers: its budget is not fact."""
    budget_total_approximate: bool = False
    """The budget is read from an approximate amount (约27万元): not an exact figure."""


class ProjectBudget(_View):
    """One project counted once: a narrative and the form linked to it are one (``ids``, ``kinds``: the
    records telling it, the narrative first), its budget the project's as search and cites give it
    (:func:`~budgetscope.models.project_budget`: the form's, else the narrative's); ``id``, ``name``,
    ``department`` and ``year`` are its first record's."""

    id: str
    ids: list[str]
    kinds: list[str]
    department: str | None = None
    year: int | None = None
    name: str
    budget_total_yuan: Decimal | None = None
    budget_flagged: bool = False
    """An unreviewed error-level finding disputes the numbers of one of its records: its budget is not fact."""
    budget_approximate: bool = False
    """The record whose budget it is read it from an approximate amount (约27万元): not an exact figure."""


class DocumentSummary(_View):
    """One stored source document: what it is, and how many projects were read from it."""

    doc: str
    path: str | None = None
    kind: str
    department: str | None = None
    year: int | None = None
    pages: int | None = None
    chars: int | None = None
    projects: int = 0
    """Its projects: narratives and forms (a department-wide form is no project: ``department_forms``)."""
    department_forms: int = 0
    warnings: list[str] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)
    """What the document shows and was not read, or states and the forms read do not account for, as its
    checks found it, one line each ("listed projects not read: 3 (77,520,000元)"): it is not complete."""


class ProjectView(_View):
    """Everything known about one project: the record, its series, its linked form or narrative,
    every check made about it and the findings among them."""

    record: Record
    canonical_titles: dict[str, str] = Field(default_factory=dict)
    """Title of each canonical policy document the record's citations resolve to."""
    series: Series | None = None
    linked: LinkedProject | None = None
    checks: list[Check] = Field(default_factory=list)

    @property
    def findings(self) -> list[Check]:
        """The checks that are not agreements (nor reviewed)."""
        return [c for c in self.checks if c.is_finding]

    def contract(self) -> dict[str, Any]:
        """What ``budgetscope show --format json`` prints (JSON-ready but for amounts, Decimal, and other exact
        numbers, see :func:`~budgetscope.models.money.to_json`)."""
        rid = self.record.id  # the record's budget flagged by the store's findings, as ingest flags it
        project = self.record.contract(
            flags=[c.kind for c in self.findings if c.severity == "error" and c.disputes(rid)]
        )
        for c in project["citations"]:
            c["canonical_title"] = self.canonical_titles.get(c["canonical"])
        series = None
        if self.series is not None:
            series = self.series.model_dump(
                mode="json", exclude={"members": {"__all__": {"budget_total_yuan"}}, "years": True}
            )
            series["years"] = [{k: _exact(v) for k, v in y.items()} for y in self.series.years]
        linked = None
        if self.linked is not None:
            linked = self.linked.model_dump(mode="json")
            total = self.linked.budget_total_yuan
            linked["budget_total_yuan"] = money_decimal(total) if total is not None else None
            linked["indicators"] = [i.contract() for i in self.linked.indicators]
        checks = [
            {k: _exact(v) for k, v in c.model_dump(exclude={"reviewed_at", "review_note"}).items()}
            for c in self.checks
        ]
        return {
            "project": project,
            "series": series,
            "linked": linked,
            "checks": checks,
            "findings": [row for row, c in zip(checks, self.checks, strict=True) if c.is_finding],
        }


def _exact(value: Any) -> Any:
    """A value for a contract: an amount (Decimal) in its written form, a :class:`Number` (a change in
    percent) as :func:`~budgetscope.models.money.number` gives it, anything else as it is."""
    if isinstance(value, Number):
        return number(value)
    return money_decimal(value) if isinstance(value, Decimal) else value


__all__ = [
    "CitedWording",
    "DocumentSummary",
    "HitSource",
    "LinkedProject",
    "ProjectSummary",
    "ProjectView",
    "SearchFilters",
    "SearchHit",
    "Series",
    "SeriesMember",
    "form_unit",
    "number_added",
    "number_added_note",
]
