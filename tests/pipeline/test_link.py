"""Canonical policy documents: title keys, the 全民科学素质纲要 family across corpus files, lookup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetscope.models import Citation, Document
from budgetscope.pipeline.citations import find_citations
from budgetscope.pipeline.document import read_document
from budgetscope.pipeline.extract import extract_documents
from budgetscope.pipeline.link import PolicyIndex, policy_id, split_version, title_key

FILES = (
    "sast-2019-performance-targets.txt",
    "sast-2023-department-budget.txt",
    "sast-2026-department-budget.txt",
    "sast-2026-performance-targets.txt",
    "stcsm-2025-department-budget.txt",
)


@pytest.fixture(scope="module")
def cited(corpus: Path) -> list[tuple[str, int, Citation]]:
    """Every citation of the bundled corpus with its file and budget year."""
    out = []
    for name in FILES:
        year = int(re.search(r"20\d\d", name).group(0))  # type: ignore[union-attr]
        out += [(name, year, c) for c in find_citations((corpus / name).read_text(encoding="utf-8"))]
    return out


@pytest.fixture(scope="module")
def index(cited: list[tuple[str, int, Citation]]) -> PolicyIndex:
    idx = PolicyIndex()
    for name, year, c in cited:
        idx.add(c, year=year, doc=name)
    idx.resolve()
    return idx


def _id(index: PolicyIndex, title: str, year: int | None, number: str | None = None) -> str | None:
    return index.canonical(Citation(title=title, doc_number=number), year=year)


# titles of the 2021 纲要 as the 2026 and 2023 budgets write them
SAME_2021 = [
    "全民科学素质行动规划纲要（2021—2035年）",
    "全民科学素质行动规划纲要(2021—2035年)",
    "国务院关于印发全民科学素质行动规划纲要（2021—2035年）的通知",
    "关于印发全民科学素质行动计划纲要（2021-2035年）的通知",
    "全民科学素质行动计划纲要（2021—2035年）",
]


@pytest.mark.parametrize("title", SAME_2021)
def test_link_title_key_folds_spelling_and_wrappers(title: str) -> None:
    assert split_version(title_key(title)) == ("全民科学素质纲要", "2021-2035")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("科普法", "中华人民共和国科学技术普及法"),
        ("消防法", "中华人民共和国消防法"),
        ("上海市科协实施〈中国科学技术协会章程〉细则", "上海市科学技术协会实施《中国科学技术协会章程》细则"),
        ("上海市科协事业发展十四五规划", "上海市科学技术协会事业发展“十四五”规划"),
        (
            "中国科协关于印发《中国科学技术协会事业发展“十四五”规划（2021—2025年）》的通知",
            "中国科协事业发展“十四五”规划（2021-2025）",
        ),
        (
            "关于进一步弘扬科学家精神 加强作风和学风建设的意见",
            "关于进一步弘扬科学家精神加强作风和学风建设的意见",
        ),
    ],
)
def test_link_title_key_same_document(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_link_title_key_keeps_local_laws_and_versions_apart() -> None:
    assert title_key("上海市消防条例") == "上海市消防条例"
    assert title_key("全民科学素质行动计划纲要（2006—2010—2020年）") != title_key(SAME_2021[0])


def test_link_family_2021_version_is_one_document(index: PolicyIndex) -> None:
    ids = {_id(index, t, 2026) for t in SAME_2021} | {_id(index, "全民科学素质纲要", 2026)}
    assert len(ids) == 1 and None not in ids
    (doc,) = [d for d in index.documents() if d.id in ids]
    assert (doc.family, doc.version, doc.title) == (
        "全民科学素质纲要",
        "2021-2035",
        "全民科学素质行动规划纲要（2021—2035年）",
    )
    assert "国发〔2021〕9号" in doc.doc_numbers


def test_link_family_predecessor_is_another_version(
    index: PolicyIndex, cited: list[tuple[str, int, Citation]]
) -> None:
    old = [
        c
        for name, _, c in cited
        if name.startswith("sast-2023") and c.title.startswith("全民科学素质行动计划纲要（2006")
    ]
    assert old and not old[0].bracketed  # named without 《》 in the 2023 budget
    assert index.canonical(old[0], year=2023) != _id(index, SAME_2021[0], 2023)
    assert index.canonical(old[0], year=2023) == _id(
        index, "全民科学素质行动计划纲要（2006—2010—2020年）", None
    )


def test_link_family_bare_title_follows_the_citing_year(index: PolicyIndex) -> None:
    bare = "全民科学素质行动计划纲要"
    assert _id(index, bare, 2019) == _id(index, "全民科学素质行动计划纲要（2006—2010—2020年）", None)
    assert _id(index, bare, 2023) == _id(index, SAME_2021[0], None)


def test_link_family_short_name_defined_in_text(
    index: PolicyIndex, cited: list[tuple[str, int, Citation]]
) -> None:
    short = [c for name, _, c in cited if name.startswith("sast-2019") and c.title == "纲要"]
    assert short and index.canonical(short[0], year=2019) == _id(
        index, "全民科学素质行动计划纲要（2006—2010—2020年）", None
    )


def test_link_doc_number_beats_a_misnamed_title(index: PolicyIndex) -> None:
    # 国办发〔2016〕10号 is the 实施方案 (2016—2020), though the 2019 form names it 纲要（2016-2020年）
    by_number = _id(index, "关于印发全民科学素质行动计划纲要（2016-2020年）的通知", 2019, "国办发[2016]10号")
    assert by_number == _id(
        index, "国务院办公厅关于印发全民科学素质行动计划纲要实施方案（2016—2020年）的通知", 2019
    )
    assert by_number not in {_id(index, SAME_2021[0], None), _id(index, "全民科学素质行动计划纲要", 2019)}


def test_link_doc_numbers_learned_from_the_corpus(index: PolicyIndex) -> None:
    # the 2023 budget misspells 强化 as 加强; the shared 国发〔2017〕37号 joins them
    a = _id(index, "国务院关于加强实施创新驱动发展战略 进一步推进大众创业万众创新深入发展的意见", 2023)
    b = _id(index, "国务院关于强化实施创新驱动发展战略进一步推进大众创业万众创新深入发展的意见", 2026)
    assert a == b and a is not None
    assert [d.id for d in index.lookup("国发[2017]37号")] == [a]


def test_link_issuer_prefix(index: PolicyIndex) -> None:
    one = _id(index, "关于进一步深化改革创新 加快科技服务业高质量发展的若干意见", 2026)
    assert one == _id(
        index, "上海市人民政府办公厅关于进一步深化改革创新加快科技服务业高质量发展的若干意见", 2026
    )
    # two issuers (中国科协, 上海市科协) of the same title: different documents
    assert _id(index, "中国科协关于实施创新驱动助力工程的意见", 2026) != _id(
        index, "上海市科协关于实施创新驱动助力工程的意见", 2026
    )


def test_link_notice_publishing_a_plan_named_without_quotes_and_发展(index: PolicyIndex) -> None:
    # sast-2026: 《关于印发上海市科普事业十四五规划的通知》; sast-2026, stcsm-2025: 《上海市科普事业“十四五”发展规划》
    plan = _id(index, "上海市科普事业“十四五”发展规划", 2026)
    assert _id(index, "关于印发上海市科普事业十四五规划的通知", 2026) == plan
    assert _id(index, "上海市科协事业发展“十四五”规划", 2026) != plan


@pytest.mark.parametrize(
    ("titles", "joined"),
    [
        (["关于印发上海市科普事业十四五规划的通知", "上海市科普事业“十四五”发展规划"], True),
        # not a notice: two titles, two documents as far as the names tell
        (["上海市科普事业十四五规划", "上海市科普事业“十四五”发展规划"], False),
        # a different plan is never joined, nor a plan that two documents fit
        (["关于印发上海市科普事业十四五规划的通知", "上海市科协事业发展“十四五”规划"], False),
        (
            [
                "关于印发上海市科普事业十四五规划的通知",
                "上海市科普事业“十四五”发展规划",
                "上海市科普事业发展十四五规划",
            ],
            False,
        ),
    ],
)
def test_link_published_plan_joined_only_when_one_document_fits(titles: list[str], joined: bool) -> None:
    idx = PolicyIndex()
    for title in titles:
        idx.add(Citation(title=title), year=2026, doc="x.txt")
    idx.resolve()
    ids = {idx.canonical(Citation(title=t), year=2026) for t in titles[:2]}
    assert (len(ids) == 1) is joined


def test_link_ambiguous_without_evidence() -> None:
    idx = PolicyIndex()
    for title, year in [("全民科学素质行动规划纲要（2021—2035年）", 2026), ("全民科学素质纲要", None)]:
        idx.add(Citation(title=title), year=year, doc="x.txt")
    idx.resolve()
    unclear = idx.canonical(Citation(title="全民科学素质纲要"), year=None)
    (doc,) = [d for d in idx.documents() if d.id == unclear]
    assert doc.ambiguous and doc.family == "全民科学素质纲要"
    assert idx.canonical(Citation(title="全民科学素质纲要"), year=2026) != unclear


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("科普法", "中华人民共和国科学技术普及法"),
        ("哪些项目引用了中华人民共和国消防法？", "中华人民共和国消防法"),
        ("科协发学字〔2017〕42号", "关于进一步推进创新驱动助力工程的指导意见"),
        ("国发(2021)9号", "全民科学素质行动规划纲要（2021—2035年）"),
    ],
)
def test_link_lookup(index: PolicyIndex, query: str, title: str) -> None:
    assert [d.title for d in index.lookup(query)] == [title]


def test_link_lookup_family_question(index: PolicyIndex) -> None:
    found = index.lookup("哪些项目引用了全民科学素质纲要")
    assert [d.version for d in found] == ["2006-2010-2020", "2021-2035"]


def test_link_reload_from_documents(index: PolicyIndex, cited: list[tuple[str, int, Citation]]) -> None:
    reloaded = PolicyIndex(index.documents())
    assert all(reloaded.canonical(c, year=y) == index.canonical(c, year=y) for _, y, c in cited)
    reloaded.resolve()
    assert [d.id for d in reloaded.documents()] == [d.id for d in index.documents()]


def test_link_every_citation_resolves_and_ids_are_stable(
    index: PolicyIndex, cited: list[tuple[str, int, Citation]]
) -> None:
    again = PolicyIndex()
    for name, year, c in cited:
        again.add(c, year=year, doc=name)
    again.resolve()
    assert all(index.canonical(c, year=y) is not None for _, y, c in cited)
    assert [d.model_dump() for d in again.documents()] == [d.model_dump() for d in index.documents()]


CitedAt = tuple[str, int | None, str, str | None]
"""A citation's place and words: (file, line, title, 文号)."""


