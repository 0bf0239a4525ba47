"""Search latency at scale: the corpus grown synthetically to N chunks in embedded Qdrant (on disk).

usage: python benchmarks/bench_scale.py [--chunks 100000] [--queries 40]
The corpus's real chunks are embedded once with USE; copies of them (dense vectors jittered and
re-normalized, payload years and documents varied, sparse vectors kept) fill the collection up to
--chunks points. Then the development and our own queries run in hybrid mode with and without a
year filter. Prints p50/p95 latency per query, the index size on disk and the peak memory (RSS).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=2000)
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    from bench_search import QUERY_SETS, corpus_records
    from budgetscope.index.sparse import sparse_vector
    from budgetscope.index.vectors import DENSE, LEXICAL, VectorIndex
    from qdrant_client import models

    from budgetscope.index.encoders import get_encoder
    from budgetscope.index.search import points_of_records, search

    enc = get_encoder("use")
    chunks = points_of_records(corpus_records(), enc.name)
    dense = enc.encode_documents([c.text for c in chunks])
    sparse = [sparse_vector(c.text) for c in chunks]
    tmp = Path(tempfile.mkdtemp(prefix="bs-scale-"))
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    with VectorIndex(path=tmp / "qdrant", encoder=enc) as index:
        written = 0
        copy = 0
        while written < a.chunks:
            points = []
            for i, c in enumerate(chunks):
                if written + len(points) >= a.chunks:
                    break
                v = (
                    dense[i]
                    if copy == 0
                    else dense[i] + rng.normal(0, 0.02, dense.shape[1]).astype(np.float32)
                )
                v = v / np.linalg.norm(v)
                payload = dict(c.payload)
                if copy:
                    payload.update(
                        doc=f"synthetic-{copy:04d}-{payload['doc']}",
                        year=2010 + copy % 17,
                        project_id=f"{payload['project_id']}-{copy}",
                    )
                pid = c.id if copy == 0 else str(uuid.uuid5(uuid.NAMESPACE_URL, f"{c.id}/{copy}"))
                points.append(
                    models.PointStruct(
                        id=pid,
                        vector={
                            DENSE: v.tolist(),
                            LEXICAL: models.SparseVector(indices=sparse[i].indices, values=sparse[i].values),
                        },
                        payload=payload,
                    )
                )
                if len(points) >= a.batch:
                    index.client.upsert(index.collection, points=points, wait=True)
                    written += len(points)
                    points = []
            if points:
                index.client.upsert(index.collection, points=points, wait=True)
                written += len(points)
            copy += 1
        build = time.perf_counter() - t0
        queries = [
            json.loads(x) for p in QUERY_SETS.values() for x in p.read_text().splitlines() if x.strip()
        ]
        queries = [q for q in queries if q["type"] == "search"]
        search(index, "warm-up", top_k=10)
        for label, extra in (("no filter", {}), ("year=2026", {"year": 2026})):
            lat = []
            for q in queries:
                t = time.perf_counter()
                search(index, q["query"], filters={**(q.get("filters") or {}), **extra}, top_k=10)
                lat.append(time.perf_counter() - t)
            lat.sort()
            print(
                f"{written:,} chunks, hybrid, {label}: p50 {1000 * lat[len(lat) // 2]:.0f} ms, "
                f"p95 {1000 * lat[int(len(lat) * 0.95) - 1]:.0f} ms over {len(lat)} queries"
            )
    size = du(tmp / "qdrant")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"build {build:.0f} s; index on disk {size / 2**20:.0f} MiB; peak RSS {peak:.0f} MiB")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
