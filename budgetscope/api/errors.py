"""The application layer's named errors: each message is one line a front end can show as is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from budgetscope.errors import BudgetscopeError, InvalidFilter, InvalidQuery, NamesOptions, Option

if TYPE_CHECKING:
    from budgetscope.index.ingest import IngestSummary
    from budgetscope.models import PolicyDocument


class YearsOutOfOrder(NamesOptions, InvalidQuery):
    """``changes``' earlier year (``since``) is not before the later one (``year``: given, or the
    department's latest stored, ``latest``).

    >>> str(YearsOutOfOrder(2026, 2023, latest=False)), str(YearsOutOfOrder(2026, 2026, latest=True))
    ('--since 2026 must be before --year 2023', '--since 2026 must be before the latest year 2026')
    """

    def __init__(self, since: int, year: int, *, latest: bool) -> None:
        self.since, self.year, self.latest = since, year, latest
        later = f"the latest year {year}" if latest else Option("year", year)
        super().__init__(Option("since", since), " must be before ", later)


class UnknownCheckKind(InvalidQuery):
    """A check kind that is none of :data:`~budgetscope.models.CHECK_KINDS` (nor their short names) and none
    the store holds: ``check --kind`` refuses it as a usage mistake (exit 2), ``checks(kind=…)`` raises it."""


class NoSearchIndex(BudgetscopeError):
    """Searching before anything was indexed."""


NO_INDEX_HINT = (
    "run `budgetscope ingest` first (or `budgetscope index`, when documents were stored with --no-index)"
)
"""What to do about :class:`NoSearchIndex`."""


class IndexNotUpdated(BudgetscopeError):
    """The search index could not be brought in line with the store: ``reason`` says why in one line (the
    server and what it answered, the disk full …). After an ingest or a load, ``summary`` is what it did
    (the :class:`~budgetscope.index.ingest.IngestSummary`: the documents stored, the files that failed) and
    the message says what the store holds; what was stored stays, pending for the next index update.

    >>> str(IndexNotUpdated.because("cannot reach Qdrant at http://127.0.0.1:6399: connection refused"))
    'search index not updated (the store is): cannot reach Qdrant at http://127.0.0.1:6399: connection refused'
    """

    def __init__(
        self, message: str, *, reason: str | None = None, summary: IngestSummary | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason or message
        self.summary = summary

    @classmethod
    def because(
        cls, reason: str, *, stored: str = "the store is", summary: IngestSummary | None = None
    ) -> IndexNotUpdated:
        """``search index not updated (STORED): REASON``, where ``stored`` says what the store holds."""
        return cls(f"search index not updated ({stored}): {reason}", reason=reason, summary=summary)


class UnknownDepartment(BudgetscopeError):
    """A department filter names no stored department, or several."""


class AmbiguousDepartment(UnknownDepartment):
    """A department filter that may mean several stored departments (杭州: 杭州市交通运输局, 杭州市…);
    the message lists them."""


class UnknownPolicyDocument(NamesOptions):
    """A ``cites`` filter names no known policy document."""


class AmbiguousPolicyDocument(BudgetscopeError):
    """A short name (纲要, 条例) that may mean several cited policy documents: ``candidates`` holds
    each with how many projects cite it, most first; the message lists them on one line.

    >>> from budgetscope.models import PolicyDocument
    >>> str(AmbiguousPolicyDocument("条例", [(PolicyDocument(id="pd:1", title="信访工作条例"), 2)]))
    "'条例' is ambiguous: it may mean 1 cited document: 信访工作条例 (2 projects)"
    """

    def __init__(self, query: str, candidates: Sequence[tuple[PolicyDocument, int]]) -> None:
        self.query = query
        self.candidates = list(candidates)
        listed = "; ".join(f"{d.title} ({n} project{'' if n == 1 else 's'})" for d, n in self.candidates)
        count = len(self.candidates)
        super().__init__(
            f"{query[:60]!r} is ambiguous: it may mean {count} cited document{'' if count == 1 else 's'}: {listed}"
        )


class DocumentNotFound(BudgetscopeError):
    """No stored document has this name."""


class ProjectNotFound(BudgetscopeError):
    """No project has this id, id prefix or ``DOC:LINE``."""


class LineOutOfRange(ProjectNotFound):
    """``DOC:LINE`` names a line past the end of the document's text (the message gives its last line)."""


class AmbiguousProject(BudgetscopeError):
    """A project id prefix matches several projects."""


class UnreadableLoad(BudgetscopeError):
    """A file given to ``load`` cannot be read as lines of the map step (what was stored before it stays)."""


class IndexBusy(BudgetscopeError):
    """The embedded index is held by another process (a running ``serve``, an ``ingest``) for longer
    than the wait allowed."""


class PandasMissing(BudgetscopeError):
    """``to_frame`` needs pandas, which is not installed."""


def describe(exc: BaseException) -> str:
    """One line for an exception a front end does not expect (no space, store, file, index errors)."""
    import sqlite3

    from budgetscope.messages import disk_full, is_disk_full, quoted

    if is_disk_full(exc):
        return disk_full(quoted(exc.filename) if isinstance(exc, OSError) and exc.filename else "")
    if isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc):  # pages of the file overwritten
        return (
            f"store damaged ({exc}): restore a copy of budgetscope.sqlite, or ingest the documents again "
            "into a new --home"
        )
    if isinstance(exc, sqlite3.Error):
        return f"store: {exc}"
    if isinstance(exc, OSError):
        where = f"{quoted(exc.filename)}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    from budgetscope.store.protocol import StoreError
    from budgetscope.vector.query import VectorIndexError

    if isinstance(exc, StoreError | VectorIndexError):
        return str(exc)
    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return f"unexpected {type(exc).__name__}: {first} (run with --verbose for the traceback)"


__all__ = [
    "NO_INDEX_HINT", "AmbiguousDepartment", "AmbiguousPolicyDocument", "AmbiguousProject", "BudgetscopeError",
    "DocumentNotFound", "IndexBusy", "IndexNotUpdated", "InvalidFilter", "InvalidQuery", "LineOutOfRange",
    "NoSearchIndex", "PandasMissing", "ProjectNotFound", "UnknownCheckKind", "UnknownDepartment",
    "UnknownPolicyDocument", "UnreadableLoad", "YearsOutOfOrder", "describe",
]  # fmt: skip
