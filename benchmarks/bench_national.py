"""Speed of `segment` on the national corpus (PDF budgets of many cities) and of its table reader.

usage: python benchmarks/bench_national.py [--dir ../shared/corpus-national] [--geometry] [--commands]

Prints pages/second of read_document in one process (load → normalize → classify → segment, forms
from tables) over every PDF, the share of that time spent in the table reader (pypdfium2 page
geometry, pdfplumber's table finder, cell text), the CPU load while it ran, and the peak resident
memory of a fresh process segmenting the largest document.
--geometry also times, on the form pages, pdfplumber reading its own page objects (pdfminer) against
the pypdfium2 geometry, both through pdfplumber's table finder, and counts the cells that differ.
--commands times `budgetscope segment` then `extract` of every PDF (parallel reading; the read cache
in a fresh folder: segment reads, extract finds what segment read) and `segment --no-cache` again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetscope.pipeline import forms_pdf  # noqa: E402
from budgetscope.pipeline.document import read_document  # noqa: E402
from budgetscope.pipeline.load import load  # noqa: E402


def segment_speed(paths: list[Path]) -> None:
    spent = [0.0, 0]
    original = forms_pdf.page_tables

    def timed(pdf: object, page: int) -> list:
        t = time.perf_counter()
        try:
            return original(pdf, page)
        finally:
            spent[0] += time.perf_counter() - t
            spent[1] += 1

    forms_pdf.page_tables = timed  # type: ignore[assignment]
    pages = records = 0
    t0 = time.perf_counter()
    for p in paths:
        doc = read_document(p)
        pages += doc.pages or 0
        records += len(doc.records)
    total = time.perf_counter() - t0
    forms_pdf.page_tables = original  # type: ignore[assignment]
    print(
        f"segment: {len(paths)} PDFs, {pages} pages, {records} records in {total:.1f} s = "
        f"{pages / total:.1f} pages/s; table reader: {spent[1]} pages, {spent[0]:.1f} s "
        f"({100 * spent[0] / total:.0f}% of the time, {spent[0] / max(spent[1], 1):.2f} s/page); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def peak_memory(path: Path) -> None:
    code = (
        "import resource,sys;sys.path.insert(0,sys.argv[2]);"
        "from budgetscope.pipeline.document import read_document;read_document(sys.argv[1]);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], capture_output=True, text=True)
    kb = int(out.stdout.strip().splitlines()[-1])
    print(f"peak memory segmenting the largest document ({path.name}): {kb / 1024:.0f} MiB (max RSS)")


def geometry(paths: list[Path]) -> None:
    import pdfplumber
    import pypdfium2 as pdfium

    from budgetscope.pipeline.pdf_geometry import find_tables, page_geometry

    t_plumber = t_pdfium = 0.0
    n = cells = differ = 0
    for p in paths:
        pages = forms_pdf.form_pages(load(p).page_texts())
        if not pages:
            continue
        t = time.perf_counter()
        with pdfplumber.open(str(p)) as pdf:
            want = [sorted(c for tb in pdf.pages[i - 1].find_tables() for c in tb.cells) for i in pages]
        t_plumber += time.perf_counter() - t
        t = time.perf_counter()
        doc = pdfium.PdfDocument(str(p))
        got = [sorted(c for tb in find_tables(page_geometry(doc, i)) for c in tb.cells) for i in pages]  # type: ignore[arg-type]
        t_pdfium += time.perf_counter() - t
        n += len(pages)
        for a, b in zip(got, want, strict=True):
            cells += len(b)
            differ += len(a) != len(b) or any(max(map(abs, (x - y for x, y in zip(c, d, strict=True)))) > 0.01
                                              for c, d in zip(a, b, strict=True))  # fmt: skip
    print(
        f"geometry + table finder on {n} form pages: pdfplumber's own objects (pdfminer) {t_plumber:.1f} s, "
        f"pypdfium2 {t_pdfium:.1f} s ({t_plumber / max(t_pdfium, 1e-9):.1f}x); {cells} cells, "
        f"{differ} pages whose cells differ by more than 0.01 pt"
    )


def commands(folder: Path) -> None:
    import tempfile

    files = [str(p) for p in sorted(folder.glob("*.pdf"))]
    cli = [sys.executable, "-m", "budgetscope.search_cli.app"]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BUDGETSCOPE_CACHE_DIR": tempfile.mkdtemp(prefix="bench-cache-"),
    }
    for label, args in (
        ("segment (cold: read cache empty)", ["segment", *files, "--format", "json"]),
        ("extract (after segment: from the read cache)", ["extract", *files, "--format", "jsonl"]),
        ("segment --no-cache", ["segment", *files, "--format", "json", "--no-cache"]),
    ):
        t = time.perf_counter()
        subprocess.run([*cli, *args], env=env, stdout=subprocess.DEVNULL, check=True)
        print(f"{label}: {time.perf_counter() - t:.1f} s (load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=str(ROOT.parent / "shared" / "corpus-national"))
    ap.add_argument("--geometry", action="store_true")
    ap.add_argument("--commands", action="store_true")
    a = ap.parse_args()
    paths = sorted(Path(a.dir).glob("*.pdf"))
    if not paths:
        sys.exit(f"{a.dir}: no PDF files")
    segment_speed(paths)
    peak_memory(max(paths, key=lambda p: len(load(p).page_texts())))
    if a.geometry:
        geometry(paths)
    if a.commands:
        commands(Path(a.dir))


if __name__ == "__main__":
    main()
