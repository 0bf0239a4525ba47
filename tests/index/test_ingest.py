"""Ingest: the corpus into the store — counts, idempotence, replacement, failures, kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.ingest import IngestError, ingest, relink
from budgetscope.index.processing import file_sha1
from budgetscope.models import Document
from budgetscope.paths import store_path
from budgetscope.store.protocol import EntityStore
from budgetscope.store.sqlite import SQLiteStore, open_store

ROOT = Path(__file__).resolve().parents[2]


def test_ingest_counts_are_exactly_those_of_extract(corpus: Path, corpus_home: Path) -> None:
    from budgetscope.search_cli.extract import extract_files

    docs, errors = extract_files([corpus])
    records = [r for d in docs for r in d.records]
    with open_store(corpus_home) as store:
        counts = store.counts()
        kinds = [row["kind"] for row in store.select("projects")]
    assert not errors
    assert counts["documents"] == len(docs) == 5
    assert counts["projects"] == len(records)
    assert kinds.count("narrative") == sum(r.kind == "narrative" for r in records)
    assert kinds.count("form") == sum(r.kind == "form" for r in records)
    assert counts["amounts"] == sum(len(r.amounts) for r in records)
    assert counts["citations"] == sum(len(r.citations) for r in records)
    assert counts["implementing_bodies"] == sum(len(r.implementing_bodies) for r in records)
    assert counts["indicators"] == sum(len(r.form.indicators) for r in records if r.form)


def test_ingest_canonical_ids_are_those_of_extract(corpus: Path, corpus_home: Path) -> None:
    from budgetscope.search_cli.extract import extract_files

    docs, _ = extract_files([corpus])
    expected = sorted(
        (r.id, i, c.canonical) for d in docs for r in d.records for i, c in enumerate(r.citations)
    )
    with open_store(corpus_home) as store:
        got = sorted(
            (r.id, i, c.canonical)
            for d in store.documents()
            for r in d.records
            for i, c in enumerate(r.citations)
        )
        assert all(c for _, _, c in got if c) and {row["id"] for row in store.select("policy_documents")} >= {
            c for _, _, c in got if c
        }
    assert got == expected


def test_ingest_twice_changes_nothing(
    corpus: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    first = ingest([corpus], tmp_path, workers=1)
    with open_store(tmp_path) as store:
        before = dump(store)
    second = ingest([corpus], tmp_path, workers=1)
    with open_store(tmp_path) as store:
        assert dump(store) == before
    assert (first.written, first.unchanged) == (5, 0)
    assert (second.written, second.unchanged, second.relinked) == (0, 5, False)


def test_ingest_a_changed_file_replaces_its_records(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "in" / "sast-2023-department-budget.txt"
    source.parent.mkdir()
    text = (corpus / source.name).read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    ingest([source], tmp_path, workers=1)
    cut = text.index("科技社团党建工作项目经费情况说明")
    source.write_text(text[:cut], encoding="utf-8")
    summary = ingest([source], tmp_path, workers=1)
    assert (summary.written, summary.documents) == (1, 1)
    with open_store(tmp_path) as store:
        names = [row["name"] for row in store.select("projects")]
        assert len(names) == 3 and "基层科普服务项目" not in names
        assert all(
            r["project_id"] in {p["id"] for p in store.select("projects")} for r in store.select("amounts")
        )


def test_ingest_reports_a_failing_document_and_keeps_the_others(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus / "sast-2023-department-budget.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.pdf").write_bytes(b"%PDF-1.4 \x00\x01 broken")
    summary = ingest([folder, tmp_path / "missing.txt"], tmp_path / "home", workers=1)
    assert summary.written == 1 and summary.documents == 1
    assert len(summary.failed) == 3
    assert all("\n" not in e for e in summary.failed)
    assert any("empty.txt" in e and "empty" in e for e in summary.failed)
    assert any("missing.txt" in e for e in summary.failed)


def test_ingest_calls_the_document_hook_after_each_commit(corpus: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []

    def on_document(document: Document) -> None:
        with open_store(tmp_path) as store:
            seen.append((document.doc, store.count_documents()))

    ingest([corpus], tmp_path, workers=1, on_document=on_document)
    assert [n for _, n in seen] == [1, 2, 3, 4, 5]
    assert seen[0][0] == "sast-2019-performance-targets.txt"
    seen.clear()
    ingest([corpus], tmp_path, workers=1, on_document=on_document)
    assert seen == []


def test_ingest_links_do_not_depend_on_the_order_documents_came_in(
    corpus: Path, corpus_home: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    for path in sorted(corpus.glob("*.txt"), reverse=True):
        ingest([path], tmp_path, workers=1)
    with open_store(tmp_path) as one_by_one, open_store(corpus_home) as all_at_once:
        assert dump(one_by_one) == dump(all_at_once)


def test_ingest_in_parallel_gives_the_same_store(
    corpus: Path, corpus_home: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    summary = ingest([corpus], tmp_path, workers=2)
    assert summary.written == 5
    with open_store(tmp_path) as parallel, open_store(corpus_home) as sequential:
        assert dump(parallel) == dump(sequential)


def test_ingest_default_is_the_bundled_corpus(tmp_path: Path) -> None:
    summary = ingest(None, tmp_path, workers=1)
    assert summary.documents == 5 and not summary.failed


def test_ingest_without_a_corpus_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("budgetscope.index.ingest.bundled_corpus", lambda: None)
    with pytest.raises(IngestError, match="no bundled corpus"):
        ingest([], tmp_path)


def test_ingest_relink_is_a_function_of_the_store(corpus_home: Path) -> None:
    with open_store(corpus_home) as store:
        links = relink(store)
        assert len(links.series) == store.counts()["projects"]
        assert len(links.project_links) == store.counts()["project_links"]


KILL_SCRIPT = """
import sys, time
from budgetscope.index.ingest import ingest
def slow(document):
    time.sleep(60)
