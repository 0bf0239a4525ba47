"""Answering a query: citation questions go to the exact `cites` look-up, the rest to the index.

``budgetscope search`` and :meth:`budgetscope.api.Budgetscope.search` both call :func:`answer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetscope.api.errors import (
    AmbiguousDepartment,
    AmbiguousPolicyDocument,
    UnknownDepartment,
    UnknownPolicyDocument,
)
from budgetscope.errors import Option

MAX_QUERY_CHARS = 1000
"""The longest query the CLI, the web page and the JSON API take (characters): a longer one is an error
saying so, never cut."""


def query_too_long(query: str) -> str | None:
    """The one-line error for a query over :data:`MAX_QUERY_CHARS`, else None.

    >>> query_too_long("科技馆"), query_too_long("字" * 1001)
    (None, 'query of 1,001 characters; the limit is 1,000')
    """
    if len(query) > MAX_QUERY_CHARS:
        return f"query of {len(query):,} characters; the limit is {MAX_QUERY_CHARS:,}"
    return None


_WORDISH = re.compile(r"[^\W_]")
"""A letter, a digit or a CJK character: what a query must hold to be searched."""


def query_without_words(query: str) -> str | None:
    """The one-line error for a query of punctuation and symbols only (nothing to search for: every hit
    would be noise), else None.

    >>> query_without_words("。，！？"), query_without_words("科普？"), query_without_words("C++")
    ('query holds no word, only punctuation or symbols', None, None)
    """
    if query.strip() and not _WORDISH.search(query):
        return "query holds no word, only punctuation or symbols"
    return None


def filters_error(exc: Exception) -> str:
    """One line for bad search filters: the first field's own message, not pydantic's count of errors.

    >>> from budgetscope.models import SearchFilters
    >>> try:
    ...     SearchFilters(kind="bogus")
    ... except ValueError as exc:
    ...     filters_error(exc)
    "kind: unknown kind 'bogus' (known: narrative, form)"
    """
    from pydantic import ValidationError

    from budgetscope.models.views import validation_message

    if isinstance(exc, ValidationError):
        return validation_message(exc)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def query_error(query: str) -> str | None:
    """Why a query cannot be searched, in one line (empty, over the length limit, or no word at all),
    else None: the CLI and the Python API refuse the same queries.

    >>> query_error(" "), query_error("？？"), query_error("科普")
    ('empty query', 'query holds no word, only punctuation or symbols', None)
    """
    if not query.strip():
        return "empty query"
    return query_too_long(query) or query_without_words(query)


def top_k_error(top_k: object) -> str | None:
    """Why ``top_k`` cannot be asked for, in one line, else None: a whole number of 1 or more. No upper
    limit: a notebook may want every project (the CLI and the web page, for people reading, take 1 to
    :data:`~budgetscope.models.MAX_TOP_K`). The serve's ``/api/cli/search`` answers the Python API's
    searches while it holds the index, so it takes what this takes.

    >>> top_k_error(500), top_k_error(0)
    (None, 'top_k must be a whole number of 1 or more, not 0')
    """
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        return f"top_k must be a whole number of 1 or more, not {top_k!r}"
    return None


if TYPE_CHECKING:
    from budgetscope.models import SearchHit
    from budgetscope.store.protocol import EntityStore

SearchIndex = Callable[[str, dict[str, Any], int], "list[SearchHit]"]
"""``search_index(query, filters, top_k)``: the index's best ``top_k`` hits for a query (filters with
resolved ids)."""


def relevance_cutoff() -> float:
    """The calibrated relevance below which a search hit is ``weak`` (:data:`budgetscope.index.ranking.RELEVANCE_CUTOFF`)."""
    from budgetscope.index.ranking import RELEVANCE_CUTOFF

    return RELEVANCE_CUTOFF


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters (with …), for messages."""
    return text if len(text) <= limit else text[:limit] + "…"


def departments(store: EntityStore) -> set[str]:
    """The departments of the stored documents."""
    return {row["department"] for row in store.select("documents") if row["department"]}


def years(store: EntityStore) -> set[int]:
    """The years of the stored documents."""
    return {row["year"] for row in store.select("documents") if row["year"] is not None}


def unknown_year(year: int | None, known: Collection[int]) -> str | None:
    """One line when a year filter matches no stored document, naming the years the home has (an
    empty answer with no hint reads as "nothing of that year matches the query"); None otherwise.

    >>> unknown_year(2030, {2026, 2019})
    'no stored document is of 2030: the home has documents of 2019, 2026'
    >>> unknown_year(2026, {2026}) is None
    True
    """
    if year is None or year in known:
        return None
    return f"no stored document is of {year}: the home has " + (
        f"documents of {', '.join(str(y) for y in sorted(known))}" if known else "no document with a year"
    )


