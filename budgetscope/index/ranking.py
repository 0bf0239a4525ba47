"""Ranking after retrieval: one result per project, a project-name field, an honest cut-off.

Pure functions over the hits of :meth:`VectorIndex.search` (one per record, each with its raw
dense cosine and BM25 score):

- :func:`fuse` ranks the candidate projects by weighted RRF of their best cosine and best BM25
  score (and, on an index of a pair of encoders such as ``use+e5``, their best cosine of the
  second encoder, weight :data:`SECOND_WEIGHT`), plus :data:`COVERAGE_WEIGHT` times the share of
  the query's distinctive terms they hold (:mod:`.terms`; a near word counting in part, :mod:`.nearwords`);
- :func:`name_bonus` adds to the fused score the share of the query's lexical terms that the
  project's name holds (the name is the project's title: a match there outweighs one in its prose);
- :func:`merge_partners` makes a narrative and the form of the same project (the store's
  ``project_links``) one result, listing both under ``sources``;
- :func:`relevance` gives each hit a calibrated probability of being relevant, from its cosine, its
  :func:`~.terms.coverage` of the query's distinctive terms, and how far both fall below the best candidate's
  (:data:`RELEVANCE_MODELS`, fitted on benchmarks/eval13's tuning half); :func:`mark_weak` marks the
  hits below :data:`RELEVANCE_CUTOFF` weak, in place in the ranking (the order stays the score's), and
  when every hit is weak ("no close match") keeps only the best :data:`WEAK_SHOWN`. (BM25 sums are no
  cut-off: an unrelated query shares 建设, 工程 …)

Example:
    >>> hits = [{"id": "f", "doc": "t.txt", "line": 5, "page": None, "name": "甲", "kind": "form",
    ...          "score": 0.03, "dense": 0.5, "coverage": 1.0},
    ...         {"id": "n", "doc": "b.txt", "line": 9, "page": None, "name": "甲", "kind": "narrative",
    ...          "score": 0.02, "dense": 0.4, "coverage": 0.5}]
    >>> merged = merge_partners(hits, {"f": "n", "n": "f"})
    >>> [(h["id"], [s["doc"] for s in h["sources"]]) for h in merged]
    [('f', ['t.txt', 'b.txt'])]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from budgetscope.models import project_budget
from budgetscope.store.protocol import EntityStore

DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0
"""Weights of the projects' dense and lexical ranks in :func:`fuse` (tuned on benchmarks/eval13's tuning half)."""
SECOND_WEIGHT = 3.0
"""Weight of the second encoder's list (e5 of ``use+e5``) in :func:`fuse`, tuned on the tuning half of
benchmarks/eval13 (1 and 2 gave less there; ``benchmarks/eval_search13.py`` on a ``use+e5`` home)."""
FUSE_K = 5
"""RRF rank constant of :func:`fuse`: over 30-odd candidate projects a small k keeps the top ranks apart."""
NAME_WEIGHT = 1.0
"""Weight of the name field, in units of one first-rank contribution (1 / (FUSE_K + 1))."""
COVERAGE_WEIGHT = 2.0
"""Weight of :func:`~.terms.coverage` (the share of the query's distinctive terms in the hit), in the same units."""
TIE = 1e-6
"""Scores this close (relatively) are equal in :func:`fuse`: projects of the very same text score
alike up to the engines' last float bits, and that noise must not order them."""
RELEVANCE_MODELS: dict[str, tuple[float, float, float, float, float]] = {
    "use": (-2.738, 2.681, 3.376, -7.504, -1.649),
    "use-dense": (-3.982, 6.593, 0.0, 0.0, 0.0),
    "": (-2.837, 0.0, 3.291, 0.0, -2.08),
}
"""By encoder, a logistic model of "relevant" over a hit's :func:`signals`: the intercept, then the
weights of its cosine, its coverage, the best cosine of the candidates minus its own, and the best
coverage minus its own. Fitted on the first 10 hits of the tuning half of benchmarks/eval13 (its
judgments; ``benchmarks/eval13/calibrate_cutoff.py``). ``"use-dense"``: the cosine alone, for a query
without distinctive words (a typo, a word no dictionary knows: its coverage means nothing, and the best
candidate's cosine is no yardstick); ``""``:
coverage alone, for an encoder whose cosines were not calibrated (and a hit without a cosine)."""
RELEVANCE_CUTOFF = 0.35
"""Below this probability of being relevant a hit is weak: the cut-off of the best F1 of "confident"
against "judged relevant" on the tuning half (precision 0.72, recall 0.71 there, the first relevant hit
confident in 0.95 of queries; 0.3 gave 0.66 and 0.75, 0.4 gave 0.77 and 0.67 but the first relevant hit
confident in 0.89; the first cut-off, a cosine of 0.5 or a coverage of 0.4, gave 0.31 and 0.88)."""
WEAK_SHOWN = 3
"""How many hits are shown when every one is weak (no close match)."""
SOURCE_FIELDS = ("doc", "line", "page", "id", "name", "kind")


def fuse(
    hits: list[dict[str, Any]],
    weights: tuple[float, float] = (DENSE_WEIGHT, LEXICAL_WEIGHT),
    k: int = FUSE_K,
    second: float = SECOND_WEIGHT,
) -> None:
    """Score each hit by weighted RRF of its project's rank by best cosine and by best BM25 score
    (and, on an index of a pair of encoders, by its best cosine of the second encoder, ``hit["second"]``).

    Projects, not chunks, are ranked: a project with many similar chunks gets no extra say. Equal
    scores (within :data:`TIE`) are ordered by the other score, then by id (:func:`tie_ordered`).

    >>> hits = [{"dense": 0.9, "lexical": None}, {"dense": 0.5, "lexical": 7.0, "coverage": 0.5}]
    >>> fuse(hits, (1.0, 2.0), k=10); [round(h["score"], 4) for h in hits]
    [0.0909, 0.3561]
    >>> tied = [{"id": "a", "dense": 0.5}, {"id": "b", "dense": 0.5 + 1e-9}, {"id": "c", "dense": 0.4}]
    >>> fuse(tied, (1.0, 1.0), k=10); [round(h["score"], 4) for h in tied]
    [0.0909, 0.0833, 0.0769]
    """
    for h in hits:
        held = h.get("near")  # the coverage counting near words (:mod:`.nearwords`), when search gave it
        held = h.get("coverage") if held is None else held
        h["score"] = COVERAGE_WEIGHT * float(held or 0.0) / (k + 1)
    lists = (("dense", "lexical", weights[0]), ("lexical", "dense", weights[1]), ("second", "dense", second))
    for key, then, weight in lists:
        for rank, h in enumerate(tie_ordered(hits, key, then), start=1):
            h["score"] += weight / (k + rank)
    for h in hits:
        h["score"] = round(h["score"], 6)


def tie_ordered(hits: Sequence[dict[str, Any]], key: str, then: str | None = None) -> list[dict[str, Any]]:
    """The hits holding a ``key`` score, best first; a run of equal scores (within :data:`TIE` of the
    previous one) ordered by the ``then`` score, best first, then by ``id``: float noise in the last
    digits (which differs between engines) orders nothing.

    >>> hits = [{"id": "c", "s": 3.0, "t": 1}, {"id": "b", "s": 2.0}, {"id": "a", "s": 3.0 + 1e-9, "t": 1},
    ...         {"id": "d", "s": 3.0, "t": 2}, {"id": "e", "s": None}]
    >>> [h["id"] for h in tie_ordered(hits, "s", "t")]
    ['d', 'a', 'c', 'b']
    """
    ranked = sorted((h for h in hits if h.get(key) is not None), key=lambda h: -float(h[key]))
    runs: list[list[dict[str, Any]]] = []
    for h in ranked:
        value = float(h[key])
        if runs and math.isclose(value, float(runs[-1][-1][key]), rel_tol=TIE, abs_tol=TIE):
            runs[-1].append(h)
        else:
            runs.append([h])

    def tie_break(h: dict[str, Any]) -> tuple[float, str]:
        other = h.get(then) if then else None
        return (-round(float(other), 4) if other is not None else math.inf, str(h.get("id")))

    return [h for run in runs for h in sorted(run, key=tie_break)]


def name_bonus(
    hits: list[dict[str, Any]], terms: Sequence[str], weight: float = NAME_WEIGHT, k: int = FUSE_K
) -> None:
    """Add to each hit's score ``weight / (k + 1)`` times the share of ``terms`` in its name."""
    if not terms or weight == 0:
        return
    for h in hits:
        name = str(h.get("name") or "").lower()
        share = sum(1 for t in terms if t in name) / len(terms)
        h["score"] = round(float(h["score"]) + weight * share / (k + 1), 6)


def project_partners(store: EntityStore) -> dict[str, str]:
    """Narrative id <-> form id of the same project, both ways (the store's ``project_links``)."""
    out: dict[str, str] = {}
    for row in store.select("project_links"):
        out[row["narrative_id"]] = row["form_id"]
        out[row["form_id"]] = row["narrative_id"]
    return out


def partner_sources(store: EntityStore, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The source fields (doc, line, page, id, name, kind) of some records, and their budget, by id."""
    out: dict[str, dict[str, Any]] = {}
    for r in store.get_records(ids):
        out[r.id] = {"doc": r.doc, "line": r.line, "page": r.page, "id": r.id, "name": r.name or r.title}
        out[r.id].update(kind=r.kind, budget_yuan=r.budget_total_yuan)
    return out


def merge_partners(
    hits: list[dict[str, Any]],
    partners: Mapping[str, str],
    sources: Mapping[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One hit per project: a record's linked partner folds into the better of the two.

    Every hit gets ``sources``: its own source fields, then its partner's (from the partner's hit,
    else from ``sources``), so both the narrative and the form are shown. Its ``budget_yuan`` is the
    project's whichever half ranked first (:func:`~budgetscope.models.project_budget`): the form's
    (its exact figure; a narrative may round it to 万元), else the narrative's.
    """
    out: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for h in hits:
        own = {k: h.get(k) for k in SOURCE_FIELDS}
        partner = partners.get(str(h.get("id")))
        if partner in seen:
            kept = seen[partner]
            if not any(s["id"] == own["id"] for s in kept["sources"]):
                kept["sources"].append(own)
            continue
        h["sources"] = [own]
        if partner:
            extra = next((x for x in hits if x.get("id") == partner), None)
            info = extra if extra else (sources or {}).get(partner)
            if info:
                h["sources"].append({k: info.get(k) for k in SOURCE_FIELDS})
                told = [(h.get("kind"), h.get("budget_yuan")), (info.get("kind"), info.get("budget_yuan"))]
                h["budget_yuan"] = project_budget(told)
        seen[str(h.get("id"))] = h
        out.append(h)
    return out


def signals(hits: Sequence[Mapping[str, Any]]) -> list[list[float | None]]:
    """Each hit's cosine, coverage, and how far each is below the best of ``hits``: what
    :data:`RELEVANCE_MODELS` weigh. A hit the dense list did not reach (found by its words alone) is
    given the lowest cosine of the others: its own is no higher than the last the list kept, and judging
    it by its coverage alone made one passing mention of a word confident. Without any cosine (a lexical
    search), or a query without distinctive words (no coverage), a hit has None for it and its distance.

    >>> hits = [{"dense": 0.6, "coverage": 0.5}, {"dense": 0.4, "coverage": 0.0}, {"dense": None, "coverage": 1.0}]
    >>> [round(v, 3) for v in signals(hits)[2]]
    [0.4, 1.0, 0.2, 0.0]
    """
    known = [float(h["dense"]) for h in hits if h.get("dense") is not None]
    floor = min(known) if known else None
    cosines = [floor if h.get("dense") is None else h.get("dense") for h in hits]
    covers = [h.get("coverage") for h in hits]
    best_cos = max((float(c) for c in cosines if c is not None), default=0.0)
    best_cover = max((float(v) for v in covers if v is not None), default=0.0)
    return [
        [
            None if c is None else float(c),
            None if v is None else float(v),
            None if c is None else best_cos - float(c),
            None if v is None else best_cover - float(v),
        ]
        for c, v in zip(cosines, covers, strict=True)
    ]


def model_for(encoder: str, s: Sequence[float | None]) -> tuple[float, ...] | None:
    """The model of :data:`RELEVANCE_MODELS` for a hit's signals ``s``: cosine and coverage, the cosine
    alone (a query without distinctive words), coverage alone (no cosine, or an encoder not
    calibrated); None when neither is known."""
    from budgetscope.index.encoders import primary_name

    name = primary_name(encoder)  # a pair (use+e5): its first encoder's cosine
    dense = s[0] is not None and name in RELEVANCE_MODELS
    if dense and s[1] is not None:
        return RELEVANCE_MODELS[name]
    if dense:
        return RELEVANCE_MODELS[f"{name}-dense"]
    return RELEVANCE_MODELS[""] if s[1] is not None else None


def relevance(hits: list[dict[str, Any]], encoder: str = "use") -> None:
    """Set each hit's ``relevance``: the calibrated probability that it is relevant to the query
    (:data:`RELEVANCE_MODELS`, by :func:`model_for`); None when the hit has neither signal.

    >>> hits = [{"dense": 0.62, "coverage": 1.0}, {"dense": 0.45, "coverage": 0.0}]
    >>> relevance(hits); [h["relevance"] for h in hits]
    [0.909, 0.011]
    """
    for h, s in zip(hits, signals(hits), strict=True):
        model = model_for(encoder, s)
        if model is None:
            h["relevance"] = None
            continue
        z = model[0] + sum(w * (v or 0.0) for w, v in zip(model[1:], s, strict=True) if w)
        h["relevance"] = round(1 / (1 + math.exp(-z)), 3)


def is_weak(hit: Mapping[str, Any]) -> bool:
    """True when a hit's :func:`relevance` is below :data:`RELEVANCE_CUTOFF` (or unknown)."""
    return float(hit.get("relevance") or 0.0) < RELEVANCE_CUTOFF


CUT_WINDOW = 10
"""The first hits in which the cut-off is placed (a first page: the same for any ``top_k``)."""


SURE_RELEVANCE = 0.8
"""A hit this likely relevant, within the first :data:`CUT_WINDOW`, is never weak (nor any hit above it)."""


def cut_in_place(relevances: Sequence[float | None], cutoff: float | None = None) -> list[bool]:
    """The weak marks of ranked hits from their relevance: weak from the end of the first run of hits at
    or above ``cutoff`` (:data:`RELEVANCE_CUTOFF`) that starts within the first :data:`CUT_WINDOW`, or
    after the last hit there of :data:`SURE_RELEVANCE` or more if that comes later (all weak when no run
    starts there).

    >>> cut_in_place([0.2, 0.6, 0.1, 0.5]), cut_in_place([0.5, 0.1, 0.2, 0.95, 0.1]), cut_in_place([0.1] * 3)
    ([False, False, True, True], [False, False, False, False, True], [True, True, True])
    """
    cut = RELEVANCE_CUTOFF if cutoff is None else cutoff
    below = [float(r or 0.0) < cut for r in relevances]
    first = next((i for i, b in enumerate(below[:CUT_WINDOW]) if not b), None)
    end = 0 if first is None else next((i for i in range(first, len(below)) if below[i]), len(below))
    sure = [i for i, r in enumerate(relevances[:CUT_WINDOW]) if float(r or 0.0) >= SURE_RELEVANCE]
    end = max(end, sure[-1] + 1) if sure else end
    return [i >= end for i in range(len(below))]


def mark_weak(hits: list[dict[str, Any]], top_k: int, encoder: str = "use") -> list[dict[str, Any]]:
    """At most ``top_k`` hits in the order of their score, those after the cut-off marked ``weak``; when
    every hit is weak (no close match), only the best :data:`WEAK_SHOWN`.

    The cut-off is one place in the ranking: after the first run of hits above the calibrated relevance
    (:func:`is_weak`) that starts within the first :data:`CUT_WINDOW` (none there: no close match), or after
    the last hit there of :data:`SURE_RELEVANCE` or more (:func:`cut_in_place`). Hits ranked above count as
    confident too, and every hit after it as weak, so that a weak hit never stands above a confident one
    (on the tuning half of benchmarks/eval13: precision of the confident hits 0.676 → 0.709, recall 0.736
    → 0.731, the first relevant hit confident in 0.902 of queries as before; held-back 0.572 → 0.584,
    0.754, 0.93 → 0.95).

    >>> hits = [{"dense": d, "coverage": c} for d, c in ((0.5, 0.0), (0.62, 1.0), (0.4, 0.0), (0.55, 0.5))]
    >>> [h["weak"] for h in mark_weak(hits, 10)]
    [False, False, True, True]
    """
    relevance(hits, encoder)
    for h, weak in zip(hits, cut_in_place([h.get("relevance") for h in hits]), strict=True):
        h["weak"] = weak
    if all(h["weak"] for h in hits):
        return hits[: min(top_k, WEAK_SHOWN)]
    return hits[:top_k]
