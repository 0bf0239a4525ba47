"""The writes the CLI of the same data home hands to this serve while it holds the embedded index
(:mod:`budgetscope.remote`): ``POST /api/cli/ingest`` (files, or the map step's JSONL files), ``POST
/api/cli/index`` (the update of ``budgetscope index``, without ``--rebuild``) and ``POST /api/cli/remove``. They run the same API calls the commands make in-process, in this process,
which holds the index; the caller holds the token of the advertisement file (readable by its owner
only), so the serve reads the files that user named.

``ingest`` and ``index`` answer as they go, one JSON object per line (``application/x-ndjson``): ``{"progress":
[done, total, name]}`` after each file, ``{"phase": "index"}`` when embedding starts, ``{"alive":
true}`` every :data:`HEARTBEAT` seconds of silence (an HNSW build says nothing for minutes), and last
``{"summary": {...}, "points": N}`` or ``{"error": "one line"}``.
"""

from __future__ import annotations

import hmac
import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from budgetscope.remote import TOKEN_HEADER
from budgetscope.web.data import Data

HEARTBEAT = 10.0
"""Seconds of silence after which an ingest stream says it is still working."""


class BadWrite(ValueError):
    """A request the CLI would never send."""


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise BadWrite(f'"{name}" must be true or false')
    return value


def ingest_request(body: Any) -> dict[str, Any]:
    """The checked request of ``POST /api/cli/ingest``.

    >>> ingest_request({"paths": ["/data/a.pdf"], "force": True})["paths"]
    ['/data/a.pdf']
    >>> ingest_request({"paths": ["relative.pdf"]})
    Traceback (most recent call last):
    ...
    budgetscope.web.cli_writes.BadWrite: paths must be absolute
    """
    if not isinstance(body, dict):
        raise BadWrite("expected an object")
    paths = body.get("paths")
    if paths is not None and (not isinstance(paths, list) or not all(isinstance(p, str) for p in paths)):
        raise BadWrite('"paths" must be a list of paths or null (the bundled corpus)')
    if paths is not None and not all(Path(p).is_absolute() for p in paths):
        raise BadWrite("paths must be absolute")
    workers = body.get("workers")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise BadWrite('"workers" must be a positive number')
    flags = {name: _flag(body, name) for name in ("force", "strict", "from_jsonl", "no_index")}
    if flags["from_jsonl"] and not paths:
        raise BadWrite("--from-jsonl needs the JSONL files to load")
    return {"paths": paths, "workers": workers, **flags}


def _authorized(request: Request, token: str) -> bool:
    return hmac.compare_digest(request.headers.get(TOKEN_HEADER, ""), token)


def _one_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def write_routes(data: Data, token: str) -> list[Route]:
    """The CLI's write endpoints over ``data``, answering callers that send ``token``."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.index.encoders import EncoderError
    from budgetscope.store.protocol import StoreError

    expected = (BudgetscopeError, EncoderError, StoreError, BadWrite, OSError)
    bs = data.bs

    def hold_index() -> None:
        """Hold the index after a write that opened it (the first of a home, none held before): the serve
        holds it between its searches, so no other process takes it meanwhile (nothing indexed yet:
        nothing to hold)."""
        from budgetscope.vector.query import VectorIndexError

        try:
            with bs._held.searching():
                pass
        except (*expected, VectorIndexError):
            pass  # the next search reopens it, or says why it cannot

    def run_ingest(request: dict[str, Any], say: queue.Queue[dict[str, Any] | None]) -> None:
        from budgetscope.api.indexing import ingest_and_index, load_and_index
        from budgetscope.index.ingest import IngestError

        def progress(done: int, total: int, name: str) -> None:
            say.put({"progress": [done, total, name]})

        def before_index() -> None:
            say.put({"phase": "index"})

        # the serve's searches go on meanwhile: the update writes the index they search, batch by batch
        common = {"index": not request["no_index"], "force": request["force"], "qdrant_url": bs.qdrant_url,
                  "encoder": bs.encoder, "on_progress": progress, "before_index": before_index,
                  "updating": bs._updating()}  # fmt: skip
        try:
            if request["from_jsonl"]:
                summary, points = load_and_index(request["paths"], bs.home, **common)
            else:
                summary, points = ingest_and_index(
                    request["paths"], bs.home, workers=request["workers"], strict=request["strict"], **common
                )
            hold_index()
            say.put({"summary": summary.as_dict(), "points": points})
        except (*expected, IngestError) as exc:
            say.put({"error": _one_line(exc)})
        except Exception as exc:  # the store keeps what was committed; the CLI prints one line
            say.put({"error": f"ingest failed in the serve: {type(exc).__name__}: {_one_line(exc)}"})
        finally:
            say.put(None)

    def run_index(request: dict[str, Any], say: queue.Queue[dict[str, Any] | None]) -> None:
        """``budgetscope index`` (an update: what the store holds and the index lacks), into the held index."""
        from budgetscope.api.indexing import update_index

        def progress(done: int, total: int, name: str) -> None:
            say.put({"progress": [done, total, name]})

        try:
            with bs._updating()() as shared:
                points = update_index(bs.home, [], qdrant_url=bs.qdrant_url, encoder=bs.encoder,
                                      on_progress=progress, on_status=None, index=shared)  # fmt: skip
            hold_index()
            say.put({"summary": {}, "points": points})
        except expected as exc:
            say.put({"error": _one_line(exc)})
        except Exception as exc:  # the store is untouched; the CLI prints one line
            say.put({"error": f"index failed in the serve: {type(exc).__name__}: {_one_line(exc)}"})
        finally:
            say.put(None)

    def lines(work: Any, request: dict[str, Any]) -> Iterator[bytes]:
        said: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=work, args=(request, said), daemon=True, name="cli-write").start()
        while True:
            try:
                item = said.get(timeout=HEARTBEAT)
            except queue.Empty:
                item = {"alive": True}
            if item is None:
                return
            yield (json.dumps(item, ensure_ascii=False, default=str) + "\n").encode("utf-8")

    async def ingest(request: Request) -> Response:
        if not _authorized(request, token):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            checked = ingest_request(await request.json())
        except (ValueError, BadWrite) as exc:
            return JSONResponse({"error": _one_line(exc)}, status_code=400)
        return StreamingResponse(lines(run_ingest, checked), media_type="application/x-ndjson")

    async def index(request: Request) -> Response:
        if not _authorized(request, token):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "the request is not JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected an object"}, status_code=400)
        return StreamingResponse(lines(run_index, body), media_type="application/x-ndjson")

    def run_remove(body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("docs"), list) or not body["docs"]:
            raise BadWrite('expected a non-empty list "docs"')
        if not all(isinstance(d, str) for d in body["docs"]):
            raise BadWrite('"docs" must be names')
        try:
            return {"removed": bs.remove(body["docs"], index=not _flag(body, "no_index"))}
        finally:
            hold_index()

    async def remove(request: Request) -> Response:
        if not _authorized(request, token):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            return JSONResponse(await run_in_threadpool(run_remove, await request.json()))
        except (ValueError, *expected) as exc:
            return JSONResponse({"error": _one_line(exc)}, status_code=400)

    return [
        Route("/api/cli/ingest", ingest, methods=["POST"]),
        Route("/api/cli/index", index, methods=["POST"]),
        Route("/api/cli/remove", remove, methods=["POST"]),
    ]
