"""The unjudged projects among each query's first 10 hits, for a second, blind round of judgments.

The queries of benchmarks/eval13 were judged from reading the documents before any result was seen, so
a relevant project the writer did not think of counts as irrelevant. This lists, per search query, the
projects search() returns in its first 10 that the judgments do not name (the pool of the default
engine, as TREC pools), shuffled, with no rank or score: the project's name, department, year and the
text search reads (a narrative's sections, a form's goals and indicators). A judge grades each
2 (relevant), 1 (partly relevant) or 0 against the query alone; the grades go to
benchmarks/eval13/pooled.jsonl, and ``eval_search13.py --pooled`` scores with both rounds.

usage: python benchmarks/eval13/pool_unjudged.py --home DIR --out FILE.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent))

from eval_search13 import catalog, project_of  # noqa: E402


def main() -> None:
    from budgetscope.api.session import Budgetscope
    from budgetscope.index.chunks import _parts
    from budgetscope.index.search import SearchFilters

    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--chars", type=int, default=700, help="characters of each project's text")
    a = ap.parse_args()
    lines = (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(x) for x in lines if x.strip()]
    queries = [q for q in queries if q["group"] not in ("cites", "cites_ambiguous")]
    cat = catalog()
    rng = random.Random(13)
    out = []
    with Budgetscope(home=a.home) as bs:
        departments = {d.department for d in bs.documents() if d.department}
        for q in queries:
            filters = dict(q["filters"])
            if "department" in filters:
                filters["department"] = next(d for d in departments if filters["department"] in d)
            judged = {project_of(doc, name, cat) for _, doc, name in q["judged"]}
            seen, candidates = set(), []
            for h in bs.search(q["query"], SearchFilters(**filters), top_k=10):
                keys = [project_of(s.doc, s.name, cat) for s in (h.sources or [h])]
                if any(k in judged for k in keys) or keys[0] in seen:
                    continue
                seen.add(keys[0])
                record = bs.project(h.id).record
                text = "\n".join(t for _, _, t in _parts(record) if t)
                candidates.append({"doc": h.doc, "name": h.name, "department": h.department, "year": h.year,
                                   "text": text[: a.chars]})  # fmt: skip
            rng.shuffle(candidates)
            if candidates:
                out.append({"query": q["query"], "filters": q["filters"], "candidates": candidates})
    a.out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in out), encoding="utf-8")
    print(
        f"{sum(len(x['candidates']) for x in out)} unjudged projects over {len(out)} queries", file=sys.stderr
    )


if __name__ == "__main__":
    main()
