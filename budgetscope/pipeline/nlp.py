"""spaCy components for budget text: ``budget_amounts``, ``budget_dates``, ``budget_citations``.

Each is a ``@Language.factory`` registered through the ``spacy_factories`` entry point, so after
``pip install budgetscope`` it works in anyone's pipeline::

    >>> import spacy
    >>> nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})  # doctest: +SKIP
    >>> nlp.add_pipe("budget_amounts")  # doctest: +SKIP
    >>> doc = nlp("该项目总资金为627.2万元。")  # doctest: +SKIP
    >>> [(s.text, s._.amount.yuan) for s in doc.spans["budget_amounts"]]  # doctest: +SKIP
    [('627.2万元', Decimal('6272000'))]

Results go to ``doc.spans[<component name>]`` (replaced, never appended, so running a component
twice gives the same doc); each span carries the typed record in a Span extension: ``._.amount``
(:class:`~budgetscope.models.Amount`), ``._.period`` (:class:`~budgetscope.models.Period`),
``._.citation`` (:class:`~budgetscope.models.Citation`). A span is exactly its record's text: a token
the segmenter glued across a record's edge (jieba's 及榕劳 in 60及榕劳社保〔2010〕38号) is split there
(:func:`split_tokens`). The components hold primitives only in their config and round-trip through
``nlp.to_disk``/``spacy.load``.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup, Token

from budgetscope.pipeline.citations import find_citations
from budgetscope.pipeline.dates import find_periods
from budgetscope.pipeline.money import assign_roles, find_amounts

AMOUNTS = "budget_amounts"
DATES = "budget_dates"
CITATIONS = "budget_citations"


def _register_extensions() -> None:
    for name in ("amount", "period", "citation"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


class _Component:
    """A thin spaCy component: find typed records in doc.text, then set spans and extensions."""

    name: str
    extension: str
    settings: tuple[str, ...] = ()

    def __init__(self, nlp: Language, name: str) -> None:
        _register_extensions()
        self.name = name

    def find(self, text: str) -> list[tuple[int, int, Any]]:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        found = self.find(doc.text)
        split_tokens(doc, [offset for start, end, _ in found for offset in (start, end)])
        spans: list[Span] = []
        for start, end, record in found:
            span = doc.char_span(start, end, label=self.name, alignment_mode="expand")
            if span is None:
                continue
            span._.set(self.extension, record)
            spans.append(span)
        doc.spans[self.name] = spans
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "settings.json").write_text(json.dumps({k: getattr(self, k) for k in self.settings}))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> _Component:
        f = Path(path) / "settings.json"
        if f.exists():
            for k, v in json.loads(f.read_text()).items():
                setattr(self, k, v)
        return self


def split_tokens(doc: Doc, offsets: Iterable[int]) -> None:
    """Split the tokens an offset falls inside, so that a span may start or end there.

    A segmenter may glue a record's edge to its neighbour (jieba's 及榕劳 in 60及榕劳社保〔2010〕38号): the
    span of 榕劳社保〔2010〕38号 would take in 及. Each piece keeps the token's tag, part of speech, dependency
    label and entity type; the last piece its head (the others attach to it); none but the first starts
    a sentence. The spans other components put in ``doc.spans`` are placed anew on the new tokens.
    """
    cuts: dict[int, list[int]] = {}
    for offset in sorted(set(offsets)):
        token = _token_at(doc, offset)
        if token is not None and token.idx < offset:
            cuts.setdefault(token.i, []).append(offset - token.idx)
    if not cuts:
        return
    groups = {
        key: [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in group]
        for key, group in doc.spans.items()
    }
    inside = [doc[i].idx + p for i, points in cuts.items() if doc[i].sent_start for p in points]
    with doc.retokenize() as retokenizer:
        for i, points in cuts.items():
            token = doc[i]
            bounds = [0, *points, len(token.text)]
            pieces = [token.text[a:b] for a, b in itertools.pairwise(bounds)]
            last = len(pieces) - 1
            head: Token | tuple[Token, int] = token.head if token.head.i != i else (token, last)
            attrs: dict[str | int, list[Any]] = {
                name: [value] * len(pieces)
                for name, value in (("TAG", token.tag_), ("POS", token.pos_), ("DEP", token.dep_),
                                    ("ENT_TYPE", token.ent_type_))
            }  # fmt: skip
            retokenizer.split(token, pieces, heads=[*([(token, last)] * last), head], attrs=attrs)
    if not doc.has_annotation("DEP"):  # a parse sets sentence starts from the heads
        for offset in inside:
            piece = _token_at(doc, offset)
            if piece is not None:
                piece.is_sent_start = False
    for key, spans in groups.items():
        placed = [doc.char_span(a, b, label=label, kb_id=kb, span_id=id_) for a, b, label, kb, id_ in spans]
        kept = [s for s in placed if s is not None]
        doc.spans[key] = SpanGroup(doc, name=key, attrs=doc.spans[key].attrs, spans=kept)


def _token_at(doc: Doc, offset: int) -> Token | None:
    """The token whose text holds the character at ``offset``, None when none does (a space, the end)."""
    lo, hi = 0, len(doc)
    while lo < hi:
        mid = (lo + hi) // 2
        if doc[mid].idx + len(doc[mid].text) <= offset:
            lo = mid + 1
        else:
            hi = mid
    return doc[lo] if lo < len(doc) and doc[lo].idx <= offset else None


class AmountComponent(_Component):
    """Monetary amounts in yuan with their role; ``unit`` is a table's header unit for bare numbers."""

    extension = "amount"
    settings = ("section", "unit", "roles")

    def __init__(self, nlp: Language, name: str, section: str, unit: str | None, roles: bool) -> None:
        super().__init__(nlp, name)
        self.section, self.unit, self.roles = section, unit, roles

    def find(self, text: str) -> list[tuple[int, int, Any]]:
        amounts = find_amounts(text, section=self.section, unit=self.unit)
        if self.roles:
            amounts = assign_roles(text, amounts)
        return [(a.start, a.end, a) for a in amounts]


