"""The query side of search: hybrid search over the vector index, one hit per project, snippets,
and routing of citation questions. (Opening the index and keeping it in line with the store:
:mod:`budgetscope.vector.sync`.)

Example:
    >>> from budgetscope.index.encoders import get_encoder
    >>> from budgetscope.vector.client import ClientIndex
    >>> from budgetscope.vector.points import points_of_records
    >>> from budgetscope.models import Record
    >>> rec = Record(id="p1", kind="narrative", doc="a.txt", line=3, title="", name="科技社团党建项目",
    ...              sections={"overview": "在科技社团中开展党建工作。"})
    >>> with ClientIndex(location=":memory:", encoder=get_encoder("hash")) as index:
    ...     _ = index.upsert(points_of_records([rec], "hash"))
    ...     [h.name for h in search(index, "党建工作", top_k=1)]
    ['科技社团党建项目']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from budgetscope.models import SearchFilters, SearchHit
from budgetscope.vector.points import DEFAULT_ENCODER

if TYPE_CHECKING:
    from budgetscope.store.protocol import EntityStore
    from budgetscope.vector.base import VectorIndex
    from budgetscope.vector.query import Hit, SearchMode

DENSE_WEIGHT = 1.0
SPARSE_WEIGHT = 1.0
"""Weights of the dense and the lexical list in the fused ranking (see benchmarks/bench_search.py)."""
CANDIDATE_PROJECTS = 60
"""Records fetched before re-ranking, merging and the cut-off (or twice top_k if more). The same pool
for any top_k up to half of it: the first hits, their scores and their relevance do not depend on how
many are asked for (the CLI's 10 are the web page's first 10 of 30). Twice the hits shown, because a
narrative and its form merge into one hit: 30 asked are 30 given even when every project has both."""
SNIPPET_CHARS = 120
HIT_FIELDS = (
    "project_id", "doc", "line", "page", "name", "kind", "year", "department", "section", "text", "budget_total_yuan",
    "unit",
)  # fmt: skip
"""The payload fields a hit reads (:func:`hit_of`, coverage): only these are fetched for the winners."""


def search(
    index: VectorIndex,
    query: str,
    *,
    filters: SearchFilters | Mapping[str, Any] | None = None,
    top_k: int = 10,
    mode: SearchMode = "hybrid",
    weights: tuple[float, float] = (DENSE_WEIGHT, SPARSE_WEIGHT),
    store: EntityStore | None = None,
    cutoff: bool = True,
) -> list[SearchHit]:
    """At most ``top_k`` projects for ``query``: DESIGN.md hits, one per project, best first.

    An English query's lexical side also searches its Chinese translation (:mod:`.translate`); the dense
    side's query vector is blended with the query's budget wording (:func:`.translate.budget_wording`).
    Hybrid search ranks the candidate projects by their best cosine and best BM25 score (and their
    best cosine of the second encoder on an index built with a pair, ``use+e5``) (:func:`.ranking.fuse`); a name holding the query's terms lifts a project (:func:`.ranking.name_bonus`). A
    form's unit (its 实施单位, when not its department) is searched with it: a chunk of its name and unit
    (:func:`~budgetscope.index.chunks.record_points`), and its words count in the coverage. With a
    ``store``, a narrative and the form of the same project are one hit listing both ``sources``.
    With ``cutoff``, hits below the calibrated relevance come last, marked ``weak``, at most
    :data:`.ranking.WEAK_SHOWN` of them (all weak: no close match).
    """
    from budgetscope.index.ranking import fuse, mark_weak, merge_partners, name_bonus
    from budgetscope.index.terms import coverage, term_groups, unit_text
    from budgetscope.index.translate import budget_wording, lexical_query

    f = filters.as_dict() if isinstance(filters, SearchFilters) else dict(filters or {})
    lexical = lexical_query(query)
    pool = max(2 * top_k, CANDIDATE_PROJECTS)
    found = index.search(
        query,
        filters=f,
        top_k=pool,
        mode=mode,
        weights=weights,
        lexical=lexical,
        fields=HIT_FIELDS,
        wording=budget_wording(query),
    )
    groups = term_groups(query)
    hits, texts = [], []
    for h in found:
        hit = hit_of(h, lexical)
        raw = list(h.raw)
        dense = raw.pop(0) if mode != "sparse" and raw else None
        bm25 = raw.pop(0) if mode != "dense" and raw else None
        second = raw.pop(0) if raw else None  # the second encoder's cosine (an index of use+e5)
        hit["dense"] = None if dense is None else round(dense, 6)  # the last digits vary run to run
        hit["lexical"] = None if bm25 is None else round(bm25, 6)
        if second is not None:
            hit["second"] = round(second, 6)
        text = unit_text(groups, f"{hit['name']}\n{h.payload.get('text') or ''}", hit["unit"])
        hit["coverage"] = round(coverage(groups, text), 3) if groups else None  # no distinctive word
        hits.append(hit)
        texts.append(text)
    if mode == "hybrid":
        near_words(hits, texts, groups, query, index)
        fuse(hits)
    name_bonus(hits, query_terms(lexical))
    hits.sort(key=lambda h: -h["score"])
    if store is not None:
        from budgetscope.index.merged import one_per_project

        hits = one_per_project(store, hits)
    else:
        hits = merge_partners(hits, {})
    encoder = index.encoder.name if index.encoder else DEFAULT_ENCODER
    for kept in hits:  # the hit contract has no field for them: they served the ranking only
        kept.pop("second", None)
        kept.pop("near", None)
    chosen = mark_weak(hits, top_k, encoder) if cutoff else hits[:top_k]
    return [SearchHit.model_validate(h) for h in chosen]


def near_words(
    hits: list[dict[str, Any]], texts: list[str], groups: list[Any], query: str, index: VectorIndex
) -> None:
    """Give each hit ``near``, the coverage of its text with near words counting in part
    (:mod:`.nearwords`), for a Chinese query on an index of the USE encoder (the one it was tuned with)
    when some hit misses a word."""
    from budgetscope.index.encoders import get_encoder
    from budgetscope.index.nearwords import near_coverage
    from budgetscope.index.translate import is_english

    name = index.encoder.name if index.encoder else ""
    if not groups or is_english(query) or name.split("+")[0] != "use":
        return
    if all(h.get("coverage") == 1.0 for h in hits):
        return
    for h, near in zip(hits, near_coverage(groups, texts, get_encoder("use")), strict=True):
        h["near"] = near


def hit_of(hit: Hit, query: str) -> dict[str, Any]:
    """The fields of a search hit (:class:`~budgetscope.models.SearchHit`) for a found chunk, with a
    snippet around the query's terms: the working copy the ranking (:mod:`.ranking`) scores."""
    p = hit.payload
    snippet, marks = snippet_of(str(p.get("text") or ""), query)
    out = {
        "doc": p.get("doc"),
        "line": p.get("line"),
        "page": p.get("page"),
        "id": p.get("project_id"),
        "name": p.get("name"),
        "kind": p.get("kind"),
        "year": p.get("year"),
        "department": p.get("department"),
        "section": p.get("section"),
        "score": round(float(hit.score), 6),
        "snippet": snippet,
        "highlights": marks,
    }
    budget = p.get("budget_total_yuan")  # the payload's exact amount: an int, or its decimal text
    out["budget_yuan"] = None if budget is None else Decimal(str(budget))
    out["unit"] = p.get("unit")  # a form's unit (its 实施单位, when not its department)
    out["budget_flagged"] = False  # known with a store (:func:`search`)
    return out


