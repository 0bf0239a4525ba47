"""BM25-style sparse vectors over jieba terms, for Qdrant's sparse index with the IDF modifier.

A document vector holds, for each term, BM25's saturated term frequency with document-length
normalization; the collection's ``lexical`` sparse vector is created with ``modifier=IDF`` so
Qdrant multiplies in the idf part at query time. A query vector holds weight 1 per distinct
term. Term ids are a 31-bit BLAKE2b hash of the term: the same in every process.

Example:
    >>> from budgetscope.vector.sparse import query_vector, tokenize
    >>> tokenize("科技社团党建项目")
    ['科技', '社团', '党建', '项目']
    >>> len(query_vector("科技社团党建项目").indices)
    4
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import jieba

K1 = 1.2
"""BM25 term-frequency saturation."""
B = 0.75
"""BM25 document-length normalization strength."""
DEFAULT_AVGDL = 64.0
"""Average chunk length in terms (jieba search mode) of sast-2026 narratives chunked at 300 chars.

A constant, not a running statistic, so that re-ingesting one document never changes the
vectors of the others."""

_STOPWORD_TEXT = (
    # Chinese function words: particles, conjunctions, prepositions, pronouns, auxiliaries.
    "的 了 和 与 及 以及 等 等等 在 为 对 是 将 并 或 或者 也 其 之 于 由 从 向 把 被 这 那 该 此 "
    "其中 中 各 个 有 无 不 就 都 而 且 并且 以 可 能 会 要 已 所 则 但 如 即 又 再 还 着 过 给 让 "
    "我们 我 你 他 她 它 他们 通过 进行 根据 按照 关于 对于 以上 以下 主要 相关 一 二 三 四 五 "
    # English function words, for mixed and English queries.
    "a an the of in on at to for and or with by from as is are be this that its it"
)
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())
"""Terms dropped by :func:`tokenize`."""


class SparseTerms(NamedTuple):
    """A sparse vector: term ids ascending, one value per id."""

    indices: list[int]
    values: list[float]


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    """A private jieba tokenizer with the default dictionary only.

    Private so that words other modules add to jieba's global tokenizer never change the
    terms of stored vectors.
    """
    import jieba

    from budgetscope.cache import jieba_tokenizer  # its prefix dictionary cached in the user cache dir

    jieba.setLogLevel(logging.WARNING)
    return jieba_tokenizer()


def _is_term(token: str) -> bool:
    """True when the token holds a letter or a digit (not only punctuation, symbols, spaces)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in token)


def tokenize(text: str) -> list[str]:
    """The lexical terms of a text: jieba search-mode words, NFKC-normalized, ASCII lowercased.

    Punctuation, symbols, whitespace and :data:`STOPWORDS` are dropped. Search mode also emits
    the shorter words inside a long one (长三角 -> 长三, 三角, 长三角), which gives recall on
    partial names.

    >>> tokenize("做好长三角 G60 科创走廊工作。")
    ['做好', '长三', '三角', '长三角', 'g60', '科创', '走廊', '工作']
    """
    return _kept(_segmenter().cut_for_search(unicodedata.normalize("NFKC", text)))


def words(text: str) -> list[str]:
    """The words of a text as a reader splits them: jieba's precise mode (no shorter words inside a
    long one, unlike :func:`tokenize`), filtered and normalized alike.

    >>> words("量子计算机"), tokenize("量子计算机")
    (['量子', '计算机'], ['量子', '计算', '算机', '计算机'])
    """
    return _kept(_segmenter().cut(unicodedata.normalize("NFKC", text)))


def _kept(tokens: Iterable[str]) -> list[str]:
    """Tokens stripped and lowercased, without punctuation, symbols, whitespace and :data:`STOPWORDS`."""
    terms = (token.strip().lower() for token in tokens)
    return [t for t in terms if t and _is_term(t) and t not in STOPWORDS]


def term_id(term: str) -> int:
    """A stable 31-bit id for a term (BLAKE2b, identical across processes and platforms).

    >>> term_id("党建") == term_id("党建")
    True
    >>> 0 <= term_id("党建") < 2**31
    True
    """
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


def _by_id(weights: Counter[int] | dict[int, float]) -> SparseTerms:
    ids = sorted(weights)
    return SparseTerms(ids, [float(weights[i]) for i in ids])


def sparse_vector(text: str, *, k1: float = K1, b: float = B, avgdl: float = DEFAULT_AVGDL) -> SparseTerms:
    """The document-side BM25 vector of a text (without idf, which Qdrant's IDF modifier adds).

    Each term's value is ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))`` where ``dl``
    is the number of terms of the text. Two terms hashing to one id add their frequencies.

    >>> v = sparse_vector("党建 党建 党建 社团")
    >>> max(v.values) > min(v.values)
    True
    """
    if avgdl <= 0:
        raise ValueError(f"avgdl must be positive, got {avgdl}")
    terms = tokenize(text)
    counts: Counter[int] = Counter(term_id(t) for t in terms)
    norm = k1 * (1.0 - b + b * len(terms) / avgdl)
    return _by_id({i: tf * (k1 + 1.0) / (tf + norm) for i, tf in counts.items()})


def query_vector(text: str) -> SparseTerms:
    """The query-side vector of a text: weight 1 for each distinct term.

    >>> query_vector("党建 党建").values
    [1.0]
    """
    return _by_id(dict.fromkeys((term_id(t) for t in tokenize(text)), 1.0))
