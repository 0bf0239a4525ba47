"""Score search and cites on the issue-13 evaluation set (benchmarks/eval13), end to end through the CLI.

Runs `budgetscope search --queries … --format jsonl` once and `budgetscope cites QUERY --format json`
per cites question over an ingested home (ingest once: `BUDGETSCOPE_HOME=DIR budgetscope ingest`),
then reports nDCG@10 per group and half (tune / heldout), cites precision and recall, whether
ambiguous short names list their candidates, and how the relevance cut-off behaves (queries with
nothing relevant in the corpus answered "no close match"; relevant first hits not marked weak).

A hit names a project by any of its sources (``sources``, else the hit's own doc and name); a
narrative and the form of the same project are one project (eval13/projects.jsonl), counted once.

The home holds the bundled corpus's documents and the other cities' PDFs
(``../shared/corpus-national``); ``--ingest`` builds it when it holds no store yet (once; reuse
it with ``--home``). The excerpts under corpus/excerpts are left out: they repeat pages of those PDFs.

usage: python benchmarks/eval_search13.py --home DIR [--ingest] [--split tune|heldout|all] [--dev] [--json] [--pooled] [--queries FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks" / "eval13"
NATIONAL = ROOT.parent / "shared" / "corpus-national"
K = 10


def ingest(home: str) -> None:
    """Ingest the bundled corpus's documents and the other cities' PDFs into ``home`` (unless it has a store)."""
    if (Path(home) / "budgetscope.sqlite").is_file():
        return
    docs = sorted(str(p) for p in (ROOT / "corpus").glob("*.txt"))
    print(f"ingesting {len(docs)} bundled documents and {NATIONAL} into {home} …", file=sys.stderr)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "from budgetscope.search_cli.app import main; main()"
    args = [sys.executable, "-c", code, "ingest", *docs, str(NATIONAL), "--home", home, "--quiet"]
    subprocess.run(args, check=True, env=env)


def cli(*args: str, stderr: bool = False) -> str:
    """Run the budgetscope CLI of this checkout (stdout, and stderr if asked), this checkout first on the path.

    A failing command counts as an empty answer (cites of an unknown title exits 1 with a message).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "from budgetscope.search_cli.app import main; main()"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    return done.stdout + (done.stderr if stderr else "")


def catalog() -> dict[tuple[str, str], str]:
    """(doc, name) of every source of a multi-source project -> the project's id."""
    out = {}
    for line in (HERE / "projects.jsonl").read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        for doc, name in p["sources"]:
            out[(doc, name)] = p["id"]
    return out


def project_of(doc: str, name: str, cat: dict[tuple[str, str], str]) -> str:
    return cat.get((Path(doc).name, name), f"{Path(doc).name}|{name}")


def hit_projects(hit: dict[str, Any], cat: dict[tuple[str, str], str]) -> list[str]:
    sources = hit.get("sources") or [hit]
    return [project_of(str(s.get("doc")), str(s.get("name")), cat) for s in sources]


