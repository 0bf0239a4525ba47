"""`budgetscope citations FILE...`: one row per citation, or one per canonical document with --group."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from budgetscope.models import Document, number_added_note
from budgetscope.search_cli.common import FilesArgument, extract_files, place, report_errors, stdout
from budgetscope.search_cli.errors import one_line


class CitationFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


ROW_FIELDS = [
    "doc",
    "year",
    "department",
    "project_id",
    "project",
    "line",
    "page",
    "citation_line",
    "section",
    "title",
    "wording",
    "doc_number",
    "doc_number_inferred",
    "canonical",
    "bracketed",
]
TABLE_FIELDS = ["where", "project", "section", "wording", "doc_number", "canonical"]
"""The table's columns (jsonl and csv have every field of :data:`ROW_FIELDS`): a row's place is the line the
citation is on (text), else its project's heading line or page."""
TABLE_HEADINGS = {"wording": "as written", "doc_number": "文号"}
GROUP_FIELDS = [
    "canonical",
    "title",
    "doc_numbers",
    "projects",
    "citations",
    "years",
    "departments",
    "aliases",
]


def citation_rows(docs: list[Document]) -> Iterator[dict[str, Any]]:
    """One row per citation with its document, year, department, project (``line``: its heading; ``page``:
    a PDF's) and section, the line the citation is on (``citation_line``, text documents); ``title`` and
    ``doc_number`` as read, ``wording`` as the document writes them."""
    for d in docs:
        for r in d.records:
            for c in r.citations:
                yield {
                    "doc": d.doc,
                    "year": d.year,
                    "department": d.department,
                    "project_id": r.id,
                    "project": r.name or r.title,
                    "line": r.line,
                    "page": r.page,
                    "citation_line": citation_line(r, c),
                    "section": c.section,
                    "title": c.title,
                    "wording": c.wording,
                    "doc_number": c.doc_number,
                    "doc_number_inferred": c.doc_number_inferred,
                    "canonical": c.canonical,
                    "bracketed": c.bracketed,
                }


def citation_line(record: Any, citation: Any) -> int | None:
    """The 1-based line of a text document a citation is on: its section's first line and the lines of
    the section's text before it (None where the section has no line, a form's field, and for a PDF,
    whose text's lines are no reader's: its ``page`` places it)."""
    span = record.section_spans.get(citation.section)
    if span is None or span.line is None or record.page is not None:
        return None
    return int(span.line) + span.text[: citation.start].count("\n")


def group_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Roll citation rows up per canonical document: how many projects, which years and departments."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = row["canonical"] or f"title:{row['title']}"
        g = groups.setdefault(
            key,
            {
                "canonical": row["canonical"],
                "titles": {},
                "doc_numbers": set(),
                "projects": set(),
                "citations": 0,
                "years": set(),
                "departments": set(),
            },
        )
        g["titles"][row["title"]] = g["titles"].get(row["title"], 0) + 1
        if row["doc_number"]:
            g["doc_numbers"].add(row["doc_number"])
        g["projects"].add(row["project_id"])
        g["citations"] += 1
        if row["year"]:
            g["years"].add(row["year"])
        if row["department"]:
            g["departments"].add(row["department"])
    out = []
    for g in groups.values():
        titles = sorted(g["titles"], key=lambda t: -g["titles"][t])
        out.append(
            {
                "canonical": g["canonical"],
                "title": titles[0],
                "doc_numbers": sorted(g["doc_numbers"]),
                "projects": len(g["projects"]),
                "citations": g["citations"],
                "years": sorted(g["years"]),
                "departments": sorted(g["departments"]),
                "aliases": titles[1:],
            }
        )
    return sorted(out, key=lambda g: (-g["projects"], g["title"]))


def command(
    files: FilesArgument,
    format: Annotated[
        CitationFormat, typer.Option("--format", "-f", help="table, jsonl or csv.")
    ] = CitationFormat.table,
    group: Annotated[bool, typer.Option("--group", help="One row per canonical policy document.")] = False,
) -> None:
    """List the policy documents cited by each project (title, 文号, canonical identity)."""
    docs, errors = extract_files(files)
    rows = list(citation_rows(docs))
    out_rows = group_rows(rows) if group else rows
    fields = GROUP_FIELDS if group else ROW_FIELDS
    if format is CitationFormat.jsonl:
        for row in out_rows:
            print(json.dumps(row, ensure_ascii=False))
    elif format is CitationFormat.csv:
        from budgetscope.store.export import write_csv

        write_csv(out_rows, fields, sys.stdout)  # as export's CSV: true/false, lists as JSON, text escaped
    elif rows or not errors:  # every file failed: the errors say so, no empty table
        shown = fields if group else TABLE_FIELDS  # every field: jsonl and csv
        table = Table(*(TABLE_HEADINGS.get(f, f) for f in shown))
        for row in out_rows:  # plain strings: the console takes no markup (document text is untrusted)
            if not group:
                line = row["citation_line"] or (None if row["page"] else row["line"])  # a PDF: its page
                row = {**row, "where": place(row["doc"], line, row["page"]),
                       "doc_number": (row["doc_number"] or "")
                       + (f" ({number_added_note(row['doc_number'], row['wording'])})" if row["doc_number_inferred"] else "")}  # fmt: skip
            table.add_row(
                *(
                    one_line("; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v)))
                    for v in (row[f] for f in shown)
                )
            )
        stdout().print(table)
    report_errors(errors)
