"""The application layer's named errors: each message is one line a front end can show as is."""

from __future__ import annotations


class BudgetscopeError(Exception):
    """A request the API cannot answer; ``str(exc)`` is a one-line message naming what and why."""


class NoSearchIndex(BudgetscopeError):
    """Searching before anything was indexed."""


class IndexNotUpdated(BudgetscopeError):
    """The store was written but the search index could not be brought in line with it."""


class UnknownDepartment(BudgetscopeError):
    """A department filter names no stored department, or several."""


class UnknownPolicyDocument(BudgetscopeError):
    """A ``cites`` filter names no known policy document."""


class ProjectNotFound(BudgetscopeError):
    """No project has this id, id prefix or ``DOC:LINE``."""


class AmbiguousProject(BudgetscopeError):
    """A project id prefix matches several projects."""


class PandasMissing(BudgetscopeError):
    """``to_frame`` needs pandas, which is not installed."""
