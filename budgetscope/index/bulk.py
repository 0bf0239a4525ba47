"""Ingest in two steps, for many machines: read documents anywhere (a map step), load them into one home.

The map step is :func:`process_to_line` on each file — what ``ingest`` does to a file before it
stores it (read, segment, extract, parse and check a department budget's tables) — written as one
JSON line (``budgetscope-processed/1``: the document with its records, its budget tables, its stated
totals, its checks, or the one-line error; money as exact decimal strings). Run it on a cluster
(``examples/cluster_ingest.py`` does, on Dask) into JSONL files. :func:`load_jsonl` then stores those
lines into one data home without reading a document again, with ``ingest``'s guarantees: a document
already stored unchanged (same name, SHA-1 and pipeline version) is left alone, so a re-run changes
nothing; a file name seen twice, a name stored from another document, the same content under
another name are refused as ``ingest`` refuses them; a line that is not one of these is a one-line
error naming the file and line, and nothing stored is lost; the cross-document links are recomputed
once at the end. The public face of both steps is :func:`budgetscope.process` and
:meth:`budgetscope.Budgetscope.load` (which adds the search index update), on the command line
``budgetscope extract --format processed`` and ``budgetscope ingest --from-jsonl``.

Example:
    >>> line = process_to_line("corpus/sast-2026-performance-targets.txt")  # doctest: +SKIP
    >>> summary, written = load_jsonl(["part-0.jsonl"], "/tmp/home")  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from budgetscope.errors import BudgetscopeError
from budgetscope.index.ingest import PARALLEL_MIN_FILES, IngestSummary
from budgetscope.index.processing import Processed, pipeline_version, process_all, process_file
from budgetscope.messages import quoted

FORMAT = "budgetscope-processed/1"
"""The ``format`` of every line the map step writes."""


class BulkLoadError(BudgetscopeError):
    """A JSONL file that cannot be read; one line naming it."""


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "model_dump"):  # a pydantic record: its own JSON form (Decimal as text)
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(kind: Any, value: Any) -> Any:
    """``value`` (from :func:`_encode`) as the type ``kind`` names."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        items = typing.get_args(kind)
        if len(items) == 2 and items[1] is Ellipsis:
            return tuple(_decode(items[0], v) for v in value)
        return tuple(
            _decode(item, v) for item, v in zip(items, value, strict=True)
        )  # tuple[int, tuple[int, ...]]
    if origin is list:
        return [_decode(typing.get_args(kind)[0], v) for v in value]
    if kind is Decimal:
        return Decimal(value)
    if isinstance(kind, type) and hasattr(kind, "model_validate"):
        return kind.model_validate(value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value
            }
        )
    return value


def process_to_line(path: Path | str) -> str:
    """The map step for one file: what ``ingest`` makes of it, as one JSON line (never raises)."""
    return line_of(process_file(path))


def line_of(item: Processed) -> str:
    """A processed file as one JSON line of the map step."""
    return json.dumps({"format": FORMAT, "pipeline": pipeline_version(), **_encode(item)}, ensure_ascii=False)


def process_to_lines(
    paths: Iterable[Path | str], workers: int | None = None
) -> Iterator[tuple[str, str | None]]:
    """The map step for many files, in order, in ``workers`` processes (default: one per core, up to
    4, when a PDF is among them or there are 16 or more): each file's JSON line and its one-line error
    (None when it was read; a failed file's line carries the error too, so the load step reports it)."""
    files = [Path(p) for p in paths]
    if workers is None:
        many = len(files) >= PARALLEL_MIN_FILES or any(p.suffix.lower() == ".pdf" for p in files)
        workers = min(os.cpu_count() or 1, 4) if many and len(files) > 1 else 1
    for item in process_all(files, workers):
        yield line_of(item), item.error


@dataclasses.dataclass(frozen=True)
class Line:
    """A line of the map step: the file as ``ingest`` would store it, and the pipeline version that read it."""

    item: Processed
    pipeline: str


def read_line(line: str) -> Line:
    """A line of :func:`process_to_line` back as the file's :class:`~budgetscope.index.ingest.Processed`.
    Raises ValueError (a short reason) for a line that is not one."""
    data = json.loads(line)
    if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
        raise ValueError(f"not a {FORMAT} line")
    pipeline = str(data.pop("pipeline"))
    item = _decode(Processed, data)
    if not isinstance(item, Processed):
        raise ValueError("not a processed file")
    return Line(item, pipeline)


NOT_A_MAP_FILE = 3
"""A file whose first this many lines are none of the map step's is another kind of file altogether."""


