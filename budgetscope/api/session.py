""":class:`Budgetscope`: one data home (the SQLite store and its search index) behind typed calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from budgetscope.api.errors import ProjectNotFound
from budgetscope.api.frames import Rows
from budgetscope.api.held_index import HeldIndex
from budgetscope.api.indexing import Progress
from budgetscope.models import (
    Check,
    Coverage,
    DocumentSummary,
    PolicyDocument,
    ProjectBudget,
    ProjectSummary,
    ProjectView,
    SearchFilters,
    SearchHit,
)

if TYPE_CHECKING:
    from budgetscope.index.ingest import IngestSummary
    from budgetscope.models.changes import DepartmentChanges
    from budgetscope.store.export import ExportResult
    from budgetscope.store.sqlite import SQLiteStore
    from budgetscope.vector.base import VectorIndex

SearchMode = Literal["hybrid", "dense", "sparse"]


class Budgetscope:
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

        self.home: Path = data_home(home)
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

    @contextmanager
    def _store(self) -> Iterator[SQLiteStore]:
        from budgetscope.store.sqlite import open_store

        store = open_store(self.home)
        try:
            yield store
        finally:
            store.close()

    def _updating(self) -> Callable[[], AbstractContextManager[VectorIndex]]:
        """The index an update begun now writes (this session's, shared with its searches)."""
        since = self._held.closes
        return lambda: self._held.updating(since)

    # -- writing ---------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path | str] | None = None,
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
        other threads go on meanwhile, on the index as it is."""
        from budgetscope.api.indexing import ingest_and_index

        summary, _ = ingest_and_index(
            paths, self.home, index=index, force=force, workers=workers, strict=strict, qdrant_url=self.qdrant_url,
            encoder=self.encoder, on_progress=progress, before_index=on_index, updating=self._updating(),
        )  # fmt: skip
        return summary

    def load(
        self,
        files: Iterable[Path | str],
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
        from budgetscope.api.indexing import load_and_index

        summary, _ = load_and_index(
            files, self.home, index=index, force=force, qdrant_url=self.qdrant_url, encoder=self.encoder,
            on_progress=progress, before_index=on_index, updating=self._updating(),
        )  # fmt: skip
        return summary

    def remove(self, docs: Iterable[str], *, index: bool = True) -> int:
        """Remove stored documents by name (with everything read from them) from the store and, with
        ``index``, the search index; how many were removed. :class:`DocumentNotFound` for an unknown
        name (nothing is removed)."""
        from budgetscope.api.indexing import remove_documents

        return remove_documents(
            self.home, docs, index=index, qdrant_url=self.qdrant_url, encoder=self.encoder,
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
        length limit or ``top_k`` below 1 raises :class:`InvalidQuery`, as the CLI refuses them. While a ``budgetscope
        serve`` holds this home's embedded index, it answers (the same hits); another process holding it
        beyond the wait raises :class:`IndexBusy`.
        """
        from budgetscope.api.errors import IndexBusy, InvalidQuery
        from budgetscope.api.searching import answer, filters_error, query_error, top_k_error
        from budgetscope.index.search import search

        if (bad := query_error(query) or top_k_error(top_k)) is not None:
            raise InvalidQuery(bad)
        if filters is not None and not isinstance(filters, SearchFilters):
            try:
                filters = SearchFilters(**dict(filters))
            except (TypeError, ValueError) as exc:
                raise InvalidQuery(f"filters: {filters_error(exc)}") from None

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
        (``check``'s ``listed_project``; no hit shows them), within the filters (:mod:`.listed`)."""
        from budgetscope.api.listed import listed_only

        with self._store() as store:
            return listed_only(
                store, query, filters.as_dict() if isinstance(filters, SearchFilters) else filters or {}
            )

    def year_note(self, year: int | None) -> str | None:
        """Why a search or cites filtered to ``year`` can find nothing (no stored document of that year, or
        its documents hold no projects), in one line; None when the year has projects."""
        from budgetscope.api.searching import year_note

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
        """
        from budgetscope.api.searching import department_filter, unambiguous
        from budgetscope.index.cites import cites

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

    # -- reading -----------------------------------------------------------------------------------

    def project(self, id: str) -> ProjectView:
        """One project by id (``#id8`` as search lists it), unique id prefix (6+ characters), ``DOC:LINE``
        (any line of the project), ``DOC p.N`` or its exact name: its record (sections,
        amounts, period, citations, form), the same project in other years, its linked form or
        narrative, and its checks and findings. :class:`ProjectNotFound`, :class:`AmbiguousProject`."""
        from budgetscope.api.projects import page_hint, project_view, resolve_project_id

        with self._store() as store:
            key = resolve_project_id(store, id)
            view = project_view(store, key) if key else None
            hint = page_hint(store, id) if view is None else ""
        if view is None:
            short_prefix = len(id) < 6 and all(c in "0123456789abcdef" for c in id.removeprefix("#"))
            hint = " (an id prefix needs 6 or more characters)" if short_prefix else hint
            raise ProjectNotFound(f"no project {id!r} in the store{hint}")
        return view

    def projects(
        self,
        year: int | None = None,
        department: str | None = None,
        *,
        kind: Literal["narrative", "form"] | None = None,
        doc: str | None = None,
    ) -> Rows[ProjectSummary]:
        """The stored projects in document order, filtered by year, department (its full name, or a 简称
        as search takes it; :class:`UnknownDepartment` when the store has none such), kind, source file."""
        from budgetscope.api.projects import project_summaries
        from budgetscope.api.searching import department_filter

        with self._store() as store:
            department = (
                department_filter(store, department.strip()) if department and department.strip() else None
            )
            return Rows(
                project_summaries(store, year=year, department=department, kind=kind, doc=doc), ProjectSummary
            )

    def project_budgets(self, year: int | None = None, department: str | None = None) -> Rows[ProjectBudget]:
        """Every project once, with its budget as search and cites give it: a narrative and the form linked
        to it are one project (``ids``), its budget the form's, else the narrative's; what a total of
        budgets adds up (/browse) without counting a project twice. Filtered as :meth:`projects`."""
        from budgetscope.api.projects import project_budgets
        from budgetscope.api.searching import department_filter

        with self._store() as store:
            department = (
                department_filter(store, department.strip()) if department and department.strip() else None
            )
            return Rows(project_budgets(store, year=year, department=department), ProjectBudget)

    def documents(self) -> Rows[DocumentSummary]:
        """The stored source documents (kind, department, year, pages, number of projects, warnings)."""
        from budgetscope.api.projects import document_summaries

        with self._store() as store:
            return Rows(document_summaries(store), DocumentSummary)

    def changes(
        self, department: str, *, year: int | None = None, since: int | None = None
    ) -> DepartmentChanges:
        """What changed in a department's budget from ``since`` to ``year`` (defaults: its latest stored
        year, and the one before): projects new, dropped and continued (followed across a renaming),
        their budgets and their forms' targets, with what each year's documents hold. The department as
        :meth:`projects` takes it; :class:`BudgetscopeError` when a year holds none of its projects."""
        from budgetscope.api.tables import changes_of

        with self._store() as store:
            return changes_of(store, department, year=year, since=since)

    def checks(
        self, *, every: bool = False, kind: str | None = None, doc: str | None = None, reviewed: bool = False
    ) -> Rows[Check]:
        """Findings (where the documents disagree with themselves or hold an impossible number),
        gravest first; every check with ``every``; the findings marked as reviewed with ``reviewed``."""
        from budgetscope.api.projects import checks

        with self._store() as store:
            return Rows(checks(store, every=every, kind=kind, doc=doc, reviewed=reviewed), Check)

    def check_kinds(self) -> set[str]:
        """The kinds of check the store holds (``unit_slip``, ``narrative_form_amount``, …)."""
        from budgetscope.api.projects import check_kinds

        with self._store() as store:
            return check_kinds(store)

    def coverage(self) -> dict[str, Coverage]:
        """How much of each stored document was read (forms read of forms stated, totals), by file name;
        documents without a report are left out (see :class:`~budgetscope.models.Coverage`)."""
        from budgetscope.api.projects import coverage_reports

        with self._store() as store:
            return coverage_reports(store)

    def frame(self, what: str) -> Any:
        """One kind of :meth:`export` (``projects``, ``sections``, ``amounts``, ``citations``,
        ``policy-documents``, ``indicators``, ``findings``, ``series``) as a pandas DataFrame with its
        columns (``export``'s datapackage.json describes them): amounts exact (``Decimal``), lists as lists.
        Sum ``projects`` budgets over ``budget_counted`` rows to count a narrative and its form once.
        :class:`~budgetscope.api.errors.PandasMissing` without pandas; an unknown kind a
        :class:`~budgetscope.api.errors.BudgetscopeError`."""
        from budgetscope.api.tables import export_frame

        with self._store() as store:
            return export_frame(store, what)

    def review(self, ids: Sequence[str], *, note: str | None = None, reviewed: bool = True) -> list[str]:
        """Mark findings (id or its first 8+ characters) as reviewed false positives that stop
        showing, with an optional ``note``; ``reviewed=False`` shows them again. The full ids."""
        from budgetscope.api.projects import review_findings

        with self._store() as store:
            return review_findings(store, list(ids), note=note, reviewed=reviewed)

    def export(
        self,
        what: str | Sequence[str] = (),
        format: str = "jsonl",
        out: Path | str = "-",
        *,
        bom: bool = False,
    ) -> ExportResult:
        """Write entities (projects, sections, amounts, citations, policy-documents, indicators,
        findings; default: all) as jsonl, csv or parquet files in the folder ``out``, with a
        ``datapackage.json``. Raises ExportError for a bad request."""
        from budgetscope.store.export import export

        kinds = [what] if isinstance(what, str) else list(what)
        with self._store() as store:
            return export(store, kinds, format, out, bom=bom)
