"""Fixtures of the store tests: the corpus extracted once, a store with the corpus ingested once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.store import EntityStore
from budgetscope.index.store_schema import DOCUMENT_TABLES, LINK_TABLES

Dump = dict[str, list[tuple[Any, ...]]]


def dump_store(store: EntityStore) -> Dump:
    """Every row of every table, sorted: two stores with equal dumps hold the same data."""
    return {
        t: sorted((tuple(sorted(r.items())) for r in store.select(t)), key=repr)
        for t in (*DOCUMENT_TABLES, *LINK_TABLES)
    }


@pytest.fixture(scope="session")
def dump() -> Callable[[EntityStore], Dump]:
    return dump_store


@pytest.fixture(scope="session")
def extracted(corpus: Path) -> list[Any]:
    """(processed, document) of every corpus file: segmented, extracted, tables parsed."""
    from budgetscope.index.ingest import process_file
    from budgetscope.paths import expand

    processed = [process_file(p) for p in expand([corpus])]
    return [(p, p.document) for p in processed]


@pytest.fixture(scope="session")
def corpus_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home with the bundled corpus ingested (read-only for tests)."""
    from budgetscope.index.ingest import ingest

    home = tmp_path_factory.mktemp("home")
    summary = ingest([corpus], home, workers=1)
    assert not summary.failed
    return home
