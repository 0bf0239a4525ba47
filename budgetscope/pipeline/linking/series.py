"""The same project across years and documents: project series with a confidence.

Pure: records in, series memberships out. Two projects of one department are candidates when
their names share a character bigram; a pair's confidence mixes name similarity (character
bigrams after stripping years, 项目/工作/经费 and quotes), content similarity (TF-IDF cosine of the
character bigrams of everything the project says) and implementing-body overlap. Pairs are
merged greedily, best first. A series holds one project a budget year: a narrative and the
performance form linked to it (:func:`~budgetscope.pipeline.linking.findings.link_narratives_forms`)
count as one, but two projects of one year (``2025年SM信息化运维项目`` and ``2026年SM信息化运维项目``
of a 2026 budget) or of one document never share a series. A department-wide form
(``department_form``) is only ever the same as another department-wide form.

Example:
    >>> series_key("2023年度科协大院日常运行与维护项目经费情况说明")
    '科协大院日常运行与维护'
    >>> round(name_similarity("科技社团党建工作项目", "科技社团党建项目"), 2)
    1.0
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from budgetscope.models import ProjectLink, Record, SeriesLink, stable_id

LINK_THRESHOLD = 0.5
"""Pairs below this confidence are not linked."""

VECTOR_TERMS = 128
"""Bigrams kept per content vector."""

WEIGHTS = {"name": 0.55, "content": 0.3, "body": 0.15}
"""How name, content and implementing-body similarity add up to a pair's confidence."""

_YEAR = re.compile(r"(?:[(（]\s*)?(?:19|20)\d{2}\s*(?:[)）]\s*)?年?度?")
_NAME_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_QUOTES = re.compile(r"[“”\"'‘’《》〈〉「」『』\s·]")
_SUFFIX = re.compile(r"(?:经费情况说明|情况说明|项目|工作经费|经费|工作|专项)$")
_PREFIX = re.compile(r"^(?:加强|推进|落实推进|开展|深化|做好)")
_BODY_NOISE = re.compile(r"^(?:上海市|市)")


def series_key(name: str) -> str:
    """A project name without years, quotes, generic suffixes (项目, 工作, 经费) and leading verbs.

    >>> series_key("新能源产业推进（2025）年项目"), series_key("加强科技创新智库建设")
    ('新能源产业推进', '科技创新智库建设')
    """
    key = unicodedata.normalize("NFKC", name)
    key = _QUOTES.sub("", key)
    key = _YEAR.sub("", key)
    previous = None
    while previous != key:
        previous = key
        key = _SUFFIX.sub("", key)
    stripped = _PREFIX.sub("", key)
    return stripped if len(stripped) >= 2 else key


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of the CJK letters and digits of ``text``.

    >>> bigrams("科普 服务")
    ['科普', '普服', '服务']
    """
    chars = [c for c in text if c.isalnum()]
    return [a + b for a, b in itertools.pairwise(chars)]


def name_similarity(a: str, b: str) -> float:
    """Bigram similarity of two project names after :func:`series_key`: Jaccard, or 0.9 × containment.

    >>> round(name_similarity("科协大院日常修缮项目", "2023年度科协大院日常运行与维护项目"), 2)
    0.64
    """
    return key_similarity(NameKey.of(a), NameKey.of(b))


def name_years(name: str) -> frozenset[str]:
    """The years a project name states (what :func:`series_key` strips).

    >>> sorted(name_years("广州市数字政府运营中心2025年-2027年广州市统一政务外网服务项目"))
    ['2025', '2027']
    """
    return frozenset(_NAME_YEAR.findall(unicodedata.normalize("NFKC", name)))


@dataclass(frozen=True)
class NameKey:
    """A project name's :func:`series_key`, its bigram set and its years, computed once per project."""

    key: str
    grams: frozenset[str]
    years: frozenset[str] = frozenset()

    @classmethod
    def of(cls, name: str) -> NameKey:
        key = series_key(name)
        return cls(key, frozenset(bigrams(key)), name_years(name))

    def other_years(self, other: NameKey) -> bool:
        """Whether both names state years and not the same ones: in one budget, two projects.

        >>> NameKey.of("2025年SM信息化运维项目").other_years(NameKey.of("2026年SM信息化运维项目"))
        True
        >>> NameKey.of("2026年SM信息化运维项目").other_years(NameKey.of("SM信息化运维"))
        False
        """
        return bool(self.years and other.years and self.years != other.years)


