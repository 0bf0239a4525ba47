"""What ``search`` and ``cites`` print, as JSON-ready data, answered in this process or in a serve's.

A request is plain data (it travels to a running ``serve`` as JSON): for :func:`search_answer`
``{"batch": [{"query", "filters"}], "base": filters, "cites", "top_k", "mode", "each"}``, for
:func:`cites_answer` ``{"query", "year", "department"}``. The CLI calls :func:`search_here` /
:func:`cites_here` when no serve holds the home; a serve calls :func:`search_answer` /
:func:`cites_answer` on its open store and index. Every failure is a :class:`BudgetscopeError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from budgetscope.api.arguments import MODES
from budgetscope.api.errors import (
    NO_INDEX_HINT,
    AmbiguousPolicyDocument,
    BudgetscopeError,
    NoSearchIndex,
    UnknownDepartment,
    UnknownPolicyDocument,
)

if TYPE_CHECKING:
    from budgetscope.models import SearchHit


def wire(hit: SearchHit) -> dict[str, Any]:
    """A hit as ``search``/``cites`` print it and a serve sends it: the fields the answer set (a
    search hit has no ``cited``, a cites hit no ``dense``), JSON-ready but for ``budget_yuan``, kept a
    :class:`~decimal.Decimal` for :func:`~budgetscope.models.to_json` to write exactly."""
    out = hit.model_dump(mode="json", exclude_unset=True)
    if "budget_yuan" in out:
        out["budget_yuan"] = hit.budget_yuan
    return out


def search_answer(home: Path, store: Any, index: Any, request: dict[str, Any]) -> dict[str, Any]:
    """``{"results": [{"query", "hits"}], "warnings": [...]}`` on an open store and index (a citation
    question whose citing projects ``top_k`` cut also has ``"citing": {"document", "total", "year",
    "department"}``: how many projects cite it, counted where); raises
    :class:`NoSearchIndex` before any ingest. A query's own mistake (an unknown or ambiguous department
    or cited document) raises, or with ``request["each"]`` (a queries file: every line answered or
    reported) is that query's result, ``{"query", "hits": [], "error"}``, and the others are answered."""
    from budgetscope.api.listed import listed_only
    from budgetscope.api.searching import answered, departments, index_lag, year_note
    from budgetscope.index.search import search
    from budgetscope.messages import one_line

    if not index.exists() or index.count() == 0:
        raise NoSearchIndex(f"no search index at {index.where}: {NO_INDEX_HINT}")
    warnings = []
    lagging = index_lag(home, store)
    if lagging:
        names = ", ".join(one_line(d) for d in lagging[:3]) + (", …" if len(lagging) > 3 else "")
        warnings.append(
            f"the search index lags the store by {len(lagging)} document(s) ({names}): their projects may "
            "be missing or out of date in these results; run `budgetscope index`"
        )
    known = departments(store)
    top_k, cites = int(request["top_k"]), request.get("cites")
    if request["mode"] not in MODES:
        raise BudgetscopeError(f"unknown search mode {request['mode']!r}: expected {', '.join(MODES)}")
    mode: Literal["hybrid", "dense", "sparse"] = request["mode"]
    results: list[dict[str, Any]] = []
    notes: dict[int, str | None] = {}
    for item in request["batch"]:
        q = str(item["query"])
        filters = {**request["base"], **(item.get("filters") or {})}
        if filters.get("year") is not None:
            if filters["year"] not in notes:
                notes[filters["year"]] = year_note(store, filters["year"])
            note = notes[filters["year"]]
            if note and note not in warnings:
                warnings.append(note)
        if cites and "cites" not in filters:
            filters["cites"] = cites
        try:
            got = answered(
                store, q, filters,
                lambda q, f, k: search(index, q, filters=f, top_k=k, mode=mode, store=store),
                top_k=top_k, known_departments=known,
            )  # fmt: skip
        except (UnknownDepartment, UnknownPolicyDocument, AmbiguousPolicyDocument) as exc:
            if not request.get("each"):
                raise
            results.append({"query": q, "hits": [], "error": str(exc)})
            continue
        results.append({"query": q, "hits": [wire(h) for h in got.hits]})
        if not got.citing and (listed := listed_only(store, q, filters, known)):
            results[-1]["listed"] = listed  # named in a project list, never read as a project: no hit
        if got.cut:  # a citation question whose citing projects top_k cut: the CLI says so
            results[-1]["citing"] = {
                "document": got.citing, "total": got.citing_total, "year": got.year, "department": got.department,
            }  # fmt: skip
    return {"results": results, "warnings": warnings}


def search_here(
    home: Path,
    qdrant_url: str | None,
    encoder: str | None,
    request: dict[str, Any],
    *,
    wait: float | None = None,
) -> dict[str, Any]:
    """:func:`search_answer` with the store and the index opened (read only) in this process, waiting
    up to ``wait`` seconds (default :func:`~budgetscope.api.indexing.lock_wait`) for an embedded index
    another process holds, then :class:`~budgetscope.api.errors.IndexBusy`."""
    from budgetscope.api.indexing import search_index
    from budgetscope.index.encoders import EncoderError
    from budgetscope.store.protocol import StoreError
    from budgetscope.store.sqlite import open_store
    from budgetscope.vector.query import VectorIndexError

    try:
        with (
            open_store(home) as store,
            search_index(home, qdrant_url=qdrant_url, encoder=encoder, wait=wait) as index,
        ):
            return search_answer(home, store, index, request)
    except (VectorIndexError, EncoderError, StoreError) as exc:
        raise BudgetscopeError(str(exc)) from None


def cites_answer(store: Any, request: dict[str, Any]) -> dict[str, Any]:
    """The documents the query names, the candidates when it is ambiguous, the citing projects, and
    ``warnings`` (a year filter no stored document has, as for ``search``)."""
    from budgetscope.api.searching import department_filter, year_note
    from budgetscope.index.cites import candidates, cites, resolve

    query = str(request["query"])
    documents = resolve(store, query)
    department = department_filter(store, request["department"]) if request.get("department") else None
    options = candidates(store, query, year=request.get("year"), department=department)
    hits = cites(store, query, year=request.get("year"), department=department)
    note = year_note(store, request.get("year"))
    return {
        "documents": [d.model_dump(mode="json") for d in documents],
        "options": [[d.model_dump(mode="json"), n] for d, n in options],
        "hits": [wire(h) for h in hits],
        "warnings": [note] if note else [],
    }


def cites_here(home: Path, request: dict[str, Any]) -> dict[str, Any]:
    """:func:`cites_answer` with the store opened in this process."""
    from budgetscope.store.protocol import StoreError
    from budgetscope.store.sqlite import open_store

    try:
        with open_store(home) as store:
            return cites_answer(store, request)
    except StoreError as exc:
        raise BudgetscopeError(str(exc)) from None


def served_hits(
    home: Path, qdrant_url: str | None, encoder: str | None, query: str, filters: dict[str, Any], top_k: int,
    mode: str,
) -> list[SearchHit] | None:  # fmt: skip
    """The hits a ``budgetscope serve`` holding the home's index gives (the CLI's endpoint, the same code
    and output), or None when none is up to answer (a serve's error raises, a :class:`BudgetscopeError`)."""
    from budgetscope.models import SearchHit
    from budgetscope.remote import answer_from_serve

    request = {"batch": [{"query": query, "filters": filters}], "base": {}, "top_k": top_k, "mode": mode}
    got = answer_from_serve(home, qdrant_url, encoder, "/api/cli/search", request)
    if got is None:
        return None
    return [SearchHit.model_validate(h) for h in got["results"][0]["hits"]]
