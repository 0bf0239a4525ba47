"""One canonical identity per policy document: aliases, 简称, wrappers, versions and 文号.

The same document is cited as 《全民科学素质行动规划纲要（2021—2035年）》, with ASCII parentheses,
wrapped in its notice 《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）,
by a short name (《全民科学素质纲要》) or misnamed (《全民科学素质行动计划纲要（2021-2035年）》); its
predecessor （2006—2010—2020年） is another version of the same family. :func:`title_key` folds the
spelling; :class:`PolicyIndex` groups what the corpus cites (same key, same 文号, same family and
version, an issuer-less 关于… title with one issuer) and picks a version for a bare family title by
evidence: its 文号, the years in its title, then the citing document's year. What stays unclear
becomes a document marked ``ambiguous`` rather than a guess.

A document's id (:func:`policy_id`) depends on its identity evidence alone (its earliest 文号, else
the family and version of its title key); title folding is :mod:`budgetscope.pipeline.policy_aliases`.

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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from budgetscope.models import Citation, PolicyDocument, stable_id
from budgetscope.pipeline.docnumbers import find_doc_numbers, parse_doc_number
from budgetscope.pipeline.policy_aliases import (
    FAMILY_NAMES,
    KNOWN_DOCUMENTS,
    SHORT_NAMES,
    fold_spelling,
    is_notice,
    is_notice_about,
    split_version,
    title_key,
)
from budgetscope.pipeline.policy_groups import UnionFind, issuerless, link_issuers, link_published

_GENERIC_TITLE = re.compile(
    r"(?:本|该|此)?(?:纲要|规划|条例|办法|意见|通知|方案|细则|章程|决定|规定|报告|标准|指南|法)"
)
_QUESTION_HEAD = re.compile(
    r"^(?:请问)?(?:有)?(?:哪些|哪个|什么|那些)?(?:项目|单位|部门|文件|预算)?(?:都|还|曾)?"
    r"(?:引用|提到|提及|依据|根据|援引|涉及|落实|贯彻|参照|按照)(?:了|过)?"
)
_QUESTION_TAIL = re.compile(r"(?:的)?(?:项目|文件|政策)?(?:有哪些|是哪些|有什么|是什么|吗|呢)?[？?。!！\s]*$")


def number_key(text: str | None) -> str | None:
    """The key a 文号 is matched by (its parsed parts, else its folded spelling); None for no text."""
    if not text:
        return None
    parsed = parse_doc_number(text)
    return parsed.key() if parsed else fold_spelling(text)


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
    pinned: str | None = None  # a reloaded bare title: its document's title key ("" when left unclear)


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
        versioned = {d.family or "" for d in loaded if d.version}
        for d in loaded:
            self._seeds.append(
                [(d.title, None), *((a, None) for a in d.aliases), *((d.title, n) for n in d.doc_numbers)]
            )
            own = "" if d.ambiguous and d.family in versioned else title_key(d.title)
            for t in [d.title, *d.aliases]:
                key = title_key(t)
                self._seen.append(_Seen(t, key, None, None, "", own if _is_bare(key, versioned) else None))
        self._index(loaded)

    def add(self, citation: Citation, *, year: int | None, doc: str) -> None:
        """Record one citation of a document of the given (budget) year."""
        title = citation.short_for or citation.title
        self._seen.append(_Seen(title, title_key(title), number_key(citation.doc_number), year, doc))

    def resolve(self) -> None:
        """Group what was added into documents (call after all adds; adding more needs another call)."""
        seeds = [[(title_key(t), number_key(n), t) for t, n in seed] for seed in self._seeds]
        keys = sorted({s.key for s in self._seen} | {k for seed in seeds for k, _, _ in seed})
        versioned = {split_version(k)[0] for k in keys if split_version(k)[1]}
        firm = [k for k in keys if not _is_bare(k, versioned)]
        uf = UnionFind(keys)
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
        link_published(uf, firm, {s.key for s in self._seen if s.key in firm and is_notice(s.title)})
        unsure = link_issuers(uf, firm)
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
        names = _representatives(set(groups) | set(anchors), anchors, uf, firm)
        versions: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for root, name in names.items():
            family, version = split_version(name)
            if version:
                versions[family].append((int(version[:4]), root))
        unclear: dict[str, list[_Seen]] = defaultdict(list)
        for s in bare:
            family = split_version(s.key)[0]
            chosen = _choose(sorted(versions[family]), s.year) if s.pinned is None else None
            if s.pinned and uf.find(s.pinned) in groups:
                chosen = uf.find(s.pinned)
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
        present = {(d.family, d.version) for d in docs if not d.ambiguous}
        for title, number in KNOWN_DOCUMENTS:  # known versions count even when nothing cites them
            family, version = split_version(title_key(title))
            if version and (family, version) not in present:
                versions[family].append(
                    (int(version[:4]), policy_id([number] if number else [], family, version))
                )
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
                self._by_number.setdefault(number_key(n) or n, d.id)

    def canonical(self, citation: Citation, *, year: int | None) -> str | None:
        """The canonical id of the document a citation names (None when it names nothing known).

        Evidence in order: the citation's 文号, its title (with the years in it), the citing year.
        """
        number = number_key(citation.doc_number)
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
        rest = issuerless(key)
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
        ids += [d.id for d in self.documents() if any(is_notice_about(a, key) for a in [d.title, *d.aliases])]
        return [self._docs[i] for i in dict.fromkeys(ids)]


def policy_id(numbers: Iterable[str], family: str, version: str | None) -> str:
    """A canonical document's id from its identity evidence: its earliest 文号, else family + version.

    Of several 文号 the earliest issued counts (then the smallest serial), so the id does not
    change with the order or the set of files whose citations were grouped.

    >>> policy_id(["国发〔2022〕1号", "国发[2021]9号"], "纲要", None) == policy_id(["国发〔2021〕9号"], "", None)
    True
    >>> policy_id([], "全民科学素质纲要", "2021-2035") == policy_id([], "全民科学素质纲要", None)
    False
    """
    keys = {k for n in numbers if (k := number_key(n))}
    if keys:
        return "pd:" + stable_id("文号", min(keys, key=_issued))
    return "pd:" + stable_id(family, version or "")


def _issued(key: str) -> tuple[int, int, str]:
    """Sort key of a 文号 key: issuing year (decrees and unparsed numbers last), serial, the key."""
    n = parse_doc_number(key)
    serial = n.serial if n and n.serial and n.serial.isdigit() else "0"
    return (n.year or 9_999) if n else 10_000, int(serial), key


def _is_bare(key: str, versioned: set[str]) -> bool:
    """A family title without years (全民科学素质纲要) while the family has dated versions."""
    family, version = split_version(key)
    return version is None and family in versioned


def _representatives(
    roots: set[str],
    anchors: dict[str, tuple[str, str | None, str]],
    uf: UnionFind,
    firm: list[str],
) -> dict[str, str]:
    """The key that names each group: its anchored official title, else its longest dated key.

    Never the commonest or the first seen: the name gives a 文号-less document its id.
    """
    members: dict[str, list[str]] = defaultdict(list)
    for k in firm:
        members[uf.find(k)].append(k)

    def rank(k: str) -> tuple[bool, int, str]:
        return split_version(k)[1] is not None, len(k), k

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
    title = official or min(counts, key=lambda t: (is_notice(t), -counts[t], t))
    return PolicyDocument(
        id=policy_id(numbers, family, version),
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


__all__ = [
    "FAMILY_NAMES",
    "KNOWN_DOCUMENTS",
    "SHORT_NAMES",
    "PolicyIndex",
    "policy_id",
    "split_version",
    "title_key",
]
