"""Keeping the search index in line with the store: ingest then index, one loaded encoder per process.

Both ``budgetscope ingest``/``index`` and :meth:`budgetscope.api.Budgetscope.ingest` call these.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from budgetscope.api.errors import IndexNotUpdated

if TYPE_CHECKING:
    from budgetscope.index.encoders import Encoder
    from budgetscope.index.ingest import IngestSummary
    from budgetscope.models import Document
    from budgetscope.vector.base import Status, VectorIndex

Progress = Callable[[int, int, str], None]
"""``progress(done, total, name)``: called after each file or document."""

Updating = Callable[[], "AbstractContextManager[VectorIndex]"]
"""``updating()``: the index an update writes, opened and kept open by its holder (a session's, shared
with its searches: :meth:`budgetscope.api.held_index.HeldIndex.updating`)."""

_encoders: dict[str, Encoder] = {}
_encoders_lock = threading.Lock()


def shared_encoder(spec: str) -> Encoder:
    """The process's one encoder for ``spec`` (its model loads on first use, once)."""
    from budgetscope.index.encoders import get_encoder

    with _encoders_lock:
        if spec not in _encoders:
            _encoders[spec] = get_encoder(spec)
        return _encoders[spec]


INDEX_WAIT = 300.0
"""Seconds an index update waits for an embedded index another process is updating (then fails, the
documents staying pending for the next run)."""

SEARCH_WAIT = 60.0
"""Seconds a search waits for an embedded index another process is updating."""

WAIT_ENV = "BUDGETSCOPE_LOCK_WAIT"
"""Seconds to wait for an index another process holds, for searches and updates alike (0: fail at once)."""


def lock_wait(default: float) -> float:
    """How long to wait for an embedded index held by another process: ``BUDGETSCOPE_LOCK_WAIT`` or ``default``.

    >>> lock_wait(60.0) if "BUDGETSCOPE_LOCK_WAIT" not in os.environ else 60.0
    60.0
    """
    value = os.environ.get(WAIT_ENV, "").strip()
    try:
        return max(0.0, float(value)) if value else default
    except ValueError:
        return default


def stderr_status(message: str) -> None:
    """A line of progress on stderr (the default ``on_status`` of :func:`update_index`)."""
    from budgetscope.messages import one_line

    print(one_line(message), file=sys.stderr, flush=True)


def encoder_spec(home: Path, encoder: str | None = None) -> str:
    """The encoder to use: the one given, else the one the index was built with, else the default."""
    from budgetscope.vector.points import DEFAULT_ENCODER
    from budgetscope.vector.sync import recorded_encoder

    return encoder or recorded_encoder(home) or DEFAULT_ENCODER


def vector_index(
    home: Path,
    *,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    read_only: bool = False,
    wait: float = 0.0,
) -> VectorIndex:
    """The project's vector index (embedded under ``home/vectors`` on qdrant-edge, or the server at
    ``qdrant_url``) with the process's shared encoder; nothing is opened yet. An embedded index
    another process has open is waited for up to ``wait`` seconds."""
    from budgetscope.vector.sync import open_index

    enc = shared_encoder(encoder_spec(home, encoder))
    return open_index(home, qdrant_url=qdrant_url, encoder=enc, read_only=read_only, wait=wait)


SERVE_WAIT = 2.0
"""Seconds a search waits for an index that a running serve advertised in the home holds (it keeps it
while it runs: waiting longer cannot help) before :class:`~budgetscope.api.errors.IndexBusy` names it."""


def search_index(
    home: Path, *, qdrant_url: str | None = None, encoder: str | None = None, wait: float | None = None
) -> VectorIndex:
    """The vector index opened for searching (read only), waiting up to ``wait`` seconds (default
    :func:`lock_wait` of :data:`SEARCH_WAIT`) for an embedded index another process holds, then
    :class:`~budgetscope.api.errors.IndexBusy` (after :data:`SERVE_WAIT`, naming it, when a serve advertised
    in ``home`` holds it)."""
    from budgetscope.api.errors import IndexBusy
    from budgetscope.remote import running
    from budgetscope.vector.query import IndexLocked

    serving = None if qdrant_url else running(home)
    serve = serving is not None and serving.pid != os.getpid()  # a serve holds the index while it runs
    wait = lock_wait(SEARCH_WAIT) if wait is None else wait
    index = vector_index(
        home,
        qdrant_url=qdrant_url,
        encoder=encoder,
        read_only=True,
        wait=min(wait, SERVE_WAIT) if serve else wait,
    )
    try:
        return index.open()
    except IndexLocked as exc:
        if serve and serving is not None:  # no wait helps: say who holds it
            raise IndexBusy(
                f"the search index of {home} is held by `budgetscope serve` (pid {serving.pid}, {serving.url}): "
                "ask it (/api/search, or the CLI, which forwards to it), or stop it"
            ) from None
        raise IndexBusy(str(exc)) from None


