"""Running the web application: one process, one :class:`~budgetscope.api.Budgetscope` (one loaded
encoder, one open index), many users served by uvicorn and Starlette's thread pool."""

from __future__ import annotations

import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from budgetscope.web.data import Data

WARM_CHARS = 1000
"""How much of the projects' names the warm-up search reads."""

STOP_WAIT = 3
"""Seconds a stopping serve gives the requests under way to finish (then it ends them and closes the
home: an upload being ingested stops at its next write on the index, what it stored kept)."""


def warm(data: Data) -> None:
    """Load the encoder and open the index before the first user asks (a failure is only reported:
    the pages then show the one-line error, e.g. before anything was ingested)."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.web.data import UNAVAILABLE

    expected: tuple[type[Exception], ...] = (BudgetscopeError, *UNAVAILABLE)
    try:
        data.bs.search("预算", top_k=1)
        # the encoder's and jieba's dictionaries are read from the cache by first character, and
        # whole once a text asks for many: a passage of the stored projects' names reads them now
        # rather than inside some user's query
        names = " ".join(p.name for p in data.bs.projects())[:WARM_CHARS]
        if names:
            data.bs.search(names, top_k=1)
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
    """Serve the pages of the data home until interrupted; while it listens, the CLI of the same
    home sends its ``search`` and ``cites`` here (see :mod:`budgetscope.remote`)."""
    import uvicorn

    import budgetscope
    from budgetscope import remote
    from budgetscope.web.app import create_app

    sock = _listening_socket(host, port)  # first: a port in use is an OSError at once, before any work
    with sock, budgetscope.open(home, qdrant_url=qdrant_url, encoder=encoder) as bs:
        data = Data(bs)
        warm(data)
        token = remote.new_token()
        app = create_app(data, allow_upload=allow_upload, cli_token=token)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        local = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, shown)
        advertised: list[remote.Serving] = []

        class Server(uvicorn.Server):
            async def startup(self, sockets: Any = None) -> None:
                await super().startup(sockets)
                if not self.started:
                    return
                if on_ready is not None:  # said once it listens, never before
                    on_ready(url)
                try:  # listening: the CLI may come
                    advertised.append(
                        remote.advertise(
                            bs.home,
                            url=f"http://{local}:{port}/",
                            token=token,
                            qdrant_url=qdrant_url,
                            encoder=bs.encoder,
                        )
                    )
                except OSError as exc:
                    print(
                        f"warning: cannot advertise in {bs.home} ({exc.strerror or exc}): the CLI "
                        "will not send its searches here",
                        file=sys.stderr,
                    )

        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=STOP_WAIT,
        )
        # uvicorn stops gracefully on SIGTERM, then raises it again: end with SystemExit then, so that
        # the advertisement is withdrawn (a SIGINT already ends in KeyboardInterrupt)
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm) if main else None
        try:
            Server(config).run(sockets=[sock])
        finally:
            for serving in advertised:
                remote.withdraw(bs.home, serving)
            if main:
                signal.signal(signal.SIGTERM, previous)


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` for uvicorn to serve on; :class:`OSError` when the port is taken."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(0)
