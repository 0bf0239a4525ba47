"""Repair what PDF-to-text does to budget documents, keeping a map back to the source.

The result is a list of logical :class:`Line` objects. Each knows the 1-based source line and page
of its first character and, through :meth:`Line.source_offset`, where any of its characters came
from. Text is kept verbatim (no character is rewritten); :func:`fold` gives the NFKC form that the
classifier and segmenter match on.

Repairs:
- page breaks (form feeds from the PDF loader) and the running headers, footers and page numbers
  that repeat on every page;
- centred titles with leading spaces;
- lines broken mid-sentence or mid-title in fixed-width layouts (a 《…》 title or a 文号 split over
  two lines comes out whole);
- a PDF's prose as paragraphs (:meth:`Text.paragraphs`): a line that reaches the right edge of its
  page's text block goes on in the next line, across a page break too; a line that ends short of
  it, ends a sentence (。！？；：) or is followed by an enumerator (一是, （一）, 1.) ends a paragraph.

Example:
    >>> text = normalize_text("上海市某某部门预算\\n\\n一、项目概述\\n")
    >>> [(ln.line, ln.text) for ln in text.lines if ln.text]
    [(1, '上海市某某部门预算'), (3, '一、项目概述')]
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

SENTENCE_END = tuple("。！？；：!?;:")
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$"
)
SECTION_LINE = re.compile(
    r"^[一二三四五六七]\s*[、.．]\s*(?:项目概[述况]|立项依据|实施主体|实施方案|实施周期|年度预算安排|绩效目标)\s*$"
)
JUSTIFIED_GAP = re.compile(
    r"(?<=[\u4e00-\u9fff，。、；：“”（）《》])[ \u3000]{2,}(?=[\u4e00-\u9fff，。、；：“”（）《》])"
)
"""Two or more spaces between CJK characters: the stretch of a justified PDF line, not text."""
LIST_START = re.compile(
    r"^\s*(?:[-•·]\s|[（(]?[一二三四五六七八九十\d]{1,3}[)）、．.]|第[一二三四五六七八九十]+[章节条部])"
)
PARAGRAPH_START = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[，,、是])")
"""An enumerated paragraph of prose ("一是全面推进…", "第二，…"): it starts a paragraph of its own."""
FULL_LINE_SLACK = 3.5
"""How far (in full-width characters) a line may end short of its page's text width and still be
wrapped by the layout: a paragraph's first line is indented by two characters and a line may
squeeze punctuation or set digits a little wider or narrower than half a character."""
OVERSHOOT = 2.5
"""How far a wrapped line may seem to pass its page's text width (digits and Latin letters are set
wider than half a character in some fonts)."""


def fold(text: str) -> str:
    """NFKC with ideographic space folded; the safe full-width/half-width unification for matching."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ")


@dataclass(frozen=True)
class Line:
    """One logical line. ``pieces`` maps offsets in ``text`` to offsets in the source text."""

    text: str
    line: int
    page: int | None
    start: int
    pieces: tuple[tuple[int, int], ...] = ()

    def source_offset(self, i: int) -> int:
        """Source offset of character ``i`` of this line's text."""
        if not self.pieces:
            return self.start + i
        k = bisect.bisect_right([p[0] for p in self.pieces], i) - 1
        local, src = self.pieces[max(k, 0)]
        return src + (i - local)


