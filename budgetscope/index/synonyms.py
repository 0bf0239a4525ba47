"""Chinese synonyms for the coverage of a query's words: a paraphrase in other words still counts.

A user asks for 给行动不便的老人洗澡 where the budget writes 老年人 and 沐浴, or 领导干部看病 where it
writes 医疗. :func:`~budgetscope.index.ranking.term_groups` gives each distinctive word of a Chinese
query its synonyms, so a project holding a synonym covers that word (the share of the query it covers
lifts its rank and its calibrated relevance). The lexical (BM25) list is not expanded: measured on
benchmarks/eval13, adding the synonyms to the BM25 query lowered the held-back half, while coverage
alone raised it (the README's search section).

The table (budgetscope/data/synonyms_zh.tsv) is 哈工大《同义词词林（扩展版）》's (HIT Cilin extended)
groups of true synonyms, each pair checked by the USE encoder; ``tools/build_synonyms.py`` builds it
and says how.

Example:
    >>> synonyms("洗澡")[:2]
    ('沐浴', '冲凉')
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

TABLE = "synonyms_zh.tsv"


@lru_cache(maxsize=1)
def _text() -> str:
    """The table as one string, a newline first: a word's line is found with one ``str.find`` (a query
    needs a few words; parsing all 33,000 lines would cost a cold CLI query 80 ms)."""
    return "\n" + resources.files("budgetscope.data").joinpath(TABLE).read_text(encoding="utf-8")


@lru_cache(maxsize=4096)
def synonyms(word: str) -> tuple[str, ...]:
    """The synonyms of ``word``, best known first (empty when the table lacks it).

    >>> synonyms("看病")[:3], synonyms("科技馆"), "广泛" in synonyms("科普")
    (('医治', '治病', '医疗'), (), False)
    """
    text = _text()
    start = text.find(f"\n{word}\t") if word and "\n" not in word and "\t" not in word else -1
    if start < 0:
        return ()
    start += len(word) + 2
    end = text.find("\n", start)
    return tuple(text[start : end if end >= 0 else len(text)].split())
