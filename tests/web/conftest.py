"""Served data homes (the bundled corpus; one hostile document), ingested and embedded once per test
session; live servers on 127.0.0.1 on free ports; a headless Chromium driven by Selenium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HOSTILE_NAME = "<script>window.__xss=1</script><b>学会改革</b>与发展项目"
"""A project name as an attacker would print it in a document: markup that must show as text."""

HOSTILE_DEPARTMENT = "上海市<i>演示</i>协会"
"""Its department, so that it joins no series of the corpus's departments."""

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def hostile_document(corpus: Path, out: Path) -> Path:
    """The 2023 department budget's cover, contents and first project narrative (real text), with
    HTML and script written into the project's name, its sections and a cited title; saved in
    GB18030, as many a budget published as text is."""
    lines = (corpus / "sast-2023-department-budget.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "学会改革与发展项目经费情况说明")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].endswith("项目经费情况说明"))
    body = "\n".join(lines[start:end])
    body = body.replace("学会改革与发展项目经费情况说明", f"{HOSTILE_NAME}经费情况说明", 1)
    body = body.replace("为推进学会改革", '<img src=x onerror="window.__xss=2">为推进学会改革', 1)
    body = body.replace(
        "《上海市科学技术协会改革实施方案》",
        "《上海市科学技术协会<script>window.__xss=3</script>改革实施方案》",
    )
    text = "\n".join(lines[:30]) + "\n\n" + body + "\n"
    text = text.replace("2023", "2022").replace("上海市科学技术协会", HOSTILE_DEPARTMENT)
    path = out / "hostile-2022-department-budget.txt"
    path.write_text(text, encoding="gb18030")
    return path


@pytest.fixture(scope="session")
def web_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    """A data home with the bundled corpus ingested and embedded (once)."""
    import budgetscope

    home = tmp_path_factory.mktemp("web-home")
    with embed_once(), budgetscope.open(home) as bs:
        summary = bs.ingest([corpus])
    assert not summary.failed, summary.failed
    return home


@pytest.fixture(scope="session")
def hostile_home(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home holding the hostile document only (a home of its own: its copy of a corpus
    project would otherwise join the corpus's series)."""
    import budgetscope

    home = tmp_path_factory.mktemp("hostile-home")
    folder = tmp_path_factory.mktemp("hostile")
    hostile_document(corpus, folder)
    with budgetscope.open(home) as bs:
        summary = bs.ingest([folder])
    assert not summary.failed, summary.failed
    return home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(home: Path, *, allow_upload: bool = False) -> Iterator[str]:
    """`serve` on a home, in this process on a thread, at 127.0.0.1 on a free port: its base URL."""
    import uvicorn

    import budgetscope
    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data
    from budgetscope.web.server import warm

    port = free_port()
    with budgetscope.open(home) as bs:
        data = Data(bs)
        warm(data)
        app = create_app(data, allow_upload=allow_upload)
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            srv.should_exit = True
            thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(web_home: Path) -> Iterator[str]:
    """The base URL of `serve` on the corpus home."""
    with serving(web_home) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_server(hostile_home: Path) -> Iterator[str]:
    """The base URL of `serve --allow-upload` on the hostile home."""
    with serving(hostile_home, allow_upload=True) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's headless Chromium through chromedriver (no browser download)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists() or shutil.which("chromium") is None:
        pytest.fail("the browser tests need Debian's chromium and chromium-driver (make test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