def year_note(store: EntityStore, year: int | None) -> str | None:
    """One line when a year filter can find nothing: no stored document is of that year
    (:func:`unknown_year`), or the documents of that year hold no projects (a final account, an
    evaluation report), naming them and the years that have projects; None otherwise."""
    from budgetscope.messages import one_line

    if year is None:
        return None
    stored = years(store)
    if year not in stored:
        return unknown_year(year, stored)

    def has_projects(y: int) -> bool:  # the first row answers: no scan of every project
        return next(store.select("projects", {"year": y}), None) is not None

    if has_projects(year):
        return None
    docs = sorted(str(row["doc"]) for row in store.select("documents", {"year": year}))
    names = ", ".join(one_line(d) for d in docs[:3]) + (", …" if len(docs) > 3 else "")
    having = sorted(y for y in stored if y != year and has_projects(y))
    return f"the stored documents of {year} ({names}) hold no projects: " + (
        f"projects are of {', '.join(str(y) for y in having)}"
        if having
        else "the home holds no project with a year"
    )


def resolve_department(
    given: str, known: set[str], with_projects: Callable[[], set[str]] | None = None
) -> str:
    """The stored department a department filter names: exact, else the one that contains it, else the
    one it abbreviates (简称: its characters in order, 科协 → 上海市科学技术协会, 市科委 → 上海市科学技术委员会).
    Of several, the one holding projects when only one does (``with_projects``, asked only then: 杭州 is
    the transport bureau's budget, not a notice of the city's 办公厅).

    >>> known = {"上海市科学技术协会", "上海市科学技术委员会"}
    >>> resolve_department("协会", known), resolve_department("上海市科协", known), resolve_department("科委", known)
    ('上海市科学技术协会', '上海市科学技术协会', '上海市科学技术委员会')
    >>> resolve_department("科学技术", known)
    Traceback (most recent call last):
    ...
    budgetscope.api.errors.AmbiguousDepartment: department '科学技术' is ambiguous: 上海市科学技术协会; 上海市科学技术委员会
    >>> resolve_department("杭州", {"杭州市交通运输局", "杭州市人民政府办公厅"}, lambda: {"杭州市交通运输局"})
    '杭州市交通运输局'
    """
    if given in known or not known:
        return given
    matches = sorted(d for d in known if given in d)
    if not matches and len(given) >= 2:
        matches = sorted(d for d in known if _abbreviates(given, d))
    if len(matches) > 1 and with_projects is not None:
        holding = with_projects()
        matches = [d for d in matches if d in holding] or matches
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousDepartment(f"department {short(given)!r} is ambiguous: {'; '.join(matches)}")
    raise UnknownDepartment(f"department {short(given)!r} is not in the store: {'; '.join(sorted(known))}")


def department_filter(store: EntityStore, given: str, known: set[str] | None = None) -> str:
    """The stored department a department filter names (:func:`resolve_department` over ``known``, by
    default the stored documents' departments); a unit that implements projects is told the
    department its projects are under (:class:`UnknownDepartment`)."""
    try:
        return resolve_department(
            given,
            departments(store) if known is None else known,
            lambda: {row["department"] for row in store.select("projects") if row["department"]},
        )
    except UnknownDepartment as error:
        above = unit_departments(store, given)
        if not above:
            raise
        raise UnknownDepartment(
            f"{short(given)!r} is no department but a unit implementing projects of "
            f"{'; '.join(above)}: filter on that department"
        ) from error


def _abbreviates(short_name: str, name: str) -> bool:
    """Whether ``short_name``'s characters occur in ``name`` in order (a Chinese 简称)."""
    rest = iter(name)
    return all(ch in rest for ch in short_name)


def unit_departments(store: EntityStore, unit: str) -> list[str]:
    """The departments whose projects ``unit`` implements (a form's 单位名称 / 实施单位, a narrative's
    实施主体), sorted: where a department filter naming a unit is sent."""
    ids = {row["project_id"] for row in store.select("implementing_bodies", {"name": unit})}
    found = {p["department"] for pid in ids for p in store.select("projects", {"id": pid}) if p["department"]}
    return sorted(found - {unit})


