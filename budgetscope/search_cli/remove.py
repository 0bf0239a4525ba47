"""`budgetscope remove DOC...`: delete documents from the store and their points from the search index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from budgetscope.search_cli.common import EncoderOption, HomeOption, QdrantUrlOption, fail, stderr
from budgetscope.search_cli.errors import quoted


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
    from budgetscope.index.ingest import relink
    from budgetscope.index.store import StoreError, open_store
    from budgetscope.paths import data_home
    from budgetscope.search_cli.ingest import update_index

    names = [Path(d).name for d in docs]  # a path names the file's document
    try:
        with open_store(data_home(home)) as store:
            stored = {row["doc"] for row in store.select("documents")}
            unknown = [n for n in names if n not in stored]
            if unknown:
                raise fail(
                    f"no stored document named {quoted(unknown[0])} (nothing removed; see `budgetscope export`)"
                )
            removed = store.delete_documents(names)
            if store.links_stale():
                store.write_links(relink(store))
    except StoreError as exc:
        raise fail(str(exc)) from None
    if not no_index:
        update_index(data_home(home), [], qdrant_url=qdrant_url, encoder=encoder)
    if not quiet:
        index = "store only; the index catches up on its next update" if no_index else "store and index"
        stderr().print(f"{removed} documents removed ({index})", soft_wrap=True)
