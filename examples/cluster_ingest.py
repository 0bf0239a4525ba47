"""Ingest on a cluster: read the documents on Dask workers (a map step writing JSONL), load into one home.

usage: python examples/cluster_ingest.py --home DIR [--out DIR] [--workers 2] [--no-index] [FILE_OR_FOLDER ...]

Runs on a local cluster of ``--workers`` processes (``dask.distributed.LocalCluster``); give
``--scheduler tcp://HOST:8786`` to use a real one (the workers need budgetscope installed and the
files and ``--out`` on a shared path). Default input: the bundled corpus. Needs the ``cluster``
extra: ``pip install 'budgetscope[cluster]'``.

1. map: each worker reads, segments and extracts its files, and writes one JSONL file per task in
   ``--out`` (``budgetscope.process``: what ``ingest`` makes of a file; on the command line
   ``budgetscope extract FILES --format processed > part.jsonl``);
2. load: this process stores every line into the home's SQLite store (no document is read again),
   links across documents once, and embeds what changed (``budgetscope.open(home).load(files)``; on
   the command line ``budgetscope ingest --from-jsonl OUT``).
Running it again changes nothing (every document is unchanged).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path


def map_files(paths: list[str], out: str) -> int:
    """One task: the JSON lines of ``paths`` into the file ``out``; how many lines."""
    import budgetscope

    lines = [line for line, _ in budgetscope.process(paths, workers=1)]
    Path(out).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="where the map step writes (default: HOME/extracted)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    parser.add_argument(
        "--no-index", action="store_true", help="store only; `budgetscope index` embeds later"
    )
    args = parser.parse_args()

    from dask.distributed import Client, LocalCluster

    import budgetscope
    from budgetscope.paths import bundled_corpus, bundled_documents, expand

    if args.paths:
        files = [str(p.resolve()) for p in expand(args.paths)]
    else:
        corpus = bundled_corpus()
        if corpus is None:
            sys.exit("error: no bundled corpus; give files or folders")
        files = [str(p.resolve()) for p in bundled_documents(corpus)]
    out = (args.out or args.home / "extracted").resolve()
    out.mkdir(parents=True, exist_ok=True)

    with contextlib.ExitStack() as stack:
        address = args.scheduler or stack.enter_context(
            LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR)
        )  # fmt: skip
        client = stack.enter_context(Client(address))
        tasks = [files[i :: args.workers] for i in range(args.workers)]
        futures = client.map(
            map_files, tasks, [str(out / f"part-{i}.jsonl") for i in range(len(tasks))], pure=False
        )
        lines = sum(client.gather(futures))
    print(f"map: {len(files)} files → {lines} lines in {len(tasks)} JSONL files under {out}", file=sys.stderr)

    with budgetscope.open(args.home) as home:
        summary = home.load(sorted(out.glob("part-*.jsonl")), index=not args.no_index)
        lag = [] if args.no_index else home.index_lag()
        indexed = (
            ""
            if args.no_index
            else f"; search index: {'behind by ' + str(len(lag)) if lag else 'up to date'}"
        )
    print(
        f"load: {summary.written} written, {summary.unchanged} unchanged, {len(summary.failed)} failed; "
        f"store: {summary.documents} documents, {summary.projects} projects{indexed}",
        file=sys.stderr,
    )
    for error in summary.failed:
        print(f"error: {error}", file=sys.stderr)
    sys.exit(1 if summary.failed else 0)


if __name__ == "__main__":
    main()
