"""kill -9 at a random moment during parsing or indexing, then a re-run: consistent, nothing left behind.

Parsing: the workers die with the killed ingest (before #10 the forkserver, the resource tracker and two
workers stayed blocked for minutes). Indexing: progress is recorded per document as it is embedded,
so the re-run embeds exactly the documents that were not indexed yet (before #10 it started over).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import cli, run, write_budgets
from tests.reliability.test_concurrency import indexed_docs, store_state

NATIONAL = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-national"
pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="looks for processes in /proc")


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (the killed ingest was a session and group leader)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.parametrize("seed", [1, 2])
def test_kill_during_parse_leaves_no_process_and_a_rerun_completes(tmp_path: Path, seed: int) -> None:
    home = tmp_path / "home"
    files = write_budgets(tmp_path / "in", range(2030, 2036))
    p = cli("ingest", *files, "--workers", "2", "--no-index", home=home)
    time.sleep(random.Random(seed).uniform(2.0, 6.0))
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    deadline = time.monotonic() + 20
    while group_members(p.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = group_members(p.pid)
    for pid in left:  # do not leave them on the machine even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == [], "worker processes outlived the killed ingest"
    code, _, err = run("ingest", *files, "--no-index", "--workers", "2", home=home)
    assert code == 0 and "Traceback" not in err, err
    docs, projects, _, integrity = store_state(home)
    assert integrity == "ok" and docs == sorted(f.name for f in files) and projects == 2 * len(files)


@pytest.mark.parametrize("seed", [3, 4])
def test_kill_during_index_then_rerun_embeds_only_what_was_not_indexed(tmp_path: Path, seed: int) -> None:
    from budgetscope.store.sqlite import open_store
    from budgetscope.vector.points import points_of_records

    home = tmp_path / "home"
    files = write_budgets(tmp_path / "in", range(2030, 2038))
    assert run("ingest", *files[:1], "--encoder", "hash", "-q", home=home)[0] == 0
    assert run("ingest", *files, "--no-index", "-q", home=home)[0] == 0
    p = cli("index", home=home)
    time.sleep(random.Random(seed).uniform(1.0, 5.0))
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    _, _, pending, integrity = store_state(home)
    assert integrity == "ok"
    with open_store(home) as store:
        expected = sum(
            len(points_of_records(store.get_document(d).records, "hash"))  # type: ignore[union-attr]
            for d in pending
        )
    code, _, err = run("index", home=home)
    assert code == 0 and "Traceback" not in err, err
    embedded = int(re.search(r"(\d+) points embedded", err).group(1))  # type: ignore[union-attr]
    assert embedded == expected  # only the documents not indexed when the run was killed
    docs, _projects, pending, integrity = store_state(home)
    assert pending == [] and integrity == "ok"
    assert set(indexed_docs(home)) == set(docs)


@pytest.mark.parametrize("seed", [3, 4])
def test_ctrl_c_during_parse_ends_at_once_says_so_and_a_rerun_completes(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C (SIGINT to the whole process group, as a terminal sends it) while workers read: the ingest
    ends within seconds with one line and exit 130, its workers with it (a worker blocked on its result
    pipe and a shutdown waiting for it used to hang forever), and a re-run completes."""
    home = tmp_path / "home"
    if not NATIONAL.is_dir():
        pytest.skip("needs ../shared/corpus-national (PDFs long enough to read to be interrupted)")
    files = sorted(NATIONAL.glob("*.pdf"))
    monkeypatch.setenv("BUDGETSCOPE_NO_CACHE", "1")  # read, not taken from the read cache
    p = cli("ingest", *files, "--workers", "2", "--no-index", home=home)
    time.sleep(random.Random(seed).uniform(3.0, 6.0))
    os.killpg(p.pid, signal.SIGINT)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        raise AssertionError("the interrupted ingest hung") from None
    if p.returncode == 0:
        pytest.skip("the ingest ended before the signal")
    assert p.returncode == 130 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted")
    deadline = time.monotonic() + 20
    while group_members(p.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert group_members(p.pid) == [], "worker processes outlived the interrupted ingest"
    code, _, err = run("ingest", *files, "--no-index", "--workers", "2", home=home)
    assert code == 0 and "Traceback" not in err, err
    docs, projects, _, integrity = store_state(home)
    assert integrity == "ok" and docs == sorted(f.name for f in files) and projects > len(files)
