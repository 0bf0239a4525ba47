"""Which projects cite a policy document: exact look-ups through the canonical identities.

A query is a title, a 简称, a 文号 or a question (哪些项目引用了全民科学素质纲要, who cites the Fire
Protection Law: :func:`cites_target`). It resolves to canonical policy documents with
:meth:`PolicyIndex.lookup`; the projects are those whose stored citations carry one of those
canonical ids. No embedding is involved, so the answer is exact.

Example:
    >>> from budgetscope.store.sqlite import open_store  # doctest: +SKIP
    >>> [h.name for h in cites(open_store(home), "中华人民共和国消防法")]  # doctest: +SKIP
    ['科协大院日常运行与维护项目', '科协大院日常修缮项目', '大院综合治理项目']
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from budgetscope.index.merged import one_per_project
from budgetscope.index.policy_names import match_policy_name
from budgetscope.index.translate import is_english
from budgetscope.models import CitedWording, PolicyDocument, SearchHit
from budgetscope.pipeline.link import PolicyIndex
from budgetscope.pipeline.policy_aliases import fold_spelling
from budgetscope.store.protocol import EntityStore

_ZH_VERB = r"(?:引用|援引|依据|根据|提到|提及|引|用)"
_EN_WHO = r"(?:who|what|which)(?:\s+(?:projects?|departments?|units?|budgets?|programs?|programmes?|ones?))?"
_EN_THEY = r"(?:(?:all\s+)?(?:the\s+)?(?:projects?|departments?|units?|budgets?|programs?|programmes?))"
_EN_AUX = r"(?:\s+(?:has|have|had|do|does|did|is|are|was|were|still|also))*"
_EN_VERB = (
    r"(?:cite[sd]?|citing|referenc(?:e[sd]?|ing)|refer(?:s|red|ring)?\s+to|quot(?:e[sd]?|ing)"
    r"|mention(?:s|ed|ing)?|invok(?:e[sd]?|ing)|(?:is|are|was|were)\s+based\s+on|rel(?:y|ies|ied|ying)\s+on)"
)
_EN_PASSIVE = r"(?:cited|referenced|quoted|mentioned|invoked|referred\s+to)"
_EN_ASK = r"(?:(?:please\s+)?(?:(?:list|show|find|get|give|tell)(?:\s+me)?\s+)?)"
_END = r"\s*[？?。.!！]?$"
CITES_QUESTIONS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # 哪些项目引用了全民科学素质纲要 · 请问哪些部门依据了… · 谁引用了…
        rf"^(?:请问|查询|列出|找出|找)?(?:(?:有)?哪些(?:项目|部门|单位)?|谁|哪个(?:项目|部门|单位)){_ZH_VERB}(?:了|过)?(?P<q>.+?){_END}",
        # 科协发学字〔2017〕42号被哪些项目引用
        rf"^(?P<q>.+?)(?:被)?(?:哪些项目|哪些部门|哪些单位|谁)(?:引用|援引|依据|提到)(?:了|过)?{_END}",
        # 引用了中华人民共和国消防法的项目（有哪些）
        rf"^(?:请问|列出|找出)?(?:引用|援引|提到|提及)(?:了|过)?(?P<q>.+?)的(?:项目|部门|单位)(?:有|都有|是)?(?:哪些)?{_END}",
        # which projects cite X · who cites X · what cites X · tell me who has cited X
        rf"^{_EN_ASK}{_EN_WHO}{_EN_AUX}\s+{_EN_VERB}\s+(?P<q>.+?){_END}",
        # projects citing X · list all projects that reference X · departments which have cited X
        rf"^{_EN_ASK}{_EN_THEY}\s+(?:(?:that|which|who)\s+)?(?:(?:has|have|had|do|does|did|are|were)\s+)?{_EN_VERB}\s+(?P<q>.+?){_END}",
        # X cited by which projects · X is referenced by what projects
        rf"^(?P<q>.+?)\s+(?:(?:is|was|are|were|has\s+been|have\s+been|being)\s+)?{_EN_PASSIVE}\s+by\s+(?:which|what|whom|who|any)(?:\s+{_EN_THEY})?{_END}",
        # where is X cited
        rf"^(?:where|by\s+whom)\s+(?:is|was|are|were|has|have)\s+(?P<q>.+?)\s+(?:been\s+)?{_EN_PASSIVE}(?:\s+by)?{_END}",
    )
)
"""Citation questions, in Chinese and in English; the group ``q`` is the document asked about."""


def cites_target(query: str) -> str | None:
    """The document a citation question asks about, or None for any other query.

    >>> cites_target("哪些项目引用了全民科学素质纲要"), cites_target("who cites the Fire Protection Law")
    ('全民科学素质纲要', 'the Fire Protection Law')
    >>> cites_target("科技馆大修"), cites_target("party building in scientific societies")
    (None, None)
    """
    text = " ".join(query.split())
    for pattern in CITES_QUESTIONS:
        m = pattern.match(text)
        if m:
            target = re.sub(r"^the\s+(?=[《\u3400-\u9fff])", "", m.group("q").strip(" 《》\"“”'"), flags=re.I)
            return target.strip(" 《》\"“”',，:：") or None
    return None


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

    A document named in English is looked up by the Chinese title of the listed name it is
    (:func:`.policy_names.match_policy_name`: Regulation on Letters and Visits → 信访工作条例); a part of
    listed names (scientific literacy) by its Chinese (科学素质) when the glossary has it and that
    names a document, else by the titles of every name it is part of.
    """
    target = cites_target(query) or query
    index = PolicyIndex(policy_documents(store))
    english = match_policy_name(target)
    if english is None:
        return index.lookup(target)
    if english.chinese and (found := index.lookup(english.chinese)):
        return found
    return list({d.id: d for title in english.titles for d in index.lookup(title)}.values())


