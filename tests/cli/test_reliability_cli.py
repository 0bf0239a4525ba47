"""The defects of #10, each a promise of the README's "Promises" section, checked through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from budgetscope.search_cli.app import app
from tests.reliability.conftest import ROOT, small_budget, store_rows

runner = CliRunner()
HOSTILE = "[bold red]红字[/bold red][link=http://evil.example]点我[/link][/注]"


def invoke(*args: object) -> Result:
    return runner.invoke(
        app, [str(a) for a in args], env={"BUDGETSCOPE_QDRANT_URL": None, "BUDGETSCOPE_HOME": None}
    )


def clean_failure(result: Result, code: int = 1) -> list[str]:
    """The stderr lines of a failed command, checking: the exit code, no traceback, one line per error."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two small budgets (one with rich markup in a project name), stored and indexed with the hash encoder."""
    tmp = tmp_path_factory.mktemp("rel")
    a = tmp / "budget-2031.txt"
    a.write_text(
        small_budget(2031).replace("学会改革与发展项目", f"学会改革{HOSTILE}发展项目"), encoding="utf-8"
    )
    b = tmp / "budget-2032.txt"
    b.write_text(small_budget(2032), encoding="utf-8")
    result = invoke("ingest", a, b, "--home", tmp / "home", "--encoder", "hash", "-q")
    assert result.exit_code == 0, result.output
    return tmp / "home"


# -- 2. document text is never rich markup ---------------------------------------------------------


@pytest.mark.parametrize("command", ["segment", "extract", "citations"])
def test_app_document_text_is_shown_not_interpreted_as_markup(tmp_path: Path, command: str) -> None:
    f = tmp_path / "markup.txt"
    f.write_text(small_budget(2031).replace("学会改革与发展项目", f"学会改革{HOSTILE}发展项目")
                 .replace("《", f"《{HOSTILE}", 1), encoding="utf-8")  # fmt: skip
    result = invoke(command, f, "--format", "table")
    assert result.exit_code == 0, result.output
    assert "[bold" in result.stdout and "[link=" in result.stdout  # shown as written, not applied
    assert "\x1b]8;" not in result.stdout  # no hidden hyperlink


def test_app_show_and_search_print_markup_as_written(home: Path) -> None:
    hits = json.loads(invoke("search", "学会改革", "--home", home, "--format", "json").stdout)
    project = next(h["id"] for h in hits if "红字" in (h["name"] or ""))
    shown = invoke("show", project, "--home", home)
    assert shown.exit_code == 0, shown.output
    assert "[bold red]红字" in shown.stdout and "[link=" in shown.stdout
    table = invoke("search", "学会改革", "--home", home)
    assert table.exit_code == 0 and "[/注]" in table.stdout


def test_app_control_characters_of_queries_notes_and_names_are_escaped(home: Path, tmp_path: Path) -> None:
    """ESC in a query echoed by search, in a review note listed by check, in a stored file name
    exported as CSV: written as \\x1b, never raw (a terminal would act on it)."""
    searched = invoke("search", "学会改革\x1b[2J", "--home", home)
    assert searched.exit_code == 0, searched.output
    assert "\x1b" not in searched.stdout and "学会改革\\x1b[2J" in searched.stdout
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    evil = tmp_path / "evil\x1b[7m\r-2033.txt"
    evil.write_text(small_budget(2033), encoding="utf-8")
    assert invoke("ingest", evil, "--home", copy, "--no-index", "-q").exit_code == 0
    exported = invoke("export", "--home", copy, "-w", "projects", "-f", "csv", "--out", "-")
    assert exported.exit_code == 0, exported.output
    assert "\x1b" not in exported.stdout and "\r" not in exported.stdout
    assert "evil\\x1b[7m\\x0d-2033.txt" in exported.stdout
    jsonl = invoke("export", "--home", copy, "-w", "projects", "-f", "jsonl", "--out", "-").stdout
    assert len(list(csv.reader(io.StringIO(exported.stdout)))) == 1 + len(jsonl.splitlines())  # no row split
    checked = invoke("check", "--home", copy, "--all")
    assert "\x1b" not in checked.stdout and "evil\\x1b[7m\\r-2033.txt" in checked.stdout
    listed = json.loads(invoke("check", "--home", copy, "--all", "-f", "json").stdout)
    first = listed[0]["id"]
    assert invoke("check", "--home", copy, "--review", first, "--note", "ok\x1b[31mRED").exit_code == 0
    reviewed = invoke("check", "--home", copy, "--reviewed")
    assert "\x1b" not in reviewed.stdout and "ok\\x1b[31mRED" in reviewed.stdout


