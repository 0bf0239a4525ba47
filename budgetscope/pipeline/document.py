"""Read one file into a segmented :class:`~budgetscope.models.Document`: load → normalize → classify → segment.

Example:
    >>> doc = read_document("corpus/sast-2026-department-budget.txt")
    >>> doc.kind, len(doc.records)
    ('department_budget', 29)
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from budgetscope.messages import NOT_BUDGET
from budgetscope.models import Document
from budgetscope.pipeline.classify import classify
from budgetscope.pipeline.coverage import assess
from budgetscope.pipeline.coverage import warning as coverage_warning
from budgetscope.pipeline.forms import segment_forms
from budgetscope.pipeline.forms_pdf import read_pdf_forms, unread_form_pages
from budgetscope.pipeline.load import load
from budgetscope.pipeline.normalize import Text, normalize_text
from budgetscope.pipeline.repeats import distinct_records
from budgetscope.pipeline.segment import segment_narratives, segment_parts
from budgetscope.pipeline.targets import read_targets

NARRATIVE_KINDS = ("department_budget", "unit_budget", "final_accounts")
NO_TARGETS = ("final_accounts", "evaluation_report")
"""Kinds whose tables are never targets (self-evaluations of a past year, evaluation reports)."""


def read_document(path: Path | str) -> Document:
    """Load, normalize, classify and segment one file. Raises LoadError for unreadable input."""
    path = Path(path)
    source = load(path)
    text = normalize_text(source.text, source.page_starts)
    document = segment_text(
        text, doc=path.name, path=str(path), sha1=source.sha1, pages=source.pages, coverage=False
    )
    if source.page_starts is not None and document.kind not in NO_TARGETS:
        # PDF: performance forms are read from the tables of the pages that hold them
        forms = read_pdf_forms(
            path, source.page_texts(), doc=path.name, department=document.department, year=document.year
        )
        if forms or not any(r.kind == "form" and r.form and r.form.indicators for r in document.records):
            document.records = [r for r in document.records if r.kind == "narrative"] + forms
        # else: forms printed as text lines without ruling (a text template put into a PDF) stay as read
        if document.kind == "other" and forms:  # pages of forms without the document's title (an excerpt)
            document.kind = "performance_targets"
            document.warnings = [w for w in document.warnings if w != NOT_BUDGET]
        if not any(r.kind != "narrative" for r in document.records):
            tables = unread_form_pages(source.page_texts())
            if tables:
                document.warnings.append(
                    f"pages {', '.join(map(str, tables))} print indicator tables (三级指标/指标值) "
                    "but no performance form was read: unknown layout?"
                )
    scanned, n = _page_ranges(source.image_pages), len(source.image_pages)
    problems = (
        [f"page{'s' if n > 1 else ''} {scanned} {'are images' if n > 1 else 'is an image'} without text "
         "(scanned?): what they print was not read"]
        if scanned else []
    )  # fmt: skip
    return _with_coverage(document, text, problems)


def _page_ranges(pages: tuple[int, ...]) -> str:
    """``37–38, 41``: page numbers with runs joined.

    >>> _page_ranges((3, 37, 38, 39, 41)), _page_ranges(())
    ('3, 37–39, 41', '')
    """
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def segment_text(
    text: Text,
    *,
    doc: str,
    path: str = "",
    sha1: str = "",
    pages: int | None = None,
    coverage: bool = True,
) -> Document:
    """Classify and segment normalized text (pure); ``coverage=False`` leaves the report to the caller."""
    c = classify(text, doc)
    document = Document(
        doc=doc,
        path=path,
        kind=c.kind,
        department=c.department,
        year=c.year,
        pages=pages,
        chars=len(text.source),
        lines=text.last_line,
        sha1=sha1,
    )
    if c.kind in NARRATIVE_KINDS:
        document.parts = segment_parts(text)
        document.records = segment_narratives(text, doc=doc, department=c.department, year=c.year)
    if c.kind == "performance_targets" or c.kind in NARRATIVE_KINDS:
        # department budgets may carry their projects' performance forms after the narratives
        document.records += segment_forms(text, doc=doc, department=c.department, year=c.year)
    if c.kind in ("other", "evaluation_report"):
        document.warnings.append(NOT_BUDGET)
    return _with_coverage(document, text) if coverage else document


def _with_coverage(document: Document, text: Text, problems: list[str] | None = None) -> Document:
    """Read the forms' targets and compare what the document shows of its projects with the records read
    (last, after every reader); ``problems``: what the reader knows it could not read (scanned pages).
    A project printed twice is read once (:func:`~budgetscope.pipeline.repeats.distinct_records`)."""
    distinct = distinct_records(document.records)
    document.records = distinct.kept
    if distinct.note is not None:
        document.warnings.append(distinct.note)
    read_targets(document.records)
    document.coverage = assess(text, document.records, distinct.repeated)
    document.coverage.problems += problems or []
    if document.coverage.short:
        document.warnings.append(coverage_warning(document.coverage))
    document.content_sha1 = content_hash(document, text.source)
    return document


def content_hash(document: Document, source: str) -> str:
    """A hash of what the document holds, blind to encoding, layout, white space and file name.

    Projects (kind, name, each section's text, a form's amounts; not its indicator rows, which a
    PDF's table layout may split differently) when there are any,
    else the whole text; white space removed, so the text and the PDF printed from it agree.

    >>> a = Document(doc="a.txt", path="a.txt", kind="other")
    >>> content_hash(a, "甲 乙  丙") == content_hash(a, "甲乙丙") != content_hash(a, "甲乙")
    True
    """
    digest = hashlib.sha1(f"{document.kind}|{document.department}|{document.year}".encode())
    if not document.records:
        digest.update(_squash(source).encode())
    for r in document.records:
        digest.update(f"|{r.kind}|{_squash(r.name or r.title)}".encode())
        for key in sorted(r.sections):
            digest.update(f"|{key}={_squash(r.sections[key] or '')}".encode())
        if r.form is not None:
            digest.update(json.dumps({k: str(v) for k, v in sorted(r.form.amounts.items())}).encode())
    return digest.hexdigest()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
