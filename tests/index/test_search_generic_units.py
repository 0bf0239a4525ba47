"""Search over real forms of other cities: a generic budget word asks for nothing, a unit's name finds
its projects.

One home for the module: Fuzhou's health-insurance forms (pp.29-33, three of them carried out by
福州市医疗保障基金中心), Yantai's four forms carried out by 中国烟台SOS儿童村 (pp.41-44), and the bundled
sast-2023 budget as other projects, embedded with USE.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from budgetscope.index.ingest import ingest
from budgetscope.index.search import search
from budgetscope.index.terms import coverage, term_groups, unit_text
from budgetscope.models import SearchHit
from budgetscope.store.sqlite import open_store
from budgetscope.vector.sync import open_index, save_index_settings, sync_index

EXCERPTS = Path(__file__).resolve().parents[2] / "corpus" / "excerpts" / "search"
FUZHOU = EXCERPTS / "fuzhou-healthcare-security-2026-p29-33.pdf"
YANTAI = EXCERPTS / "yantai-civil-affairs-2026-p41-44.pdf"
SOS_PROJECTS = {"困难群众资金", "困难群众补助资金", "2026年彩票公益金", "孩子生活补助及儿童村运转经费"}
"""The forms of Yantai pp.41-44, each with 实施单位 中国烟台SOS儿童村."""
CENTRAL_GRANT = "城乡居民基本医疗保险补助（中央和省级补助资金）"
"""Fuzhou p.31: 1,414,050,000 元, its text says 城乡居民基本医疗保险, never 医保 nor 基金."""


@pytest.fixture(scope="module")
def home(corpus: Path, tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    home = tmp_path_factory.mktemp("generic-units-home")
    assert not ingest([FUZHOU, YANTAI, corpus / "sast-2023-department-budget.txt"], home, workers=1).failed
    save_index_settings(home, "use")
    with embed_once(), open_store(home) as store, open_index(home, encoder="use") as index:
        sync_index(store, index)
    return home


@pytest.fixture()
def found(home: Path) -> Iterator[Any]:
    with open_store(home) as store, open_index(home) as index:

        def run(query: str, top_k: int = 6) -> list[SearchHit]:
            return search(index, query, top_k=top_k, store=store)

        yield run


def confident(hits: list[SearchHit]) -> set[str]:
    return {h.name for h in hits if not h.weak}


def test_search_generic_word_asks_for_nothing_more() -> None:
    """ "fund" (基金) and "expenditure" (支出) say the project's money, not what it is for: the query's
    words are those of the query without them, and the project that never says 医保 or 基金 holds them."""
    assert term_groups("医保基金") == term_groups("医保")
    assert term_groups("medical insurance expenditure") == term_groups("medical insurance")
    assert coverage(term_groups("medical insurance fund"), CENTRAL_GRANT) == 1.0
    assert coverage(term_groups("科研经费"), "开展科研项目管理") == 1.0  # 经费 asks for nothing
    assert term_groups("housing fund") == [["住房公积金", "公积金"]]  # 公积金 is not 住房 + a money word


@pytest.mark.parametrize(
    ("longer", "shorter"), [("medical insurance fund", "medical insurance"), ("医保基金", "医保")]
)
def test_search_generic_word_keeps_the_confident_hits(found: Any, longer: str, shorter: str) -> None:
    """The review's query: "medical insurance fund" was "no close match", the 1.41 billion 元 project gone
    from the nearest three; with the generic word it finds what the query without it finds, confident."""
    hits = found(longer)
    assert CENTRAL_GRANT in confident(hits)
    assert confident(found(shorter)) <= confident(hits)


def test_search_unit_name_finds_every_project_it_carries_out(found: Any) -> None:
    """中国烟台SOS儿童村 carries out four forms; one holds 儿童村 in its name, the others only in their
    实施单位: all four come first, confident, showing the unit."""
    hits = found("SOS儿童村")
    assert {h.name for h in hits[:4]} == SOS_PROJECTS == confident(hits)
    assert {h.unit for h in hits[:4]} == {"中国烟台SOS儿童村"}


def test_search_unit_counts_only_when_it_completes_the_query() -> None:
    """A unit's name counts in a hit's coverage when it holds every word of the query the text lacks (the
    query names the unit); holding one of three (Hangzhou's 技校教育条件保障支撑, carried out by a 学校) made
    a query with no answer in the corpus confident."""
    sos = term_groups("SOS儿童村 困难儿童")
    goal = "保障困难儿童基本生活，提高生活水平，保障生活质量。"  # Yantai p.42, 困难群众补助资金
    assert coverage(sos, unit_text(sos, f"困难群众补助资金\n{goal}", "中国烟台SOS儿童村")) == 1.0
    assert (
        coverage(sos, unit_text(sos, "2026年彩票公益金\n支持福彩圆梦·孤儿助学工程", "中国烟台SOS儿童村"))
        < 0.5
    )
    school = term_groups("义务教育学校校舍建设")
    assert unit_text(school, "技校教育条件保障支撑", "杭州汽车高级技工学校") == "技校教育条件保障支撑"