SHORT_NAME_CHARS = 6
"""A query of at most this many characters that names no document clearly is a short name."""


def candidates(
    store: EntityStore, query: str, *, year: int | None = None, department: str | None = None
) -> list[tuple[PolicyDocument, int]]:
    """The documents an ambiguous short name may mean, with how many projects cite each, most first
    (only projects of ``year`` and ``department`` when given: a document none of them cites is left out).

    A query is ambiguous when it is short (:data:`SHORT_NAME_CHARS`) and resolves to no document,
    to an ``ambiguous`` one (a bare 《纲要》 in the text) or to documents of several families;
    the candidates are the documents whose title or an alias contains it (spelling folded: 十四五规划
    is in 上海市科协事业发展“十四五”规划). A part of English names (scientific literacy) has the
    candidates of its Chinese (科学素质), else, when the names it is part of are of several
    families of documents, those documents. Empty otherwise.
    """
    target = (cites_target(query) or query).strip(' 《》"“”')
    english = match_policy_name(target)
    if english is not None:
        if not english.partial:
            return []
        if english.chinese and (
            options := candidates(store, english.chinese, year=year, department=department)
        ):
            return options
        found = resolve(store, query)
        return _counted(store, found, year, department) if len({d.family for d in found}) > 1 else []
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
    return _counted(store, matching, year, department)


def _counted(
    store: EntityStore, documents: list[PolicyDocument], year: int | None, department: str | None
) -> list[tuple[PolicyDocument, int]]:
    """Each document with how many projects (of ``year`` and ``department``) cite it, most first; a
    document none of them cites is left out."""
    where = {k: v for k, v in (("year", year), ("department", department)) if v is not None}

    def citing(document: PolicyDocument) -> int:
        ids = {r["project_id"] for r in store.select("citations", {"canonical": document.id})}
        if where:
            ids = {
                pid for pid in ids if next(store.select("projects", {"id": pid, **where}), None) is not None
            }
        return len(ids)

    counts = {d.id: citing(d) for d in documents}
    return sorted(((d, counts[d.id]) for d in documents if counts[d.id]), key=lambda x: (-x[1], x[0].title))