def _extract(
    read: dict[str, Document], names: tuple[str, ...]
) -> tuple[dict[CitedAt, str | None], PolicyIndex]:
    """Extract the named files together: each citation's canonical id, and the index that gave them."""
    index = PolicyIndex()
    docs = extract_documents([read[n] for n in names], index=index)
    ids: dict[CitedAt, str | None] = {}
    for d in docs:
        for r in d.records:
            for c in r.citations:
                assert ids.setdefault((d.doc, r.line, c.title, c.doc_number), c.canonical) == c.canonical
    return ids, index


@pytest.fixture(scope="module")
def read(corpus: Path) -> dict[str, Document]:
    return {name: read_document(corpus / name) for name in FILES}


@pytest.fixture(scope="module")
def grown(read: dict[str, Document]) -> tuple[dict[CitedAt, str | None], PolicyIndex]:
    return _extract(read, FILES)


@pytest.mark.parametrize(
    "names",
    [
        *((name,) for name in FILES if name != "sast-2026-performance-targets.txt"),  # it cites nothing
        ("sast-2026-performance-targets.txt", "sast-2019-performance-targets.txt"),
        ("stcsm-2025-department-budget.txt", "sast-2023-department-budget.txt"),
    ],
)
def test_link_ids_stable_as_the_corpus_grows(
    read: dict[str, Document],
    grown: tuple[dict[CitedAt, str | None], PolicyIndex],
    names: tuple[str, ...],
) -> None:
    small, small_index = _extract(read, names)
    large, large_index = grown
    assert small and set(small) <= set(large)
    small_docs = {d.id: d for d in small_index.documents()}
    large_docs = {d.id: d for d in large_index.documents()}
    for cited, pd in small.items():
        grown_pd = large[cited]
        assert pd is not None and grown_pd is not None
        if pd != grown_pd:  # only evidence the smaller corpus lacks moves an id: a first 文号
            assert not small_docs[pd].doc_numbers and large_docs[grown_pd].doc_numbers, cited


