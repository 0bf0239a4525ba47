"""A review of a finding holds while the finding is what was reviewed: a new version of the document
that changes the disputed number brings the finding back; a version-5 store's reviews hold after the
upgrade."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from budgetscope.index.ingest import ingest
from budgetscope.store.sqlite import open_store

SLIP = "60000.00万元"  # sast-2023's 科技社团党建工作项目: a 万元/元 slip (the magnitude finding)


def _finding(home: Path) -> dict:
    with open_store(home) as store:
        return next(r for r in store.select("checks") if r["kind"] == "magnitude" and r["stated"] == SLIP)


def test_store_reviews_a_changed_number_brings_the_finding_back(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "sast-2023-department-budget.txt"
    shutil.copy(corpus / source.name, source)
    home = tmp_path / "home"
    ingest([source], home, workers=1)
    finding = _finding(home)
    with open_store(home) as store:
        store.review_findings([finding["id"]], note="known slip")
        assert finding["id"] not in {r["id"] for r in store.select("findings")}
    ingest([source], home, workers=1, force=True)  # the same text again: the review holds
    with open_store(home) as store:
        assert finding["id"] not in {r["id"] for r in store.select("findings")}
        assert finding["id"] in {r["id"] for r in store.select("reviewed_findings")}
    text = source.read_text(encoding="utf-8")
    assert text.count(SLIP) == 1
    source.write_text(text.replace(SLIP, "70000.00万元"), encoding="utf-8")  # a corrected version, still off
    ingest([source], home, workers=1)
    with open_store(home) as store:
        back = {r["id"]: r for r in store.select("findings")}
        assert finding["id"] in back  # the same check, on another number: no longer what was reviewed
        assert back[finding["id"]]["stated_yuan"] == "700000000.00"
        assert finding["id"] not in {r["id"] for r in store.select("reviewed_findings")}
        store.review_findings([finding["id"]], note="still a slip")
        assert finding["id"] not in {r["id"] for r in store.select("findings")}


def test_store_reviews_of_a_version_5_store_hold_after_the_upgrade(corpus_home: Path, tmp_path: Path) -> None:
    from tests.store.test_store_migrate import _as_version_5

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(corpus_home / "budgetscope.sqlite", home / "budgetscope.sqlite")
    finding = _finding(home)
    with open_store(home) as store:
        store.review_findings([finding["id"]])
    _as_version_5(home / "budgetscope.sqlite")
    raw = sqlite3.connect(home / "budgetscope.sqlite")
    assert "evidence" not in {r[1] for r in raw.execute("PRAGMA table_info(reviews)")}
    raw.close()
    with open_store(home) as store:
        assert finding["id"] in {r["id"] for r in store.select("reviewed_findings")}
        assert finding["id"] not in {r["id"] for r in store.select("findings")}
        (row,) = [r for r in store.select("reviews") if r["check_id"] == finding["id"]]
        assert row["evidence"].startswith("disagree|600000000.00|")


def test_store_reviews_upgrade_gives_beijing_projects_their_code(tmp_path: Path) -> None:
    """Beijing prints a code before each project's name (11000025T000003327074-宿舍楼门窗改造): the store
    keeps it in ``projects.code`` for SQL, an upgraded version-5 store too."""
    from tests.conftest import CORPUS
    from tests.store.test_store_migrate import _as_version_5

    home = tmp_path / "home"
    ingest([CORPUS / "excerpts" / "beijing-commerce-2026-budget-tables-p40-41.pdf"], home, workers=1)
    path = home / "budgetscope.sqlite"
    raw = sqlite3.connect(path)
    codes = dict(raw.execute("SELECT name, code FROM projects"))
    raw.close()
    assert codes and all(code and name.startswith(code + "-") for name, code in codes.items())
    _as_version_5(path)
    with open_store(home) as store:
        assert {r["name"]: r["code"] for r in store.select("export_projects")} == codes
