""":class:`StoredReads`: what :class:`~budgetscope.api.Budgetscope` reads from its store alone (projects,
documents, changes, findings, exports), no search index involved.

Every argument is checked as the CLI checks its option (:mod:`budgetscope.api.arguments`): a year that is not
a whole number, an unknown kind, check kind, document or export format is one line, a
:class:`~budgetscope.errors.BudgetscopeError`, never an empty answer a script would take for "none".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from budgetscope.api.errors import InvalidQuery, ProjectNotFound
from budgetscope.api.frames import Rows
from budgetscope.models import Check, Coverage, DocumentSummary, ProjectBudget, ProjectSummary, ProjectView

if TYPE_CHECKING:
    from budgetscope.models.changes import DepartmentChanges
    from budgetscope.store.export import ExportResult
    from budgetscope.store.sqlite import SQLiteStore


class StoredReads:
    """The store of the data home ``home``, opened per call."""

    home: Path

    @contextmanager
    def _store(self) -> Iterator[SQLiteStore]:
        from budgetscope.store.sqlite import open_store

        store = open_store(self.home)
        try:
            yield store
        finally:
            store.close()

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
        kind: Literal["narrative", "form", "department_form"] | None = None,
        doc: str | None = None,
    ) -> Rows[ProjectSummary]:
        """The stored projects in document order, filtered by year, department (its full name, or a 简称
        as search takes it; :class:`UnknownDepartment` when the store has none such), kind (``narrative``,
        ``form``, ``department_form``; another is :class:`InvalidQuery`) and source file (its name, or a path
        to it; :class:`DocumentNotFound` naming the nearest stored ones when none is stored)."""
        from budgetscope.api.arguments import record_kind, stored_doc, whole_year
        from budgetscope.api.projects import project_summaries
        from budgetscope.api.searching import department_filter

        year, kind = whole_year("year", year), record_kind(kind)  # type: ignore[assignment]
        with self._store() as store:
            doc = stored_doc(doc, _stored(store)) if doc is not None else None
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
        from budgetscope.api.arguments import whole_year
        from budgetscope.api.projects import project_budgets
        from budgetscope.api.searching import department_filter

        year = whole_year("year", year)
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
        :meth:`projects` takes it (none is :class:`InvalidQuery`); :class:`BudgetscopeError` when a year holds
        none of its projects."""
        from budgetscope.api.arguments import whole_year
        from budgetscope.api.tables import changes_of

        year, since = whole_year("year", year), whole_year("since", since)
        if not isinstance(department, str) or not department.strip():
            raise InvalidQuery("give a department (its name or a 简称)")
        with self._store() as store:
            return changes_of(store, department, year=year, since=since)

    def checks(
        self, *, every: bool = False, kind: str | None = None, doc: str | None = None, reviewed: bool = False
    ) -> Rows[Check]:
        """Findings (where the documents disagree with themselves or hold an impossible number),
        gravest first; every check with ``every``; the findings marked as reviewed with ``reviewed``.
        ``kind``: one check kind (:data:`~budgetscope.models.CHECK_KINDS`, or its short name as ``check``'s
        table shows it; another is :class:`UnknownCheckKind`); ``doc``: one stored document, as for
        :meth:`projects`."""
        from budgetscope.api.arguments import check_kind, stored_doc
        from budgetscope.api.projects import check_kinds, checks

        with self._store() as store:
            kind = check_kind(kind, check_kinds(store))
            doc = stored_doc(doc, _stored(store)) if doc is not None else None
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
        """Mark findings (id or its first 8+ characters; one id or several) as reviewed false positives that
        stop showing, with an optional ``note`` (which needs an id); ``reviewed=False`` shows them again. The
        full ids."""
        from budgetscope.api.arguments import one_or_many
        from budgetscope.api.projects import review_findings

        ids = one_or_many(ids)
        if note is not None and not ids:
            raise InvalidQuery("a note is kept with a review: give the findings it explains")
        with self._store() as store:
            return review_findings(store, ids, note=note, reviewed=reviewed)

    def export(
        self,
        what: str | Sequence[str] = (),
        format: str = "jsonl",
        out: Path | str = "-",
        *,
        bom: bool = False,
    ) -> ExportResult:
        """Write entities (projects, sections, amounts, citations, policy-documents, indicators,
        findings, series; default: all) as jsonl, csv or parquet files in the folder ``out``, with a
        ``datapackage.json``. Raises ExportError for a bad request (an unknown kind or format, no ``out``)."""
        from budgetscope.api.arguments import export_request
        from budgetscope.store.export import export

        format = export_request(format, out)
        kinds = [what] if isinstance(what, str) else list(what)
        with self._store() as store:
            return export(store, kinds, format, out, bom=bom)


def _stored(store: SQLiteStore) -> list[str]:
    """The stored documents' names."""
    return sorted(row["doc"] for row in store.select("documents"))


__all__ = ["StoredReads"]
