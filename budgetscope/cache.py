"""A persistent cache of what is slow to build at start: jieba's prefix dictionary, the USE
encoder's parsed vocabulary and unpacked weights (see :mod:`budgetscope.index.use_cache`).

Both hold a dictionary of hundreds of thousands of strings that a process used to rebuild or
unmarshal whole before its first word (0.3–0.8 s, seconds on a busy machine) although a query
looks up a few dozen: :class:`BucketDict` reads them by first character, as lookups come, and
becomes the whole dictionary once a document's worth of characters was asked for.

The folder is ``$BUDGETSCOPE_CACHE_DIR``, else the platform's user cache dir (``~/.cache/budgetscope``
on Linux). Everything in it is derived and rebuilt when missing or stale: deleting it is always
safe. When it cannot be created (a read-only home), nothing is cached and nothing fails.

Example:
    >>> import os, tempfile
    >>> before = os.environ.get(CACHE_ENV)
    >>> os.environ[CACHE_ENV] = tempfile.mkdtemp()
    >>> cache_dir() == Path(os.environ[CACHE_ENV])
    True
    >>> tokenizer = jieba_tokenizer()
    >>> tokenizer.tmp_dir == os.environ.pop(CACHE_ENV)
    True
    >>> if before is not None:
    ...     os.environ[CACHE_ENV] = before
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import mmap
import os
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jieba

CACHE_ENV = "BUDGETSCOPE_CACHE_DIR"
"""Environment variable naming the cache folder."""


def cache_dir() -> Path | None:
    """The cache folder, created if missing; None when it cannot be created."""
    env = os.environ.get(CACHE_ENV)
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("budgetscope", appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def _cached(tokenizer: jieba.Tokenizer) -> jieba.Tokenizer:
    folder = cache_dir()
    if folder is not None:
        tokenizer.tmp_dir = str(folder)  # jieba writes and reads "jieba.cache" there, not in /tmp
    return tokenizer


def jieba_tokenizer() -> jieba.Tokenizer:
    """A new jieba tokenizer with the default dictionary, whose prefix dictionary is read from the
    persistent cache (built once from jieba's own) by first character as words are looked up
    (:class:`BucketDict`): the same words and frequencies, without reading 580,000 entries first."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = _cached(jieba.Tokenizer())
    folder = cache_dir()
    if folder is None:
        return tokenizer
    try:
        dictionary = Path(jieba.get_dict_file().name)
        stat = dictionary.stat()
        key = hashlib.sha1(f"{jieba.__version__}|{stat.st_size}|{int(stat.st_mtime)}".encode()).hexdigest()[
            :12
        ]
        path = folder / f"jieba-{key}.buckets"
        if not path.exists():
            full = _cached(jieba.Tokenizer())
            full.initialize()
            write_buckets(path, full.FREQ, {"total": full.total})
        freq, extra = read_buckets(path, on_full=lambda whole: setattr(tokenizer, "FREQ", whole))
    except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:
        logging.getLogger(__name__).warning("jieba dictionary cache not used (%s)", exc)
        return tokenizer
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, extra["total"], True
    return tokenizer


def global_jieba() -> None:
    """jieba's global tokenizer (the one spaCy's ``zh`` segmenter uses) quiet and on the persistent cache."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    _cached(jieba.dt)


FULL_AFTER = 64
"""A :class:`BucketDict` reads everything once this many first characters were asked for (a
document, not a query): from then on lookups are plain dict lookups."""


def _first(key: str, wide: frozenset[str]) -> str:
    """The bucket of a key: its first character, or its first two when the first is in ``wide``."""
    return key[:2] if key[:1] in wide else key[:1]


def write_buckets(
    path: Path, mapping: Mapping[str, Any], extra: dict[str, Any], *, wide: Collection[str] = ()
) -> None:
    """Write ``mapping`` (non-empty string keys) grouped by first character (by the first two for
    keys starting with a character of ``wide``, e.g. sentencepiece's ``▁``), with ``extra`` values, atomically."""
    extra = {**extra, "__wide__": sorted(wide)}
    groups: dict[str, dict[str, Any]] = {}
    for key, value in mapping.items():
        groups.setdefault(_first(key, frozenset(wide)), {})[key] = value
    blobs, index, offset = [], {}, 0
    for first, group in groups.items():
        blob = marshal.dumps(group)
        index[first] = (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    head = marshal.dumps((index, extra))
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(len(head).to_bytes(8, "little"))
        f.write(head)
        f.writelines(blobs)
    os.replace(tmp, path)


def read_buckets(
    path: Path, *, on_full: Callable[[dict[str, Any]], None] | None = None
) -> tuple[BucketDict, dict[str, Any]]:
    """The :class:`BucketDict` over a file of :func:`write_buckets`, and its extra values."""
    with open(path, "rb") as f:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    size = int.from_bytes(data[:8], "little")
    index, extra = marshal.loads(data[8 : 8 + size])
    return BucketDict(data, 8 + size, index, on_full, frozenset(extra.pop("__wide__"))), extra


class BucketDict(dict[str, Any]):
    """A str-keyed dict whose entries are read from the cache by first character on first lookup.

    Lookups (``in``, ``[]``, ``get``) and writes first read the bucket of the key's first character;
    after :data:`FULL_AFTER` buckets every bucket is read and ``on_full`` gets a plain dict of all
    entries (its owner swaps it in). Iterating or counting reads everything first.
    """

    def __init__(
        self,
        data: Any,
        base: int,
        index: dict[str, tuple[int, int]],
        on_full: Callable[[dict[str, Any]], None] | None,
        wide: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self._wide = wide
        self._data, self._base, self._index, self._on_full = data, base, index, on_full
        self._read: set[str] = set()
        self._full = False

    def _load(self, first: str) -> None:
        self._read.add(first)
        where = self._index.get(first)
        if where is not None:
            start = self._base + where[0]
            for k, v in marshal.loads(self._data[start : start + where[1]]).items():
                dict.setdefault(self, k, v)  # a value written before its bucket was read wins

    def _bucket(self, key: str) -> None:
        first = _first(key, self._wide)
        if first not in self._read:
            self._load(first)
            if len(self._read) >= FULL_AFTER:
                self._everything()

    def _everything(self) -> None:
        if self._full:
            return
        self._full = True
        for first in self._index:
            if first not in self._read:
                self._load(first)
        if self._on_full is not None:
            self._on_full(dict(self))
            self._on_full = None

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._bucket(key)
        return dict.__contains__(self, key)

    def __getitem__(self, key: str) -> Any:
        self._bucket(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._bucket(key)
        return dict.get(self, key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self._bucket(key)
        dict.__setitem__(self, key, value)

    def __iter__(self) -> Any:
        self._everything()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._everything()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._everything()
        return dict.keys(self)

    def items(self) -> Any:
        self._everything()
        return dict.items(self)

    def values(self) -> Any:
        self._everything()
        return dict.values(self)
