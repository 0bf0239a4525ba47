"""What every command shares: consoles (data on stdout, progress and errors on stderr), errors, formats."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from budgetscope.messages import place
from budgetscope.search_cli.errors import one_line

if TYPE_CHECKING:  # imported where used: `search` and `cites` do not pay for the models and the loader
    from budgetscope.models import Document

T = TypeVar("T")


class DataConsole(Console):
    """A rich console for data on stdout: a closed pipe (``budgetscope cites … | head -1``) raises
    BrokenPipeError, which the app ends quietly with exit 0 (rich's own handling exits 1), as for
    everything else a command prints."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(32, "Broken pipe")


def stdout(*, markup: bool = False) -> Console:
    """A console on the current stdout (data only); when it is not a terminal, nothing is cropped.

    Strings printed on it are not rich markup (document text is untrusted: ``[bold]`` or ``[/注]``
    in a document is shown as written); a command that styles its output passes ``markup=True`` and
    escapes every piece of document text (``rich.markup.escape``) or passes ``Text`` objects.
    """
    wide = None if sys.stdout.isatty() else 200
    return DataConsole(file=sys.stdout, soft_wrap=True, highlight=False, width=wide, markup=markup)


def hit_places(hit: dict[str, Any]) -> str:
    """Every place a hit's project is written (its ``sources``: the narrative and the form linked to it),
    as search and cites list them.

    >>> hit_places({"doc": "a.txt", "line": 9, "sources": [{"doc": "a.txt", "line": 9}, {"doc": "f.txt", "line": 43}]})
    'a.txt:9, f.txt:43'
    """
    return ", ".join(place(s.get("doc"), s.get("line"), s.get("page")) for s in hit.get("sources") or [hit])


def hit_budget(hit: dict[str, Any]) -> str:
    """A hit's budget as search and cites print it (the project's: the form's, else the narrative's), or
    nothing when neither states one; ``≈`` before one read from an approximate amount (约27万元), flagged
    when a finding disputes it.

    >>> hit_budget({"budget_yuan": 1106700}), hit_budget({"budget_yuan": 5, "budget_flagged": True}), hit_budget({})
    ('1,106,700.00 元', '5.00 元 (flagged: see `budgetscope check`)', '')
    >>> hit_budget({"budget_yuan": 270000, "budget_approximate": True})
    '≈270,000.00 元'
    """
    from budgetscope.models import money_grouped

    if hit.get("budget_yuan") is None:
        return ""
    flagged = " (flagged: see `budgetscope check`)" if hit.get("budget_flagged") else ""
    about = "≈" if hit.get("budget_approximate") else ""
    return f"{about}{money_grouped(hit['budget_yuan'])} 元{flagged}"


def stderr() -> Console:
    """A console on stderr for progress, warnings and errors (no markup: messages quote file names)."""
    return Console(file=sys.stderr, highlight=False, markup=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error on stderr and return the Exit to raise."""
    print(f"error: {one_line(message)}", file=sys.stderr)
    return typer.Exit(code)


def usage(message: str) -> Exception:
    """The usage mistake to raise (options that do not go together, a missing argument, a bad value):
    the console script prints it in one line with the command's help to read, exit 2, as click's own."""
    from typer import _click as click

    return click.exceptions.UsageError(message)


def checked_query(query: str) -> None:
    """A QUERY that can be looked up (:func:`~budgetscope.api.searching.query_error`: not empty, not over
    the length limit, not punctuation only), else its usage mistake (exit 2): ``search`` and ``cites``
    refuse the same queries with the same line, before asking a serve or opening the home."""
    from budgetscope.api.searching import query_error

    if (error := query_error(query)) is not None:
        raise usage(error)


def fail_from(exc: BaseException) -> typer.Exit:
    """:func:`fail` with the exception's message; with ``--verbose`` its traceback first, with what caused
    it (the "run with --verbose for the traceback" that an unexpected error's message promises)."""
    import os

    from budgetscope.search_cli.errors import VERBOSE_ENV

    if os.environ.get(VERBOSE_ENV):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    return fail(str(exc))


def warn(message: str) -> None:
    print(f"warning: {one_line(message)}", file=sys.stderr)


PROGRESS_EVERY = 10
PROGRESS_AFTER = 2.0
"""Reading files (extract, segment, citations) shows progress once it has taken this many seconds."""
"""When stderr is not a terminal (a log, CI), progress is one line per this many documents."""


class Progress:
    """Progress on stderr: a live bar on a terminal, else a line per :data:`PROGRESS_EVERY` documents.

    Call it as ``on_progress(done, total, name)``; use it as a context manager; :meth:`phase` starts
    a new count (e.g. ``index`` after ``ingest``).
    """

    def __init__(
        self, label: str, *, quiet: bool = False, every: int = PROGRESS_EVERY, after: float = 0.0
    ) -> None:
        self.label = label
        self.quiet = quiet
        self.every = every
        self.after = after  # seconds: quick work shows nothing (a line per file would be noise)
        self._started = time.monotonic()
        self.console = stderr()
        self._bar: Any = None
        self._task: Any = None
        self._printed = -1

    def __enter__(self) -> Progress:
        if not self.after:
            self._start_bar()
        return self

    def _start_bar(self) -> None:
        """The live bar, on a terminal (with ``after``: once the work has taken that long)."""
        if self._bar is None and not self.quiet and self.console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.fields[label]}", markup=False), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                console=self.console, transient=True,
            )  # fmt: skip
            self._task = self._bar.add_task("", total=None, label=self.label)
            self._bar.start()

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def phase(self, label: str) -> None:
        self.label, self._printed = label, -1
        if self._bar is not None:
            self._bar.update(self._task, completed=0, total=None, description="", label=label)

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.quiet or time.monotonic() - self._started < self.after:
            return
        self._start_bar()
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total, description=one_line(name))
        elif done > 0 and done != self._printed and (done % self.every == 0 or done == total):
            self._printed = done  # total 0: not known beforehand
            count = f"{done}/{total}" if total else str(done)
            print(f"{self.label}: {count}" + (f" {one_line(name)}" if name else ""), file=sys.stderr)