# -- 3. search says when the index lags the store, and never returns ids show does not know ---------


def test_search_warns_when_the_index_lags_and_drops_unknown_ids(home: Path, tmp_path: Path) -> None:
    lagging = tmp_path / "home"
    shutil.copytree(home, lagging)
    before = {
        h["id"] for h in json.loads(invoke("search", "学会改革", "--home", lagging, "-f", "json").stdout)
    }
    assert invoke("remove", "budget-2031.txt", "--home", lagging, "--no-index").exit_code == 0
    result = invoke("search", "学会改革", "--home", lagging, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "lags the store by 1 document" in result.stderr and "budget-2031.txt" in result.stderr
    ids = {h["id"] for h in json.loads(result.stdout)}
    assert ids and ids < before
    for i in ids:
        assert invoke("show", i, "--home", lagging).exit_code == 0
    assert invoke("index", "--home", lagging, "-q").exit_code == 0
    assert "lags" not in invoke("search", "学会改革", "--home", lagging).stderr


# -- 4, 12. unreadable files and folders, symlink loops ----------------------------------------------


def test_load_unreadable_inputs_each_one_line_others_still_stored(tmp_path: Path) -> None:
    good = tmp_path / "in" / "budget-2031.txt"
    good.parent.mkdir()
    good.write_text(small_budget(2031), encoding="utf-8")
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    (tmp_path / "in" / "loop1.txt").symlink_to("loop2.txt")
    (tmp_path / "in" / "loop2.txt").symlink_to("loop1.txt")
    (tmp_path / "in" / "gone.txt").symlink_to("nowhere.txt")
    result = invoke(
        "ingest",
        tmp_path / "in",
        tmp_path / "in" / "pipe.txt",
        tmp_path / "missing.txt",
        "--home",
        tmp_path / "h",
        "--no-index",
    )
    lines = clean_failure(result)
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 5, lines
    assert any("loop1.txt: symbolic link loop" in e for e in errors)
    assert any("gone.txt: broken symbolic link" in e for e in errors)
    assert any("pipe.txt: not a regular file" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    assert store_rows(tmp_path / "h")[0][0] == "budget-2031.txt"


@pytest.mark.parametrize("command", ["extract", "segment", "citations"])
def test_load_a_fifo_is_an_error_not_a_hang(tmp_path: Path, command: str) -> None:
    """A named pipe among the files (nothing ever writes to it): the reader refuses it at once (before,
    the read cache's hash of the file waited on it forever), and prints no empty table."""
    import threading

    os.mkfifo(tmp_path / "pipe.txt")
    result: list[Result] = []
    worker = threading.Thread(
        target=lambda: result.append(invoke(command, tmp_path / "pipe.txt")), daemon=True
    )
    worker.start()
    worker.join(timeout=60)
    assert result, f"{command} on a FIFO did not return"
    assert clean_failure(result[0]) == [f"error: {tmp_path / 'pipe.txt'}: not a regular file"]
    assert result[0].stdout == ""


# an unreadable file, subfolder and named file, for real even as root:
# tests/reliability/test_unreadable_and_full_disk.py


# -- 6. documents of another kind, other encodings, a 10 MB line -------------------------------------

TRADITIONAL = (
    "中華民國一百一十四年度中央政府總預算案，歲入歲出簡明比較分析表。本年度歲出預算編列新臺幣二兆八千億元，"
    "較上年度增加百分之五點二，主要用於國防、教育、社會福利及經濟發展等重要施政計畫。\n"
) * 20


def test_load_big5_is_detected_and_utf16_without_bom_is_text(tmp_path: Path) -> None:
    from budgetscope.pipeline.load import load

    big5 = tmp_path / "big5.txt"
    big5.write_bytes(TRADITIONAL.encode("big5"))
    src = load(big5)
    assert src.encoding == "big5" and "總預算案" in src.text
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(small_budget(2031).encode("utf-16-le"))
    assert load(utf16).encoding == "utf-16" and "上海市科学技术协会" in load(utf16).text


def test_ingest_other_kind_is_warned_and_strict_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text(
        "Meeting notes.\nThe budget review is next week; bring the figures.\n" * 5, encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    english = Path(
        "in/notes.txt"
    )  # each message names the file so, as given (ingest stores it by its absolute path)
    h = tmp_path / "h"
    strict = invoke("ingest", english, "--home", h, "--no-index", "--strict")
    errors = clean_failure(strict)
    assert errors[-1].startswith("error: in/notes.txt: not a budget document")
    lenient = invoke("ingest", english, "--home", h, "--no-index")
    assert lenient.exit_code == 0 and "warning: in/notes.txt: not a budget document" in lenient.stderr
    # stored so, unchanged: --strict still says what it is (not "unchanged", exit 0), and keeps it
    again = clean_failure(invoke("ingest", english, "--home", h, "--no-index", "--strict"))
    assert "not a budget document" in again[-1] and "stored earlier without --strict" in again[-1]
    assert "budgetscope remove notes.txt" in again[-1]
    listed = invoke("list", "--home", h, "--format", "json")
    assert [d["doc"] for d in json.loads(listed.stdout)] == ["notes.txt"]
    # extract has nothing to give for it: a warning naming it (the other files still extracted, exit 0,
    # as ingest stores it), an error with --strict (exit 1)
    sast = ROOT / "corpus" / "sast-2019-performance-targets.txt"
    extracted = invoke("extract", english, sast, "--format", "jsonl")
    assert extracted.exit_code == 0 and extracted.stdout.count("\n") > 0
    assert extracted.stderr.strip().splitlines() == [
        "warning: in/notes.txt: not a budget document: no narratives or forms segmented"
    ]
    refused = invoke("extract", english, sast, "--format", "jsonl", "--strict")
    assert refused.exit_code == 1 and refused.stdout == extracted.stdout
    assert refused.stderr.strip().splitlines() == [
        "error: in/notes.txt: not a budget document: no narratives or forms segmented"
    ]


def test_ingest_of_a_folder_names_its_files_as_given_in_warnings_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ingest in` (a folder, relative): the file it cannot read and the one it warns of are both named
    in/…, as `extract in` names them (ingest stores files by their absolute paths; the warning named the
    stored base name alone)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"not a pdf")
    (folder / "notes.txt").write_text(
        "Meeting notes.\nThe budget review is next week.\n" * 5, encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    lines = clean_failure(invoke("ingest", "in", "--home", tmp_path / "h", "--no-index"))
    said = [line for line in lines if line.startswith(("warning:", "error:"))]
    assert [line.split(": ")[:2] for line in said] == [
        ["warning", "in/notes.txt"],
        ["error", "in/broken.pdf"],
    ]
    extracted = clean_failure(invoke("extract", "in", "--format", "jsonl"))
    assert [line.split(": ")[:2] for line in extracted] == [
        ["warning", "in/notes.txt"],
        ["error", "in/broken.pdf"],
    ]


def test_load_a_ten_megabyte_line_and_a_too_large_file_are_refused(tmp_path: Path) -> None:
    line = tmp_path / "line.txt"
    line.write_text("预算" * 1_700_000, encoding="utf-8")  # 10 MB
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(21 * 1024 * 1024)  # sparse: 21 MiB of zero bytes, never read
    errors = clean_failure(invoke("segment", line, big, "--format", "json"))
    assert len(errors) == 2
    assert "line.txt: not a budget document: a line of 3,400,000 characters" in errors[0]
    assert "big.txt: file too large (21 MiB; the limit is 20 MiB for text)" in errors[1]


# -- 7. the same document under another name ---------------------------------------------------------


def test_ingest_the_same_document_under_another_name_is_refused(tmp_path: Path) -> None:
    first = tmp_path / "budget-2031.txt"
    first.write_text(small_budget(2031), encoding="utf-8")
    gbk = tmp_path / "budget-2031-gbk.txt"
    gbk.write_bytes(small_budget(2031).encode("gbk"))
    copy = tmp_path / "budget-2031 (1).txt"
    copy.write_text(small_budget(2031).replace("\n\n", "\n"), encoding="utf-8")
    h = tmp_path / "h"
    assert invoke("ingest", first, "--home", h, "--no-index").exit_code == 0
    before = store_rows(h)
    errors = clean_failure(invoke("ingest", gbk, copy, "--home", h, "--no-index"))
    errors = [e for e in errors if e.startswith("error: ")]
    assert len(errors) == 2 and all("the same document as budget-2031.txt" in e for e in errors)
    assert store_rows(h) == before
    assert invoke("ingest", copy, "--home", h, "--no-index", "--force").exit_code == 0


# -- 9. hostile file names ---------------------------------------------------------------------------


def test_app_hostile_file_name_stays_on_one_quoted_line(tmp_path: Path) -> None:
    bad = tmp_path / "x\nerror: all good\x1b[31m.txt"
    bad.write_bytes(b"\x00\x01binary")
    lines = clean_failure(invoke("segment", bad, "--format", "json"))
    assert len(lines) == 1 and lines[0].startswith("error: '")
    assert "\x1b" not in lines[0] and "\\n" in lines[0] and "\\x1b" in lines[0]


# -- 10. the listed tracebacks -----------------------------------------------------------------------


def test_search_queries_filter_values_of_the_wrong_type_are_one_line(home: Path, tmp_path: Path) -> None:
    for value in ({"a": 1}, [1], "", 1e400, 10**30):
        f = tmp_path / "q.jsonl"
        f.write_text(
            json.dumps({"query": "党建", "filters": {"department": value, "year": 2031}}), encoding="utf-8"
        )
        assert len(clean_failure(invoke("search", "--queries", f, "--format", "jsonl", "--home", home))) == 1


def test_search_damaged_store_and_index_are_one_line(home: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(home, damaged)
    (damaged / "vectors" / "edge_config.json").write_text("{garbage", encoding="utf-8")
    lines = clean_failure(invoke("search", "党建", "--home", damaged))
    assert len(lines) == 1 and "damaged" in lines[0] and "index --rebuild" in lines[0]
    # what the message says to run works: the index is the store's copy, built again from it
    (updating,) = clean_failure(invoke("index", "--home", damaged))  # an update needs the old index
    assert "is damaged" in updating and "run `budgetscope index --rebuild`" in updating
    rebuilt = invoke("index", "--rebuild", "--home", damaged)
    assert rebuilt.exit_code == 0 and "was damaged" in rebuilt.stderr, rebuilt.output
    assert (
        invoke("search", "学会改革", "--home", damaged, "--format", "json").stdout
        == invoke("search", "学会改革", "--home", home, "--format", "json").stdout
    )
    store = damaged / "budgetscope.sqlite"
    with store.open("r+b") as f:  # its pages overwritten, not its header: "malformed", and what to do
        f.seek(4096)
        f.write(b"x" * (store.stat().st_size - 4096))
    (line,) = clean_failure(invoke("search", "党建", "--home", damaged))
    assert "store damaged (database disk image is malformed): restore a copy" in line, line
    (damaged / "budgetscope.sqlite").write_bytes(b"not a database" * 100)
    for f in damaged.glob("budgetscope.sqlite-*"):
        f.unlink()
    assert len(clean_failure(invoke("search", "党建", "--home", damaged))) == 1


def test_search_an_old_home_with_index_json_migrates_silently(home: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(home, old)
    (old / "index.json").write_text("", encoding="utf-8")  # left empty by a crash of an older version
    result = invoke("search", "学会改革", "--home", old)
    assert result.exit_code == 0 and not (old / "index.json").exists()
    assert "lags the store by 2 document" in result.stderr  # unknown pending list: re-embed everything
    assert invoke("index", "--home", old, "-q").exit_code == 0
    assert invoke("search", "学会改革", "--home", old).stderr == ""


def _cli(*args: str, home: Path) -> list[str]:
    return [sys.executable, "-m", "budgetscope.search_cli.app", *args, "--home", str(home)]


def test_app_full_disk_and_closed_pipe_on_stdout(home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        p = subprocess.run(
            _cli("search", "学会改革", home=home), stdout=full, stderr=subprocess.PIPE, text=True, env=env
        )
    assert p.returncode == 1 and p.stderr.strip().splitlines() == [
        "error: no space left on the device; nothing stored was lost, free some space and run again"
    ]
    exporter = subprocess.Popen(_cli("export", "--out", "-", "--what", "sections", home=home), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert exporter.stdout is not None and exporter.stdout.read(10)
    exporter.stdout.close()  # `| head`
    assert exporter.wait(timeout=120) == 0
    assert exporter.stderr is not None and exporter.stderr.read() == b""


@pytest.mark.parametrize(
    "args",
    [
        ["cites", "社会团体登记管理条例"],
        ["cites", "社会团体登记管理条例", "--format", "json"],
        ["show", "{id}"],
        ["search", "学会改革"],
        ["check", "--all"],
    ],
)
def test_app_closed_pipe_is_a_normal_end_for_every_command(home: Path, args: list[str]) -> None:
    """`budgetscope cites … | head -1`: stdout a pipe nobody reads any more (closed before the command
    writes, so the end is certain) is exit 0 and nothing on stderr, as for `export --out -`."""
    hits = json.loads(invoke("cites", "社会团体登记管理条例", "--format", "json", "--home", home).stdout)
    assert hits
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    read, write = os.pipe()
    os.close(read)
    try:
        p = subprocess.run(_cli(*(a.format(id=hits[0]["id"]) for a in args), home=home), stdout=write,
                           stderr=subprocess.PIPE, text=True, env=env, timeout=120)  # fmt: skip
    finally:
        os.close(write)
    assert (p.returncode, p.stderr) == (0, "")


def test_app_disk_full_error_is_one_line() -> None:
    import errno

    from budgetscope.search_cli.errors import describe

    message = describe(OSError(errno.ENOSPC, "No space left on device", "/data/budgetscope.sqlite"))
    assert (
        message.startswith("no space left on the device (/data/budgetscope.sqlite)") and "\n" not in message
    )
    assert describe(sqlite3.OperationalError("database or disk is full")) == (
        "no space left on the device; nothing stored was lost, free some space and run again"
    )  # a real full disk, in the store and in the index: tests/reliability/test_unreadable_and_full_disk.py


# -- 11, 12. limits and usage ------------------------------------------------------------------------


def test_search_limits_and_usage_errors(home: Path) -> None:
    too_long = invoke("search", "预算" * 150_000, "--home", home)  # a usage mistake: exit 2
    assert too_long.exit_code == 2 and "query of 300,000 characters; the limit is 1,000" in too_long.output
    mistake = invoke("search", "党建", "--department", "", "--home", home)  # a usage mistake: exit 2
    assert mistake.exit_code == 2 and "department must be a non-empty text" in mistake.output
    assert invoke("check", "--kind", "bogus", "--home", home).exit_code == 2
    for kind in ("forms_total", "forms", "table_sum"):  # every kind is known, found in this store or not
        none = invoke("check", "--kind", kind, "--home", home, "--format", "json")
        assert (none.exit_code, json.loads(none.stdout)) == (0, []), none.output


# -- also: the CLI as users expect it ---------------------------------------------------------------


def test_app_version_global_options_and_remove(home: Path, tmp_path: Path) -> None:
    version = invoke("--version")
    assert version.exit_code == 0 and version.stdout.startswith("budgetscope ")
    copy = tmp_path / "h"
    shutil.copytree(home, copy)
    result = invoke("--home", copy, "search", "学会改革", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)
    assert clean_failure(invoke("--home", copy, "remove", "nothing.txt"))[0].startswith(
        "error: no stored document"
    )
    removed = invoke("--home", copy, "remove", "budget-2032.txt")
    assert removed.exit_code == 0 and "1 document removed" in removed.stderr
    hits = json.loads(invoke("--home", copy, "search", "科协大院", "--format", "json").stdout)
    assert all(h["doc"] != "budget-2032.txt" for h in hits)
    from budgetscope.vector.sync import open_index

    with open_index(copy, read_only=True) as index:
        assert index.docs() == {"budget-2031.txt"}


def test_remove_on_a_home_never_indexed_builds_no_index(tmp_path: Path) -> None:
    """`ingest --no-index` then `remove`: the store loses the document, and no index is built from what is
    left (it embedded every other document) nor claimed ("store and index")."""
    from tests.reliability.conftest import write_budgets

    files = write_budgets(tmp_path / "in", (2031, 2032))
    h = tmp_path / "h"
    assert invoke("ingest", *files, "--home", h, "--no-index").exit_code == 0
    removed = invoke("--home", h, "remove", "budget-2031.txt")
    assert removed.exit_code == 0, removed.output
    assert "1 document removed (store; no search index was built yet)" in removed.stderr
    assert not (h / "vectors").exists()
    listed = json.loads(invoke("--home", h, "list", "--format", "json").stdout)
    assert [d["doc"] for d in listed] == ["budget-2032.txt"]


def test_app_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    from tests.reliability.conftest import write_budgets

    files = write_budgets(tmp_path / "in", range(2030, 2041))
    result = invoke("ingest", *files, "--home", tmp_path / "h", "--no-index", "--workers", "1")
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("ingest: ")]
    assert progress == ["ingest: 10/11 budget-2039.txt", "ingest: 11/11 budget-2040.txt"]


def test_app_verbose_shows_the_traceback_of_an_unexpected_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import budgetscope.search_cli.segment as segment

    def broken(*args: object, **options: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(segment, "read_documents", broken)
    quiet = invoke("segment", "x.txt")
    assert clean_failure(quiet) == [
        "error: unexpected ZeroDivisionError: boom (run with --verbose for the traceback)"
    ]
    loud = invoke("-v", "segment", "x.txt")
    assert loud.exit_code == 1 and "Traceback" in loud.stderr
    import logging

    logger = logging.getLogger("budgetscope")
    assert logger.handlers == [] and logger.level == logging.NOTSET, "--verbose lasts one command"


def test_search_fills_the_places_of_hits_dropped_for_a_lagging_index(home: Path, tmp_path: Path) -> None:
    """A document removed from the store but not yet from the index: its projects' hits are dropped
    and the next best projects take their places, up to --top-k (before: fewer hits, or none)."""
    lagging = tmp_path / "home"
    shutil.copytree(home, lagging)
    query = ["search", "学会改革与发展", "--home", lagging, "-f", "json", "-k", "2"]
    first = json.loads(invoke(*query).stdout)
    assert {h["doc"] for h in first} == {"budget-2031.txt", "budget-2032.txt"}
    assert invoke("remove", "budget-2031.txt", "--home", lagging, "--no-index").exit_code == 0
    result = invoke(*query)
    assert result.exit_code == 0 and "lags the store" in result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and {h["doc"] for h in hits} == {"budget-2032.txt"}


@pytest.mark.parametrize("command", ["extract", "segment", "ingest"])
def test_load_a_folder_without_documents_is_an_error(tmp_path: Path, command: str) -> None:
    """A mistyped or wrong folder (nothing .txt or .pdf in it) is said, with exit 1, not a silent success."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.md").write_text("预算", encoding="utf-8")
    extra = ["--home", tmp_path / "h", "--no-index"] if command == "ingest" else []
    result = invoke(command, tmp_path / "notes", *extra)
    errors = [line for line in clean_failure(result) if line.startswith("error: ")]
    assert errors == [f"error: {tmp_path / 'notes'}: no .txt or .pdf file in this folder"]


def test_search_says_once_that_it_waits_for_the_index(home: Path) -> None:
    """Another process (an ingest, an index build) holds the index: after 3 s the search says on stderr,
    once, that it waits and for how long, then, the wait over, fails in one line (before: a silent
    minute). A script that waits less (test_search_cli_index_open_in_another_process) sees the error alone."""
    from budgetscope.vector.lock import PathLock
    from budgetscope.vector.sync import index_path

    other = PathLock(index_path(home))
    other.acquire()
    try:
        result = runner.invoke(
            app, ["search", "学会改革", "--home", str(home)],
            env={"BUDGETSCOPE_LOCK_WAIT": "4", "BUDGETSCOPE_NO_SERVE": "1", "BUDGETSCOPE_HOME": None},
        )  # fmt: skip
    finally:
        other.release()
    lines = clean_failure(result)
    assert lines[0] == (
        "the search index is held by another process (an ingest, index or serve): waiting up to 4 s for it, "
        "or for a serve to answer"
    )
    assert len(lines) == 2 and lines[1].startswith("error: ") and "open in another process" in lines[1]


def test_load_map_step_and_queries_refuse_a_fifo_and_an_empty_folder(home: Path, tmp_path: Path) -> None:
    """`ingest --from-jsonl` and `search --queries` say at once what is wrong with what they were given
    (before: a FIFO hung them, an empty folder was "0 written")."""
    import threading

    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "empty").mkdir()
    cases = [
        (["ingest", "--home", tmp_path / "h", "--from-jsonl", tmp_path / "pipe.jsonl"], "pipe.jsonl: not a regular file"),
        (["ingest", "--home", tmp_path / "h", "--from-jsonl", tmp_path / "empty"], "empty: no .jsonl file in this folder"),
        (["search", "--home", home, "--queries", tmp_path / "pipe.jsonl"], "pipe.jsonl: not a regular file"),
    ]  # fmt: skip
    for args, reason in cases:
        result: list[Result] = []
        worker = threading.Thread(target=lambda a=args, r=result: r.append(invoke(*a)), daemon=True)
        worker.start()
        worker.join(timeout=60)
        assert result, f"{args[0]} did not return"
        lines = clean_failure(result[0])
        assert lines[-1].startswith("error: ") and lines[-1].endswith(reason), lines


def test_app_bidi_and_c1_controls_in_document_text_are_dropped(tmp_path: Path) -> None:
    """A right-to-left override (U+202E) in a project name would show it, and the amounts after it,
    reversed in a terminal or a page; C1 controls (U+009B: CSI) act in some terminals. Neither reaches
    the records: document text is untrusted."""
    f = tmp_path / "bidi.txt"
    f.write_text(small_budget(2031).replace("学会改革与发展项目", "学会改革\u202e与发展\u009b项目\u2066"),
                 encoding="utf-8")  # fmt: skip
    result = invoke("extract", f, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    names = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert "学会改革与发展项目" in names
    assert not any(c in result.stdout for c in "\u202e\u009b\u2066")
