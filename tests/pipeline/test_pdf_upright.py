"""A turned page reads as the same page printed upright: set with ``/Rotate`` (shown turned), drawn
turned within an upright page, or both (a landscape table set with ``/Rotate``, shown upright).

Each case turns the real excerpt pages of corpus/excerpts/ (pypdf, as a producer would: a ``cm``
with cos 90° written as 6.1e-17) and reads the turned file beside the upright one: the page text
(pypdfium2), the characters and table cells (pypdfium2's geometry under pdfplumber's table finder),
the records, and the summary tables, stated totals and their checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pytest

from budgetscope.models import Document
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.linking.findings import department_checks
from budgetscope.pipeline.load import load
from budgetscope.pipeline.pdf_geometry import find_tables, page_geometry
from budgetscope.pipeline.pdf_statements import pdf_statements
from budgetscope.pipeline.pdf_tables import read_tables

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"

TURNS = [
    (0, 90),  # /Rotate only: shown on its side
    (0, 180),  # shown upside down (pypdfium2 reads each line backwards)
    (0, 270),
    (90, 0),  # drawn a quarter turn round within an upright page
    (270, 0),
    (180, 0),
    (90, 270),  # a landscape table drawn turned and set with /Rotate: shown upright
    (270, 90),
]
"""(degrees the content is drawn turned, counter-clockwise; the page's /Rotate)."""


def _turned(source: Path, folder: Path, content: int, rotate: int) -> Path:
    """``source`` with every page's content drawn turned by ``content`` degrees and ``/Rotate`` set,
    under the same name in ``folder`` (so that the records' ids are those of the upright file)."""
    reader, writer = pypdf.PdfReader(source), pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
        turned = writer.pages[-1]
        width, height = float(turned.mediabox.width), float(turned.mediabox.height)
        if content:
            shift = {90: (height, 0.0), 180: (width, height), 270: (0.0, width)}[content]
            turned.add_transformation(pypdf.Transformation().rotate(content).translate(*shift))
            box = (0, 0, height, width) if content in (90, 270) else (0, 0, width, height)
            turned.mediabox = pypdf.generic.RectangleObject(box)
            turned.cropbox = pypdf.generic.RectangleObject(box)
        if rotate:
            turned.rotate(rotate)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / source.name
    writer.write(out)
    return out


def _record(record: Any) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude={"path", "sha1"})


@pytest.mark.parametrize(("content", "rotate"), TURNS)
def test_pdf_upright_records_and_text_of_a_turned_page(tmp_path: Path, content: int, rotate: int) -> None:
    # Xi'an 表14: a form over two pages, amounts in 万元 and fourteen indicators
    upright = EXCERPTS / "xian-audit-2026-p37-38.pdf"
    turned = _turned(upright, tmp_path / "turned", content, rotate)
    assert load(turned).page_texts() == load(upright).page_texts()
    got, want = read_document(turned), read_document(upright)
    assert (got.kind, got.department, got.year, got.warnings) == (
        want.kind,
        want.department,
        want.year,
        want.warnings,
    )
    assert [_record(r) for r in got.records] == [_record(r) for r in want.records]
    [form] = want.records
    assert form.form is not None and len(form.form.indicators) == 14 and form.page == 1


def _cells(tables: list[Any]) -> list[list[tuple[float, ...]]]:
    return [sorted(tuple(cell) for cell in t.cells) for t in tables]


@pytest.mark.parametrize(("content", "rotate"), TURNS)
@pytest.mark.parametrize(
    ("name", "page_no"),
    [("beijing-commerce-2026-budget-tables-p35-37.pdf", 2), ("yantai-civil-affairs-2026-p34.pdf", 1)],
)
def test_pdf_upright_characters_and_cells_of_a_turned_page(
    tmp_path: Path, name: str, page_no: int, content: int, rotate: int
) -> None:
    # Beijing p36: text drawn above the table body and clipped away stays not visible when turned
    upright = EXCERPTS / name
    turned = _turned(upright, tmp_path, content, rotate)
    got, want = (
        page_geometry(pdfium.PdfDocument(turned), page_no),
        page_geometry(pdfium.PdfDocument(upright), page_no),
    )
    assert got is not None and want is not None
    assert got.bbox == pytest.approx(want.bbox, abs=0.01)
    assert [(c["text"], c["visible"]) for c in got.chars] == [(c["text"], c["visible"]) for c in want.chars]
    for a, b in zip(got.chars, want.chars, strict=True):
        assert [a[k] for k in ("x0", "x1", "top", "bottom", "size")] == pytest.approx(
            [b[k] for k in ("x0", "x1", "top", "bottom", "size")], abs=0.01
        )
    got_cells, want_cells = _cells(find_tables(got)), _cells(find_tables(want))
    assert [len(t) for t in got_cells] == [len(t) for t in want_cells]
    for ours, theirs in zip(got_cells, want_cells, strict=True):
        for a_cell, b_cell in zip(ours, theirs, strict=True):
            assert a_cell == pytest.approx(b_cell, abs=0.01)
    texts = [[c.text for c in g.cells] for g in read_tables(turned, [page_no])]
    assert texts == [[c.text for c in g.cells] for g in read_tables(upright, [page_no])] and texts


@pytest.mark.parametrize(("content", "rotate"), [(0, 90), (0, 180), (90, 0), (90, 270)])
@pytest.mark.parametrize("name", ["hangzhou-transport-2026-p5-22-23.pdf", "shenzhen-finance-2026-p16-18.pdf"])
def test_pdf_upright_tables_stated_totals_and_checks_of_turned_pages(
    tmp_path: Path, name: str, content: int, rotate: int
) -> None:
    # Hangzhou 表1 收支预算总表 over a page break and its 编制说明's 收入预算665964.37万元; Shenzhen 表1
    # over three pages
    upright = EXCERPTS / name
    turned = _turned(upright, tmp_path, content, rotate)
    got_tables, got_stated = pdf_statements(turned, year=2026)
    want_tables, want_stated = pdf_statements(upright, year=2026)
    assert got_tables == want_tables and got_stated == want_stated
    assert sum(len(t.lines) for t in want_tables) > 30

    def checks(path: Path, tables: Any, stated: Any) -> list[tuple[str, str, str]]:
        doc = Document(doc=name, path=str(path), kind="department_budget", year=2026)
        return [(c.kind, c.status, c.message) for c in department_checks(doc, tables, stated)]

    assert checks(turned, got_tables, got_stated) == checks(upright, want_tables, want_stated)