@dataclass
class Text:
    """A normalized document: logical lines plus the source they map to."""

    source: str
    lines: list[Line]
    page_starts: tuple[int, ...] | None = None
    line_starts: list[int] = field(default_factory=list)
    _widths: dict[int, float | None] | None = field(default=None, repr=False, compare=False)

    @property
    def last_line(self) -> int:
        """The 1-based number of the source's last line (a line break at its end opens none).

        >>> normalize_text("一\\n二\\n").last_line, normalize_text("一\\n二").last_line
        (2, 2)
        """
        return max(1, len(self.line_starts) - self.source.endswith("\n"))

    def line_of(self, offset: int) -> int:
        """1-based source line of a source offset."""
        return bisect.bisect_right(self.line_starts, offset)

    def page_of(self, offset: int) -> int | None:
        if self.page_starts is None:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def paragraphs(self, lines: list[Line]) -> str:
        """The text of consecutive ``lines`` (a section's body): a PDF's lines wrapped by its layout
        are joined into paragraphs, one a line, with no blank lines (page breaks) in between; a text
        file's lines are paragraphs already and stay as they are.

        >>> page = "甲" * 26 + "\\n" + "乙" * 20 + "。\\n一是" + "丙" * 24 + "\\n" + "丁" * 26 + "\\n"
        >>> text = normalize_text(page + "\\f\\n2\\n" + page, page_starts=(0, len(page) + 2))
        >>> print(text.paragraphs(text.lines))
        甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙。
        一是丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲甲乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙乙。
        一是丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丙丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁丁
        """
        nonblank = [ln for ln in lines if ln.text.strip()]
        if self.page_starts is None:
            return "\n".join(ln.text for ln in lines).strip()
        out = [nonblank[0].text.strip()] if nonblank else []
        for prev, ln in pairwise(nonblank):
            nxt = ln.text.strip()
            if not self._wraps(prev, nxt):
                out.append("\n" + nxt)
            elif (
                out[-1][-1:].isascii() and out[-1][-1:].isalpha() and nxt[:1].isascii() and nxt[:1].isalpha()
            ):
                out.append(" " + nxt)  # a space between two words of a Latin phrase wrapped at a space
            else:
                out.append(nxt)
        return "".join(out)

    def _wraps(self, prev: Line, nxt: str) -> bool:
        """Whether the PDF line ``prev`` is wrapped by the layout, so that ``nxt`` goes on with it."""
        if not prev.text.strip():
            return False
        last = prev.source_offset(len(prev.text.rstrip()) - 1)
        tail = self.source[self.source.rfind("\n", 0, last) + 1 : last + 1].strip(" \u3000\t")
        if tail.endswith(SENTENCE_END) or LIST_START.match(nxt) or PARAGRAPH_START.match(nxt):
            return False
        width = self._page_widths().get(self.page_of(last) or 0)
        # wider than the text block: a table's row or a line of another layout, not wrapped prose
        return width is not None and width - FULL_LINE_SLACK <= display_width(tail) <= width + OVERSHOOT

    def _page_widths(self) -> dict[int, float | None]:
        """Each page's text width (full-width characters): the width most of its lines fill."""
        if self._widths is None:
            self._widths = _page_widths(self.source, self.page_starts or ())
        return self._widths


@dataclass
class _Phys:
    text: str
    line: int
    start: int
    page: int | None
    pieces: tuple[tuple[int, int], ...] = ()
    """(offset in text, source offset) where the text skips source characters; empty = contiguous."""

    def at(self, offset: int) -> list[tuple[int, int]]:
        """This line's pieces, shifted to start at ``offset`` of a joined line."""
        return [(offset + local, src) for local, src in (self.pieces or ((0, self.start),))]


def normalize_text(source: str, page_starts: tuple[int, ...] | None = None) -> Text:
    """Split ``source`` into logical lines and repair the PDF layout."""
    phys = _physical_lines(source, page_starts)
    if page_starts is not None:
        phys = _drop_running_lines(phys)
    width = _layout_width(phys)
    lines = _join(phys, width)
    starts = [0] + [m.end() for m in re.finditer("\n", source)]
    return Text(source=source, lines=lines, page_starts=page_starts, line_starts=starts)


def display_width(text: str) -> float:
    """The width of ``text`` in full-width characters: a CJK character (or full-width form) is 1,
    an ASCII letter, digit or space 0.5.

    >>> display_width("2026 年拟安排"), display_width("（含上")
    (6.5, 3.0)
    """
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _typical_width(widths: list[float]) -> float | None:
    """The width most lines fill (the mode, the wider of ties), when at least four lines are within one
    character of it and it is a line of prose (15 characters or more), else None."""
    counts = Counter(round(w) for w in widths if w >= 10)
    if not counts:
        return None
    width = max(counts, key=lambda w: (counts[w], w))
    support = counts[width - 1] + counts[width] + counts[width + 1]
    return float(width) if width >= 15 and support >= 4 else None


def _page_widths(source: str, page_starts: tuple[int, ...]) -> dict[int, float | None]:
    """Each 1-based page's text width; a page with too few lines of one width takes the document's."""
    ends = (*page_starts[1:], len(source))
    pages = {
        n: [display_width(t) for t in (ln.strip(" \u3000\t\f") for ln in source[a:b].split("\n")) if t]
        for n, (a, b) in enumerate(zip(page_starts, ends, strict=True), start=1)
    }
    overall = _typical_width([w for widths in pages.values() for w in widths])
    return {n: _typical_width(widths) or overall for n, widths in pages.items()}


