"""Record-to-point conversion: a :class:`~budgetscope.models.Record` becomes index chunks.

Pure: no model, no Qdrant. A named record first gets a chunk of its name alone (the strongest
cross-lingual signal). A narrative then gives chunks for each section of at least
:data:`MIN_PART_CHARS` characters, and one "brief" part for all its shorter sections together
(alone, "2026年度" or "市科协本级" say little and match unrelated queries); a form gives chunks
for its free-text fields and its indicator rows. Every other chunk's embedded text starts with
the project name; its payload carries everything search filters and hits need.

Example:
    >>> from budgetscope.index.chunks import chunk_section
    >>> chunk_section("第一句。第二句；第三句", max_chars=8)
    [(0, 8, '第一句。第二句；'), (8, 11, '第三句')]
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from budgetscope.models import FORM_TEXT_SECTIONS, Form, Record, form_unit


def _exact_amount(value: Decimal | None) -> int | str | None:
    """An amount as the payload holds it: an int when whole, else its exact decimal text (payloads
    are JSON; never through float)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else format(value, "f")


DEFAULT_MAX_CHARS = 300
"""Chunk size in characters: about 300 tokens of Chinese text, inside every encoder's window."""

MIN_PART_CHARS = 40
"""Sections shorter than this are embedded together in one "brief" chunk of their record."""

POINT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://budgetscope/points")
"""Namespace of the uuid5 point ids."""

_SENTENCE_END = re.compile(r"[。；;！!？?]+[”’」』）)]*|\n")
_CLAUSE_ENDS = (re.compile(r"[，,：:]"), re.compile(r"[、]|\s+"))


@dataclass(frozen=True)
class Chunk:
    """One index point: its id, the text to embed and the payload stored with it."""

    id: str
    text: str
    payload: dict[str, Any] = field(default_factory=dict)
    piece: bool = False
    """True for a clause piece (:func:`record_points`' ``piece_chars``): a point with the first encoder's
    dense vector only (its words are its chunk's, which the lexical side already counts; a second
    encoder of a pair, with its long window, has the chunk)."""
    dense_only: bool = False
    """True for a unit chunk (:func:`record_points`): the first encoder's dense vector only, as a piece. Its
    words count in the coverage of every chunk of its project, not in BM25: there a unit named like a
    query's topic (广州市政务服务中心 for "government service hotline") lifted every project it carries out."""

    @property
    def lexical(self) -> bool:
        """Whether the point has a lexical (BM25) vector and the second encoder's: neither piece nor unit."""
        return not (self.piece or self.dense_only)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pieces(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Non-blank spans of text[start:end] cut after each match of pattern, whitespace-stripped."""
    spans = []
    cut = start
    for match in pattern.finditer(text, start, end):
        spans.append(_strip_span(text, cut, match.end()))
        cut = match.end()
    spans.append(_strip_span(text, cut, end))
    return [(s, e) for s, e in spans if e > s]


def _fit(text: str, start: int, end: int, max_chars: int, level: int = 0) -> list[tuple[int, int]]:
    """Split one over-long sentence at clause marks (，： first, then 、 and spaces), then hard."""
    if end - start <= max_chars:
        return [(start, end)]
    if level == len(_CLAUSE_ENDS):
        spans = (_strip_span(text, i, min(i + max_chars, end)) for i in range(start, end, max_chars))
        return [(s, e) for s, e in spans if e > s]
    out: list[tuple[int, int]] = []
    for s, e in _pack(_pieces(text, start, end, _CLAUSE_ENDS[level]), max_chars):
        out.extend(_fit(text, s, e, max_chars, level + 1))
    return out


def _pack(spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Greedily merge consecutive spans while the merged span stays within max_chars."""
    packed: list[tuple[int, int]] = []
    for s, e in spans:
        if packed and e - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], e)
        else:
            packed.append((s, e))
    return packed


