"""Defects 4 and 5 of #10 for real: files the process may not read, and a disk that fills up.

Root reads every file, so as root the CLI runs without the capabilities that let it
(``setpriv`` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: a chmod-000 file is then refused
exactly as for any user). The full disk is a small tmpfs mounted for the test (root only).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import ROOT, small_budget

DROP = "-dac_override,-dac_read_search"
FULL = "; nothing stored was lost, free some space and run again"


def _budgetscope(*args: object, prefix: list[str] | None = None) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETSCOPE_")}
    env["PYTHONPATH"] = str(ROOT)
    command = [*(prefix or []), sys.executable, "-m", "budgetscope.search_cli.app", *map(str, args)]
    p = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def _stored(home: Path) -> list[str]:
    db = sqlite3.connect(home / "budgetscope.sqlite")
    try:
        return [doc for (doc,) in db.execute("SELECT doc FROM documents ORDER BY doc")]
    finally:
        db.close()


def _dump(home: Path) -> tuple[str, list[str]]:
    """The store's integrity check and its whole content as SQL statements (in any row order)."""
    db = sqlite3.connect(home / "budgetscope.sqlite")
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0], sorted(db.iterdump())
    finally:
        db.close()


# -- 4. unreadable files and folders ------------------------------------------------------------------


@pytest.fixture(scope="module")
def unprivileged() -> list[str]:
    """The command prefix under which chmod 000 makes a file unreadable ([] when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads every file and setpriv (util-linux) is missing")
    prefix = [setpriv, f"--bounding-set={DROP}", f"--inh-caps={DROP}"]
    probe = subprocess.run([*prefix, "cat", "/proc/self/status"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot drop root's read capabilities: {probe.stderr.strip()}")
    return prefix


def test_load_unreadable_file_subfolder_and_named_file_each_one_line(
    tmp_path: Path, unprivileged: list[str]
) -> None:
    folder = tmp_path / "in"
    (folder / "closed").mkdir(parents=True)
    (folder / "budget-2031.txt").write_text(small_budget(2031), encoding="utf-8")
    (folder / "budget-2032.txt").write_text(small_budget(2032), encoding="utf-8")
    (folder / "closed" / "budget-2033.txt").write_text(small_budget(2033), encoding="utf-8")
    (tmp_path / "single-2034.txt").write_text(small_budget(2034), encoding="utf-8")
    (tmp_path / "locked-2035.txt").write_text(small_budget(2035), encoding="utf-8")
    locked = [folder / "budget-2032.txt", folder / "closed", tmp_path / "locked-2035.txt"]
    for path in locked:
        path.chmod(0)
    inputs = [folder, tmp_path / "single-2034.txt", tmp_path / "locked-2035.txt"]
    try:
        code, _, err = _budgetscope("ingest", *inputs, "--home", tmp_path / "h", "--no-index", "-q",
                                    prefix=unprivileged)  # fmt: skip
        seg_code, seg_out, seg_err = _budgetscope("segment", *inputs, "--format", "json", prefix=unprivileged)
    finally:
        for path in locked:
            path.chmod(0o755)
    assert code == 1, err
    assert sorted(_errors(err)) == [
        f"error: {folder / 'budget-2032.txt'}: permission denied",
        f"error: {folder / 'closed'}: folder not readable (permission denied)",
        f"error: {tmp_path / 'locked-2035.txt'}: permission denied",
    ], err
    assert _stored(tmp_path / "h") == ["budget-2031.txt", "single-2034.txt"]
    assert seg_code == 1 and sorted(_errors(seg_err)) == sorted(_errors(err)), seg_err
    assert "budget-2031.txt" in seg_out and "single-2034.txt" in seg_out


# -- 5. a full disk during a store COMMIT and a Qdrant write -----------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 MiB tmpfs (room for a small search index, which keeps 64 MiB free), unmounted after the test."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(disk)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"mount not permitted: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], check=True)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` to the last byte, then free ``leave`` bytes of it again."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == 28, exc  # ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(filler.stat().st_size - leave, 0))
    return filler


def _budget(tmp_path: Path, name: str, year: int) -> Path:
    path = tmp_path / name
    path.write_text(small_budget(year), encoding="utf-8")
    return path


def test_ingest_disk_full_during_the_store_commit_is_one_line(tmp_path: Path, small_disk: Path) -> None:
    home = small_disk / "home"
    first, second = _budget(tmp_path, "budget-2031.txt", 2031), _budget(tmp_path, "budget-2032.txt", 2032)
    code, _, err = _budgetscope("ingest", first, "--home", home, "--no-index", "-q")
    assert code == 0, err
    before = _dump(home)
    filler = _fill(small_disk, leave=32 * 1024)  # room to open the store, not to commit a document
    code, _, err = _budgetscope("ingest", second, "--home", home, "--no-index", "-q")
    assert code == 1
    assert err.splitlines() == [
        f"error: no space left on the device (store {home / 'budgetscope.sqlite'}){FULL}"
    ]
    filler.unlink()
    filler = _fill(small_disk, leave=0)  # no room even for the store's shared memory: not "damaged"
    code, _, err = _budgetscope("ingest", second, "--home", home, "--no-index", "-q")
    assert code == 1
    assert err.splitlines() == [
        f"error: no space left on the device (store {home / 'budgetscope.sqlite'}){FULL}"
    ]
    filler.unlink()
    assert before[0] == "ok" and _dump(home) == before
    code, _, err = _budgetscope("ingest", second, "--home", home, "--no-index", "-q")
    assert code == 0 and _stored(home) == ["budget-2031.txt", "budget-2032.txt"], err


def test_index_disk_full_during_a_qdrant_write_is_one_line(tmp_path: Path, small_disk: Path) -> None:
    home = small_disk / "home"
    first, second = _budget(tmp_path, "budget-2031.txt", 2031), _budget(tmp_path, "budget-2032.txt", 2032)
    assert _budgetscope("ingest", first, "--home", home, "--encoder", "hash", "-q")[0] == 0
    assert _budgetscope("ingest", second, "--home", home, "--no-index", "-q")[0] == 0  # pending for the index
    before = _dump(home)
    filler = _fill(small_disk, leave=64 * 1024)  # room for the store's shared memory, not for the points
    code, _, err = _budgetscope("index", "--home", home, "-q")
    assert code == 1
    assert err.splitlines() == [
        f"error: search index not updated (the store is): no space left on the device "
        f"(search index {home / 'vectors'}){FULL}"
    ]
    filler.unlink()
    assert before[0] == "ok" and _dump(home) == before  # budget-2032.txt still pending
    code, _, err = _budgetscope("index", "--home", home, "-q")
    assert code == 0, err
    code, out, err = _budgetscope("search", "学会改革", "--year", "2032", "--home", home, "--format", "json")
    assert code == 0 and "budget-2032.txt" in out, err