def _physical_lines(source: str, page_starts: tuple[int, ...] | None) -> list[_Phys]:
    out: list[_Phys] = []
    pos = 0
    for n, raw in enumerate(source.split("\n"), start=1):
        page = bisect.bisect_right(page_starts, pos) if page_starts is not None else None
        stripped = raw.lstrip(" \u3000\t")
        lead = len(raw) - len(stripped)
        text = stripped.rstrip(" \u3000\t\f")
        if raw.strip() == "\f":
            text = "\f"
        if page_starts is not None and JUSTIFIED_GAP.search(text):
            out.append(_squeeze_gaps(text, n, pos + lead, page))
        else:
            out.append(_Phys(text, n, pos + lead, page))
        pos += len(raw) + 1
    return out


def _squeeze_gaps(text: str, line: int, start: int, page: int | None) -> _Phys:
    """Drop the runs of spaces a PDF puts between CJK characters of a justified line."""
    kept, pieces, last = [], [], 0
    for m in JUSTIFIED_GAP.finditer(text):
        kept.append(text[last : m.start()])
        pieces.append((sum(map(len, kept)) - len(kept[-1]), start + last))
        last = m.end()
    kept.append(text[last:])
    pieces.append((sum(map(len, kept)) - len(kept[-1]), start + last))
    return _Phys("".join(kept), line, start, page, tuple(pieces))


def _drop_running_lines(phys: list[_Phys]) -> list[_Phys]:
    """Blank out page numbers and lines that repeat at the top or bottom of most pages."""
    pages: dict[int, list[int]] = {}
    for i, p in enumerate(phys):
        if p.page is not None and p.text and p.text != "\f":
            pages.setdefault(p.page, []).append(i)
    edge: Counter[str] = Counter()
    for idx in pages.values():
        for i in idx[:2] + idx[-2:]:
            edge[re.sub(r"\d+", "#", phys[i].text)] += 1
    n_pages = len(pages)
    running = {t for t, c in edge.items() if n_pages >= 3 and c >= max(3, n_pages // 2)}
    drop: set[int] = set()
    for idx in pages.values():
        for i in idx[:2] + idx[-2:]:
            t = phys[i].text
            if PAGE_NUMBER.match(t) or re.sub(r"\d+", "#", t) in running:
                drop.add(i)
    return [_Phys("", p.line, p.start, p.page) if i in drop else p for i, p in enumerate(phys)]


def _layout_width(phys: list[_Phys]) -> int | None:
    """The line width of a fixed-width layout (text wrapped by a PDF), or None for one paragraph a line."""
    lengths = sorted(len(p.text) for p in phys if p.text and "\t" not in p.text and p.text != "\f")
    if len(lengths) < 20:
        return None
    w = lengths[int(len(lengths) * 0.95) - 1]
    if w > 120 or w < 15:
        return None
    full = sum(n >= w * 0.85 for n in lengths)
    return w if full >= 0.15 * len(lengths) else None


def _joinable(joined: str, prev: str, nxt: str, width: int | None) -> bool:
    """Whether ``nxt`` continues the physical line ``prev`` (the last piece of the logical line ``joined``)."""
    if not prev or not nxt or "\t" in prev or "\t" in nxt or prev == "\f":
        return False
    if joined.count("《") > joined.count("》") and len(nxt) < 200 and len(joined) < 2000:
        return True  # a title broken over two lines
    if width is None:
        return False
    if prev.endswith(SENTENCE_END) or len(prev) < width * 0.85:
        return False
    return not LIST_START.match(nxt)


def _heads_section(phys: list[_Phys], k: int) -> bool:
    """True when line k is followed by a narrative section heading: then it is a project heading."""
    for q in phys[k + 1 : k + 8]:
        if q.text and q.text != "\f":
            return bool(SECTION_LINE.match(q.text))
    return False


def _join(phys: list[_Phys], width: int | None) -> list[Line]:
    lines: list[Line] = []
    i = 0
    while i < len(phys):
        p = phys[i]
        text, pieces, last = p.text, p.at(0), p.text
        j = i + 1
        while True:
            k = j
            if p.page is not None:  # PDF: a broken line may continue across a page break
                m, saw_break = k, False
                while m < len(phys) and phys[m].text in ("", "\f") and m - k < 6:
                    saw_break |= phys[m].text == "\f"
                    m += 1
                if saw_break:
                    k = m
            if k >= len(phys) or not _joinable(text, last, phys[k].text, width) or _heads_section(phys, k):
                break
            pieces.extend(phys[k].at(len(text)))
            text += phys[k].text
            last = phys[k].text
            j = k + 1
        if text == "\f":
            text = ""
        lines.append(Line(text, p.line, p.page, p.start, tuple(pieces) if len(pieces) > 1 else ()))
        i = j
    return lines
