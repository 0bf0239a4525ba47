"""`budgetscope ingest` when one file of a batch cannot be stored (review 29 #1): one line naming the
file and the reason, that file alone rolled back, the other files stored, exit 1 at the end; the
same through a running serve; a PDF printing a table page twice is stored, said once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from budgetscope.search_cli.app import app
from tests.index.test_ingest import _checks_twice_for
from tests.pipeline.test_repeats import YANTAI, needs_yantai, pages

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts"
CHANGSHA = EXCERPTS / "changsha-letters-and-calls-2026-p22-23.pdf"  # holds a forms_total check
XIAN = EXCERPTS / "xian-audit-2026-p37-38.pdf"
HANGZHOU = EXCERPTS / "hangzhou-transport-2026-p39.pdf"

runner = CliRunner()


def invoke(*args: object) -> Result:
    return runner.invoke(
        app, [str(a) for a in args], env={"BUDGETSCOPE_QDRANT_URL": None, "BUDGETSCOPE_HOME": None}
    )


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def stored(home: Path) -> list[str]:
    import budgetscope

    with budgetscope.open(home) as bs:
        return sorted(d.doc for d in bs.documents())


@contextlib.contextmanager
def serving(home: Path) -> Iterator[None]:
    """A serve of ``home`` running in this process, advertised there (the CLI hands its ingests to it)."""
    import threading
    import time

    import uvicorn

    import budgetscope
    from budgetscope.remote import advertise, new_token, withdraw
    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data
    from tests.web.conftest import free_port

    token, port = new_token(), free_port()
    with budgetscope.open(home) as bs:
        app_ = create_app(Data(bs), cli_token=token)
        server = uvicorn.Server(uvicorn.Config(app_, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        advertised = advertise(home, url=f"http://127.0.0.1:{port}/", token=token, encoder=bs.encoder)
        try:
            yield
        finally:
            withdraw(home, advertised)
            server.should_exit = True
            thread.join(timeout=10)


def test_ingest_cli_a_file_the_store_refuses_is_one_line_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _checks_twice_for(monkeypatch, CHANGSHA.name)
    home = tmp_path / "home"
    result = invoke("ingest", XIAN, CHANGSHA, HANGZHOU, "--home", home, "--no-index")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert errors(result) == [
        f"error: {CHANGSHA}: not stored: cannot write checks: UNIQUE constraint failed: checks.id"
    ]  # before: "error: cannot write checks: …" alone, no summary, the third file never read
    assert "2 written, 0 unchanged, 1 failed" in result.stderr
    assert stored(home) == sorted([XIAN.name, HANGZHOU.name])


def test_ingest_cli_through_a_serve_a_file_the_store_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ingest handed to a running serve (in this process, advertised in the home) reports the
    same: the serve stores the others and the CLI prints the one line."""
    import budgetscope.remote as remote

    _checks_twice_for(monkeypatch, CHANGSHA.name)
    handed: list[str] = []
    real = remote.hand_over

    def hand_over(serving: remote.Serving, path: str, *args: object, **kwargs: object) -> object:
        handed.append(path)
        return real(serving, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(remote, "hand_over", hand_over)
    home = tmp_path / "home"
    assert invoke("ingest", HANGZHOU, "--home", home, "--encoder", "hash", "-q").exit_code == 0
    with serving(home):
        result = invoke("ingest", XIAN, CHANGSHA, "--home", home)
    assert handed == ["/api/cli/ingest"]
    assert result.exit_code == 1, result.output
    assert errors(result) == [
        f"error: {CHANGSHA}: not stored: cannot write checks: UNIQUE constraint failed: checks.id"
    ]
    assert "1 written, 0 unchanged, 1 failed" in result.stderr
    assert stored(home) == sorted([XIAN.name, HANGZHOU.name])


@needs_yantai
def test_ingest_cli_a_pdf_printing_a_table_page_twice_is_stored_with_a_warning(tmp_path: Path) -> None:
    twice = pages(YANTAI, tmp_path / "yantai-p11-twice.pdf", [*range(56), 10])
    home = tmp_path / "home"
    result = invoke("ingest", XIAN, twice, HANGZHOU, "--home", home, "--no-index")
    assert result.exit_code == 0, result.output
    assert errors(result) == []
    assert "3 written, 0 unchanged, 0 failed" in result.stderr
    assert (
        f"warning: {twice}: a table printed again, read once: 支出总体情况表 p. 57 (as p. 11)"
        in result.stderr
    )
    assert stored(home) == sorted([XIAN.name, twice.name, HANGZHOU.name])


@pytest.mark.parametrize("through_serve", [False, True])
def test_ingest_cli_a_symlink_loop_or_broken_link_named_alone_is_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, through_serve: bool
) -> None:
    """A symlink loop named on the command line (review 30 #1: resolving it raised before any file was
    read: "unexpected RuntimeError", no summary, and through a serve nothing of the batch stored) and a
    broken link (#7: its target was named as the link itself) are one line each; the others stored."""
    monkeypatch.chdir(tmp_path)
    Path("loop1.pdf").symlink_to("loop2.pdf")
    Path("loop2.pdf").symlink_to("loop1.pdf")
    Path("broken.pdf").symlink_to(tmp_path / "nowhere.pdf")
    home = tmp_path / "home"
    assert invoke("ingest", HANGZHOU, "--home", home, "--encoder", "hash", "-q").exit_code == 0
    with serving(home) if through_serve else contextlib.nullcontext():
        result = invoke("ingest", "loop1.pdf", XIAN, "broken.pdf", "--home", home)
    assert result.exit_code == 1, result.output
    assert "unexpected" not in result.output
    assert errors(result) == [
        "error: loop1.pdf: symbolic link loop",
        f"error: broken.pdf: broken symbolic link (to {tmp_path / 'nowhere.pdf'})",
    ]
    assert "1 written, 0 unchanged, 2 failed" in result.stderr
    assert stored(home) == sorted([XIAN.name, HANGZHOU.name])
