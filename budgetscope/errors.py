"""The root of budgetscope's own errors, which every layer may raise.

Each layer names its own errors (:class:`~budgetscope.pipeline.load.LoadError`,
:class:`~budgetscope.store.protocol.StoreError`, :class:`~budgetscope.vector.query.VectorIndexError`,
the application layer's in :mod:`budgetscope.api.errors` …); all of them are
:class:`BudgetscopeError`, so that ``except budgetscope.BudgetscopeError`` catches whatever a call of
the Python API raises about its input or its data home, and ``str(exc)`` is one line naming what and why.

Example:
    >>> from budgetscope.pipeline.load import LoadError
    >>> issubclass(LoadError, BudgetscopeError)
    True
"""

from __future__ import annotations


class BudgetscopeError(Exception):
    """A request that cannot be answered; ``str(exc)`` is a one-line message naming what and why."""


class InvalidQuery(BudgetscopeError, ValueError):
    """A query or an argument the API does not take, as the CLI refuses its options (a usage mistake, exit 2
    there): an empty query, ``top_k`` below 1, a year that is not a whole number, an unknown check kind …"""


class InvalidFilter(InvalidQuery):
    """A search filter the API does not take (an unknown ``kind`` or ``section``, a ``year`` that is not a
    whole number): ``field: why``, as :class:`~budgetscope.models.SearchFilters` names the first bad field.

    >>> from budgetscope.models import SearchFilters
    >>> try:
    ...     SearchFilters(year="2026")
    ... except InvalidFilter as exc:
    ...     print(exc)
    year: Input should be a valid integer
    """


__all__ = ["BudgetscopeError", "InvalidFilter", "InvalidQuery"]