def test_link_id_of_a_numbered_document_ignores_its_title_variants(
    read: dict[str, Document], grown: tuple[dict[CitedAt, str | None], PolicyIndex]
) -> None:
    # sast-2023 writes 国务院关于加强实施创新驱动发展战略…, the 2019 and 2026 files 强化; one 文号
    alone, _ = _extract(read, ("sast-2023-department-budget.txt",))
    ids = {pd for runs in (alone, grown[0]) for cited, pd in runs.items() if cited[3] == "国发〔2017〕37号"}
    assert ids == {policy_id(["国发[2017]37号"], "", None)}


def test_link_ids_do_not_depend_on_file_order(
    read: dict[str, Document], grown: tuple[dict[CitedAt, str | None], PolicyIndex]
) -> None:
    ids, index = _extract(read, FILES[::-1])
    assert ids == grown[0]
    assert index.documents() == grown[1].documents()


@pytest.mark.parametrize("names", [("sast-2023-department-budget.txt",), FILES])
def test_link_reload_from_documents_keeps_every_id(read: dict[str, Document], names: tuple[str, ...]) -> None:
    index = PolicyIndex()
    docs = extract_documents([read[n] for n in names], index=index)
    reloaded = PolicyIndex(index.documents())
    cited = [(d.year, c) for d in docs for r in d.records for c in r.citations]
    assert cited and all(reloaded.canonical(c, year=y) == c.canonical for y, c in cited)
    reloaded.resolve()
    assert reloaded.documents() == index.documents()


