"""Where `budgetscope ingest` spends its time: store ingest, then indexing, by phase.

usage: python benchmarks/bench_ingest.py [--copies N] [--encoder use] [--workers W]

The bundled corpus is copied N times under distinct file names (N x 5 documents, as
benchmarks/bench_store.py does) and ingested and indexed into a fresh data home the way
`budgetscope ingest --force` does it (:func:`budgetscope.api.indexing.ingest_and_index`; ``force``
so that the copies are stored, not refused as duplicates of the first). Timers are
wrapped around the calls of each phase (behaviour unchanged); each phase's time is its own,
without the phases called inside it, so the rows add up to the total. Figures go to stdout,
with the machine's load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import corpus_copies  # noqa: E402

import budgetscope.api.indexing as indexing  # noqa: E402
import budgetscope.index.encoders as encoders  # noqa: E402
import budgetscope.index.ingest as ingest_mod  # noqa: E402
import budgetscope.store.index_state as index_state  # noqa: E402
import budgetscope.store.sqlite as sqlite_store  # noqa: E402
import budgetscope.vector.base as base  # noqa: E402
import budgetscope.vector.edge as edge  # noqa: E402
import budgetscope.vector.sync as sync  # noqa: E402

SECONDS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
_stack: list[float] = []  # time spent in inner timed calls, per open timed call


def timed(owner: Any, attr: str, phase: str) -> None:
    """Wrap ``owner.attr`` so that its own time (inner timed calls excluded) adds to ``phase``."""
    original = getattr(owner, attr)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _stack.append(0.0)
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent = time.perf_counter() - t0
            inner = _stack.pop()
            SECONDS[phase] += spent - inner
            CALLS[phase] += 1
            if _stack:
                _stack[-1] += spent

    setattr(owner, attr, wrapper)


PHASES = [
    (ingest_mod, "ingest", "reading + extraction (ingest, pipeline workers)"),
    (sqlite_store.SQLiteStore, "write_documents", "store: writing documents"),
    (ingest_mod, "relink", "store: relinking"),
    (sqlite_store.SQLiteStore, "write_links", "store: relinking"),
    (sync, "_snapshot", "store: reading documents back"),
    (index_state, "done", "store: pending marks"),
    (indexing, "update_index", "index: open, encoder check, rest"),
    (sync, "points_of_records", "chunking"),
    (encoders.UseEncoder, "encode_documents", "embedding (encoder)"),
    (encoders.HashEncoder, "encode_documents", "embedding (encoder)"),
    (base, "sparse_vector", "BM25 terms"),
    (base.VectorIndex, "upsert", "points (tolist, Point)"),
    (edge.EdgeIndex, "_write", "engine upserts"),
    (edge.EdgeIndex, "delete_doc", "engine deletes"),
    (edge.EdgeIndex, "set_cites", "engine cites refresh"),
    (edge.EdgeIndex, "docs", "engine: docs / open / create"),
    (edge.EdgeIndex, "_connect", "engine: docs / open / create"),
    (edge.EdgeIndex, "_create", "engine: docs / open / create"),
    (edge.EdgeIndex, "finish", "HNSW build (optimize)"),
    (edge.EdgeIndex, "_disconnect", "engine flush + close"),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--encoder", default="use")
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        n = corpus_copies(src, a.copies)
        indexing.shared_encoder(a.encoder).encode_documents(["预热"])  # model load is not ingest
        base.sparse_vector("预热")  # jieba's dictionary load is not ingest either
        ingest_mod.ingest([ROOT / "corpus"], Path(tmp) / "warm", workers=1)  # imports, regexes
        for owner, attr, phase in PHASES:
            timed(owner, attr, phase)
        load = os.getloadavg()
        t0 = time.perf_counter()
        summary, points = indexing.ingest_and_index(
            [src], Path(tmp) / "home", encoder=a.encoder, workers=a.workers, force=True
        )
        total = time.perf_counter() - t0
        load_after = os.getloadavg()
    print(f"ingest + index: {n} documents, {summary.projects} projects, {points} chunks, encoder {a.encoder}: "
          f"{total:.1f} s ({points / total:.0f} chunks/s)")  # fmt: skip
    print(f"load average (1/5/15 min) before {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, "
          f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}; {os.cpu_count()} cores")  # fmt: skip
    print("| phase | seconds | % of total | calls |\n|---|---:|---:|---:|")
    for phase, secs in sorted(SECONDS.items(), key=lambda kv: -kv[1]):
        print(f"| {phase} | {secs:.1f} | {100 * secs / total:.1f} | {CALLS[phase]} |")
    rest = total - sum(SECONDS.values())
    print(f"| outside the timers | {rest:.1f} | {100 * rest / total:.1f} | |")


if __name__ == "__main__":
    main()
