"""Ranking after retrieval: one result per project, a project-name field, an honest cut-off.

Pure functions over the hits of :meth:`VectorIndex.search` (one per record, each with its raw
dense cosine and BM25 score):

- :func:`name_bonus` adds to the fused score the share of the query's lexical terms that the
  project's name holds (the name is the project's title: a match there outweighs one in its prose);
- :func:`merge_partners` makes a narrative and the form of the same project (the store's
  ``project_links``) one result, listing both under ``sources``;
- :func:`mark_weak` flags hits whose relevance is below the calibrated cut-off
  (:data:`DENSE_CUTOFF`, :data:`LEXICAL_CUTOFF`): they are shown after the others, marked weak,
  at most :data:`WEAK_SHOWN` of them.

Example:
    >>> hits = [{"id": "f", "doc": "t.txt", "line": 5, "page": None, "name": "甲", "kind": "form",
    ...          "score": 0.03, "dense": 0.5, "lexical": 9.0},
    ...         {"id": "n", "doc": "b.txt", "line": 9, "page": None, "name": "甲", "kind": "narrative",
    ...          "score": 0.02, "dense": 0.4, "lexical": 3.0}]
    >>> merged = merge_partners(hits, {"f": "n", "n": "f"})
    >>> [(h["id"], [s["doc"] for s in h["sources"]]) for h in merged]
    [('f', ['t.txt', 'b.txt'])]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from budgetscope.index.fusion import RRF_K
from budgetscope.index.store_protocol import EntityStore

NAME_WEIGHT = 1.0
"""Weight of the name field, in units of one first-rank RRF contribution (1 / (RRF_K + 1))."""
DENSE_CUTOFF = 0.35
"""Below this cosine (and below :data:`LEXICAL_CUTOFF`) a hit is weak (benchmarks/eval_search13.py)."""
LEXICAL_CUTOFF = 6.0
"""Below this BM25 score (and below :data:`DENSE_CUTOFF`) a hit is weak."""
WEAK_SHOWN = 3
"""How many weak hits are shown, after the others."""
SOURCE_FIELDS = ("doc", "line", "page", "id", "name", "kind")


def name_bonus(hits: list[dict[str, Any]], terms: Sequence[str], weight: float = NAME_WEIGHT) -> None:
    """Add to each hit's score ``weight / (RRF_K + 1)`` times the share of ``terms`` in its name."""
    if not terms or weight == 0:
        return
    for h in hits:
        name = str(h.get("name") or "").lower()
        share = sum(1 for t in terms if t in name) / len(terms)
        h["score"] = round(float(h["score"]) + weight * share / (RRF_K + 1), 6)


def project_partners(store: EntityStore) -> dict[str, str]:
    """Narrative id <-> form id of the same project, both ways (the store's ``project_links``)."""
    out: dict[str, str] = {}
    for row in store.select("project_links"):
        out[row["narrative_id"]] = row["form_id"]
        out[row["form_id"]] = row["narrative_id"]
    return out


def partner_sources(store: EntityStore, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The source fields (doc, line, page, id, name, kind) of some records, by id."""
    return {
        r.id: {"doc": r.doc, "line": r.line, "page": r.page, "id": r.id, "name": r.name or r.title,
               "kind": r.kind}  # fmt: skip
        for r in store.get_records(ids)
    }


def merge_partners(
    hits: list[dict[str, Any]],
    partners: Mapping[str, str],
    sources: Mapping[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One hit per project: a record's linked partner folds into the better of the two.

    Every hit gets ``sources``: its own source fields, then its partner's (from the partner's hit,
    else from ``sources``), so both the narrative and the form are shown.
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
            info = {k: extra.get(k) for k in SOURCE_FIELDS} if extra else (sources or {}).get(partner)
            if info:
                h["sources"].append(dict(info))
        seen[str(h.get("id"))] = h
        out.append(h)
    return out


def is_weak(hit: Mapping[str, Any]) -> bool:
    """True when neither the cosine nor the BM25 score of a hit reaches its cut-off."""
    dense, lexical = hit.get("dense"), hit.get("lexical")
    return (dense is None or dense < DENSE_CUTOFF) and (lexical is None or lexical < LEXICAL_CUTOFF)


def mark_weak(hits: list[dict[str, Any]], top_k: int) -> list[dict[str, Any]]:
    """At most ``top_k`` hits: the confident ones best first, then up to :data:`WEAK_SHOWN` weak ones."""
    for h in hits:
        h["weak"] = is_weak(h)
    confident = [h for h in hits if not h["weak"]]
    weak = [h for h in hits if h["weak"]][:WEAK_SHOWN]
    return (confident + weak)[:top_k]
