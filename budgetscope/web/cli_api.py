"""The endpoints the CLI of the same data home asks while this serve holds the index
(:mod:`budgetscope.remote`): ``POST /api/cli/search`` and ``POST /api/cli/cites`` run the very code
the commands run in-process (:func:`~budgetscope.api.answers.search_answer`,
:func:`~budgetscope.api.answers.cites_answer`) on this process's open index and loaded
encoder, and answer JSON the command prints as it would its own. Only a caller holding the token of
the advertisement file (readable by its owner only) is answered.

``/api/cli/search`` also answers the Python API's searches (``bs.search`` while this serve holds the
index), so its ``top_k`` is the API's: any whole number of 1 or more
(:func:`~budgetscope.api.searching.top_k_error`), refused with the API's message. The commands send 1 to
100 (``--top-k``, as ``/api/search`` takes); a cap here would make a notebook's search fail only while a
serve is up.
"""

from __future__ import annotations

import hmac
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from budgetscope.api.arguments import MODES
from budgetscope.models import to_json
from budgetscope.remote import TOKEN_HEADER
from budgetscope.web.data import UNAVAILABLE, Data


class BadRequest(ValueError):
    """A request the CLI (or the Python API) would never send."""


def _search_request(body: Any) -> dict[str, Any]:
    from budgetscope.api.searching import top_k_error

    if not isinstance(body, dict) or not isinstance(body.get("batch"), list) or not body["batch"]:
        raise BadRequest("expected a non-empty batch of queries")
    for item in body["batch"]:
        if not isinstance(item, dict) or not isinstance(item.get("query"), str) or not item["query"].strip():
            raise BadRequest('each query needs a non-empty "query"')
        if not isinstance(item.get("filters") or {}, dict):
            raise BadRequest('"filters" must be an object')
    if not isinstance(body.get("base") or {}, dict):
        raise BadRequest('"base" must be an object')
    if (bad := top_k_error(body.get("top_k"))) is not None:  # the Python API's rule: it asks here too
        raise BadRequest(bad)
    if body.get("mode") not in MODES:
        raise BadRequest(f'"mode" must be one of {", ".join(MODES)}')
    return {**body, "base": body.get("base") or {}}


def _cites_request(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
        raise BadRequest('expected a non-empty "query"')
    if body.get("year") is not None and (not isinstance(body["year"], int) or isinstance(body["year"], bool)):
        raise BadRequest('"year" must be a number')
    if body.get("department") is not None and not isinstance(body["department"], str):
        raise BadRequest('"department" must be a text')
    return body


def cli_routes(data: Data, token: str) -> list[Route]:
    """The CLI's endpoints over ``data``, answering callers that send ``token``."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.index.encoders import EncoderError

    expected: tuple[type[Exception], ...] = (BudgetscopeError, EncoderError, BadRequest, *UNAVAILABLE)
    bs = data.bs

    def run_search(body: Any) -> dict[str, Any]:
        from budgetscope.api.answers import search_answer

        request = _search_request(body)
        with bs._held.searching() as index, bs._store() as store:  # the one open index, as its searches
            return search_answer(bs.home, store, index, request)

    def run_cites(body: Any) -> dict[str, Any]:
        from budgetscope.api.answers import cites_answer

        request = _cites_request(body)
        with bs._store() as store:
            return cites_answer(store, request)

    def endpoint(work: Any) -> Any:
        async def handle(request: Request) -> Response:
            if not hmac.compare_digest(request.headers.get(TOKEN_HEADER, ""), token):
                return JSONResponse({"error": "forbidden"}, status_code=403)
            try:
                body = await request.json()
            except ValueError:
                return JSONResponse({"error": "the request is not JSON"}, status_code=400)
            try:
                return Response(to_json(await run_in_threadpool(work, body)), media_type="application/json")
            except expected as exc:
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                return JSONResponse({"error": message}, status_code=400)

        return handle

    return [
        Route("/api/cli/search", endpoint(run_search), methods=["POST"]),
        Route("/api/cli/cites", endpoint(run_cites), methods=["POST"]),
    ]