def key_similarity(a: NameKey, b: NameKey) -> float:
    """:func:`name_similarity` of two precomputed keys."""
    if a.key == b.key:
        return 1.0
    sa, sb = a.grams, b.grams
    if not sa or not sb:
        return 0.0
    inter = len(sa & sb)
    jaccard = inter / len(sa | sb)
    overlap = inter / min(len(sa), len(sb)) if min(len(sa), len(sb)) >= 3 else 0.0
    return max(jaccard, 0.9 * overlap)


def project_text(record: Record) -> str:
    """Everything a project says: its sections, or a form's free texts and indicators."""
    parts = [t for t in record.sections.values() if t]
    if record.form is not None:
        parts += list(record.form.texts.values())
        parts += [i.level3 or "" for i in record.form.indicators]
    return "\n".join(parts)


def _name(record: Record) -> str:
    return record.name or record.title


class _Vectors:
    """TF-IDF vectors of character bigrams over a set of projects (for content cosine).

    Each vector keeps its :data:`VECTOR_TERMS` heaviest bigrams: the cosine of what is most
    particular to each project, at a cost that does not grow with the length of the texts.
    Vectors are sorted term-id arrays, so a cosine is one ``numpy.intersect1d``.
    """

    def __init__(self, texts: dict[str, str]) -> None:
        import numpy as np

        counts = {pid: Counter(bigrams(t)) for pid, t in texts.items()}
        df: Counter[str] = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = max(len(counts), 1)
        ids = {g: i for i, g in enumerate(sorted(df))}
        self.vectors: dict[str, tuple[Any, Any]] = {}
        for pid, c in counts.items():
            if not c:
                continue
            weights = {g: (1 + math.log(k)) * math.log((1 + n) / (1 + df[g])) for g, k in c.items()}
            top = sorted(weights.items(), key=lambda gv: (-gv[1], gv[0]))[:VECTOR_TERMS]
            top.sort(key=lambda gv: ids[gv[0]])
            terms = np.array([ids[g] for g, _ in top], dtype=np.int64)
            values = np.array([v for _, v in top], dtype=np.float64)
            norm = float(np.sqrt(values @ values)) or 1.0
            self.vectors[pid] = (terms, values / norm)

    def cosine(self, a: str, b: str) -> float | None:
        import numpy as np

        va, vb = self.vectors.get(a), self.vectors.get(b)
        if va is None or vb is None:
            return None
        _, ia, ib = np.intersect1d(va[0], vb[0], assume_unique=True, return_indices=True)
        return float(va[1][ia] @ vb[1][ib])


def _bodies(record: Record) -> set[str]:
    """Implementing bodies, with 本级 (the department's own level) read as the department itself."""
    out = set()
    for body in record.implementing_bodies:
        if body.endswith("本级") and record.department:
            body = record.department
        out.add(_BODY_NOISE.sub("", body))
    return out


def body_similarity(a: Record | set[str], b: Record | set[str]) -> float | None:
    """Jaccard overlap of implementing bodies (None when either names none)."""
    sa = a if isinstance(a, set) else _bodies(a)
    sb = b if isinstance(b, set) else _bodies(b)
    if not sa or not sb:
        return None
    return len(sa & sb) / len(sa | sb)


def pair_confidence(name: float, content: float | None, body: float | None) -> float:
    """Weighted mean of the available similarities (missing evidence drops out of the mean).

    >>> pair_confidence(1.0, None, None)
    1.0
    """
    parts = [(WEIGHTS["name"], name)]
    if content is not None:
        parts.append((WEIGHTS["content"], content))
    if body is not None:
        parts.append((WEIGHTS["body"], body))
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)


