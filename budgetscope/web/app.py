"""`budgetscope serve`: pages and a JSON API over the Python API (Starlette; Jinja2 templates that
escape every value; charts as server-side SVG). No logic of its own: each handler reads the
request, calls :class:`~budgetscope.web.data.Data` (the API), renders.

Handlers are plain functions, so Starlette runs them on its thread pool: many users at once, the
API serialising access to the one open index and the one loaded encoder.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from budgetscope.api import (
    AmbiguousPolicyDocument,
    BudgetscopeError,
    DocumentNotFound,
    ProjectNotFound,
    YearsOutOfOrder,
)
from budgetscope.api.searching import (
    filters_error,
    query_error,
    query_too_long,
    query_without_words,
    relevance_cutoff,
)
from budgetscope.messages import place
from budgetscope.models import SECTION_KEYS, PolicyDocument, SearchFilters, number_added, to_json
from budgetscope.web import charts, views
from budgetscope.web.data import UNAVAILABLE, Data, flagged_budgets, group_projects
from budgetscope.web.marks import highlights
from budgetscope.web.safety import SOURCE_CSP, SecurityHeaders, clean_query
from budgetscope.web.upload import upload_routes

HERE = Path(__file__).parent
TOP_K = 30


def hit_json(hit: Any) -> dict[str, Any]:
    """A hit for the JSON API: every field, its budget an exact number (:func:`~budgetscope.models.to_json`)."""
    return {**hit.model_dump(mode="json"), "budget_yuan": hit.budget_yuan}


def candidates_json(candidates: list[tuple[PolicyDocument, int]]) -> dict[str, Any]:
    """The candidate documents of an ambiguous short name for the JSON API: ``{"candidates": [the
    document's fields + "projects": how many projects cite it]}``, nothing when there are none."""
    if not candidates:
        return {}
    return {"candidates": [{**d.model_dump(mode="json"), "projects": n} for d, n in candidates]}


def create_app(data: Data, *, allow_upload: bool = False, cli_token: str | None = None) -> Starlette:
    """The web application over one data home; with ``cli_token``, also the endpoints the CLI of the
    same home asks (:mod:`budgetscope.web.cli_api`)."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        SECTION_NAMES=views.SECTION_NAMES,
        KIND_NAMES=views.KIND_NAMES,
        ROLE_NAMES=views.ROLE_NAMES,
        money=views.money,
        place=place,
        number_added=number_added,
        reading=views.target_reading,
        allow_upload=allow_upload,
        urlencode=urlencode,
    )

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def error_page(request: Request, message: str, status: int, exc: BaseException | None = None) -> Response:
        return page(request, "error.html", status, message=message, message_zh=views.zh_error(exc, status))

    # -- search ----------------------------------------------------------------------------------

    def search_answer(request: Request) -> dict[str, Any]:
        q = clean_query(request.query_params.get("q"))
        out: dict[str, Any] = {
            "q": q, "hits": [], "error": None, "candidates": [], "filters": {}, "cites_candidates": [],
            "cites_query": "", "cites_question": False, "filter_note": None, "error_zh": None, "status": 200,
        }  # fmt: skip
        if (too_long := query_too_long(q)) is not None:
            out["error"], out["error_zh"], out["status"] = too_long, views.zh_error("too_long"), 400
            return out
        if (no_words := query_without_words(q)) is not None:
            out["error"], out["error_zh"], out["status"] = no_words, views.zh_error("no_words"), 400
            return out
        try:
            top_k = views.top_k_param(request.query_params.get("top_k"), TOP_K)
            filters = SearchFilters(
                year=views.year_param(request.query_params.get("year")),
                department=clean_query(request.query_params.get("department")) or None,
                section=request.query_params.get("section") or None,
                cites=clean_query(request.query_params.get("cites")) or None,
                kind=request.query_params.get("kind") or None,
            )
        except (ValidationError, ValueError) as exc:
            out["error"], out["error_zh"], out["status"] = filters_error(exc), views.zh_error(exc), 400
            return out
        out["filters"] = filters.as_dict()
        if q:
            try:
                out["hits"] = data.bs.search(q, filters, top_k=top_k)
                out["listed"] = data.bs.listed(q, filters)  # in a project list, never read as a project
                if not out["hits"] and filters.year is not None:
                    out["filter_note"] = data.bs.year_note(filters.year)
                if not any(h.cited for h in out["hits"]):
                    out["candidates"] = data.bs.policy_documents(q)
            except AmbiguousPolicyDocument as exc:
                out["error"], out["cites_candidates"] = views.said(exc), exc.candidates
                out["cites_query"], out["cites_question"] = exc.query, not filters.cites
                out["error_zh"], out["status"] = views.zh_error(exc), 400
            except UNAVAILABLE:  # no store, or one that cannot be read: the app's 503
                raise
            except BudgetscopeError as exc:
                out["error"], out["error_zh"] = views.said(exc), views.zh_error(exc)
                out["status"] = views.error_status(exc)  # 503: no index yet, or held by another process
        return out

    def home(request: Request) -> Response:
        projects = data.bs.projects()
        return page(request, "index.html", q="", filters={}, options=views.filter_options(projects))

    def search_page(request: Request) -> Response:
        answer = search_answer(request)
        hits = answer["hits"]
        counted = [h for h in hits if not h.weak] or hits  # the confident hits; all weak: every hit
        facets = {
            "year": Counter(str(h.year) for h in counted if h.year is not None),
            "department": Counter(h.department for h in counted if h.department),
        }
        # a refused request is its status (400; 503: no index yet); the candidates of a short name (纲要)
        # are a page to pick from, as the cites page lists them
        status = answer.pop("status")
        status = 200 if answer["cites_candidates"] else status
        return page(
            request, "search.html", status=status,
            options=views.filter_options(data.bs.projects()), facets=facets, highlights=highlights,
            facet_note=views.facet_note(len(hits), sum(h.weak for h in hits)), **answer,
        )  # fmt: skip

    def api_search(request: Request) -> Response:
        if not clean_query(request.query_params.get("q")):  # the page shows its empty form; the API refuses
            return JSONResponse({"error": query_error("")}, status_code=400)  # as the CLI: "empty query"
        answer = search_answer(request)
        if answer["error"]:
            return JSONResponse(
                {"error": answer["error"], **candidates_json(answer["cites_candidates"])},
                status_code=answer["status"],
            )
        return Response(to_json([hit_json(h) for h in answer["hits"]]), media_type="application/json")

    # -- who cites what ----------------------------------------------------------------------------

    def cites_answer(request: Request) -> dict[str, Any]:
        """The documents the query names and the projects citing them; for a short name that may mean
        several documents (纲要), no hits but ``candidates``: each document with its citing projects."""
        q = clean_query(request.query_params.get("q"))
        if not q:
            return {"q": q, "documents": [], "hits": [], "candidates": []}
        for refused, key in ((query_too_long(q), "too_long"), (query_without_words(q), "no_words")):
            if refused is not None:  # as `budgetscope cites` refuses it (exit 2)
                return {"q": q, "documents": [], "hits": [], "candidates": [], "error": refused,
                        "error_zh": views.zh_error(key)}  # fmt: skip
        try:
            year = views.year_param(request.query_params.get("year"))
            department = clean_query(request.query_params.get("department")) or None
            hits = data.bs.cites(q, year=year, department=department)
        except AmbiguousPolicyDocument as exc:
            return {"q": q, "documents": [], "hits": [], "candidates": exc.candidates,
                    "error": views.said(exc), "error_zh": views.zh_error(exc)}  # fmt: skip
        except UNAVAILABLE:  # no store, or one that cannot be read: the app's 503
            raise
        except (ValueError, BudgetscopeError) as exc:  # a bad year, an unknown department
            return {"q": q, "documents": [], "hits": [], "candidates": [], "error": views.said(exc),
                    "error_zh": views.zh_error(exc)}  # fmt: skip
        return {"q": q, "documents": data.bs.policy_documents(q), "hits": hits, "candidates": []}

    def cites_page(request: Request) -> Response:
        answer = cites_answer(request)
        per_year = Counter(h.year for h in answer["hits"] if h.year is not None)
        years = sorted(per_year)
        chart = (
            charts.bar_chart("每年引用的项目 Citing projects per year", [str(y) for y in years],
                             [per_year[y] for y in years], "项目 projects")
            if years else None
        )  # fmt: skip
        status = 400 if answer.get("error") and not answer["candidates"] else 200  # a bad year, department
        return page(request, "cites.html", status, chart=chart, **answer)

    def api_cites(request: Request) -> Response:
        """A list of hits; a short name that may mean several documents: 400 with ``{"error",
        "candidates": [document fields + "projects": how many projects cite it]}``."""
        if not clean_query(request.query_params.get("q")):
            return JSONResponse({"error": query_error("")}, status_code=400)  # as the CLI: "empty query"
        answer = cites_answer(request)
        if answer.get("error") and not answer["candidates"]:
            return JSONResponse({"error": answer["error"]}, status_code=400)
        if answer["candidates"]:
            return JSONResponse(
                {"error": answer["error"], **candidates_json(answer["candidates"])}, status_code=400
            )
        return Response(to_json([hit_json(h) for h in answer["hits"]]), media_type="application/json")

    # -- a project --------------------------------------------------------------------------------

    def project_page(request: Request) -> Response:
        try:
            view = data.bs.project(request.path_params["id"])
        except ProjectNotFound as exc:
            return error_page(request, views.said(exc), 404, exc)
        except UNAVAILABLE:  # no store, or one that cannot be read: the app's 503
            raise
        except BudgetscopeError as exc:
            return error_page(request, views.said(exc), views.error_status(exc), exc)
        return page(request, "project.html", **views.project_context(view, data))

    def api_project(request: Request) -> Response:
        try:
            view = data.bs.project(request.path_params["id"])
        except ProjectNotFound as exc:
            return JSONResponse({"error": views.said(exc)}, status_code=404)
        except UNAVAILABLE:  # no store, or one that cannot be read: the app's 503
            raise
        except BudgetscopeError as exc:
            return JSONResponse({"error": views.said(exc)}, status_code=views.error_status(exc))
        return Response(to_json(view.contract()), media_type="application/json")

    # -- browsing and documents ---------------------------------------------------------------------

    def browse_page(request: Request) -> Response:
        projects = data.bs.projects()
        flagged = flagged_budgets(data.bs.checks())
        once = data.bs.project_budgets()  # a narrative and its linked form: one project, one budget
        years = group_projects(once)
        departments = group_projects(once, by_department=True)  # per department and year: never across years
        year = views.year_param(request.query_params.get("year"), strict=False)
        department = clean_query(request.query_params.get("department")) or None
        listed = [p for p in projects if (year is None or p.year == year)
                  and (department is None or p.department == department)]  # fmt: skip
        chart = charts.money_chart(
            "每年预算（万元） Budget per year, 10k yuan", [g.key for g in years], [g.total_yuan for g in years],
            "预算 budget",
        )  # fmt: skip
        count_chart = charts.bar_chart(
            "每年项目数 Projects per year", [g.key for g in years], [g.count for g in years], "项目 projects"
        )
        return page(
            request, "browse.html", years=years, departments=departments, listed=listed, chart=chart,
            count_chart=count_chart, year=year, department=department, documents=data.documents(),
            flagged=flagged,
        )  # fmt: skip

    def changes_answer(request: Request) -> tuple[Any, str | None, str | None]:
        """The department's changes the page asks for (``department``, ``year``, ``since``), or why not."""
        department = clean_query(request.query_params.get("department")) or None
        if department is None:
            return None, None, None
        try:
            year = views.year_param(request.query_params.get("year"))
            since = views.year_param(request.query_params.get("since"))
            if year is not None and since is not None and since >= year:
                raise YearsOutOfOrder(since, year, latest=False)
            return data.bs.changes(department, year=year, since=since), department, None
        except UNAVAILABLE:  # no store, or one that cannot be read: the app's 503
            raise
        except (ValueError, BudgetscopeError) as exc:  # a bad year, a department or year not stored
            return None, department, views.said(exc)

    def changes_page(request: Request) -> Response:
        answer, department, error = changes_answer(request)
        years: dict[str, set[int]] = {}
        for p in data.bs.projects():
            if p.department and p.year is not None and p.kind != "department_form":
                years.setdefault(p.department, set()).add(p.year)
        options = {d: sorted(y) for d, y in sorted(years.items()) if len(y) > 1}  # something to compare
        return page(request, "changes.html", status=400 if error else 200, answer=answer, error=error,
                    department=department, options=options)  # fmt: skip

    def api_changes(request: Request) -> Response:
        answer, department, error = changes_answer(request)
        if department is None:
            return JSONResponse({"error": "give a department: /api/changes?department=…"}, status_code=400)
        if error is not None:
            return JSONResponse({"error": error}, status_code=400)
        return Response(to_json(answer.contract()), media_type="application/json")

    def api_projects(request: Request) -> Response:
        try:
            year = views.year_param(request.query_params.get("year"))
        except ValueError as exc:
            return JSONResponse({"error": views.said(exc)}, status_code=400)
        department = clean_query(request.query_params.get("department")) or None
        try:
            rows = data.bs.projects(year=year, department=department)
        except UNAVAILABLE:  # no store, or one that cannot be read: the app's 503
            raise
        except BudgetscopeError as exc:  # a department the store does not hold
            return JSONResponse({"error": views.said(exc)}, status_code=400)
        return Response(to_json([p.model_dump() for p in rows]), media_type="application/json")

    def document_page(request: Request) -> Response:
        info = data.document(request.path_params["doc"])
        if info is None:
            return error_page(request, f"no document {request.path_params['doc'][:80]!r} in the store", 404,
                              DocumentNotFound())  # fmt: skip
        return page(
            request, "document.html", info=info, projects=data.bs.projects(doc=info.doc),
            findings=data.bs.checks(doc=info.doc), has_source=data.source_file(info.doc) is not None,
        )  # fmt: skip

    def api_documents(request: Request) -> Response:
        return Response(to_json([d.contract() for d in data.documents()]), media_type="application/json")

    def api_document(request: Request) -> Response:
        info = data.document(request.path_params["doc"])
        if info is None:
            return JSONResponse({"error": "no such document"}, status_code=404)
        out = info.contract()
        out["projects"] = [p.model_dump() for p in data.bs.projects(doc=info.doc)]  # money exact: to_json
        return Response(to_json(out), media_type="application/json")

    def source(request: Request) -> Response:
        path = data.source_file(request.path_params["doc"])
        if path is None:
            return error_page(request, "no source file for this document", 404)
        if path.suffix.lower() == ".pdf":
            return FileResponse(path, media_type="application/pdf", content_disposition_type="inline",
                                filename=path.name,
                                headers={"Content-Security-Policy": SOURCE_CSP})  # fmt: skip
        from budgetscope.pipeline.load import LoadError, decode

        try:  # a text budget in GB18030 or Big5 is sent as the UTF-8 text it was read as
            text, _ = decode(path.read_bytes(), path)
        except (OSError, LoadError) as exc:
            return error_page(request, f"cannot read the source file: {exc}", 404)
        return Response(text, media_type="text/plain; charset=utf-8")

    def docs_page(request: Request) -> Response:
        return page(request, "docs.html", sections=SECTION_KEYS, top_k=TOP_K, max_top_k=views.MAX_TOP_K,
                    cutoff=relevance_cutoff())  # fmt: skip

    routes = [
        Route("/", home),
        Route("/search", search_page),
        Route("/cites", cites_page),
        Route("/project/{id}", project_page),
        Route("/browse", browse_page),
        Route("/changes", changes_page),
        Route("/document/{doc}", document_page),
        Route("/source/{doc}", source),
        Route("/docs", docs_page),
        Route("/api/search", api_search),
        Route("/api/cites", api_cites),
        Route("/api/project/{id}", api_project),
        Route("/api/projects", api_projects),
        Route("/api/changes", api_changes),
        Route("/api/documents", api_documents),
        Route("/api/document/{doc}", api_document),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    if allow_upload:
        routes += upload_routes(data, page)
    if cli_token:
        from budgetscope.web.cli_api import cli_routes
        from budgetscope.web.cli_writes import write_routes

        routes += cli_routes(data, cli_token) + write_routes(data, cli_token)

    def unavailable(request: Request, exc: Exception) -> Response:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=503)
        return error_page(request, message, 503)

    handlers: dict[Any, Any] = dict.fromkeys(UNAVAILABLE, unavailable)
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], exception_handlers=handlers)