def warn_coverage(docs: Iterable[Document]) -> None:
    """One line on stderr per document that shows more than was read (its coverage report), naming the
    file by its path as given, as the errors of files that cannot be read do."""
    from budgetscope.messages import quoted
    from budgetscope.pipeline.coverage import warning

    for d in docs:
        if d.coverage is not None and d.coverage.short:
            warn(f"{quoted(d.path or d.doc)}: {warning(d.coverage)}")


def read_documents(paths: Iterable[Path], *, cache: bool = True) -> tuple[list[Document], list[str]]:
    """Read every file (in parallel processes when worth it; from the read cache unless ``cache`` is
    False), with progress on stderr once it takes :data:`PROGRESS_AFTER` seconds; failures become
    one-line error strings."""
    from budgetscope.api.reading import read_documents as read_in_parallel

    with Progress("read", after=PROGRESS_AFTER) as progress:
        return read_in_parallel(paths, cache=None if cache else False, on_progress=progress)


def report_errors(errors: list[str], *, leave: bool = True) -> None:
    """Print each error on one line of stderr and (with ``leave``) exit non-zero when there were any."""
    for e in errors:
        print(f"error: {one_line(e)}", file=sys.stderr)
    if errors and leave:
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


def encoder_spec(value: str | None) -> str | None:
    """An ``--encoder`` of a known form (``use``, ``e5``, ``hash``, ``st:<model>``, or two joined by ``+``),
    else a usage mistake (exit 2) before anything is read or written; whether the model loads is the
    encoder's own check.

    >>> encoder_spec("use+e5"), encoder_spec("st:/models/minilm")
    ('use+e5', 'st:/models/minilm')
    """
    if value is None:
        return None
    spec = value.strip()
    parts = [spec] if spec.startswith("st:") else [p.strip() for p in spec.split("+")]
    if len(parts) > 2 or not all(
        p in ("use", "e5", "hash") or (p.startswith("st:") and p[3:].strip()) for p in parts
    ):
        raise typer.BadParameter(
            f"unknown encoder {spec[:60]!r}: expected use, e5, st:<model name or path> or two joined by + (use+e5)"
        )
    return value


EncoderOption = Annotated[
    str | None,
    typer.Option(
        "--encoder",
        envvar="BUDGETSCOPE_ENCODER",
        callback=encoder_spec,
        show_default=False,
        help="use (USE-multilingual), e5 (multilingual-e5-small), st:<model name or path>, or two joined "
        "by + (use+e5: e5 as a second vector) (default: the one the index was built with, else use).",
    ),
]


FilesArgument = Annotated[
    list[Path], typer.Argument(readable=False, help="Text or PDF files (folders are searched).")
]
"""The documents a reading command takes."""

NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Read every file again (not from the read cache).")
]
"""``--no-cache``: documents read before by the same pipeline are not taken from the read cache."""


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def extract_files(files: list[Path], *, cache: bool = True) -> tuple[list[Document], list[str]]:
    """Read and extract files; failures come back as one-line error strings."""
    from budgetscope.pipeline.extract import extract_documents

    docs, errors = read_documents(files, cache=cache)
    return extract_documents(docs), errors


def record_flags(docs: Iterable[Document]) -> dict[str, list[str]]:
    """Per record id, the kinds of the error-level checks of its document's own that flag its budget, as ingest
    would (``annual_budget``, ``magnitude`` against its components: :mod:`budgetscope.pipeline.linking.own_checks`;
    the checks that need the store, against the project's form, its department's total or other years, are not
    made). A record absent is not flagged."""
    from budgetscope.pipeline.linking.own_checks import own_flags

    return {rid: kinds for d in docs for rid, kinds in own_flags(d.records).items()}


def listed_note(result: dict[str, Any]) -> str | None:
    """The projects a document's project list names that the query names, of which no form or narrative
    was read (the answer's ``listed``): no hit can show them, so a line says where they are.

    >>> listed_note({"listed": [{"name": "校 / 校舍建设", "stated": "6,700.00万元", "doc": "a.pdf", "page": 37}]})
    'named in a project list, never read as a project (no form or narrative): 校 / 校舍建设 6,700.00万元 (a.pdf p.37)'
    """
    if not result.get("listed"):
        return None
    places = [f"p.{x['page']}" if x.get("page") else f"line {x.get('line')}" for x in result["listed"]]
    named = "; ".join(
        one_line(f"{x['name']}{' ' + x['stated'] if x.get('stated') else ''} ({x['doc']} {place})")
        for x, place in zip(result["listed"], places, strict=True)
    )
    return f"named in a project list, never read as a project (no form or narrative): {named}"
