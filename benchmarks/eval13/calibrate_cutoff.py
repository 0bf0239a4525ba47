"""Fit and check the relevance cut-off (:func:`budgetscope.index.ranking.relevance`) on the eval13 judgments.

Runs each search query once through :func:`budgetscope.index.search.search` over an ingested home and
keeps its candidate pool (the 30 projects, fused order, as the cut-off sees them) with each hit's
signals. Fits, on the tuning half only, a logistic model of "judged relevant" over the first 10 hits'
signals: the best cosine, the share of the query's distinctive terms held (coverage), and how far each
falls below the pool's best (the constants of ``RELEVANCE_MODELS``); and one over coverage alone (for
an encoder not calibrated). Then reports on both halves, for a few cut-offs of the probability, what a
user sees (hits in fused order, those below the cut-off marked weak; all weak: "no close match", the
best WEAK_SHOWN only):

- precision: the share of confident hits (of the first 10) judged relevant; recall: the share of judged
  relevant hits (of the first 10) that are confident;
- the share of queries whose first relevant hit is confident; queries with nothing relevant in the
  corpus answered "no close match"; nDCG@10 of the list shown.

``--current`` scores the model and cut-off in the code instead of fitting one.

usage: python benchmarks/eval13/calibrate_cutoff.py --home DIR [--dump F] [--current]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent))

from eval_search13 import catalog, hit_projects, mean, ndcg, project_of  # noqa: E402

from budgetscope.index.ranking import WEAK_SHOWN, cut_in_place, signals  # noqa: E402


def pools(home: Path, queries: list[dict[str, Any]]) -> None:
    """Fill each query's ``pool``: every candidate hit of search() as the cut-off sees it, fused order."""
    import budgetscope.index.ranking as ranking
    from budgetscope.index.search import search
    from budgetscope.store.sqlite import open_store
    from budgetscope.vector.sync import open_index

    seen: list[list[dict[str, Any]]] = []
    original = ranking.mark_weak

    def capture(hits: list[dict[str, Any]], top_k: int, encoder: str = "use") -> list[dict[str, Any]]:
        seen.append([dict(h) for h in hits])
        return original(hits, top_k, encoder)

    ranking.mark_weak = capture  # type: ignore[assignment]
    try:
        with open_store(home) as store, open_index(home, read_only=True) as index:
            departments = {r["department"] for r in store.select("documents") if r["department"]}
            for q in queries:
                filters = dict(q["filters"])
                if "department" in filters:
                    filters["department"] = next(d for d in departments if filters["department"] in d)
                seen.clear()
                search(index, q["query"], filters=filters, top_k=10, store=store)
                q["pool"] = seen[0]
    finally:
        ranking.mark_weak = original  # type: ignore[assignment]


def gains_of(q: dict[str, Any], cat: dict[tuple[str, str], str]) -> dict[str, int]:
    gains: dict[str, int] = {}
    for grade, doc, name in q["judged"]:
        pid = project_of(doc, name, cat)
        gains[pid] = max(gains.get(pid, 0), grade)
    return gains


def is_relevant(h: dict[str, Any], gains: dict[str, int], cat: dict[tuple[str, str], str]) -> bool:
    return any(p in gains for p in hit_projects(h, cat))


def examples(queries: list[dict[str, Any]], cat: dict[tuple[str, str], str]) -> tuple[np.ndarray, np.ndarray]:
    """The first 10 hits of each query: their signals (:func:`signals`, NaN for a missing one) and whether
    they are judged relevant."""
    x, y = [], []
    for q in queries:
        gains = gains_of(q, cat)
        for h, s in zip(q["pool"][:10], signals(q["pool"]), strict=False):
            x.append([math.nan if v is None else v for v in s])
            y.append(float(is_relevant(h, gains, cat)))
    return np.array(x), np.array(y)


def fit(x: np.ndarray, y: np.ndarray, columns: list[int]) -> list[float]:
    """Logistic regression by Newton's method (a little ridge) over the rows that have every signal of
    ``columns``: the intercept, then a weight per signal (0 for a signal not in ``columns``)."""
    rows = ~np.isnan(x[:, columns]).any(axis=1)
    a = np.hstack([np.ones((int(rows.sum()), 1)), x[rows][:, columns]])
    y = y[rows]
    w = np.zeros(a.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-a @ w))
        hessian = a.T @ (a * (p * (1 - p))[:, None]) + 1e-3 * np.eye(len(w))
        w -= np.linalg.solve(hessian, a.T @ (p - y) + 1e-3 * w)
    out = [0.0] * (x.shape[1] + 1)
    out[0] = float(w[0])
    for i, c in enumerate(columns):
        out[c + 1] = float(w[i + 1])
    return [round(v, 3) for v in out]


