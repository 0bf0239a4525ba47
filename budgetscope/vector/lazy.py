"""Reading a fused ranking lazily: candidate lists carry point ids and scores only, and projects are
read along the fused order, a batch at a time, until the wanted number of projects is found; a
project not met in a list's read prefix gets its best score in that list from one filtered query.

(Reading every candidate's payload cost more than the search itself: see the README's scale section.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from budgetscope.vector.query import Ask, Condition, ScoredPoint, best_scores, canonical


class Engine(Protocol):
    """What lazy reading asks of an index (:class:`~budgetscope.vector.base.VectorIndex`)."""

    def _query(self, ask: Ask) -> Sequence[Sequence[ScoredPoint]]: ...

    def _retrieve(self, ids: list[Any], fields: list[str] | None = None) -> dict[Any, dict[str, Any]]: ...

    def point_str(self, point_id: Any) -> str: ...


def read_projects(index: Engine, ids: list[Any], project_of: dict[Any, str]) -> None:
    """Read the project of each point id (its ``project_id`` payload) into ``project_of``."""
    payloads = index._retrieve(ids, ["project_id"])
    for point_id in ids:
        project_of[point_id] = str(payloads.get(point_id, {}).get("project_id", index.point_str(point_id)))


def best_points(
    index: Engine, fused: list[tuple[Any, float]], top_k: int, project_of: dict[Any, str]
) -> dict[str, tuple[Any, float]]:
    """The first ``top_k`` projects of a fused ranking, each with its first (best) point and score:
    the points' projects are read in fused order, a batch at a time, only until ``top_k`` are found."""
    best: dict[str, tuple[Any, float]] = {}
    for start in range(0, len(fused), top_k):
        batch = fused[start : start + top_k]
        read_projects(index, [point_id for point_id, _ in batch if point_id not in project_of], project_of)
        for point_id, score in batch:
            best.setdefault(project_of[point_id], (point_id, score))
            if len(best) == top_k:
                return best
    return best


def best_scores_in(
    index: Engine,
    query: Any,
    ranked: list[ScoredPoint],
    where: list[Condition],
    limit: int,
    project_of: dict[Any, str],
    best: Mapping[str, Any],
) -> dict[str, float]:
    """The best score of each project of ``best`` among the ``limit`` candidates of one ranked list.

    The projects met in the list's prefix read so far have theirs; the others' are asked of the
    engine, among the points of those projects scoring at least the list's last candidate (their
    payloads read, not the whole list's), in doubling batches until each is found or none is left."""
    top, whole = best_scores(ranked, project_of)
    missing = [project for project in best if project not in top]
    if not missing or whole:
        return top  # every candidate read: a project not among them has no score in this list
    # at least the last candidate's score (a hair below: an engine's threshold may be strict)
    last = float(ranked[-1].score)
    threshold = last - 1e-7 * max(1.0, abs(last)) if len(ranked) >= limit else None
    size = 4 * len(missing)
    while missing:
        [points] = index._query(
            Ask([query], [*where, ("project_id", missing)], size, ["project_id"], threshold)
        )
        found: dict[str, float] = {}
        for p in canonical(points):
            project = str((p.payload or {}).get("project_id", index.point_str(p.id)))
            found[project] = max(found.get(project, float("-inf")), float(p.score))
        top.update({project: score for project, score in found.items() if project in missing})
        if len(points) < size:
            break
        missing = [project for project in missing if project not in found]
        size *= 2
    return top


__all__ = ["best_points", "best_scores_in", "read_projects"]
