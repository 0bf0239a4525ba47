"""The Python API's arguments checked as the CLI checks its options, before anything is opened or read: a
bad one is one line, an :class:`~budgetscope.api.errors.InvalidQuery` (the CLI's usage mistakes, exit 2) or
the named error whose message the CLI prints (an unknown document is :class:`DocumentNotFound`).

Each check has one source, which the CLI uses too: the check kinds are :data:`~budgetscope.models.CHECK_KINDS`,
the record kinds :data:`~budgetscope.models.RecordKind`, the search modes :data:`MODES`.

Example:
    >>> one_or_many("corpus/a.txt"), one_or_many(["a.txt", "b.txt"])
    (['corpus/a.txt'], ['a.txt', 'b.txt'])
    >>> whole_year("year", 2026)
    2026
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from budgetscope.api.errors import DocumentNotFound, InvalidFilter, InvalidQuery, UnknownCheckKind
from budgetscope.vector.query import SearchMode

if TYPE_CHECKING:
    from budgetscope.models import SearchFilters

MODES: tuple[str, ...] = get_args(SearchMode)
"""How a search ranks: both lists fused, or the dense or the sparse one alone."""


def one_or_many(given: str | os.PathLike[str] | Iterable[Any]) -> list[Any]:
    """A path or a name given alone is one (``ingest("a.pdf")``), not its characters: ``"/a.pdf"`` iterated
    would be ``/`` (the whole disk), ``a``, ``.`` …"""
    if isinstance(given, str | os.PathLike):
        return [given]
    return list(given)


def whole_year(name: str, year: object) -> int | None:
    """``year`` when it is None or a whole number (as the CLI's ``--year`` takes it), else :class:`InvalidQuery`.

    >>> whole_year("since", "2023")
    Traceback (most recent call last):
    ...
    budgetscope.errors.InvalidQuery: since must be a whole number (a year), not '2023'
    """
    if year is None or (isinstance(year, int) and not isinstance(year, bool)):
        return year
    raise InvalidQuery(f"{name} must be a whole number (a year), not {year!r}")


def worker_count(workers: object) -> int | None:
    """``workers`` when it is None or a whole number of 1 or more (``ingest --workers``), else :class:`InvalidQuery`."""
    if workers is None or (isinstance(workers, int) and not isinstance(workers, bool) and workers >= 1):
        return workers
    raise InvalidQuery(f"workers must be a whole number of 1 or more, not {workers!r}")


def record_kind(kind: object) -> str | None:
    """A record kind (``narrative``, ``form``, ``department_form``) or None, else :class:`InvalidQuery`."""
    from budgetscope.models import RecordKind

    known = get_args(RecordKind)
    if kind is None or kind in known:
        return kind  # type: ignore[return-value]
    raise InvalidQuery(f"unknown kind {str(kind)[:60]!r} (known: {', '.join(known)})")


def search_mode(mode: object) -> SearchMode:
    """``hybrid``, ``dense`` or ``sparse``, else :class:`InvalidQuery` (``search --mode``)."""
    if mode in MODES:
        return mode  # type: ignore[return-value]
    raise InvalidQuery(f"unknown search mode {str(mode)[:60]!r}: expected {', '.join(MODES)}")


def search_filters(filters: SearchFilters | Mapping[str, Any] | None) -> SearchFilters | None:
    """Filters as :class:`~budgetscope.models.SearchFilters`, from one or a mapping of its fields; a bad
    value or an unknown field is :class:`InvalidFilter` (``filters: field: why``)."""
    from budgetscope.models import SearchFilters

    if filters is None or isinstance(filters, SearchFilters):
        return filters
    try:
        return SearchFilters(**dict(filters))
    except InvalidFilter as exc:
        raise InvalidFilter(f"filters: {exc}") from None
    except (TypeError, ValueError):  # not a mapping of names to values
        raise InvalidFilter(
            f"filters: give a SearchFilters or a mapping of its fields, not {type(filters).__name__}"
        ) from None


def listed_filters(filters: SearchFilters | Mapping[str, Any] | None) -> dict[str, Any]:
    """:meth:`~budgetscope.api.Budgetscope.listed`'s filters as the index takes them, checked as
    :func:`search_filters` checks them; its ``department`` may also be a list of names (any of them).

    >>> listed_filters({"department": ["杭州市交通运输局"], "year": 2026})
    {'year': 2026, 'department': ['杭州市交通运输局']}
    """
    if filters is None or not isinstance(filters, Mapping) or not isinstance(filters.get("department"), list):
        return (search_filters(filters) or _no_filters()).as_dict()
    names = filters["department"]
    if not all(isinstance(n, str) for n in names):
        raise InvalidFilter(f"filters: department: give a name or a list of names, not {names!r}"[:300])
    rest = search_filters({k: v for k, v in filters.items() if k != "department"}) or _no_filters()
    return {**rest.as_dict(), "department": list(names)}


def _no_filters() -> SearchFilters:
    from budgetscope.models import SearchFilters

    return SearchFilters()


def check_kind(kind: str | None, stored: Collection[str]) -> str | None:
    """The check kind ``kind`` names: a kind of :data:`~budgetscope.models.CHECK_KINDS`, its short name (as
    ``check``'s table shows it) or a kind the store holds; else :class:`UnknownCheckKind` naming them all.

    >>> check_kind("amount", set()), check_kind(None, set())
    ('narrative_form_amount', None)
    """
    from budgetscope.models import CHECK_KINDS

    if kind is None:
        return None
    long = {short: name for name, short in CHECK_KINDS.items()}
    kind = long.get(kind, kind)
    if kind in CHECK_KINDS or kind in stored:
        return kind
    raise UnknownCheckKind(
        f"unknown check kind {str(kind)[:60]!r} (known: {', '.join(sorted({*CHECK_KINDS, *stored}))}, or as the "
        f"table names them: {', '.join(sorted(long))})"
    )


def stored_doc(doc: str | None, stored: list[str]) -> str | None:
    """The stored document ``doc`` names (a path given is taken by its file name), else
    :class:`DocumentNotFound` naming the nearest stored names.

    >>> stored_doc("/data/a.txt", ["a.txt"])
    'a.txt'
    """
    import difflib

    if doc is None:
        return None
    name = Path(doc).name if doc.strip() else doc
    if name in stored:
        return name
    near = [d for d in stored if name and name.lower() in d.lower()] or difflib.get_close_matches(
        name, stored, n=5, cutoff=0.4
    )
    shown = ", ".join(near[:5]) if near else ", ".join(stored[:5]) + (", …" if len(stored) > 5 else "")
    raise DocumentNotFound(
        f"no document {doc!r} in the store ({'did you mean' if near else 'stored'}: {shown or 'none'})"
    )


def export_request(format: object, out: Path | str) -> str:
    """The export format (``jsonl``, ``csv``, ``parquet``) when ``out`` is not empty, else :class:`ExportError`
    (``export --format``, ``--out``)."""
    from budgetscope.store.export import ExportError, ExportFormat

    formats = [f.value for f in ExportFormat]
    if format not in formats:
        raise ExportError(f"unknown export format {str(format)[:60]!r}; choose from {', '.join(formats)}")
    if not str(out).strip():
        raise ExportError("out is empty: give a folder, or - for stdout")
    return str(format)


__all__ = [
    "MODES",
    "SearchMode",
    "check_kind",
    "export_request",
    "listed_filters",
    "one_or_many",
    "record_kind",
    "search_filters",
    "search_mode",
    "stored_doc",
    "whole_year",
    "worker_count",
]
