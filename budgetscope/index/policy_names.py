"""English names of cited policy documents: which of ``budgetscope/data/policy_names_en.tsv`` a name means.

A name and the listed names are compared as sets of content words: case, function words (of, on,
the, for, and …), word order, British spelling and plurals do not count, so "Regulation on Letters
and Visits", "letters and visits regulations" and "Regulations on Letters and Visits" are one name,
and "Outline of National Scientific Literacy" is "National Scientific Literacy Outline". A name
whose words are all in listed names without being one (scientific literacy) is a partial name: it
stands for every document those names are of; its Chinese, when the glossary has it and a title
holds it (科学素质), is the short name ``cites`` asks the Chinese side by. A name made of generic
words only (law, regulations, national) is no partial name of anything.

Example:
    >>> policy_title("Regulation on Letters and Visits"), policy_title("tax law of Mars")
    ('信访工作条例', None)
    >>> name = match_policy_name("scientific literacy")
    >>> name.titles, name.partial, name.chinese
    (('全民科学素质行动规划纲要',), True, '科学素质')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from budgetscope.index.translate import american, english_words, is_english, translate_groups
from budgetscope.pipeline.policy_aliases import fold_spelling

WHOLE_NAME_OVERLAP = 0.75
"""Share of content words (of both names together) that a name and a listed name must have in common
to be one name: one word more or less in a name of four."""

_NOISE = re.compile(r"\b(?:of the people's republic of china|people's republic of china|china's|prc)\b")
_FUNCTION_TEXT = "a an the of on for in to and or by with at its their about concerning regarding"
_FUNCTION = frozenset(_FUNCTION_TEXT.split())
_GENERIC_TEXT = (
    "law regulation rule measure provision outline plan program programme notice opinion decision charter "
    "constitution standard guideline interim implementation implementing work management administration "
    "action national state shanghai china chinese people republic municipal"
)
_GENERIC = frozenset(_GENERIC_TEXT.split())
"""Words every other name has: a partial name needs a word besides them."""


def _stem(word: str) -> str:
    """A word's American spelling without its plural or possessive.

    >>> [_stem(w) for w in ("regulations", "popularisation", "subsidies", "progress", "analysis", "elderly's")]
    ['regulation', 'popularization', 'subsidy', 'progress', 'analysis', 'elderly']
    """
    word = american(word.removesuffix("'s"))
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def content_words(name: str) -> frozenset[str]:
    """The words of a name that say which document it is, stemmed (:func:`_stem`).

    >>> sorted(content_words("The Regulation on Letters and Visits (PRC)"))
    ['letter', 'regulation', 'visit']
    """
    text = _NOISE.sub(" ", unicodedata.normalize("NFKC", name).lower().replace("’", "'"))
    return frozenset(_stem(w) for w in english_words(text) if w not in _FUNCTION)


@lru_cache(maxsize=1)
def policy_names() -> tuple[tuple[frozenset[str], str], ...]:
    """The listed English names as content words, each with the Chinese title it names."""
    text = resources.files("budgetscope").joinpath("data", "policy_names_en.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t", 1)
            out.append((content_words(english), chinese.split("|")[0].strip()))
    return tuple(out)


@dataclass(frozen=True)
class PolicyName:
    """What an English name means among the listed names."""

    titles: tuple[str, ...]
    """The Chinese titles of the listed names it is (one) or is part of, in the list's order."""
    partial: bool = False
    """Part of listed names (scientific literacy), not one of them."""
    chinese: str | None = None
    """A partial name's Chinese from the glossary, when one of ``titles`` holds it (科学素质)."""


def match_policy_name(name: str) -> PolicyName | None:
    """The listed document names an English name is, or is part of; None for anything else.

    >>> match_policy_name("Outline of National Scientific Literacy")
    PolicyName(titles=('全民科学素质行动规划纲要',), partial=False, chinese=None)
    >>> match_policy_name("high-speed railway") is None, match_policy_name("regulations") is None
    (True, True)
    """
    if not is_english(name):
        return None
    words = content_words(name)
    if not words:
        return None

    def overlap(listed: frozenset[str]) -> float:
        return len(words & listed) / len(words | listed)

    best = max(policy_names(), key=lambda entry: overlap(entry[0]))
    if overlap(best[0]) >= WHOLE_NAME_OVERLAP:
        return PolicyName(titles=(best[1],))
    if words <= _GENERIC:
        return None
    titles = tuple(dict.fromkeys(title for listed, title in policy_names() if words <= listed))
    if not titles:
        return None
    return PolicyName(titles=titles, partial=True, chinese=_chinese(name, titles))


def _chinese(name: str, titles: tuple[str, ...]) -> str | None:
    """The glossary's Chinese for the whole of a partial name that one of ``titles`` holds, if any."""
    groups = translate_groups(name)
    if len(groups) != 1:
        return None
    folded = [fold_spelling(t) for t in titles]
    return next((term for term in groups[0] if any(fold_spelling(term) in t for t in folded)), None)


def policy_title(name: str) -> str | None:
    """The Chinese title of a law or plan named in English (a whole name, not a part), or None.

    >>> policy_title("the Science Popularization Law of the People's Republic of China")
    '中华人民共和国科学技术普及法'
    >>> policy_title("Fire Protection Law (PRC)"), policy_title("scientific literacy")
    ('中华人民共和国消防法', None)
    """
    found = match_policy_name(name)
    return found.titles[0] if found is not None and not found.partial else None


__all__ = ["PolicyName", "content_words", "match_policy_name", "policy_names", "policy_title"]
