"""Running the web application: one process, one :class:`~budgetscope.api.Budgetscope` (one loaded
encoder, one open index), many users served by uvicorn and Starlette's thread pool."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from budgetscope.web.data import Data


def warm(data: Data) -> None:
    """Load the encoder and open the index before the first user asks (a failure is only reported:
    the pages then show the one-line error, e.g. before anything was ingested)."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.web.data import UNAVAILABLE

    expected: tuple[type[Exception], ...] = (BudgetscopeError, *UNAVAILABLE)
    try:
        data.bs.search("预算", top_k=1)
    except expected as exc:
        print(f"warning: {exc}", file=sys.stderr)


def serve(
    home: Path | str | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    qdrant_url: str | None = None,
    encoder: str | None = None,
    allow_upload: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the pages of the data home until interrupted."""
    import uvicorn

    import budgetscope
    from budgetscope.web.app import create_app

    with budgetscope.open(home, qdrant_url=qdrant_url, encoder=encoder) as bs:
        data = Data(bs)
        warm(data)
        app = create_app(data, allow_upload=allow_upload)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        if on_ready is not None:
            on_ready(url)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
        uvicorn.Server(config).run()
