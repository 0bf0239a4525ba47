"""A cache of documents read, so that `extract` after `segment` of the same files does not read them again.

An entry is the document as JSON (exact: amounts stay Decimal strings), keyed by the file's path
as given, the SHA-1 of its bytes and the pipeline version (:func:`budgetscope.index.processing.pipeline_version`,
which changes with any change of the pipeline's code): a changed file or a new pipeline reads
again. Entries live in ``$BUDGETSCOPE_CACHE_DIR``, else the user cache dir
(``$XDG_CACHE_HOME/budgetscope/read``), one folder per pipeline version; folders of other versions
unused for :data:`KEEP_DAYS` days are removed. Writes go to a temporary file renamed into place,
so two processes reading the same files at once never see half an entry.
``BUDGETSCOPE_NO_CACHE=1`` (or ``--no-cache``) reads every file.

Example:
    >>> key = entry_key(Path("corpus/sast-2026-department-budget.txt"))
    >>> len(key or "")
    40
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import time
from functools import cache
from pathlib import Path

from budgetscope.models import Document

CACHE_ENV = "BUDGETSCOPE_CACHE_DIR"
NO_CACHE_ENV = "BUDGETSCOPE_NO_CACHE"
KEEP_DAYS = 7
"""Folders of other pipeline versions untouched this long are removed when a new one is made."""


def enabled() -> bool:
    """False when ``BUDGETSCOPE_NO_CACHE`` is set to anything but 0/empty."""
    return os.environ.get(NO_CACHE_ENV, "").strip() in ("", "0")


@cache
def _version() -> str:
    from budgetscope.index.processing import pipeline_version

    return pipeline_version()


def folder() -> Path:
    """Where the entries of this pipeline version live."""
    base = os.environ.get(CACHE_ENV)
    if base:
        root = Path(base).expanduser()
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("budgetscope", appauthor=False)) / "read"
    return root / _version()


def entry_key(path: Path) -> str | None:
    """The key of a file's entry: its path as given and its content; None when it cannot be read
    (the reader then says why)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device would block or never end
            return None
        content = hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return hashlib.sha1(f"{path}\0{content}".encode()).hexdigest()


def get(key: str | None) -> Document | None:
    """The cached document, or None (no entry, or one that does not parse)."""
    if key is None:
        return None
    try:
        return Document.model_validate_json((folder() / f"{key}.json").read_bytes())
    except (OSError, ValueError):
        return None


def put(key: str | None, document: Document) -> None:
    """Store an entry (atomically: a temporary file renamed into place); a cache that cannot be
    written is no error."""
    if key is None:
        return
    where = folder()
    try:
        if not where.is_dir():
            where.mkdir(parents=True, exist_ok=True)
            _prune(where)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(document.model_dump_json())
            os.replace(tmp, where / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _prune(current: Path) -> None:
    """Remove the folders of other pipeline versions not used for :data:`KEEP_DAYS` days."""
    limit = time.time() - KEEP_DAYS * 86400
    for other in current.parent.iterdir():
        try:
            if other != current and other.is_dir() and other.stat().st_mtime < limit:
                shutil.rmtree(other, ignore_errors=True)
        except OSError:
            continue


__all__ = ["enabled", "entry_key", "folder", "get", "put"]
