"""A policy title's identity: spelling folded, notice wrappers, 简称, family names and versions.

The same document is cited as 《全民科学素质行动规划纲要（2021—2035年）》, with ASCII parentheses,
wrapped in its notice 《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》, by a 简称
(《科普法》) or under an older family name (行动计划纲要 for 行动规划纲要). :func:`title_key` folds all
of that into one key; :func:`split_version` splits a key into its family and version (the years).
The tables here are the domain knowledge :mod:`budgetscope.pipeline.link` starts from.

Example:
    >>> title_key("《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》")
    '全民科学素质行动规划纲要(2021-2035)'
    >>> split_version(title_key("全民科学素质行动计划纲要（2021-2035年）"))
    ('全民科学素质纲要', '2021-2035')
"""

from __future__ import annotations

import re
import unicodedata

SHORT_NAMES: dict[str, str] = {
    "科普法": "中华人民共和国科学技术普及法",
    "科技进步法": "中华人民共和国科学技术进步法",
    "成果转化法": "中华人民共和国促进科技成果转化法",
    "促进科技成果转化法": "中华人民共和国促进科技成果转化法",
    "上海市科普条例": "上海市科学技术普及条例",
}
"""简称 → full title (keys and values in :func:`title_key` spelling, before the law prefix)."""

FAMILY_NAMES: dict[str, str] = {
    "全民科学素质行动规划纲要": "全民科学素质纲要",
    "全民科学素质行动计划纲要": "全民科学素质纲要",
    "科学素质纲要": "全民科学素质纲要",
}
"""Names of one document family whatever the version (the 2006 纲要 is a 计划纲要, the 2021 one a 规划纲要)."""

KNOWN_DOCUMENTS: tuple[tuple[str, str | None], ...] = (
    ("全民科学素质行动计划纲要（2006—2010—2020年）", "国发〔2006〕7号"),
    ("全民科学素质行动计划纲要实施方案（2016—2020年）", "国办发〔2016〕10号"),
    ("全民科学素质行动规划纲要（2021—2035年）", "国发〔2021〕9号"),
    ("中华人民共和国科学技术普及法", None),
)
"""Official titles and 文号 that anchor versions even before the corpus cites them."""

_FOLD = str.maketrans("—–―~〔〕【】[]", "----()()()", "“”\"‘’'「」『』《》〈〉<>")
_WS = re.compile(r"\s+")
_WRAPPER = re.compile(r"^(?:.{0,40}?)关于(?:印发|颁布|发布)(?P<inner>.+?)的(?:补充)?通知$")
_EMBEDDED = re.compile(
    r"^.{0,40}?关于(?:转发|转印|同意|贯彻落实|贯彻|落实|执行)[《〈](?P<inner>.+)[》〉]"
    r"(?:有关问题|有关事项)?的(?:补充)?(?:通知|批复|复函|实施意见|意见|实施办法|实施细则)$"
)
_YEARS_PAREN = re.compile(r"\((?P<years>(?:19|20)\d{2}(?:年)?(?:-(?:19|20)\d{2}(?:年)?)*)\)")
_VERSION = re.compile(r"^(?P<base>.+?)\((?P<version>(?:19|20)\d{2}(?:-(?:19|20)\d{2})*)\)$")
_LAW = re.compile(r"(?<!办|方|做|立|执|宪|司|依|用)法$")
_LOCAL = re.compile(r"^[\u3400-\u9fff]{2,4}(?:省|市|自治区|特别行政区)")


def fold_spelling(text: str) -> str:
    """Spelling folded: NFKC, no spaces or quotes, ASCII dashes and parentheses, years without 年.

    >>> fold_spelling("《全民科学素质行动规划纲要（2021—2035年）》")
    '全民科学素质行动规划纲要(2021-2035)'
    """
    t = text
    for _ in range(4):  # to a fixed point: dropping a character can make NFKC compose anew
        folded = _WS.sub("", unicodedata.normalize("NFKC", t)).translate(_FOLD)
        folded = _YEARS_PAREN.sub(lambda m: "(" + m.group("years").replace("年", "") + ")", folded)
        if folded == t:
            break
        t = folded
    return t


def is_notice(title: str) -> bool:
    """Whether a title is a notice wrapping the document it issues (关于印发…的通知).

    >>> is_notice("国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知")
    True
    """
    return _WRAPPER.match(fold_spelling(title)) is not None


def embedded_title(title: str) -> str | None:
    """The 《》 title a forwarding, implementing or approving notice is about; None for other titles.

    Such a notice (关于转发《X》的通知) is a policy document of its own, with its own 文号, so its
    key is not X's (unlike 关于印发X的通知, which is X); a search for X still reaches it through this.

    >>> embedded_title("市人社局关于转发《博士后管理工作规定》的通知"), embedded_title("博士后管理工作规定")
    ('博士后管理工作规定', None)
    """
    m = _EMBEDDED.match(_WS.sub("", title))
    return m.group("inner") if m else None


def is_notice_about(title: str, key: str) -> bool:
    """Whether ``title`` forwards, implements or approves the document whose title key is ``key``
    (or, for a key without years, a version of its family).

    >>> is_notice_about("关于转发《博士后管理工作规定》的通知", title_key("《博士后管理工作规定》"))
    True
    """
    inner = embedded_title(title)
    if inner is None:
        return False
    inner_key = title_key(inner)
    return inner_key == key or (split_version(key)[1] is None and split_version(inner_key)[0] == key)


def title_key(title: str) -> str:
    """A title's identity: spelling folded, notice wrapper and 简称 resolved, 中华人民共和国 for laws.

    >>> title_key("《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》")
    '全民科学素质行动规划纲要(2021-2035)'
    >>> title_key("科普法") == title_key("中华人民共和国科学技术普及法")
    True
    """
    t = fold_spelling(title)
    while (m := _WRAPPER.match(t)) is not None:
        t = m.group("inner")
    t = SHORT_NAMES.get(t, t).replace("科协", "科学技术协会")
    if _LAW.search(t) and not t.startswith("中华人民共和国") and not _LOCAL.match(t) and len(t) <= 30:
        t = "中华人民共和国" + t
    return t


def split_version(key: str) -> tuple[str, str | None]:
    """A key's family (its name without a trailing years paren, 简称 folded) and version (the years).

    >>> split_version(title_key("全民科学素质行动计划纲要（2021-2035年）"))
    ('全民科学素质纲要', '2021-2035')
    """
    m = _VERSION.match(key)
    base, version = (m.group("base"), m.group("version")) if m else (key, None)
    return FAMILY_NAMES.get(base, base), version


__all__ = [
    "FAMILY_NAMES",
    "KNOWN_DOCUMENTS",
    "SHORT_NAMES",
    "embedded_title",
    "fold_spelling",
    "is_notice",
    "is_notice_about",
    "split_version",
    "title_key",
]