class DateComponent(_Component):
    """Periods (ISO start/end); ``year`` fills a missing year (the document's budget year)."""

    extension = "period"
    settings = ("year",)

    def __init__(self, nlp: Language, name: str, year: int | None) -> None:
        super().__init__(nlp, name)
        self.year = year

    def find(self, text: str) -> list[tuple[int, int, Any]]:
        return [(p.offset, p.offset + len(p.text), p) for p in find_periods(text, year=self.year)]


class CitationComponent(_Component):
    """Cited policy documents (《…》 titles and named documents without 《》) with their 文号."""

    extension = "citation"
    settings = ("section",)

    def __init__(self, nlp: Language, name: str, section: str | None) -> None:
        super().__init__(nlp, name)
        self.section = section

    def find(self, text: str) -> list[tuple[int, int, Any]]:
        return [(c.start, c.end, c) for c in find_citations(text, section=self.section)]


@Language.factory(AMOUNTS, default_config={"section": "budget", "unit": None, "roles": True})
def make_amounts(nlp: Language, name: str, section: str, unit: str | None, roles: bool) -> AmountComponent:
    return AmountComponent(nlp, name, section, unit, roles)


@Language.factory(DATES, default_config={"year": None})
def make_dates(nlp: Language, name: str, year: int | None) -> DateComponent:
    return DateComponent(nlp, name, year)


@Language.factory(CITATIONS, default_config={"section": None})
def make_citations(nlp: Language, name: str, section: str | None) -> CitationComponent:
    return CitationComponent(nlp, name, section)


def nlp(components: Iterable[str] = (AMOUNTS, DATES, CITATIONS), **config: dict[str, Any]) -> Language:
    """``spacy.blank("zh")`` with the jieba segmenter, a sentencizer and our components.

    ``config`` maps a component name to its config, e.g. ``nlp(budget_dates={"year": 2026})``.
    """
    import jieba
    import spacy

    from budgetscope.cache import global_jieba  # its prefix dictionary cached in the user cache dir

    jieba.setLogLevel(logging.WARNING)
    global_jieba()
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    pipeline.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "；", "\n"]})
    for name in components:
        pipeline.add_pipe(name, config=config.get(name, {}))
    return pipeline
