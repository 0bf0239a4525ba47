"""`budgetscope remove DOC...`: delete documents from the store and their points from the search index."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from budgetscope.messages import counted
from budgetscope.search_cli.common import EncoderOption, HomeOption, QdrantUrlOption, fail, stderr


def command(
    docs: Annotated[
        list[str], typer.Argument(help="Stored document names (file names, as `ingest` stored them).")
    ],
    home: HomeOption = None,
    qdrant_url: QdrantUrlOption = None,
    encoder: EncoderOption = None,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Only the store; the index catches up on its next update.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Remove documents (with their projects, amounts, citations, findings) from the store and the index.

    An unknown name is an error (exit 1) and nothing is removed.
    """
    from budgetscope.api import BudgetscopeError
    from budgetscope.api.indexing import indexed, remove_documents
    from budgetscope.paths import data_home
    from budgetscope.remote import ServeError, ServeUnavailable, ask, holder
    from budgetscope.store.protocol import StoreError

    serving = holder(home, qdrant_url, writes_index=not no_index)  # a serve holds the index: it removes
    try:
        removed = None
        if serving is not None:  # None when it does not answer (it is not our serve): remove here
            with contextlib.suppress(ServeUnavailable):
                answer = ask(serving, "/api/cli/remove", {"docs": docs, "no_index": no_index})
                removed = int(answer["removed"])
        if removed is None:
            removed = remove_documents(
                data_home(home), docs, index=not no_index, qdrant_url=qdrant_url, encoder=encoder
            )
    except (StoreError, BudgetscopeError, ServeError) as exc:
        raise fail(str(exc)) from None
    if not quiet:
        index = "store only; the index catches up on its next update" if no_index else "store and index"
        if not no_index and serving is None and not indexed(data_home(home)):
            index = "store; no search index was built yet"
        stderr().print(f"{counted(removed, 'document')} removed ({index})", soft_wrap=True)
