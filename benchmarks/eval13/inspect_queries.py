"""Per-query nDCG@10 of search on one half of eval13, in this process, with the top hits and where
each judged project ranks in the uncut candidate pool (to see why a query fails before tuning).

usage: python benchmarks/eval13/inspect_queries.py --home DIR [--split tune] [--group G] [--below 0.9] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from eval_search13 import catalog, hit_projects, ndcg, project_of  # noqa: E402

from budgetscope.api.answers import search_answer  # noqa: E402
from budgetscope.api.indexing import vector_index  # noqa: E402
from budgetscope.store.sqlite import open_store  # noqa: E402


def ranked_of(hits: list[dict[str, Any]], gains: dict[str, int], cat: dict) -> list[str]:
    out: list[str] = []
    for h in hits:
        pids = hit_projects(h, cat)
        pid = next((p for p in pids if p in gains), pids[0])
        if pid not in out:
            out.append(pid)
    return out


def run(home: Path, queries: list[dict[str, Any]], top_k: int = 10) -> list[list[dict[str, Any]]]:
    batch = [{"query": q["query"], "filters": q["filters"]} for q in queries]
    request = {"batch": batch, "base": {}, "top_k": top_k, "mode": "hybrid"}
    with open_store(home) as store, vector_index(home, read_only=True) as index:
        return [r["hits"] for r in search_answer(home, store, index, request)["results"]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--split", default="tune", choices=("tune", "heldout", "all"))
    ap.add_argument("--group")
    ap.add_argument("--below", type=float, default=0.9)
    ap.add_argument("--quiet", action="store_true", help="only the per-group figures")
    a = ap.parse_args()
    cat = catalog()
    queries = [json.loads(x) for x in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [q for q in queries if (a.split == "all" or q["split"] == a.split) and "judged" in q
               and (not a.group or q["group"] == a.group)]  # fmt: skip
    results = run(Path(a.home), queries)
    by_group: dict[str, list[float]] = defaultdict(list)
    for q, hits in zip(queries, results, strict=True):
        gains: dict[str, int] = {}
        for grade, doc, name in q["judged"]:
            pid = project_of(doc, name, cat)
            gains[pid] = max(gains.get(pid, 0), grade)
        score = ndcg(ranked_of(hits, gains, cat), gains)
        by_group[q["group"]].append(score)
        if a.quiet or score >= a.below:
            continue
        print(f"\n[{q['group']}] {q['query']} {q['filters'] or ''} ndcg={score:.3f}")
        for i, h in enumerate(hits[:6]):
            pid = next((p for p in hit_projects(h, cat) if p in gains), "")
            mark = f"*{gains[pid]}" if pid else "  "
            print(
                f"  {i + 1}{mark} {h['name'][:30]:32} d={h.get('dense')} l={h.get('lexical')} "
                f"c={h.get('coverage')} s={h['score']} {'weak' if h.get('weak') else ''} {Path(str(h['doc'])).name[:20]}"
            )
        got = set(ranked_of(hits, gains, cat))
        for pid, g in gains.items():
            if pid not in got:
                print(f"   missing g{g}: {pid}")
    allv = [v for vs in by_group.values() for v in vs]
    print(a.split, "all", round(sum(allv) / len(allv), 4),
          " ".join(f"{g}={sum(v) / len(v):.4f}" for g, v in sorted(by_group.items())))  # fmt: skip


if __name__ == "__main__":
    main()