ingest([sys.argv[1]], sys.argv[2], workers=1, on_document=slow)
"""


def test_ingest_kill_9_then_ingest_again_is_complete_without_duplicates(
    corpus: Path, corpus_home: Path, tmp_path: Path, dump: Callable[[EntityStore], Any]
) -> None:
    home = tmp_path / "killed"
    db = store_path(home)
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(corpus), str(home)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        committed = 0
        while committed < 1 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                        committed = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:
                    committed = 0
        assert committed == 1, "the ingest did not commit its first document in time"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    with SQLiteStore(db) as store:
        assert store.count_documents() == 1 and store.links_stale()
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    summary = ingest([corpus], home, workers=1)
    assert (summary.written, summary.unchanged, summary.relinked) == (4, 1, True)
    with open_store(home) as resumed, open_store(corpus_home) as clean:
        assert dump(resumed) == dump(clean)


# -- documents are stored by file name: a same-named file from another path -----------------------

SAST_2023 = "sast-2023-department-budget.txt"
STCSM_2025 = "stcsm-2025-department-budget.txt"
SAME_NAME = "部门预算.txt"


def _copy_as(corpus: Path, source: str, folder: Path, text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / SAME_NAME
    target.write_text(
        text if text is not None else (corpus / source).read_text(encoding="utf-8"), encoding="utf-8"
    )
    return target


def _stored(home: Path) -> list[tuple[str, str, int]]:
    with open_store(home) as store:
        return [(r["path"], r["department"], r["year"]) for r in store.select("documents")]


def test_ingest_another_document_of_a_stored_name_is_refused_and_nothing_is_lost(
    corpus: Path, tmp_path: Path
) -> None:
    a = _copy_as(corpus, SAST_2023, tmp_path / "a")
    b = _copy_as(corpus, STCSM_2025, tmp_path / "b")
    ingest([a], tmp_path / "home", workers=1)
    with open_store(tmp_path / "home") as store:
        projects = store.counts()["projects"]
    summary = ingest([b], tmp_path / "home", workers=1)
    assert summary.written == 0 and len(summary.failed) == 1
    [error] = summary.failed
    assert "\n" not in error and str(a) in error and str(b) in error and "rename" in error
    assert _stored(tmp_path / "home") == [(str(a), "上海市科学技术协会", 2023)]
    assert summary.projects == projects


def test_ingest_force_replaces_another_document_of_a_stored_name(corpus: Path, tmp_path: Path) -> None:
    a = _copy_as(corpus, SAST_2023, tmp_path / "a")
    b = _copy_as(corpus, STCSM_2025, tmp_path / "b")
    ingest([a], tmp_path / "home", workers=1)
    summary = ingest([b], tmp_path / "home", workers=1, force=True)
    assert (summary.written, summary.failed, summary.documents) == (1, [], 1)
    assert any(str(a) in w and str(b) in w for w in summary.warnings)
    assert _stored(tmp_path / "home") == [(str(b), "上海市科学技术委员会", 2025)]


def test_ingest_the_same_document_from_another_path_is_an_update(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / SAST_2023).read_text(encoding="utf-8")
    a = _copy_as(corpus, SAST_2023, tmp_path / "a")
    moved = _copy_as(
        corpus, SAST_2023, tmp_path / "moved", text[: text.index("科技社团党建工作项目经费情况说明")]
    )
    ingest([a], tmp_path / "home", workers=1)
    summary = ingest([moved], tmp_path / "home", workers=1)
    assert (summary.written, summary.failed, summary.documents) == (1, [], 1)
    assert _stored(tmp_path / "home") == [(str(moved), "上海市科学技术协会", 2023)]
    with open_store(tmp_path / "home") as store:
        assert "基层科普服务项目" not in {row["name"] for row in store.select("projects")}


def test_ingest_an_identical_copy_from_another_path_is_unchanged(corpus: Path, tmp_path: Path) -> None:
    a = _copy_as(corpus, SAST_2023, tmp_path / "a")
    copy = _copy_as(corpus, SAST_2023, tmp_path / "copy")
    ingest([a], tmp_path / "home", workers=1)
    summary = ingest([copy], tmp_path / "home", workers=1)
    assert (summary.written, summary.unchanged, summary.failed) == (0, 1, [])


@pytest.mark.parametrize("force", [False, True])
def test_ingest_two_files_of_one_name_in_one_run_the_second_is_refused(
    corpus: Path, tmp_path: Path, force: bool
) -> None:
    a = _copy_as(corpus, SAST_2023, tmp_path / "in" / "a")
    b = _copy_as(corpus, STCSM_2025, tmp_path / "in" / "b")
    summary = ingest([tmp_path / "in"], tmp_path / "home", workers=1, force=force)
    assert (summary.files, summary.written, summary.documents) == (2, 1, 1)
    [error] = summary.failed
    assert "\n" not in error and error.startswith(str(b)) and str(a) in error and "rename" in error
    assert _stored(tmp_path / "home") == [(str(a), "上海市科学技术协会", 2023)]


def test_ingest_a_file_given_twice_is_read_once(corpus: Path, tmp_path: Path) -> None:
    path = corpus / SAST_2023
    summary = ingest([path, corpus / "." / SAST_2023], tmp_path, workers=1)
    assert (summary.files, summary.written, summary.failed) == (1, 1, [])


@pytest.mark.parametrize(
    ("stored", "kind", "department", "year", "same"),
    [
        (
            ("department_budget", "上海市科学技术协会", 2023),
            "department_budget",
            "上海市科学技术协会",
            2023,
            True,
        ),
        (
            ("department_budget", "上海市科学技术协会", 2023),
            "department_budget",
            "上海市科学技术委员会",
            2025,
            False,
        ),
        (
            ("department_budget", "上海市科学技术协会", 2023),
            "department_budget",
            "上海市科学技术协会",
            2026,
            False,
        ),
        (
            ("department_budget", "上海市科学技术协会", 2023),
            "performance_targets",
            "上海市科学技术协会",
            2023,
            False,
        ),
        (("other", None, None), "other", None, None, False),
        (("other", "上海市科学技术协会", None), "other", "上海市科学技术协会", None, False),
    ],
)
def test_ingest_name_clash_only_the_same_classified_document_is_an_update(
    stored: tuple[str, str | None, int | None],
    kind: str,
    department: str | None,
    year: int | None,
    same: bool,
) -> None:
    from budgetscope.index.clashes import StoredAs, name_clash

    document = Document(
        doc=SAME_NAME, path=f"b/{SAME_NAME}", kind=kind, department=department, year=year, sha1="1"
    )
    clash = name_clash(document, StoredAs(f"a/{SAME_NAME}", *stored))
    assert (clash is None) is same
    if clash is not None:
        assert clash.startswith(f"b/{SAME_NAME}: ") and f"a/{SAME_NAME}" in clash and "--force" in clash
    assert name_clash(document, StoredAs(f"a/{SAME_NAME}", *stored), force=True) is None
    assert name_clash(document, None) is None


def test_ingest_folder_skips_hidden_files_and_folders(corpus: Path, tmp_path: Path) -> None:
    from budgetscope.paths import expand

    folder = tmp_path / "in"
    (folder / ".venv" / "lib").mkdir(parents=True)
    (folder / "sub").mkdir()
    shutil.copy(corpus / SAST_2023, folder / "sub")
    (folder / ".venv" / "lib" / "LICENSE.txt").write_text("MIT License\n", encoding="utf-8")
    (folder / ".notes.txt").write_text("草稿\n", encoding="utf-8")
    assert list(expand([folder])) == [folder / "sub" / SAST_2023]
    assert list(expand([folder / ".notes.txt"])) == [folder / ".notes.txt"]
    summary = ingest([folder], tmp_path / "home", workers=1)
    assert (summary.files, summary.written, summary.failed) == (1, 1, [])


def test_ingest_folder_skips_marked_folders_as_the_bundled_excerpts() -> None:
    """`ingest corpus/` reads the bundled documents, not the page excerpts of corpus/excerpts/ (marked
    with .budgetscope-skip), which duplicated projects and refused whole documents as copies of them."""
    from budgetscope.paths import SKIP_MARKER, bundled_documents, expand

    root = Path(__file__).resolve().parents[2] / "corpus"
    assert (root / "excerpts" / SKIP_MARKER).is_file()
    assert list(expand([root])) == bundled_documents(root)
    named = list(expand([root / "excerpts"]))  # named itself, the folder is read
    assert len(named) > 10 and all(p.suffix == ".pdf" and root / "excerpts" in p.parents for p in named)


def test_ingest_counts_documents_with_coverage_gaps(tmp_path: Path, corpus: Path) -> None:
    source = (corpus / "sast-2026-performance-targets.txt").read_text(encoding="utf-8")
    edited = tmp_path / "in" / "edited-performance-targets.txt"
    edited.parent.mkdir()
    edited.write_text(
        source.replace("项目名称\t市科协组织机构管理", "项目全称\t市科协组织机构管理", 1), encoding="utf-8"
    )
    summary = ingest([edited, corpus / "sast-2019-performance-targets.txt"], tmp_path / "home", workers=1)
    assert summary.coverage_gaps == 1
    assert [w for w in summary.warnings if "coverage" in w] == [  # the file by the path it is stored by
        f"{edited.absolute()}: coverage short: read 12 of 13 project forms the document shows"
    ]
    with open_store(tmp_path / "home") as store:
        stored = store.get_document("edited-performance-targets.txt")
    assert stored is not None and stored.coverage is not None
    assert (stored.coverage.forms_read, stored.coverage.forms_expected) == (12, 13)


def test_ingest_warns_when_every_project_is_stored_already_from_another_document(
    corpus: Path, tmp_path: Path
) -> None:
    """A second edition of sast-2023 (the same projects, one line added: not the same content) is stored,
    with a warning naming the document that holds its projects already; another budget draws none."""
    first = corpus / SAST_2023
    edition = tmp_path / "sast-2023-department-budget-revised.txt"
    edition.write_text(first.read_text(encoding="utf-8") + "\n（本版为修订版）\n", encoding="utf-8")
    ingest([first, corpus / STCSM_2025], tmp_path / "home", workers=1)
    summary = ingest([edition], tmp_path / "home", workers=1)
    assert summary.written == 1 and not summary.failed
    [warning] = [w for w in summary.warnings if "stored already" in w]
    assert "its 7 projects are all stored already from sast-2023-department-budget.txt" in warning
    assert f"budgetscope remove {edition.name}" in warning
    assert not any("stored already" in w for w in ingest([first], tmp_path / "other", workers=1).warnings)


def test_ingest_warns_of_an_edited_copy_with_one_project_renamed(corpus: Path, tmp_path: Path) -> None:
    """A copy of sast-2019's forms with one project renamed shares 4 of its 5 projects (same year, name and
    budget) with the stored one: warned as an edited copy (it was stored silently, and cites listed the 4
    twice). The narratives of sast-2026 and their forms, of one project each, are no copy of each other."""
    source = corpus / "sast-2019-performance-targets.txt"
    copy = tmp_path / "copy-2019.txt"
    copy.write_text(
        source.read_text(encoding="utf-8").replace("百万市民共享科普", "百万市民共享科学普及"),
        encoding="utf-8",
    )
    ingest([source], tmp_path / "home", workers=1)
    summary = ingest([copy], tmp_path / "home", workers=1)
    [warning] = [w for w in summary.warnings if "stored already" in w]
    assert "4 of its 5 projects are stored already from sast-2019-performance-targets.txt" in warning
    assert "budgetscope remove copy-2019.txt" in warning
    pair = ingest([corpus / "sast-2026-department-budget.txt", corpus / "sast-2026-performance-targets.txt"],
                  tmp_path / "pair", workers=1)  # fmt: skip
    assert not any("stored already" in w for w in pair.warnings)


def test_ingest_warns_when_a_stored_excerpt_is_pages_of_the_new_document(
    corpus: Path, tmp_path: Path
) -> None:
    """The cover and first two project narratives of sast-2023 cut into a file of their own and stored
    first, then the whole budget: its projects include the excerpt's, and the warning names the excerpt
    as the one to take out."""
    lines = (corpus / SAST_2023).read_text(encoding="utf-8").splitlines()
    heads = [i for i, line in enumerate(lines) if line.strip().endswith("项目经费情况说明")]  # contents first
    excerpt = tmp_path / "sast-2023-pages.txt"
    excerpt.write_text("\n".join(lines[: heads[3]]) + "\n", encoding="utf-8")
    first = ingest([excerpt], tmp_path / "home", workers=1)
    assert first.written == 1 and not any("twice" in w for w in first.warnings)
    summary = ingest([corpus / SAST_2023], tmp_path / "home", workers=1)
    assert summary.written == 1
    [warning] = [w for w in summary.warnings if "twice" in w]
    assert warning.startswith(
        f"{(corpus / SAST_2023).absolute()}: the projects of sast-2023-pages.txt are all in it too"
    )
    assert "`budgetscope remove sast-2023-pages.txt` takes the pages out" in warning


EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"


def _ingest_meanwhile(monkeypatch: pytest.MonkeyPatch, home: Path, other: Path) -> None:
    """Right before the ingest writes its document (after every check it made on its own), a second
    ingest of ``other`` into the same home: what another process running at once may do."""
    import budgetscope.index.ingest as module

    overlap_of = module.overlap_of
    done: list[bool] = []

    def meanwhile(document: Document, store: EntityStore) -> str | None:
        if not done:
            done.append(True)
            summary = ingest([other], home, workers=1)
            assert summary.written == 1, summary.failed
        return overlap_of(document, store)

    monkeypatch.setattr(module, "overlap_of", meanwhile)


def test_ingest_at_once_a_document_of_the_same_name_from_elsewhere_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two budgets both named doc.pdf (Xi'an's and Changsha's pages), ingested at once: the one stored
    second is refused as it would be one after the other, never written over the first."""
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    xian = shutil.copy(EXCERPTS / "xian-audit-2026-p37-38.pdf", tmp_path / "a" / "doc.pdf")
    changsha = shutil.copy(
        EXCERPTS / "changsha-letters-and-calls-2026-p22-23.pdf", tmp_path / "b" / "doc.pdf"
    )
    home = tmp_path / "home"
    _ingest_meanwhile(monkeypatch, home, Path(changsha))
    summary = ingest([xian], home, workers=1)
    assert summary.written == 0
    [refused] = summary.failed
    assert "another document named doc.pdf is stored from" in refused and str(changsha) in refused
    with open_store(home) as store:
        [row] = store.select("documents")
        assert (row["doc"], row["department"]) == ("doc.pdf", "长沙市信访局")


