"""One canonical identity per policy document: aliases, 简称, wrappers, versions and 文号.

The same document is cited as 《全民科学素质行动规划纲要（2021—2035年）》, with ASCII parentheses,
wrapped in its notice 《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）,
by a short name (《全民科学素质纲要》) or misnamed (《全民科学素质行动计划纲要（2021-2035年）》); its
predecessor （2006—2010—2020年） is another version of the same family. :func:`title_key` folds the
spelling; :class:`PolicyIndex` groups what the corpus cites (same key, same 文号, same family and
version, an issuer-less 关于… title with one issuer) and picks a version for a bare family title by
evidence: its 文号, the years in its title, then the citing document's year. What stays unclear
becomes a document marked ``ambiguous`` rather than a guess.

Example:
    >>> from budgetscope.models import Citation
    >>> index = PolicyIndex()
    >>> index.add(Citation(title="全民科学素质行动规划纲要（2021—2035年）"), year=2026, doc="a.txt")
    >>> index.add(Citation(title="全民科学素质纲要"), year=2026, doc="a.txt")
    >>> index.resolve()
    >>> len({index.canonical(Citation(title=t), year=2026) for t in ("全民科学素质纲要", "全民科学素质行动计划纲要（2021-2035年）")})
    1
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from budgetscope.models import Citation, PolicyDocument, stable_id
from budgetscope.pipeline.docnumbers import find_doc_numbers, parse_doc_number

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
_WRAPPER = re.compile(r"^(?:.{0,40}?)关于(?:印发|转发|颁布|发布)(?P<inner>.+?)的(?:补充)?通知$")
_YEARS_PAREN = re.compile(r"\((?P<years>(?:19|20)\d{2}(?:年)?(?:-(?:19|20)\d{2}(?:年)?)*)\)")
_VERSION = re.compile(r"^(?P<base>.+?)\((?P<version>(?:19|20)\d{2}(?:-(?:19|20)\d{2})*)\)$")
_LAW = re.compile(r"(?<!办|方|做|立|执|宪|司|依|用)法$")
_LOCAL = re.compile(r"^[\u3400-\u9fff]{2,4}(?:省|市|自治区|特别行政区)")
_GENERIC_TITLE = re.compile(
    r"(?:本|该|此)?(?:纲要|规划|条例|办法|意见|通知|方案|细则|章程|决定|规定|报告|标准|指南|法)"
)
_ISSUER = re.compile(r"^(?P<issuer>[^关]{2,40}?)(?P<rest>关于.+)$")
_QUESTION_HEAD = re.compile(
    r"^(?:请问)?(?:有)?(?:哪些|哪个|什么|那些)?(?:项目|单位|部门|文件|预算)?(?:都|还|曾)?"
    r"(?:引用|提到|提及|依据|根据|援引|涉及|落实|贯彻|参照|按照)(?:了|过)?"
)
_QUESTION_TAIL = re.compile(r"(?:的)?(?:项目|文件|政策)?(?:有哪些|是哪些|有什么|是什么|吗|呢)?[？?。!！\s]*$")


def _fold(title: str) -> str:
    t = title
    for _ in range(4):  # to a fixed point: dropping a character can make NFKC compose anew
        folded = _WS.sub("", unicodedata.normalize("NFKC", t)).translate(_FOLD)
        folded = _YEARS_PAREN.sub(lambda m: "(" + m.group("years").replace("年", "") + ")", folded)
        if folded == t:
            break
        t = folded
    return t


def title_key(title: str) -> str:
    """A title's identity: spelling folded, notice wrapper and 简称 resolved, 中华人民共和国 for laws.

    >>> title_key("《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》")
    '全民科学素质行动规划纲要(2021-2035)'
    >>> title_key("科普法") == title_key("中华人民共和国科学技术普及法")
    True
    """
    t = _fold(title)
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


def _issuerless(key: str) -> str | None:
    m = _ISSUER.match(key)
    return m.group("rest") if m else None


def _number_key(text: str | None) -> str | None:
    if not text:
        return None
    parsed = parse_doc_number(text)
    return parsed.key() if parsed else _fold(text)


def _similar(a: str, b: str) -> bool:
    if a in b or b in a or next(find_doc_numbers(a), None) or next(find_doc_numbers(b), None):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.6


@dataclass
class _Seen:
    title: str
    key: str
    number: str | None
    year: int | None
    doc: str


class PolicyIndex:
    """Canonical policy documents of a corpus: add every citation, resolve, then ask.

    Build it from citations (``add`` … ``resolve``) or reload it from stored documents
    (``PolicyIndex(documents)``); both answer ``canonical``, ``documents`` and ``lookup``.
    """

    def __init__(self, documents: Iterable[PolicyDocument] = ()) -> None:
        self._seen: list[_Seen] = []
        self._seeds: list[list[tuple[str, str | None]]] = [[(t, n)] for t, n in KNOWN_DOCUMENTS]
        self._docs: dict[str, PolicyDocument] = {}
        self._by_key: dict[str, str] = {}
        self._by_number: dict[str, str] = {}
        self._versions: dict[str, list[tuple[int, str]]] = {}
        self._unclear: dict[str, str] = {}
        loaded = list(documents)
        for d in loaded:
            self._seeds.append(
                [(d.title, None), *((a, None) for a in d.aliases), *((d.title, n) for n in d.doc_numbers)]
            )
            if not d.ambiguous:
                self._seen += [
                    _Seen(t, title_key(t), None, None, "")
                    for t in [d.title, *d.aliases]
                    if not _is_bare(title_key(t), {d.family or ""} if d.version else set())
                ]
        self._index(loaded)

    def add(self, citation: Citation, *, year: int | None, doc: str) -> None:
        """Record one citation of a document of the given (budget) year."""
        title = citation.short_for or citation.title
        self._seen.append(_Seen(title, title_key(title), _number_key(citation.doc_number), year, doc))

    def resolve(self) -> None:
        """Group what was added into documents (call after all adds; adding more needs another call)."""
        seeds = [[(title_key(t), _number_key(n), t) for t, n in seed] for seed in self._seeds]
        keys = sorted({s.key for s in self._seen} | {k for seed in seeds for k, _, _ in seed})
        versioned = {split_version(k)[0] for k in keys if split_version(k)[1]}
        firm = [k for k in keys if not _is_bare(k, versioned)]
        uf = _UnionFind(keys)
        numbers: dict[str, set[str]] = defaultdict(set)
        for seed in seeds:
            for k, n, _ in seed:
                if k in firm:
                    uf.union(seed[0][0], k)
                    if n:
                        numbers[n].add(k)
        for s in self._seen:
            if s.number and s.key in firm:
                numbers[s.number].add(s.key)
        for group in numbers.values():
            first, *others = sorted(group)
            for other in others:
                if _similar(first, other):
                    uf.union(first, other)
        by_version: dict[tuple[str, str | None], str] = {}
        for k in keys:
            uf.union(by_version.setdefault(split_version(k), k), k)
        unsure = _link_issuers(uf, firm)
        number_root = {n: r.pop() for n, ks in numbers.items() if len(r := {uf.find(k) for k in ks}) == 1}
        groups: dict[str, list[_Seen]] = defaultdict(list)
        bare: list[_Seen] = []
        for s in self._seen:
            if s.key in firm:
                groups[uf.find(s.key)].append(s)
            elif s.number in number_root:
                groups[number_root[s.number or ""]].append(s)
            else:
                bare.append(s)
        anchors = {uf.find(seed[0][0]): seed[0] for seed in seeds[: len(KNOWN_DOCUMENTS)]}
        counts = Counter(s.key for s in self._seen)
        names = _representatives(set(groups) | set(anchors), anchors, uf, firm, counts)
        versions: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for root, name in names.items():
            family, version = split_version(name)
            if version:
                versions[family].append((int(version[:4]), root))
        unclear: dict[str, list[_Seen]] = defaultdict(list)
        for s in bare:
            family = split_version(s.key)[0]
            chosen = _choose(sorted(versions[family]), s.year)
            (groups[chosen] if chosen else unclear[family]).append(s)
        titles = {uf.find(seed[0][0]): seed[0][2] for seed in seeds}
        docs = [
            _document(
                names[root],
                seen,
                titles.get(root),
                sorted(n for n, r in number_root.items() if r == root),
                ambiguous={s.key for s in seen} <= unsure,
            )
            for root, seen in sorted(groups.items())
            if seen
        ]
        docs += [
            PolicyDocument(
                id="pd:" + stable_id(family, "?"),
                title=family,
                family=family,
                aliases=sorted({s.title for s in seen}),
                ambiguous=True,
            )
            for family, seen in sorted(unclear.items())
        ]
        self._index(docs)

    def _index(self, docs: list[PolicyDocument]) -> None:
        self._docs = {d.id: d for d in docs}
        self._by_key, self._by_number, self._unclear = {}, {}, {}
        versions: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for d in docs:
            if d.version and d.family and not d.ambiguous:
                versions[d.family].append((int(d.version[:4]), d.id))
        for title, _ in KNOWN_DOCUMENTS:  # known versions count even when nothing cites them
            family, version = split_version(title_key(title))
            if version:
                versions[family].append((int(version[:4]), "pd:" + stable_id(family, version)))
        self._versions = {f: sorted(set(v)) for f, v in versions.items()}
        for d in docs:
            if d.ambiguous and d.family in versions:
                self._unclear[d.family] = d.id
                continue
            for alias in [d.title, *d.aliases]:
                key = title_key(alias)
                if not _is_bare(key, set(versions)):
                    self._by_key.setdefault(key, d.id)
            for n in d.doc_numbers:
                self._by_number.setdefault(_number_key(n) or n, d.id)

    def canonical(self, citation: Citation, *, year: int | None) -> str | None:
        """The canonical id of the document a citation names (None when it names nothing known).

        Evidence in order: the citation's 文号, its title (with the years in it), the citing year.
        """
        number = _number_key(citation.doc_number)
        if number and number in self._by_number:
            return self._by_number[number]
        key = title_key(citation.short_for or citation.title)
        if key in self._by_key:
            return self._by_key[key]
        family, version = split_version(key)
        if family in self._versions:
            if version:
                return next(
                    (
                        d
                        for _, d in self._versions[family]
                        if d in self._docs and self._docs[d].version == version
                    ),
                    None,
                )
            chosen = _choose(self._versions[family], year)
            return chosen if chosen in self._docs else self._unclear.get(family)
        rest = _issuerless(key)
        return self._by_key.get(rest) if rest else None

    def documents(self) -> list[PolicyDocument]:
        """Every canonical document, ambiguous ones included, in a stable order."""
        return sorted(self._docs.values(), key=lambda d: (d.family or "", d.version or "", d.id))

    def lookup(self, query: str) -> list[PolicyDocument]:
        """Documents matching a title, a 简称, a 文号 or a question ("哪些项目引用了全民科学素质纲要").

        >>> index = PolicyIndex()
        >>> index.add(Citation(title="中华人民共和国科学技术普及法"), year=2026, doc="a.txt")
        >>> index.resolve()
        >>> [d.title for d in index.lookup("哪些项目引用了科普法？")]
        ['中华人民共和国科学技术普及法']
        """
        q = _QUESTION_TAIL.sub("", _QUESTION_HEAD.sub("", query.strip()))
        numbers = [n.number.key() for n in find_doc_numbers(q)]
        if numbers:
            return [self._docs[self._by_number[n]] for n in numbers if n in self._by_number]
        key = title_key(q)
        if not key:
            return []
        family, version = split_version(key)
        ids = [self._by_key[key]] if key in self._by_key else []
        if not version:
            ids += [d.id for d in self.documents() if d.family == family]
        if not ids and len(key) >= 3:
            ids = [d.id for d in self.documents() if any(key in title_key(a) for a in [d.title, *d.aliases])]
        return [self._docs[i] for i in dict.fromkeys(ids)]


def _is_bare(key: str, versioned: set[str]) -> bool:
    """A family title without years (全民科学素质纲要) while the family has dated versions."""
    family, version = split_version(key)
    return version is None and family in versioned


class _UnionFind:
    """Groups of title keys."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _link_issuers(uf: _UnionFind, firm: list[str]) -> set[str]:
    """Join an issuer-less 关于… title to the one issuer's title; return those with several issuers."""
    issued: dict[str, list[str]] = defaultdict(list)
    for k in firm:
        if (rest := _issuerless(k)) is not None:
            issued[rest].append(k)
    unsure: set[str] = set()
    for k in firm:
        owners = {uf.find(o) for o in issued.get(k, [])}
        if len(owners) == 1:
            uf.union(k, owners.pop())
        elif owners:
            unsure.add(k)
    return unsure