def candidate_pairs(keys: Sequence[tuple[str, NameKey]]) -> Iterable[tuple[int, int]]:
    """Index pairs of projects of one department (or an unknown one) sharing a name bigram.

    ``keys`` holds each project's department and name key.
    """
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (department, key) in enumerate(keys):
        for g in key.grams or {key.key}:
            postings[(department, g)].append(i)
    seen: set[tuple[int, int]] = set()
    for ids in postings.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                pair = (ids[x], ids[y])
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def link_series(
    records: Sequence[Record],
    links: Sequence[ProjectLink],
    *,
    threshold: float = LINK_THRESHOLD,
) -> list[SeriesLink]:
    """Every project's series: projects of one series are the same project in other years or documents.

    ``links`` are the narrative ↔ form links of the same records
    (:func:`~budgetscope.pipeline.linking.findings.link_narratives_forms`): a linked narrative and
    form are one project and always share a series; no other two projects of one budget year or
    one document do. A project alone in its series has confidence 1.0; others carry the confidence
    of the pair that brought them in.
    """
    keys = [(r.department or "", NameKey.of(_name(r))) for r in records]
    vectors = _Vectors({r.id: project_text(r) for r in records})
    bodies = [_bodies(r) for r in records]

    def score(i: int, j: int) -> tuple[float, int, int, dict[str, float]]:
        name = key_similarity(keys[i][1], keys[j][1])
        content = vectors.cosine(records[i].id, records[j].id)
        body = body_similarity(bodies[i], bodies[j])
        return pair_confidence(name, content, body), i, j, _evidence(name, content, body)

    position = {r.id: i for i, r in enumerate(records)}
    same_project = []
    for link in links:
        if link.narrative_id in position and link.form_id in position:
            confidence, i, j, evidence = score(position[link.narrative_id], position[link.form_id])
            same_project.append((confidence, i, j, {**evidence, "form_link": round(link.confidence, 3)}))
    scored: list[tuple[float, int, int, dict[str, float]]] = []
    for i, j in candidate_pairs(keys):
        a, b = records[i], records[j]
        if a.doc == b.doc or (a.year is not None and a.year == b.year):
            continue  # one project a year: a linked narrative and form are joined as ``same_project``
        if _department_wide(a) != _department_wide(b) or key_similarity(keys[i][1], keys[j][1]) < 0.3:
            continue
        if (pair := score(i, j))[0] >= threshold:
            scored.append(pair)
    scored.sort(key=lambda s: (-s[0], records[s[1]].id, records[s[2]].id))
    cluster = list(range(len(records)))
    docs: dict[int, set[str]] = {i: {r.doc} for i, r in enumerate(records)}
    years: dict[int, set[int]] = {i: {r.year} if r.year is not None else set() for i, r in enumerate(records)}
    joined: dict[int, tuple[float, int, dict[str, float]]] = {}

    def find(i: int) -> int:
        while cluster[i] != i:
            cluster[i] = cluster[cluster[i]]
            i = cluster[i]
        return i

    pairs = [(True, s) for s in same_project] + [(False, s) for s in scored]
    for linked, (confidence, i, j, evidence) in pairs:
        ri, rj = find(i), find(j)
        if ri == rj or (not linked and (docs[ri] & docs[rj] or years[ri] & years[rj])):
            continue  # one project a year, one a document, but a narrative and its form are one project
        root = min(ri, rj)
        cluster[max(ri, rj)] = root
        docs[root], years[root] = docs[ri] | docs[rj], years[ri] | years[rj]
        for k, other in ((i, j), (j, i)):
            if k not in joined:
                joined[k] = (confidence, other, evidence)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        members[find(i)].append(i)
    out: list[SeriesLink] = []
    for group in members.values():
        first = min(
            group, key=lambda k: (records[k].year or 0, records[k].doc, records[k].line or 0, records[k].id)
        )
        sid = "series:" + stable_id(records[first].id)
        for k in group:
            confidence, other, evidence = joined.get(k, (1.0, -1, {}))
            out.append(
                SeriesLink(
                    project_id=records[k].id, series_id=sid, confidence=confidence,
                    matched_with=records[other].id if other >= 0 else None, evidence=evidence or None,
                )
            )  # fmt: skip
    return sorted(out, key=lambda m: m.project_id)


def _department_wide(record: Record) -> bool:
    return record.kind == "department_form"


def _evidence(name: float, content: float | None, body: float | None) -> dict[str, float]:
    evidence = {"name": round(name, 3)}
    if content is not None:
        evidence["content"] = round(content, 3)
    if body is not None:
        evidence["body"] = round(body, 3)
    return evidence


__all__ = [
    "LINK_THRESHOLD",
    "NameKey",
    "bigrams",
    "body_similarity",
    "candidate_pairs",
    "key_similarity",
    "link_series",
    "name_similarity",
    "name_years",
    "pair_confidence",
    "project_text",
    "series_key",
]
