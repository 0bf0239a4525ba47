"""Text from documents with spans marked (matched words, amounts, dates, citations), escaped.

Document text is untrusted: every character goes through :func:`markupsafe.escape`; only the
``<mark>`` tags written here are markup.

Example:
    >>> str(marked("拨款<b>60万元</b>", [(5, 9, "amount")]))
    '拨款&lt;b&gt;<mark class="amount">60万元</mark>&lt;/b&gt;'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from budgetscope.models import Record

Span = tuple[int, int, str]
"""``(start, end, css class)`` in a text."""


def marked(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with each span (in range, not overlapping an earlier one) in a ``<mark>``."""
    out: list[str] = []
    at = 0
    for start, end, kind in sorted(spans):
        if start < at or end <= start or end > len(text):
            continue
        out.append(str(escape(text[at:start])))
        out.append(f'<mark class="{escape(kind)}">{escape(text[start:end])}</mark>')
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def highlights(text: str, offsets: Sequence[Sequence[int]]) -> Markup:
    """A search snippet with the query's words (``hit.highlights``) marked."""
    return marked(text, [(int(o[0]), int(o[1]), "hit") for o in offsets if len(o) >= 2])


def _span(text: str, piece: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``piece`` is in ``text``: at the recorded offsets when they hold it, else its first place."""
    if not piece:
        return None
    if text[start:end] == piece:
        return start, end
    at = text.find(piece)
    return (at, at + len(piece)) if at >= 0 else None


def section_marks(record: Record, key: str, text: str) -> Markup:
    """One section's text with its amounts, period and citations marked."""
    spans: list[Span] = []
    for a in record.amounts:
        if a.section == key and (s := _span(text, a.text, a.start, a.end)):
            spans.append((*s, "amount"))
    for c in record.citations:
        if c.section != key:
            continue
        found = [
            s for s in (_span(text, c.title, c.start, c.end), _span(text, c.doc_number or "", 0, 0)) if s
        ]
        if not found and (s := _span(text, c.wording or "", 0, 0)):  # a 文号 written without its 号
            found.append(s)
        spans += [(*s, "citation") for s in found]
    if record.period is not None and (s := _span(text, record.period.text, 0, 0)):
        spans.append((*s, "date"))
    return marked(text, spans)
