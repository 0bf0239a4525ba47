"""`budgetscope ingest [PATH...]`: files and folders (default: the bundled corpus) into the entity store."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from budgetscope.models import Document
from budgetscope.search_cli.common import (
    EncoderOption,
    HomeOption,
    Progress,
    QdrantUrlOption,
    report_errors,
    stderr,
    warn,
)

INDEX_WAIT = 300.0
"""Seconds an index update waits for an embedded index another process is updating (then fails, the
documents staying pending for the next run)."""


class IngestFormat(StrEnum):
    text = "text"
    json = "json"


def command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(readable=False, help="Text or PDF files, or folders (default: the bundled corpus)."),
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
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse documents that are not budget documents (default: stored as kind other, warned).",
        ),
    ] = False,
) -> None:
    """Ingest budget documents into the entity store: idempotent, one transaction per document."""
    from budgetscope.index.ingest import IngestError, ingest
    from budgetscope.index.store import StoreError
    from budgetscope.search_cli.common import fail

    console = stderr()
    try:
        with Progress("ingest", quiet=quiet) as progress:
            from budgetscope.paths import data_home

            changed: list[str] = []

            def on_document(document: Document) -> None:
                # the store marks it pending for the index in the same transaction (index_state)
                changed.append(document.doc)

            summary = ingest(
                paths, home, force=force, workers=workers, on_progress=progress, on_document=on_document,
                strict=strict,
            )  # fmt: skip
            points = None
            if not no_index:
                progress.phase("index")
                points = update_index(
                    data_home(home), changed, qdrant_url=qdrant_url, encoder=encoder, on_progress=progress
                )
    except (IngestError, StoreError) as exc:
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


def update_index(
    home: Path,
    changed: list[str],
    *,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    rebuild: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Bring the search index in line with the store (embedding changed documents); one-line errors."""
    import sqlite3

    from qdrant_client.http.exceptions import ResponseHandlingException

    from budgetscope.index import index_state
    from budgetscope.index.encoders import EncoderError
    from budgetscope.index.search import open_index, sync_index
    from budgetscope.index.store import open_store
    from budgetscope.index.vectors import VectorIndexError
    from budgetscope.search_cli.common import fail
    from budgetscope.search_cli.errors import describe

    store = open_store(home)
    try:
        index_state.migrate(home, store)
        spec = encoder or index_state.encoder_of(store) or "use"
        index = open_index(home, qdrant_url=qdrant_url, encoder=spec, wait=INDEX_WAIT)
        if rebuild:  # drop before the encoder check, so that a rebuild may change the encoder
            encoder_of_index, index.encoder = index.encoder, None
            try:
                with index:
                    index.drop()
            except ResponseHandlingException as exc:
                raise VectorIndexError(f"cannot reach Qdrant at {index.where}: {exc}") from None
            index.encoder = encoder_of_index
        with index:
            index_state.record_encoder(store, spec, index.encoder.dim if index.encoder else None)
            return sync_index(store, index, changed, on_progress=on_progress)
    except (VectorIndexError, EncoderError, OSError, sqlite3.Error) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise fail(f"search index not updated (the store is): {describe(exc)}") from None
    finally:
        store.close()
