"""The pure query side of the vector index: vector names, payload filters, fusion and grouping.

The backends (:mod:`budgetscope.vector.edge`, :mod:`budgetscope.vector.client`) talk to Qdrant; this
module only says what they send (:func:`conditions`: the payload filter as ``(field, value)`` pairs,
which each backend turns into its own filter type) and reads what comes back (:func:`fuse_and_group`
fuses the dense and sparse ranked lists with :mod:`budgetscope.vector.fusion` and keeps each
project's best chunk). Nothing here touches an engine, so both backends rank alike by construction.

Example:
    >>> from qdrant_client import models
    >>> dense = [models.ScoredPoint(id=1, version=0, score=0.9, payload={"project_id": "p1"}),
    ...          models.ScoredPoint(id=2, version=0, score=0.8, payload={"project_id": "p1"})]
    >>> sparse = [models.ScoredPoint(id=3, version=0, score=7.0, payload={"project_id": "p2"})]
    >>> [(hit.project_id, hit.point_id) for hit in fuse_and_group([dense, sparse], "rrf", (1.0, 1.0))]
    [('p1', '1'), ('p2', '3')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from budgetscope.vector.fusion import RRF_K, rrf, weighted_sum

DENSE = "dense"
"""Name of the dense vector."""
LEXICAL = "lexical"
"""Name of the sparse (BM25) vector."""
SECOND = "second"
"""Name of the second dense vector, of an index built with a pair of encoders (``use+e5``)."""
FILTER_FIELDS: dict[str, str] = {
    "year": "integer",
    "department": "keyword",
    "section": "keyword",
    "project_id": "keyword",
    "cites": "keyword",
    "doc": "keyword",
    "kind": "keyword",
}
"""Payload fields search can filter on, with the payload index created for each."""

SearchMode = Literal["hybrid", "dense", "sparse"]
Fusion = Literal["rrf", "weighted"]


class VectorIndexError(Exception):
    """A vector index that cannot be used as asked; the message is one line for the CLI."""


class IndexLocked(VectorIndexError):
    """The embedded index is open in another process (one process per path)."""


class EncoderMismatch(VectorIndexError):
    """The index was built with another encoder (or dimension) than the one given."""


@dataclass(frozen=True)
class Hit:
    """One search result: the best chunk of a project, its score and payload."""

    point_id: str
    score: float
    payload: dict[str, Any]
    raw: tuple[float | None, ...] = ()
    """The project's best raw score in each ranked list (cosine, BM25), None where it is absent."""

    @property
    def project_id(self) -> str:
        """The id of the record (project) the chunk belongs to."""
        return str(self.payload.get("project_id"))


Condition = tuple[str, Any]
"""One payload condition: ``(field, value)`` matches the value exactly, ``(field, [values])`` any of them."""


def conditions(filters: Mapping[str, Any] | None) -> list[Condition]:
    """The payload conditions of a filter mapping, every one required; ``[]`` filters nothing.

    ``None`` values are ignored, a list, tuple or set matches any of its values; an unknown field
    raises :class:`VectorIndexError`.

    >>> conditions({"year": 2026, "section": ("goals", "plan"), "department": None})
    [('year', 2026), ('section', ['goals', 'plan'])]
    """
    out: list[Condition] = []
    for key, value in (filters or {}).items():
        if value is None:
            continue
        if key not in FILTER_FIELDS:
            raise VectorIndexError(f"unknown filter field {key!r}; known: {', '.join(FILTER_FIELDS)}")
        out.append((key, list(value) if isinstance(value, list | tuple | set | frozenset) else value))
    return out


class Scored(NamedTuple):
    """A scored point read once from an engine (whose objects rebuild their id and payload on each access);
    a tuple, the cheapest record to build for the hundreds of candidates of each query."""

    id: str
    score: float
    payload: dict[str, Any] | None


class ScoredPoint(Protocol):
    """What both engines return for a query: a point's id, score and payload."""

    @property
    def id(self) -> Any: ...
    @property
    def score(self) -> float: ...
    @property
    def payload(self) -> dict[str, Any] | None: ...


SCORE_DIGITS = 6
"""Significant digits of a score that decide a rank; the rest is the engines' float noise."""


def canonical(ranked: Sequence[ScoredPoint]) -> list[ScoredPoint]:
    """A ranked list best first, equal scores (to :data:`SCORE_DIGITS` significant digits) by point id.

    >>> from qdrant_client import models
    >>> pts = [models.ScoredPoint(id=i, version=0, score=s, payload={}) for i, s in [(2, 0.5), (1, 0.5000000001), (3, 0.9)]]
    >>> [p.id for p in canonical(pts)]
    [3, 1, 2]
    """
    return sorted(ranked, key=lambda p: (-float(f"{float(p.score):.{SCORE_DIGITS}g}"), str(p.id)))


def fuse_and_group(
    lists: Sequence[Sequence[ScoredPoint]],
    fusion: Fusion | None,
    weights: Sequence[float],
    rrf_k: int = RRF_K,
) -> list[Hit]:
    """Fuse ranked point lists (no fusion for one list) and keep each project's best point, best first.

    Point ids are compared as strings (qdrant-edge gives ``UUID`` objects, qdrant-client strings).
    Each list is first put in a canonical order (:func:`canonical`), so that engines that order equal
    scores differently, or differ in a score's last float bits, give the same ranks and the same hits."""
    lists = [canonical(ranked) for ranked in lists]
    points = {str(p.id): p for ranked in lists for p in ranked}
    if fusion is None or len(lists) < 2:
        fused = [(str(p.id), float(p.score)) for ranked in lists for p in ranked]
    elif fusion == "rrf":
        fused = rrf([[str(p.id) for p in ranked] for ranked in lists], weights, k=rrf_k)
    else:
        fused = weighted_sum([[(str(p.id), float(p.score)) for p in ranked] for ranked in lists], weights)
    best: list[dict[str, float]] = []
    for ranked in lists:
        top: dict[str, float] = {}
        for p in ranked:
            project = str((p.payload or {}).get("project_id", p.id))
            top[project] = max(top.get(project, float("-inf")), float(p.score))
        best.append(top)
    hits: dict[str, Hit] = {}
    for point_id, score in fused:
        payload = points[point_id].payload or {}
        project = str(payload.get("project_id", point_id))
        if project not in hits:  # only a project's first (best) point is copied
            hits[project] = Hit(point_id, score, dict(payload), tuple(top.get(project) for top in best))
    return list(hits.values())


__all__ = [
    "DENSE",
    "FILTER_FIELDS",
    "LEXICAL",
    "SCORE_DIGITS",
    "SECOND",
    "Condition",
    "EncoderMismatch",
    "Fusion",
    "Hit",
    "IndexLocked",
    "Scored",
    "ScoredPoint",
    "SearchMode",
    "VectorIndexError",
    "canonical",
    "conditions",
    "fuse_and_group",
]
