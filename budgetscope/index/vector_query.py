"""The pure query side of the vector index: vector names, payload filters, fusion and grouping.

:class:`~budgetscope.index.vectors.VectorIndex` opens Qdrant; this module only builds what it sends
(a payload :func:`build_filter`) and reads what comes back (:func:`fuse_and_group` fuses the dense
and sparse ranked lists with :mod:`budgetscope.index.fusion` and keeps each project's best chunk).
Nothing here touches a client, so it is tested without Qdrant.

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
from typing import TYPE_CHECKING, Any, Literal

from budgetscope.index.fusion import RRF_K, rrf, weighted_sum

if TYPE_CHECKING:
    from qdrant_client import models

DENSE = "dense"
"""Name of the dense vector."""
LEXICAL = "lexical"
"""Name of the sparse (BM25) vector."""
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


def build_filter(filters: Mapping[str, Any] | None) -> models.Filter | None:
    """A Qdrant filter requiring every given field: a scalar matches exactly, a list matches any.

    ``None`` values are ignored; an unknown field raises :class:`VectorIndexError`.

    >>> build_filter({"year": 2026, "section": ["goals", "plan"], "department": None}).must[0].key
    'year'
    """
    from qdrant_client import models

    conditions: list[models.Condition] = []
    for key, value in (filters or {}).items():
        if value is None:
            continue
        if key not in FILTER_FIELDS:
            raise VectorIndexError(f"unknown filter field {key!r}; known: {', '.join(FILTER_FIELDS)}")
        match: models.MatchValue | models.MatchAny = (
            models.MatchAny(any=list(value))
            if isinstance(value, list | tuple | set | frozenset)
            else models.MatchValue(value=value)
        )
        conditions.append(models.FieldCondition(key=key, match=match))
    return models.Filter(must=conditions) if conditions else None


def fuse_and_group(
    lists: list[list[models.ScoredPoint]], fusion: Fusion | None, weights: Sequence[float], rrf_k: int = RRF_K
) -> list[Hit]:
    """Fuse ranked point lists (no fusion for one list) and keep each project's best point, best first."""
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
        payload = dict(points[point_id].payload or {})
        project = str(payload.get("project_id", point_id))
        if project not in hits:
            hits[project] = Hit(point_id, score, payload, tuple(top.get(project) for top in best))
    return list(hits.values())


__all__ = [
    "DENSE",
    "FILTER_FIELDS",
    "LEXICAL",
    "Fusion",
    "Hit",
    "SearchMode",
    "VectorIndexError",
    "build_filter",
    "fuse_and_group",
]
