"""One lock for every call into pdfium in this process: libpdfium (through pypdfium2) is not
thread-safe — two threads reading PDFs at once, even different files, crash the process in C.

Whoever opens, reads or closes a ``pypdfium2`` document, page or text page holds :data:`PDFIUM`
for the whole of it (it is re-entrant, so a function holding it may call another that takes it),
and closes what it opened before letting go, so that no pdfium object is left for the garbage
collector to close later in another thread. The Python work done with what was read (the table
finder, the parsers) runs outside the lock. Several processes (the reading workers of
:mod:`budgetscope.api.reading`) each have their own library and lock, and still read at once.

Example:
    >>> with PDFIUM:
    ...     pass  # open, read and close pdfium objects here
"""

from __future__ import annotations

import threading

PDFIUM = threading.RLock()
"""Held around every use of pypdfium2 in this process."""

__all__ = ["PDFIUM"]
