"""Which projects cite a policy document: exact look-ups through the canonical identities.

A query is a title, a 简称, a 文号 or a question ("哪些项目引用了全民科学素质纲要"). It resolves to
canonical policy documents with :meth:`PolicyIndex.lookup`; the projects are those whose stored
citations carry one of those canonical ids. No embedding is involved, so the answer is exact.

Example:
    >>> from budgetscope.store.sqlite import open_store  # doctest: +SKIP
    >>> [h.name for h in cites(open_store(home), "中华人民共和国消防法")]  # doctest: +SKIP
    ['科协大院日常运行与维护项目', '科协大院日常修缮项目', '大院综合治理项目']
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from budgetscope.index.search import cites_target
from budgetscope.index.translate import is_english, policy_title
from budgetscope.models import CitedWording, PolicyDocument, SearchHit
from budgetscope.pipeline.link import PolicyIndex
from budgetscope.pipeline.policy_aliases import fold_spelling
from budgetscope.store.protocol import EntityStore


def policy_documents(store: EntityStore) -> list[PolicyDocument]:
    """The canonical policy documents kept in the store, with their aliases and 文号."""
    aliases: dict[str, list[str]] = {}
    for row in store.select("policy_aliases"):
        aliases.setdefault(row["policy_id"], []).append(row["alias"])
    numbers: dict[str, list[str]] = {}
    for row in store.select("policy_doc_numbers"):
        numbers.setdefault(row["policy_id"], []).append(row["doc_number"])
    return [
        PolicyDocument(
            id=row["id"],
            title=row["title"],
            family=row["family"],
            version=row["version"],
            ambiguous=bool(row["ambiguous"]),
            aliases=aliases.get(row["id"], []),
            doc_numbers=numbers.get(row["id"], []),
        )
        for row in store.select("policy_documents")
    ]


def resolve(store: EntityStore, query: str) -> list[PolicyDocument]:
    """The policy documents a query names (a question is reduced to the document it asks about).

    A law or plan named in English is looked up by its Chinese title (:func:`.translate.policy_title`).
    """
    target = cites_target(query) or query
    target = policy_title(target) or target
    return PolicyIndex(policy_documents(store)).lookup(target)


SHORT_NAME_CHARS = 6
"""A query of at most this many characters that names no document clearly is a short name."""


def candidates(store: EntityStore, query: str) -> list[tuple[PolicyDocument, int]]:
    """The documents an ambiguous short name may mean, with how many projects cite each, most first.

    A query is ambiguous when it is short (:data:`SHORT_NAME_CHARS`) and resolves to no document,
    to an ``ambiguous`` one (a bare 《纲要》 in the text) or to documents of several families;
    the candidates are the documents whose title or an alias contains it (spelling folded: 十四五规划
    is in 上海市科协事业发展“十四五”规划). Empty otherwise.
    """
    target = (cites_target(query) or query).strip(' 《》"“”')
    found = resolve(store, query)
    clear = found and not any(d.ambiguous for d in found) and len({d.family for d in found}) == 1
    if clear or not 2 <= len(target) <= SHORT_NAME_CHARS or is_english(target):
        return []
    folded = fold_spelling(target)
    matching = [
        d for d in policy_documents(store)
        if not d.ambiguous and any(folded in fold_spelling(name) for name in [d.title, *d.aliases])
    ]  # fmt: skip
    if len(matching) < 2 and not any(d.ambiguous for d in found):
        return []
    counts = {d.id: len({r["project_id"] for r in store.select("citations", {"canonical": d.id})})
              for d in matching}  # fmt: skip
    return sorted(((d, counts[d.id]) for d in matching if counts[d.id]), key=lambda x: (-x[1], x[0].title))


def wordings_line(cited: list[CitedWording]) -> str:
    """The wordings a project cites, as one line: each distinct wording once, in the order first
    cited, with how often it is cited when more than once.

    >>> wordings_line([CitedWording(title="科普法"), CitedWording(title="科普法"),
    ...                CitedWording(title="国务院关于加强科普工作的若干意见", bracketed=False, doc_number="中发〔1994〕11号")])
    '《科普法》 ×2；国务院关于加强科普工作的若干意见（中发〔1994〕11号）'
    """
    wordings = [
        (f"《{c.title}》" if c.bracketed else c.title) + (f"（{c.doc_number}）" if c.doc_number else "")
        for c in cited
    ]
    counts = Counter(wordings)
    return "；".join(w + (f" ×{counts[w]}" if counts[w] > 1 else "") for w in dict.fromkeys(wordings))


def cites(
    store: EntityStore, query: str, *, year: int | None = None, department: str | None = None
) -> list[SearchHit]:
    """One hit per project citing the document(s) the query names, in document order.

    An ambiguous short name (:func:`candidates`) gives no hits: the candidates are the answer.

    Each hit has the DESIGN.md hit fields plus ``cited``: the exact wordings cited (title, 文号,
    section) and ``canonical``: the policy documents matched.
    """
    documents = resolve(store, query)
    wanted = {d.id: d for d in documents}
    if not wanted or candidates(store, query):
        return []
    by_project: dict[str, list[dict[str, Any]]] = {}
    for canonical in wanted:
        for row in store.select("citations", {"canonical": canonical}):
            by_project.setdefault(row["project_id"], []).append(row)
    hits = []
    for record in store.get_records(by_project):
        if year is not None and record.year != year:
            continue
        if department is not None and record.department != department:
            continue
        rows = sorted(by_project[record.id], key=lambda r: r["position"])
        cited = [
            CitedWording(
                title=r["title"],
                doc_number=r["doc_number"],
                section=r["section"],
                bracketed=bool(r["bracketed"]),
            )
            for r in rows
        ]
        hits.append(
            SearchHit(
                doc=record.doc,
                line=record.line,
                page=record.page,
                id=record.id,
                name=record.name or record.title,
                kind=record.kind,
                year=record.year,
                department=record.department,
                section=rows[0]["section"],
                score=1.0,
                snippet=wordings_line(cited),
                cited=cited,
                canonical=sorted({r["canonical"] for r in rows}),
            )
        )
    hits.sort(key=lambda h: (h.year or 0, h.doc or "", h.line or 0))
    return hits
