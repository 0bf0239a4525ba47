""":class:`Budgetscope`: one data home (the SQLite store and its search index) behind typed calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from budgetscope.api.arguments import SearchMode
from budgetscope.api.frames import Rows
from budgetscope.api.held_index import HeldIndex
from budgetscope.api.indexing import Progress
from budgetscope.api.stored import StoredReads
from budgetscope.models import PolicyDocument, SearchFilters, SearchHit

if TYPE_CHECKING:
    from budgetscope.index.ingest import IngestSummary
    from budgetscope.vector.base import VectorIndex


class Budgetscope(StoredReads):
    """A data home: ingest documents, search them, ask who cites what, read projects and findings.

    Opening is cheap: the store is opened per call, the search index and the encoder on the first
    search or ingest that needs them, once. Safe to share between threads (a web server): searches
    from several threads take turns on the one open index and the one loaded encoder, and go on
    while another thread ingests (see :mod:`budgetscope.api.held_index`).
    Use it as a context manager, or call :meth:`close`. Open it with :func:`budgetscope.open`.
    """

    def __init__(
        self, home: Path | str | None = None, *, qdrant_url: str | None = None, encoder: str | None = None
    ) -> None:
        from budgetscope.paths import data_home

        self.home = data_home(home)
        self.qdrant_url = qdrant_url
        self.encoder = encoder
        self._held = HeldIndex(self.home, qdrant_url=qdrant_url, encoder=encoder)

    def __repr__(self) -> str:
        return f"Budgetscope(home={str(self.home)!r})"

    # -- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the search index (releasing the embedded index's lock); the next search reopens it. An
        ingest or remove running in another thread stops at its next write on the index: the documents
        it stored stay, those not indexed yet are indexed by the next ingest or ``budgetscope index``."""
        self._held.close()

    def __enter__(self) -> Budgetscope:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _updating(self) -> Callable[[], AbstractContextManager[VectorIndex]]:
        """The index an update begun now writes (this session's, shared with its searches)."""
        since = self._held.closes
        return lambda: self._held.updating(since)

    # -- writing ---------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Path | str | Iterable[Path | str] | None = None,
        *,
        index: bool = True,
        force: bool = False,
        workers: int | None = None,
        strict: bool = False,
        progress: Progress | None = None,
        on_index: Callable[[], None] | None = None,
    ) -> IngestSummary:
        """Read files and folders (default: the bundled corpus) into the store, idempotently, and
        with ``index`` embed what changed. Bad files are listed in ``summary.failed``, nothing
        stored is lost; with ``strict`` documents that are not budget documents are refused (else
        stored as kind other, warned). ``progress(done, total, name)`` is called after each file and
        document; ``on_index()`` once the files are stored, as the index update begins. Searches in
        other threads go on meanwhile, on the index as it is. One path alone may be given as it is
        (``ingest("a.pdf")``); ``workers`` below 1 is :class:`InvalidQuery`. An index update that fails
        raises :class:`IndexNotUpdated` whose ``summary`` is this one (what was stored stays)."""
        from budgetscope.api.arguments import one_or_many, worker_count
        from budgetscope.api.indexing import ingest_and_index

        paths, workers = None if paths is None else one_or_many(paths), worker_count(workers)
        summary, _ = ingest_and_index(
            paths, self.home, index=index, force=force, workers=workers, strict=strict, qdrant_url=self.qdrant_url,
            encoder=self.encoder, on_progress=progress, before_index=on_index, updating=self._updating(),
        )  # fmt: skip
        return summary

    def load(
        self,
        files: Path | str | Iterable[Path | str],
        *,
        index: bool = True,
        force: bool = False,
        progress: Progress | None = None,
        on_index: Callable[[], None] | None = None,
    ) -> IngestSummary:
        """Store the documents of JSONL files made by :func:`budgetscope.api.process` (the map step
        of a parallel ingest, run anywhere) without reading any document again, as :meth:`ingest`
        stores them, and with ``index`` embed what changed. A bad line is listed in ``summary.failed``
        with its file and line number; a file that cannot be read raises
        :class:`UnreadableLoad`. ``progress`` and ``on_index`` as for :meth:`ingest`."""
        from budgetscope.api.arguments import one_or_many
        from budgetscope.api.indexing import load_and_index

        summary, _ = load_and_index(
            one_or_many(files), self.home, index=index, force=force, qdrant_url=self.qdrant_url, encoder=self.encoder,
            on_progress=progress, before_index=on_index, updating=self._updating(),
        )  # fmt: skip
        return summary

    def remove(self, docs: str | Iterable[str], *, index: bool = True) -> int:
        """Remove stored documents by name (with everything read from them) from the store and, with
        ``index``, the search index; how many were removed. :class:`DocumentNotFound` for an unknown
        name (nothing is removed). One name alone may be given as it is."""
        from budgetscope.api.arguments import one_or_many
        from budgetscope.api.indexing import remove_documents

        return remove_documents(
            self.home, one_or_many(docs), index=index, qdrant_url=self.qdrant_url, encoder=self.encoder,
            updating=self._updating(),
        )  # fmt: skip

    # -- searching ---------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: SearchFilters | Mapping[str, Any] | None = None,
        top_k: int = 10,
        *,
        mode: SearchMode = "hybrid",
    ) -> Rows[SearchHit]:
        """The best ``top_k`` projects for ``query`` (Chinese or English), one hit per project.

        A citation question ("哪些项目引用了全民科学素质纲要") is answered exactly, as :meth:`cites`.
        ``filters`` (a :class:`SearchFilters` or a mapping of its fields): ``department`` may be part of a
        stored department's name, or its 简称, when it names one only; ``cites`` naming several documents
        (纲要) raises :class:`AmbiguousPolicyDocument`. An empty query, one of punctuation only, one over the CLI's
        length limit, ``top_k`` below 1 or an unknown ``mode`` raises :class:`InvalidQuery`, a bad filter value
        :class:`InvalidFilter`, as the CLI refuses them. While a ``budgetscope
        serve`` holds this home's embedded index, it answers (the same hits); another process holding it
        beyond the wait raises :class:`IndexBusy`.
        """
        from budgetscope.api.arguments import search_filters, search_mode
        from budgetscope.api.errors import IndexBusy, InvalidQuery
        from budgetscope.api.searching import answer, query_error, top_k_error
        from budgetscope.index.search import search

        if (bad := query_error(query) or top_k_error(top_k)) is not None:
            raise InvalidQuery(bad)
        filters, mode = search_filters(filters), search_mode(mode)

        def search_index(q: str, f: dict[str, Any], k: int) -> list[SearchHit]:
            with self._held.searching() as index:
                return search(index, q, filters=f, top_k=k, mode=mode, store=store)

        wanted = (filters or SearchFilters()).as_dict()
        try:
            with self._store() as store:
                hits = answer(store, query, wanted, search_index, top_k=top_k)
        except IndexBusy:
            from budgetscope.api.answers import served_hits

            served = served_hits(self.home, self.qdrant_url, self.encoder, query, wanted, top_k, mode)
            if served is None:
                raise
            hits = served
        return Rows(hits, SearchHit)

    def listed(
        self, query: str, filters: SearchFilters | Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The projects a project list names that ``query`` names, of which no form or narrative was read
        (``check``'s ``listed_project``; no hit shows them), within the filters (:mod:`.listed`; its
        ``department`` may be a list of names). The query and the filters are refused as :meth:`search`
        refuses them."""
        from budgetscope.api.arguments import listed_filters
        from budgetscope.api.errors import InvalidQuery
        from budgetscope.api.listed import listed_only
        from budgetscope.api.searching import query_error

        if (bad := query_error(query)) is not None:
            raise InvalidQuery(bad)
        wanted = listed_filters(filters)
        with self._store() as store:
            return listed_only(store, query, wanted)

    def year_note(self, year: int | None) -> str | None:
        """Why a search or cites filtered to ``year`` can find nothing (no stored document of that year, or
        its documents hold no projects), in one line; None when the year has projects."""
        from budgetscope.api.arguments import whole_year
        from budgetscope.api.searching import year_note

        year = whole_year("year", year)
        with self._store() as store:
            return year_note(store, year)

    def index_lag(self) -> list[str]:
        """The stored documents the search index does not hold yet or holds an older version of
        (an ingest whose index update failed or was stopped); ``budgetscope index`` catches up."""
        from budgetscope.api.searching import index_lag

        with self._store() as store:
            return index_lag(self.home, store)

    def cites(self, query: str, *, year: int | None = None, department: str | None = None) -> Rows[SearchHit]:
        """The projects citing the policy document(s) a title, 简称, 文号 or question names, oldest
        first, each with the exact wordings cited (``hit.cited``) and, as a search hit, every place the
        project is written (``hit.sources``: a narrative and the form linked to it are one) and its
        budget (the form's, else the narrative's). Exact: no index involved.

        A short name that may mean several documents raises :class:`AmbiguousPolicyDocument`, whose
        ``candidates`` are the documents with how many projects cite each (pick one by its title)::

            try:
                hits = bs.cites("纲要")
            except AmbiguousPolicyDocument as exc:
                hits = bs.cites(exc.candidates[0][0].title)

        An empty query, one of punctuation only or over the length limit, or a year that is not a whole number
        raises :class:`InvalidQuery`, as ``budgetscope cites`` refuses them.
        """
        from budgetscope.api.arguments import whole_year
        from budgetscope.api.errors import InvalidQuery
        from budgetscope.api.searching import department_filter, query_error, unambiguous
        from budgetscope.index.cites import cites

        if (bad := query_error(query)) is not None:
            raise InvalidQuery(bad)
        year = whole_year("year", year)
        with self._store() as store:
            if department:
                department = department_filter(store, department)
            unambiguous(store, query, year=year, department=department)
            return Rows(cites(store, query, year=year, department=department), SearchHit)

    def policy_documents(self, query: str | None = None) -> Rows[PolicyDocument]:
        """The canonical policy documents a query names (every one without a query), with aliases and 文号."""
        from budgetscope.index.cites import policy_documents, resolve

        with self._store() as store:
            return Rows(resolve(store, query) if query else policy_documents(store))
