"""One process per embedded index: an exclusive OS lock on a file beside the index folder.

The Qdrant engine in-process (qdrant-edge) cannot be opened twice: a second open fails on its
write-ahead log. Taking this lock first turns that into a wait and then :class:`IndexLocked`,
decided by the lock itself (``flock``), never by an engine's message. The lock is released when
the holder closes the index or its process ends (even killed), so a crash never leaves it held.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp()) / "vectors"
    >>> first, second = PathLock(folder), PathLock(folder)
    >>> first.acquire(wait=0)
    >>> try:
    ...     second.acquire(wait=0)
    ... except IndexLocked:
    ...     print("locked")
    locked
    >>> first.release(); second.acquire(wait=0); second.release()
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from budgetscope.vector.query import IndexLocked

POLL = 0.2
"""Seconds between two tries while waiting for the lock."""
SAY_WAITING = 1.0
"""After this many seconds of waiting, say so (a WARNING of this module's logger: on stderr from the CLI)."""

log = logging.getLogger(__name__)


class PathLock:
    """The lock of the index at ``path`` (the file ``<path>.lock`` beside it)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.file = self.path.with_name(self.path.name + ".lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to ``wait`` seconds for another holder; else :class:`IndexLocked`."""
        if self._fd is not None:
            return
        try:
            import fcntl
        except ImportError:  # no flock (Windows): the engine's own lock still refuses a second open
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.file, os.O_RDWR | os.O_CREAT, 0o644)
        start = time.monotonic()
        deadline, said = start + wait, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not said and time.monotonic() - start >= SAY_WAITING and deadline - start > SAY_WAITING:
                    said = True
                    log.warning(
                        "index %s is open in another process (an ingest, index or serve): waiting up to %.0f s",
                        self.path, wait,
                    )  # fmt: skip
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexLocked(
                        f"index {self.path} is open in another process; the embedded index allows one at "
                        "a time (wait for it, set BUDGETSCOPE_LOCK_WAIT=SECONDS, or use a Qdrant server "
                        "with --qdrant-url)"
                    ) from None
                time.sleep(POLL)
            else:
                self._fd = fd
                return

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor releases the flock


__all__ = ["PathLock"]
