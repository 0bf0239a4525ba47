"""The entity store's interface: the Protocol every backend implements and the values it speaks.

Haystack style: write documents with a :class:`DuplicatePolicy`, count, read, delete; one contract
test suite (tests/store/test_store.py) runs against every backend.

Example:
    >>> DuplicatePolicy("skip") is DuplicatePolicy.SKIP
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from budgetscope.errors import BudgetscopeError
from budgetscope.models import (
    BudgetTable,
    Check,
    Document,
    PolicyDocument,
    ProjectLink,
    Record,
    SeriesLink,
    StatedTotal,
)


class StoreError(BudgetscopeError):
    """The store cannot be opened or written; the message says why in one line."""


class DuplicateDocumentError(StoreError):
    """A document of the same name is already stored and the policy is ``FAIL``."""


class DocumentNotStored(StoreError):
    """One document could not be written, for a reason of its own (rows of it that clash); nothing of it
    is written and the store is as before, so other documents may still be."""


class WriteRefused(DocumentNotStored):
    """A write guard refused the document (another process stored a clashing one meanwhile)."""


class DuplicatePolicy(StrEnum):
    """What writing a document whose name is already stored does."""

    OVERWRITE = "overwrite"
    """Replace the stored document and everything in it (the default: a changed file replaces its records)."""
    SKIP = "skip"
    """Keep the stored document."""
    FAIL = "fail"
    """Raise :class:`DuplicateDocumentError`."""


@dataclass(frozen=True)
class DocumentEntry:
    """A document with what is stored alongside it: its tables, stated totals and document-level checks."""

    document: Document
    tables: Sequence[BudgetTable] = ()
    stated: Sequence[StatedTotal] = ()
    checks: Sequence[Check] = ()
    pipeline: str = ""


@dataclass(frozen=True)
class Fingerprint:
    """How a stored document was made: the file's SHA-1 and the pipeline version."""

    sha1: str
    pipeline: str


@dataclass
class Links:
    """Everything derived across documents, replaced at once by :meth:`EntityStore.write_links`."""

    policy_documents: list[PolicyDocument] = field(default_factory=list)
    canonical: dict[str, str | None] = field(default_factory=dict)
    """Canonical policy-document id per citation row id."""
    series: list[SeriesLink] = field(default_factory=list)
    project_links: list[ProjectLink] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    seq: int | None = None
    """The store's write sequence the links were computed at: :meth:`EntityStore.write_links` writes
    nothing when another process has written or removed a document since (they are computed again)."""


@runtime_checkable
class EntityStore(Protocol):
    """The store interface every backend implements (one contract test suite runs against each)."""

    def write_documents(
        self,
        entries: Iterable[DocumentEntry | Document],
        policy: DuplicatePolicy = DuplicatePolicy.OVERWRITE,
        guard: Callable[[Document], str | None] | None = None,
    ) -> int:
        """Write each document in its own transaction; return how many were written. ``guard``, called
        inside the transaction (another writer's documents are in view), may refuse a document: its
        reason is raised as :class:`WriteRefused` and nothing of it is written."""
        ...

    def delete_documents(self, names: Iterable[str]) -> int:
        """Delete documents (by file name) and everything in them; return how many existed."""
        ...

    def count_documents(self) -> int: ...

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        ...

    def fingerprints(self) -> dict[str, Fingerprint]:
        """How each stored document (by file name) was made."""
        ...

    def get_document(self, name: str) -> Document | None: ...

    def documents(self) -> Iterator[Document]:
        """Every stored document with its records, ordered by file name."""
        ...

    def get_records(self, ids: Iterable[str]) -> list[Record]:
        """The records with these ids (unknown ids are left out), in the order asked."""
        ...

    def write_links(self, links: Links) -> None:
        """Replace everything derived across documents in one transaction."""
        ...

    def review_findings(
        self, ids: Iterable[str], *, note: str | None = None, reviewed: bool = True
    ) -> list[str]:
        """Mark findings (by id or unique prefix) as reviewed false positives, or unmark them; the full ids."""
        ...

    def links_stale(self) -> bool:
        """True when documents were written or deleted after the last :meth:`write_links`."""
        ...

    def select(self, table: str, where: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Stream the rows of a table or view, optionally filtered by equality on columns."""
        ...

    def close(self) -> None: ...


__all__ = [
    "DocumentEntry",
    "DocumentNotStored",
    "DuplicateDocumentError",
    "DuplicatePolicy",
    "EntityStore",
    "Fingerprint",
    "Links",
    "StoreError",
    "WriteRefused",
]
