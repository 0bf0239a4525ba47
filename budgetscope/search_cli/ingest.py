"""`budgetscope ingest [PATH...]`: files and folders (default: the bundled corpus) into the entity store."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from budgetscope.messages import counted
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
    from budgetscope.api import BudgetscopeError, IndexNotUpdated
    from budgetscope.api.indexing import ingest_and_index, load_and_index
    from budgetscope.index.ingest import IngestError
    from budgetscope.remote import ServeError, ServeUnavailable, hand_over, holder
    from budgetscope.search_cli.common import fail, fail_from, usage
    from budgetscope.store.protocol import StoreError

    if from_jsonl and not paths:
        raise usage("--from-jsonl needs the JSONL files to load")
    if from_jsonl and (strict or workers):
        raise usage("--strict and --workers apply to reading documents, not to --from-jsonl")
    serving = holder(home, qdrant_url, writes_index=not no_index)  # a serve holds the index: it ingests
    if serving is not None and encoder and encoder != serving.encoder:
        raise fail(f"the `budgetscope serve` holding this index (pid {serving.pid}) runs another encoder")
    started = time.monotonic()
    not_indexed: IndexNotUpdated | None = (
        None  # the store written, the index not: summary and errors, then it
    )
    try:
        with Progress("load" if from_jsonl else "ingest", quiet=quiet) as progress:
            done = None
            if serving is not None:  # None when it does not answer (it is not our serve): write here
                request = {"paths": [_resolved(p) for p in paths] if paths else None, "force": force,
                           "workers": workers, "strict": strict, "from_jsonl": from_jsonl, "no_index": no_index}  # fmt: skip
                with contextlib.suppress(ServeUnavailable):
                    done = hand_over(serving, "/api/cli/ingest", request, progress, progress.phase)
            if done is not None:
                summary, points = done["summary"], done["points"]
            elif from_jsonl:
                loaded, points = load_and_index(
                    paths or [], home, index=not no_index, force=force, qdrant_url=qdrant_url, encoder=encoder,
                    on_progress=progress, before_index=lambda: progress.phase("index"),
                )  # fmt: skip
                summary = loaded.as_dict()
            else:
                ingested, points = ingest_and_index(
                    paths, home, index=not no_index, force=force, workers=workers, strict=strict,
                    qdrant_url=qdrant_url, encoder=encoder, on_progress=progress,
                    before_index=lambda: progress.phase("index"),
                )  # fmt: skip
                summary = ingested.as_dict()
    except IndexNotUpdated as exc:
        if exc.summary is None:  # nothing stored (an encoder that cannot load)
            raise fail_from(exc) from None
        summary, points, not_indexed = exc.summary.as_dict(), None, exc
    except (IngestError, StoreError, BudgetscopeError, ServeError) as exc:
        raise fail_from(exc) from None
    if format is IngestFormat.json:  # data: the files by the paths they are stored by
        print(json.dumps(summary, ensure_ascii=False))
    said = as_given(paths if not from_jsonl else None)
    if format is not IngestFormat.json and not quiet:
        render(
            {**summary, "warnings": [said(w) for w in summary["warnings"]]},
            points,
            time.monotonic() - started,
        )
    if not_indexed is not None:
        report_errors([said(e) for e in summary["failed"]], leave=False)
        raise fail_from(not_indexed)
    report_errors([said(e) for e in summary["failed"]])


def _resolved(path: Path) -> str:
    """The file ``path`` names, for a serve started elsewhere; a broken link or a loop as given (absolute),
    for the serve to say what it is.

    >>> _resolved(Path("/nonexistent/a.pdf"))
    '/nonexistent/a.pdf'
    """
    resolved = os.path.realpath(path)
    return resolved if os.path.exists(resolved) else os.path.abspath(path)


def as_given(paths: list[Path] | None) -> Callable[[str], str]:
    """A message of the ingest with each file named as the command line gave it (``dir/a.pdf``): ingest
    stores a file by its absolute path (a serve, which the CLI hands the files to, by its resolved one),
    which its errors and warnings quote; ``segment`` and ``extract`` name files as given.

    >>> said = as_given([Path("dir")])
    >>> said(f"{Path('dir/a.pdf').absolute()}: not a readable PDF")
    'dir/a.pdf: not a readable PDF'
    """
    given: dict[str, str] = {}
    for p in paths or []:  # the resolved path only where it is the file (not a broken link's target, a loop)
        for where in dict.fromkeys((os.path.abspath(p), _resolved(p))):
            if where != str(p):
                given.setdefault(where, str(p).rstrip(os.sep) or str(p))
    if not given:
        return lambda message: message
    # a path ends at a separator (a file in a given folder), or where the name ends in a message
    anywhere = re.compile(
        "|".join(
            f"{re.escape(w)}(?=$|{re.escape(os.sep)}|[:\\s'\",;)])"
            for w in sorted(given, key=len, reverse=True)
        )
    )
    return lambda message: anywhere.sub(lambda m: given[m.group(0)], message)


def render(summary: dict[str, Any], points: int | None, seconds: float | None = None) -> None:
    """The summary of an ingest on stderr, then its warnings; ``seconds``: the whole run's (the summary's
    own are the store's, before the search index)."""
    s = summary
    stderr().print(
        f"{s['written']} written, {s['unchanged']} unchanged, {len(s['failed'])} failed, "
        f"{counted(len(s['warnings']), 'warning')} ({s['seconds']:.2f} s) → "
        f"{s['store']}\nstore: {counted(s['documents'], 'document')}, "
        # a department-wide form is no project (as list and /browse count): said apart
        f"{counted(s['projects'] - s.get('department_forms', 0), 'project')} "
        f"({counted(s['narratives'], 'narrative')}, {counted(s['forms'], 'form')})"
        + (f", {counted(s['department_forms'], 'department-wide form')}" if s.get("department_forms") else "")
        + ", "
        f"{counted(s['amounts'], 'amount')}, {counted(s['citations'], 'citation')}, "
        f"{counted(s['policy_documents'], 'policy document')}, {counted(s['series'], 'project series', 'project series')}, "
        f"{counted(s['findings'], 'finding')}, "
        f"{counted(s['coverage_gaps'], 'document')} with coverage gaps",
        highlight=False,
        soft_wrap=True,
    )
    if points is not None:
        whole = f" ({seconds:.2f} s in all)" if seconds is not None else ""
        stderr().print(f"search index: {points} points embedded by this run{whole}", highlight=False)
    for w in s["warnings"]:
        warn(w)
