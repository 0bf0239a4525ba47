"""Chinese synonyms and official terms for a query's words: a question in everyday words still meets
the budget's own.

A user asks for 给行动不便的老人洗澡 where the budget writes 老年人 and 助浴, or 上访 where it writes
信访. Two tables answer:

- :func:`official_terms`: the official words (公文用语) a budget uses for an everyday one (上访 → 信访
  来访 接访, 臭水沟 → 黑臭水体), from ``budgetscope/data/colloquial_zh.tsv``: 561 everyday words
  across departments (health, civil affairs, housing, water, transport, petitions, police, schools,
  running costs …), written for this project from the documents' vocabulary, each key a word as
  jieba splits it. They are added to the lexical (BM25) query (:func:`~budgetscope.index.translate.lexical_query`)
  and count for the coverage;
- :func:`synonyms`: those, then the word's synonyms from 哈工大《同义词词林（扩展版）》 (HIT Cilin
  extended)'s groups of true synonyms, each pair checked by the USE encoder
  (``budgetscope/data/synonyms_zh.tsv``, built by ``tools/build_synonyms.py``, which says how). They
  count for the coverage only (:func:`~budgetscope.index.terms.term_groups`): a project holding a
  synonym covers that word. Cilin's words are not added to the BM25 query: measured on
  benchmarks/eval13, that lowered the held-back half (the README's search section).

Example:
    >>> official_terms("上访")[:2], synonyms("洗澡")[:3]
    (('信访', '来访'), ('助浴', '沐浴', '冲凉'))
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

TABLE = "synonyms_zh.tsv"
GLOSSARY = "colloquial_zh.tsv"


@lru_cache(maxsize=2)
def _text(name: str) -> str:
    """A table as one string, a newline first: a word's line is found with one ``str.find`` (a query
    needs a few words; parsing all 33,000 lines of Cilin's would cost a cold CLI query 80 ms)."""
    return "\n" + resources.files("budgetscope.data").joinpath(name).read_text(encoding="utf-8")


def _line(name: str, word: str) -> tuple[str, ...]:
    """The values of ``word``'s line in table ``name`` (empty when it has none)."""
    text = _text(name)
    if not word or "\n" in word or "\t" in word:
        return ()
    start = text.find(f"\n{word}\t")
    if start < 0:
        return ()
    start += len(word) + 2
    end = text.find("\n", start)
    return tuple(text[start : end if end >= 0 else len(text)].split())


@lru_cache(maxsize=4096)
def official_terms(word: str) -> tuple[str, ...]:
    """The official terms a budget uses for the everyday ``word``, most likely first (empty when the
    glossary lacks it).

    >>> official_terms("臭水沟")[:2], official_terms("科技馆")
    (('黑臭水体', '河道整治'), ())
    """
    return _line(GLOSSARY, word)


@lru_cache(maxsize=4096)
def synonyms(word: str) -> tuple[str, ...]:
    """The word's :func:`official_terms`, then its Cilin synonyms, best known first, no repeats.

    >>> synonyms("看病")[:4], synonyms("科技馆"), "广泛" in synonyms("科普")
    (('医疗', '就医', '诊疗', '医治'), (), False)
    """
    return tuple(dict.fromkeys(official_terms(word) + _line(TABLE, word)))