def _representatives(
    roots: set[str],
    anchors: dict[str, tuple[str, str | None, str]],
    uf: _UnionFind,
    firm: list[str],
    counts: Counter[str],
) -> dict[str, str]:
    """The key that names each group: its anchored official title, else its commonest dated key."""
    members: dict[str, list[str]] = defaultdict(list)
    for k in firm:
        members[uf.find(k)].append(k)

    def rank(k: str) -> tuple[bool, int, int, str]:
        return split_version(k)[1] is not None, counts[k], -len(k), k

    return {
        root: anchors[root][0] if root in anchors else max(members.get(root) or [root], key=rank)
        for root in roots
    }


def _document(
    name: str, seen: list[_Seen], official: str | None, numbers: list[str], *, ambiguous: bool
) -> PolicyDocument:
    """One canonical document from the citations grouped under it."""
    family, version = split_version(name)
    counts = Counter(s.title for s in seen)
    title = official or min(counts, key=lambda t: (_WRAPPER.match(_fold(t)) is not None, -counts[t], t))
    return PolicyDocument(
        id="pd:" + stable_id(family, version or ""),
        title=title,
        family=family,
        version=version,
        aliases=sorted(set(counts) - {title}),
        doc_numbers=numbers,
        ambiguous=ambiguous or _GENERIC_TITLE.fullmatch(family) is not None,
    )


def _choose(versions: list[tuple[int, str]], year: int | None) -> str | None:
    """The version in force for a citing year: the newest that started by then; None when unclear."""
    if not versions:
        return None
    if year is None:
        return versions[0][1] if len(versions) == 1 else None
    started = [v for v in versions if v[0] <= year]
    if not started:
        return None
    start, chosen = started[-1]
    return None if start == year and len(started) > 1 else chosen


__all__ = ["FAMILY_NAMES", "KNOWN_DOCUMENTS", "SHORT_NAMES", "PolicyIndex", "split_version", "title_key"]
