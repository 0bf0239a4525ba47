"""What :class:`~budgetscope.api.Budgetscope` answers as tables: an export kind as a DataFrame
(:func:`export_frame`) and a department's changes between two years (:func:`changes_of`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from budgetscope.api.errors import BudgetscopeError, PandasMissing

if TYPE_CHECKING:
    from budgetscope.models.changes import DepartmentChanges
    from budgetscope.store.protocol import EntityStore


def export_frame(store: EntityStore, what: str) -> Any:
    """The rows of one export kind as a pandas DataFrame with its columns (see ``Budgetscope.frame``)."""
    from budgetscope.store.export import export_rows
    from budgetscope.store.export_fields import ExportError, fields_of

    try:
        import pandas as pd
    except ImportError:
        raise PandasMissing("frame needs pandas: pip install pandas") from None
    try:
        columns = [f.name for f in fields_of(what)]
    except ExportError as exc:
        raise BudgetscopeError(str(exc)) from None
    return pd.DataFrame.from_records(list(export_rows(store, what)), columns=columns)


def changes_of(
    store: EntityStore, department: str, *, year: int | None = None, since: int | None = None
) -> DepartmentChanges:
    """A department's changes (see ``Budgetscope.changes``), the department resolved as search does."""
    from budgetscope.api.errors import YearsOutOfOrder
    from budgetscope.api.searching import department_filter
    from budgetscope.store.changes import YearsOutOfOrder as OutOfOrder
    from budgetscope.store.changes import department_changes

    named = department_filter(store, department.strip())
    try:  # a year the store lacks is its NoChanges, a BudgetscopeError naming --since as each front end does
        return department_changes(store, named, year=year, since=since)
    except OutOfOrder as exc:  # a mistake of the request (exit 2, a 400), not a year the store lacks
        raise YearsOutOfOrder(exc.since, exc.year, latest=exc.latest) from None


__all__ = ["changes_of", "export_frame"]
