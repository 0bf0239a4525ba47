"""The values every check speaks in: :class:`Check`, :class:`ProjectLink`, severities, comparison.

Shared by :mod:`.findings`, :mod:`.table_checks` and :mod:`.audits` (each of which makes checks),
so that none of them imports another for its vocabulary.

Example:
    >>> from decimal import Decimal
    >>> compare(Decimal("179500"), Decimal("179540"), Decimal("100")), yuan_text(Decimal("179540"))
    ('rounded', '179,540元')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

SEVERITY = {"agree": "ok", "rounded": "info", "missing": "info", "differs": "info", "disagree": "warning"}
"""Severity of each status (a check may set its own: a unit slip is an ``error``)."""

SEVERITY_ORDER = {"error": 3, "warning": 2, "info": 1, "ok": 0}
"""Severities from the gravest; ``check --fail-on`` compares with it."""


@dataclass(frozen=True)
class Check:
    """One comparison and its outcome (``agree``, ``rounded``, ``missing``, ``differs``, ``disagree``)."""

    id: str
    kind: str
    status: str
    subject: str
    message: str
    doc: str | None = None
    line: int | None = None
    document_id: str | None = None
    project_id: str | None = None
    other_id: str | None = None
    stated: str | None = None
    stated_yuan: Decimal | None = None
    found: str | None = None
    found_yuan: Decimal | None = None
    page: int | None = None
    other_doc: str | None = None
    """Where the other number is: file, line and page (the stated one is at ``doc``, ``line``, ``page``)."""
    other_line: int | None = None
    other_page: int | None = None
    field: str | None = None
    """The number of the project it concerns: ``budget_total``, ``form.<key>`` or ``amount.<n>``."""
    level: str | None = None
    """Severity when not the status's (see :data:`SEVERITY`)."""

    @property
    def severity(self) -> str:
        return self.level or SEVERITY.get(self.status, "info")

    @property
    def difference_yuan(self) -> Decimal | None:
        if self.stated_yuan is None or self.found_yuan is None:
            return None
        return self.found_yuan - self.stated_yuan

    def row(self) -> dict[str, Any]:
        """The ``checks`` row."""
        from budgetscope.store.schema import money_columns

        return {
            "id": self.id, "kind": self.kind, "status": self.status, "severity": self.severity,
            "document_id": self.document_id, "project_id": self.project_id, "other_id": self.other_id,
            "doc": self.doc, "line": self.line, "page": self.page, "subject": self.subject, "stated": self.stated,
            **money_columns("stated_", self.stated_yuan), "found": self.found, **money_columns("found_", self.found_yuan),
            **money_columns("difference_", self.difference_yuan), "message": self.message,
            "other_doc": self.other_doc, "other_line": self.other_line, "other_page": self.other_page,
            "field": self.field,
        }  # fmt: skip


@dataclass(frozen=True)
class ProjectLink:
    """A narrative and a performance form describing the same project in the same year."""

    narrative_id: str
    form_id: str
    confidence: float

    def row(self) -> dict[str, Any]:
        return {
            "narrative_id": self.narrative_id,
            "form_id": self.form_id,
            "confidence": round(self.confidence, 4),
        }


def compare(stated: Decimal, found: Decimal, quantum: Decimal) -> str:
    """``agree`` when equal, ``rounded`` when equal at the stated precision, else ``disagree``.

    >>> compare(Decimal("600000"), Decimal("600000.00"), Decimal("10000"))
    'agree'
    """
    difference = abs(found - stated)
    if difference == 0:
        return "agree"
    return "rounded" if difference * 2 <= quantum else "disagree"


def yuan_text(value: Decimal) -> str:
    """``179,540元`` / ``17.95元``: an amount for a message."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"
