"""The application layer: the functions every front end (CLI, web page, notebook) calls.

Example:
    >>> import budgetscope, tempfile
    >>> with budgetscope.open(tempfile.mkdtemp()) as bs:
    ...     bs
    Budgetscope(home=...)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from budgetscope.api.errors import (
    AmbiguousDepartment,
    AmbiguousPolicyDocument,
    AmbiguousProject,
    BudgetscopeError,
    DocumentNotFound,
    IndexBusy,
    IndexNotUpdated,
    InvalidFilter,
    InvalidQuery,
    LineOutOfRange,
    NoSearchIndex,
    PandasMissing,
    ProjectNotFound,
    UnknownCheckKind,
    UnknownDepartment,
    UnknownPolicyDocument,
    UnreadableLoad,
    YearsOutOfOrder,
)
from budgetscope.api.frames import Rows, to_frame
from budgetscope.api.session import Budgetscope
from budgetscope.models import Document, SearchFilters


def open(
    home: Path | str | None = None, *, qdrant_url: str | None = None, encoder: str | None = None
) -> Budgetscope:
    """A data home: ``home`` (default: $BUDGETSCOPE_HOME, else the user data dir), its search index
    embedded under it or on the Qdrant server at ``qdrant_url``, ``encoder`` ``use``, ``e5`` or
    ``st:<model>`` (default: the one the index was built with). Nothing is loaded yet."""
    return Budgetscope(home, qdrant_url=qdrant_url, encoder=encoder)


def segment(path: Path | str) -> Document:
    """One file (text or PDF) read and segmented into projects, sections and forms, without a store.

    Raises LoadError (one line naming the file) for unreadable input.
    """
    from budgetscope.pipeline.document import read_document

    return read_document(path)


def extract(path: Path | str) -> Document:
    """One file segmented and extracted (amounts, periods, citations, implementing bodies), without a store.

    >>> doc = extract("corpus/sast-2026-performance-targets.txt")
    >>> doc.kind, doc.year
    ('performance_targets', 2026)
    """
    from budgetscope.pipeline.extract import extract_documents

    return extract_documents([segment(path)])[0]


def process(
    paths: Path | str | Iterable[Path | str], *, workers: int | None = None
) -> Iterator[tuple[str, str | None]]:
    """The map step of a parallel ingest: each file (in order) read as ``ingest`` reads it, as one JSON
    line for :meth:`Budgetscope.load`, with the file's one-line error (None when it was read).
    ``workers``: processes (default: one per core, up to 4, when a PDF is among the files or there are
    16 or more). Run it wherever the files are (a cluster's workers); no store is involved.

    >>> [(line[:40], error) for line, error in process(["corpus/sast-2026-performance-targets.txt"])]
    [('{"format": "budgetscope-processed/1", "p', None)]

    One path alone may be given as it is; ``workers`` below 1 is :class:`InvalidQuery`.
    """
    from budgetscope.api.arguments import one_or_many, worker_count
    from budgetscope.index.bulk import process_to_lines

    return process_to_lines(one_or_many(paths), worker_count(workers))


__all__ = [
    "AmbiguousDepartment",
    "AmbiguousPolicyDocument",
    "AmbiguousProject",
    "Budgetscope",
    "BudgetscopeError",
    "DocumentNotFound",
    "IndexBusy",
    "IndexNotUpdated",
    "InvalidFilter",
    "InvalidQuery",
    "LineOutOfRange",
    "NoSearchIndex",
    "PandasMissing",
    "ProjectNotFound",
    "Rows",
    "SearchFilters",
    "UnknownCheckKind",
    "UnknownDepartment",
    "UnknownPolicyDocument",
    "UnreadableLoad",
    "YearsOutOfOrder",
    "extract",
    "open",
    "process",
    "segment",
    "to_frame",
]
