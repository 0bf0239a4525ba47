"""Latency of `budgetscope serve` through HTTP on the bundled corpus.

usage: python benchmarks/bench_serve.py [--home DIR] [--rounds 2] [--threads 4]
Without --home, ingests the bundled corpus into a temporary home first (not timed). Starts
`budgetscope serve` as a child process on a free port and measures:
- time to first answer: from starting the process to the first answered search (encoder loaded,
  index opened);
- warm queries: every search query of benchmarks/queries.jsonl through /api/search, one at a
  time (p50, p95), then the same from several threads at once (p50, p95, queries per second).
Prints Markdown rows.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def queries() -> list[tuple[str, dict[str, object]]]:
    out = []
    for line in (ROOT / "benchmarks" / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q.get("type") == "search":
            out.append((q["query"], q.get("filters") or {}))
    return out


def ask(base: str, query: str, filters: dict[str, object]) -> float:
    t0 = time.perf_counter()
    with urlopen(f"{base}/api/search?{urlencode({'q': query, **filters})}", timeout=300) as r:
        json.loads(r.read())
    return time.perf_counter() - t0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    home = args.home
    if home is None:
        import budgetscope

        home = Path(tempfile.mkdtemp(prefix="bench-serve-"))
        print(f"ingesting the corpus into {home} …", file=sys.stderr)
        with budgetscope.open(home) as bs:
            bs.ingest()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-c", "from budgetscope.search_cli.app import main; main()", "serve",
           "--home", str(home), "--port", str(port)]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                ask(base, "科技馆大修", {})
                break
            except (URLError, ConnectionError):
                if proc.poll() is not None:
                    raise SystemExit("serve exited before answering") from None
                time.sleep(0.1)
        first = time.perf_counter() - t0
        qs = queries() * args.rounds
        alone = [ask(base, q, f) for q, f in qs]
        t1 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            together = list(pool.map(lambda qf: ask(base, *qf), qs))
        wall = time.perf_counter() - t1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print("| measure | value |")
    print("|---|---|")
    print(f"| time to first answer after `serve` starts | {first:.1f} s |")
    print(f"| warm query, one at a time ({len(alone)} queries): p50 / p95 | "
          f"{statistics.median(alone) * 1000:.0f} / {pct(alone, 0.95) * 1000:.0f} ms |")  # fmt: skip
    print(f"| warm query, {args.threads} threads at once: p50 / p95 | "
          f"{statistics.median(together) * 1000:.0f} / {pct(together, 0.95) * 1000:.0f} ms "
          f"({len(together) / wall:.1f} queries/s) |")  # fmt: skip


if __name__ == "__main__":
    main()