def probability(models: dict[str, list[float]], s: list[float | None]) -> float:
    """The relevance of a hit as :func:`budgetscope.index.ranking.relevance` gives it, with these models."""
    if s[0] is not None and s[1] is not None:
        model = models["use"]
    elif s[0] is not None:
        model = models["use-dense"]
    elif s[1] is not None:
        model = models[""]
    else:
        return 0.0
    z = model[0] + sum(w * (v or 0.0) for w, v in zip(model[1:], s, strict=True) if w)
    return 1 / (1 + math.exp(-z))


def report(
    queries: list[dict[str, Any]], models: dict[str, list[float]], cut: float, cat: dict[tuple[str, str], str]
) -> dict[str, Any]:
    conf = conf_rel = rel = 0
    first, nomatch, scores = [], [], []
    for q in queries:
        gains = gains_of(q, cat)
        relevances = [probability(models, s) for s in signals(q["pool"])]
        pool = list(
            zip(q["pool"], cut_in_place(relevances, cut), strict=True)
        )  # the cut-off as search places it
        shown = pool[:10] if any(not w for _, w in pool) else pool[:WEAK_SHOWN]
        if not gains:
            nomatch.append(all(w for _, w in pool))
            continue
        for h, w in pool[:10]:
            r = is_relevant(h, gains, cat)
            conf, conf_rel, rel = conf + (not w), conf_rel + (r and not w), rel + r
        hit = next(((h, w) for h, w in pool if is_relevant(h, gains, cat)), None)
        if hit is not None:
            first.append(not hit[1])
        ranked: list[str] = []
        for h, _ in shown:
            pids = hit_projects(h, cat)
            pid = next((p for p in pids if p in gains), pids[0])
            if pid not in ranked:
                ranked.append(pid)
        scores.append(ndcg(ranked, gains))
    return {
        "precision": round(conf_rel / conf, 3) if conf else None,
        "recall": round(conf_rel / rel, 3) if rel else None,
        "first_relevant_confident": round(sum(first) / len(first), 3) if first else None,
        "confident_per_query": round(conf / max(1, len(scores)), 2),
        "no_close_match": f"{sum(nomatch)}/{len(nomatch)}",
        "ndcg": mean(scores),
    }


def main() -> None:
    from budgetscope.index.ranking import RELEVANCE_CUTOFF, RELEVANCE_MODELS

    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True, type=Path)
    ap.add_argument("--dump", type=Path, help="save the pools as JSON (and read them back next time)")
    ap.add_argument("--current", action="store_true", help="score the model and cut-off in the code")
    a = ap.parse_args()
    lines = (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(x) for x in lines if x.strip()]
    queries = [q for q in queries if q["group"] not in ("cites", "cites_ambiguous")]
    if a.dump and a.dump.exists():
        pooled = {q["query"] + json.dumps(q["filters"]): q["pool"] for q in json.loads(a.dump.read_text())}
        for q in queries:
            q["pool"] = pooled[q["query"] + json.dumps(q["filters"])]
    else:
        pools(a.home, queries)
        if a.dump:
            a.dump.write_text(json.dumps(queries, ensure_ascii=False, default=str), encoding="utf-8")
    cat = catalog()
    halves = {h: [q for q in queries if q["split"] == h] for h in ("tune", "heldout")}
    if a.current:
        models = {k: list(v) for k, v in RELEVANCE_MODELS.items()}
        cuts = [RELEVANCE_CUTOFF]
    else:
        x, y = examples(halves["tune"], cat)
        models = {"use": fit(x, y, [0, 1, 2, 3]), "use-dense": fit(x, y, [0]), "": fit(x, y, [1, 3])}
        cuts = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
    print("intercept and weights (cosine, coverage, best cosine − cosine, best coverage − coverage):")
    for name, model in models.items():
        print(f"  {name or 'coverage only'}: {model}")
    for cut in cuts:
        for half, qs in halves.items():
            print(f"  cut-off {cut}  {half:8s} {json.dumps(report(qs, models, cut, cat))}")
    only = {
        **models,
        "use": models[""],
        "use-dense": models[""],
    }  # coverage alone, as for an encoder not calibrated
    for cut in cuts:
        for half, qs in halves.items():
            print(f"  coverage alone, cut-off {cut}  {half:8s} {json.dumps(report(qs, only, cut, cat))}")


if __name__ == "__main__":
    main()
