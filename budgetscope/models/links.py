"""What linking across documents makes: checks, narrative ↔ form links, series memberships.

No I/O here, and nothing imported from the rest of the package but :mod:`budgetscope.models.records`.
:mod:`budgetscope.pipeline.linking` makes these; the store keeps them (:mod:`budgetscope.store.rows`).

Example:
    >>> from decimal import Decimal
    >>> c = Check(id="c1", kind="sum", status="rounded", subject="合计", message="",
    ...           stated_yuan=Decimal("179500"), found_yuan=Decimal("179540"))
    >>> c.severity, c.difference_yuan, c.found_fen, c.is_finding
    ('info', Decimal('40'), 17954000, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from budgetscope.models.money import fen

SEVERITY = {"agree": "ok", "rounded": "info", "missing": "info", "differs": "info", "disagree": "warning"}
"""Severity of each status (a check may set its own: a unit slip is an ``error``)."""

MUTUAL_KINDS = frozenset({"narrative_form_amount", "narrative_form_period", "narrative_form_name"})
"""Checks comparing two projects' numbers with neither as the yardstick: both numbers are in question.
In any other check naming an ``other_id`` (a unit slip against another year's budget, against its form),
the other project is only the yardstick: its number is not disputed."""


def disputes(check: Mapping[str, Any], project_id: str) -> bool:
    """:meth:`Check.disputes` on a check as its contract writes it (``show --format json``'s findings)."""
    return check["project_id"] == project_id or (
        check["other_id"] == project_id and check["kind"] in MUTUAL_KINDS
    )


def project_budget(told: Iterable[tuple[str | None, Decimal | None]]) -> Decimal | None:
    """The budget of a project told by several records (``(kind, budget)``: a narrative and the form linked
    to it): the form's, its exact figure (a narrative may round it to 万元), else the narrative's. The one
    rule of every answer that shows a project once: search and cites hits, ``show``'s header, /browse.

    >>> project_budget([("narrative", Decimal("1524300")), ("form", Decimal("1524325"))])
    Decimal('1524325')
    >>> project_budget([("narrative", None), ("form", Decimal("1106700"))]), project_budget([("form", None)])
    (Decimal('1106700'), None)
    """
    told = list(told)
    i = budget_teller(told)
    return None if i is None else told[i][1]


def budget_teller(told: Sequence[tuple[str | None, Decimal | None]]) -> int | None:
    """Which of the records (``(kind, budget)``) tells the project's budget (:func:`project_budget`), None when
    none states one: its budget is approximate when that record's is.

    >>> budget_teller([("narrative", Decimal("270000")), ("form", None)]), budget_teller([("form", None)])
    (0, None)
    """
    stated = [i for i, (_, budget) in enumerate(told) if budget is not None]
    return next((i for i in stated if told[i][0] == "form"), next(iter(stated), None))


CHECK_KINDS = {"department_total": "total", "narrative_form_amount": "amount", "narrative_form_period": "period",
               "narrative_form_name": "name", "magnitude": "unit", "project_sum": "sum", "table_sum": "table",
               "period_year": "year", "forms_total": "forms", "goal_indicator": "goal", "listed_project": "listed",
               "annual_budget": "annual"}  # fmt: skip
"""Every kind of check :mod:`budgetscope.pipeline.linking` makes (whether a store holds findings of it or not)
→ its short name, as ``check``'s table shows it; ``check --kind`` and ``checks(kind=…)`` take either."""

SEVERITY_ORDER = {"error": 3, "warning": 2, "info": 1, "ok": 0}
"""Severities from the gravest; ``check --fail-on`` compares with it."""


class _Link(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Link):
    """One comparison and its outcome (``agree``, ``rounded``, ``missing``, ``differs``, ``disagree``)
    about a project, a table or a document (unit slips, sums, periods, narrative vs form, stated
    totals vs tables); a finding when its status is neither ``agree`` nor ``rounded``.

    ``doc``/``page``/``line`` place the number checked, ``other_doc``/``other_page``/``other_line``
    the number it was compared with; ``field`` names the project's number (``budget_total``,
    ``period``, ``form.<key>``, ``amount.<n>``); amounts are exact (``*_yuan`` Decimal, ``*_fen``
    integer, filled from the yuan). ``severity`` is the status's (:data:`SEVERITY`) unless set (a
    unit slip is an ``error``). ``reviewed``: marked as a false positive (``budgetscope check
    --review``), with ``reviewed_at`` and ``review_note`` when listed as reviewed.
    """

    id: str
    kind: str
    status: str
    severity: str = ""
    document_id: str | None = None
    project_id: str | None = None
    other_id: str | None = None
    doc: str | None = None
    line: int | None = None
    subject: str
    stated: str | None = None
    stated_yuan: Decimal | None = None
    found: str | None = None
    found_yuan: Decimal | None = None
    difference_yuan: Decimal | None = None
    message: str
    page: int | None = None
    other_doc: str | None = None
    other_line: int | None = None
    other_page: int | None = None
    field: str | None = None
    stated_fen: int | None = None
    found_fen: int | None = None
    difference_fen: int | None = None
    reviewed: bool = False
    reviewed_at: str | None = None
    review_note: str | None = None

    def disputes(self, project_id: str) -> bool:
        """Whether this check puts ``project_id``'s number in question: the project checked, or the other
        side of a :data:`MUTUAL_KINDS` comparison (not the yardstick of a unit slip).

        >>> slip = Check(id="c", kind="magnitude", status="disagree", subject="s", message="m",
        ...              project_id="p2023", other_id="p2026", severity="error")
        >>> slip.disputes("p2023"), slip.disputes("p2026")
        (True, False)
        """
        return disputes(self.model_dump(include={"project_id", "other_id", "kind"}), project_id)

    @model_validator(mode="before")
    @classmethod
    def _derived(cls, data: object) -> object:
        """Severity from the status, the difference and the fen from the amounts, when not given."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if not data.get("severity"):
            data["severity"] = SEVERITY.get(str(data.get("status")), "info")
        stated, found = data.get("stated_yuan"), data.get("found_yuan")
        if data.get("difference_yuan") is None and stated is not None and found is not None:
            data["difference_yuan"] = Decimal(str(found)) - Decimal(str(stated))
        for side in ("stated", "found", "difference"):
            value = data.get(f"{side}_yuan")
            if data.get(f"{side}_fen") is None and value is not None:
                data[f"{side}_fen"] = fen(Decimal(str(value)))
        return data

    @property
    def is_finding(self) -> bool:
        """True unless the two sides agree (exactly or after rounding) or it was reviewed."""
        return self.status not in ("agree", "rounded") and not self.reviewed


class ProjectLink(_Link):
    """A narrative and a performance form describing the same project in the same year."""

    narrative_id: str
    form_id: str
    confidence: float


class SeriesLink(_Link):
    """One project's place in a series: the series id, how sure, and the project it was matched with."""

    project_id: str
    series_id: str
    confidence: float
    matched_with: str | None = None
    evidence: dict[str, float] | None = None


__all__ = ["SEVERITY", "SEVERITY_ORDER", "Check", "ProjectLink", "SeriesLink"]
