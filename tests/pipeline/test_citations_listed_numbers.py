"""A bare 文号 listed after a cited title (依据《A》和国发〔2021〕9号文件) is a citation of its own.

The reviewer's sentences are as reported. No bundled or national document lists a bare 文号 after a
title, so the other strings are real sentences edited into that shape, with 文号 of the same
document: Guangzhou data bureau 2026 project targets (p.5, as the PDF's text layer reads, line breaks
kept), whose 《…纲要》（穗府（2021）7号）以及《…》 and 《…改革方案》（穗数建办〔2022〕13号）、《…》 lose
their second title to the other 文号; and 国家信访局 2024 final accounts (p.47), 《项目支出绩效评价管理
办法》（财预〔2020〕10号）, joined to the 财预〔2018〕167号 its p.30 cites.
"""

from __future__ import annotations

import pytest

from budgetscope.pipeline.citations import find_citations

GUANGZHOU_P5_PLAN = (
    "根据《广州市国民经济和社会发展第十四个五年规划\n和2035年远景目标纲要》（穗府（2021）7号）以及\n"
    "穗数建办〔2022〕13号文件的相关要求，进一步推进全市政务云基础设\n施资源一体化统筹管理"
)
GUANGZHOU_P5_OPS = "贯彻落实《广州市数字政府统一基础运维管理改革方\n案》（穗数建办〔2022〕13号）、穗府（2021）7号等相关政策文\n件要求"
CENTRAL_P47 = (
    "本次评价指标体系根据《项目支出绩效评价管理办法》（财\n预〔2020〕10 号）和财预〔2018〕167号有关要求设置"
)


def _cited(text: str) -> list[tuple[str, str | None, bool, str | None]]:
    return [(c.title, c.doc_number, c.bracketed, c.wording) for c in find_citations(text, section="overview")]


@pytest.mark.parametrize("joiner", ["和", "及", "、", "以及", "与"])
def test_citations_bare_doc_number_after_a_title_is_cited_on_its_own(joiner: str) -> None:
    text = f"依据《中华人民共和国预算法》{joiner}国发〔2021〕9号文件开展。"
    assert _cited(text) == [
        (
            "中华人民共和国预算法",
            None,
            True,
            "《中华人民共和国预算法》",
        ),  # not given the 文号 after the joiner
        ("国发〔2021〕9号", "国发〔2021〕9号", False, "国发〔2021〕9号"),  # as a 文号 alone is cited
    ]
    (bare,) = [c for c in find_citations(text) if not c.bracketed]
    assert text[bare.start : bare.end] == "国发〔2021〕9号"


@pytest.mark.parametrize(
    "text",
    [
        "依据《上海市财政支出绩效评价管理暂行办法》和沪财绩〔2020〕6号",  # nothing after it
        "依据《上海市财政支出绩效评价管理暂行办法》和\n沪财绩〔2020〕6号",  # a line break after the joiner
    ],
)
def test_citations_bare_doc_number_after_a_title_needs_no_cue_after_it(text: str) -> None:
    assert [(t, n) for t, n, _, _ in _cited(text)] == [
        ("上海市财政支出绩效评价管理暂行办法", None),
        ("沪财绩〔2020〕6号", "沪财绩〔2020〕6号"),
    ]


