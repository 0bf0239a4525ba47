"""`cites` by every way people name a document: English names, ambiguous short names, a bare 文号.

Expected answers come from the store's citation rows, never from :func:`cites` itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from budgetscope.index.cites import candidates, cites, resolve
from budgetscope.index.policy_names import match_policy_name, policy_title
from budgetscope.pipeline.citations import find_citations
from budgetscope.store.protocol import EntityStore
from budgetscope.store.sqlite import open_store


@pytest.fixture(scope="module")
def store(corpus_home: Path) -> Iterator[EntityStore]:
    with open_store(corpus_home) as store:
        yield store


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EntityStore]:
    """A home of the central letters-and-calls bureau's 2026 budget, pp.26-30 (corpus/excerpts): its
    信息化运行维护项目 cites 《信访工作条例》 and 《关于着力推进信访工作法治化的意见》."""
    from budgetscope.index.ingest import ingest

    home = tmp_path_factory.mktemp("letters-home")
    excerpt = (
        Path(__file__).resolve().parents[2]
        / "corpus"
        / "excerpts"
        / "central-letters-and-calls-2026-p26-30.pdf"
    )
    assert not ingest([excerpt], home, workers=1).failed
    with open_store(home) as store:
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


# -- English names: singular or plural, in any order, with or without of/on/the; parts of names -------


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Regulations on Letters and Visits", "信访工作条例"),
        ("Regulation on Letters and Visits", "信访工作条例"),  # singular
        ("letters and visits regulations", "信访工作条例"),
        ("the Letters and Visits Regulation", "信访工作条例"),
        ("National Scientific Literacy Outline", "全民科学素质行动规划纲要"),
        ("Outline of National Scientific Literacy", "全民科学素质行动规划纲要"),  # word order, "of"
        ("Outline for the National Scientific Literacy", "全民科学素质行动规划纲要"),
        ("Science Popularisation Law", "中华人民共和国科学技术普及法"),  # British spelling
        ("Law on Fire Protection", "中华人民共和国消防法"),
        ("Fire Protection Laws", "中华人民共和国消防法"),
        ("Minors Protection Law", "中华人民共和国未成年人保护法"),
        ("Law on the Protection of the Elderly's Rights and Interests", "中华人民共和国老年人权益保障法"),
    ],
)
def test_cites_names_english_whole_names_match_in_any_form(english: str, chinese: str | None) -> None:
    assert policy_title(english) == chinese


@pytest.mark.parametrize(
    "english",
    [
        "high-speed railway",
        "tax law of Mars",
        "party building in scientific societies",
        "think tank research reports",
        "training courses for officials and community science popularization",
        "law",  # words every name has name nothing
        "regulations",
        "national plan",
        "Shanghai regulations",
    ],
)
def test_cites_names_unrelated_english_matches_nothing(store: EntityStore, english: str) -> None:
    assert match_policy_name(english) is None
    assert resolve(store, english) == [] and candidates(store, english) == [] and cites(store, english) == []


@pytest.mark.parametrize(
    ("english", "variants"),
    [
        ("Regulations on Letters and Visits",
         ["Regulation on Letters and Visits", "letters and visits regulations",
          "which projects cite the regulation on letters and visits"]),
    ],
)  # fmt: skip
def test_cites_names_english_variants_find_the_same_projects(
    letters: EntityStore, english: str, variants: list[str]
) -> None:
    expected = [h.id for h in cites(letters, english)]
    assert expected == [h.id for h in cites(letters, "信访工作条例")] and expected
    for variant in variants:
        assert [h.id for h in cites(letters, variant)] == expected, variant


def test_cites_names_english_word_order_finds_both_versions_of_the_outline(store: EntityStore) -> None:
    expected = {h.id for h in cites(store, "全民科学素质纲要")}
    assert {h.id for h in cites(store, "Outline of National Scientific Literacy")} == expected
    assert {h.id for h in cites(store, "National Scientific Literacy Outline")} == expected


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("scientific literacy", "科学素质"), ("fire", "消防")],
)
def test_cites_names_english_part_of_a_name_lists_the_candidates_as_its_chinese(
    store: EntityStore, english: str, chinese: str
) -> None:
    """A part of English names is a short name: the candidates of its Chinese, counted alike."""
    options = candidates(store, english)
    assert len(options) >= 2 and options == candidates(store, chinese)
    assert candidates(store, english, year=2026) == candidates(store, chinese, year=2026)
    assert cites(store, english) == []  # the candidates are the answer, not a guess


def test_cites_names_english_part_of_names_of_several_documents(store: EntityStore) -> None:
    """science popularization is part of the English names of the law (科学技术普及法) and of Shanghai's
    regulations (科学技术普及条例); the glossary's 科普 is in neither title: both are the candidates."""
    options = candidates(store, "science popularization")
    assert {d.title for d, _ in options} == {"中华人民共和国科学技术普及法", "上海市科学技术普及条例"}
    assert all(n > 0 for _, n in options) and cites(store, "science popularization") == []


def test_cites_names_english_part_of_one_name(letters: EntityStore) -> None:
    """letters and visits is part of the names of 信访工作条例; as 信访 it is in two cited titles."""
    options = candidates(letters, "letters and visits")
    assert {d.title for d, _ in options} == {"信访工作条例", "关于着力推进信访工作法治化的意见"}
    assert options == candidates(letters, "信访")