def wordings_line(cited: list[CitedWording]) -> str:
    """The wordings a project cites as the document writes them (:attr:`CitedWording.quoted`), as one
    line: each distinct wording once, in the order first cited, with how often it is cited when more
    than once. A wording with several 文号 (《X》（A号、B号）) is one citing per 文号: counted once.

    >>> wordings_line([CitedWording(title="科普法", wording="《科普法》"), CitedWording(title="科普法", wording="《科普法》"),
    ...                CitedWording(title="福州市城乡居民基本医疗保险管理办法", doc_number="榕政办〔2017〕285号",
    ...                             wording="榕政办〔2017〕285号文件福州市人民政府办公厅关于印发《福州市城乡居民基本医疗保险管理办法》的通知")])
    '《科普法》 ×2；榕政办〔2017〕285号文件福州市人民政府办公厅关于印发《福州市城乡居民基本医疗保险管理办法》的通知'
    >>> wordings_line([CitedWording(title="X", doc_number=n, wording="《X》（国发〔2021〕9号、国办发〔2022〕7号）")
    ...                for n in ("国发〔2021〕9号", "国办发〔2022〕7号")])
    '《X》（国发〔2021〕9号、国办发〔2022〕7号）'
    """
    wordings = [c.quoted for c in cited]
    counts = Counter(wordings)
    numbered = Counter(w for w, _ in {(c.quoted, c.doc_number) for c in cited})  # how many 文号 each has
    times = {w: counts[w] // numbered[w] for w in counts}
    return "；".join(w + (f" ×{times[w]}" if times[w] > 1 else "") for w in dict.fromkeys(wordings))


def cited_wording(row: Any, *, version_inferred: bool = False) -> CitedWording:
    """A stored citation row as the wording it cites (``wording`` is None in a row stored before
    wordings were kept: :attr:`CitedWording.quoted` rebuilds one)."""
    return CitedWording(
        version_inferred=version_inferred,
        title=row["title"],
        doc_number=row["doc_number"],
        section=row["section"],
        bracketed=bool(row["bracketed"]),
        wording=row["wording"],
        doc_number_inferred=bool(row["doc_number_inferred"]),
    )


def cites(
    store: EntityStore, query: str, *, year: int | None = None, department: str | None = None
) -> list[SearchHit]:
    """One hit per project citing the document(s) the query names, in document order.

    An ambiguous short name (:func:`candidates`) gives no hits: the candidates are the answer.

    Each hit has the DESIGN.md hit fields plus ``cited``: the wordings cited as the document writes
    them, with the title and 文号 read from each and its section (the ``snippet`` lists the wordings),
    and ``canonical``: the policy documents matched; and, as a search hit (the same code:
    :func:`.merged.one_per_project`), ``sources`` (a narrative and the form linked to it are one hit),
    the project's ``budget_yuan`` (the form's, else the narrative's), ``budget_flagged`` and a form's
    ``unit``.
    """
    documents = resolve(store, query)
    wanted = {d.id: d for d in documents}
    if not wanted or candidates(store, query):
        return []
    by_project: dict[str, list[dict[str, Any]]] = {}
    for canonical in wanted:
        for row in store.select("citations", {"canonical": canonical}):
            by_project.setdefault(row["project_id"], []).append(row)
    from budgetscope.store.versions import version_inferred

    inferred = version_inferred(store)
    hits = []
    for record in store.get_records(by_project):
        if year is not None and record.year != year:
            continue
        if department is not None and record.department != department:
            continue
        rows = sorted(by_project[record.id], key=lambda r: r["position"])
        hits.append(
            {
                "doc": record.doc, "line": record.line, "page": record.page, "id": record.id,
                "name": record.name or record.title, "kind": record.kind, "year": record.year,
                "department": record.department, "budget_yuan": record.budget_total_yuan,
                "section": rows[0]["section"], "score": 1.0,
                "cited": [cited_wording(r, version_inferred=inferred(dict(r))) for r in rows],
                "canonical": sorted({r["canonical"] for r in rows}),
            }
        )  # fmt: skip
    hits.sort(key=lambda h: (h["year"] or 0, h["doc"] or "", h["line"] or 0))
    merged = one_per_project(store, hits)  # as search: a narrative and its form are one hit
    return [SearchHit.model_validate({**h, "snippet": wordings_line(h["cited"])}) for h in merged]