def update_index(
    home: Path,
    changed: list[str],
    *,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    rebuild: bool = False,
    on_progress: Progress | None = None,
    on_status: Status | None = stderr_status,
    index: VectorIndex | None = None,
) -> int:
    """Bring the search index in line with the store (embedding changed and pending documents);
    returns the number of points written. :class:`IndexNotUpdated` on failure (the store is kept).
    ``index``: the index to write, open, left open (see :data:`Updating`); by default one is opened.

    The embedded index of an older home (qdrant-client's folder ``home/qdrant``) is rebuilt from the
    store on the Qdrant engine, said on ``on_status``; the old folder is deleted once that is done.
    The process holds the embedded index from start to end: a search in another process waits for it
    and never sees it half-written."""
    import shutil
    import sqlite3
    from contextlib import ExitStack

    from budgetscope.api.errors import describe
    from budgetscope.index.encoders import EncoderError
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import open_store
    from budgetscope.vector.points import DEFAULT_ENCODER
    from budgetscope.vector.query import VectorIndexError
    from budgetscope.vector.sync import legacy_index, sync_index

    legacy = None if qdrant_url else legacy_index(home)
    store = open_store(home)
    try:
        index_state.migrate(home, store)
        spec = encoder or index_state.encoder_of(store) or DEFAULT_ENCODER
        with ExitStack() as opened:
            if index is None:
                index = vector_index(home, qdrant_url=qdrant_url, encoder=spec, wait=lock_wait(INDEX_WAIT))
                if rebuild and hasattr(index, "replace_damaged"):  # the store's copy: a damaged one goes
                    index.replace_damaged = True
                opened.enter_context(index)
            if (damaged := getattr(index, "damaged", None)) and on_status:
                on_status(f"the search index {index.where} was damaged ({damaged}): building it again")
            if legacy is not None and on_status:
                on_status(
                    f"the search index under {home} was made by an older budgetscope (qdrant-client): "
                    f"rebuilding it from the store on the Qdrant engine (qdrant-edge), once; {legacy} goes after"
                )
            if rebuild or legacy is not None:
                if index.encoder is not None:  # an encoder that cannot load must not cost the working index
                    index.encoder.encode_documents(["预算"])
                index.drop()  # before the encoder is checked, so that a rebuild may change the encoder
            index_state.record_encoder(store, spec, index.encoder.dim if index.encoder else None)
            written = sync_index(store, index, changed, on_progress=on_progress, on_status=on_status)
        if legacy is not None:
            shutil.rmtree(legacy, ignore_errors=True)
        return written
    except (VectorIndexError, EncoderError, OSError, sqlite3.Error) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise IndexNotUpdated.because(describe(exc)) from exc
    finally:
        store.close()


def ingest_and_index(
    paths: Iterable[Path | str] | None,
    home: Path | str | None,
    *,
    index: bool = True,
    force: bool = False,
    workers: int | None = None,
    strict: bool = False,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    on_progress: Progress | None = None,
    before_index: Callable[[], None] | None = None,
    updating: Updating | None = None,
) -> tuple[IngestSummary, int | None]:
    """Ingest files and folders (default: the bundled corpus) into the store, then, with ``index``,
    embed what changed (``before_index()`` called first; into ``updating()``'s index when given);
    returns the summary and the points written (None without ``index``).

    The store notes each document as pending for the index in the transaction that writes it, so an
    index update that fails or is killed is completed by the next run. With ``strict``, documents
    that are not budget documents are refused (else stored as kind other, warned). Raises IngestError, StoreError, HomeError or
    :class:`IndexNotUpdated`.
    """
    from budgetscope.index.ingest import ingest

    if index and encoder:
        check_encoder(encoder)
    changed: list[str] = []

    def on_document(document: Document) -> None:
        changed.append(document.doc)

    summary = ingest(
        paths, home, force=force, workers=workers, on_progress=on_progress, on_document=on_document,
        strict=strict,
    )  # fmt: skip
    with _telling(summary):
        return summary, _index_after(
            changed, home, index, qdrant_url, encoder, on_progress, before_index, updating
        )


