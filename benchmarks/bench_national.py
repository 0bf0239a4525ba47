"""Speed of `segment` on the national corpus (PDF budgets of many cities) and of its table reader.

usage: python benchmarks/bench_national.py [--dir ../shared/corpus-national] [--geometry]

Prints pages/second of read_document (load → normalize → classify → segment, forms from tables)
over every PDF, the share of that time spent in the table reader (pdfplumber geometry + cell
text), and the peak resident memory of a fresh process segmenting the largest document.
--geometry also compares, on the form pages, pdfplumber's table finder with the raw page objects
of pypdfium2 (character boxes + path segments, no table finder).
"""

from __future__ import annotations

import argparse
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
        f"({100 * spent[0] / total:.0f}% of the time, {spent[0] / max(spent[1], 1):.2f} s/page)"
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

    t_plumber = t_pdfium = 0.0
    n = tables = objects = 0
    for p in paths:
        src = load(p)
        pages = forms_pdf.form_pages(src.page_texts())
        if not pages:
            continue
        t = time.perf_counter()
        with pdfplumber.open(str(p)) as pdf:
            for i in pages:
                tables += len(pdf.pages[i - 1].find_tables())
        t_plumber += time.perf_counter() - t
        t = time.perf_counter()
        doc = pdfium.PdfDocument(str(p))
        for i in pages:
            page = doc[i - 1]
            tp = page.get_textpage()
            objects += tp.count_chars()
            for c in range(tp.count_chars()):
                tp.get_charbox(c)
            objects += sum(1 for _ in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_PATH]))
        t_pdfium += time.perf_counter() - t
        n += len(pages)
    print(
        f"geometry on {n} form pages: pdfplumber find_tables {t_plumber:.1f} s ({tables} tables, cells ready); "
        f"pypdfium2 char boxes + path objects {t_pdfium:.1f} s ({objects} objects, no table finder)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=str(ROOT.parent / "shared" / "corpus-national"))
    ap.add_argument("--geometry", action="store_true")
    a = ap.parse_args()
    paths = sorted(Path(a.dir).glob("*.pdf"))
    if not paths:
        sys.exit(f"{a.dir}: no PDF files")
    segment_speed(paths)
    peak_memory(max(paths, key=lambda p: len(load(p).page_texts())))
    if a.geometry:
        geometry(paths)


if __name__ == "__main__":
    main()
