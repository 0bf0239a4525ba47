"""`budgetscope ingest [PATH...]`: files and folders (default: the bundled corpus) into the entity store."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from budgetscope.search_cli.common import (
    EncoderOption,
    HomeOption,
    QdrantUrlOption,
    report_errors,
    stderr,
    warn,
)


class IngestFormat(StrEnum):
    text = "text"
    json = "json"


def command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Text or PDF files, or folders (default: the bundled corpus).")
    ] = None,
    home: HomeOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Re-ingest files even when unchanged, and replace a different stored document of the same name.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Pipeline processes (default: one per core, up to 4, for 16+ files)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    format: Annotated[
        IngestFormat, typer.Option("--format", "-f", help="text: summary on stderr; json: summary on stdout.")
    ] = IngestFormat.text,
    qdrant_url: QdrantUrlOption = None,
    encoder: EncoderOption = None,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Store only; do not update the search index.")
    ] = False,
) -> None:
    """Ingest budget documents into the entity store: idempotent, one transaction per document."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.api.indexing import ingest_and_index
    from budgetscope.index.ingest import IngestError
    from budgetscope.index.store import StoreError
    from budgetscope.search_cli.common import fail

    console = stderr()
    progress = None
    if not quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
            TimeElapsedColumn(), console=console, transient=True,
        )  # fmt: skip
    task = progress.add_task("", total=None) if progress else None

    def on_progress(done: int, total: int, name: str) -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=done, total=total, description=name)

    def before_index() -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=0, total=None, description="index")

    try:
        if progress is not None:
            progress.start()
        summary, points = ingest_and_index(
            paths, home, index=not no_index, force=force, workers=workers, qdrant_url=qdrant_url,
            encoder=encoder, on_progress=on_progress, before_index=before_index,
        )  # fmt: skip
    except (IngestError, StoreError, BudgetscopeError) as exc:
        raise fail(str(exc)) from None
    finally:
        if progress is not None:
            progress.stop()
    if format is IngestFormat.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    elif not quiet:
        console.print(
            f"{summary.written} written, {summary.unchanged} unchanged, {len(summary.failed)} failed "
            f"({summary.seconds:.2f} s) → {summary.store}\n"
            f"store: {summary.documents} documents, {summary.projects} projects ({summary.narratives} narratives, "
            f"{summary.forms} forms), {summary.amounts} amounts, {summary.citations} citations, "
            f"{summary.policy_documents} policy documents, {summary.series} project series, "
            f"{summary.findings} findings, {len(summary.warnings)} warnings, "
            f"{summary.coverage_gaps} documents with coverage gaps",
            highlight=False,
            soft_wrap=True,
        )
        if points is not None:
            console.print(f"search index: {points} points embedded", highlight=False)
        for w in summary.warnings:
            warn(w)
    report_errors(summary.failed)
