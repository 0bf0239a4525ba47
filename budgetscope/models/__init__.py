"""Typed models: the vocabulary every layer of budgetscope speaks.

No I/O here, and nothing imported from the rest of the package but the root of its errors
(:mod:`budgetscope.errors`). :mod:`.records` holds what the
pipeline reads (records serialize to the record contract of DESIGN.md with :meth:`Record.contract`),
:mod:`.coverage` how much of a document was read, :mod:`.statements` a budget's own tables,
:mod:`.links` what linking across documents makes (checks, links, series) and :mod:`.views` what the
application layer answers with.

Example:
    >>> from budgetscope.models import Amount
    >>> from decimal import Decimal
    >>> Amount(text="60万元", yuan=Decimal("600000"), role="total", section="budget", start=0, end=4).yuan
    Decimal('600000')
"""

from budgetscope.models.coverage import Coverage, Evidence
from budgetscope.models.indicators import Comparison, Target
from budgetscope.models.links import (
    CHECK_KINDS,
    SEVERITY,
    SEVERITY_ORDER,
    Check,
    ProjectLink,
    SeriesLink,
    budget_teller,
    project_budget,
)
from budgetscope.models.money import (
    Number,
    decimal_text,
    fen,
    money_decimal,
    money_grouped,
    money_text,
    number,
    to_json,
)
from budgetscope.models.records import (
    FORM_TEXT_SECTIONS,
    FORM_TOTAL_KEYS,
    SECTION_KEYS,
    SECTION_TITLES,
    Amount,
    AmountRole,
    Citation,
    Component,
    DocNumber,
    Document,
    DocumentKind,
    Form,
    Indicator,
    Part,
    Period,
    PolicyDocument,
    Record,
    RecordKind,
    Section,
    document_id,
    stable_id,
)
from budgetscope.models.statements import BudgetLine, BudgetTable, StatedTotal, row_key, table_kind
from budgetscope.models.views import (
    MAX_TOP_K,
    SEARCH_KINDS,
    CitedWording,
    DocumentSummary,
    HitSource,
    LinkedProject,
    ProjectBudget,
    ProjectSummary,
    ProjectView,
    SearchFilters,
    SearchHit,
    Series,
    SeriesMember,
    form_unit,
    section_key,
)

__all__ = [
    "CHECK_KINDS",
    "FORM_TEXT_SECTIONS",
    "FORM_TOTAL_KEYS",
    "MAX_TOP_K",
    "SEARCH_KINDS",
    "SECTION_KEYS",
    "SECTION_TITLES",
    "SEVERITY",
    "SEVERITY_ORDER",
    "Amount",
    "AmountRole",
    "BudgetLine",
    "BudgetTable",
    "Check",
    "Citation",
    "CitedWording",
    "Comparison",
    "Component",
    "Coverage",
    "DocNumber",
    "Document",
    "DocumentKind",
    "DocumentSummary",
    "Evidence",
    "Form",
    "HitSource",
    "Indicator",
    "LinkedProject",
    "Number",
    "Part",
    "Period",
    "PolicyDocument",
    "ProjectBudget",
    "ProjectLink",
    "ProjectSummary",
    "ProjectView",
    "Record",
    "RecordKind",
    "SearchFilters",
    "SearchHit",
    "Section",
    "Series",
    "SeriesLink",
    "SeriesMember",
    "StatedTotal",
    "Target",
    "budget_teller",
    "decimal_text",
    "document_id",
    "fen",
    "form_unit",
    "money_decimal",
    "money_grouped",
    "money_text",
    "number",
    "project_budget",
    "row_key",
    "section_key",
    "stable_id",
    "table_kind",
    "to_json",
]
