"""Cold CLI latency: `budgetscope search` as a new process, alone and with a `serve` up, by phase.

usage: python benchmarks/bench_cli.py [--home DIR] [--runs 5] [--query 科普] [--before DIR]

Without --home, ingests the bundled corpus into a temporary home first (`budgetscope ingest`, not
timed). The cache (USE encoder, jieba dictionary) is a fresh temporary folder: the first search
builds it (reported alone), the next ``--runs`` are the median. Reported, each the median of
``--runs`` new processes (wall time, stdout to /dev/null):
- `--help`, `--version`;
- `search QUERY` alone (``BUDGETSCOPE_NO_SERVE=1``), and by phase inside one process (the same
  calls the command makes, timed one after the other);
- `search QUERY` with `budgetscope serve` up on the home (the query goes to it), and the serve's
  own answer time for it (an HTTP POST from this process);
- with ``--before DIR`` (a checkout of an older version), `search QUERY` run from that source too.
Prints Markdown rows.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "budgetscope.search_cli.app"]

PHASES = r"""
import json, sys, time
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
home, query = sys.argv[1], sys.argv[2]
from pathlib import Path
import budgetscope.search_cli.app, budgetscope.search_cli.search
mark("CLI (typer, rich, the search command)")
from budgetscope.api.indexing import SEARCH_WAIT, encoder_spec, shared_encoder, vector_index
from budgetscope.index.search import search
from budgetscope.store.sqlite import open_store
from budgetscope.api.answers import search_answer
mark("search modules (store, API, models)")
store = open_store(Path(home))
mark("open the store")
index = vector_index(Path(home), read_only=True, wait=SEARCH_WAIT).__enter__()
mark("open the index (engine imported)")
shared_encoder(encoder_spec(Path(home))).encode_queries([query])
mark("encoder: load + first query vector")
try:
    from budgetscope.vector.sparse import tokenize
except ImportError:  # before the vector package
    from budgetscope.vector.sparse import tokenize
tokenize(query)
mark("jieba: dictionary + query terms")
request = {"batch": [{"query": query, "filters": {}}], "base": {}, "cites": None, "top_k": 10, "mode": "hybrid"}
answer = search_answer(Path(home), store, index, request)
mark("search (fusion, store reads, snippets)")
print(json.dumps([[b[0], b[1] - a[1]] for a, b in zip(marks, marks[1:])]))
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}: {done.stderr.strip()[-300:]}")
    return elapsed


def median_of(runs: int, command: list[str], env: dict[str, str]) -> float:
    return statistics.median(timed(command, env) for _ in range(runs))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="科普")
    parser.add_argument("--before", type=Path, help="a checkout of an older version to time too")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETSCOPE_CACHE_DIR": str(tmp / "cache")}
    for key in ("BUDGETSCOPE_QDRANT_URL", "BUDGETSCOPE_ENCODER", "BUDGETSCOPE_NO_SERVE"):
        env.pop(key, None)
    home = args.home or tmp / "home"
    env["BUDGETSCOPE_HOME"] = str(home)
    if args.home is None:
        print(f"ingesting the bundled corpus into {home} (not timed) …", file=sys.stderr)
        subprocess.run([*CLI, "ingest", "--quiet", str(ROOT / "corpus")], env=env, check=False)
    alone = {**env, "BUDGETSCOPE_NO_SERVE": "1"}
    search = [*CLI, "search", args.query]
    rows: list[tuple[str, float]] = []
    rows.append(
        ("`python -c pass` (interpreter start)", median_of(args.runs, [sys.executable, "-c", "pass"], env))
    )
    rows.append(("`budgetscope --help`", median_of(args.runs, [*CLI, "--help"], env)))
    rows.append(("`budgetscope --version`", median_of(args.runs, [*CLI, "--version"], env)))
    rows.append(("`search` alone, first run (builds the cache)", timed(search, alone)))
    rows.append((f"`search` alone, median of {args.runs}", median_of(args.runs, search, alone)))
    phases = json.loads(
        subprocess.run(
            [sys.executable, "-c", PHASES, str(home), args.query], env=alone, capture_output=True, text=True,
            check=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    if args.before:
        before = {**alone, "PYTHONPATH": str(args.before.resolve())}
        rows.append(
            (
                f"`search` alone, {args.before.name} source, median of {args.runs}",
                median_of(args.runs, search, before),
            )
        )

    port = free_port()
    serve = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        advert = home / "serve.json"
        while not advert.exists():
            if serve.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve did not start: {serve.communicate()[1][-300:]}")
            time.sleep(0.2)
        timed(search, env)  # the serve's first forwarded query
        rows.append((f"`search` with `serve` up, median of {args.runs}", median_of(args.runs, search, env)))
        rows.append(
            ("  of which the serve's answer (HTTP POST, median)", serve_answer(advert, args.query, args.runs))
        )
    finally:
        serve.terminate()
        serve.wait(timeout=60)

    print(f"| cold CLI, query {args.query!r} | seconds |")
    print("|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")
    print()
    print("| `search` alone, by phase (one process) | seconds |")
    print("|---|---|")
    for name, seconds in phases:
        print(f"| {name} | {seconds:.2f} |")
    print(f"| total (+ interpreter start) | {sum(s for _, s in phases):.2f} |")


def serve_answer(advert: Path, query: str, runs: int) -> float:
    from urllib.request import Request, urlopen

    info = json.loads(advert.read_text(encoding="utf-8"))
    body = json.dumps({"batch": [{"query": query, "filters": {}}], "base": {}, "cites": None, "top_k": 10,
                       "mode": "hybrid"}).encode()  # fmt: skip
    times = []
    for _ in range(runs):
        request = Request(info["url"] + "api/cli/search", data=body, method="POST",
                          headers={"Content-Type": "application/json", "X-Budgetscope-Token": info["token"]})  # fmt: skip
        t0 = time.perf_counter()
        with urlopen(request, timeout=300) as r:
            r.read()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


if __name__ == "__main__":
    main()
