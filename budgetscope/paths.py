"""Where budgetscope keeps its data: the data home, the store file, the bundled corpus.

The data home is, in order: the ``--home`` option, the ``BUDGETSCOPE_HOME`` environment
variable, the platform's user data directory (``~/.local/share/budgetscope`` on Linux).

Example:
    >>> from pathlib import Path
    >>> data_home(Path("/tmp/bs")) == Path("/tmp/bs")
    True
    >>> store_path(Path("/tmp/bs")).name
    'budgetscope.sqlite'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from budgetscope.errors import BudgetscopeError

HOME_ENV = "BUDGETSCOPE_HOME"
"""Environment variable naming the data home."""

STORE_FILE = "budgetscope.sqlite"
"""File name of the SQLite entity store inside the data home."""


def data_home(home: Path | str | None = None) -> Path:
    """The data home: ``home`` if given, else ``$BUDGETSCOPE_HOME``, else the user data dir.

    Does not create the directory (see :func:`ensure_home`).

    >>> data_home("/srv/budget")
    PosixPath('/srv/budget')
    """
    if home is not None and str(home) != "":
        return Path(home).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("budgetscope", appauthor=False))


class HomeError(BudgetscopeError):
    """The data home cannot be used (a file is in its place, or it cannot be created); one-line message."""


def ensure_home(home: Path | str | None = None) -> Path:
    """The data home, created if missing; :class:`HomeError` when it is a file or cannot be created.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as f:
    ...     try:
    ...         ensure_home(f.name)
    ...     except HomeError as exc:
    ...         print("not a folder" in str(exc))
    True
    """
    path = data_home(home)
    if path.exists() and not path.is_dir():
        raise HomeError(f"data home {path} is not a folder; give --home (or BUDGETSCOPE_HOME) a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HomeError(f"cannot create data home {path}: {exc.strerror or exc}") from None
    return path


def store_path(home: Path | str | None = None) -> Path:
    """The SQLite store file of a data home.

    >>> store_path("/srv/budget")
    PosixPath('/srv/budget/budgetscope.sqlite')
    """
    return data_home(home) / STORE_FILE


DOCUMENT_SUFFIXES = (".txt", ".pdf")
"""The files a folder expands to."""


SKIP_MARKER = ".budgetscope-skip"
"""A folder holding a file of this name is not read when a folder above it is given (named itself, it is)."""


def expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files as given; folders expanded to the .txt and .pdf files inside them, sorted.

    Inside a folder, hidden files and folders (names starting with ".", such as ``.venv`` or
    ``.git``) are skipped, and so are the folders below it that hold a file named
    :data:`SKIP_MARKER` (the bundled corpus's ``excerpts/``: test pages of documents it also holds
    whole); a hidden file or a marked folder named explicitly is taken.

    >>> [p.name for p in expand(["corpus"])][:1]  # doctest: +SKIP
    ['sast-2019-performance-targets.txt']
    """
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(_documents_under(p))
        else:
            yield p


def empty_folders(paths: Iterable[Path | str]) -> list[str]:
    """One line for each folder among ``paths`` that holds no document file (a mistyped or wrong folder).

    >>> import tempfile; empty_folders([tempfile.mkdtemp()])[0].endswith("no .txt or .pdf file in this folder")
    True
    """
    from budgetscope.messages import quoted

    return [
        f"{quoted(p)}: no .txt or .pdf file in this folder"
        for p in map(Path, paths)
        if p.is_dir() and next(iter(_documents_under(p)), None) is None
    ]


def _documents_under(folder: Path) -> Iterator[Path]:
    """The document files under a folder, not looking into hidden folders; symlinked folders once.

    A folder that cannot be listed is yielded itself, so that reading it reports why (one line).
    """
    seen: set[str] = set()
    unreadable: list[Path] = []
    for root, dirs, files in os.walk(
        folder, followlinks=True, onerror=lambda e: unreadable.append(Path(e.filename))
    ):
        real = os.path.realpath(root)
        if real in seen:  # a symlink cycle, or a folder linked twice
            dirs.clear()
            continue
        seen.add(real)
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and not os.path.exists(os.path.join(root, d, SKIP_MARKER))
        ]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in DOCUMENT_SUFFIXES:
                path = Path(root, name)
                if path.is_file() or not path.exists():  # a broken link or a loop is reported, not skipped
                    yield path
    yield from unreadable


def bundled_corpus() -> Path | None:
    """The bundled corpus folder, or None when this installation has none.

    Looked up next to the package (an editable install or a source checkout: ``<root>/corpus``),
    then inside it (``budgetscope/data/corpus`` for a wheel that ships it).

    >>> c = bundled_corpus()
    >>> c is None or c.is_dir()
    True
    """
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "corpus", package / "data" / "corpus"):
        if candidate.is_dir() and (any(candidate.glob("*.txt")) or any(candidate.glob("*.pdf"))):
            return candidate
    return None


def bundled_documents(corpus: Path) -> list[Path]:
    """The whole documents of the bundled corpus: the files at its top (its ``excerpts/`` are test pages).

    >>> c = bundled_corpus()
    >>> c is None or all(p.parent == c for p in bundled_documents(c))
    True
    """
    return sorted(
        p
        for p in corpus.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in DOCUMENT_SUFFIXES
    )


__all__ = [
    "DOCUMENT_SUFFIXES",
    "HOME_ENV",
    "SKIP_MARKER",
    "STORE_FILE",
    "HomeError",
    "bundled_corpus",
    "bundled_documents",
    "data_home",
    "ensure_home",
    "expand",
    "store_path",
]
