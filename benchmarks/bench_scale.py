"""Search at scale, engines side by side: qdrant-client local vs qdrant-edge, the corpus grown to N chunks.

usage: python benchmarks/bench_scale.py [--sizes 100000,1000000] [--engines edge,client]
                                        [--queries 30] [--ef 64,128,256] [--client-max 100000]

The corpus's real chunks are embedded once with USE; copies of them (dense vectors jittered with
N(0, 0.02) and re-normalized, payload years, documents and project ids varied, sparse vectors kept)
fill each index up to N points. Each (engine, size) runs in its own process (so that its peak RSS is
its own) and reports: build time (batched upserts, then qdrant-edge's HNSW build), open time (a
fresh index object: lock, load, first count), hybrid `search()` p50/p95 as a user gets it (query
encoding, both lists, fusion, ranking) with and without a year filter in a warm process (its
dictionaries read, see :func:`warm_up`), disk size, peak RSS, and
recall@10 of the dense search against exact numpy search on the real queries, at each ``--ef``
(``hnsw_ef``) with its dense p95, and of the first 10 of the 300-candidate dense list that ``search()``
itself asks for (at the default ef: the engine keeps as many candidates as it is asked to return). qdrant-client local runs only up to ``--client-max`` chunks (it
scores every point in Python). Prints one Markdown table.

``--keep DIR`` keeps the embedded inputs and each built index under DIR and reuses them on the next
run (a 1,000,000-chunk HNSW build takes most of an hour on 2 cores): the query side can then be
re-measured without rebuilding; the build time and peak RSS reported are the build's, recorded in
``DIR/<engine>-<size>/built.json``. Delete the folder when the index format changes.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
JITTER = 0.02
SEARCH_LIST = 300
"""Candidates each list of ``search()`` asks for at top_k 10 (a 30-project pool, ten chunks a project)."""
YEARS = 17


def du(path: Path) -> int:
    """Bytes actually allocated on disk under ``path`` (sparse files count what they use)."""
    return sum(f.stat().st_blocks * 512 for f in path.rglob("*") if f.is_file())


def copy_dense(base: np.ndarray, copy: int) -> np.ndarray:
    """The dense vectors of synthetic copy ``copy`` (copy 0: the real ones), reproducible."""
    if copy == 0:
        return base
    v = base + np.random.default_rng(copy).normal(0, JITTER, base.shape).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def prepare(folder: Path, n_queries: int) -> None:
    """Embed the corpus's chunks and the real queries once, for every worker."""
    from bench_search import QUERY_SETS, corpus_records

    from budgetscope.index.encoders import get_encoder
    from budgetscope.vector.base import NO_TERMS
    from budgetscope.vector.points import points_of_records
    from budgetscope.vector.sparse import sparse_vector

    enc = get_encoder("use")
    chunks = points_of_records(corpus_records(), enc.name)
    dense = np.asarray(enc.encode_documents([c.text for c in chunks]), dtype=np.float32)
    queries = [json.loads(x) for p in QUERY_SETS.values() for x in p.read_text().splitlines() if x.strip()]
    queries = [q for q in queries if q["type"] == "search"][:n_queries]
    qdense = np.asarray(enc.encode_queries([q["query"] for q in queries]), dtype=np.float32)
    np.save(folder / "dense.npy", dense)
    np.save(folder / "queries.npy", qdense)
    with (folder / "chunks.pkl").open("wb") as f:
        points = [(c.id, c.payload, sparse_vector(c.text) if c.lexical else NO_TERMS) for c in chunks]
        pickle.dump((points, queries), f)


def synthetic(folder: Path, size: int, batch: int) -> Any:
    """Batches of points (id, dense, sparse, payload) up to ``size``, copy by copy."""
    from budgetscope.vector.base import Point

    dense = np.load(folder / "dense.npy")
    with (folder / "chunks.pkl").open("rb") as f:
        chunks, _ = pickle.load(f)
    written, copy, out = 0, 0, []
    while written < size:
        vectors = copy_dense(dense, copy)
        for (cid, payload, sparse), v in zip(chunks, vectors, strict=True):
            if written >= size:
                break
            if copy:
                payload = {
                    **payload,
                    "doc": f"synthetic-{copy:04d}-{payload['doc']}",
                    "year": 2010 + copy % YEARS,
                    "project_id": f"{payload['project_id']}-{copy}",
                }
                cid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{cid}/{copy}"))
            out.append(Point(cid, v.tolist(), sparse, payload))
            written += 1
            if len(out) >= batch:
                yield out
                out = []
        copy += 1
    if out:
        yield out


