"""`budgetscope serve`: web pages and a JSON API over the data home (parse options, call, no logic)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from budgetscope.search_cli.common import EncoderOption, HomeOption, QdrantUrlOption, fail


def command(
    home: HomeOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    qdrant_url: QdrantUrlOption = None,
    encoder: EncoderOption = None,
    allow_upload: Annotated[
        bool, typer.Option("--allow-upload", help="Let visitors add PDFs and text files to the store.")
    ] = False,
) -> None:
    """Serve search, who-cites-what, projects across years and documents as web pages and JSON."""
    try:
        from budgetscope.web.server import serve
    except ImportError as exc:
        raise fail(
            f"serve needs the web extra: pip install 'budgetscope[web]' ({exc.name} missing)"
        ) from None
    from budgetscope.paths import data_home, store_path

    where = data_home(home)
    if where.exists() and not where.is_dir():
        raise fail(f"data home {where} is not a folder; give --home (or BUDGETSCOPE_HOME) a folder")
    if not allow_upload and not store_path(where).exists():  # pages of nothing: say so, as search does
        raise fail(f"no store at {where}; run `budgetscope ingest` first (or serve with --allow-upload)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: anyone who can reach it may read the store", file=sys.stderr)

    def ready(url: str) -> None:
        print(f"budgetscope serving {url} (Ctrl+C to stop)", file=sys.stderr, flush=True)

    try:
        serve(home, host=host, port=port, qdrant_url=qdrant_url, encoder=encoder, allow_upload=allow_upload,
              on_ready=ready)  # fmt: skip
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