def chunk_section(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[tuple[int, int, str]]:
    """Split a section into ``(start, end, text[start:end])`` chunks of at most max_chars.

    Cuts fall after sentence ends (。；！？ and newlines); consecutive sentences are packed
    greedily. A sentence longer than max_chars is cut at clause marks (，： first, then 、 and
    spaces), and a clause longer than that at max_chars. Chunks never start or end with whitespace; every
    non-whitespace character of the text is in exactly one chunk.

    >>> chunk_section("  一、概述\\n内容。", max_chars=3)
    [(2, 4, '一、'), (4, 6, '概述'), (7, 10, '内容。')]
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")
    sentences: list[tuple[int, int]] = []
    for s, e in _pieces(text, 0, len(text), _SENTENCE_END):
        sentences.extend(_fit(text, s, e, max_chars))
    return [(s, e, text[s:e]) for s, e in _pack(sentences, max_chars)]


def point_id(record_id: str, part: str, index: int) -> str:
    """The deterministic Qdrant point id (uuid5) of chunk ``index`` of ``part`` of a record.

    >>> point_id("abc", "overview", 0) == point_id("abc", "overview", 0)
    True
    """
    return str(uuid.uuid5(POINT_NAMESPACE, f"{record_id}\x1f{part}\x1f{index}"))


def _cited(record: Record) -> list[str]:
    """Canonical ids of the documents a record cites, first-seen order, no repeats."""
    return list(dict.fromkeys(c.canonical for c in record.citations if c.canonical))


def _indicator_text(form: Form) -> str:
    lines = []
    for row in form.indicators:
        label = row.level3 or row.level2 or ""
        target = row.target or ""
        line = f"{label}：{target}" if label and target else label or target
        if line:
            lines.append(line)
    return "\n".join(lines)


def _form_parts(form: Form) -> list[tuple[str, str, str]]:
    """Each free-text field (section by :data:`FORM_TEXT_SECTIONS`), then the indicator rows."""
    parts = [
        (label, FORM_TEXT_SECTIONS.get(label, "form"), text) for label, text in form.texts.items() if text
    ]
    parts.append(("indicators", "goals", _indicator_text(form)))
    return parts


def _narrative_parts(sections: Mapping[str, str | None]) -> list[tuple[str, str, str]]:
    """Each section of MIN_PART_CHARS or more, then one "brief" part joining the shorter ones.

    The brief part's section is the key of its first section; its text is theirs, stripped,
    one per line.
    """
    present = [(key, text.strip()) for key, text in sections.items() if text and text.strip()]
    brief = [(key, text) for key, text in present if len(text) < MIN_PART_CHARS]
    parts = [(key, key, sections[key] or "") for key, text in present if len(text) >= MIN_PART_CHARS]
    if brief:
        parts.append(("brief", brief[0][0], "\n".join(text for _, text in brief)))
    return parts


def _parts(record: Record) -> list[tuple[str, str, str]]:
    """``(part, section key, text)`` of every piece of a record that becomes chunks."""
    if record.kind == "form":
        return _form_parts(record.form or Form())
    return _narrative_parts(record.sections)


def _chunk(
    base: Mapping[str, Any], part: str, section: str, index: int, span: tuple[int, int, str], embedded: str
) -> Chunk:
    """The point of chunk ``index`` of a part: ``span`` is ``(start, end, text)`` in the part's text."""
    start, end, text = span
    payload = {
        **base,
        "section": section,
        "part": part,
        "chunk": index,
        "start": start,
        "end": end,
        "text": text,
    }
    return Chunk(point_id(base["project_id"], part, index), embedded, payload)


def record_points(
    record: Record, encoder_name: str, *, max_chars: int = DEFAULT_MAX_CHARS, piece_chars: int | None = None
) -> list[Chunk]:
    """The chunks of one record.

    First, if the record has a name (else its title), a chunk embedding the name alone: part
    ``name``, section that of the record's first part (the text its snippet shows), ``start = end = 0``, payload text the first max_chars characters of
    the record's first part (the name itself when it has none), for snippets. Then the parts,
    each chunked with :func:`chunk_section`. Narratives: each section of
    :data:`MIN_PART_CHARS` or more characters, then one part ``brief`` joining the shorter
    sections one per line (section: the first one's key). Forms: each free-text field in
    ``form.texts`` (section by :data:`FORM_TEXT_SECTIONS`) and the indicator rows
    (``level3：target`` lines, part ``indicators``, section ``goals``). A department-wide form has none
    (its goals and tasks among the projects lowered #13's nDCG@10). Their embedded text is
    ``name + "\\n" + chunk``. A form carried out by a unit other than its department (``unit``,
    :func:`~budgetscope.models.form_unit`: 实施单位 中国烟台SOS儿童村 of 烟台市民政局) has a chunk of its
    name and that unit (part ``unit``, its payload text the name chunk's; dense only, :attr:`Chunk.dense_only`),
    so that the unit's name finds the project; a narrative's 实施主体 is a section, in its chunks already.
    The payload holds
    ``project_id doc page line year department name title kind section part chunk start end cites
    budget_total_yuan unit encoder text``, where
    ``start``/``end`` are offsets in the part's text and ``text`` is the chunk without the name.

    >>> rec = Record(id="r1", kind="narrative", doc="a.txt", title="", name="科技社团党建项目",
    ...              sections={"overview": "开展党建工作。", "period": "2026年度", "goals": None})
    >>> [(c.payload["part"], c.payload["section"], c.text) for c in record_points(rec, "use")]
    [('name', 'overview', '科技社团党建项目'), ('brief', 'overview', '科技社团党建项目\\n开展党建工作。\\n2026年度')]
    """
    if record.kind == "department_form":  # the whole department's, not a project: search finds projects
        return []
    name = record.name or record.title or ""
    unit = form_unit(record.form.implementer, record.department) if record.form else None
    base = {
        "project_id": record.id,
        "doc": record.doc,
        "page": record.page,
        "line": record.line,
        "year": record.year,
        "department": record.department,
        "name": name,
        "title": record.title,
        "kind": record.kind,
        "cites": _cited(record),
        "budget_total_yuan": _exact_amount(record.budget_total_yuan),
        "unit": unit,
        "encoder": encoder_name,
    }
    parts = _parts(record)
    lead_section, lead = next(((section, text) for _, section, text in parts if text), ("overview", ""))
    chunks = []
    if name:  # the name alone: the strongest cross-lingual signal (see benchmarks/bench_search.py)
        chunks.append(_chunk(base, "name", lead_section, 0, (0, 0, lead[:max_chars] or name), name))
    if unit:  # the unit that carries the project out, as the hit shows it: its name finds the project
        shown = (0, 0, lead[:max_chars] or name or unit)
        unit_chunk = _chunk(base, "unit", lead_section, 0, shown, f"{name}\n{unit}" if name else unit)
        chunks.append(replace(unit_chunk, dense_only=True))
    for part, section, text in parts:
        for index, span in enumerate(chunk_section(text, max_chars=max_chars)):
            embedded = f"{name}\n{span[2]}" if name and span[2] != name else span[2]
            chunks.append(_chunk(base, part, section, index, span, embedded))
            if piece_chars and len(span[2]) > piece_chars:
                chunks.extend(_pieces_of(chunks[-1], name, piece_chars))
    return chunks


def _pieces_of(chunk: Chunk, name: str, piece_chars: int) -> list[Chunk]:
    """The clause pieces of a chunk (:func:`chunk_section` at ``piece_chars``), each embedded after the
    name as the chunk is, with the chunk's payload (its text and offsets: the hit shows the chunk)
    and no lexical vector (the chunk has their words): see :attr:`Chunk.piece`."""
    text = str(chunk.payload["text"])
    part = f"{chunk.payload['part']}.{chunk.payload['chunk']}"
    out = []
    for index, (_, _, piece) in enumerate(chunk_section(text, max_chars=piece_chars)):
        embedded = f"{name}\n{piece}" if name else piece
        payload = {**chunk.payload, "piece": index}
        out.append(
            Chunk(point_id(str(chunk.payload["project_id"]), part, index), embedded, payload, piece=True)
        )
    return out
