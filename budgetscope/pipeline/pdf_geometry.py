"""The geometry of a PDF page for the table finder, read by pypdfium2 (C) instead of pdfminer (Python).

pdfplumber's table finder needs a page's ruling edges and characters; pdfplumber gets them by
interpreting the page's content stream in pure Python (pdfminer), about 0.3 s per table page and
90% of the time of reading a budget PDF. :func:`page_geometry` reads the same objects from
pypdfium2's parsed page, in the same terms pdfplumber uses — characters as ``x0, x1, top,
bottom, size`` boxes from the font's advance and descent (pdfminer's box), edges of lines,
rectangles and curves built from each painted path as pdfminer builds them — so the table finder
(:class:`pdfplumber.table.TableFinder`) finds the same cells, about ten times faster.

A page is read turned so that its text stands upright (:mod:`.pdf_upright`: a ``/Rotate``, or a
table drawn turned by a quarter, reads as the page printed upright). Pages whose coordinates need
more than that (an upright page's MediaBox not at the origin, characters turned differently from
most of the page's or skewed) return None: the caller reads them with pdfplumber.

Each character also says whether it is ``visible``: False where its text object's clipping path
leaves its centre out (a merged cell continued from the previous page is printed again, its
first lines drawn above the body of the table and clipped away; pdfplumber keeps such text).

Example:
    >>> import pypdfium2 as pdfium  # doctest: +SKIP
    >>> g = page_geometry(pdfium.PdfDocument("../shared/corpus-national/xian-audit-2026-department-budget.pdf"), 36)  # doctest: +SKIP
    >>> len(g.chars) > 0, len(g.edges) > 0  # doctest: +SKIP
    (True, True)
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from budgetscope.pipeline.pdf_upright import read_upright
from budgetscope.pipeline.pdfium_lock import PDFIUM

Obj = dict[str, Any]
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PDFIUM_HYPHEN = 0x02
"""pdfium's code for a hyphen ending a line (printed as "-")."""
HYPHEN = "-"
NEAR_ZERO = 1e-9
"""A matrix entry this small is 0 written with rounding (a quarter turn's cos 90° as 6.1e-17)."""
MAX_FORM_DEPTH = 8
"""Form XObjects nested deeper than this are not looked into (a malformed file could loop)."""


@dataclass
class PageGeometry:
    """What :class:`pdfplumber.table.TableFinder` reads of a page: its box, edges and characters
    (top-down coordinates in points, as pdfplumber's)."""

    bbox: tuple[float, float, float, float]
    chars: list[Obj]
    edges: list[Obj]


def page_geometry(pdf: Any, page_no: int) -> PageGeometry | None:
    """Characters and ruling edges of one 1-based page of an open ``pypdfium2.PdfDocument``, or
    None when the page's coordinates are not plain (then pdfplumber reads it). The page is read and
    closed under the process's pdfium lock (:mod:`.pdfium_lock`)."""
    with PDFIUM:
        return _page_geometry(pdf, page_no)


def _page_geometry(pdf: Any, page_no: int) -> PageGeometry | None:
    import pypdfium2.raw as raw

    page = pdf[page_no - 1]
    try:
        with read_upright(page) as (textpage, (x0, y0, x1, y1)):
            if x0 or y0:
                return None
            height = y1 - y0
            chars = _chars(textpage, height)
            if chars is None:
                return None
            lines: list[Obj] = []
            rects: list[Obj] = []
            curves: list[Obj] = []
            for i in range(raw.FPDFPage_CountObjects(page.raw)):
                _collect(raw.FPDFPage_GetObject(page.raw, i), IDENTITY, height, lines, rects, curves, 0)
            return PageGeometry((0.0, 0.0, x1 - x0, height), chars, lines + rects + curves)
    finally:
        page.close()


