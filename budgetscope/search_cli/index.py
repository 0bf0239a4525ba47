"""`budgetscope index --rebuild`: (re)build the search index from the entity store."""

from __future__ import annotations

from typing import Annotated

import typer

from budgetscope.search_cli.common import EncoderOption, HomeOption, Progress, QdrantUrlOption, stderr


def command(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and embed every document again.")
    ] = False,
    home: HomeOption = None,
    qdrant_url: QdrantUrlOption = None,
    encoder: EncoderOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Update the search index from the store (with --rebuild: from scratch, e.g. with another --encoder)."""
    from budgetscope.api import BudgetscopeError
    from budgetscope.api.indexing import update_index
    from budgetscope.paths import data_home
    from budgetscope.remote import refuse_writes
    from budgetscope.search_cli.common import fail, fail_from
    from budgetscope.store.protocol import StoreError

    # a serve holds the embedded index: one line naming it
    if busy := refuse_writes(home, qdrant_url):
        raise fail(busy)
    console = stderr()
    with Progress("index", quiet=quiet) as progress:
        try:
            points = update_index(
                data_home(home), [], qdrant_url=qdrant_url, encoder=encoder, rebuild=rebuild,
                on_progress=progress,
            )  # fmt: skip
        except (StoreError, BudgetscopeError) as exc:
            raise fail_from(exc) from None
    if not quiet:
        console.print(f"{points} points embedded")
