"""What the index holds per record: its chunks, cut at the size that suits the encoder.

Example:
    >>> from budgetscope.models import Record
    >>> rec = Record(id="p1", kind="narrative", doc="a.txt", title="", name="科技社团党建项目",
    ...              sections={"overview": "在科技社团中开展党建工作。"})
    >>> [c.payload["part"] for c in points_of_records([rec], "hash")]
    ['name', 'brief']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from budgetscope.index.chunks import Chunk, record_points

if TYPE_CHECKING:
    from budgetscope.models import Record

COLLECTION = "budgetscope"
"""The collection's name on a Qdrant server."""
DEFAULT_ENCODER = "use"
"""The encoder of a new index."""
CHUNK_CHARS: dict[str, int] = {"use": 120}
"""Chunk size in characters by encoder: USE is a sentence encoder (120 chars scored best in
benchmarks/bench_search.py); transformer encoders with a 512-token window take 300."""
DEFAULT_CHUNK_CHARS = 300
PIECE_CHARS: dict[str, int] = {"use": 60}
"""Clause-piece size by encoder: a chunk longer than this is also embedded in pieces of at most this
many characters (dense vectors only), a project's best cosine being the best of its chunks and pieces."""


def chunk_chars(encoder_name: str) -> int:
    """The chunk size for an encoder, a pair's (``use+e5``) that of its first one
    (``BUDGETSCOPE_CHUNK_CHARS`` overrides it, for benchmarks)."""
    from budgetscope.index.encoders import primary_name

    override = os.environ.get("BUDGETSCOPE_CHUNK_CHARS")
    return int(override) if override else CHUNK_CHARS.get(primary_name(encoder_name), DEFAULT_CHUNK_CHARS)


def piece_chars(encoder_name: str) -> int | None:
    """The clause-piece size for an encoder (None: no pieces) (``BUDGETSCOPE_PIECE_CHARS`` overrides it,
    0 for none, for benchmarks)."""
    from budgetscope.index.encoders import primary_name

    override = os.environ.get("BUDGETSCOPE_PIECE_CHARS")
    if override is not None:
        return int(override) or None
    return PIECE_CHARS.get(primary_name(encoder_name))


def points_of_records(
    records: Iterable[Record], encoder_name: str, *, max_chars: int | None = None
) -> list[Chunk]:
    """Every chunk of every record."""
    size = max_chars or chunk_chars(encoder_name)
    pieces = piece_chars(encoder_name)
    return [
        chunk for r in records for chunk in record_points(r, encoder_name, max_chars=size, piece_chars=pieces)
    ]


__all__ = [
    "CHUNK_CHARS",
    "COLLECTION",
    "DEFAULT_CHUNK_CHARS",
    "DEFAULT_ENCODER",
    "chunk_chars",
    "points_of_records",
]
