"""Ingest: files → load … extract → the entity store, one transaction per document, then the links.

:func:`ingest` is what ``budgetscope ingest`` runs. A file whose name is stored with the same
SHA-1 and pipeline version is skipped (ingesting twice changes nothing); a changed file replaces
its old records; a file that cannot be read is reported and skipped. Documents are stored by file
name: a file named like a stored document but read from another path updates it only when it is
the same document (same kind, department and year), else it is refused unless ``force``; two files
of the same name in one ingest are refused (see :func:`~budgetscope.index.clashes.name_clash`). When documents changed,
:func:`relink` recomputes everything that spans documents — canonical policy documents, project
series, narrative ↔ form links and their checks — from the store alone, so the result does not
depend on the order or the batches documents came in, and an interrupted ingest is completed by
the next one.

Example:
    >>> summary = ingest(["corpus/"], home="/tmp/budgetscope-doctest")  # doctest: +SKIP
    >>> summary.documents, summary.failed  # doctest: +SKIP
    (5, [])
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from budgetscope.errors import BudgetscopeError
from budgetscope.index.clashes import AlreadyStored, Guard, StoredAs
from budgetscope.index.overlap import overlap_of
from budgetscope.index.processing import file_sha1, pipeline_version, process_all
from budgetscope.messages import first_line, quoted
from budgetscope.models import Coverage, Document
from budgetscope.paths import bundled_corpus, bundled_documents, data_home, empty_folders, expand
from budgetscope.pipeline.linking.audits import department_totals, project_checks
from budgetscope.pipeline.linking.findings import (
    link_narratives_forms,
    narrative_form_checks,
)
from budgetscope.pipeline.linking.series import link_series
from budgetscope.store import index_state
from budgetscope.store.protocol import (
    DocumentEntry,
    DocumentNotStored,
    EntityStore,
    Links,
    StoreError,
    WriteRefused,
)
from budgetscope.store.schema import citation_id
from budgetscope.store.sqlite import open_store

log = logging.getLogger(__name__)

PARALLEL_MIN_FILES = 16
"""Below this many files, starting worker processes (about a second) costs more than it saves.
Measured on 2 cores (benchmarks/bench_store.py, 100 text files): the pipeline part of ingest took
6.3 s in one process and 4.0 s in two (12.6 vs 9.3 documents/s overall, links included); when the
cores were busy with other work, two processes were no faster."""


class IngestError(BudgetscopeError):
    """Nothing to ingest: no path given and no bundled corpus in this installation; one-line message."""


@dataclass
class IngestSummary:
    """What an ingest did (this run) and what the store holds afterwards (totals)."""

    files: int = 0
    written: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: int = 0
    projects: int = 0
    narratives: int = 0
    forms: int = 0
    department_forms: int = 0
    """Department-wide forms (部门整体绩效目标表): records of their own kind, among ``projects``."""
    amounts: int = 0
    citations: int = 0
    policy_documents: int = 0
    series: int = 0
    findings: int = 0
    coverage_gaps: int = 0
    """Stored documents that show more projects than were read (see :class:`~budgetscope.models.Coverage`)."""
    relinked: bool = False
    relink_seconds: float = 0.0
    seconds: float = 0.0
    store: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ingest(
    paths: Iterable[Path | str] | None = None,
    home: Path | str | None = None,
    *,
    store: EntityStore | None = None,
    force: bool = False,
    workers: int | None = None,
    on_document: Callable[[Document], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    strict: bool = False,
) -> IngestSummary:
    """Ingest files and folders (default: the bundled corpus) into the store under ``home``.

    ``on_document(document)`` is called after each document is committed (the hook for vector
    indexing; unchanged documents are not passed again unless ``force``; its citations' canonical
    ids are those of the document alone until the final :func:`relink`). ``on_progress(done,
    total, name)`` is called after each file. ``workers``: processes running the pipeline (default:
    one per core, up to 4, when there are at least :data:`PARALLEL_MIN_FILES` files to process).
    ``force``: read unchanged files again, and let a file replace a different stored document of
    its name (see :func:`~budgetscope.index.clashes.name_clash`), and store a document whose content is already stored under
    another name (see :func:`~budgetscope.index.clashes.duplicate_of`); refused files are listed in ``failed``. ``strict``:
    refuse documents of kind ``other`` (not a budget document) instead of storing them with a warning.
    Raises :class:`IngestError` when there is nothing to ingest.
    """
    started = time.perf_counter()
    paths = list(paths) if paths is not None else []
    if not paths:
        corpus = bundled_corpus()
        if corpus is None:
            raise IngestError("no bundled corpus in this installation; give files or folders to ingest")
        paths = bundled_documents(corpus)
    # a file given twice is read once; stored by its absolute path (a serve started elsewhere finds it)
    files = list({os.path.realpath(f): Path(os.path.abspath(f)) for f in expand(paths)}.values())
    own_store = store is None
    if store is None:
        store = open_store(home, create=True)
        index_state.migrate(data_home(home), store)
    summary = IngestSummary(files=len(files), store=getattr(store, "path", ""), failed=empty_folders(paths))
    try:
        todo, moved = _plan(files, store, force, summary, strict)
        if workers is None:
            cores = os.cpu_count() or 1
            workers = min(cores, 4) if len(todo) >= PARALLEL_MIN_FILES else 1
        done = len(files) - len(todo)
        if on_progress is not None:
            on_progress(done, len(files), "")
        guard = Guard(store, force, pipeline_version())
        for item in process_all(todo, workers):
            done += 1
            document = item.document
            if item.error or document is None:
                log.info("not stored: %s", item.error or item.path)
                summary.failed.append(item.error or item.path)
            elif strict and document.kind == "other":
                summary.failed.append(
                    f"{quoted(document.path)}: not a budget document (no 部门预算 parts, project narratives or "
                    "performance forms found); not stored (--strict)"
                )
            else:
                try:  # the name and content checks, inside the write lock (another ingest may run at once)
                    overlap = overlap_of(document, store)
                    entry = DocumentEntry(document, item.tables, item.stated, item.checks, pipeline_version())
                    summary.written += store.write_documents([entry], guard=guard)
                except AlreadyStored:  # by an ingest running beside this one: unchanged since
                    summary.unchanged += 1
                    if on_progress is not None:
                        on_progress(done, len(files), Path(item.path).name)
                    continue
                except Exception as exc:  # this file alone (rolled back), or the store itself (raised)
                    summary.failed.append(not_stored(item.path, exc))
                    if on_progress is not None:
                        on_progress(done, len(files), Path(item.path).name)
                    continue
                guard.written(document)
                if item.path in moved:
                    summary.warnings.append(
                        f"{quoted(item.path)}: replaces {quoted(document.doc)} stored from {quoted(moved[item.path].path)}"
                    )
                if overlap is not None:
                    summary.warnings.append(overlap)
                log.info(
                    "stored %s (%s, %d projects)", quoted(document.doc), document.kind, len(document.records)
                )
                # the file by its path, as a file not stored is named (its stored name is its base name)
                summary.warnings += [
                    f"{quoted(document.path or document.doc)}: {w}" for w in document.warnings
                ]
                if on_document is not None:
                    on_document(document)
            if on_progress is not None:
                on_progress(done, len(files), Path(item.path).name)
        relinking = time.perf_counter()
        while store.links_stale():
            if on_progress is not None:
                on_progress(len(files), len(files), "linking across documents")
            before = index_state.sequence(store)
            store.write_links(relink(store))
            summary.relinked = True
            if index_state.sequence(store) != before:  # another ingest wrote meanwhile: link again
                index_state.links_stale_again(store)
        summary.relink_seconds = round(time.perf_counter() - relinking, 3)
        _totals(store, summary)
    finally:
        if own_store:
            store.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def not_stored(path: str, exc: Exception) -> str:
    """The one line of a file whose document could not be stored for a reason of its own (its write was
    rolled back; the other files go on); an error of the store itself (locked, a full disk, damaged) is
    raised again, as it would stop every file.

    >>> not_stored("/data/a.pdf", KeyError("x"))
    "/data/a.pdf: not stored: KeyError: 'x'"
    """
    if isinstance(exc, WriteRefused):
        return str(exc)
    if isinstance(exc, DocumentNotStored):
        reason = first_line(exc.__cause__ or exc)
    elif isinstance(exc, (StoreError, sqlite3.Error, OSError)):
        raise exc
    else:  # a bug on one document must not stop the others (as in reading it)
        reason = f"{type(exc).__name__}: {first_line(exc)}"
    return f"{quoted(path)}: not stored: {reason}"


def _plan(
    files: list[Path], store: EntityStore, force: bool, summary: IngestSummary, strict: bool = False
) -> tuple[list[Path], dict[str, StoredAs]]:
    """The files to read — all of them with ``force``, else those new or changed since stored — and
    for each changed file whose name is stored from another path, how that document was stored. With
    ``strict``, an unchanged file stored as no budget document (kind ``other``) is a failure.

    Documents are stored by file name: a second file of a name already seen in this ingest is refused.
    """
    stored = store.fingerprints()
    version = pipeline_version()
    first: dict[str, Path] = {}
    todo: list[Path] = []
    moved: dict[str, StoredAs] = {}
    for f in files:
        if f.name in first:
            summary.failed.append(
                f"{quoted(f)}: same file name as {quoted(first[f.name])} in this ingest; documents are stored by file name, "
                "so rename one of them"
            )
            continue
        first[f.name] = f
        known = stored.get(f.name)
        sha1 = file_sha1(f) if known is not None else None
        if known is not None and known.sha1 == sha1 and known.pipeline == version and not force:
            kinds = [row["kind"] for row in store.select("documents", {"doc": f.name})] if strict else []
            if "other" in kinds:  # stored before, without --strict: unchanged, but no budget document
                summary.failed.append(
                    f"{quoted(f)}: not a budget document (no 部门预算 parts, project narratives or performance forms "
                    f"found), stored earlier without --strict; left stored (`budgetscope remove {f.name}` removes it)"
                )
            else:
                summary.unchanged += 1
            continue
        todo.append(f)
        if known is not None and known.sha1 != sha1:
            for row in store.select("documents", {"doc": f.name}):
                if not row["path"] or os.path.realpath(row["path"]) != os.path.realpath(f):
                    moved[str(f)] = StoredAs(row["path"] or "", row["kind"], row["department"], row["year"])
    return todo, moved


def relink(store: EntityStore) -> Links:
    """Everything that spans documents, recomputed from the store's records alone."""
    from budgetscope.pipeline.link import PolicyIndex

    seq = index_state.sequence(store)  # before reading: a writer after this makes write_links skip them
    documents = list(store.documents())
    records = [r for d in documents for r in d.records]
    index = PolicyIndex()
    for d in documents:
        for r in d.records:
            for c in r.citations:
                index.add(c, year=d.year, doc=d.doc)
    index.resolve()
    canonical = {
        citation_id(r.id, i): index.canonical(c, year=d.year)
        for d in documents
        for r in d.records
        for i, c in enumerate(r.citations)
    }
    form_links = link_narratives_forms(records)
    series = link_series(records, form_links)
    totals = department_totals(store.select("department_totals"))
    return Links(
        seq=seq,
        policy_documents=index.documents(),
        canonical=canonical,
        series=series,
        project_links=form_links,
        checks=[
            *narrative_form_checks(records, form_links),
            *project_checks(records, form_links, series, totals),
        ],
    )


def _totals(store: EntityStore, summary: IngestSummary) -> None:
    counts = store.counts()
    summary.documents = counts["documents"]
    summary.projects = counts["projects"]
    summary.amounts = counts["amounts"] + counts["form_amounts"]  # a narrative's and a form's
    summary.citations = counts["citations"]
    summary.policy_documents = counts["policy_documents"]
    summary.findings = counts["findings"]
    kinds: dict[str, int] = {}
    for row in store.select("projects"):
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    summary.narratives, summary.forms = kinds.get("narrative", 0), kinds.get("form", 0)
    summary.department_forms = kinds.get("department_form", 0)
    summary.series = len({row["series_id"] for row in store.select("project_series")})
    summary.coverage_gaps = sum(_coverage_short(row["extra"]) for row in store.select("documents"))


def _coverage_short(extra: str | None) -> bool:
    """Whether a stored document's coverage report (kept in its row's ``extra`` JSON) is short."""
    report = json.loads(extra).get("coverage") if extra else None
    return report is not None and Coverage.model_validate(report).short


__all__ = [
    "IngestError",
    "IngestSummary",
    "ingest",
    "not_stored",
    "relink",
]
