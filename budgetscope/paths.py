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


def ensure_home(home: Path | str | None = None) -> Path:
    """The data home, created if missing."""
    path = data_home(home)
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_path(home: Path | str | None = None) -> Path:
    """The SQLite store file of a data home.

    >>> store_path("/srv/budget")
    PosixPath('/srv/budget/budgetscope.sqlite')
    """
    return data_home(home) / STORE_FILE


def expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files as given; folders expanded to the .txt and .pdf files inside them, sorted.

    >>> [p.name for p in expand(["corpus"])][:1]  # doctest: +SKIP
    ['sast-2019-performance-targets.txt']
    """
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in (".txt", ".pdf"))
        else:
            yield p


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


__all__ = ["HOME_ENV", "STORE_FILE", "bundled_corpus", "data_home", "ensure_home", "expand", "store_path"]
