"""Search quality and latency: BM25 alone, each encoder alone, and the hybrid, on two query sets.

usage: python benchmarks/bench_search.py [--encoders use,e5] [--weights 1,1]
Indexes every record of the bundled corpus (as `budgetscope extract` gives them) in an
in-memory Qdrant per encoder, runs ../shared/eval/dev/queries.jsonl and benchmarks/queries.jsonl
(our own: lexical, paraphrase, crosslingual, filters) and scores them with
../shared/eval/score_search.py. Prints one Markdown row per configuration.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from budgetscope.models import Record

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCORER = ROOT.parent / "shared" / "eval" / "score_search.py"
QUERY_SETS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev" / "queries.jsonl",
    "ours": ROOT / "benchmarks" / "queries.jsonl",
}


def corpus_records() -> list[Record]:
    from budgetscope.pipeline.document import read_document
    from budgetscope.pipeline.extract import extract_documents

    docs = extract_documents([read_document(p) for p in sorted((ROOT / "corpus").glob("*.txt"))])
    return [r for d in docs for r in d.records]


def run_queries(
    index: Any, queries: list[dict[str, Any]], mode: str, weights: tuple[float, float]
) -> tuple[list[dict[str, Any]], list[float]]:
    from budgetscope.index.search import search

    out, latencies = [], []
    for q in queries:
        if q["type"] != "search":
            continue
        t0 = time.perf_counter()
        hits = search(index, q["query"], filters=q.get("filters") or {}, top_k=10, mode=mode, weights=weights)  # type: ignore[arg-type]
        latencies.append(time.perf_counter() - t0)
        out.append(
            {"query": q["query"], "hits": [h.model_dump(mode="json", exclude_unset=True) for h in hits]}
        )
    return out, latencies


def score(results: list[dict[str, Any]], queries: Path) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for r in results:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    out = subprocess.run(
        [sys.executable, str(SCORER), "--search", f.name, "--queries", str(queries), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["search"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoders", default="use,e5")
    ap.add_argument("--weights", default="1,1")
    ap.add_argument("--worst", action="store_true", help="print the worst queries of each configuration")
    a = ap.parse_args()
    weights = tuple(float(x) for x in a.weights.split(","))
    import tempfile

    from budgetscope.index.encoders import get_encoder
    from budgetscope.vector.edge import EdgeIndex
    from budgetscope.vector.points import points_of_records

    records = corpus_records()
    sets = {
        name: [json.loads(x) for x in p.read_text().splitlines() if x.strip()]
        for name, p in QUERY_SETS.items()
    }
    print("| encoder | mode | set | nDCG@10 | recall@10 | MRR | by group | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for spec in a.encoders.split(","):
        enc = get_encoder(spec)
        t0 = time.perf_counter()
        with EdgeIndex(Path(tempfile.mkdtemp(prefix="bs-search-")) / "vectors", encoder=enc) as index:
            n = index.upsert(points_of_records(records, enc.name))
            index.finish()
            build = time.perf_counter() - t0
            for mode in ("sparse", "dense", "hybrid"):
                if mode == "sparse" and spec != a.encoders.split(",")[0]:
                    continue
                for name, queries in sets.items():
                    results, lat = run_queries(index, queries, mode, weights)  # type: ignore[arg-type]
                    s = score(results, QUERY_SETS[name])
                    lat.sort()
                    groups = " ".join(f"{g}={v}" for g, v in s["by_group"].items())
                    label = "—" if mode == "sparse" else spec
                    print(
                        f"| {label} | {mode} | {name} | {s['ndcg@10']} | {s['recall@10']} | {s['mrr']} | {groups} | "
                        f"{1000 * lat[len(lat) // 2]:.0f} | {1000 * lat[int(len(lat) * 0.95) - 1]:.0f} |"
                    )
                    if a.worst:
                        for w in s["worst"][:3]:
                            print(f"|  |  | worst | {w['ndcg']} | {w['recall']} |  | {w['query']} |  |  |")
        print(f"\n{spec}: {n} chunks indexed in {build:.1f}s (model load + encoding)\n", file=sys.stderr)


if __name__ == "__main__":
    main()
