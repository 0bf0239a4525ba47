"""`budgetscope segment FILE...`: documents → projects → sections, as JSON or a readable tree."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text
from rich.tree import Tree

from budgetscope.models import SECTION_KEYS, Document, to_json
from budgetscope.search_cli.common import (
    FilesArgument,
    NoCacheOption,
    SegmentFormat,
    read_documents,
    report_errors,
    stdout,
    warn_coverage,
)
from budgetscope.search_cli.errors import one_line


def command(
    files: FilesArgument,
    format: Annotated[
        SegmentFormat, typer.Option("--format", "-f", help="json or table.")
    ] = SegmentFormat.table,
    no_cache: NoCacheOption = False,
) -> None:
    """Segment budget documents into projects, sections and forms."""
    docs, errors = read_documents(files, cache=not no_cache)
    if format is SegmentFormat.json:
        print(to_json([d.contract() for d in docs], indent=1))
    else:
        out = stdout()
        for d in docs:
            out.print(tree(d))
    warn_coverage(docs)
    report_errors(errors)


def tree(doc: Document) -> Tree:
    """A rich tree: document → projects (line, name) → sections with their lengths."""
    label = Text(one_line(doc.doc), style="bold")
    label.append(
        f"  {doc.kind}  {doc.department or '?'}  {doc.year or '?'}  "
        f"({sum(r.kind == 'narrative' for r in doc.records)} narratives, {sum(r.kind == 'form' for r in doc.records)} forms"
        + (f", {n} department-wide" if (n := sum(r.kind == "department_form" for r in doc.records)) else "")
        + ")"
    )
    root = Tree(label)  # Text, never markup: names and titles are the document's own text
    if doc.coverage is not None:
        c = doc.coverage
        root.add(
            Text(
                f"coverage: {c.forms_read} forms read (the document shows at least {c.forms_expected}), "
                f"{c.narratives_read} of {c.narratives_expected} narratives",
                style="yellow" if c.short else "green",
            )
        )
        for problem in c.problems:
            root.add(Text(f"⚠ {problem}", style="yellow"))
    for r in doc.records:
        where = " ".join(
            filter(None, (f"L{r.line}" if r.line is not None else "", f"p.{r.page}" if r.page else ""))
        )
        node = root.add(Text(f"{where or '?'} [{r.kind}] {r.name or r.title}"))
        if r.kind == "narrative":
            for key in SECTION_KEYS:
                body = r.sections.get(key)
                node.add(f"{key}: " + ("—" if body is None else f"{len(body)} chars"))
        elif r.form:
            f = r.form
            facts = [
                x
                for x in (f.nature, f.category, f.implementer if f.implementer != doc.department else None)
                if x
            ]
            if f.start or f.end:
                facts.append(f"{f.start or '?'} → {f.end or '?'}")
            if facts:  # a PDF's form often gives none of them: no row of question marks
                node.add(Text("  ".join(str(x) for x in facts)))
            node.add(Text("amounts: " + ", ".join(f"{k}={v}" for k, v in f.amounts.items())))
            node.add(Text(f"indicators: {len(f.indicators)}, components: {len(f.components)}"))
    for w in doc.warnings:
        root.add(Text(one_line(w), style="yellow"))
    return root