@contextmanager
def _telling(summary: IngestSummary) -> Iterator[None]:
    """An index update after an ingest or load that fails says what the store now holds, and carries the
    summary (its files stored and failed, which a front end still reports): :class:`IndexNotUpdated`."""
    from budgetscope.messages import counted

    try:
        yield
    except IndexNotUpdated as exc:
        n = summary.written
        stored = (
            f"{counted(n, 'document')} stored: `budgetscope index` adds {'it' if n == 1 else 'them'} later"
            if n
            else "nothing stored by this run"
        )
        raise IndexNotUpdated.because(exc.reason, stored=stored, summary=summary) from exc


def check_encoder(spec: str) -> None:
    """An encoder asked for by name loads, or :class:`IndexNotUpdated` before anything is stored (an
    unknown name or a missing model must not leave the store written and the index behind)."""
    from budgetscope.index.encoders import EncoderError
    from budgetscope.messages import first_line

    try:
        shared_encoder(spec).encode_documents(["预算"])
    except (EncoderError, OSError) as exc:  # an EncoderError is one line of ours, however long its path
        raise IndexNotUpdated(
            f"nothing stored: {exc if isinstance(exc, EncoderError) else first_line(exc)}"
        ) from None


def _index_after(
    changed: list[str],
    home: Path | str | None,
    index: bool,
    qdrant_url: str | None,
    encoder: str | None,
    on_progress: Progress | None,
    before_index: Callable[[], None] | None,
    updating: Updating | None = None,
) -> int | None:
    """With ``index``: the points written for the ``changed`` documents of a store (``before_index``
    called first; into ``updating()``'s index when given); else None."""
    from contextlib import nullcontext

    from budgetscope.paths import data_home

    if not index:
        return None
    if before_index is not None:
        before_index()
    with updating() if updating is not None else nullcontext() as shared:
        return update_index(
            data_home(home),
            changed,
            qdrant_url=qdrant_url,
            encoder=encoder,
            on_progress=on_progress,
            index=shared,
        )


def load_and_index(
    files: Iterable[Path | str],
    home: Path | str | None,
    *,
    index: bool = True,
    force: bool = False,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    on_progress: Progress | None = None,
    before_index: Callable[[], None] | None = None,
    updating: Updating | None = None,
) -> tuple[IngestSummary, int | None]:
    """The load step of a parallel ingest: the documents of JSONL files written by
    :func:`budgetscope.api.process` (``budgetscope extract --format processed``) stored as ``ingest``
    stores them (no document read again; unchanged ones left alone), then, with ``index``, embedded.
    Raises :class:`UnreadableLoad` for a file that cannot be read (what was stored before it stays)."""
    if index and encoder:
        check_encoder(encoder)
    from budgetscope.api.errors import UnreadableLoad
    from budgetscope.index.bulk import BulkLoadError, load_jsonl

    try:
        summary, written = load_jsonl(files, home, force=force, on_progress=on_progress)
    except BulkLoadError as exc:
        raise UnreadableLoad(str(exc)) from None
    with _telling(summary):
        return summary, _index_after(
            written, home, index, qdrant_url, encoder, on_progress, before_index, updating
        )


def indexed(home: Path) -> bool:
    """Whether a search index was ever built for the store under ``home`` (it records its encoder)."""
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import open_store

    with open_store(home) as store:
        return index_state.encoder_of(store) is not None


def remove_documents(
    home: Path,
    names: Iterable[str],
    *,
    index: bool = True,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    updating: Updating | None = None,
) -> int:
    """Remove stored documents by name (with their projects, amounts, citations, findings), relink
    the rest and, with ``index``, drop their points (a home never indexed stays so); returns how many
    were removed. An unknown name
    is :class:`DocumentNotFound` and nothing is removed; the index catches up on its next update
    when ``index`` is off or fails (:class:`IndexNotUpdated`, the store is changed)."""
    from budgetscope.api.errors import DocumentNotFound
    from budgetscope.index.ingest import relink
    from budgetscope.messages import quoted
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import open_store

    names = [Path(d).name for d in names]  # a path names the file's document
    with open_store(home) as store:
        stored = {row["doc"] for row in store.select("documents")}
        unknown = [n for n in names if n not in stored]
        if unknown:
            raise DocumentNotFound(
                f"no stored document named {quoted(unknown[0])} (nothing removed; `budgetscope list` lists the stored ones)"
            )
        removed = store.delete_documents(names)
        if store.links_stale():
            store.write_links(relink(store))
        indexed = index_state.encoder_of(store) is not None  # never indexed: nothing to drop, none to build
    _index_after([], home, index and indexed, qdrant_url, encoder, None, None, updating)
    return removed
