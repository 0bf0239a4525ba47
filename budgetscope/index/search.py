"""Hybrid search over the Qdrant index, one hit per project, and routing of citation questions.

Example:
    >>> from budgetscope.index.encoders import get_encoder
    >>> from budgetscope.index.vectors import VectorIndex
    >>> rec = {"id": "p1", "kind": "narrative", "doc": "a.txt", "line": 3, "name": "科技社团党建项目",
    ...        "sections": {"overview": "在科技社团中开展党建工作。"}}
    >>> with VectorIndex(location=":memory:", encoder=get_encoder("hash")) as index:
    ...     _ = index.upsert(points_of_records([rec], "hash"))
    ...     [h["name"] for h in search(index, "党建工作", top_k=1)]
    ['科技社团党建项目']
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from budgetscope.index.chunks import Chunk, record_points
from budgetscope.index.vectors import Hit, SearchMode, VectorIndex
from budgetscope.models import SearchFilters
from budgetscope.store.protocol import EntityStore

log = logging.getLogger(__name__)

COLLECTION = "budgetscope"
DEFAULT_ENCODER = "use"
DENSE_WEIGHT = 1.0
SPARSE_WEIGHT = 1.0
"""Weights of the dense and the lexical list in the fused ranking (see benchmarks/bench_search.py)."""
CANDIDATE_PROJECTS = 30
"""Projects fetched before re-ranking, merging and the cut-off (at least 3 × top_k)."""
SNIPPET_CHARS = 120
CHUNK_CHARS: dict[str, int] = {"use": 120}
"""Chunk size in characters by encoder: USE is a sentence encoder (120 chars scored best in
benchmarks/bench_search.py); transformer encoders with a 512-token window take 300."""
DEFAULT_CHUNK_CHARS = 300


def chunk_chars(encoder_name: str) -> int:
    """The chunk size for an encoder (``BUDGETSCOPE_CHUNK_CHARS`` overrides it, for benchmarks)."""
    override = os.environ.get("BUDGETSCOPE_CHUNK_CHARS")
    return int(override) if override else CHUNK_CHARS.get(encoder_name, DEFAULT_CHUNK_CHARS)


CITES_QUESTION = re.compile(
    r"^(?:请问|查询|列出|找出|找)?(?:有)?哪些(?:项目|部门|单位)?(?:引用|援引|依据|根据|提到|提及|引|用)了?"
    r"(?P<q>.+?)[？?。]?$"
    r"|^(?P<q2>.+?)(?:被)?(?:哪些项目|哪些部门)(?:引用|援引|依据|提到)(?:了|过)?[？?。]?$"
    r"|^(?:which|what) projects? (?:cite|cites|reference|references|quote|quotes) (?P<q3>.+?)\??$",
    re.IGNORECASE,
)


def cites_target(query: str) -> str | None:
    """The document a citation question asks about, or None for any other query.

    >>> cites_target("哪些项目引用了全民科学素质纲要"), cites_target("科技馆大修")
    ('全民科学素质纲要', None)
    """
    m = CITES_QUESTION.match(query.strip())
    if not m:
        return None
    target = next(g for g in (m.group("q"), m.group("q2"), m.group("q3")) if g)
    return target.strip(' 《》"“”') or None


def open_index(
    home: Path,
    *,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    collection: str = COLLECTION,
    read_only: bool = False,
    wait: float = 0.0,
) -> VectorIndex:
    """The project's vector index: embedded under ``home/qdrant`` or on the server at ``qdrant_url``.

    ``encoder`` defaults to the one the index was built with (recorded under ``home``), else ``use``.
    """
    from budgetscope.index.encoders import get_encoder

    enc = get_encoder(encoder or recorded_encoder(home) or DEFAULT_ENCODER)
    if qdrant_url:
        return VectorIndex(url=qdrant_url, collection=collection, encoder=enc, read_only=read_only)
    return VectorIndex(
        path=home / "qdrant", collection=collection, encoder=enc, read_only=read_only, wait=wait
    )


def points_of_records(
    records: Iterable[Mapping[str, Any]], encoder_name: str, *, max_chars: int | None = None
) -> list[Chunk]:
    """Every chunk of every record (records as the record contract's dicts)."""
    size = max_chars or chunk_chars(encoder_name)
    return [chunk for r in records for chunk in record_points(r, encoder_name, max_chars=size)]


def index_records(index: VectorIndex, doc: str, records: Iterable[Mapping[str, Any]]) -> int:
    """Replace one document's points with those of its records; returns the number of points."""
    index.delete_doc(doc)
    encoder = index.encoder.name if index.encoder else DEFAULT_ENCODER
    return index.upsert(points_of_records(records, encoder))


def recorded_encoder(home: Path) -> str | None:
    """The encoder the index under ``home`` was built with (recorded in the store), or None."""
    from budgetscope.paths import store_path
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import SQLiteStore

    path = store_path(home)
    if not path.is_file():
        return None
    with SQLiteStore(path) as store:
        index_state.migrate(home, store)
        return index_state.encoder_of(store)


def index_settings(home: Path) -> dict[str, Any]:
    """What the index under ``home`` was built with and lags: ``{"encoder": spec, "pending": [doc, ...]}``
    ({} before any ingest)."""
    from budgetscope.paths import store_path
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import SQLiteStore

    path = store_path(home)
    if not path.is_file():
        return {}
    with SQLiteStore(path) as store:
        index_state.migrate(home, store)
        encoder = index_state.encoder_of(store)
        return {**({"encoder": encoder} if encoder else {}), "pending": sorted(index_state.pending(store))}


def save_index_settings(
    home: Path, encoder: str | None = None, *, pending: Iterable[str] | None = None
) -> None:
    """Record the index's encoder; with ``pending``, mark exactly these documents as not yet indexed."""
    from budgetscope.store import index_state
    from budgetscope.store.sqlite import open_store

    with open_store(home, create=True) as store:
        index_state.migrate(home, store)
        if encoder is not None:
            index_state.record_encoder(store, encoder)
        if pending is not None:
            wanted = set(pending)
            for doc, seq in index_state.pending(store).items():
                if doc not in wanted:
                    index_state.done(store, doc, seq)
            index_state.mark(store, sorted(wanted))


def sync_index(
    store: EntityStore,
    index: VectorIndex,
    changed: Iterable[str] = (),
    *,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Bring the vector index in line with the store; returns the number of points written.

    Pending documents (written or deleted since last indexed, see :mod:`budgetscope.store.index_state`),
    documents named in ``changed`` and documents with no points yet are (re)embedded, each cleared
    from the pending list as soon as its points are written, so a killed run resumes where it
    stopped; for the others only the cited canonical ids are refreshed, since re-linking may have
    changed them. Documents no longer in the store lose their points.
    """
    from budgetscope.store import index_state

    changed = set(changed)
    lagging = index_state.pending(store)
    stored = {row["doc"] for row in store.select("documents")}
    indexed = index.docs() if index.exists() else set()
    for gone in indexed - stored:
        index.delete_doc(gone)
    for gone_doc, gone_seq in lagging.items():
        if gone_doc not in stored:
            index_state.done(store, gone_doc, gone_seq)
    todo = sorted(stored)
    written = 0
    for i, name in enumerate(todo, start=1):
        if name in changed or name in lagging or name not in indexed:
            fresh, seq = _snapshot(store, name)
            if fresh is not None:
                written += index_records(index, name, [r.contract() for r in fresh.records])
                log.info("indexed %s", name)
            index_state.done(store, name, seq)
        else:  # re-linking may have changed the canonical ids a document cites
            kept = store.get_document(name)
            current = index.cites_by_project(name) if kept is not None else {}
            for r in kept.records if kept is not None else []:
                cites = list(dict.fromkeys(c.canonical for c in r.citations if c.canonical))
                if current.get(r.id) != cites:
                    index.set_cites(r.id, cites)
        if on_progress:
            on_progress(i, len(todo), name)
    return written


def _snapshot(store: EntityStore, name: str) -> tuple[Any, int | None]:
    """A document and the sequence number of its pending version, read in one transaction."""
    from budgetscope.store import index_state

    db = index_state._db(store)
    db.execute("BEGIN")
    try:
        row = db.execute("SELECT seq FROM index_pending WHERE doc = ?", (name,)).fetchone()
        return store.get_document(name), (int(row[0]) if row else None)
    finally:
        db.execute("COMMIT")


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
) -> list[dict[str, Any]]:
    """At most ``top_k`` projects for ``query``: DESIGN.md hits, one per project, best first.

    An English query's lexical side also searches its Chinese translation (:mod:`.translate`).
    Hybrid search ranks the candidate projects by their best cosine and best BM25 score
    (:func:`.ranking.fuse`); a name holding the query's terms lifts a project (:func:`.ranking.name_bonus`). With a
    ``store``, a narrative and the form of the same project are one hit listing both ``sources``.
    With ``cutoff``, hits below the calibrated relevance come last, marked ``weak``, at most
    :data:`.ranking.WEAK_SHOWN` of them (all weak: no close match).
    """
    from budgetscope.index.ranking import (
        coverage,
        fuse,
        mark_weak,
        merge_partners,
        name_bonus,
        partner_sources,
        project_partners,
        term_groups,
    )
    from budgetscope.index.translate import lexical_query

    f = filters.as_dict() if isinstance(filters, SearchFilters) else dict(filters or {})
    lexical = lexical_query(query)
    pool = max(3 * top_k, CANDIDATE_PROJECTS)
    found = index.search(query, filters=f, top_k=pool, mode=mode, weights=weights, lexical=lexical)
    groups = term_groups(query)
    hits = []
    for h in found:
        hit = hit_of(h, lexical)
        raw = list(h.raw)
        dense = raw.pop(0) if mode != "sparse" and raw else None
        bm25 = raw.pop(0) if mode != "dense" and raw else None
        hit["dense"] = None if dense is None else round(dense, 6)  # the last digits vary run to run
        hit["lexical"] = None if bm25 is None else round(bm25, 6)
        hit["coverage"] = round(coverage(groups, f"{hit['name']}\n{h.payload.get('text') or ''}"), 3)
        hits.append(hit)
    if mode == "hybrid":
        fuse(hits)
    name_bonus(hits, query_terms(lexical))
    hits.sort(key=lambda h: -h["score"])
    if store is not None:
        partners = project_partners(store)
        missing = [partners[str(h["id"])] for h in hits if str(h["id"]) in partners]
        hits = merge_partners(hits, partners, partner_sources(store, missing))
    else:
        hits = merge_partners(hits, {})
    encoder = index.encoder.name if index.encoder else DEFAULT_ENCODER
    return mark_weak(hits, top_k, encoder) if cutoff else hits[:top_k]


def hit_of(hit: Hit, query: str) -> dict[str, Any]:
    """A search hit as DESIGN.md describes it, with a snippet around the query's terms."""
    p = hit.payload
    snippet, marks = snippet_of(str(p.get("text") or ""), query)
    return {
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


def query_terms(query: str) -> list[str]:
    """The query's terms worth highlighting (jieba words of 2+ characters, ASCII words)."""
    from budgetscope.index.sparse import tokenize

    terms = {t for t in tokenize(query) if len(t) >= 2}
    return sorted(terms, key=len, reverse=True)


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
