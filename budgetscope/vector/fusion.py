"""Rank fusion: pure functions that merge ranked lists of ids (no Qdrant here).

:func:`rrf` is weighted reciprocal rank fusion, ``score(d) = sum_i w_i / (k + rank_i(d))`` with
1-based ranks; :func:`weighted_sum` is a convex combination of min-max normalized scores.
Both return ``(id, score)`` pairs best first; ties keep the order in which ids were first seen
(list by list, rank by rank), so the output is deterministic.

Example:
    >>> rrf([["a", "b"], ["b", "c"]])[0][0]
    'b'
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Id = TypeVar("Id", bound=Hashable)

RRF_K = 60
"""The rank constant of the original RRF paper (Cormack et al., 2009)."""


def _weights(weights: Sequence[float] | None, n: int) -> list[float]:
    if weights is None:
        return [1.0] * n
    if len(weights) != n:
        raise ValueError(f"expected {n} weights, one per list, got {len(weights)}")
    if any(w < 0 for w in weights):
        raise ValueError(f"weights must be non-negative, got {list(weights)}")
    return [float(w) for w in weights]


def _ranked(scores: dict[Id, float]) -> list[tuple[Id, float]]:
    """Best first; dicts keep insertion order and sorted() is stable, so ties keep first-seen order."""
    return sorted(scores.items(), key=lambda item: -item[1])


def rrf(
    rankings: Sequence[Sequence[Id]], weights: Sequence[float] | None = None, *, k: int = RRF_K
) -> list[tuple[Id, float]]:
    """Weighted reciprocal rank fusion of ranked id lists.

    An id repeated within one list counts at its best rank only. ``weights`` (default: all 1)
    scale each list's contribution; a weight of 0 ignores that list's scores, but its ids stay
    in the output with score 0 after all others.

    >>> rrf([["a", "b"], ["b", "a"]], [2.0, 1.0], k=1)
    [('a', 1.3333333333333333), ('b', 1.1666666666666665)]
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    ws = _weights(weights, len(rankings))
    scores: dict[Id, float] = {}
    for ranking, weight in zip(rankings, ws, strict=True):
        seen: set[Id] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return _ranked(scores)


def min_max(scores: Sequence[float]) -> list[float]:
    """Scores rescaled to [0, 1]: the best becomes 1, the worst 0; all equal gives all 1.

    >>> min_max([0.5, 0.25, 0.0])
    [1.0, 0.5, 0.0]
    """
    if not scores:
        return []
    low, high = min(scores), max(scores)
    if high == low:
        return [1.0] * len(scores)
    return [(s - low) / (high - low) for s in scores]


def weighted_sum(
    results: Sequence[Sequence[tuple[Id, float]]], weights: Sequence[float] | None = None
) -> list[tuple[Id, float]]:
    """Convex combination of min-max normalized scores from several scored lists.

    Each list's scores are rescaled with :func:`min_max`, the weights are divided by their sum,
    and an id absent from a list gets 0 from it, so fused scores lie in [0, 1]. An id repeated
    within one list counts with its highest score.

    >>> weighted_sum([[("a", 0.9), ("b", 0.1)], [("b", 7.0), ("c", 3.0)]], [0.75, 0.25])
    [('a', 0.75), ('b', 0.25), ('c', 0.0)]
    """
    ws = _weights(weights, len(results))
    total = sum(ws)
    if total == 0:
        raise ValueError("at least one weight must be positive")
    scores: dict[Id, float] = {}
    for scored, weight in zip(results, ws, strict=True):
        best: dict[Id, float] = {}
        for item, score in scored:
            if item not in best or score > best[item]:
                best[item] = score
        for item, norm in zip(best, min_max(list(best.values())), strict=True):
            scores[item] = scores.get(item, 0.0) + weight / total * norm
    return _ranked(scores)