def ndcg(ranked: list[str], gains: dict[str, int], k: int = K) -> float:
    dcg = sum(gains.get(r, 0) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mean(xs: list[float]) -> float:
    return round(sum(xs) / len(xs), 4) if xs else float("nan")


def score(home: str, queries: list[dict[str, Any]], dump: str | None = None) -> dict[str, Any]:
    cat = catalog()
    searched = [q for q in queries if q["group"] not in ("cites", "cites_ambiguous")]
    with tempfile.TemporaryDirectory() as tmp:
        qfile = Path(tmp) / "q.jsonl"
        lines_in = [
            json.dumps({"query": q["query"], "filters": q["filters"]}, ensure_ascii=False) for q in searched
        ]
        qfile.write_text("".join(x + "\n" for x in lines_in), encoding="utf-8")
        lines = cli("search", "--queries", str(qfile), "--format", "jsonl", "--home", home).splitlines()
    results = [json.loads(x) for x in lines if x.strip()]
    if dump:  # the raw answers, to calibrate the cut-off on the tuning half
        Path(dump).write_text(json.dumps([{**q, "hits": r["hits"]} for q, r in zip(searched, results, strict=True)],
                                         ensure_ascii=False), encoding="utf-8")  # fmt: skip
    per: list[dict[str, Any]] = []
    for q, res in zip(searched, results, strict=True):
        hits = res.get("hits", [])
        confident = [h for h in hits if not h.get("weak")]
        if q["group"] == "nomatch":
            per.append({**q, "ok": not confident, "shown": len(confident)})
            continue
        gains: dict[str, int] = {}
        for grade, doc, name in q["judged"]:
            pid = project_of(doc, name, cat)
            gains[pid] = max(gains.get(pid, 0), grade)
        ranked: list[str] = []
        for h in hits:
            pids = hit_projects(h, cat)
            pid = next((p for p in pids if p in gains), pids[0])
            if pid not in ranked:
                ranked.append(pid)
        first = next((h for h in hits if any(p in gains for p in hit_projects(h, cat))), None)
        per.append({**q, "ndcg": round(ndcg(ranked, gains), 4), "top": ranked[:3],
                    "relevant_first_confident": bool(first is not None and not first.get("weak"))})  # fmt: skip
    for q in queries:
        if q["group"] == "cites":
            hits = json.loads(cli("cites", q["query"], "--format", "json", "--home", home) or "[]")
            got = {p for h in hits for p in hit_projects(h, cat)[:1]}
            rel = {project_of(doc, name, cat) for doc, name in q["relevant"]}
            per.append({**q, "tp": len(got & rel), "pred": len(got), "gold": len(rel),
                        "missed": sorted(rel - got), "extra": sorted(got - rel)})  # fmt: skip
        elif q["group"] == "cites_ambiguous":
            text = cli("cites", q["query"], "--home", home, stderr=True)
            per.append({**q, "ok": all(c in text for c in q["candidates"]) and "candidates" in text})
    return summarize(per)


def by_corpus(ranked: list[dict[str, Any]], corpus: str) -> float:
    """Mean nDCG of the queries over one corpus (bundled: the Shanghai files; national: other cities)."""
    return mean([r["ndcg"] for r in ranked if r.get("corpus", "bundled") == corpus])


def summarize(per: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for half in ("tune", "heldout", "all"):
        rows = [r for r in per if half == "all" or r["split"] == half]
        ranked = [r for r in rows if "ndcg" in r]
        by_group: dict[str, list[float]] = defaultdict(list)
        for r in ranked:
            by_group[r["group"]].append(r["ndcg"])
        cites = [r for r in rows if r["group"] == "cites"]
        tp, pred, gold = (sum(r[k] for r in cites) for k in ("tp", "pred", "gold"))
        amb = [r for r in rows if r["group"] == "cites_ambiguous"]
        nomatch = [r for r in rows if r["group"] == "nomatch"]
        out[half] = {
            "queries": len(rows),
            f"ndcg@{K}": mean([r["ndcg"] for r in ranked]),
            "by_group": {g: mean(v) for g, v in sorted(by_group.items())},
            "cites_p": round(tp / pred, 4) if pred else None,
            "cites_r": round(tp / gold, 4) if gold else None,
            "ambiguous_listed": f"{sum(r['ok'] for r in amb)}/{len(amb)}",
            "nomatch_answered_no_close_match": f"{sum(r['ok'] for r in nomatch)}/{len(nomatch)}",
            "relevant_first_hit_above_cutoff": mean([float(r["relevant_first_confident"]) for r in ranked]),
            "by_corpus": {c: by_corpus(ranked, c) for c in ("bundled", "national")},
        }
    out["worst"] = [
        {k: r[k] for k in ("split", "group", "query", "ndcg", "top")}
        for r in sorted((r for r in per if "ndcg" in r), key=lambda r: r["ndcg"])[:12]
    ]
    out["cites_errors"] = [
        {k: r[k] for k in ("split", "query", "missed", "extra")} for r in per
        if r["group"] == "cites" and (r["missed"] or r["extra"])
    ]  # fmt: skip
    return out


def dev(home: str) -> str:
    """The development queries (../shared/eval/dev) on the same home, scored by score_search.py."""
    evaldir = ROOT.parent / "shared" / "eval"
    queries = evaldir / "dev" / "queries.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        search = Path(tmp) / "search.jsonl"
        search.write_text(cli("search", "--queries", str(queries), "--format", "jsonl", "--home", home))
        cites = Path(tmp) / "cites"
        cites.mkdir()
        for i, line in enumerate(queries.read_text(encoding="utf-8").splitlines()):
            q = json.loads(line) if line.strip() else {}
            if q.get("type") == "cites":
                (cites / f"{i}.json").write_text(cli("cites", q["query"], "--format", "json", "--home", home))
        args = [sys.executable, str(evaldir / "score_search.py"), "--search", str(search), "--cites",
                str(cites), "--queries", str(queries)]  # fmt: skip
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


def load_queries(path: Path) -> list[dict[str, Any]]:
    """Queries as queries.jsonl holds them, or written in queries.txt's format (a .txt file: ``group |
    query | filters | judgements``, documents by the aliases of build_queries.py), whose queries are all
    scored as "heldout" (nobody tuned on them), as is a JSON query without a split."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        sys.path.insert(0, str(HERE))
        from build_queries import parse

        queries = [{**q, "split": "heldout"} for q in parse(text.splitlines())]
    else:
        queries = [json.loads(x) for x in text.splitlines() if x.strip()]
    for q in queries:
        q.setdefault("split", "heldout")
        q.setdefault("filters", {})
        q.setdefault("corpus", "bundled")
    return queries


def add_pooled(queries: list[dict[str, Any]]) -> None:
    """Add the grades of eval13/pooled.jsonl (a second round, judged blind from the projects' text: see
    eval13/pool_unjudged.py) to the queries' judgments; a no-answer query given a relevant project by
    it is scored by nDCG in a group of its own ("nomatch_pooled")."""
    pooled: dict[str, list[list[Any]]] = {}
    for line in (HERE / "pooled.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            pooled[p["query"] + json.dumps(p["filters"], sort_keys=True)] = p["judged"]
    for q in queries:
        if "judged" not in q:  # cites questions: judged by their own rule
            continue
        extra = [j for j in pooled.get(q["query"] + json.dumps(q["filters"], sort_keys=True), []) if j[0] > 0]
        if extra and q["group"] == "nomatch":
            q["group"] = "nomatch_pooled"
        q["judged"] = [*q["judged"], *extra]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True, help="an ingested BUDGETSCOPE_HOME (the bundled corpus)")
    ap.add_argument("--ingest", action="store_true", help="build the home first if it holds no store")
    ap.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    ap.add_argument("--group", help="only this group")
    ap.add_argument("--dev", action="store_true", help="also score the development queries")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--dump", help="write the queries with their hits to this JSON file")
    ap.add_argument(
        "--queries",
        help="score these queries instead (queries.jsonl's format, or a .txt in queries.txt's): queries "
        "written by others over the same corpus",
    )
    ap.add_argument(
        "--pooled", action="store_true",
        help="add the second, blind round of judgments of the unjudged first-10 hits (eval13/pooled.jsonl)",
    )  # fmt: skip
    a = ap.parse_args()
    if a.ingest:
        ingest(a.home)
    queries = load_queries(Path(a.queries) if a.queries else HERE / "queries.jsonl")
    if a.pooled:
        add_pooled(queries)
    queries = [q for q in queries if (a.split == "all" or q["split"] == a.split)
               and (not a.group or q["group"] == a.group)]  # fmt: skip
    result = score(a.home, queries, a.dump)
    if a.dev:
        result["dev"] = dev(a.home)
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for half in ("tune", "heldout", "all"):
        s = result[half]
        groups = " ".join(f"{g}={v}" for g, v in {**s["by_group"], **s["by_corpus"]}.items())
        print(f"{half:8} n={s['queries']} ndcg@{K}={s[f'ndcg@{K}']} {groups} cites_p={s['cites_p']} "
              f"cites_r={s['cites_r']} ambiguous={s['ambiguous_listed']} "
              f"nomatch={s['nomatch_answered_no_close_match']} "
              f"first_relevant_above_cutoff={s['relevant_first_hit_above_cutoff']}")  # fmt: skip
    for w in result["worst"]:
        print("  worst", json.dumps(w, ensure_ascii=False))
    for c in result["cites_errors"]:
        print("  cites", json.dumps(c, ensure_ascii=False))
    if "dev" in result:
        print("dev", result["dev"])


if __name__ == "__main__":
    main()
