"""Score the commands a user runs, end to end: ingest the two development files into a fresh home,
`budgetscope search --queries … --format jsonl` and one `budgetscope cites … --format json` per cites
query, then ../shared/eval/score_search.py.

usage: python benchmarks/eval_search_cli.py [--queries FILE] [--corpus-file NAME ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
BIN = Path(sys.executable).parent / "budgetscope"
DEV = ["sast-2026-department-budget.txt", "sast-2026-performance-targets.txt"]


def run(*args: str) -> str:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, check=True).stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", default=str(EVAL / "dev" / "queries.jsonl"))
    ap.add_argument("--corpus-file", nargs="*", default=DEV)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bs-eval-"))
    home = tmp / "home"
    run("ingest", *(str(ROOT / "corpus" / f) for f in a.corpus_file), "--home", str(home), "--quiet")
    (tmp / "search.jsonl").write_text(
        run("search", "--queries", a.queries, "--format", "jsonl", "--home", str(home)), encoding="utf-8"
    )
    cites = tmp / "cites"
    cites.mkdir()
    for i, line in enumerate(Path(a.queries).read_text(encoding="utf-8").splitlines()):
        q = json.loads(line) if line.strip() else {}
        if q.get("type") == "cites":
            (cites / f"{i}.json").write_text(
                run("cites", q["query"], "--format", "json", "--home", str(home))
            )
    score = [sys.executable, str(EVAL / "score_search.py"), "--search", str(tmp / "search.jsonl"),
             "--cites", str(cites), "--queries", a.queries]  # fmt: skip
    print(subprocess.run(score, capture_output=True, text=True, check=True).stdout.strip())


if __name__ == "__main__":
    main()
