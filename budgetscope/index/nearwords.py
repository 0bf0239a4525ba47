"""Near words: a query word the text does not hold still counts, in part, by the text's word nearest it.

The coverage (:func:`~budgetscope.index.terms.coverage`) asks whether a text holds each of the
query's distinctive words, or a synonym or official term of it. A paraphrase often meets the budget
in a word no table lists: 供电 where the form says 配电, 淤泥 where it says 疏浚, 通航 for 航道,
党支部 for 党建. :func:`near_coverage` gives such a word a part of a held word's credit from the
encoder's cosine between it and the nearest word of the text: nothing below :data:`NEAR_FROM`, rising
to :data:`NEAR_MAX` at :data:`NEAR_FULL`. A held word still counts 1, so the text that says the
query's own word keeps the lead.

It serves the ranking only (the fused score of :func:`~budgetscope.index.ranking.fuse`), for Chinese
queries on an index of the USE encoder, the one whose word cosines it was tuned on (benchmarks/eval13's
tuning half: the README's search section). The shown ``coverage`` and the calibrated relevance stay
those of the words themselves.

Example:
    >>> from budgetscope.index.encoders import get_encoder
    >>> groups = [["机房"], ["供电"]]
    >>> texts = ["政务网核心机房配电电工服务", "机房设备采购", "科普讲座"]
    >>> [round(c, 2) for c in near_coverage(groups, texts, get_encoder("use"))]
    [0.88, 0.52, 0.05]
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from budgetscope.index.encoders import Encoder
from budgetscope.index.terms import Term, held_groups

NEAR_FROM = 0.4
"""Below this cosine a text's nearest word gives a query word no credit (老人 and 家长 are 0.44,
供电 and 配电 0.83)."""
NEAR_FULL = 0.8
"""At this cosine and above, a near word gets :data:`NEAR_MAX` (linear from :data:`NEAR_FROM`)."""
NEAR_MAX = 0.75
"""The most a near word counts, against 1 for the query's own word (or a synonym) held."""
CACHE_WORDS = 50_000
"""Word vectors kept in a process (512 floats each: about 100 MB at most); then the cache starts over."""

_CACHE: dict[tuple[str, str], np.ndarray] = {}
_LOCK = threading.Lock()


def word_vectors(words: Sequence[str], encoder: Encoder) -> dict[str, np.ndarray]:
    """The encoder's unit vector of each word, encoded once a process (a serve asks for the same
    words again and again: the candidates' texts repeat)."""
    wanted = list(dict.fromkeys(words))
    with _LOCK:
        out = {w: _CACHE[(encoder.name, w)] for w in wanted if (encoder.name, w) in _CACHE}
    missing = [w for w in wanted if w not in out]
    if missing:
        vectors = np.asarray(encoder.encode_documents(missing), dtype=np.float32)
        new = dict(zip(missing, vectors, strict=True))
        with _LOCK:
            if len(_CACHE) + len(new) > CACHE_WORDS:
                _CACHE.clear()
            _CACHE.update({(encoder.name, w): v for w, v in new.items()})
        out.update(new)
    return out


def near_credit(cosine: float) -> float:
    """A near word's share of a held word's credit.

    >>> [round(near_credit(c), 3) for c in (0.3, 0.4, 0.6, 0.8, 0.95)]
    [0.0, 0.0, 0.375, 0.75, 0.75]
    """
    return NEAR_MAX * min(1.0, max(0.0, (cosine - NEAR_FROM) / (NEAR_FULL - NEAR_FROM)))


def near_coverage(groups: Sequence[Sequence[Term]], texts: Sequence[str], encoder: Encoder) -> list[float]:
    """Each text's share of the query's word groups, a held group counting 1 and any other
    :func:`near_credit` of the cosine between the group's word (its first term) and the text's nearest
    word (as a reader splits them, two characters or more)."""
    from budgetscope.vector.sparse import words

    if not groups:
        return [1.0 for _ in texts]
    held = [held_groups(groups, text) for text in texts]
    heads = [g[0] if isinstance(g[0], str) else "".join(g[0]) for g in groups]
    wanted = {i for flags in held for i, h in enumerate(flags) if not h}
    text_words = [
        sorted({w for w in words(text) if len(w) >= 2}) if not all(flags) else []
        for text, flags in zip(texts, held, strict=True)
    ]
    vectors = word_vectors([heads[i] for i in sorted(wanted)] + [w for ws in text_words for w in ws], encoder)
    out = []
    for flags, ws in zip(held, text_words, strict=True):
        matrix = np.stack([vectors[w] for w in ws]) if ws else None
        credit = 0.0
        for i, is_held in enumerate(flags):
            if is_held:
                credit += 1.0
            elif matrix is not None and heads[i] in vectors:
                credit += near_credit(float((matrix @ vectors[heads[i]]).max()))
        out.append(credit / len(groups))
    return out