def test_ingest_at_once_the_same_content_under_two_names_is_stored_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = shutil.copy(EXCERPTS / "xian-audit-2026-p37-38.pdf", tmp_path / "a.pdf")
    second = shutil.copy(first, tmp_path / "b.pdf")
    home = tmp_path / "home"
    _ingest_meanwhile(monkeypatch, home, Path(second))
    summary = ingest([first], home, workers=1)
    assert summary.written == 0
    assert summary.failed and "the same document as b.pdf" in summary.failed[0]
    with open_store(home) as store:
        assert [row["doc"] for row in store.select("documents")] == ["b.pdf"]


def test_ingest_links_computed_before_another_write_are_not_written(corpus: Path, tmp_path: Path) -> None:
    """Links computed, then a document stored by another process, then the links written: they would
    name projects as they were (a removed project's series row fails its foreign key), so they are
    skipped and stay stale, to be computed again."""
    home = tmp_path / "home"
    ingest([corpus / SAST_2023], home, workers=1)
    with open_store(home) as store:
        links = relink(store)
        ingest([corpus / STCSM_2025], home, workers=1)  # the other process
        with open_store(home) as other:
            other.delete_documents([SAST_2023])
        store.write_links(links)
        assert store.links_stale()
        store.write_links(relink(store))
        assert not store.links_stale()