def _chars(textpage: Any, height: float) -> list[Obj] | None:
    """pdfminer's character boxes: advance width across, font descent up to descent + size; None
    when a character is rotated or skewed."""
    import pypdfium2.raw as raw

    tp = textpage.raw
    unicode, matrix, loose_box, font_size = (
        raw.FPDFText_GetUnicode, raw.FPDFText_GetMatrix, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
    )  # fmt: skip
    clips: dict[int | None, tuple[float, float, float, float] | None] = {}
    box, m = raw.FS_RECTF(), raw.FS_MATRIX()
    out: list[Obj] = []
    n = raw.FPDFText_CountChars(tp)
    low = False
    for i in range(n):
        if low:
            low = False
            continue
        code = unicode(tp, i)
        if 0xD800 <= code < 0xDC00 and i + 1 < n:  # UTF-16 pair: a character beyond the BMP
            code = 0x10000 + ((code - 0xD800) << 10) + (unicode(tp, i + 1) - 0xDC00)
            low = True
        text = HYPHEN if code == PDFIUM_HYPHEN else chr(code)
        if not text.strip():
            continue  # spaces and the line breaks pdfium adds
        matrix(tp, i, m)
        if abs(m.b) > NEAR_ZERO or abs(m.c) > NEAR_ZERO or m.a <= 0 or m.d <= 0:
            return None
        loose_box(tp, i, box)
        size = font_size(tp, i) * m.d
        bottom = height - box.bottom
        obj = raw.FPDFText_GetTextObject(tp, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        if key not in clips:
            clips[key] = _clip_box(obj, height) if key else None
        clip = clips[key]
        x, y = (box.left + box.right) / 2, bottom - size / 2
        visible = clip is None or (clip[0] - 1 <= x <= clip[2] + 1 and clip[1] - 1 <= y <= clip[3] + 1)
        out.append({"text": text, "x0": box.left, "x1": box.right, "top": bottom - size, "bottom": bottom,
                    "size": size, "visible": visible})  # fmt: skip
    return out


def _clip_box(obj: Any, height: float) -> tuple[float, float, float, float] | None:
    """The box (x0, top, x1, bottom) a page object's clipping path leaves visible: the intersection
    of its paths' bounding boxes; None when it has none (or one without area). A path of an
    upright rectangle (``re``: four or five segments) is read by three corners, any other by all
    its points."""
    import pypdfium2.raw as raw

    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    segment, point, count = (
        raw.FPDFClipPath_GetPathSegment,
        raw.FPDFPathSegment_GetPoint,
        raw.FPDFClipPath_CountPathSegments,
    )
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    out: tuple[float, float, float, float] | None = None
    for k in range(raw.FPDFClipPath_CountPaths(clip)):
        n = count(clip, k)
        xs: list[float] = []
        ys: list[float] = []
        for i in range(n):
            if i == 3 and n in (4, 5) and _upright(xs, ys):
                break  # a rectangle: its box is known from three corners
            point(segment(clip, k, i), px, py)
            xs.append(x.value)
            ys.append(y.value)
        if not xs:
            continue
        b = (min(xs), height - max(ys), max(xs), height - min(ys))
        if b[2] - b[0] < 1 or b[3] - b[1] < 1:
            continue
        out = (
            b if out is None else (max(out[0], b[0]), max(out[1], b[1]), min(out[2], b[2]), min(out[3], b[3]))
        )
    return out


def _upright(xs: list[float], ys: list[float]) -> bool:
    """Three corners of an upright rectangle, in either turning order."""
    return (xs[0] == xs[1] and ys[1] == ys[2]) or (ys[0] == ys[1] and xs[1] == xs[2])


def _snap(v: float) -> float:
    """0 for a matrix entry that is 0 but for rounding (cos 90° written as 6.1e-17)."""
    return 0.0 if abs(v) <= NEAR_ZERO else v


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    """a then b (PDF row-vector convention)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _collect(
    obj: Any,
    outer: Matrix,
    height: float,
    lines: list[Obj],
    rects: list[Obj],
    curves: list[Obj],
    depth: int,
) -> None:
    import pypdfium2.raw as raw

    kind = raw.FPDFPageObj_GetType(obj)
    if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
        return
    fm = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, fm):
        return
    matrix = _multiply((_snap(fm.a), _snap(fm.b), _snap(fm.c), _snap(fm.d), fm.e, fm.f), outer)
    if kind == raw.FPDF_PAGEOBJ_FORM:
        if depth < MAX_FORM_DEPTH:
            for i in range(raw.FPDFFormObj_CountObjects(obj)):
                _collect(raw.FPDFFormObj_GetObject(obj, i), matrix, height, lines, rects, curves, depth + 1)
        return
    for shape, pts in _subpaths(obj, matrix):
        _paint(shape, [(x, height - y) for x, y in pts], lines, rects, curves)


def _subpaths(obj: Any, m: Matrix) -> list[tuple[str, list[Point]]]:
    """The path's subpaths as pdfminer sees them: operators m/l/c/h and each one's end point (a
    close ``h`` ends at the subpath's start), in page space."""
    import pypdfium2.raw as raw

    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[str, list[Point]]] = []
    shape, pts = "", list[Point]()
    n = raw.FPDFPath_CountSegments(obj)
    bezier = 0
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        kind = raw.FPDFPathSegment_GetType(seg)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        p = (m[0] * x.value + m[2] * y.value + m[4], m[1] * x.value + m[3] * y.value + m[5])
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if shape:
                out.append((shape, pts))
            shape, pts, bezier = "m", [p], 0
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point: pdfminer keeps the end point of a curve only
            shape += "c"
            pts.append(p)
        else:
            shape += "l"
            pts.append(p)
        if raw.FPDFPathSegment_GetClose(seg) and shape:
            shape += "h"
            pts.append(pts[0])
    if shape:
        out.append((shape, pts))
    return out


def _paint(shape: str, pts: list[Point], lines: list[Obj], rects: list[Obj], curves: list[Obj]) -> None:
    """One subpath as pdfminer's LTLine / LTRect / LTCurve, then as pdfplumber's edges of it."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]
    if shape in ("mlh", "ml"):
        (ax, ay), (bx, by) = pts[0], pts[1]
        top, bottom = min(ay, by), max(ay, by)
        lines.append(_edge("line", min(ax, bx), max(ax, bx), top, bottom, "h" if top == bottom else "v"))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and (
            (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
            or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        ):
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = min(y0, y2), max(y0, y2)
            rects.append(_edge("rect_edge", left, right, top, top, "h"))
            rects.append(_edge("rect_edge", left, right, bottom, bottom, "h"))
            rects.append(_edge("rect_edge", left, left, top, bottom, "v"))
            rects.append(_edge("rect_edge", right, right, top, bottom, "v"))
            return
    for (ax, ay), (bx, by) in pairwise(pts):
        orientation = "v" if ax == bx else ("h" if ay == by else None)
        curves.append(_edge("curve_edge", min(ax, bx), max(ax, bx), min(ay, by), max(ay, by), orientation))


def _edge(kind: str, x0: float, x1: float, top: float, bottom: float, orientation: str | None) -> Obj:
    return {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation}  # fmt: skip


def find_tables(geometry: PageGeometry) -> list[Any]:
    """pdfplumber's table finder (default settings: ruling lines) on a page's geometry."""
    from pdfplumber.table import TableFinder, TableSettings

    return TableFinder(geometry, TableSettings.resolve(None)).tables  # type: ignore[arg-type]


__all__ = ["PageGeometry", "find_tables", "page_geometry"]