def exact_top10(folder: Path, size: int) -> list[set[str]]:
    """The exact dense top-10 point ids of each query over the whole synthetic index (numpy, streamed)."""
    dense = np.load(folder / "dense.npy")
    qdense = np.load(folder / "queries.npy")
    with (folder / "chunks.pkl").open("rb") as f:
        chunks, _ = pickle.load(f)
    ids0 = [c[0] for c in chunks]
    best: list[list[tuple[float, str]]] = [[] for _ in range(len(qdense))]
    written, copy = 0, 0
    while written < size:
        n = min(len(ids0), size - written)
        scores = copy_dense(dense, copy)[:n] @ qdense.T
        ids = (
            ids0[:n] if copy == 0 else [str(uuid.uuid5(uuid.NAMESPACE_URL, f"{c}/{copy}")) for c in ids0[:n]]
        )
        for qi in range(len(qdense)):
            top = np.argpartition(-scores[:, qi], min(10, n - 1))[:10]
            best[qi] = sorted(best[qi] + [(float(scores[j, qi]), ids[j]) for j in top], reverse=True)[:10]
        written += n
        copy += 1
    return [{i for _, i in b} for b in best]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered)) - 1))]


def warm_up(index: Any, texts: list[str]) -> None:
    """Make the process warm as a running ``serve`` is: the encoder's and jieba's dictionaries read in
    full (they are read lazily, by first character, and in full after 64 of them: a one-off of ~2 s
    each that would otherwise land in whichever measured query crosses that line), by encoding and
    tokenizing some corpus chunks (never the measured queries), then one search."""
    from budgetscope.index.search import search
    from budgetscope.vector.sparse import tokenize

    index.encoder.encode_queries(texts)
    for text in texts:
        tokenize(text)
    search(index, "warm-up", top_k=10)


def rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def build(new: Any, folder: Path, size: int, batch: int, status: Any) -> dict[str, Any]:
    """Write ``size`` synthetic points in batches, then build the HNSW graph; the time and peak RSS."""
    from budgetscope.vector.client import ClientIndex

    t0 = time.perf_counter()
    with new() as index:
        index.create()
        if isinstance(index, ClientIndex):  # its per-point commits, unsynced: not I/O bound (a lower bound)
            index.client._client.collections[index.collection].storage.storage.execute(
                "PRAGMA synchronous=OFF"
            )  # type: ignore[attr-defined]
        written = 0
        for points in synthetic(folder, size, batch):
            index._write(points)
            written += len(points)
            if written % 100_000 < batch:
                status(f"{written:,} points written ({time.perf_counter() - t0:.0f} s)")
        index.finish(status)
    return {"build_s": round(time.perf_counter() - t0, 1), "rss_mib": rss_mib()}


