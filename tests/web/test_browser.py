"""`budgetscope serve` in a real browser (Debian's headless Chromium): what a person sees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.web.conftest import HOSTILE_DEPARTMENT, HOSTILE_NAME, serving

CENTRAL = "central-letters-and-calls-2026-p26-30.pdf"
"""The 国家信访局 excerpt: the 信息化运行维护项目 narrative on its p.1 (the budget's p.26), its form on p.5 (p.30)."""


def _open(driver: Any, url: str, shots: Path, name: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.TAG_NAME, "footer")))
    driver.save_screenshot(str(shots / f"{name}.png"))


def _text(driver: Any, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def test_browser_search_follow_result_to_project(server: str, browser: Any, tmp_path: Path) -> None:
    d = browser
    _open(d, server + "/", tmp_path, "01-home")
    box = d.find_element(By.ID, "q")
    box.send_keys("学会创新与发展")
    Select(d.find_element(By.NAME, "year")).select_by_value("2026")
    d.find_element(By.ID, "go").click()
    WebDriverWait(d, 60).until(EC.presence_of_element_located((By.ID, "results")))
    d.save_screenshot(str(tmp_path / "02-search.png"))
    hits = d.find_elements(By.CSS_SELECTOR, "#results .result")
    assert hits, "no result for 学会创新与发展 in 2026"
    assert all("2026" in h.find_element(By.CLASS_NAME, "meta").text for h in hits)
    assert d.find_elements(By.CSS_SELECTOR, "#results mark.hit"), "the matched words are not marked"
    assert "2026" in _text(d, "#facets")
    first = d.find_element(By.CSS_SELECTOR, "#results .result a.name")
    name = first.text
    assert name == "学会创新与发展项目"
    first.click()
    WebDriverWait(d, 60).until(EC.presence_of_element_located((By.ID, "project-name")))
    d.save_screenshot(str(tmp_path / "03-project.png"))
    assert _text(d, "#project-name") == name
    amounts = [a for a in d.find_elements(By.CSS_SELECTOR, "mark.amount") if a.is_displayed()]
    assert any("1,360,000" in a.text for a in amounts), "the budget is not highlighted"
    assert "1,360,000" in _text(d, "#budget-total")
    chart = d.find_element(By.CSS_SELECTOR, "#other-years #chart svg")
    assert chart.is_displayed() and chart.size["height"] > 50
    rows = d.find_elements(By.CSS_SELECTOR, "table#years-table tbody tr")
    years = {r.find_elements(By.TAG_NAME, "td")[0].text for r in rows}
    assert {"2023", "2026"} <= years, years
    # the source line of the project: its file served from the store's own path
    source = d.find_element(By.ID, "source-link").get_attribute("href")
    assert source and "/source/sast-2026-" in source
    d.find_element(By.CSS_SELECTOR, "#years-table a").click()  # the same project in 2023
    WebDriverWait(d, 60).until(EC.presence_of_element_located((By.ID, "project-name")))
    d.save_screenshot(str(tmp_path / "03b-project-2023.png"))
    assert "2023" in _text(d, ".crumbs")
    marked = [a.text for a in d.find_elements(By.CSS_SELECTOR, "article mark.amount")]
    assert any("万元" in t for t in marked), "no amount highlighted in the narrative's text"
    assert d.find_elements(By.CSS_SELECTOR, "article mark.citation")


def test_browser_every_page_shows_its_parts(server: str, browser: Any, tmp_path: Path) -> None:
    d = browser
    _open(d, f"{server}/search?q={quote('科技馆大修')}", tmp_path, "04-search-en")
    assert "科技馆建筑体大修项目" in _text(d, "#results")
    _open(d, f"{server}/search?q={quote('全民科学素质纲要')}&section=plan", tmp_path, "05-didyoumean")
    assert "全民科学素质" in _text(d, "#didyoumean")
    assert d.find_elements(By.CSS_SELECTOR, "#didyoumean a")
    _open(d, f"{server}/search?q={quote('海底隧道盾构机')}&year=2019&section=period", tmp_path, "06-noresult")
    assert d.find_elements(By.ID, "noresult") or d.find_elements(By.ID, "results")

    _open(d, f"{server}/cites?q={quote('全民科学素质纲要')}", tmp_path, "07-cites")
    rows = d.find_elements(By.CSS_SELECTOR, "table#citing tbody tr")
    assert len(rows) >= 3
    assert {"2019", "2026"} <= {r.find_elements(By.TAG_NAME, "td")[0].text for r in rows}
    assert "全民科学素质纲要" in _text(d, "table#citing")
    assert d.find_element(By.CSS_SELECTOR, "#chart svg").is_displayed()
    # both versions of the 纲要 go by this name: the candidates are listed, each a look-up of its own
    assert len(d.find_elements(By.CSS_SELECTOR, "#candidates li")) >= 2
    d.find_element(By.CSS_SELECTOR, "#candidates li a").click()
    WebDriverWait(d, 60).until(EC.presence_of_element_located((By.ID, "citing")))
    d.save_screenshot(str(tmp_path / "08-cites-one-version.png"))
    assert 0 < len(d.find_elements(By.CSS_SELECTOR, "table#citing tbody tr")) < len(rows)

    _open(d, f"{server}/browse", tmp_path, "09-browse")
    years = [
        r.find_elements(By.TAG_NAME, "td")[0].text
        for r in d.find_elements(By.CSS_SELECTOR, "#by-year tbody tr")
    ]
    assert {"2019", "2023", "2025", "2026"} <= set(years)
    assert "上海市科学技术委员会" in _text(d, "#by-department")
    assert d.find_element(By.CSS_SELECTOR, "#chart svg").is_displayed()
    d.find_element(By.LINK_TEXT, "2025").click()
    WebDriverWait(d, 60).until(EC.presence_of_element_located((By.ID, "projects")))
    listed = d.find_elements(By.CSS_SELECTOR, "#projects tbody tr")
    assert listed and all(r.find_elements(By.TAG_NAME, "td")[0].text == "2025" for r in listed)

    _open(d, f"{server}/document/sast-2026-performance-targets.txt", tmp_path, "10-document")
    assert "sast-2026-performance-targets.txt" in _text(d, "#doc-name")
    cells = _text(d, "#coverage-table")
    assert "Forms" in cells and "Narratives" in cells
    assert d.find_elements(By.CSS_SELECTOR, "#projects tbody tr")

    _open(d, f"{server}/docs", tmp_path, "11-docs")
    assert "/api/search" in _text(d, "main")
    _open(d, f"{server}/project/no-such-project", tmp_path, "12-notfound")
    assert "no-such-project" in _text(d, "#error")


def test_browser_document_html_shows_as_text_on_every_page(
    hostile_server: str, browser: Any, tmp_path: Path
) -> None:
    d, server = browser, hostile_server
    pages = [
        f"/search?q={quote('学会改革与发展')}&year=2022",
        "/browse?year=2022",
        "/document/hostile-2022-department-budget.txt",
        f"/cites?q={quote(HOSTILE_DEPARTMENT + '<script>window.__xss=3</script>改革实施方案')}",
        f"/search?q={quote('<script>window.__xss=4</script>')}",
        "/",
        "/upload",
    ]
    for i, path in enumerate(pages):
        _open(d, server + path, tmp_path, f"20-hostile-{i}")
        assert d.execute_script("return window.__xss") is None, path
        assert not d.find_elements(By.CSS_SELECTOR, "main b, main img, main script, main i, option i"), path
    _open(d, f"{server}/browse?year=2022", tmp_path, "21-hostile-browse")
    assert HOSTILE_NAME in _text(d, "#projects")
    assert HOSTILE_DEPARTMENT in _text(d, "#by-department")
    d.find_element(By.PARTIAL_LINK_TEXT, "<script>").click()
    WebDriverWait(d, 60).until(EC.presence_of_element_located((By.ID, "project-name")))
    d.save_screenshot(str(tmp_path / "22-hostile-project.png"))
    assert _text(d, "#project-name") == HOSTILE_NAME
    assert '<img src=x onerror="window.__xss=2">' in _text(d, "#section-overview")
    assert "<script>window.__xss=3</script>" in _text(d, "main")
    assert HOSTILE_DEPARTMENT in _text(d, ".crumbs")
    assert d.execute_script("return window.__xss") is None
    assert not d.find_elements(By.CSS_SELECTOR, "main b, main img, main script, main i, option i")


@pytest.fixture(scope="module")
def pdf_server(tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Iterator[str]:
    """`serve` on a home holding the 国家信访局 excerpt (a PDF: a narrative and the form linked to it), indexed."""
    import budgetscope
    from tests.conftest import CORPUS

    home = tmp_path_factory.mktemp("pdf-home")
    with embed_once(), budgetscope.open(home) as bs:
        assert not bs.ingest([CORPUS / "excerpts" / CENTRAL]).failed
    with serving(home) as url:
        yield url


def test_browser_pdf_hit_gives_its_pages_and_linked_form_as_the_cli_does(
    pdf_server: str, browser: Any, tmp_path: Path
) -> None:
    """A PDF narrative's hit gave the line of an internal text rendering (:19) and left out its linked form:
    the page gives each place of the project as the CLI does (:func:`hit_places`: the narrative's page,
    then the form's), on the search page and the cites page."""
    from budgetscope.search_cli.common import hit_places

    d = browser
    with urlopen(f"{pdf_server}/api/search?q={quote('信访')}", timeout=120) as r:
        (api_hit,) = [h for h in json.load(r) if h["name"] == "信息化运行维护项目"]
    cli = hit_places(api_hit)
    assert cli.endswith(f"p.1, {CENTRAL} p.5"), cli  # the narrative's page, then its form's
    _open(d, f"{pdf_server}/search?q={quote('信访')}", tmp_path, "30-pdf-search")
    (hit,) = [
        h for h in d.find_elements(By.CSS_SELECTOR, "#results .result") if "信息化运行维护项目" in h.text
    ]
    where = hit.find_element(By.CSS_SELECTOR, ".where")
    assert where.text == cli
    links = where.find_elements(By.TAG_NAME, "a")
    assert [a.text.rsplit(" ", 1)[-1] for a in links] == ["p.1", "p.5"]
    assert all(a.get_attribute("href").endswith(f"/document/{CENTRAL}") for a in links)
    _open(d, f"{pdf_server}/cites?q={quote('信访工作条例')}", tmp_path, "31-pdf-cites")
    (row,) = [
        r for r in d.find_elements(By.CSS_SELECTOR, "table#citing tbody tr") if "信息化运行维护项目" in r.text
    ]
    assert [div.text for div in row.find_elements(By.CSS_SELECTOR, "td.where div")] == cli.split(", ")


PROBE = """
const done = arguments[arguments.length - 1], refused = [];
document.addEventListener("securitypolicyviolation", (e) => refused.push(e.effectiveDirective));
const script = document.createElement("script");
script.src = "/static/probe.js";
document.body.appendChild(script);
const object = document.createElement("object");
object.data = "/static/style.css";
document.body.appendChild(object);
setTimeout(() => done(refused), 1000);
"""
"""A script and an object of the page's own origin put in a page: what its policy refuses."""


def test_browser_pages_run_no_script_and_embed_no_object(
    server: str, pdf_server: str, browser: Any, tmp_path: Path
) -> None:
    """The README says pages run no script: the browser refuses any, even one of the server's own
    origin (the policy said script-src 'self'), and any object; a stored PDF keeps its viewer."""
    d = browser
    pages = ["/", f"/search?q={quote('科普')}", "/browse", f"/cites?q={quote('全民科学素质纲要')}", "/docs"]
    for i, path in enumerate(pages):
        _open(d, server + path, tmp_path, f"40-policy-{i}")
        assert d.find_elements(By.TAG_NAME, "script") == [], path  # no page has a script of its own
        refused = d.execute_async_script(PROBE)
        assert {"script-src-elem", "object-src"} <= set(refused), (path, refused)
    with urlopen(f"{pdf_server}/source/{CENTRAL}", timeout=120) as r:
        policy = r.headers["Content-Security-Policy"]
    assert r.headers["Content-Type"] == "application/pdf" and "object-src 'self'" in policy
    assert "script-src 'none'" in policy


def test_browser_form_page_heads_its_goal_with_the_label_printed(
    pdf_server: str, browser: Any, tmp_path: Path
) -> None:
    """The 国家信访局 form (p.30) prints its goal under 年度总体目标: its page heads the goal so (it was
    headed 年度绩效目标, the name the reader files every goal under)."""
    d = browser
    with urlopen(f"{pdf_server}/api/projects", timeout=120) as r:
        (form,) = [p for p in json.load(r) if p["kind"] == "form"]
    _open(d, f"{pdf_server}/project/{form['id']}", tmp_path, "50-form-goal")
    goal = d.find_element(By.ID, "section-goals")
    assert goal.find_element(By.TAG_NAME, "h2").text == "年度总体目标"
    assert "年度绩效目标" not in _text(d, "main")
