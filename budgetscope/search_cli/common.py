"""What every command shares: consoles (data on stdout, progress and errors on stderr), errors, formats."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from budgetscope.models import Document
from budgetscope.pipeline.load import LoadError

T = TypeVar("T")


def stdout() -> Console:
    """A console on the current stdout (data only); when it is not a terminal, nothing is cropped."""
    wide = None if sys.stdout.isatty() else 200
    return Console(file=sys.stdout, soft_wrap=True, highlight=False, width=wide)


def stderr() -> Console:
    """A console on stderr for progress, warnings and errors."""
    return Console(file=sys.stderr, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error on stderr and return the Exit to raise."""
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def warn_coverage(docs: Iterable[Document]) -> None:
    """One line on stderr per document that shows more than was read (its coverage report)."""
    from budgetscope.pipeline.coverage import warning

    for d in docs:
        if d.coverage is not None and d.coverage.short:
            warn(f"{d.doc}: {warning(d.coverage)}")


def read_documents(paths: Iterable[Path]) -> tuple[list[Document], list[str]]:
    """Read every file; failures become one-line error strings instead of exceptions."""
    from budgetscope.pipeline.document import read_document

    docs: list[Document] = []
    errors: list[str] = []
    from budgetscope.paths import expand

    for p in expand(paths):
        try:
            docs.append(read_document(p))
        except LoadError as exc:
            errors.append(str(exc))
    return docs, errors


def report_errors(errors: list[str]) -> None:
    """Print each error on one line of stderr and exit non-zero when there were any."""
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        raise typer.Exit(1)


class SegmentFormat(StrEnum):
    json = "json"
    table = "table"


HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="BUDGETSCOPE_HOME",
        help="Data home (default: the user data dir).",
        show_default=False,
    ),
]
"""``--home``: where the store and the embedded index live."""

QdrantUrlOption = Annotated[
    str | None,
    typer.Option(
        "--qdrant-url",
        envvar="BUDGETSCOPE_QDRANT_URL",
        show_default=False,
        help="A Qdrant server or cluster (default: embedded Qdrant under the data home).",
    ),
]
EncoderOption = Annotated[
    str | None,
    typer.Option(
        "--encoder",
        show_default=False,
        help="use (USE-multilingual), e5 (multilingual-e5-small) or st:<model name or path> "
        "(default: the one the index was built with, else use).",
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
