"""Where uploaded files are kept, which of them are removed again, and how the upload page names them.

Each upload is kept by its content, ``HOME/uploads/<hash>/<name>`` (the first 16 hex digits of its
SHA-1), written under a temporary name and renamed into place. A file therefore never overwrites
another stored before under its name: the stored document's source stays the file it was read
from, and the ingest's checks (:class:`~budgetscope.index.clashes.Guard`, inside the store's write
lock) see a file of another path — a different document of a stored name is refused, as
``budgetscope ingest`` refuses it, and a new version of the same document replaces the old. The
same file uploaded again lands on its own path: unchanged.

After the ingest, a file no stored document was read from (refused, unreadable, or unchanged but
stored from elsewhere) is removed, and so is the earlier upload of a document a new version replaced;
a file another upload is still ingesting is left to that one.

The page names files, never paths on the server: :func:`shown`.

Example:
    >>> shown("/h/uploads/ab/a.pdf: PDF has no text layer (scanned?)", {"/h/uploads/ab/a.pdf": "a.pdf"})
    'a.pdf: PDF has no text layer (scanned?)'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from budgetscope.index.clashes import CLASH_REMEDY, DUPLICATE_REMEDY
from budgetscope.messages import quoted

UPLOAD_CLASH_REMEDY = "rename the file and upload it again"
"""What the uploader of a different document under a stored name may do (there is no --force here)."""
EARLIER_UPLOAD = "an earlier upload"
ELSEWHERE = "a file ingested on the server"


def content_folder(content: bytes) -> str:
    """The folder (under the uploads folder) of a file of this content.

    >>> content_folder(b"2026")
    'aee655773d856fb0'
    """
    return hashlib.sha1(content).hexdigest()[:16]


class Uploads:
    """The uploads folder of one serve, and the files its upload jobs are ingesting."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._busy: Counter[Path] = Counter()

    def keep(self, name: str, content: bytes) -> Path | None:
        """Save an uploaded file (its safe name) by its content; its path, held for this job until
        :meth:`release`, or None when the name would leave the folder."""
        folder = (self.folder / content_folder(content)).resolve()
        target = folder / name
        if folder.parent != self.folder.resolve() or target.parent != folder:
            return None
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            if not (
                target.is_file() and target.stat().st_size == len(content) and target.read_bytes() == content
            ):
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
                try:
                    with os.fdopen(fd, "wb") as f:
                        f.write(content)
                    os.replace(tmp, target)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            self._busy[target] += 1
        return target

    def release(self, saved: Iterable[Path], replaced: Iterable[str], stored: set[str] | None) -> None:
        """After a job's ingest: remove each of its files (and each earlier upload of its names,
        ``replaced``) that no stored document is read from (``stored``: the stored paths now; None
        when unknown, then nothing is removed), unless another job is still ingesting it."""
        with self._lock:
            mine = list(saved)
            for path in mine:
                self._busy[path] -= 1
                if self._busy[path] <= 0:
                    del self._busy[path]
            if stored is None:
                return
            root = self.folder.resolve()
            for path in {*mine, *(Path(p) for p in replaced if inside(root, p))}:
                if path in self._busy or str(path) in stored:
                    continue
                path.unlink(missing_ok=True)
                if path.parent != root:
                    with contextlib.suppress(OSError):  # its content folder, when nothing else is in it
                        path.parent.rmdir()


def inside(root: Path, path: str) -> bool:
    """Whether ``path`` is a file under ``root`` (the uploads folder, resolved).

    >>> inside(Path("/h/uploads"), "/h/uploads/ab/a.pdf"), inside(Path("/h/uploads"), "/data/a.pdf")
    (True, False)
    """
    return root in Path(path).parents


def shown(message: str, names: dict[str, str]) -> str:
    """A message of the ingest as the upload page shows it: each path of ``names`` (``{path: what
    to say}``) replaced, and the command line's remedies by the page's."""
    for path in sorted(names, key=len, reverse=True):
        message = message.replace(quoted(path), names[path]).replace(path, names[path])
    return message.replace(CLASH_REMEDY, UPLOAD_CLASH_REMEDY).replace(f" ({DUPLICATE_REMEDY})", "")


def path_names(folder: Path, saved: dict[Path, str], stored: Iterable[str]) -> dict[str, str]:
    """What the page says for each path: a file of this upload by its name, a stored document's
    source by where it came from (an earlier upload, or a file ingested on the server)."""
    root = folder.resolve()
    names = {p: EARLIER_UPLOAD if inside(root, p) else ELSEWHERE for p in stored if p}
    names.update({str(p): n for p, n in saved.items()})
    return names


__all__ = ["Uploads", "content_folder", "path_names", "shown"]
