"""Tune the ranking constants of budgetscope.index.ranking on the tuning half of eval13.

Fetches each search query's candidate projects once from an ingested home (the real index:
best cosine, best BM25 score, name, best chunk, coverage with near words), then replays the ranking for a grid of
(lexical weight, rank constant k, name weight, coverage weight, weight of the
chunk-level RRF rank the index returns) and prints the best settings on
the chosen split with nDCG@10 per group. Project keys and scoring are those of
benchmarks/eval_search13.py. Report the held-back half only for the setting chosen on the tuning half.

usage: python benchmarks/eval13/tune_ranking.py --home DIR [--split tune] [--by all|min] [--check LEX K NAME COVER CHUNKS]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from eval_search13 import catalog, ndcg, project_of  # noqa: E402

from budgetscope.index.ranking import mark_weak, project_partners  # noqa: E402
from budgetscope.index.search import near_words, query_terms  # noqa: E402
from budgetscope.index.terms import coverage, term_groups  # noqa: E402
from budgetscope.index.translate import lexical_query  # noqa: E402
from budgetscope.store.sqlite import open_store  # noqa: E402
from budgetscope.vector.sync import open_index  # noqa: E402


def pools(home: Path, queries: list[dict[str, Any]]) -> dict[str, str]:
    """Fill each query's ``pool`` (40 candidate projects); returns the narrative <-> form partners."""
    with open_store(home) as store:
        departments = {r["department"] for r in store.select("documents") if r["department"]}
        partners = project_partners(store)
    with open_index(home, read_only=True) as index:
        for q in queries:
            filters = dict(q["filters"])
            if "department" in filters:
                filters["department"] = next(d for d in departments if filters["department"] in d)
            lexical = lexical_query(q["query"])
            groups = term_groups(q["query"])
            q["terms"] = query_terms(lexical)
            q["pool"] = [
                {"id": h.project_id, "doc": h.payload["doc"], "name": h.payload["name"],
                 "fused": h.score, "dense": h.raw[0] if h.raw else None, "lexical": h.raw[1] if len(h.raw) > 1 else None,
                 "coverage": coverage(groups, f"{h.payload['name']}\n{h.payload.get('text') or ''}"),
                 "text": f"{h.payload['name']}\n{h.payload.get('text') or ''}"}
                for h in index.search(q["query"], filters=filters, top_k=40, lexical=lexical)
            ]  # fmt: skip
            near_words(q["pool"], [h.pop("text") for h in q["pool"]], groups, q["query"], index)
    return partners


def replay(
    q: dict[str, Any],
    partners: dict[str, str],
    lex: float,
    k: int,
    name: float,
    cover: float,
    chunks: float = 0.0,
) -> list:
    """The top 10 of a query's pool under these constants (the order search() gives, cut-off included)."""
    score = {h["id"]: cover * h.get("near", h["coverage"]) / (k + 1) for h in q["pool"]}
    for key, weight in (("dense", 1.0), ("lexical", lex), ("fused", chunks)):
        ranked = sorted((h for h in q["pool"] if h[key] is not None), key=lambda h: -h[key])
        for rank, h in enumerate(ranked, start=1):
            score[h["id"]] += weight / (k + rank)
    for h in q["pool"]:
        if q["terms"]:
            score[h["id"]] += (
                name * sum(t in h["name"].lower() for t in q["terms"]) / len(q["terms"]) / (k + 1)
            )
    seen: set[str] = set()
    out = []
    for h in sorted(q["pool"], key=lambda h: -score[h["id"]]):
        if partners.get(h["id"]) not in seen:
            seen.add(h["id"])
            out.append(h)
    return mark_weak([dict(h) for h in out], 10)


def evaluate(queries: list[dict[str, Any]], partners: dict[str, str], params: tuple) -> dict[str, float]:
    cat = catalog()
    by_group: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        gains: dict[str, int] = {}
        for grade, doc, name in q["judged"]:
            pid = project_of(doc, name, cat)
            gains[pid] = max(gains.get(pid, 0), grade)
        ranked: list[str] = []
        for h in replay(q, partners, *params):
            pid = project_of(h["doc"], h["name"], cat)
            if pid not in ranked:
                ranked.append(pid)
        by_group[q["group"]].append(ndcg(ranked, gains))
        by_group["all"].append(by_group[q["group"]][-1])
    return {g: round(sum(v) / len(v), 4) for g, v in sorted(by_group.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--split", default="tune", choices=("tune", "heldout"))
    ap.add_argument(
        "--by", default="all", choices=("all", "min"), help="rank settings by nDCG or worst group"
    )
    ap.add_argument("--check", nargs=5, type=float, metavar=("LEX", "K", "NAME", "COVER", "CHUNKS"))
    a = ap.parse_args()
    queries = [json.loads(x) for x in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [q for q in queries if q["split"] == a.split and "judged" in q and q["group"] != "nomatch"]
    partners = pools(Path(a.home), queries)
    if a.check:
        lex, k, name, cover, chunks = a.check
        print(evaluate(queries, partners, (lex, int(k), name, cover, chunks)))
        return
    grid = itertools.product(
        [0.5, 1.0, 2.0], [5, 10, 20, 60], [0.0, 0.5, 1.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0, 4.0]
    )

    def key(r: tuple[dict[str, float], tuple]) -> float:
        return -(r[0]["all"] if a.by == "all" else min(r[0].values()))

    results = sorted(((evaluate(queries, partners, p), p) for p in grid), key=key)
    for scores, params in results[:8]:
        print(dict(zip(("lexical", "k", "name", "coverage", "chunks"), params, strict=True)), scores)


if __name__ == "__main__":
    main()
