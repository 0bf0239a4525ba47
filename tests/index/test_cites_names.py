"""`cites` by every way people name a document: English names, ambiguous short names, a bare 文号.

Expected answers come from the store's citation rows, never from :func:`cites` itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from budgetscope.index.cites import candidates, cites, resolve
from budgetscope.pipeline.citations import find_citations
from budgetscope.store.protocol import EntityStore
from budgetscope.store.sqlite import open_store


@pytest.fixture(scope="module")
def store(corpus_home: Path) -> Iterator[EntityStore]:
    with open_store(corpus_home) as store:
        yield store


def projects_citing(store: EntityStore, title: str) -> set[str]:
    canonical = {r["canonical"] for r in store.select("citations") if r["title"] == title and r["canonical"]}
    assert canonical
    return {r["project_id"] for r in store.select("citations") if r["canonical"] in canonical}


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Fire Protection Law", "中华人民共和国消防法"),
        ("Science Popularization Law", "中华人民共和国科学技术普及法"),
        ("Government Procurement Law", "中华人民共和国政府采购法"),
        ("Regulations on National Science and Technology Awards", "国家科学技术奖励条例"),
        ("which projects cite the Work Safety Law", "中华人民共和国安全生产法"),
    ],
)
def test_cites_english_names_find_the_chinese_document(
    store: EntityStore, english: str, chinese: str
) -> None:
    assert {h.id for h in cites(store, english)} == projects_citing(store, chinese)


def test_cites_short_name_lists_candidates_with_counts(store: EntityStore) -> None:
    options = candidates(store, "纲要")
    titles = [d.title for d, _ in options]
    assert len(options) >= 2
    assert any("全民科学素质行动规划纲要" in t for t in titles)
    assert any("全民科学素质行动计划纲要" in t for t in titles)
    counts = [n for _, n in options]
    assert counts == sorted(counts, reverse=True) and all(n > 0 for n in counts)
    (plan,) = [(d, n) for d, n in options if d.title == "全民科学素质行动规划纲要（2021—2035年）"]
    assert plan[1] == len({r["project_id"] for r in store.select("citations", {"canonical": plan[0].id})})
    assert cites(store, "纲要") == []  # the candidates are the answer, not a guess


def test_cites_short_name_candidates_fold_quotes(store: EntityStore) -> None:
    # the corpus writes 十四五 with and without quotes: 上海市科协事业发展“十四五”规划, 上海市科协事业发展十四五规划
    titles = {d.title for d, _ in candidates(store, "十四五规划")}
    quoted = {r["title"] for r in store.select("citations") if "“十四五”规划" in r["title"]}
    expected = {d.title for q in quoted for d in resolve(store, q)}
    assert len(expected) >= 3 and expected <= titles


def test_cites_notice_publishing_a_plan_is_the_plan(store: EntityStore) -> None:
    # sast-2026: 《关于印发上海市科普事业十四五规划的通知》, elsewhere 《上海市科普事业“十四五”发展规划》
    assert projects_citing(store, "关于印发上海市科普事业十四五规划的通知") == projects_citing(
        store, "上海市科普事业“十四五”发展规划"
    )
    assert projects_citing(store, "上海市科普事业“十四五”发展规划") != projects_citing(
        store, "上海市科协事业发展“十四五”规划"
    )


def test_cites_no_short_title_becomes_a_document(store: EntityStore) -> None:
    # sast-2019-performance-targets: 《纲要》 is the 简称 of the 2006 纲要, defined in another field
    titles = {r["title"] for r in store.select("policy_documents")}
    assert not titles & {"纲要", "条例"}
    assert projects_citing(store, "纲要") <= projects_citing(
        store, "全民科学素质行动计划纲要（2006—2010—2020年）"
    )


def test_cites_clear_names_have_no_candidates(store: EntityStore) -> None:
    assert candidates(store, "科普法") == []
    assert candidates(store, "全民科学素质纲要") == []
    assert candidates(store, "Fire Protection Law") == []
    assert resolve(store, "科普法") and cites(store, "科普法")


def test_cites_bare_doc_number_in_text_is_a_citation() -> None:
    (c,) = find_citations("依据国发〔2021〕9号文件，组织开展全国科普月活动。", section="legal_basis")
    assert (c.title, c.doc_number, c.bracketed, c.section) == (
        "国发〔2021〕9号",
        "国发〔2021〕9号",
        False,
        "legal_basis",
    )
    # a 文号 attached to a title stays that title's (sast-2026 line 526)
    text = "2、《国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知》（国发〔2021〕9号）"
    assert [c.title for c in find_citations(text)] == [
        "国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知"
    ]
    assert find_citations("本项目编号为国发〔2021〕9号之外的内容") == []