def worker(
    engine: str, size: int, folder: Path, efs: list[int], batch: int, keep: Path | None = None
) -> dict[str, Any]:
    from budgetscope.index.encoders import get_encoder
    from budgetscope.index.search import search
    from budgetscope.vector.base import VectorIndex
    from budgetscope.vector.client import ClientIndex
    from budgetscope.vector.edge import EdgeIndex
    from budgetscope.vector.query import Ask, Query

    enc = get_encoder("use")
    tmp = keep / f"{engine}-{size}" if keep else Path(tempfile.mkdtemp(prefix=f"bs-scale-{engine}-"))
    tmp.mkdir(parents=True, exist_ok=True)
    where = tmp / ("vectors" if engine == "edge" else "qdrant")
    built = tmp / "built.json"

    def new() -> VectorIndex:
        return EdgeIndex(where, encoder=enc) if engine == "edge" else ClientIndex(path=where, encoder=enc)

    def status(message: str) -> None:
        print(f"  {engine} {size:,}: {message}", file=sys.stderr, flush=True)

    try:
        if built.exists():
            made = json.loads(built.read_text())
            status(f"reusing the index built in {made['build_s']} s ({where})")
        else:
            shutil.rmtree(where, ignore_errors=True)
            made = build(new, folder, size, batch, status)
            if keep:
                built.write_text(json.dumps(made))
        t0 = time.perf_counter()
        index = new().open()
        count = index.count()
        opened = time.perf_counter() - t0
        with (folder / "chunks.pkl").open("rb") as f:
            chunks, queries = pickle.load(f)
        warm_up(index, [c[1]["text"] for c in chunks[:: max(1, len(chunks) // 50)]])
        latency: dict[str, list[float]] = {}
        for label, extra in (("all", {}), ("year", {"year": 2026})):
            lat = []
            for q in queries:
                t = time.perf_counter()
                search(index, q["query"], filters={**(q.get("filters") or {}), **extra}, top_k=10)
                lat.append(1000 * (time.perf_counter() - t))
            latency[label] = lat
        exact = exact_top10(folder, size)
        qdense = np.load(folder / "queries.npy")
        recall = {}
        default_ef = index.hnsw_ef
        # each --ef asking 10 points; then search()'s own dense list: SEARCH_LIST points at the default
        # ef (the engine keeps at least as many candidates as it is asked for), its first 10 scored
        runs = [(str(ef), ef, 10) for ef in (efs if engine == "edge" else efs[:1])]
        for key, ef, limit in [
            *runs,
            (f"search list ({SEARCH_LIST} at {default_ef})", default_ef, SEARCH_LIST),
        ]:
            index.hnsw_ef = ef
            found, lat = [], []
            for v in qdense:
                t = time.perf_counter()
                [points] = index._query(Ask([Query("dense", v.tolist())], [], limit, []))  # ids only
                lat.append(1000 * (time.perf_counter() - t))
                found.append({index.point_str(p.id) for p in points[:10]})
            hit = sum(len(f & e) for f, e in zip(found, exact, strict=True)) / (10 * len(exact))
            recall[key] = {"recall": round(hit, 3), "dense_p95_ms": round(percentile(lat, 0.95), 1)}
        index.close()
        return {
            "engine": engine, "size": size, "points": count, "build_s": made["build_s"], "open_s": round(opened, 2),
            "hybrid_ms": {k: [round(percentile(v, 0.5)), round(percentile(v, 0.95))] for k, v in latency.items()},
            "queries": len(queries), "disk_mib": round(du(where) / 2**20),
            "rss_mib": max(made["rss_mib"], rss_mib()), "recall": recall,
        }  # fmt: skip
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--engines", default="edge,client")
    ap.add_argument("--queries", type=int, default=30, help="real queries per measurement")
    ap.add_argument("--ef", default="64,128,256", help="hnsw_ef values whose dense recall@10 is measured")
    ap.add_argument(
        "--client-max", type=int, default=100_000, help="largest size qdrant-client local runs at"
    )
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--keep", type=Path, help="keep inputs and built indexes here and reuse them")
    ap.add_argument("--worker", nargs=3, metavar=("ENGINE", "SIZE", "DATA"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    efs = [int(x) for x in a.ef.split(",")]
    if a.worker:
        engine, size, data = a.worker
        print(json.dumps(worker(engine, int(size), Path(data), efs, a.batch, a.keep)))
        return
    data = a.keep / "data" if a.keep else Path(tempfile.mkdtemp(prefix="bs-scale-data-"))
    try:
        if not (data / "chunks.pkl").exists():
            data.mkdir(parents=True, exist_ok=True)
            prepare(data, a.queries)
        rows = []
        for size in (int(s) for s in a.sizes.split(",")):
            for engine in a.engines.split(","):
                if engine == "client" and size > a.client_max:
                    continue
                print(f"{engine} at {size:,} chunks…", file=sys.stderr, flush=True)
                cmd = [sys.executable, __file__, "--worker", engine, str(size), str(data), "--ef", a.ef,
                       "--batch", str(a.batch), *(["--keep", str(a.keep)] if a.keep else [])]  # fmt: skip
                out = subprocess.run(cmd, capture_output=False, stdout=subprocess.PIPE, text=True, check=True)
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(data, ignore_errors=True)
    names = {"edge": "qdrant-edge", "client": "qdrant-client local"}
    print("| chunks | engine | build (incl. HNSW) | open | hybrid p50 / p95, no filter | with a year filter | "
          "disk | peak RSS | dense recall@10 vs exact (hnsw_ef: recall, dense p95) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        recall = "; ".join(f"{ef}: {v['recall']}, {v['dense_p95_ms']} ms" for ef, v in r["recall"].items())
        if r["engine"] == "client":
            recall = f"exact search: {next(iter(r['recall'].values()))['recall']}"
        h, y = r["hybrid_ms"]["all"], r["hybrid_ms"]["year"]
        print(f"| {r['points']:,} | {names[r['engine']]} | {r['build_s']:.0f} s | {r['open_s']:.2f} s | "
              f"{h[0]} / {h[1]} ms | {y[0]} / {y[1]} ms | {r['disk_mib']} MiB | {r['rss_mib']} MiB | {recall} |")  # fmt: skip
    print(
        f"({rows[0]['queries'] if rows else 0} real queries per measurement; `search()` as a user gets it.)"
    )


if __name__ == "__main__":
    main()
