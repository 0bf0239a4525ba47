"""The page geometry read by pypdfium2 finds the same tables, cells and characters as pdfplumber's own.

Every excerpt page (corpus/excerpts/, real pages of other cities' budgets) is read both ways, prose
pages (a narrative before its form) too: there both find no table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest

from budgetscope.pipeline.pdf_geometry import find_tables, page_geometry
from budgetscope.pipeline.pdf_tables import read_tables

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
PAGES = [
    (p.name, n) for p in sorted(EXCERPTS.glob("*.pdf")) for n in range(1, len(pdfium.PdfDocument(p)) + 1)
]


def _cells(tables: list[Any]) -> list[list[tuple[float, ...]]]:
    return [sorted(tuple(round(v, 2) for v in cell) for cell in t.cells) for t in tables]


def _same_cells(got: list[Any], want: list[Any]) -> bool:
    """The same cells, edge by edge within 0.02 pt (a float on either side of a rounding boundary:
    130.33 / 130.34)."""
    for ours, theirs in zip(_cells(got), _cells(want), strict=True):
        pool = list(theirs)
        for cell in ours:
            hit = next(
                (t for t in pool if all(abs(a - b) <= 0.02 for a, b in zip(cell, t, strict=True))), None
            )
            if hit is None:
                return False
            pool.remove(hit)
        if pool:
            return False
    return True


@pytest.mark.parametrize(("name", "page_no"), PAGES)
def test_pdf_geometry_same_tables_and_characters_as_pdfplumber(name: str, page_no: int) -> None:
    path = EXCERPTS / name
    geometry = page_geometry(pdfium.PdfDocument(path), page_no)
    assert geometry is not None
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        expected_tables = page.find_tables()
        expected_chars = [c for c in page.chars if c["text"].strip()]
        assert geometry.bbox == pytest.approx(tuple(page.bbox))
    tables = find_tables(geometry)
    assert len(tables) == len(expected_tables)
    assert _same_cells(tables, expected_tables)
    assert [c["text"] for c in geometry.chars] == [c["text"] for c in expected_chars]
    for got, want in zip(geometry.chars, expected_chars, strict=True):
        for key in ("x0", "x1", "top", "bottom", "size"):
            assert got[key] == pytest.approx(want[key], abs=0.5), (got["text"], key)  # character spacing


@pytest.mark.parametrize("name", sorted({name for name, _ in PAGES}))
def test_pdf_geometry_every_excerpt_holds_a_table(name: str) -> None:
    document = pdfium.PdfDocument(EXCERPTS / name)
    pages = [page_geometry(document, n) for n in range(1, len(document) + 1)]
    assert any(find_tables(g) for g in pages if g is not None)


def test_pdf_geometry_text_clipped_away_is_not_visible() -> None:
    # a merged cell continued from the previous page is printed again, its first lines drawn
    # above the table body and clipped away: pdfplumber keeps them, the table reader must not
    path = EXCERPTS / "beijing-commerce-2026-budget-tables-p35-37.pdf"
    geometry = page_geometry(pdfium.PdfDocument(path), 2)
    assert geometry is not None
    hidden = [c for c in geometry.chars if not c["visible"]]
    assert "11000022T00000043" in "".join(c["text"] for c in hidden)
    (table,) = read_tables(path, [2])
    header_bottom = max(c.bbox[3] for c in table.row_cells(0))
    # all of it above the table's body (under the header) or below its last rule
    assert all(c["bottom"] <= header_bottom + 1 or c["top"] >= table.bbox[3] - 1 for c in hidden)
    assert {"项目名称", "项目总额"} <= {c.text for c in table.row_cells(0)}  # not "890.000000项目总额"
