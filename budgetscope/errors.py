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


__all__ = ["BudgetscopeError"]
