"""Throughput of the entity store: ingest (documents/second, no embedding) and export (rows/second).

usage: python benchmarks/bench_store.py [--copies N] [--workers 1 2]

The bundled corpus is copied N times under distinct file names (N x 5 documents), ingested into a
fresh store with each worker count, re-ingested unchanged, relinked, then exported in every format.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetscope.index.ingest import ingest, relink  # noqa: E402
from budgetscope.store.export import ExportFormat, export  # noqa: E402
from budgetscope.store.sqlite import open_store  # noqa: E402


def corpus_copies(folder: Path, copies: int) -> int:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    for i in range(copies):
        for f in files:
            shutil.copy(f, folder / f"c{i:03d}-{f.name}")
    return copies * len(files)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        n = corpus_copies(src, a.copies)
        mb = sum(p.stat().st_size for p in src.iterdir()) / 1e6
        ingest([ROOT / "corpus"], Path(tmp) / "warm", workers=1)  # imports, regex compilation
        home = Path(tmp) / "home-1"
        for workers in a.workers:
            home = Path(tmp) / f"home-{workers}"
            t0 = time.perf_counter()
            s = ingest([src], home, workers=workers, force=True)  # copies: the same text under other names
            assert s.written == n, f"{n - s.written} copies not stored: {s.failed[:1]}"
            secs = time.perf_counter() - t0
            print(f"ingest  workers={workers}: {n} documents ({mb:.1f} MB) in {secs:.2f}s = {n / secs:.1f} docs/s "
                  f"(relink {s.relink_seconds:.2f}s; {s.projects} projects, {s.amounts} amounts, {s.citations} citations)")  # fmt: skip
        t0 = time.perf_counter()
        s = ingest([src], home, workers=1)
        secs = time.perf_counter() - t0
        print(
            f"re-ingest unchanged: {s.unchanged} documents in {secs:.2f}s = {s.unchanged / secs:.0f} docs/s"
        )
        with open_store(home) as store:
            t0 = time.perf_counter()
            links = relink(store)
            store.write_links(links)
            print(f"relink: {len(links.series)} projects, {len(links.policy_documents)} policy documents "
                  f"in {time.perf_counter() - t0:.2f}s")  # fmt: skip
            for fmt in ExportFormat:
                out = Path(tmp) / f"out-{fmt.value}"
                t0 = time.perf_counter()
                result = export(store, [], fmt, out)
                secs = time.perf_counter() - t0
                rows = sum(r for _, _, r in result.files)
                size = sum(p.stat().st_size for _, p, _ in result.files) / 1e6
                print(
                    f"export {fmt.value:7}: {rows} rows ({size:.1f} MB) in {secs:.2f}s = {rows / secs:,.0f} rows/s"
                )


if __name__ == "__main__":
    main()
