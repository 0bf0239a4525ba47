"""A data home built through the API once per test run: the performance forms of 2019 and 2026,
embedded with the default encoder (USE) in the embedded Qdrant engine, and the 2023 department
budget stored but not yet indexed (ingested with ``index=False``: the store ahead of the index)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import budgetscope
from budgetscope.api import Budgetscope

B23 = "sast-2023-department-budget.txt"
T26 = "sast-2026-performance-targets.txt"
T19 = "sast-2019-performance-targets.txt"


@pytest.fixture(scope="session")
def api_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    home = tmp_path_factory.mktemp("api-home")
    with embed_once(), budgetscope.open(home) as bs:
        summary = bs.ingest([corpus / T19, corpus / T26])
        assert summary.written == 2 and not summary.failed
        summary = bs.ingest([corpus / B23], index=False)
    assert summary.written == 1 and not summary.failed
    return home


@pytest.fixture(scope="module")
def bs(api_home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(api_home) as session:
        yield session
