"""Small real documents for the reliability tests: the head of sast-2023 and two of its project narratives.

Each copy names another year (and optionally department), so that copies are different documents
(the same text under two names is refused as a duplicate).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE = ROOT / "corpus" / "sast-2023-department-budget.txt"


def small_budget(year: int, department: str = "上海市科学技术协会", projects: int = 2) -> str:
    """A department budget of ``projects`` (1-3) real narratives, for ``year`` and ``department``."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    head = "\n".join(lines[:12])
    stop = {1: 401, 2: 430, 3: 460}[projects]
    body = "\n".join(["", "七、项目经费情况说明", "", *lines[361:stop]])
    text = head + "\n" + body + "\n"
    return text.replace("2023", str(year)).replace("上海市科学技术协会", department)


def write_budgets(folder: Path, years: range, prefix: str = "budget") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for year in years:
        path = folder / f"{prefix}-{year}.txt"
        path.write_text(small_budget(year), encoding="utf-8")
        out.append(path)
    return out


def cli(*args: object, home: Path | None = None, **kwargs: object) -> subprocess.Popen[str]:
    """Start `budgetscope ARGS` as a separate process (its own session, so its workers can be found)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BUDGETSCOPE_QDRANT_URL": ""}
    env.pop("BUDGETSCOPE_QDRANT_URL")
    if home is not None:
        env["BUDGETSCOPE_HOME"] = str(home)
    return subprocess.Popen(
        [sys.executable, "-m", "budgetscope.search_cli.app", *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,  # type: ignore[arg-type]
    )


def run(*args: object, home: Path | None = None, timeout: float = 300) -> tuple[int, str, str]:
    p = cli(*args, home=home)
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


def store_rows(home: Path) -> list[tuple[object, ...]]:
    """What the store holds (documents, projects, documents pending for the index), to compare before
    and after a failed command."""
    db = sqlite3.connect(home / "budgetscope.sqlite")
    try:
        return [
            *db.execute("SELECT doc, sha1, pipeline FROM documents ORDER BY doc"),
            *db.execute("SELECT id, name FROM projects ORDER BY id"),
            *db.execute("SELECT doc, seq FROM index_pending ORDER BY doc"),
        ]
    finally:
        db.close()
