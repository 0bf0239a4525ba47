"""`budgetscope ingest --qdrant-url` to a server that does not answer (review 30-b #10): the per-file errors
and the summary as without the index, then one line naming the server, the reason and what the store now
holds; no qdrant-client warning on stderr; exit 1; what was stored stays, pending for the index.

The server is a port of 127.0.0.1 bound and never listened on: every connection is refused.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import budgetscope
from budgetscope.api import IndexNotUpdated

T19 = "sast-2019-performance-targets.txt"
T23 = "sast-2023-department-budget.txt"


@pytest.fixture
def closed_url() -> Iterator[str]:
    with socket.socket() as held:  # bound, not listening: refused, and no other test can take the port
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


def _ingest(home: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "budgetscope", "--home", str(home), *map(str, args)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_ingest_unreachable_server_keeps_the_summary_and_the_file_errors(
    tmp_path: Path, corpus: Path, closed_url: str
) -> None:
    home = tmp_path / "home"
    before = _ingest(home, "ingest", corpus / T23, "--no-index", "-q")
    assert before.returncode == 0, before.stderr
    missing = tmp_path / "nonexistent.txt"
    run = _ingest(home, "--qdrant-url", closed_url, "ingest", missing, corpus / T19)
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if not line.startswith("ingest: ")]  # progress lines
    assert lines[0].startswith("1 written, 0 unchanged, 1 failed, 0 warnings (") and lines[1].startswith(
        "store: 2 documents, "
    )
    assert lines[2:] == [
        f"error: {missing}: no such file",
        "error: search index not updated (1 document stored: `budgetscope index` adds it later): "
        f"cannot reach Qdrant at {closed_url}: Connection refused",
    ]  # before: only the index error, "(the store is)", and qdrant-client's UserWarning with its source line
    with budgetscope.open(home) as bs:  # nothing stored before is lost; both wait for the index
        assert sorted(d.doc for d in bs.documents()) == [T19, T23]
        assert bs.index_lag() == [T19, T23]


def test_ingest_unreachable_server_after_nothing_stored_says_so(tmp_path: Path, closed_url: str) -> None:
    run = _ingest(
        tmp_path / "home", "--qdrant-url", closed_url, "ingest", tmp_path / "corpus", "--format", "json"
    )
    assert run.returncode == 1
    assert '"written": 0' in run.stdout and f'"failed": ["{tmp_path / "corpus"}: no such file"]' in run.stdout
    assert [line for line in run.stderr.splitlines() if not line.startswith("ingest: ")] == [
        f"error: {tmp_path / 'corpus'}: no such file",
        "error: search index not updated (nothing stored by this run): "
        f"cannot reach Qdrant at {closed_url}: Connection refused",
    ]  # before: "(the store is)" of an empty store


def test_ingest_unreachable_server_api_carries_the_summary(
    tmp_path: Path, corpus: Path, closed_url: str
) -> None:
    with budgetscope.open(tmp_path / "home", qdrant_url=closed_url) as bs:
        with pytest.raises(IndexNotUpdated) as raised:
            bs.ingest([corpus / T19, tmp_path / "nothing.txt"])
        summary = raised.value.summary
        assert summary is not None and summary.written == 1
        assert summary.failed == [f"{tmp_path / 'nothing.txt'}: no such file"]
        assert raised.value.reason == f"cannot reach Qdrant at {closed_url}: Connection refused"
        assert [d.doc for d in bs.documents()] == [T19]
