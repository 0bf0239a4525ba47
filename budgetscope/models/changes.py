"""What changed in a department's budget from one year to another: its projects new, dropped and
continued, with their budgets and targets (what :mod:`budgetscope.store.changes` answers).

No I/O here, and nothing imported from the rest of the package but the other :mod:`budgetscope.models` modules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetscope.models.money import Number

ChangeStatus = Literal["continued", "new", "dropped"]


class TargetChange(BaseModel):
    """One indicator (三级指标) of a project's form whose target differs between the two years; ``before``
    None: added that year; ``after`` None: gone."""

    model_config = ConfigDict(extra="forbid")

    indicator: str
    before: str | None = None
    after: str | None = None


class ProjectChange(BaseModel):
    """A project (a series across years) as it stands in the two years compared.

    ``status``: ``continued`` (in both years), ``new`` (in the later year only; ``seen_in`` the earlier
    years of its series, if any, before the one compared) or ``dropped`` (in the earlier year only;
    ``seen_in`` the later years it is back in). Budgets are the year's (the form's exact figure, else
    the narrative's, as search shows them); ``change_yuan``/``change_percent`` compare them.
    ``budget_flagged``/``budget_before_flagged``: an error-level finding disputes that year's budget (as
    ``list``, ``show`` and the series export say of it); ``flagged``: either is disputed, so the change is
    no fact. ``budget_approximate``/``budget_before_approximate``: that year's budget is read from an
    approximate amount (约27万元), so it and the change are not exact. ``targets``: the form's indicators
    whose target changed.
    """

    model_config = ConfigDict(extra="forbid")

    status: ChangeStatus
    series_id: str
    name: str
    name_before: str | None = None
    project_id: str | None = None
    project_id_before: str | None = None
    budget_yuan: Decimal | None = None
    budget_before_yuan: Decimal | None = None
    change_yuan: Decimal | None = None
    change_percent: Decimal | None = None
    """A percent, not money (one decimal; :meth:`DepartmentChanges.contract` writes it as a :class:`Number`)."""
    flagged: bool = False
    budget_flagged: bool = False
    budget_before_flagged: bool = False
    budget_approximate: bool = False
    budget_before_approximate: bool = False
    seen_in: list[int] = Field(default_factory=list)
    targets: list[TargetChange] = Field(default_factory=list)
    targets_compared: bool = False
    """Both years have a form with indicators: ``targets`` lists every difference (else nothing is said)."""


class YearHolding(BaseModel):
    """What the store holds of the department for one year: its documents, and how many narratives and
    forms were read from them, and the sum of its projects' budgets (each project once; flagged ones
    left out and counted; ``approximate``: how many of those summed are approximate, 约27万元)."""

    model_config = ConfigDict(extra="forbid")

    year: int
    documents: list[str]
    narratives: int = 0
    forms: int = 0
    projects: int = 0
    budget_total_yuan: Decimal = Decimal("0.00")
    without_budget: int = 0
    flagged: int = 0
    approximate: int = 0


class DepartmentChanges(BaseModel):
    """A department's projects from ``since`` to ``year``, with what each year's documents hold and the
    ``notes`` a reader needs before trusting a "new" or "dropped" (a year with forms only …)."""

    model_config = ConfigDict(extra="forbid")

    department: str
    since: int
    year: int
    holdings: list[YearHolding]
    projects: list[ProjectChange]
    notes: list[str] = Field(default_factory=list)

    def contract(self) -> dict[str, Any]:
        """JSON-ready for :func:`~budgetscope.models.to_json`: amounts stay :class:`~decimal.Decimal`
        (money, written exactly), each ``change_percent`` a :class:`Number` (its digits as they are)."""
        out = self.model_dump()
        for project in out["projects"]:
            if project["change_percent"] is not None:
                project["change_percent"] = Number(project["change_percent"])
        return out


__all__ = ["ChangeStatus", "DepartmentChanges", "ProjectChange", "TargetChange", "YearHolding"]