@pytest.mark.parametrize(
    ("text", "title", "own", "listed"),
    [
        (GUANGZHOU_P5_PLAN, "广州市国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "穗府（2021）7号", "穗数建办〔2022〕13号"),
        (GUANGZHOU_P5_OPS, "广州市数字政府统一基础运维管理改革方案", "穗数建办〔2022〕13号", "穗府（2021）7号"),
        (CENTRAL_P47, "项目支出绩效评价管理办法", "财预〔2020〕10号", "财预〔2018〕167号"),
    ],
    ids=["guangzhou-p5-plan", "guangzhou-p5-ops", "central-p47"],
)  # fmt: skip
def test_citations_bare_doc_number_after_a_title_and_its_own_doc_number(
    text: str, title: str, own: str, listed: str
) -> None:
    # the bracketed 文号 right after the title stays the title's; the one after the joiner is cited alone
    assert [(t, n, b) for t, n, b, _ in _cited(text)] == [(title, own, True), (listed, listed, False)]


def test_citations_bare_doc_numbers_listed_after_a_title_are_each_cited() -> None:
    text = "依据《中华人民共和国预算法》以及国发〔2021〕9号、国办发〔2022〕7号文件开展。"
    assert [t for t, _, _, _ in _cited(text)] == [
        "中华人民共和国预算法",
        "国发〔2021〕9号",
        "国办发〔2022〕7号",
    ]


def test_citations_bare_doc_number_listed_after_a_bare_one() -> None:
    # 文件和 between two 文号: the second is listed after the first, cited with no verb of its own
    text = "根据榕政办〔2022〕141号文件和榕政办〔2017〕285号文件，本项目的目标为"
    assert [t for t, _, _, _ in _cited(text)] == ["榕政办〔2022〕141号", "榕政办〔2017〕285号"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 文号 in the brackets after a title are the title's (test_citations_doc_numbers_in_one_bracket…);
        # so is the first one right after it without brackets (sast-2026 立项依据 9., its second title a 文号)
        (
            "9. 《国务院关于同意设立“全国科技工作者日”的批复》国函〔2016〕194号、国发〔2021〕9号；",
            [("国务院关于同意设立“全国科技工作者日”的批复", "国函〔2016〕194号")],
        ),
        # the real item: a title, its 文号, a second title
        (
            "9. 《国务院关于同意设立“全国科技工作者日”的批复》国函〔2016〕194号、《知识产权强国建设纲要（2021—2035年）》；",
            [("国务院关于同意设立“全国科技工作者日”的批复", "国函〔2016〕194号"), ("知识产权强国建设纲要（2021—2035年）", None)],
        ),
        # a 文号 before the next title is that title's, not a bare citation
        (
            "依据《中华人民共和国预算法》和国办发〔2022〕7号《关于新时代进一步加强科学技术普及工作的意见》开展。",
            [("中华人民共和国预算法", None), ("关于新时代进一步加强科学技术普及工作的意见", "国办发〔2022〕7号")],
        ),
        # after a title that is no citation (the project's own product), nothing is listed
        ("编印《科普画册》和国发〔2021〕9号样书", []),
        ("依据《中华人民共和国预算法》，编印《科普画册》和国发〔2021〕9号样书", [("中华人民共和国预算法", None)]),
    ],
)  # fmt: skip
def test_citations_doc_numbers_that_are_a_title_s_own_are_not_cited_alone(
    text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert [(t, n) for t, n, _, _ in _cited(text)] == expected


GUANGZHOU_P5_OPS_BOTH = "贯彻落实《广州市数字政府统一基础运维管理改革方\n案》（穗数建办〔2022〕13号、穗府（2021）7号）等相关政策文\n件要求"
CENTRAL_P47_BOTH = "根据《项目支出绩效评价管理办法》（财\n预〔2020〕10 号，财预〔2018〕167号）有关要求设置"


@pytest.mark.parametrize(
    ("text", "title", "numbers", "wording"),
    [
        (GUANGZHOU_P5_OPS_BOTH, "广州市数字政府统一基础运维管理改革方案", ["穗数建办〔2022〕13号", "穗府（2021）7号"],
         "《广州市数字政府统一基础运维管理改革方案》（穗数建办〔2022〕13号、穗府（2021）7号）"),
        (CENTRAL_P47_BOTH, "项目支出绩效评价管理办法", ["财预〔2020〕10号", "财预〔2018〕167号"],
         "《项目支出绩效评价管理办法》（财预〔2020〕10 号，财预〔2018〕167号）"),
        ("依据《上海市科学技术普及条例》（沪府发〔2020〕1号和沪府发〔2020〕2号）开展。", "上海市科学技术普及条例",
         ["沪府发〔2020〕1号", "沪府发〔2020〕2号"], "《上海市科学技术普及条例》（沪府发〔2020〕1号和沪府发〔2020〕2号）"),
        # a member written without its 号 takes the list's last one
        ("依据《上海市科学技术普及条例》（沪府发〔2020〕1、沪府发〔2020〕2号）开展。", "上海市科学技术普及条例",
         ["沪府发〔2020〕1号", "沪府发〔2020〕2号"], "《上海市科学技术普及条例》（沪府发〔2020〕1、沪府发〔2020〕2号）"),
    ],
    ids=["guangzhou-p5-ops", "central-p47", "he", "without-hao"],
)  # fmt: skip
def test_citations_doc_numbers_in_one_bracket_are_each_a_citation_of_the_title(
    text: str, title: str, numbers: list[str], wording: str
) -> None:
    # one citation per 文号, each of the same title, its wording the whole bracket (closed), none a bare 文号
    found = find_citations(text, section="overview")
    assert [(c.title, c.doc_number, c.bracketed, c.wording) for c in found] == [
        (title, n, True, wording) for n in numbers
    ]
    assert [c.doc_number_inferred for c in found] == [
        n not in text.replace("\n", "").replace(" ", "") for n in numbers
    ]
    assert len({(c.start, c.end) for c in found}) == 1


def test_citations_doc_numbers_in_a_bracket_the_title_s_notice_embeds() -> None:
    # 关于转发《X》的通知（A号、B号）: the notice is cited, once per 文号, its wording closed
    text = "根据市科委关于转发《上海市科学技术普及条例》的通知（沪科〔2021〕9号、沪财〔2022〕7号）要求开展。"
    wording = "市科委关于转发《上海市科学技术普及条例》的通知（沪科〔2021〕9号、沪财〔2022〕7号）"
    assert [(c.title, c.doc_number, c.bracketed, c.wording) for c in find_citations(text)] == [
        ("市科委关于转发《上海市科学技术普及条例》的通知", n, False, wording)
        for n in ["沪科〔2021〕9号", "沪财〔2022〕7号"]
    ]


def test_citations_doc_numbers_in_a_bracket_left_open_give_the_first() -> None:
    # the bracket holds more than the list (…等): the first 文号 is the title's, as before
    text = "依据《上海市科学技术普及条例》（沪府发〔2020〕1号、沪府发〔2020〕2号等）开展。"
    assert [(c.title, c.doc_number) for c in find_citations(text)][:1] == [
        ("上海市科学技术普及条例", "沪府发〔2020〕1号")
    ]
