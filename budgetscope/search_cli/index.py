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
    import contextlib

    from budgetscope.api import BudgetscopeError
    from budgetscope.api.indexing import update_index
    from budgetscope.paths import data_home
    from budgetscope.remote import ServeError, ServeUnavailable, hand_over, holder, refuse_writes
    from budgetscope.search_cli.common import fail, fail_from
    from budgetscope.store.protocol import StoreError

    # a serve holds the embedded index: it updates it (its searches go on); a rebuild, which replaces the
    # index it has open, or another encoder than its own, is one line naming it
    serving = holder(home, qdrant_url)
    if serving is not None and (rebuild or (encoder and encoder != serving.encoder)):
        raise fail(str(refuse_writes(home, qdrant_url)))
    console = stderr()
    with Progress("index", quiet=quiet) as progress:
        try:
            done = None
            if serving is not None:  # None when it does not answer (it is not our serve): update here
                with contextlib.suppress(ServeUnavailable):
                    done = hand_over(serving, "/api/cli/index", {}, progress, progress.phase)
            if done is not None:
                points = int(done["points"])
            else:
                points = update_index(
                    data_home(home), [], qdrant_url=qdrant_url, encoder=encoder, rebuild=rebuild,
                    on_progress=progress,
                )  # fmt: skip
        except (StoreError, BudgetscopeError, ServeError) as exc:
            raise fail_from(exc) from None
    if not quiet:
        console.print(f"{points} points embedded")