@pytest.mark.parametrize(
    ("numbers", "earliest"),
    [
        (["国发〔2021〕9号", "国发[2017]37号"], "国发〔2017〕37号"),
        (["国发〔2017〕37号", "国发〔2017〕9号"], "国发〔2017〕9号"),  # serials compare as numbers
        (["国务院令第658号", "国办发〔2016〕28号"], "国办发〔2016〕28号"),  # a decree has no year
        (["沪科【2023】15号", "沪科[2023]15号"], "沪科〔2023〕15号"),
    ],
)
def test_link_policy_id_from_the_earliest_doc_number(numbers: list[str], earliest: str) -> None:
    assert policy_id(numbers, "a", "2021") == policy_id([earliest], "b", None)
    assert policy_id(numbers, "a", "2021") != policy_id([], "a", "2021")


def test_link_policy_id_from_family_and_version_without_doc_number(index: PolicyIndex) -> None:
    assert _id(index, SAME_2021[1], 2026) == policy_id(["国发〔2021〕9号"], "", None)
    old = _id(index, "全民科学素质行动计划纲要（2006—2010—2020年）", None)
    assert old == policy_id(["国发〔2006〕7号"], "", None)
    law = _id(index, "科普法", 2026)
    assert law == policy_id([], "中华人民共和国科学技术普及法", None)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.sampled_from([*SAME_2021, "科普法", "关于印发关于印发X的通知的通知"]))
def test_link_title_key_is_idempotent(title: str) -> None:
    assert title_key(title_key(title)) == title_key(title)


def test_link_title_key_idempotent_when_dropping_a_character_composes() -> None:
    # found by Hypothesis: dropping "<" left "H" + a combining diaeresis, which NFKC composes
    assert title_key(title_key("H<¨")) == title_key("H<¨")
