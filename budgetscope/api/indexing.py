"""Keeping the search index in line with the store: ingest then index, one loaded encoder per process.

Both ``budgetscope ingest``/``index`` and :meth:`budgetscope.api.Budgetscope.ingest` call these.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from budgetscope.api.errors import IndexNotUpdated

if TYPE_CHECKING:
    from budgetscope.index.encoders import Encoder
    from budgetscope.index.ingest import IngestSummary
    from budgetscope.index.vectors import VectorIndex
    from budgetscope.models import Document

Progress = Callable[[int, int, str], None]
"""``progress(done, total, name)``: called after each file or document."""

_encoders: dict[str, Encoder] = {}
_encoders_lock = threading.Lock()


def shared_encoder(spec: str) -> Encoder:
    """The process's one encoder for ``spec`` (its model loads on first use, once)."""
    from budgetscope.index.encoders import get_encoder

    with _encoders_lock:
        if spec not in _encoders:
            _encoders[spec] = get_encoder(spec)
        return _encoders[spec]


def encoder_spec(home: Path, encoder: str | None = None) -> str:
    """The encoder to use: the one given, else the one the index was built with, else the default."""
    from budgetscope.index.search import DEFAULT_ENCODER, index_settings

    return encoder or index_settings(home).get("encoder") or DEFAULT_ENCODER


def vector_index(
    home: Path, *, qdrant_url: str | None = None, encoder: str | None = None, read_only: bool = False
) -> VectorIndex:
    """The project's vector index (embedded under ``home/qdrant``, or the server at ``qdrant_url``)
    with the process's shared encoder; nothing is opened yet."""
    from budgetscope.index.search import COLLECTION
    from budgetscope.index.vectors import VectorIndex

    enc = shared_encoder(encoder_spec(home, encoder))
    where = {"url": qdrant_url} if qdrant_url else {"path": home / "qdrant"}
    return VectorIndex(**where, collection=COLLECTION, encoder=enc, read_only=read_only)


def update_index(
    home: Path,
    changed: list[str],
    *,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    rebuild: bool = False,
    on_progress: Progress | None = None,
) -> int:
    """Bring the search index in line with the store (embedding changed and pending documents);
    returns the number of points written. :class:`IndexNotUpdated` on failure (the store is kept)."""
    from qdrant_client.http.exceptions import ResponseHandlingException

    from budgetscope.index.encoders import EncoderError
    from budgetscope.index.search import index_settings, save_index_settings, sync_index
    from budgetscope.index.store import open_store
    from budgetscope.index.vectors import VectorIndexError

    settings = index_settings(home)
    spec = encoder_spec(home, encoder)
    changed = [*changed, *settings.get("pending", [])]
    store = open_store(home)
    try:
        index = vector_index(home, qdrant_url=qdrant_url, encoder=spec)
        if rebuild:  # drop before the encoder check, so that a rebuild may change the encoder
            encoder_of_index, index.encoder = index.encoder, None
            try:
                with index:
                    index.drop()
            except ResponseHandlingException as exc:
                raise VectorIndexError(f"cannot reach Qdrant at {index.where}: {exc}") from None
            index.encoder = encoder_of_index
        with index:
            save_index_settings(home, spec)
            written = sync_index(store, index, changed, on_progress=on_progress)
            save_index_settings(home, pending=[])
            return written
    except (VectorIndexError, EncoderError) as exc:
        raise IndexNotUpdated(f"search index not updated (the store is): {exc}") from None
    finally:
        store.close()


def ingest_and_index(
    paths: Iterable[Path | str] | None,
    home: Path | str | None,
    *,
    index: bool = True,
    force: bool = False,
    workers: int | None = None,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    on_progress: Progress | None = None,
    before_index: Callable[[], None] | None = None,
) -> tuple[IngestSummary, int | None]:
    """Ingest files and folders (default: the bundled corpus) into the store, then, with ``index``,
    embed what changed; returns the summary and the points written (None without ``index``).

    Each document is noted as pending as it is committed, so an index update that fails or is
    killed is completed by the next run. Raises IngestError, StoreError, HomeError or
    :class:`IndexNotUpdated`.
    """
    from budgetscope.index.ingest import ingest
    from budgetscope.index.search import mark_pending
    from budgetscope.paths import data_home, ensure_home

    changed: list[str] = []

    def on_document(document: Document) -> None:
        changed.append(document.doc)
        mark_pending(ensure_home(home), [document.doc])

    summary = ingest(
        paths, home, force=force, workers=workers, on_progress=on_progress, on_document=on_document
    )
    if not index:
        return summary, None
    if before_index is not None:
        before_index()
    points = update_index(
        data_home(home), changed, qdrant_url=qdrant_url, encoder=encoder, on_progress=on_progress
    )
    return summary, points
