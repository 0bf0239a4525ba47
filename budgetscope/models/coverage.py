"""What a document appears to hold against what was read (re-exported by :mod:`budgetscope.models`).

No I/O here. :class:`Coverage` is a document's report, never silently short; :class:`Evidence` one sign
of how many projects the document holds.

Example:
    >>> Coverage(forms_read=1, forms_expected=3).short
    True
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetscope.models.money import money_decimal


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Record):
    """One sign, in a document's own text, of how many projects it holds (see :class:`Coverage`); ``stated_funds``:
    a count with the money it states (共计24个一级项目，涉及资金568,368.51万元), count 0 for the money alone."""

    kind: Literal["statement", "stated_funds", "form_title", "form_table", "narrative_heading", "stated_total"]  # fmt: skip
    text: str
    count: int = 1
    page: int | None = None
    line: int | None = None


class Coverage(_Record):
    """What a document appears to hold against what was read: never silently short.

    ``forms_expected`` / ``narratives_expected`` are the least the document's own evidence shows
    (its statements "涉及预算项目3个", form titles, 项目名称 cells, goal tables, narrative headings);
    ``problems`` name what could not be read (an unknown layout, a section that swallowed text).
    """

    forms_read: int = 0
    forms_expected: int = 0
    narratives_read: int = 0
    narratives_expected: int = 0
    stated_total_yuan: Decimal | None = None
    read_total_yuan: Decimal | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def short(self) -> bool:
        """True when the document shows more than was read, or something could not be read."""
        return (
            self.forms_read < self.forms_expected
            or self.narratives_read < self.narratives_expected
            or bool(self.problems)
        )

    def contract(self) -> dict[str, Any]:
        """The ``coverage`` object of `segment --format json` (JSON-ready, money exact)."""
        out = self.model_dump(mode="json", exclude={"stated_total_yuan", "read_total_yuan"})
        for key in ("stated_total_yuan", "read_total_yuan"):
            value = getattr(self, key)
            out[key] = money_decimal(value) if value is not None else None
        out["short"] = self.short
        return out


__all__ = ["Coverage", "Evidence"]
