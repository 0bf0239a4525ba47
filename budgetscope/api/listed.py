"""Projects a document's project list names but no form or narrative of it was read (``check``'s
``listed_project`` infos): not records, so search cannot rank them; an answer names those its query
names, so that a reader asking for 校园校舍建设 learns it is listed (6,700万元, Hangzhou's 表10) instead of
finding nothing.

Example:
    >>> listed_matches("校舍建设", "杭州技师学院（杭州交通高级技工学校） / 校园校舍建设")
    True
    >>> listed_matches("日常保障运行", "杭州技师学院 / 校园校舍建设"), listed_matches("学校", "杭州技师学院 / 校园校舍建设")
    (False, False)
    >>> listed_matches("教学管理经费", "杭州技师学院 / 教学及学生管理经费")  # 教学管理 held as 教学 + 管理
    True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from budgetscope.index.terms import Term
    from budgetscope.store.protocol import EntityStore

KIND = "listed_project"


def listed_matches(query: str, subject: str, groups: Sequence[Sequence[Term]] | None = None) -> bool:
    """Whether a listed project's ``单位 / 项目`` name holds the query: the query whole (spaces aside), or
    every distinctive word of it (``groups``, :func:`~budgetscope.index.terms.term_groups`: an English
    word by one of its translations) in the project's name (:func:`~budgetscope.index.terms.held_groups`)."""
    from budgetscope.index.terms import held_groups, term_groups

    plain = re.sub(r"\s+", "", query)
    if plain and plain in re.sub(r"\s+", "", subject):
        return True
    groups = term_groups(query) if groups is None else groups
    return bool(groups) and all(held_groups(groups, subject.rpartition(" / ")[2]))


def listed_only(
    store: EntityStore, query: str, filters: Mapping[str, Any], known: set[str] | None = None
) -> list[dict[str, Any]]:
    """The listed projects (no record) the query names, within its year and department filters (the
    department as a search filter names it, resolved over ``known``); none for a search restricted to
    projects citing a document, to a section or to a kind of record (a listed project has none): each ``{"name",
    "budget_yuan", "stated", "doc", "page", "line", "department", "year"}``."""
    from decimal import Decimal

    from budgetscope.api.searching import department_filter

    if filters.get("cites") or filters.get("section") or filters.get("kind"):
        return []
    from budgetscope.index.terms import term_groups

    found = store.select("findings", {"status": "missing", "kind": KIND})  # the (status, kind) index
    groups = term_groups(query)  # once for every listed project
    wanted = [c for c in found if listed_matches(query, str(c["subject"] or ""), groups)]
    if not wanted:
        return []
    given = filters.get("department")
    names = [given] if isinstance(given, str) else list(given or [])
    departments = {department_filter(store, str(n), known) for n in names if str(n).strip()}
    documents = {d["id"]: d for d in store.select("documents")}
    out = []
    for c in wanted:
        d = documents.get(c["document_id"]) or {}
        if filters.get("year") is not None and d.get("year") != filters["year"]:
            continue
        if departments and d.get("department") not in departments:
            continue
        out.append({
            "name": c["subject"], "budget_yuan": Decimal(str(c["stated_yuan"])) if c["stated_yuan"] is not None else None,
            "stated": c["stated"], "doc": c["doc"], "page": c["page"], "line": c["line"],
            "department": d.get("department"), "year": d.get("year"),
        })  # fmt: skip
    return out


__all__ = ["KIND", "listed_matches", "listed_only"]
