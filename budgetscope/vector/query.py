"""The pure query side of the vector index: vector names, payload filters, fusion and grouping.

The backends (:mod:`budgetscope.vector.edge`, :mod:`budgetscope.vector.client`) talk to Qdrant; this
module only says what they send (:func:`conditions`: the payload filter as ``(field, value)`` pairs,
which each backend turns into its own filter type) and reads what comes back: :func:`canonical` puts
each ranked list in an order both engines agree on, :func:`fused_ranking` fuses the dense and sparse
lists with :mod:`budgetscope.vector.fusion`, :func:`best_scores` gives each project's best score in a
list (:meth:`~budgetscope.vector.base.VectorIndex.search` then keeps each project's best chunk).
Nothing here touches an engine, so both backends rank alike by construction.

Example:
    >>> from qdrant_client import models
    >>> dense = [models.ScoredPoint(id=1, version=0, score=0.9, payload=None),
    ...          models.ScoredPoint(id=2, version=0, score=0.8, payload=None)]
    >>> sparse = [models.ScoredPoint(id=3, version=0, score=7.0, payload=None)]
    >>> [point for point, _ in fused_ranking([dense, sparse], "rrf", (1.0, 1.0))]
    [1, 3, 2]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from budgetscope.errors import BudgetscopeError
from budgetscope.vector.fusion import RRF_K, rrf, weighted_sum
from budgetscope.vector.sparse import SparseTerms

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


class VectorIndexError(BudgetscopeError):
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


class Query(NamedTuple):
    """One ranked list to fetch: the vector's name and the query vector (dense list or sparse terms)."""

    using: str
    vector: list[float] | SparseTerms


class Ask(NamedTuple):
    """What :meth:`VectorIndex._query` is asked in one batch: one ranked list per query, best first, of at
    most ``limit`` points matching every condition of ``where``, with the payload's ``fields`` (all for
    None, none for ``[]``); with ``threshold``, only points scoring at least that."""

    queries: list[Query]
    where: list[Condition]
    limit: int
    fields: list[str] | None = None
    threshold: float | None = None


WORDING_WEIGHT = 0.6
"""Weight of the query's budget wording (:func:`~budgetscope.index.translate.budget_wording`) in its dense
vector, against 1 for the query as asked (:func:`dense_vector`). Chosen on the tuning half of
benchmarks/eval13 (0.3: paraphrase −; 0.6 and 1.0 alike; 1.5: paraphrase and English −)."""


def dense_vector(encoder: Any, query: str, wording: str | None = None) -> list[float]:
    """The query's dense vector: its own, or, given a ``wording`` (the query in the budget's words), the
    unit-length sum of its own and :data:`WORDING_WEIGHT` times the wording's (one batch of two).

    >>> from budgetscope.index.encoders import get_encoder
    >>> hashed = get_encoder("hash")
    >>> dense_vector(hashed, "上访") == hashed.encode_queries(["上访"])[0].tolist()
    True
    >>> blended = dense_vector(hashed, "上访", "上访 信访 来访")
    >>> round(sum(x * x for x in blended), 6)
    1.0
    """
    if not wording or wording == query:
        return [float(x) for x in encoder.encode_queries([query])[0]]
    own, other = encoder.encode_queries([query, wording])
    blended = own + WORDING_WEIGHT * other
    norm = float((blended * blended).sum()) ** 0.5
    return [float(x) for x in (blended / norm if norm else own)]


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

    id: Any
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

    Ids are compared as the engine gives them (strings, or qdrant-edge's ``UUID`` objects, which order
    as their strings do).

    >>> from qdrant_client import models
    >>> pts = [models.ScoredPoint(id=i, version=0, score=s, payload={}) for i, s in [(2, 0.5), (1, 0.5000000001), (3, 0.9)]]
    >>> [p.id for p in canonical(pts)]
    [3, 1, 2]
    """
    keyed = [(-float(f"{float(p.score):.{SCORE_DIGITS}g}"), p.id, n) for n, p in enumerate(ranked)]
    keyed.sort()
    return [ranked[n] for _, _, n in keyed]


def fused_ranking(
    lists: Sequence[Sequence[ScoredPoint]],
    fusion: Fusion | None,
    weights: Sequence[float],
    rrf_k: int = RRF_K,
) -> list[tuple[Any, float]]:
    """``(point id, fused score)`` best first, of canonical lists (:func:`canonical`); one list is its own
    ranking (``fusion`` None)."""
    if fusion is None or len(lists) < 2:
        return [(p.id, float(p.score)) for ranked in lists for p in ranked]
    if fusion == "rrf":
        return rrf([[p.id for p in ranked] for ranked in lists], weights, k=rrf_k)
    return weighted_sum([[(p.id, float(p.score)) for p in ranked] for ranked in lists], weights)


def best_scores(
    ranked: Sequence[ScoredPoint], project_of: Mapping[Any, str]
) -> tuple[dict[str, float], bool]:
    """Each project's best score in the longest prefix of a ranked list whose points' projects are known,
    and whether that prefix is the whole list.

    >>> from qdrant_client import models
    >>> pts = [models.ScoredPoint(id=i, version=0, score=s, payload=None) for i, s in [(1, 0.9), (2, 0.8), (3, 0.7)]]
    >>> best_scores(pts, {1: "p1", 2: "p1"})
    ({'p1': 0.9}, False)
    """
    best: dict[str, float] = {}
    for p in ranked:
        project = project_of.get(p.id)
        if project is None:
            return best, False
        score = float(p.score)
        if score > best.get(project, float("-inf")):
            best[project] = score
    return best, True


__all__ = [
    "DENSE",
    "FILTER_FIELDS",
    "LEXICAL",
    "SCORE_DIGITS",
    "SECOND",
    "Ask",
    "Condition",
    "EncoderMismatch",
    "Fusion",
    "Hit",
    "IndexLocked",
    "Query",
    "Scored",
    "ScoredPoint",
    "SearchMode",
    "VectorIndexError",
    "best_scores",
    "canonical",
    "conditions",
    "fused_ranking",
]
