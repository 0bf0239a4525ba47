"""Throughput of load + normalize + classify + segment over the bundled corpus (characters/second).

usage: python benchmarks/bench_segment.py [--repeat N] [--pdf]
--pdf also prints a corpus file to PDF and times the PDF path (pypdfium2 text + layout repair).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetscope.pipeline.document import read_document  # noqa: E402


def run(paths: list[Path], repeat: int) -> tuple[int, float, int]:
    chars = records = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for p in paths:
            doc = read_document(p)
            chars += doc.chars
            records += len(doc.records)
    return chars, time.perf_counter() - t0, records


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pdf", action="store_true")
    a = ap.parse_args()
    paths = sorted((ROOT / "corpus").glob("*.txt"))
    run(paths, 1)  # warm-up (imports, regex compilation)
    chars, secs, records = run(paths, a.repeat)
    print(
        f"text: {len(paths)} files x {a.repeat}: {chars:,} chars, {records} records in {secs:.3f}s "
        f"= {chars / secs:,.0f} chars/s"
    )
    if a.pdf:
        from tests.conftest import cjk_font, print_pdf

        tmp = Path(tempfile.mkdtemp())
        src = (ROOT / "corpus" / "stcsm-2025-department-budget.txt").read_text(encoding="utf-8")
        pdf = print_pdf(
            src, tmp / "stcsm.pdf", cjk_font(tmp), header="上海市2025年市级部门预算", title_lines=6
        )
        chars, secs, records = run([pdf], a.repeat)
        print(
            f"pdf:  {pdf.stat().st_size // 1024} KiB x {a.repeat}: {chars:,} chars, {records} records in "
            f"{secs:.3f}s = {chars / secs:,.0f} chars/s"
        )


if __name__ == "__main__":
    main()
