"""Grouping the title keys of cited policy documents (:class:`~budgetscope.pipeline.link.PolicyIndex`):
a union-find over the keys, and the joins that are not plain equality of keys: an issuer-less
关于… title to the one issuer's title, and a notice's plan to the plan it publishes.

Example (title keys, quotes already folded away):
    >>> keys = ["上海市科普事业十四五发展规划", "上海市科普事业十四五规划"]
    >>> uf = UnionFind(keys)
    >>> link_published(uf, keys, {"上海市科普事业十四五规划"})
    >>> uf.find("上海市科普事业十四五规划") == uf.find("上海市科普事业十四五发展规划")
    True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

ISSUER = re.compile(r"^(?P<issuer>[^关]{2,40}?)(?P<rest>关于.+)$")
"""A title whose issuer precedes its 关于… (上海市科协关于…)."""


def issuerless(key: str) -> str | None:
    """A title key without its issuer (关于…), or None when it names none."""
    m = ISSUER.match(key)
    return m.group("rest") if m else None


class UnionFind:
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


def link_issuers(uf: UnionFind, firm: list[str]) -> set[str]:
    """Join an issuer-less 关于… title to the one issuer's title; return those with several issuers."""
    issued: dict[str, list[str]] = defaultdict(list)
    for k in firm:
        if (rest := issuerless(k)) is not None:
            issued[rest].append(k)
    unsure: set[str] = set()
    for k in firm:
        owners = {uf.find(o) for o in issued.get(k, [])}
        if len(owners) == 1:
            uf.union(k, owners.pop())
        elif owners:
            unsure.add(k)
    return unsure


def link_published(uf: UnionFind, firm: list[str], published: set[str]) -> None:
    """Join a notice's plan (关于印发上海市科普事业十四五规划的通知) to the one document whose title it
    names up to quotes and 发展 (上海市科普事业“十四五”发展规划); several such documents: none."""
    loose: dict[str, set[str]] = defaultdict(set)
    for k in firm:
        loose[k.replace("发展", "")].add(k)
    for k in sorted(published):
        others = {uf.find(o) for o in loose[k.replace("发展", "")]} - {uf.find(k)}
        if len(others) == 1:
            uf.union(k, others.pop())


__all__ = ["ISSUER", "UnionFind", "issuerless", "link_issuers", "link_published"]