def _lines(files: Iterable[Path | str]) -> Iterator[tuple[str, Line | str]]:
    """``(where, item)`` for every line of the files; item is the one-line error of a bad line."""
    for file in files:
        try:
            with open(file, encoding="utf-8") as f:
                read_any, pending = False, []  # bad lines before any good one: held until it is known
                for n, line in enumerate(f, start=1):  # whether the file is one at all
                    if not line.strip():
                        continue
                    try:
                        item = read_line(line)
                    except (ValueError, KeyError, TypeError) as exc:
                        bad = (
                            f"{file}:{n}",
                            f"{quoted(file)}:{n}: not a line of the map step ({str(exc)[:80]})",
                        )
                        if read_any:
                            yield bad
                            continue
                        pending.append(bad)
                        if len(pending) == NOT_A_MAP_FILE:  # another kind of file: said once, not a line each
                            yield (
                                f"{file}:{n}",
                                f"{quoted(file)}: not a file of `extract --format processed` (its first "
                                f"{NOT_A_MAP_FILE} lines are none: {str(exc)[:80]})",
                            )
                            pending = []
                            break
                        continue
                    yield from pending
                    pending, read_any = [], True
                    yield f"{file}:{n}", item
                yield from pending
        except (OSError, UnicodeDecodeError) as exc:
            raise BulkLoadError(
                f"{quoted(file)}: cannot read ({getattr(exc, 'strerror', None) or exc})"
            ) from None


def load_jsonl(
    files: Iterable[Path | str],
    home: Path | str | None = None,
    *,
    force: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> tuple[IngestSummary, list[str]]:
    """Store the documents of the map step's JSONL files (a folder: the ``*.jsonl`` files in it) in the
    home's store; the summary (as ``ingest`` gives it) and the names of the documents written (for
    the index update). A file that cannot be read stops the load before anything is written."""
    from budgetscope.index.clashes import StoredAs, duplicate_of, name_clash, stored_contents
    from budgetscope.index.ingest import _totals, not_stored, relink
    from budgetscope.paths import data_home
    from budgetscope.store import index_state
    from budgetscope.store.protocol import DocumentEntry
    from budgetscope.store.sqlite import open_store

    started = time.perf_counter()
    given_files = list(files)
    files = [
        f
        for given in given_files
        for f in (sorted(Path(given).glob("*.jsonl")) if Path(given).is_dir() else [given])
    ]
    for given in given_files:  # a folder without a map step's file is a mistake, not nothing to do
        if Path(given).is_dir() and not any(Path(given).glob("*.jsonl")):
            raise BulkLoadError(f"{quoted(given)}: no .jsonl file in this folder")
    for file in files:  # a missing or unreadable file stops the load before anything is written
        try:
            if not stat.S_ISREG(os.stat(file).st_mode):  # a FIFO would never end
                raise BulkLoadError(f"{quoted(file)}: not a regular file")
            open(file, "rb").close()
        except OSError as exc:
            raise BulkLoadError(f"{quoted(file)}: cannot read ({exc.strerror or exc})") from None
    store = open_store(home, create=True)
    index_state.migrate(data_home(home), store)
    summary = IngestSummary(store=getattr(store, "path", ""))
    written: list[str] = []
    try:
        fingerprints = store.fingerprints()
        contents = stored_contents(store)
        seen: dict[str, str] = {}
        for where, line in _lines(files):
            summary.files += 1
            if on_progress is not None:
                on_progress(summary.files, 0, where)
            if isinstance(line, str) or line.item.document is None:
                summary.failed.append(
                    line if isinstance(line, str) else line.item.error or f"{where}: no document"
                )
                continue
            item, document = line.item, line.item.document
            if document.doc in seen:
                summary.failed.append(
                    f"{quoted(document.path)}: same file name as {quoted(seen[document.doc])} in this load; documents "
                    "are stored by file name, so rename one of them"
                )
                continue
            seen[document.doc] = document.path
            known = fingerprints.get(document.doc)
            if (
                known is not None
                and known.sha1 == document.sha1
                and known.pipeline == line.pipeline
                and not force
            ):
                summary.unchanged += 1
                continue
            moved = None
            if known is not None and known.sha1 != document.sha1:
                for row in store.select("documents", {"doc": document.doc}):
                    if (row["path"] or "") != document.path:
                        moved = StoredAs(row["path"] or "", row["kind"], row["department"], row["year"])
            refused = name_clash(document, moved, force=force) or (
                None if force else duplicate_of(document, contents)
            )
            if refused is not None:
                summary.failed.append(refused)
                continue
            entry = DocumentEntry(document, item.tables, item.stated, item.checks, line.pipeline)
            try:
                summary.written += store.write_documents([entry])
            except Exception as exc:  # this document alone (rolled back), or the store itself (raised)
                summary.failed.append(not_stored(document.path or where, exc))
                continue
            contents[document.content_sha1] = (document.doc, document.path)
            summary.warnings += [f"{quoted(document.path or document.doc)}: {w}" for w in document.warnings]
            written.append(document.doc)
        relinking = time.perf_counter()
        while store.links_stale():
            before = index_state.sequence(store)
            store.write_links(relink(store))
            summary.relinked = True
            if index_state.sequence(store) != before:
                index_state.links_stale_again(store)
        summary.relink_seconds = round(time.perf_counter() - relinking, 3)
        _totals(store, summary)
    finally:
        store.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary, written
