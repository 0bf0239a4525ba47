"""`budgetscope serve` as a real process, and the CLI of its home: `search` and `cites` answered by
it with the output they give in-process, `ingest`, `index` and `remove` run by it, `index --rebuild`
refused in one line,
a stale advertisement ignored."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetscope.remote import SERVE_FILE, TOKEN_HEADER, advertise, running
from tests.web.conftest import free_port

FILES = ("sast-2026-department-budget.txt", "sast-2026-performance-targets.txt")
QUERIES = '{"query": "科普活动"}\n{"query": "学会党建", "filters": {"year": 2026}}\n'


def cli(
    home: Path, *args: str, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """A `budgetscope` command as a new process on ``home`` (verbose: it says who answered), in ``cwd``."""
    env = {**os.environ, "BUDGETSCOPE_HOME": str(home)}
    env.pop("BUDGETSCOPE_QDRANT_URL", None)
    env.pop("BUDGETSCOPE_NO_SERVE", None)
    command = [sys.executable, "-m", "budgetscope.search_cli.app", "--verbose", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd)


def outputs(home: Path, queries: Path) -> dict[str, str]:
    """What the search and cites commands print (stdout), in several formats."""
    runs = {
        "table": ("search", "科技馆大修", "--top-k", "5"),
        "json": ("search", "party building in scientific societies", "-f", "json", "--year", "2026"),
        "batch": ("search", "--queries", str(queries), "-f", "jsonl", "--mode", "sparse"),
        "cites": ("cites", "全民科学素质纲要"),
        "cites-json": ("cites", "全民科学素质纲要", "-f", "json"),
    }
    out = {}
    for name, args in runs.items():
        result = cli(home, *args)
        assert result.returncode == 0, result.stderr
        out[name] = result.stdout
        out[name + ":who"] = "answered by the serve" if "answered by the serve" in result.stderr else "here"
    return out


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    import budgetscope

    home = tmp_path_factory.mktemp("serve-home")
    with embed_once(), budgetscope.open(home) as bs:
        summary = bs.ingest([corpus / name for name in FILES])
    assert not summary.failed, summary.failed
    return home


@pytest.fixture(scope="module")
def queries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "queries.jsonl"
    path.write_text(QUERIES, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def alone(home: Path, queries: Path) -> dict[str, str]:
    """The outputs with no serve up (answered in the CLI's own process)."""
    assert running(home) is None
    return outputs(home, queries)


QUESTION = "which projects cite the Outline of National Scientific Literacy"
EDGES = {
    "cites-empty": ("cites", ""),
    "cites-punctuation": ("cites", "？？"),
    "question-cut": ("search", QUESTION, "--top-k", "3"),
    "question-cut-json": ("search", QUESTION, "--top-k", "3", "-f", "json"),
}
"""Runs whose exit code and stderr matter too: queries refused, a citation question --top-k cuts."""


def edges(home: Path) -> dict[str, tuple[int, str, list[str], str]]:
    """Each of :data:`EDGES`: exit code, stdout, the error and warning lines of stderr, who answered."""
    out = {}
    for name, args in EDGES.items():
        result = cli(home, *args)
        said = [line for line in result.stderr.splitlines() if line.startswith(("error:", "warning:"))]
        who = "answered by the serve" if "answered by the serve" in result.stderr else "here"
        out[name] = (result.returncode, result.stdout, said, who)
    return out


@pytest.fixture(scope="module")
def edges_alone(home: Path) -> dict[str, tuple[int, str, list[str], str]]:
    assert running(home) is None
    return edges(home)


def start_serve(home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "BUDGETSCOPE_HOME": str(home)}
    env.pop("BUDGETSCOPE_QDRANT_URL", None)
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "budgetscope.search_cli.app", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while running(home) is None:
        assert serve.poll() is None, serve.communicate()[1]
        assert time.monotonic() < deadline, "serve did not advertise itself"
        time.sleep(0.1)
    return serve


LIBRARY_QUERY = ("party building in scientific societies", {"year": 2026}, 5)


@pytest.fixture(scope="module")
def library_alone(home: Path) -> list[dict[str, Any]]:
    """A Python API search with no serve up (answered in this process)."""
    import budgetscope

    assert running(home) is None
    query, filters, top_k = LIBRARY_QUERY
    with budgetscope.open(home) as bs:
        return [h.model_dump() for h in bs.search(query, filters, top_k)]


@pytest.fixture(scope="module")
def served(
    home: Path,
    alone: dict[str, str],
    library_alone: list[dict[str, Any]],
    edges_alone: dict[str, tuple[int, str, list[str], str]],
) -> Iterator[subprocess.Popen[str]]:
    serve = start_serve(home)
    try:
        yield serve
    finally:
        if serve.poll() is None:
            serve.send_signal(signal.SIGINT)
            serve.wait(timeout=30)


def test_remote_serve_answers_search_and_cites_with_the_same_output(
    home: Path, queries: Path, alone: dict[str, str], served: subprocess.Popen[str]
) -> None:
    forwarded = outputs(home, queries)
    for name in ("table", "json", "batch", "cites", "cites-json"):
        assert alone[name + ":who"] == "here"
        assert forwarded[name + ":who"] == "answered by the serve", name
        assert forwarded[name] == alone[name], name
    assert json.loads(forwarded["json"]), "a real answer, not an empty one"


def test_remote_serve_refuses_and_warns_as_the_cli_does_alone(
    home: Path, edges_alone: dict[str, tuple[int, str, list[str], str]], served: subprocess.Popen[str]
) -> None:
    """`cites ''` is the usage mistake `search ''` is (exit 2, one line) whether a serve runs or not, and a
    citation question --top-k cuts says how many projects cite the document, through the serve as alone."""
    forwarded = edges(home)
    for name in ("cites-empty", "cites-punctuation"):
        code, stdout, said, _ = forwarded[name]
        assert code == 2 and stdout == "" and len(said) == 1, said
        assert forwarded[name][:3] == edges_alone[name][:3], name
    assert edges_alone["cites-empty"][2] == ["error: empty query (see `budgetscope cites --help`)"]
    for name in ("question-cut", "question-cut-json"):
        assert edges_alone[name][3] == "here" and forwarded[name][3] == "answered by the serve", name
        assert forwarded[name][:3] == edges_alone[name][:3], name
    cited = len(json.loads(cli(home, "cites", QUESTION, "-f", "json").stdout))
    assert cited > 3 and f"(3 of {cited} projects citing" in forwarded["question-cut"][1].splitlines()[0]
    assert forwarded["question-cut-json"][2] == [
        f"warning: 3 of {cited} projects citing the Outline of National Scientific Literacy; "
        "`budgetscope cites 'the Outline of National Scientific Literacy'` lists all"
    ]


def test_remote_serve_advertisement_is_private_and_names_the_serve(
    home: Path, served: subprocess.Popen[str]
) -> None:
    path = home / SERVE_FILE
    assert path.stat().st_mode & 0o077 == 0, "the token is readable by its owner only"
    serving = running(home)
    assert serving is not None and serving.pid == served.pid


def test_remote_serve_answers_a_library_search(
    home: Path, library_alone: list[dict[str, Any]], served: subprocess.Popen[str]
) -> None:
    """The Python API cannot open the embedded index a serve holds: the serve answers its search, as it
    does the CLI's, with the hits the API gives in-process (a notebook beside the web page)."""
    import budgetscope

    query, filters, top_k = LIBRARY_QUERY
    started = time.monotonic()
    with budgetscope.open(home) as bs:
        hits = [h.model_dump() for h in bs.search(query, filters, top_k)]
    assert hits and hits == library_alone
    assert time.monotonic() - started < 30
    assert running(home) is not None and served.poll() is None


def test_remote_serve_answers_a_library_search_of_any_top_k(
    home: Path, served: subprocess.Popen[str]
) -> None:
    """The Python API takes any top_k of 1 or more (the CLI and /api/search 1 to 100): a serve holding the
    index answers it too, rather than failing only while it is up (it refused above 10000)."""
    import budgetscope

    query, filters, _ = LIBRARY_QUERY
    with budgetscope.open(home) as bs:
        hits = bs.search(query, filters, 20_000)
    assert len(hits) > LIBRARY_QUERY[2] and running(home) is not None


def test_remote_serve_endpoint_wants_the_token(home: Path, served: subprocess.Popen[str]) -> None:
    import httpx

    serving = running(home)
    assert serving is not None
    body = {"batch": [{"query": "科普"}], "base": {}, "top_k": 3, "mode": "hybrid"}
    url = serving.url + "api/cli/search"
    assert httpx.post(url, json=body).status_code == 403
    assert httpx.post(url, json=body, headers={TOKEN_HEADER: "guess"}).status_code == 403
    bad = httpx.post(url, json={**body, "mode": "psychic"}, headers={TOKEN_HEADER: serving.token})
    assert bad.status_code == 400 and "mode" in bad.json()["error"]
    zero = httpx.post(url, json={**body, "top_k": 0}, headers={TOKEN_HEADER: serving.token})
    assert (
        zero.status_code == 400 and zero.json()["error"] == "top_k must be a whole number of 1 or more, not 0"
    )
    good = httpx.post(url, json=body, headers={TOKEN_HEADER: serving.token})
    assert good.status_code == 200 and len(good.json()["results"][0]["hits"]) == 3


def test_remote_serve_takes_index_and_refuses_a_rebuild_in_one_line(
    home: Path, served: subprocess.Popen[str], corpus: Path
) -> None:
    """`index` while the serve holds the index is run by the serve: a document stored with `ingest
    --no-index` is found once it has run. `index --rebuild` would replace the index the serve has
    open: one line naming the serve, nothing changed."""
    extra = "sast-2023-department-budget.txt"
    stored = cli(home, "ingest", str(corpus / extra), "--no-index")
    assert stored.returncode == 0, stored.stderr
    assert json.loads(cli(home, "search", "科普", "--year", "2023", "-f", "json").stdout) == []
    result = cli(home, "index")
    assert result.returncode == 0, result.stderr
    assert "handed to the serve" in result.stderr and "points embedded" in result.stderr
    assert int(result.stderr.split(" points embedded")[0].split()[-1]) > 0
    hits = json.loads(cli(home, "search", "科普", "--year", "2023", "-f", "json").stdout)
    assert hits and {h["doc"] for h in hits} == {extra}
    rebuild = cli(home, "index", "--rebuild", timeout=60)
    lines = rebuild.stderr.strip().splitlines()
    assert rebuild.returncode == 1 and "Traceback" not in rebuild.stderr
    assert lines[-1].startswith("error: a `budgetscope serve`") and f"pid {served.pid}" in lines[-1]
    assert cli(home, "remove", extra).returncode == 0  # as it was, for the tests after
    assert json.loads(cli(home, "search", "科普", "--year", "2023", "-f", "json").stdout) == []


def test_remote_serve_takes_ingest_and_remove(
    home: Path, served: subprocess.Popen[str], corpus: Path
) -> None:
    """An ingest while the serve holds the index is run by the serve (its progress and summary shown
    here); its searches see the new document at once; `remove` takes it out the same way."""
    extra = "sast-2023-department-budget.txt"
    assert json.loads(cli(home, "search", "科普", "--year", "2023", "-f", "json").stdout) == []
    result = cli(home, "ingest", str(corpus / extra), "-f", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["written"], summary["failed"]) == (1, []) and summary["documents"] == 3
    assert "handed to the serve" in result.stderr and f"ingest: 1/1 {extra}" in result.stderr
    hits = json.loads(cli(home, "search", "科普", "--year", "2023", "-f", "json").stdout)
    assert hits and {h["doc"] for h in hits} == {extra}
    again = cli(home, "ingest", str(corpus / extra))
    assert again.returncode == 0 and "0 written, 1 unchanged" in again.stderr
    missing = cli(home, "ingest", str(corpus / "missing.txt"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert [line for line in missing.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {corpus / 'missing.txt'}: no such file"
    ]
    relative = cli(
        home, "ingest", "missing.txt", cwd=corpus
    )  # handed over by its resolved path, named as given
    assert [line for line in relative.stderr.splitlines() if line.startswith("error:")] == [
        "error: missing.txt: no such file"
    ]
    removed = cli(home, "remove", extra)
    assert removed.returncode == 0 and "1 document removed" in removed.stderr, removed.stderr
    assert json.loads(cli(home, "search", "科普", "--year", "2023", "-f", "json").stdout) == []
    unknown = cli(home, "remove", "nothing-such.txt")
    assert unknown.returncode == 1 and unknown.stderr.strip().splitlines()[-1].startswith("error:")
    assert running(home) is not None and served.poll() is None, "the serve still holds the index"


def test_remote_serve_write_endpoints_want_the_token_and_absolute_paths(
    home: Path, served: subprocess.Popen[str]
) -> None:
    import httpx

    serving = running(home)
    assert serving is not None
    url = serving.url + "api/cli/ingest"
    assert httpx.post(url, json={"paths": ["/nonexistent.txt"]}).status_code == 403
    assert httpx.post(serving.url + "api/cli/remove", json={"docs": [FILES[0]]}).status_code == 403
    bad = httpx.post(url, json={"paths": ["relative.txt"]}, headers={TOKEN_HEADER: serving.token})
    assert bad.status_code == 400 and "absolute" in bad.json()["error"]


def test_remote_serve_found_while_the_cli_waits_for_the_index(
    home: Path, alone: dict[str, str], served: subprocess.Popen[str], tmp_path: Path
) -> None:
    """A search started while the serve holds the index but is not advertised yet (warming up) waits
    for the index, and is answered by the serve once it advertises itself."""
    ad, hidden = home / SERVE_FILE, tmp_path / "hidden-advertisement"
    shutil.move(ad, hidden)
    log = tmp_path / "stderr.txt"
    env = {**os.environ, "BUDGETSCOPE_HOME": str(home), "BUDGETSCOPE_LOCK_WAIT": "120"}
    env.pop("BUDGETSCOPE_QDRANT_URL", None)
    env.pop("BUDGETSCOPE_NO_SERVE", None)
    command = [sys.executable, "-m", "budgetscope.search_cli.app", "--verbose", "search", "科技馆大修"]
    with log.open("w") as err:
        search = subprocess.Popen(
            [*command, "--top-k", "5"], env=env, stdout=subprocess.PIPE, stderr=err, text=True
        )
        try:
            deadline = time.monotonic() + 120
            while "held by another process" not in log.read_text():
                assert search.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        finally:
            shutil.move(hidden, ad)  # the serve is ready
        out, _ = search.communicate(timeout=60)
    assert search.returncode == 0, log.read_text()
    assert "answered by the serve" in log.read_text() and out == alone["table"]


def test_remote_serve_killed_withdraws_and_the_cli_answers_alone(
    home: Path, queries: Path, alone: dict[str, str], served: subprocess.Popen[str]
) -> None:
    served.send_signal(signal.SIGTERM)  # `kill PID`, as the refusal suggests (Ctrl+C is a SIGINT)
    served.wait(timeout=60)
    assert not (home / SERVE_FILE).exists(), "the advertisement is withdrawn"
    result = cli(home, "search", "科技馆大修", "--top-k", "5")
    assert result.returncode == 0 and result.stdout == alone["table"]
    assert "answered by the serve" not in result.stderr


def test_remote_serve_stale_advertisement_is_ignored(
    home: Path, alone: dict[str, str], tmp_path: Path
) -> None:
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    # a process that is gone
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (copy / SERVE_FILE).write_text(
        json.dumps({"pid": dead.pid, "url": f"http://127.0.0.1:{free_port()}/", "token": "t"}),
        encoding="utf-8",
    )
    assert running(copy) is None
    # a live process that is not a serve (this one, on a port nobody listens on)
    advertise(copy, url=f"http://127.0.0.1:{free_port()}/")
    for args in (("search", "科技馆大修", "--top-k", "5"), ("cites", "全民科学素质纲要")):
        result = cli(copy, *args)
        assert result.returncode == 0, result.stderr
        assert "answering here" in result.stderr
    assert result.stdout == alone["cites"]


def test_remote_serve_on_a_port_in_use_fails_in_one_line_without_announcing(home: Path) -> None:
    """A port another program listens on: one error line naming it and exit 1, at once (before the
    encoder loads), and never the "serving" line, which is said only once it listens."""
    import socket

    before = running(home)  # another test's serve may be up: the failed one must not replace it
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = cli(home, "serve", "--port", str(port), timeout=60)
    finally:
        taken.close()
    assert result.returncode == 1, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "serving" not in result.stderr
    assert time.monotonic() - started < 30
    assert running(home) == before


def test_remote_serve_on_a_home_with_no_store_or_a_file_fails_in_one_line(tmp_path: Path) -> None:
    """Pages of nothing are refused as search refuses them (one line, exit 1), unless uploads may fill it;
    a file given as the home too."""
    empty = cli(tmp_path / "empty", "serve", "--port", "1", timeout=60)
    assert empty.returncode == 1 and "no store at" in empty.stderr and "serving" not in empty.stderr
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    result = cli(afile, "serve", timeout=60)
    assert result.returncode == 1 and "is not a folder" in result.stderr
