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
    Progress,
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
        list[Path] | None,
        typer.Argument(
            readable=False,
            help="Text or PDF files, or folders (default: the bundled corpus); with --from-jsonl, JSONL files.",
        ),
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
    from_jsonl: Annotated[
        bool,
        typer.Option(
            "--from-jsonl",
            help="PATHS are JSONL files of `extract --format processed` (the map step, run anywhere): store "
            "their documents without reading any again.",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse documents that are not budget documents (default: stored as kind other, warned).",
        ),
    ] = False,
) -> None:
    """Ingest budget documents into the entity store: idempotent, one transaction per document."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.api.indexing import ingest_and_index, load_and_index
    from budgetscope.index.ingest import IngestError
    from budgetscope.remote import refuse_writes
    from budgetscope.search_cli.common import fail
    from budgetscope.store.protocol import StoreError

    # a serve holds the embedded index: one line naming it
    if busy := refuse_writes(home, qdrant_url, writes_index=not no_index):
        raise fail(busy)
    console = stderr()
    try:
        with Progress("load" if from_jsonl else "ingest", quiet=quiet) as progress:
            if from_jsonl:
                if not paths:
                    raise fail("--from-jsonl needs the JSONL files to load")
                if strict or workers:
                    raise fail("--strict and --workers apply to reading documents, not to --from-jsonl")
                summary, points = load_and_index(
                    paths, home, index=not no_index, force=force, qdrant_url=qdrant_url, encoder=encoder,
                    on_progress=progress, before_index=lambda: progress.phase("index"),
                )  # fmt: skip
            else:
                summary, points = ingest_and_index(
                    paths, home, index=not no_index, force=force, workers=workers, strict=strict,
                    qdrant_url=qdrant_url, encoder=encoder, on_progress=progress,
                    before_index=lambda: progress.phase("index"),
                )  # fmt: skip
    except (IngestError, StoreError, BudgetscopeError) as exc:
        raise fail(str(exc)) from None
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
