"""Read ruled tables of PDF pages as grids of cells (rows × columns), with provenance.

The geometry comes from pdfplumber's table finder (ruling lines → cell boxes); the text of each
cell is the page's characters whose centres fall inside its box, lines joined (no space between
CJK characters). A merged cell is one :class:`Cell` that every grid position it spans points to,
so a level cell spanning five indicator rows is read on each of them. Characters outside the
page's visible box or clipped away by their clipping path (:mod:`.pdf_geometry`) are ignored. Only the pages the caller names are read: the
fast pypdfium2 text stays the path for prose (see :func:`form_pages`).

Example:
    >>> tables = read_tables("../shared/corpus-national/xian-audit-2026-department-budget.pdf", [36])  # doctest: +SKIP
    >>> tables[0].cell(0, 0).text  # doctest: +SKIP
    '项目名称'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetscope.pipeline.pdf_geometry import find_tables, page_geometry
from budgetscope.pipeline.pdfium_lock import PDFIUM

BBox = tuple[float, float, float, float]
"""x0, top, x1, bottom in PDF points, top-down (pdfplumber's convention)."""

SNAP = 2.0
"""Cell edges closer than this (points) are one grid line."""
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(eq=False)
class Cell:
    """One (possibly merged) cell: its text, the page it is on (1-based) and its box."""

    text: str
    page: int
    bbox: BBox
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def x1(self) -> float:
        return self.bbox[2]


@dataclass(eq=False)
class Grid:
    """One table of one page: ``rows[r][c]`` is the cell covering row r, column c (or None)."""

    page: int
    bbox: BBox
    rows: list[list[Cell | None]]
    cells: list[Cell] = field(default_factory=list)
    above: list[str] = field(default_factory=list)
    """Text lines printed between the previous table (or the page top) and this one: titles, units."""
    page_height: float = 0.0

    def cell(self, r: int, c: int) -> Cell | None:
        return self.rows[r][c] if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]) else None

    def row_cells(self, r: int) -> list[Cell]:
        """The distinct cells of row r, left to right (a merged cell once)."""
        out: list[Cell] = []
        for c in self.rows[r]:
            if c is not None and (not out or out[-1] is not c) and c not in out:
                out.append(c)
        return out


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - v))


def join_lines(lines: Sequence[str]) -> str:
    """Join the wrapped lines of one cell: nothing between CJK text, a space between Latin words.

    >>> join_lines(["11000021Y00000039", "0843-信息系统运维", "类项目"])
    '11000021Y00000039 0843-信息系统运维类项目'
    """
    out = ""
    for ln in (x.strip() for x in lines):
        if not ln:
            continue
        if out and not (CJK.search(out[-1]) or CJK.search(ln[0])):
            out += " "
        out += ln
    return out