def query_terms(query: str) -> list[str]:
    """The query's terms worth highlighting (jieba words of 2+ characters, ASCII words), longest first."""
    return list(_query_terms(query))


@lru_cache(maxsize=256)
def _query_terms(query: str) -> tuple[str, ...]:
    """:func:`query_terms`, segmented once per query (every hit's snippet asks)."""
    from budgetscope.vector.sparse import tokenize

    terms = {t for t in tokenize(query) if len(t) >= 2}
    return tuple(sorted(terms, key=len, reverse=True))


def snippet_of(text: str, query: str, width: int = SNIPPET_CHARS) -> tuple[str, list[list[int]]]:
    """A window of ``text`` around the densest run of query terms, and the terms' offsets in it.

    >>> snippet_of("甲。科技馆建筑体大修项目，更换空调。乙。", "科技馆大修")
    ('甲。科技馆建筑体大修项目，更换空调。乙。', [[2, 5], [8, 10]])
    """
    terms = query_terms(query)
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for t in terms:
        for m in re.finditer(re.escape(t.lower()), lowered):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    spans.sort()
    start = 0
    if len(text) > width and spans:
        best = max(
            range(len(spans)),
            key=lambda i: sum(1 for s, _ in spans if spans[i][0] <= s < spans[i][0] + width),
        )
        start = max(0, min(spans[best][0] - width // 4, len(text) - width))
    window = text[start : start + width]
    marks = [[s - start, e - start] for s, e in spans if s >= start and e <= start + len(window)]
    return window, marks