def test_ingest_beside_another_leaves_what_it_stored_meanwhile(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ingests of the same files at once: both plan to read them, the first stores them, and the
    second, writing after it, finds each file stored from the same content by the same code — unchanged,
    not rewritten, not handed on to be indexed again (it rewrote and re-embedded all of them)."""
    import budgetscope.index.ingest as ingesting

    files = [corpus / "sast-2019-performance-targets.txt", corpus / "sast-2023-department-budget.txt"]
    first = ingest(files, tmp_path, workers=1)
    assert first.written == 2
    with open_store(tmp_path) as store:
        before = index_seq(store)
    planned = ingesting._plan

    def as_before_the_first(files, store, force, summary, strict=False):  # type: ignore[no-untyped-def]
        _todo, moved = planned(files, store, force, summary, strict)
        summary.unchanged = 0  # the second planned while the store held nothing yet
        return list(files), moved

    monkeypatch.setattr(ingesting, "_plan", as_before_the_first)
    handed: list[str] = []
    second = ingest(files, tmp_path, workers=1, on_document=lambda d: handed.append(d.doc))
    assert (second.written, second.unchanged, second.failed, handed) == (0, 2, [], [])
    with open_store(tmp_path) as store:
        assert index_seq(store) == before  # nothing written


def index_seq(store: EntityStore) -> int:
    from budgetscope.store import index_state

    return index_state.sequence(store)


def _checks_twice_for(monkeypatch: pytest.MonkeyPatch, doc: str) -> None:
    """The document-level checks of ``doc`` with its first check twice: rows its store refuses (two of
    one id, as Yantai's repeated table gave before the ids were made unique)."""
    import budgetscope.index.processing as processing

    real = processing.department_checks

    def doubled(document: Document, tables: Any, stated: Any) -> Any:
        checks = list(real(document, tables, stated))
        return [*checks, checks[0]] if document.doc == doc else checks

    monkeypatch.setattr(processing, "department_checks", doubled)


def test_ingest_a_document_the_store_refuses_is_one_line_and_the_others_are_stored(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review 29 #1: one document's rows the store refused stopped the whole ingest with a raw SQLite
    error naming no file, the files after it never read. Now: one line naming the file, that file
    alone rolled back (its earlier version kept), the files after it stored."""
    folder, home = tmp_path / "in", tmp_path / "home"
    shutil.copytree(corpus, folder)
    ingest([folder], home, workers=1)
    with open_store(home) as store:
        kept = sorted(_ids(store, "sast-2026-department-budget.txt"))
    for name in ("sast-2026-department-budget.txt", "stcsm-2025-department-budget.txt"):  # both changed
        with (folder / name).open("a", encoding="utf-8") as f:
            f.write("\n（修订）\n")
    _checks_twice_for(monkeypatch, "sast-2026-department-budget.txt")
    summary = ingest([folder], home, workers=1)
    assert summary.failed == [
        f"{folder / 'sast-2026-department-budget.txt'}: not stored: cannot write checks: UNIQUE constraint "
        "failed: checks.id"
    ]
    assert (summary.written, summary.unchanged, summary.documents) == (1, 3, 5)  # stcsm-2025, read after it
    with open_store(home) as store:
        assert sorted(_ids(store, "sast-2026-department-budget.txt")) == kept  # the earlier version
        rows = {r["doc"]: r["sha1"] for r in store.select("documents")}
    assert rows["stcsm-2025-department-budget.txt"] == file_sha1(folder / "stcsm-2025-department-budget.txt")
    assert rows["sast-2026-department-budget.txt"] != file_sha1(folder / "sast-2026-department-budget.txt")


def _ids(store: SQLiteStore, doc: str) -> list[str]:
    return [r.id for d in store.documents() if d.doc == doc for r in d.records]


def test_ingest_from_jsonl_a_document_the_store_refuses_is_one_line_and_the_others_are_stored(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetscope.index.bulk import load_jsonl, process_to_line

    _checks_twice_for(monkeypatch, "sast-2023-department-budget.txt")
    lines = tmp_path / "processed.jsonl"
    names = ["sast-2023-department-budget.txt", "sast-2026-performance-targets.txt"]
    lines.write_text("".join(process_to_line(corpus / n) + "\n" for n in names), encoding="utf-8")
    summary, written = load_jsonl([lines], tmp_path / "home")
    assert summary.failed == [
        f"{corpus / names[0]}: not stored: cannot write checks: UNIQUE constraint failed: checks.id"
    ]
    assert written == names[1:] and summary.documents == 1