def _visible(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop text drawn under a cell's own text: where characters of two sizes are drawn over each
    other (a merged cell's text continued from the previous page, hidden under the repeated header),
    the larger print is the visible one."""
    sizes = sorted({round(ch["size"], 1) for ch in chars})
    if len(sizes) < 2 or sizes[-1] < sizes[0] * 1.03:
        return chars
    big = [ch for ch in chars if round(ch["size"], 1) == sizes[-1]]
    small = [ch for ch in chars if round(ch["size"], 1) != sizes[-1]]
    overlaps = any(_on_top(b, s) for b in big for s in small)
    return big if overlaps else chars


def _on_top(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two characters drawn over each other: their boxes share lines and more than half the narrower
    width (a last digit printed a little larger beside its number only touches its neighbour)."""
    if not (a["top"] < b["bottom"] and b["top"] < a["bottom"]):
        return False
    shared = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    return shared > min(a["x1"] - a["x0"], b["x1"] - b["x0"]) / 2


def _text(chars: list[dict[str, Any]]) -> str:
    """Text of characters: grouped into lines by their vertical position, each line left to right."""
    if not chars:
        return ""
    chars = _visible(chars)
    chars = sorted(chars, key=lambda ch: (round(ch["top"]), ch["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for ch in chars:
        mid = (ch["top"] + ch["bottom"]) / 2
        for line in lines:
            ref = line[0]
            if ref["top"] - 1 <= mid <= ref["bottom"] + 1:
                line.append(ch)
                break
        else:
            lines.append([ch])
    out = []
    for line in sorted(lines, key=lambda ln: ln[0]["top"]):
        line.sort(key=lambda ch: ch["x0"])
        s = ""
        for prev, ch in zip([None, *line[:-1]], line, strict=True):
            if prev is not None and ch["x0"] - prev["x1"] > 0.6 * max(ch["size"], 1) and not s.endswith(" "):
                s += " "
            s += ch["text"]
        out.append(s)
    return join_lines(out)


def _grid(table: Any, chars: list[dict[str, Any]], page_no: int) -> Grid:
    boxes: list[BBox] = [tuple(b) for b in table.cells]
    xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
    rows: list[list[Cell | None]] = [[None] * max(len(xs) - 1, 1) for _ in range(max(len(ys) - 1, 1))]
    buckets: list[list[dict[str, Any]]] = [[] for _ in boxes]
    loose: list[dict[str, Any]] = []
    for ch, i in zip(chars, _first_box(chars, boxes), strict=True):
        (buckets[i] if i >= 0 else loose).append(ch)
    cells: list[Cell] = []
    for b, bucket in zip(boxes, buckets, strict=True):
        c0, c1 = _index(xs, b[0]), _index(xs, b[2])
        r0, r1 = _index(ys, b[1]), _index(ys, b[3])
        cell = Cell(_text(bucket), page_no, b, r0, c0, max(r1 - r0, 1), max(c1 - c0, 1))
        cells.append(cell)
        for r in range(r0, r0 + cell.rowspan):
            for c in range(c0, c0 + cell.colspan):
                if r < len(rows) and c < len(rows[r]):
                    rows[r][c] = cell
    _fill_gaps(rows, cells, xs, ys, loose, page_no)
    return Grid(page_no, tuple(table.bbox), rows, cells)


def _first_box(chars: list[dict[str, Any]], boxes: list[BBox]) -> list[int]:
    """For each character, the index of the first box holding its centre (-1: none)."""
    import numpy as np

    if not chars or not boxes:
        return [-1] * len(chars)
    xy = np.array([((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2) for ch in chars])
    b = np.array(boxes, dtype=float)
    x, y = xy[:, :1], xy[:, 1:]
    inside = (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
    return np.where(inside.any(axis=1), inside.argmax(axis=1), -1).tolist()


def _fill_gaps(
    rows: list[list[Cell | None]],
    cells: list[Cell],
    xs: list[float],
    ys: list[float],
    loose: list[dict[str, Any]],
    page_no: int,
) -> None:
    """Grid slots no detected cell covers but with text in them become cells of their own;
    ``loose`` are the characters outside every cell.

    Such slots are a cell whose closing rule is cut by the page break: a merged cell (a project's
    name, amounts and goal beside its indicator rows) that runs on to the next page has no bottom
    rule, so the table finder misses it. Slots one above the other in a column are one cell, read
    as a whole (a name wrapped over three lines stays one name, a goal one text), spanning all
    their rows.
    """
    if not loose:
        return
    for c in range(min(len(xs) - 1, min((len(row) for row in rows), default=0))):
        r = 0
        while r < len(rows):
            if rows[r][c] is not None or r + 1 >= len(ys):
                r += 1
                continue
            end = r
            while end + 1 < len(rows) and end + 2 < len(ys) and rows[end + 1][c] is None:
                end += 1
            box = (xs[c], ys[r], xs[c + 1], ys[end + 1])
            inside = [
                ch
                for ch in loose
                if box[0] <= (ch["x0"] + ch["x1"]) / 2 <= box[2]
                and box[1] <= (ch["top"] + ch["bottom"]) / 2 <= box[3]
            ]
            if inside:
                new = Cell(_text(inside), page_no, box, r, c, end - r + 1)
                cells.append(new)
                for slot in range(r, end + 1):
                    rows[slot][c] = new
            r = end + 1


def _lines_outside(chars: list[dict[str, Any]], tables: list[Grid]) -> list[tuple[float, str]]:
    """Text lines of the page outside every table, with their top."""
    free = [
        ch
        for ch in chars
        if not any(
            t.bbox[0] - 1 <= ch["x0"] <= t.bbox[2] + 1 and t.bbox[1] - 1 <= ch["top"] <= t.bbox[3] + 1
            for t in tables
        )
    ]
    lines: list[
        tuple[float, list[dict[str, Any]]]
    ] = []  # the top of a line's first character, its characters
    for ch in sorted(free, key=lambda c: c["top"]):
        line = next((chs for top, chs in lines if same_line(top, ch)), None)
        if line is None:
            lines.append((ch["top"], [ch]))
        else:
            line.append(ch)
    return [(float(round(top)), _text(chs)) for top, chs in sorted(lines, key=lambda ln: ln[0])]


def same_line(top: float, ch: dict[str, Any]) -> bool:
    """A character on the line whose first character's top is ``top``: its own top within 2 points, or
    within a fifth of its size — the year of 2026 年… set in a Latin font stands a little lower than the
    CJK 年 beside it (1.85 points at 22 points), and must not make a line of its own.

    >>> same_line(113.41, {"top": 115.26, "size": 22.0}), same_line(113.41, {"top": 127.0, "size": 10.0})
    (True, False)
    """
    return abs(top - ch["top"]) <= max(2.0, 0.2 * ch.get("size", 0.0))


class PdfPages:
    """An open PDF for the table reader: each page's geometry from pypdfium2 (:mod:`.pdf_geometry`),
    from pdfplumber (opened on first need) for a page pypdfium2's coordinates do not fit."""

    def __init__(self, path: Path | str) -> None:
        import pypdfium2 as pdfium

        self.path = str(path)
        with PDFIUM:  # pdfium is not thread-safe: one thread at a time in it (:mod:`.pdfium_lock`)
            self._pdfium = pdfium.PdfDocument(self.path)
        self._plumber: Any = None

    def __len__(self) -> int:
        with PDFIUM:
            return len(self._pdfium)

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with PDFIUM:
            self._pdfium.close()
        if self._plumber is not None:
            self._plumber.close()

    def page(self, page_no: int) -> tuple[BBox, list[dict[str, Any]], list[Any]]:
        """The box, characters and pdfplumber tables (ruled: cells from ruling lines) of a 1-based page."""
        geometry = page_geometry(self._pdfium, page_no)  # under the pdfium lock; the table finder is not
        if geometry is not None:
            return geometry.bbox, geometry.chars, find_tables(geometry)
        if self._plumber is None:
            import pdfplumber

            self._plumber = pdfplumber.open(self.path)
        page = self._plumber.pages[page_no - 1]
        try:
            return tuple(page.bbox), list(page.chars), page.find_tables()
        finally:
            page.flush_cache()


def page_tables(pdf: PdfPages, page_no: int) -> list[Grid]:
    """The ruled tables of one 1-based page of an open PDF, top to bottom, each with the text
    lines printed above it."""
    (x0, top, x1, bottom), page_chars, tables = pdf.page(page_no)
    chars = [
        ch
        for ch in page_chars
        if ch["x0"] >= x0 - 1
        and ch["x1"] <= x1 + 1
        and ch["top"] >= top - 1
        and ch["bottom"] <= bottom + 1
        and ch["text"].strip()
        and ch.get("visible", True)
    ]
    found = sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))
    grids = [_grid(t, chars, page_no) for t in found if len(t.cells) > 1]
    lines = _lines_outside(chars, grids)
    prev = top
    for g in grids:
        g.above = [t for y, t in lines if prev - 1 <= y < g.bbox[1]]
        g.page_height = bottom - top
        prev = g.bbox[3]
    return grids


def read_tables(path: Path | str, pages: Iterable[int]) -> list[Grid]:
    """The ruled tables on the given 1-based pages, in reading order."""
    with PdfPages(path) as pdf:
        return [g for p in pages for g in page_tables(pdf, p)]


def page_lines(path: Path | str, page_no: int) -> list[str]:
    """Text lines of one page outside its tables (titles, notes) — for tests and diagnostics."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[page_no - 1]
        return [t for _, t in _lines_outside(list(page.chars), [])]


__all__ = ["Cell", "Grid", "PdfPages", "join_lines", "page_tables", "read_tables"]
