"""A data home built through the API once per test run: two real documents of two years, embedded
with the default encoder (USE) in the embedded Qdrant engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import budgetscope
from budgetscope.api import Budgetscope

B23 = "sast-2023-department-budget.txt"
T26 = "sast-2026-performance-targets.txt"


@pytest.fixture(scope="session")
def api_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("api-home")
    with budgetscope.open(home) as bs:
        summary = bs.ingest([corpus / B23, corpus / T26])
    assert summary.written == 2 and not summary.failed
    return home


@pytest.fixture(scope="module")
def bs(api_home: Path) -> Iterator[Budgetscope]:
    with budgetscope.open(api_home) as session:
        yield session
