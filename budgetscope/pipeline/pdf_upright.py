"""A PDF page turned so that its text reads upright, before anything reads it.

A page is read in the frame in which most of its characters stand upright, whatever the page's
``/Rotate`` says and however its content is drawn: a landscape table set with ``/Rotate 90``, a
portrait page turned with ``/Rotate 180``, or a table drawn turned by a quarter inside an upright
page all read as the same page printed upright. ``/Rotate`` only tells a viewer how to show the
page; the reader needs the text's own direction, which :func:`text_angle` takes from the
characters' matrices (a vote over a sample of them) and :func:`turn_upright` undoes by turning the
page's objects in memory (the file is not changed).

pypdfium2 orders a page's text by the page's shown direction (a page turned by ``/Rotate 180`` reads
each line backwards) and places characters in its user space, so both the text of a page
(:mod:`.load`) and its geometry (:mod:`.pdf_geometry`) read the page turned. The caller holds
:data:`.pdfium_lock.PDFIUM`.

Example:
    >>> import pypdfium2 as pdfium  # doctest: +SKIP
    >>> page = pdfium.PdfDocument("landscape-set-with-rotate.pdf")[0]  # doctest: +SKIP
    >>> with read_upright(page) as (textpage, box):  # doctest: +SKIP
    ...     textpage.get_text_range()[:3], box
    ('表14', (0.0, 0.0, 841.68, 595.44))
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SAMPLE = 64
"""At most this many characters of a page vote on its text's direction."""
QUARTER_TOLERANCE = 5.0
"""Degrees a character may stand off a quarter turn and still vote for it (skewed text does not)."""

Box = tuple[float, float, float, float]


def text_angle(textpage: Any) -> int:
    """The quarter turn (0, 90, 180 or 270 degrees, counter-clockwise) by which more than half of
    a page's sampled printed characters stand in its user space; 0 when no turn holds that many."""
    import pypdfium2.raw as raw

    tp = textpage.raw
    n = raw.FPDFText_CountChars(tp)
    step = max(1, n // SAMPLE)
    m = raw.FS_MATRIX()
    votes: dict[int, int] = {}
    counted = 0
    for i in range(0, n, step):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code <= 0x20 or code == 0x3000:
            continue  # spaces and the line breaks pdfium adds carry no direction
        if not raw.FPDFText_GetMatrix(tp, i, m) or (m.a == 0 and m.b == 0):
            continue
        counted += 1
        degrees = math.degrees(math.atan2(m.b, m.a)) % 360
        quarter = round(degrees / 90) % 4
        if abs(degrees - 90 * round(degrees / 90)) <= QUARTER_TOLERANCE:
            votes[90 * quarter] = votes.get(90 * quarter, 0) + 1
    angle, count = max(votes.items(), key=lambda kv: kv[1], default=(0, 0))
    return angle if 2 * count > counted else 0


def _turn(angle: int, box: Box) -> tuple[float, float, float, float, float, float]:
    """The matrix turning content by ``-angle`` so that ``box`` lands at the origin, upright."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    a, b, c, d, e, f = {
        0: (1.0, 0.0, 0.0, 1.0, 0.0, 0.0),
        90: (0.0, -1.0, 1.0, 0.0, 0.0, w),
        180: (-1.0, 0.0, 0.0, -1.0, w, h),
        270: (0.0, 1.0, -1.0, 0.0, h, 0.0),
    }[angle]
    # translate by (-x0, -y0) first
    return a, b, c, d, e - (a * x0 + c * y0), f - (b * x0 + d * y0)


@contextmanager
def read_upright(page: Any) -> Iterator[tuple[Any, Box]]:
    """An open ``pypdfium2.PdfPage``'s text page and box (x0, y0, x1, y1), read with the page turned
    so that its text stands upright (:func:`text_angle`, :func:`turn_upright`); the text page is
    closed and the page's ``/Rotate`` and boxes set back on leaving (its turned objects are
    forgotten when the page is closed)."""
    textpage = page.get_textpage()
    rotation, media, crop = page.get_rotation(), page.get_mediabox(), page.get_cropbox()
    turned = False
    try:
        angle = text_angle(textpage)
        if angle or rotation % 360:
            textpage.close()
            turned = True
            box = turn_upright(page, angle)
            textpage = page.get_textpage()
        else:
            box = media
        yield textpage, box
    finally:
        textpage.close()
        if turned:
            page.set_rotation(rotation)
            page.set_mediabox(*media)
            page.set_cropbox(*crop)


def turn_upright(page: Any, angle: int) -> Box:
    """Turn an open ``pypdfium2.PdfPage`` so that text standing at ``angle`` reads upright: its
    objects (and their clipping paths) turned by ``-angle`` about its MediaBox and moved to the
    origin, its MediaBox and CropBox the turned page's, its ``/Rotate`` 0. Returns the turned page's
    box, ``(0, 0, width, height)``; the MediaBox unchanged when there is nothing to turn or move.
    The objects are turned in memory only; the rotation and boxes are set in the open document
    (:func:`read_upright` sets them back)."""
    import pypdfium2.raw as raw

    box: Box = page.get_mediabox()
    if page.get_rotation() % 360:
        page.set_rotation(0)
    if not angle and not box[0] and not box[1]:
        return box
    matrix = _turn(angle, box)
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        raw.FPDFPageObj_Transform(obj, *matrix)
        raw.FPDFPageObj_TransformClipPath(obj, *matrix)
    w, h = box[2] - box[0], box[3] - box[1]
    turned = (0.0, 0.0, h, w) if angle in (90, 270) else (0.0, 0.0, w, h)
    page.set_mediabox(*turned)
    page.set_cropbox(*turned)  # pdfium lays out the text in the CropBox
    return turned


__all__ = ["read_upright", "text_angle", "turn_upright"]