def index_lag(home: Path, store: EntityStore) -> list[str]:
    """The stored documents the search index does not hold yet, or holds an older version of
    (written since the last index update that completed), sorted; their projects may be missing
    from search results or out of date. Moves a pre-SQLite ``index.json`` into the store first."""
    from budgetscope.store import index_state

    index_state.migrate(home, store)
    return sorted(index_state.pending(store))


def stored_hits(store: EntityStore, hits: list[SearchHit]) -> list[SearchHit]:
    """The hits whose project is in the store: an index lagging the store never yields an id the
    store does not know."""
    known = {h.id for h in hits if next(store.select("projects", {"id": h.id}), None) is not None}
    return [h for h in hits if h.id in known]


def unambiguous(
    store: EntityStore, query: str, *, year: int | None = None, department: str | None = None
) -> None:
    """Raise :class:`AmbiguousPolicyDocument` when ``query`` is a short name that may mean several
    cited policy documents (:func:`budgetscope.index.cites.candidates`, counted in ``year`` and
    ``department`` when given)."""
    from budgetscope.index.cites import candidates

    options = candidates(store, query, year=year, department=department)
    if options:
        raise AmbiguousPolicyDocument(query, options)


def answer(
    store: EntityStore,
    query: str,
    filters: Mapping[str, Any],
    search_index: SearchIndex,
    *,
    top_k: int = 10,
    known_departments: set[str] | None = None,
) -> list[SearchHit]:
    """The best ``top_k`` hits for ``query`` (DESIGN.md hits, one per project): :func:`answered`'s hits."""
    return answered(
        store, query, filters, search_index, top_k=top_k, known_departments=known_departments
    ).hits


@dataclass
class Answered:
    """The hits of :func:`answered`; for a citation question answered by ``cites``, also the document
    asked about (``citing``), how many projects cite it in all (``citing_total``: more than the hits
    when ``top_k`` cut the list) and the ``year`` and ``department`` they were counted in."""

    hits: list[SearchHit]
    citing: str | None = None
    citing_total: int = 0
    year: int | None = None
    department: str | None = None

    @property
    def cut(self) -> bool:
        """Whether more projects cite the document asked about than the hits show."""
        return self.citing is not None and self.citing_total > len(self.hits)


def answered(
    store: EntityStore,
    query: str,
    filters: Mapping[str, Any],
    search_index: SearchIndex,
    *,
    top_k: int = 10,
    known_departments: set[str] | None = None,
) -> Answered:
    """The best ``top_k`` hits for ``query`` (DESIGN.md hits, one per project).

    A citation question ("哪些项目引用了全民科学素质纲要") naming a known policy document is answered
    exactly by :func:`budgetscope.index.cites.cites`, without the index; any other query goes to
    ``search_index`` with its ``cites`` filter resolved to canonical ids. Hits of projects no longer
    in the store (an index lagging the store) are dropped, the next ones taking their places. Raises :class:`UnknownDepartment`,
    :class:`UnknownPolicyDocument` or, for a ``cites`` filter or a citation question naming a short
    name that may mean several documents (纲要), :class:`AmbiguousPolicyDocument` with the candidates.
    A citation question's answer says how many projects cite the document in all (:class:`Answered`).
    """
    from budgetscope.index.cites import cites, cites_target, resolve

    filters = {k: v for k, v in filters.items() if v is not None}
    if filters.get("department"):
        filters["department"] = department_filter(store, str(filters["department"]), known_departments)
    target = cites_target(query)
    if target:
        # "哪些项目引用了纲要": which 纲要, rather than no project or a search
        unambiguous(store, target, year=filters.get("year"), department=filters.get("department"))
    if target and resolve(store, target):
        year, department = filters.get("year"), filters.get("department")
        hits = stored_hits(store, cites(store, target, year=year, department=department))
        return Answered(hits[:top_k], target, len(hits), year, department)
    wanted = filters.get("cites")
    if isinstance(wanted, str):
        unambiguous(store, wanted, year=filters.get("year"), department=filters.get("department"))
        ids = [d.id for d in resolve(store, wanted)]
        if not ids:
            raise UnknownPolicyDocument("no policy document matches ", Option("cites", repr(short(wanted))))
        filters["cites"] = ids
    k = top_k
    while True:  # hits of projects gone from the store are dropped, and the next ones fill in
        found = search_index(query, filters, k)
        hits = stored_hits(store, found)
        if len(hits) >= top_k or len(found) < k or k >= 4 * top_k:
            break
        k *= 2
    return Answered(hits[:top_k])
